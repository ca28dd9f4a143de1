package content

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// errNotUTF8 stops a parser at the first byte that is not UTF-8.
var errNotUTF8 = errors.New("the file is not UTF-8 text")

// lineReader passes a file through while checking that it is UTF-8 and
// remembering where its lines start, so that a parser reading a stream
// can still say on which line something is. It keeps only the offsets of
// the newlines past the last offset asked about, so its memory follows
// the parser's read-ahead, not the size of the file.
type lineReader struct {
	r      io.Reader
	off    int64   // bytes read so far
	nls    []int64 // offsets of newlines at or after the last lineAt
	passed int     // newlines before the last lineAt
	carry  []byte  // an incomplete UTF-8 sequence at the end of the last read
	badAt  int64   // offset of the first byte that is not UTF-8, or -1
	// badLine is the line of badAt, counted when it is found: a parser
	// may go on with what it had read ahead, and ask lineAt of later
	// offsets, before it meets the error.
	badLine int
}

// newLineReader reads r, skipping a UTF-8 byte order mark, so that the
// offsets a parser sees are the lineReader's own.
func newLineReader(r io.Reader) *lineReader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	return &lineReader{r: br, badAt: -1}
}

func (l *lineReader) Read(p []byte) (int, error) {
	if l.badAt >= 0 {
		return 0, errNotUTF8
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.nls = append(l.nls, l.off+int64(i))
		}
	}
	// Check the runes, starting with any sequence the last read cut.
	start, buf := l.off, p[:n]
	if len(l.carry) > 0 { // rare: only when a read ended inside a rune
		start -= int64(len(l.carry))
		buf = append(append([]byte(nil), l.carry...), buf...)
		l.carry = nil
	}
	l.off += int64(n)
	for i := 0; i < len(buf); {
		if buf[i] < utf8.RuneSelf {
			i++
			continue
		}
		if !utf8.FullRune(buf[i:]) && err == nil {
			l.carry = append([]byte(nil), buf[i:]...)
			break
		}
		r, size := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && size <= 1 {
			l.setBad(start + int64(i))
			return n, errNotUTF8
		}
		i += size
	}
	if errors.Is(err, io.EOF) && len(l.carry) > 0 {
		l.setBad(l.off - int64(len(l.carry)))
		return n, errNotUTF8
	}
	return n, err
}

// setBad records the first byte that is not UTF-8 and its line. Every
// offset lineAt was asked about so far was read before it.
func (l *lineReader) setBad(off int64) {
	l.badAt = off
	l.badLine = l.passed + 1
	for _, nl := range l.nls {
		if nl < off {
			l.badLine++
		}
	}
}

// lineAt is the 1-based line of byte offset off. Offsets must not go
// backwards from one call to the next: the newlines before off are
// forgotten.
func (l *lineReader) lineAt(off int64) int {
	i := 0
	for i < len(l.nls) && l.nls[i] < off {
		i++
	}
	l.passed += i
	l.nls = l.nls[i:]
	if len(l.nls) == 0 {
		l.nls = nil // let the backing array go
	}
	return l.passed + 1
}

// utf8Problem is the problem of a file that is not UTF-8, when the reader
// met one.
func (l *lineReader) utf8Problem(msg string) (Problem, bool) {
	if l.badAt < 0 {
		return Problem{}, false
	}
	return Problem{Line: l.badLine, Message: msg}, true
}
