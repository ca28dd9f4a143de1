package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
)

// ParseJSON reads a JSON array of policy objects in the shape of DESIGN.md
// section 3, refusing unknown fields. Problems name the object's index and
// the line of the object, or of the field when it can be found. As with
// ParseCSV, a *FileError comes with the objects that did parse.
func ParseJSON(name string, b []byte) ([]Record, error) {
	return collect(func(fn func(Record) error) error { return scanJSON(name, bytes.NewReader(b), fn) })
}

// collect gathers what a scan finds: every record, and with a *FileError
// whose problems leave the records worth checking further, those records.
func collect(scan func(fn func(Record) error) error) ([]Record, error) {
	var out []Record
	err := scan(func(r Record) error {
		out = append(out, r)
		return nil
	})
	var fe *FileError
	if errors.As(err, &fe) && fe.fatal {
		return nil, err
	}
	if err != nil {
		return out, err
	}
	return out, nil
}

// scanJSON reads a JSON array of policy objects from r one object at a
// time, handing each valid one to fn, so that a file of any size takes the
// memory of its largest object. Problems come back as a *FileError; an
// error of fn stops the scan and is returned as it is.
func scanJSON(name string, r io.Reader, fn func(Record) error) error {
	fe := &FileError{File: name}
	lr := newLineReader(r)
	notUTF8 := func() error {
		p, _ := lr.utf8Problem("the file is not UTF-8 text")
		return &FileError{File: name, Problems: []Problem{p}, fatal: true}
	}
	dec := json.NewDecoder(lr)
	tok, err := dec.Token()
	if lr.badAt >= 0 {
		return notUTF8()
	}
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		fe.Problems, fe.fatal = append(fe.Problems, Problem{Line: 1, Message: "expected a JSON array of policy objects, starting with ["}), true
		return fe
	}
	n := 0
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		before := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			if lr.badAt >= 0 {
				return notUTF8()
			}
			fe.Problems, fe.fatal = append(fe.Problems, syntaxProblem(lr, dec, err, before, i)), true
			return fe
		}
		line := lr.lineAt(dec.InputOffset() - int64(len(raw)))
		keyLine := func(field string) int {
			if off := keyOffset(raw, topField(field)); off >= 0 {
				return line + bytes.Count(raw[:off], []byte("\n"))
			}
			return 0
		}
		where := fmt.Sprintf("policy %d", i+1)
		var p store.Policy
		if err := json.Unmarshal(raw, &p); err != nil {
			pr := Problem{Line: line, Message: where + ": " + jsonMessage(err)}
			if f, ok := errField(err); ok {
				pr.Field = f
				if l := keyLine(f); l > 0 {
					pr.Line = l
				}
			}
			fe.Problems = append(fe.Problems, pr)
			continue
		}
		if err := p.Validate(); err != nil {
			for _, pr := range problemsOf(err, line, keyLine) {
				pr.Message = fmt.Sprintf("%s (%s): %s", where, p.Slug, pr.Message)
				fe.Problems = append(fe.Problems, pr)
			}
			continue
		}
		n++
		if err := fn(Record{Policy: p, Line: line}); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		if lr.badAt >= 0 {
			return notUTF8()
		}
		fe.Problems, fe.fatal = append(fe.Problems, syntaxProblem(lr, dec, err, 0, -1)), true
		return fe
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if lr.badAt >= 0 {
			return notUTF8()
		}
		fe.Problems = append(fe.Problems, Problem{Line: lr.lineAt(dec.InputOffset()), Message: "unexpected data after the closing ]"})
	}
	if len(fe.Problems) > 0 {
		return fe
	}
	if n == 0 {
		return &FileError{File: name, Problems: []Problem{{Line: 1, Message: "the array holds no policies"}}, fatal: true}
	}
	return nil
}

// syntaxProblem locates a JSON syntax error; the decoder cannot go on
// after one. A syntax error of Decode counts its offset from where the
// value began (base); one of Token, from the start of the stream (base 0).
func syntaxProblem(lr *lineReader, dec *json.Decoder, err error, base int64, index int) Problem {
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = base + se.Offset
	}
	msg := jsonMessage(err)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "the file ends before the JSON array is closed"
	}
	if index >= 0 {
		msg = fmt.Sprintf("policy %d: %s", index+1, msg)
	}
	return Problem{Line: lr.lineAt(off), Message: msg}
}

// jsonMessage words a decoding error without Go type names.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s must not be a JSON %s", te.Field, te.Value)
	}
	if f, ok := unknownField(err); ok {
		return fmt.Sprintf("unknown field %q", f)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// errField names the field a decoding error is about, when it says.
func errField(err error) (string, bool) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field, true
	}
	return unknownField(err)
}

// keyOffset finds where a top-level key of a JSON object starts, or -1.
// It scans the object's tokens so a key of a nested object, or the same
// text inside a string value, does not count.
func keyOffset(obj []byte, key string) int {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return -1
	}
	for dec.More() {
		before := int(dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			return -1
		}
		if k, ok := t.(string); ok && k == key {
			// InputOffset was at the end of the previous token; skip the
			// comma and blanks to the key itself.
			return before + bytes.IndexByte(obj[before:], '"')
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return -1
		}
	}
	return -1
}

// ParseMarkdown reads one policy file with YAML front matter (see
// ParsePolicy) and locates its problems on the lines of the front matter.
func ParseMarkdown(name string, b []byte) (Record, error) {
	fe := &FileError{File: name}
	if line := badUTF8Line(b); line > 0 {
		fe.Problems = append(fe.Problems, Problem{Line: line, Message: "the file is not UTF-8 text"})
		return Record{}, fe
	}
	p, err := ParsePolicy(name, b)
	if err == nil {
		return Record{Policy: p, Line: 1}, nil
	}
	front, _, _, ferr := SplitFrontMatter(b)
	if ferr != nil {
		fe.Problems = append(fe.Problems, Problem{Line: 1, Message: strings.TrimPrefix(ferr.Error(), "line 1: ")})
		return Record{}, fe
	}
	keyLine := func(field string) int {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(topField(field)) + `\s*:`)
		if loc := re.FindIndex(front); loc != nil {
			return lineAt(front, loc[0]) + 1 // the opening --- is line 1
		}
		return 0
	}
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		fe.Problems = append(fe.Problems, problemsOf(ve, 1, keyLine)...)
	default:
		pr := Problem{Line: 1, Message: strings.TrimPrefix(jsonMessage(err), name+": ")}
		if f, ok := errField(err); ok {
			pr.Field = f
			pr.Line = max(keyLine(f), 1)
		} else if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			pr.Line = n + 1
		}
		fe.Problems = append(fe.Problems, pr)
	}
	return Record{}, fe
}

var yamlLineRE = regexp.MustCompile(`yaml: line (\d+)`)
