package outcomepdf

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
)

// longWordDoc is a document whose every kind of block holds one unbroken
// word of n characters, as a pasted URL or blob would be.
func longWordDoc(n int) Document {
	word := strings.Repeat("abcdefghij", n/10)
	d := Document{Title: "Long", Date: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), Summary: word,
		Fields: []Field{{Label: "Stable URL", Value: word, Href: "https://a.example/" + word[:50]}}}
	for _, k := range []string{KindHeading, KindParagraph, KindListItem, KindQuote, KindCode, KindPanel, KindNote} {
		d.Blocks = append(d.Blocks, Block{Kind: k, Level: 2, Runs: []Run{{Text: "Before " + word + " after"}}})
	}
	d.Blocks = append(d.Blocks, Block{Kind: KindParagraph, Runs: []Run{{Text: "Link: "}, {Text: word, Href: "https://a.example/x"}}})
	return d
}

// TestWriteLongWordIsLinear: an unbroken word far longer than a line
// costs time in proportion to its length (fpdf's own wrapping of one
// over-long word is quadratic), and its text is all still in the PDF.
func TestWriteLongWordIsLinear(t *testing.T) {
	timed := func(n int) time.Duration {
		start := time.Now()
		var buf bytes.Buffer
		if err := Write(&buf, longWordDoc(n)); err != nil {
			t.Fatalf("Write: %v", err)
		}
		return time.Since(start)
	}
	small, large := timed(5_000), timed(50_000)
	// Ten times the text: linear work takes about ten times as long,
	// quadratic work a hundred times.
	if large > 30*small+200*time.Millisecond {
		t.Errorf("got %v for 50k characters against %v for 5k, want about ten times as long", large, small)
	}
	// A safety net only: the comparison above is the test. It is measured
	// against the 50k run rather than the clock, since a busy machine (CI
	// shares its cores) slows both alike: four times the text, linear
	// work about four times as long.
	if d := timed(200_000); d > 12*large+500*time.Millisecond {
		t.Errorf("got %v for a 200k-character word against %v for 50k, want about four times as long", d, large)
	}
	b := render(t, longWordDoc(20_000))
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not parse: %v", err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatalf("read the PDF's text: %v", err)
	}
	var text bytes.Buffer
	if _, err := text.ReadFrom(tr); err != nil {
		t.Fatalf("read the PDF's text: %v", err)
	}
	got := strings.Join(strings.Fields(text.String()), "")
	if want := strings.Repeat("abcdefghij", 100); !strings.Contains(got, want) {
		t.Errorf("the PDF's text lacks the long word")
	}
	if n := strings.Count(got, "abcdefghij"); n < 7*2_000 {
		t.Errorf("got %d repeats of the word's pattern in the PDF's text, want at least %d", n, 7*2_000)
	}
}

func BenchmarkWriteLongWord(b *testing.B) {
	d := longWordDoc(50_000)
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteContextStops: a rendering whose reader has gone stops with the
// context's error.
func TestWriteContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if err := WriteContext(ctx, &buf, sampleDoc()); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
