package content

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
)

// Problem is one thing wrong with an import file: where (a line, counted
// from 1; 0 when the file as a whole is at fault), which field, and what.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// FileError rejects a whole import file and lists every problem found.
type FileError struct {
	File     string
	Problems []Problem
}

func (e *FileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return e.File + ": " + strings.Join(parts, "; ")
}

// Record is one policy read from a file, with the line it starts on.
type Record struct {
	Policy store.Policy
	Line   int
	// Partial is set for formats that carry only some fields (CSV): the
	// fields they lack keep their stored values on import.
	Partial bool
}

// MaxImportFile bounds the size of one import file, zip archives included.
const MaxImportFile = 4 << 20

// ParseFile reads a policy file by its extension: .csv, .json, .md (or
// .markdown), or a .zip archive of .md files as `accord export --format
// markdown` writes. Any problem rejects the whole file.
func ParseFile(name string, b []byte) ([]Record, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return ParseCSV(name, b)
	case ".json":
		return ParseJSON(name, b)
	case ".md", ".markdown":
		r, err := ParseMarkdown(name, b)
		if err != nil {
			return nil, err
		}
		return []Record{r}, nil
	case ".zip":
		return parseZip(name, b)
	}
	return nil, &FileError{File: name, Problems: []Problem{{Message: "use a .csv, .json, .md or .zip file"}}}
}

// MaxZipEntries bounds the entries (files and folders) of a zip archive to
// import: a 4 MB archive can list some 90,000 empty entries, each costing a
// header to read and a file to open, while an export of every policy has a
// few hundred.
const MaxZipEntries = 5000

// MaxZipEntry bounds the unpacked size of one .md file in a zip archive;
// a larger one refuses the archive with a message naming it, rather than
// being read in part.
const MaxZipEntry = 2 * MaxImportFile

// parseZip reads every .md file of an archive; the problems of all its
// files are reported together, each prefixed with the member's name.
func parseZip(name string, b []byte) ([]Record, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, &FileError{File: name, Problems: []Problem{{Message: "not a readable zip archive"}}}
	}
	if len(zr.File) > MaxZipEntries {
		return nil, &FileError{File: name, Problems: []Problem{{Message: fmt.Sprintf(
			"the archive has %d entries; import at most %d at a time", len(zr.File), MaxZipEntries)}}}
	}
	var out []Record
	fe := &FileError{File: name}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.EqualFold(path.Ext(f.Name), ".md") {
			continue
		}
		if f.UncompressedSize64 > MaxZipEntry {
			fe.Problems = append(fe.Problems, Problem{Message: tooLarge(f.Name)})
			continue
		}
		total += int64(f.UncompressedSize64)
		if total > 8*MaxImportFile {
			return nil, &FileError{File: name, Problems: []Problem{{Message: "the archive unpacks to more than 32 MB"}}}
		}
		rc, err := f.Open()
		if err != nil {
			fe.Problems = append(fe.Problems, Problem{Message: f.Name + ": " + err.Error()})
			continue
		}
		// One byte more than the limit tells a file that is too large
		// from one that fits exactly, whatever its header claims.
		data, err := io.ReadAll(io.LimitReader(rc, MaxZipEntry+1))
		rc.Close()
		if err != nil {
			fe.Problems = append(fe.Problems, Problem{Message: f.Name + ": " + err.Error()})
			continue
		}
		if len(data) > MaxZipEntry {
			fe.Problems = append(fe.Problems, Problem{Message: tooLarge(f.Name)})
			continue
		}
		r, err := ParseMarkdown(f.Name, data)
		var pe *FileError
		switch {
		case errors.As(err, &pe):
			for _, p := range pe.Problems {
				p.Message = f.Name + ": " + p.Message
				fe.Problems = append(fe.Problems, p)
			}
		case err != nil:
			return nil, err
		default:
			out = append(out, r)
		}
	}
	if len(fe.Problems) > 0 {
		return nil, fe
	}
	if len(out) == 0 {
		return nil, &FileError{File: name, Problems: []Problem{{Message: "the archive holds no .md policy files"}}}
	}
	return out, nil
}

// tooLarge is the problem of an archive member over MaxZipEntry.
func tooLarge(member string) string {
	return fmt.Sprintf("%s: unpacks to more than %d MB; split it or import it on its own", member, MaxZipEntry>>20)
}

// problemsOf turns a validation error into problems on one line, sorted by
// field; lineOf (may be nil) finds a field's own line.
func problemsOf(err error, line int, lineOf func(field string) int) []Problem {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{Line: line, Message: err.Error()}}
	}
	keys := make([]string, 0, len(ve.Fields))
	for k := range ve.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Problem, 0, len(keys))
	for _, k := range keys {
		l := line
		if lineOf != nil {
			if n := lineOf(k); n > 0 {
				l = n
			}
		}
		out = append(out, Problem{Line: l, Field: k, Message: ve.Fields[k]})
	}
	return out
}

// topField is the top-level JSON field of a field path such as
// "provisions[2].ref".
func topField(f string) string {
	if i := strings.IndexAny(f, "[."); i >= 0 {
		return f[:i]
	}
	return f
}

// lineAt is the 1-based line of byte offset off in b.
func lineAt(b []byte, off int) int {
	if off > len(b) {
		off = len(b)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// badUTF8Line is the line of the first byte that is not UTF-8, or 0.
func badUTF8Line(b []byte) int {
	if utf8.Valid(b) {
		return 0
	}
	for off := 0; off < len(b); {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size <= 1 {
			return lineAt(b, off)
		}
		off += size
	}
	return 0
}

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]*)"`)

// unknownField extracts the field name of encoding/json's unknown-field
// error, which has no type of its own.
func unknownField(err error) (string, bool) {
	m := unknownFieldRE.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	return m[1], true
}

// FileReport says what importing one file did.
type FileReport struct {
	File      string    `json:"file"`
	Created   []string  `json:"created"`
	Updated   []string  `json:"updated"`
	Unchanged []string  `json:"unchanged"`
	Rejected  bool      `json:"rejected"`
	Problems  []Problem `json:"problems,omitempty"`
}

// Import reads one file and upserts its policies by slug in one
// transaction: all of them, or, when any row is bad, none, with every bad
// line reported. Database failures are returned as errors; a bad file is a
// rejected report, not an error.
func Import(ctx context.Context, db *store.DB, name string, b []byte) (FileReport, error) {
	rep := FileReport{File: name, Created: []string{}, Updated: []string{}, Unchanged: []string{}}
	reject := func(ps []Problem) (FileReport, error) {
		rep.Rejected, rep.Problems = true, ps
		return rep, nil
	}
	if len(b) > MaxImportFile {
		return reject([]Problem{{Message: fmt.Sprintf("the file is larger than %d MB", MaxImportFile>>20)}})
	}
	recs, err := ParseFile(name, b)
	var problems []Problem
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		problems = fe.Problems
	case err != nil:
		return rep, err
	}
	more, err := checkRecords(ctx, db, recs)
	if err != nil {
		return rep, err
	}
	if problems = append(problems, more...); len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
		return reject(problems)
	}
	ps := make([]store.Policy, len(recs))
	for i, r := range recs {
		ps[i] = r.Policy
		// An import never reviews: a mapping it leaves unchanged keeps its
		// review, and a new or changed one is unreviewed.
		ps[i].Mappings = slices.Clone(ps[i].Mappings)
		for j := range ps[i].Mappings {
			ps[i].Mappings[j].Reviewed = false
		}
		if !r.Partial {
			continue
		}
		old, err := db.Policy(ctx, r.Policy.Slug)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return rep, err
		}
		ps[i].StatusNote, ps[i].Notes = old.StatusNote, old.Notes
	}
	res, err := db.SavePolicies(ctx, ps, store.Upsert)
	var be *store.BatchError
	if errors.As(err, &be) {
		return reject(problemsOf(be.Err, recs[be.Index].Line, nil))
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", name, err)
	}
	for i, r := range res {
		switch r {
		case store.Created:
			rep.Created = append(rep.Created, ps[i].Slug)
		case store.Updated:
			rep.Updated = append(rep.Updated, ps[i].Slug)
		default:
			rep.Unchanged = append(rep.Unchanged, ps[i].Slug)
		}
	}
	return rep, nil
}

// checkRecords finds what the database would refuse, for every record at
// once: unknown jurisdictions, topics and framework items, and a slug used
// twice in one file.
func checkRecords(ctx context.Context, db *store.DB, recs []Record) ([]Problem, error) {
	js, err := db.Jurisdictions(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, j := range js {
		known["j:"+j.Code] = true
	}
	ts, err := db.Topics(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		known["t:"+t.Slug] = true
	}
	fws, err := db.Frameworks(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range fws {
		fw, err := db.Framework(ctx, f.Slug)
		if err != nil {
			return nil, err
		}
		fw.Walk(func(it *store.Item) { known["i:"+f.Slug+"/"+it.Code] = true })
	}
	var out []Problem
	seen := map[string]int{}
	for _, r := range recs {
		p := r.Policy
		if first, ok := seen[p.Slug]; ok {
			out = append(out, Problem{Line: r.Line, Field: "slug", Message: fmt.Sprintf("%s appears twice in the file (first on line %d)", p.Slug, first)})
		} else {
			seen[p.Slug] = r.Line
		}
		for _, j := range p.Jurisdictions {
			if !known["j:"+j] {
				out = append(out, Problem{Line: r.Line, Field: "jurisdictions", Message: j + " is not a known jurisdiction"})
			}
		}
		for _, t := range p.Topics {
			if !known["t:"+t] {
				out = append(out, Problem{Line: r.Line, Field: "topics", Message: t + " is not a known topic"})
			}
		}
		for i, v := range p.Provisions {
			for _, t := range v.Topics {
				if !known["t:"+t] {
					out = append(out, Problem{Line: r.Line, Field: "provisions[" + strconv.Itoa(i) + "].topics", Message: t + " is not a known topic"})
				}
			}
		}
		for i, m := range p.Mappings {
			if !known["i:"+m.Framework+"/"+m.Item] {
				out = append(out, Problem{Line: r.Line, Field: "mappings[" + strconv.Itoa(i) + "].item",
					Message: fmt.Sprintf("%s is not an item of framework %s", m.Item, m.Framework)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return a.Line - b.Line })
	return out, nil
}
