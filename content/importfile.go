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
	"time"
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
	// fatal says the file could not be read through (not UTF-8, not
	// well-formed, not an archive): the records it did yield are not
	// checked further, as their problems would only add noise.
	fatal bool
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
	return collect(func(fn func(Record) error) error {
		return scanFile(name, bytes.NewReader(b), int64(len(b)), nil, fn)
	})
}

// scanFile reads a policy file by its extension, handing each valid
// record to fn. JSON and CSV are read as a stream through wrap (when not
// nil; it may count the bytes for a progress bar); a .md file is read
// whole, up to MaxZipEntry, and a zip archive entry by entry.
func scanFile(name string, r io.ReaderAt, size int64, wrap func(io.Reader) io.Reader, fn func(Record) error) error {
	stream := func() io.Reader {
		var rd io.Reader = io.NewSectionReader(r, 0, size)
		if wrap != nil {
			rd = wrap(rd)
		}
		return rd
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return scanCSV(name, stream(), fn)
	case ".json":
		return scanJSON(name, stream(), fn)
	case ".md", ".markdown":
		if size > MaxZipEntry {
			return &FileError{File: name, Problems: []Problem{{Message: fmt.Sprintf(
				"the file is larger than %d MB, too large for one policy", MaxZipEntry>>20)}}, fatal: true}
		}
		b, err := io.ReadAll(stream())
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		rec, err := ParseMarkdown(name, b)
		var fe *FileError
		if errors.As(err, &fe) {
			fe.fatal = true
			return fe
		}
		if err != nil {
			return err
		}
		return fn(rec)
	case ".zip":
		return scanZip(name, r, size, fn)
	}
	return &FileError{File: name, Problems: []Problem{{Message: "use a .csv, .json, .md or .zip file"}}, fatal: true}
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

// scanZip reads every .md file of an archive; the problems of all its
// files are reported together, each prefixed with the member's name. Any
// problem is fatal: its records are not checked further.
func scanZip(name string, ra io.ReaderAt, size int64, fn func(Record) error) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return &FileError{File: name, Problems: []Problem{{Message: "not a readable zip archive"}}, fatal: true}
	}
	if len(zr.File) > MaxZipEntries {
		return &FileError{File: name, Problems: []Problem{{Message: fmt.Sprintf(
			"the archive has %d entries; import at most %d at a time", len(zr.File), MaxZipEntries)}}, fatal: true}
	}
	fe := &FileError{File: name, fatal: true}
	var total int64
	n := 0
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
			return &FileError{File: name, Problems: []Problem{{Message: "the archive unpacks to more than 32 MB"}}, fatal: true}
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
			return err
		default:
			n++
			if len(fe.Problems) == 0 {
				if err := fn(r); err != nil {
					return err
				}
			}
		}
	}
	if len(fe.Problems) > 0 {
		return fe
	}
	if n == 0 {
		return &FileError{File: name, Problems: []Problem{{Message: "the archive holds no .md policy files"}}, fatal: true}
	}
	return nil
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

// ImportBatch is how many records are staged in one write transaction.
const ImportBatch = 1000

// ImportDirect is how many records a file may have to be saved in one
// write transaction without staging: for so few, that transaction is about
// as short as the swap of a staged import (some 15 ms a policy on a slow
// machine), so staging would only add work.
const ImportDirect = 100

// ImportOptions tune ImportFrom.
type ImportOptions struct {
	// Progress, when set, wraps the stream each pass reads ("check", then
	// "write"), to count its bytes. Zip archives are read entry by entry
	// and do not report progress.
	Progress func(pass string, r io.Reader) io.Reader
	// Applying, when set, is called as the checked records start to be
	// applied in the one write transaction.
	Applying func()
	// Swapped, when set, hears how long the write transaction that
	// swapped a staged import in held the database.
	Swapped func(took time.Duration)
}

// Import reads one file held in memory; see ImportFrom. Callers bound
// its size (the web upload by --upload-limit).
func Import(ctx context.Context, db *store.DB, name string, b []byte) (FileReport, error) {
	return ImportFrom(ctx, db, name, bytes.NewReader(b), int64(len(b)), ImportOptions{})
}

// ImportFrom upserts the policies of one file by slug: all of them, or,
// when any record is bad, none, with every bad line reported. It reads the
// file twice, so that its memory does not grow with the file: the first
// pass checks every record (format, fields, known jurisdictions, topics
// and framework items, slugs used twice); the second saves them in one
// transaction when there are at most ImportDirect, else works out what
// saving each would write and stages those rows in transactions of
// ImportBatch records, then swaps them in with one short transaction of a
// few set-based statements; either way with revisions, changes feed and
// audit as for any save. A policy that someone else writes to between its
// staging and the swap refuses the whole file (a problem naming it), so
// that the import never overwrites that change with a revision worked out
// before it; importing the file again applies it over the change.
// Database failures are returned as errors; a bad file is a rejected
// report, not an error.
func ImportFrom(ctx context.Context, db *store.DB, name string, r io.ReaderAt, size int64, opt ImportOptions) (FileReport, error) {
	rep := FileReport{File: name, Created: []string{}, Updated: []string{}, Unchanged: []string{}}
	reject := func(ps []Problem) (FileReport, error) {
		rep.Rejected, rep.Problems = true, ps
		return rep, nil
	}
	wrap := func(pass string) func(io.Reader) io.Reader {
		if opt.Progress == nil {
			return nil
		}
		return func(rd io.Reader) io.Reader { return opt.Progress(pass, rd) }
	}

	// Pass 1: check everything, writing nothing.
	chk, err := newChecker(ctx, db)
	if err != nil {
		return rep, err
	}
	var problems []Problem
	count := 0
	err = scanFile(name, r, size, wrap("check"), func(rec Record) error {
		count++
		chk.check(rec)
		return nil
	})
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		problems = fe.Problems
		if !fe.fatal {
			problems = append(problems, chk.problems...)
		}
	case err != nil:
		return rep, err
	default:
		problems = chk.problems
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
		return reject(problems)
	}
	chk = nil // its slugs are no longer needed

	// Pass 2: a small file is saved in one transaction; a larger one is
	// staged in transactions of ImportBatch records, then swapped in.
	record := func(slug string, res store.SaveResult) {
		switch res {
		case store.Created:
			rep.Created = append(rep.Created, slug)
		case store.Updated:
			rep.Updated = append(rep.Updated, slug)
		default:
			rep.Unchanged = append(rep.Unchanged, slug)
		}
	}
	batch := make([]store.StagedPolicy, 0, min(count, ImportBatch))
	staged := 0
	var flush func() error
	var apply func() error
	if count <= ImportDirect {
		flush = func() error { return nil }
		apply = func() error { return db.ApplyPolicies(ctx, batch, record) }
	} else {
		pi, err := db.BeginPolicyImport(ctx)
		if err != nil {
			return rep, err
		}
		defer pi.Discard(context.WithoutCancel(ctx))
		flush = func() error {
			if len(batch) == 0 {
				return nil
			}
			err := pi.Stage(ctx, batch)
			clear(batch)
			batch = batch[:0]
			return err
		}
		apply = func() error {
			st, err := pi.ApplyTimed(ctx, record)
			if err == nil && opt.Swapped != nil {
				opt.Swapped(st.Took)
			}
			return err
		}
	}
	err = scanFile(name, r, size, wrap("write"), func(rec Record) error {
		staged++
		// An import never reviews: a mapping it leaves unchanged keeps its
		// review, and a new or changed one is unreviewed.
		p := rec.Policy
		p.Mappings = slices.Clone(p.Mappings)
		for j := range p.Mappings {
			p.Mappings[j].Reviewed = false
		}
		batch = append(batch, store.StagedPolicy{Policy: p, Line: rec.Line, KeepNotes: rec.Partial})
		if len(batch) == ImportBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && staged != count {
		err = fmt.Errorf("%s changed while it was imported (%d policies checked, %d read again); nothing was saved", name, count, staged)
	}
	var se *store.StagedError
	if errors.As(err, &se) {
		return reject(problemsOf(se.Err, se.Line, nil))
	}
	if errors.As(err, &fe) {
		return rep, fmt.Errorf("%s changed while it was imported; nothing was saved: %w", name, err)
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", name, err)
	}
	if opt.Applying != nil {
		opt.Applying()
	}
	err = apply()
	var stale *store.StaleImportError
	switch {
	case errors.As(err, &se):
		rep.Created, rep.Updated, rep.Unchanged = []string{}, []string{}, []string{}
		return reject(problemsOf(se.Err, se.Line, nil))
	case errors.As(err, &stale):
		rep.Created, rep.Updated, rep.Unchanged = []string{}, []string{}, []string{}
		return reject([]Problem{{Line: stale.Line, Field: "slug", Message: stale.Error()}})
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", name, err)
	}
	return rep, nil
}

// checker finds what the database would refuse, record by record: unknown
// jurisdictions, topics and framework items, and a slug used twice in one
// file. It keeps the vocabularies and the file's slugs, not its records.
type checker struct {
	known    map[string]bool
	seen     map[string]int
	problems []Problem
}

func newChecker(ctx context.Context, db *store.DB) (*checker, error) {
	known := map[string]bool{}
	js, err := db.Jurisdictions(ctx)
	if err != nil {
		return nil, err
	}
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
	return &checker{known: known, seen: map[string]int{}}, nil
}

// check adds the problems of one record.
func (c *checker) check(r Record) {
	p := r.Policy
	add := func(field, msg string) {
		c.problems = append(c.problems, Problem{Line: r.Line, Field: field, Message: msg})
	}
	if first, ok := c.seen[p.Slug]; ok {
		add("slug", fmt.Sprintf("%s appears twice in the file (first on line %d)", p.Slug, first))
	} else {
		c.seen[p.Slug] = r.Line
	}
	for _, j := range p.Jurisdictions {
		if !c.known["j:"+j] {
			add("jurisdictions", j+" is not a known jurisdiction")
		}
	}
	for _, t := range p.Topics {
		if !c.known["t:"+t] {
			add("topics", t+" is not a known topic")
		}
	}
	for i, v := range p.Provisions {
		for _, t := range v.Topics {
			if !c.known["t:"+t] {
				add("provisions["+strconv.Itoa(i)+"].topics", t+" is not a known topic")
			}
		}
	}
	for i, m := range p.Mappings {
		if !c.known["i:"+m.Framework+"/"+m.Item] {
			add("mappings["+strconv.Itoa(i)+"].item", fmt.Sprintf("%s is not an item of framework %s", m.Item, m.Framework))
		}
	}
}
