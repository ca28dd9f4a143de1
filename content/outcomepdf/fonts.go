package outcomepdf

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// regular is the Go regular face, parsed once per process: it answers
// which runes the embedded fonts can draw (the bold and italic faces
// cover the same set).
var regular = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic("outcomepdf: the embedded Go font does not parse: " + err.Error())
	}
	return f
})

// Supported reports whether the embedded fonts have a glyph for r. White
// space counts as supported: it is drawn as space.
func Supported(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r >= 0x20 && r < 0x7f, r >= 0xa0 && r < 0x180:
		return true // Basic Latin, Latin-1 and Latin Extended-A: every Go font has them
	}
	buf := buffers.Get().(*sfnt.Buffer)
	defer buffers.Put(buf)
	i, err := regular().GlyphIndex(buf, r)
	return err == nil && i != 0
}

// buffers are sfnt's scratch space, reused: a PDF asks about every rune.
var buffers = sync.Pool{New: func() any { return new(sfnt.Buffer) }}

// AllSupported reports whether every rune of s can be drawn.
func AllSupported(s string) bool {
	for _, r := range s {
		if !Supported(r) {
			return false
		}
	}
	return true
}

// missingMark stands for a run of characters the fonts cannot draw, so
// that the reader sees that something was left out rather than a row of
// empty boxes.
const missingMark = "[…]"

// Printable is s with each run of characters the fonts cannot draw
// replaced by "[…]". Spaces between such characters belong to the run, so
// a whole phrase in another script becomes one mark.
func Printable(s string) string {
	if AllSupported(s) {
		return s
	}
	var b strings.Builder
	inMissing := false
	pendingSpace := ""
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) && inMissing:
			pendingSpace += string(r)
		case Supported(r):
			if inMissing {
				b.WriteString(missingMark)
				inMissing = false
			}
			b.WriteString(pendingSpace)
			pendingSpace = ""
			b.WriteRune(r)
		default:
			if !inMissing {
				inMissing = true
				pendingSpace = ""
			}
		}
	}
	if inMissing {
		b.WriteString(missingMark)
	}
	b.WriteString(pendingSpace)
	return b.String()
}

// PolicyTitle is how the PDF names a policy (or any titled thing with a
// slug, such as the outcome itself). A title the fonts can draw is
// printed as it is; otherwise, as DECISIONS §4 settles, it is printed from
// its English rendering in brackets: the short title when the fonts can
// draw it, or else the words of the slug ("[Gb 35114 2017]").
func PolicyTitle(title, short, slug string) string {
	if AllSupported(title) {
		return title
	}
	if short != "" && AllSupported(short) {
		return "[" + short + "]"
	}
	return "[" + slugWords(slug) + "]"
}

// slugWords turns "gb-35114-2017" into "Gb 35114 2017".
func slugWords(slug string) string {
	words := strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' })
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return Printable(strings.Join(words, " "))
}
