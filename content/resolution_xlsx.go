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
	records, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		fe.add(0, "", "the sheet %q cannot be read: %v", sheets[0], err)
		return nil, fe
	}
	for i, rec := range records {
		// Trailing empty cells are left out of a row: pad it, so that a row
		// with no addressed_in still has every column.
		if len(rec) > 0 && len(rec) < len(ResolutionHeader) {
			records[i] = append(rec, make([]string, len(ResolutionHeader)-len(rec))...)
		}
	}
	return rowsOf(fe, records)
}
