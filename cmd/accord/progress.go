package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a command has read a file, by bytes: a bar when
// standard error is a terminal, otherwise a plain line at every tenth of
// the file, so that logs carry no control characters.
type progress struct {
	w    io.Writer
	name string
	size int64
	tty  bool
}

func newProgress(w io.Writer, name string, size int64) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, name: name, size: size, tty: ok && term.IsTerminal(int(f.Fd()))}
}

// passNames words the passes of content.ImportFrom.
var passNames = map[string]string{"check": "checking", "write": "staging"}

// wrap counts the bytes read through r for one pass.
func (p *progress) wrap(pass string, r io.Reader) io.Reader {
	verb := passNames[pass]
	if verb == "" {
		verb = pass
	}
	if p.tty {
		bar := progressbar.NewOptions64(p.size, progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(verb+" "+p.name), progressbar.OptionShowBytes(true),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		return &countingReader{r: r, add: func(n int64, done bool) {
			_ = bar.Add64(n)
			if done {
				_ = bar.Finish()
			}
		}}
	}
	var read int64
	step := int64(-1)
	return &countingReader{r: r, add: func(n int64, done bool) {
		read += n
		s := int64(10)
		if p.size > 0 && !done {
			s = read * 10 / p.size
		}
		if s > step {
			step = s
			fmt.Fprintf(p.w, "import %s: %s, %s of %s (%d%%)\n", p.name, verb, mb(read), mb(p.size), s*10)
		}
	}}
}

// line says what the import does next, on a line of its own.
func (p *progress) line(what string) {
	fmt.Fprintf(p.w, "import %s: %s\n", p.name, what)
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// countingReader reports every read, and the end of the stream, to add.
type countingReader struct {
	r    io.Reader
	add  func(n int64, done bool)
	done bool
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if !c.done {
		c.done = err == io.EOF
		c.add(int64(n), c.done)
	}
	return n, err
}
