package content

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
)

// ResolutionHeader names the columns of the resolution table, in CSV and
// XLSX alike: the ISO/IEC/CEN commenting template adapted (DECISIONS.md
// section 3).
var ResolutionHeader = []string{"id", "stakeholder_group", "country", "commenter", "clause", "paragraph", "type",
	"comment", "proposed_change", "disposition", "observations", "addressed_in"}

// Column indexes of ResolutionHeader.
const (
	colID = iota
	colGroup
	colCountry
	colCommenter
	colClause
	colParagraph
	colType
	colComment
	colProposed
	colDisposition
	colObservations
	colAddressed
)

// ResolutionRow is one comment in the resolution table, every cell as
// text.
type ResolutionRow struct {
	ID               int64
	StakeholderGroup string
	Country          string
	// Commenter is the commenter's name, "anonymous" for an anonymous
	// comment.
	Commenter string
	Clause    string // the section
	Paragraph string // the pid
	Type      string // ge, te or ed
	Comment   string
	Proposed  string
	// Disposition is the slug, "" while the comment has none.
	Disposition  string
	Observations string // the rationale
	AddressedIn  string // "2:p4;p9"
	// Row is the row of the file the row was read from (the header is row
	// 1); 0 for rows made from the store.
	Row int
}

// TypeCodes maps comment types to the table's two-letter codes.
var TypeCodes = map[string]string{store.CommentGeneral: "ge", store.CommentTechnical: "te", store.CommentEditorial: "ed"}

// ResolutionRowOf makes the table row of an approved comment. An anonymous
// comment shows as "anonymous", never with its author's name.
func ResolutionRowOf(m store.Comment) ResolutionRow {
	r := ResolutionRow{ID: m.ID, StakeholderGroup: m.Author.Group, Country: m.Author.Country, Commenter: "anonymous",
		Clause: m.Section, Paragraph: m.Paragraph, Type: TypeCodes[m.Type], Comment: m.Body, Proposed: m.Proposed}
	if m.Display == store.DisplayNamed && m.Author.Name != "" {
		r.Commenter = m.Author.Name
	}
	if d := m.Disposition; d != nil {
		r.Disposition, r.Observations, r.AddressedIn = d.Value, d.Rationale, d.AddressedIn.String()
	}
	return r
}

// cells lists the row's cells in ResolutionHeader order.
func (r ResolutionRow) cells() []string {
	return []string{strconv.FormatInt(r.ID, 10), r.StakeholderGroup, r.Country, r.Commenter, r.Clause, r.Paragraph, r.Type,
		r.Comment, r.Proposed, r.Disposition, r.Observations, r.AddressedIn}
}

// ResolutionProblem is one thing wrong with an uploaded table: the row
// (the header is row 1; 0 for the whole file) and the column it is in.
type ResolutionProblem struct {
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (p ResolutionProblem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "row %d", p.Row)
	}
	if p.Column != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "column %s", p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ResolutionError rejects a whole table and lists every problem found.
type ResolutionError struct {
	File     string
	Problems []ResolutionProblem
}

func (e *ResolutionError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return e.File + ": " + strings.Join(parts, "; ")
}

func (e *ResolutionError) add(row int, column, format string, args ...any) {
	e.Problems = append(e.Problems, ResolutionProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
}

// err returns e when it holds problems, nil otherwise.
func (e *ResolutionError) err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// WriteResolutionCSV writes the table as CSV: ResolutionHeader, CRLF line
// ends, no byte order mark, formula-looking cells neutralised with a
// leading apostrophe (undone on import, so a round trip is exact).
func WriteResolutionCSV(w io.Writer, rows []ResolutionRow) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ResolutionHeader); err != nil {
		return fmt.Errorf("write resolution csv: %w", err)
	}
	for _, r := range rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = neutralise(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return fmt.Errorf("write resolution csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write resolution csv: %w", err)
	}
	return nil
}

// ParseResolution reads a filled table, CSV or XLSX (told apart by their
// first bytes: an XLSX file is a zip), and checks each row on its own:
// the header, ids, dispositions, observations and addressed_in. Checks
// against the store come after, in ResolutionChanges.
func ParseResolution(name string, b []byte) ([]ResolutionRow, error) {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return ParseResolutionXLSX(name, b)
	}
	return ParseResolutionCSV(name, b)
}

// ParseResolutionCSV reads a filled table from CSV (UTF-8, a byte order
// mark allowed). Any problem rejects the whole file with a
// *ResolutionError naming every problem by row and column.
func ParseResolutionCSV(name string, b []byte) ([]ResolutionRow, error) {
	fe := &ResolutionError{File: name}
	if !utf8.Valid(b) {
		fe.add(0, "", "the file is not UTF-8 text; save it as CSV UTF-8")
		return nil, fe
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	var records [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The reader cannot go on after a syntax error.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				fe.add(len(records)+1, "", "the CSV cannot be read here (line %d): %v", pe.Line, pe.Err)
			} else {
				fe.add(len(records)+1, "", "the CSV cannot be read: %v", err)
			}
			return nil, fe
		}
		for i := range rec {
			rec[i] = unneutralise(rec[i])
		}
		records = append(records, rec)
	}
	return rowsOf(fe, records)
}

// rowsOf checks the records of a table, the header first, and makes rows
// of them.
func rowsOf(fe *ResolutionError, records [][]string) ([]ResolutionRow, error) {
	if len(records) == 0 {
		fe.add(1, "", "the file is empty; the first row must be the header %s", strings.Join(ResolutionHeader, ","))
		return nil, fe
	}
	header := make([]string, len(records[0]))
	for i, h := range records[0] {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	if !slices.Equal(header, ResolutionHeader) {
		fe.add(1, "", "the header must be exactly %s", strings.Join(ResolutionHeader, ","))
		return nil, fe
	}
	var out []ResolutionRow
	seen := map[int64]int{}
	for i, rec := range records[1:] {
		n := i + 2
		if blank(rec) {
			continue
		}
		if len(rec) > len(ResolutionHeader) && blank(rec[len(ResolutionHeader):]) {
			rec = rec[:len(ResolutionHeader)]
		}
		if len(rec) != len(ResolutionHeader) {
			fe.add(n, "", "has %d columns, want %d (%s)", len(rec), len(ResolutionHeader), strings.Join(ResolutionHeader, ","))
			continue
		}
		row := ResolutionRow{StakeholderGroup: rec[colGroup], Country: rec[colCountry], Commenter: rec[colCommenter],
			Clause: rec[colClause], Paragraph: rec[colParagraph], Type: rec[colType], Comment: rec[colComment],
			Proposed: rec[colProposed], Disposition: rec[colDisposition], Observations: rec[colObservations],
			AddressedIn: rec[colAddressed], Row: n}
		id, err := strconv.ParseInt(strings.TrimSpace(rec[colID]), 10, 64)
		switch {
		case err != nil || id <= 0:
			fe.add(n, "id", "%q is not a comment number", rec[colID])
		case seen[id] > 0:
			fe.add(n, "id", "comment %d is also on row %d; give each comment one row", id, seen[id])
		default:
			seen[id] = n
			row.ID = id
		}
		checkRow(fe, row)
		out = append(out, row)
	}
	return out, fe.err()
}

// checkRow checks what a row says about the disposition.
func checkRow(fe *ResolutionError, r ResolutionRow) {
	d := strings.TrimSpace(r.Disposition)
	if d != "" {
		if _, ok := store.ParseDisposition(d); !ok {
			fe.add(r.Row, "disposition", "%q is not a disposition; use one of %s", d, strings.Join(store.DispositionValues, ", "))
		}
		if strings.TrimSpace(r.Observations) == "" {
			fe.add(r.Row, "observations", "give the reason for the disposition: every comment gets an answer")
		}
	}
	if d == "" && strings.TrimSpace(r.Observations) != "" {
		fe.add(r.Row, "disposition", "give a disposition for these observations")
	}
	a, err := store.ParseAddressed(r.AddressedIn)
	if err != nil {
		fe.add(r.Row, "addressed_in", "%v", err)
	} else if d == "" && a.Version != 0 {
		fe.add(r.Row, "disposition", "give a disposition for this addressed_in")
	}
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ResolutionChange is what importing one row changes: the comment's
// disposition, observations (the rationale) or addressed_in. The old
// values are kept for the preview.
type ResolutionChange struct {
	ID              int64           `json:"id"`
	Row             int             `json:"row"`
	OldDisposition  string          `json:"old_disposition"`
	Disposition     string          `json:"disposition"`
	OldObservations string          `json:"old_observations"`
	Observations    string          `json:"observations"`
	OldAddressedIn  string          `json:"old_addressed_in"`
	AddressedIn     store.Addressed `json:"addressed_in"`
}

// ObservationsChanged reports whether the change gives a new rationale.
func (c ResolutionChange) ObservationsChanged() bool {
	return normaliseText(c.OldObservations) != normaliseText(c.Observations)
}

// AddressedChanged reports whether the change moves addressed_in.
func (c ResolutionChange) AddressedChanged() bool { return c.OldAddressedIn != c.AddressedIn.String() }

// normaliseText makes texts comparable across spreadsheets: CRLF becomes
// LF, trailing spaces of each line and the text's outer white space go.
func normaliseText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// ResolutionChanges compares the rows read from a file with the current
// table and returns the changes, in file order; rows that change nothing
// are left out. Unknown ids, changed comment texts and dispositions a file
// would take away are problems that reject the whole file.
func ResolutionChanges(name string, current, file []ResolutionRow) ([]ResolutionChange, error) {
	fe := &ResolutionError{File: name}
	byID := make(map[int64]ResolutionRow, len(current))
	for _, r := range current {
		byID[r.ID] = r
	}
	var out []ResolutionChange
	for _, r := range file {
		if r.ID == 0 {
			continue // already reported
		}
		cur, ok := byID[r.ID]
		if !ok {
			fe.add(r.Row, "id", "%d is not an approved comment of this consultation", r.ID)
			continue
		}
		if normaliseText(cur.Comment) != normaliseText(r.Comment) {
			fe.add(r.Row, "comment", "the comment text was changed; the table answers comments as they were made, so put it back as it was")
		}
		d, _ := store.ParseDisposition(r.Disposition)
		if d == "" {
			if cur.Disposition != "" && strings.TrimSpace(r.Disposition) == "" {
				fe.add(r.Row, "disposition", "the comment has the disposition %s; a table cannot take it away, so give a disposition", cur.Disposition)
			}
			continue
		}
		a, err := store.ParseAddressed(r.AddressedIn)
		if err != nil || strings.TrimSpace(r.Observations) == "" {
			continue // reported by the parser
		}
		c := ResolutionChange{ID: r.ID, Row: r.Row, OldDisposition: cur.Disposition, Disposition: d,
			OldObservations: cur.Observations, Observations: strings.TrimSpace(r.Observations),
			OldAddressedIn: cur.AddressedIn, AddressedIn: a}
		if c.OldDisposition == c.Disposition && !c.ObservationsChanged() && !c.AddressedChanged() {
			continue
		}
		out = append(out, c)
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckResolution reads a filled table and compares it with the current
// one: the changes it makes, or a *ResolutionError with every problem of
// the file, those of single rows and those against the store together.
func CheckResolution(name string, b []byte, current []ResolutionRow) ([]ResolutionChange, error) {
	rows, perr := ParseResolution(name, b)
	var fe *ResolutionError
	if perr != nil && !errors.As(perr, &fe) {
		return nil, perr
	}
	changes, cerr := ResolutionChanges(name, current, rows)
	if fe == nil {
		return changes, cerr
	}
	var ce *ResolutionError
	if errors.As(cerr, &ce) {
		fe.Problems = append(fe.Problems, ce.Problems...)
	}
	slices.SortStableFunc(fe.Problems, func(a, b ResolutionProblem) int { return a.Row - b.Row })
	return nil, fe
}

// RefusedChanges names, by row and column, the changes the store refused
// (a version or paragraph that does not exist, a comment no longer
// approved).
func RefusedChanges(name string, changes []ResolutionChange, se *store.ResolutionError) error {
	fe := &ResolutionError{File: name}
	for _, ch := range changes {
		ve := se.Comments[ch.ID]
		if ve == nil {
			continue
		}
		for _, field := range slices.Sorted(maps.Keys(ve.Fields)) {
			column := field
			switch {
			case strings.HasPrefix(field, "addressed_in"):
				column = "addressed_in"
			case field == "rationale":
				column = "observations"
			}
			fe.add(ch.Row, column, "%s", ve.Fields[field])
		}
	}
	if len(fe.Problems) == 0 {
		return se
	}
	return fe
}
