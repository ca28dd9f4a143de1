package content

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dc-isss/accord/store"
)

// CSVHeader is the header of policy CSV files, for import and export alike
// (DESIGN.md section 3). Lists are separated by ";", sources included (a
// ";" inside an address is written %3B). A file with the header before the
// sources and confidence columns (csvHeaderWithoutSources) still imports:
// as with the status note and notes, which no CSV file carries, a policy
// that exists then keeps its stored sources and confidence.
var CSVHeader = append(slices.Clone(csvHeaderWithoutSources), "sources", "confidence")

// csvHeaderWithoutSources is the header of CSV files made before policies
// had sources and a confidence.
var csvHeaderWithoutSources = []string{"slug", "title", "short_title", "jurisdictions", "issuer", "type", "status", "binding",
	"adopted", "in_force", "url", "language", "topics", "layers", "summary"}

// formulaStart are the characters that make a spreadsheet read a cell as
// a formula (OWASP "CSV injection").
const formulaStart = "=+-@\t\r"

// formulaAt reports whether s, after any leading apostrophes, starts
// with a formula character, and how many apostrophes lead.
func formulaAt(s string) (int, bool) {
	n := len(s) - len(strings.TrimLeft(s, "'"))
	return n, n < len(s) && strings.ContainsRune(formulaStart, rune(s[n]))
}

// neutralise prefixes an apostrophe to a cell a spreadsheet would run as a
// formula. Cells that are apostrophes followed by such a character get one
// more apostrophe too, so that unneutralise restores every cell exactly.
func neutralise(s string) string {
	if _, ok := formulaAt(s); ok {
		return "'" + s
	}
	return s
}

// SpreadsheetCell is a cell of text people wrote, made safe for a
// spreadsheet: one that would run as a formula starts with an apostrophe.
func SpreadsheetCell(s string) string { return neutralise(s) }

// unneutralise undoes neutralise: it takes one apostrophe off a cell of
// apostrophes followed by a formula character.
func unneutralise(s string) string {
	if n, ok := formulaAt(s); ok && n > 0 {
		return s[1:]
	}
	return s
}

// splitList reads a ";"-separated list cell.
func splitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// ParseCSV reads policies from an RFC 4180 CSV file with CSVHeader. The
// file must be UTF-8 (a byte order mark is skipped). Every bad row is
// reported with its line; any problem rejects the file. With a
// *FileError, the rows that did parse are returned too, so that callers
// can check them further and report every problem at once.
func ParseCSV(name string, b []byte) ([]Record, error) {
	return collect(func(fn func(Record) error) error { return scanCSV(name, bytes.NewReader(b), fn) })
}

// scanCSV reads a CSV file row by row, handing each valid row to fn.
// Problems come back as a *FileError; an error of fn stops the scan and is
// returned as it is.
func scanCSV(name string, in io.Reader, fn func(Record) error) error {
	fe := &FileError{File: name}
	lr := newLineReader(in)
	notUTF8 := func() error {
		p, _ := lr.utf8Problem("the file is not UTF-8 text; save it as CSV UTF-8")
		return &FileError{File: name, Problems: []Problem{p}, fatal: true}
	}
	r := csv.NewReader(lr)
	r.FieldsPerRecord = -1 // counted below, so the message can say which columns
	r.ReuseRecord = true
	header, err := r.Read()
	if lr.badAt >= 0 {
		return notUTF8()
	}
	if errors.Is(err, io.EOF) {
		fe.Problems, fe.fatal = append(fe.Problems, Problem{Line: 1, Message: "the file is empty; the first line must be the header " + strings.Join(CSVHeader, ",")}), true
		return fe
	}
	if err != nil {
		fe.Problems, fe.fatal = append(fe.Problems, csvProblem(err)), true
		return fe
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	withSources := slices.Equal(header, CSVHeader)
	if !withSources && !slices.Equal(header, csvHeaderWithoutSources) {
		fe.Problems, fe.fatal = append(fe.Problems, Problem{Line: 1, Message: "the header must be exactly " + strings.Join(CSVHeader, ",")}), true
		return fe
	}
	columns := slices.Clone(header)
	n := 0
	for {
		row, err := r.Read()
		if lr.badAt >= 0 {
			return notUTF8()
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The reader cannot go on after a syntax error; report it with
			// what was found so far.
			fe.Problems = append(fe.Problems, csvProblem(err))
			break
		}
		line, _ := r.FieldPos(0)
		lr.lineAt(r.InputOffset()) // forget the newlines behind
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue // a blank line
		}
		if len(row) != len(columns) {
			fe.Problems = append(fe.Problems, Problem{Line: line,
				Message: fmt.Sprintf("has %d columns, want %d (%s)", len(row), len(columns), strings.Join(columns, ","))})
			continue
		}
		for i := range row {
			row[i] = unneutralise(row[i])
		}
		p := store.Policy{
			Slug: strings.TrimSpace(row[0]), Title: strings.TrimSpace(row[1]), ShortTitle: strings.TrimSpace(row[2]),
			Jurisdictions: splitList(row[3]), Issuer: strings.TrimSpace(row[4]), Type: strings.TrimSpace(row[5]),
			Status: strings.TrimSpace(row[6]), Binding: strings.TrimSpace(row[7]),
			Adopted: store.Date(strings.TrimSpace(row[8])), InForce: store.Date(strings.TrimSpace(row[9])),
			URL: strings.TrimSpace(row[10]), Language: strings.TrimSpace(row[11]),
			Topics: splitList(row[12]), Layers: splitList(row[13]), Summary: strings.TrimSpace(row[14]),
		}
		if withSources {
			// Sources nil (no column) keeps the stored list; a column
			// makes the list, empty or not, what the file says.
			p.Sources, p.Confidence = splitList(row[15]), strings.TrimSpace(row[16])
		}
		if err := p.Validate(); err != nil {
			fe.Problems = append(fe.Problems, problemsOf(err, line, nil)...)
			continue
		}
		n++
		if err := fn(Record{Policy: p, Line: line, Partial: true}); err != nil {
			return err
		}
	}
	if len(fe.Problems) > 0 {
		return fe
	}
	if n == 0 {
		return &FileError{File: name, Problems: []Problem{{Line: 2, Message: "the file has a header but no policies"}}, fatal: true}
	}
	return nil
}

func csvProblem(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{Line: pe.Line, Message: pe.Err.Error()}
	}
	return Problem{Message: err.Error()}
}

// WriteCSV writes policies as CSV with CSVHeader, formula-looking cells
// neutralised with a leading apostrophe.
func WriteCSV(w io.Writer, ps []store.Policy) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, p := range ps {
		row := []string{p.Slug, p.Title, p.ShortTitle, strings.Join(p.Jurisdictions, ";"), p.Issuer, p.Type, p.Status,
			p.Binding, string(p.Adopted), string(p.InForce), p.URL, p.Language, strings.Join(p.Topics, ";"),
			strings.Join(p.Layers, ";"), p.Summary, joinSources(p.Sources), p.Confidence}
		for i := range row {
			row[i] = neutralise(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// joinSources writes a sources cell: the addresses separated by ";", a
// ";" inside one written %3B so that the cell splits back into the same
// number of addresses.
func joinSources(srcs []string) string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		out[i] = strings.ReplaceAll(s, ";", "%3B")
	}
	return strings.Join(out, ";")
}
