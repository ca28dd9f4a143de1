package content

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/xuri/excelize/v2"
)

// resolutionSheet is the name of the XLSX table's one sheet.
const resolutionSheet = "Resolution"

// resolutionWidths are the column widths, in characters, a secretariat can
// work in: wide for texts, narrow for codes.
var resolutionWidths = []float64{8, 18, 9, 20, 9, 11, 7, 60, 45, 18, 50, 16}

// lockedColumns are the columns sheet protection keeps as they are: the
// comment's number and its text, which the import checks.
var lockedColumns = map[int]bool{colID: true, colComment: true}

// WriteResolutionXLSX writes the table as an XLSX workbook: a bold header
// row with the panes frozen below it, wrapped text, column widths, drop-
// down lists for type and disposition, and sheet protection that locks
// the id and comment columns while the other cells stay editable.
func WriteResolutionXLSX(w io.Writer, rows []ResolutionRow) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := buildResolutionXLSX(f, rows); err != nil {
		return fmt.Errorf("write resolution xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write resolution xlsx: %w", err)
	}
	return nil
}

func buildResolutionXLSX(f *excelize.File, rows []ResolutionRow) error {
	if err := f.SetSheetName("Sheet1", resolutionSheet); err != nil {
		return err
	}
	align := &excelize.Alignment{WrapText: true, Vertical: "top"}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: align,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E7E7"}}})
	if err != nil {
		return err
	}
	locked, err := f.NewStyle(&excelize.Style{Alignment: align, Protection: &excelize.Protection{Locked: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F3F3F3"}}})
	if err != nil {
		return err
	}
	open, err := f.NewStyle(&excelize.Style{Alignment: align, Protection: &excelize.Protection{Locked: false}})
	if err != nil {
		return err
	}
	for i, width := range resolutionWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(resolutionSheet, col, col, width); err != nil {
			return err
		}
		style := open
		if lockedColumns[i] {
			style = locked
		}
		// The column style covers the rows below the data too, so that
		// cells added in the spreadsheet stay editable.
		if err := f.SetColStyle(resolutionSheet, col, style); err != nil {
			return err
		}
	}
	for i, h := range ResolutionHeader {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(resolutionSheet, cell, h); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(ResolutionHeader), 1)
	if err := f.SetCellStyle(resolutionSheet, "A1", last, header); err != nil {
		return err
	}
	for n, r := range rows {
		for i, v := range r.cells() {
			cell, _ := excelize.CoordinatesToCellName(i+1, n+2)
			var err error
			if i == colID {
				err = f.SetCellInt(resolutionSheet, cell, r.ID)
			} else {
				err = f.SetCellStr(resolutionSheet, cell, v)
			}
			if err != nil {
				return err
			}
			style := open
			if lockedColumns[i] {
				style = locked
			}
			if err := f.SetCellStyle(resolutionSheet, cell, cell, style); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(resolutionSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	lists := []struct {
		col    int
		values []string
		what   string
	}{
		{colType, []string{"ge", "te", "ed"}, "ge (general), te (technical) or ed (editorial)"},
		{colDisposition, store.DispositionValues, "one of " + strings.Join(store.DispositionValues, ", ")},
	}
	for _, l := range lists {
		col, _ := excelize.ColumnNumberToName(l.col + 1)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
		if err := dv.SetDropList(l.values); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, ResolutionHeader[l.col], "Choose "+l.what)
		if err := f.AddDataValidation(resolutionSheet, dv); err != nil {
			return err
		}
	}
	lastRow, _ := excelize.CoordinatesToCellName(len(ResolutionHeader), len(rows)+1)
	if err := f.AutoFilter(resolutionSheet, "A1:"+lastRow, nil); err != nil {
		return err
	}
	return f.ProtectSheet(resolutionSheet, &excelize.SheetProtectionOptions{
		AutoFilter: true, Sort: true, FormatColumns: true, FormatRows: true,
		SelectLockedCells: true, SelectUnlockedCells: true,
	})
}

// maxXLSXUnzipped bounds what an uploaded workbook may unpack to, so that
// a small zip bomb cannot fill the memory.
const maxXLSXUnzipped = 64 << 20

// maxResolutionRows bounds the rows of a table read back: far more than
// any consultation's comments, far fewer than would fill the memory.
const maxResolutionRows = 200000

// maxResolutionColumns is the widest row read back: the table's columns
// and some empty, formatted cells beside them.
const maxResolutionColumns = 64

// ParseResolutionXLSX reads a filled table from the first sheet of an
// XLSX workbook, with the same checks as ParseResolutionCSV.
func ParseResolutionXLSX(name string, b []byte) ([]ResolutionRow, error) {
	fe := &ResolutionError{File: name}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxXLSXUnzipped,
		UnzipXMLSizeLimit: maxXLSXUnzipped})
	if err != nil {
		fe.add(0, "", "the workbook cannot be read (%v); save it again as .xlsx", err)
		return nil, fe
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		fe.add(0, "", "the workbook has no sheet")
		return nil, fe
	}
	// Rows are streamed and cut to the table's columns: GetRows would pad
	// every row to the sheet's last used column, and one cell at column
	// XFD in each row of a few kilobytes of XML would take gigabytes.
	rows, err := f.Rows(sheets[0])
	if err != nil {
		fe.add(0, "", "the sheet %q cannot be read: %v", sheets[0], err)
		return nil, fe
	}
	defer rows.Close()
	var records [][]string
	for rows.Next() {
		if len(records) >= maxResolutionRows {
			fe.add(len(records)+1, "", "the table has more than %d rows; a consultation has fewer comments", maxResolutionRows)
			return nil, fe
		}
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			fe.add(len(records)+1, "", "the row cannot be read: %v", err)
			return nil, fe
		}
		if len(rec) > maxResolutionColumns {
			// A row reaching far past the table's columns is refused at once:
			// reading more such rows, each as wide as its last cell, is how a
			// small file would cost minutes.
			fe.add(len(records)+1, "", "the row has cells up to column %d; the table has %d columns: delete the cells to the right of %q",
				len(rec), len(ResolutionHeader), ResolutionHeader[len(ResolutionHeader)-1])
			return nil, fe
		}
		for len(rec) > len(ResolutionHeader) && rec[len(rec)-1] == "" {
			rec = rec[:len(rec)-1]
		}
		// Trailing empty cells are left out of a row: pad it, so that a row
		// with no addressed_in still has every column.
		if len(rec) > 0 && len(rec) < len(ResolutionHeader) {
			rec = append(rec, make([]string, len(ResolutionHeader)-len(rec))...)
		}
		records = append(records, rec)
	}
	if err := rows.Error(); err != nil {
		fe.add(0, "", "the sheet %q cannot be read: %v", sheets[0], err)
		return nil, fe
	}
	return rowsOf(fe, records)
}
