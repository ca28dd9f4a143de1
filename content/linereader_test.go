package content

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestLineReader reads one byte at a time, so that every multi-byte rune
// is cut across reads, and still finds the lines and the one bad byte.
func TestLineReader(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		badLine int
	}{
		{"valid, runes cut", "\ufeffcafé\nüber\n€ 5\n😀", 0},
		{"bad byte", "café\nüber\nna\xefve\n", 3},
		{"cut at the end", "ok\n\xe2\x82", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lr := newLineReader(iotest.OneByteReader(strings.NewReader(tc.in)))
			b, err := io.ReadAll(lr)
			p, bad := lr.utf8Problem("x")
			if tc.badLine == 0 {
				if err != nil || bad {
					t.Fatalf("got %v, %+v; want no error", err, p)
				}
				if got := string(b); got != strings.TrimPrefix(tc.in, "\ufeff") {
					t.Errorf("read %q", got)
				}
				if got := lr.lineAt(int64(len(b))); got != 4 {
					t.Errorf("last line %d, want 4", got)
				}
				return
			}
			if err != errNotUTF8 || !bad || p.Line != tc.badLine {
				t.Errorf("got %v, %+v; want not UTF-8 on line %d", err, p, tc.badLine)
			}
		})
	}
}
