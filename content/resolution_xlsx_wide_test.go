package content

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestParseResolutionXLSXWideSheet: a small workbook with one cell in the
// sheet's last column on each row is refused without reading every row at
// the sheet's full width (which would take gigabytes).
func TestParseResolutionXLSXWideSheet(t *testing.T) {
	// The stream writer writes each row as given: the header, then one
	// cell at column XFD per row, a few bytes of XML each.
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	header := make([]any, len(ResolutionHeader))
	for i, h := range ResolutionHeader {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	for r := 2; r <= 3000; r++ {
		if err := sw.SetRow(fmt.Sprintf("XFD%d", r), []any{"x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = ParseResolutionXLSX("wide.xlsx", buf.Bytes())
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatalf("a sheet with cells past the table's columns: want an error")
	}
	// Held at once, 3,000 rows of 16,384 cells would be over 700 MB.
	if grew := after.HeapInuse - min(after.HeapInuse, before.HeapInuse); grew > 200<<20 {
		t.Errorf("reading the wide sheet kept %d MB in use", grew>>20)
	}
}
