// Package outcomepdf lays out a published outcome as a PDF: A4, the Go
// fonts embedded (Latin, Greek and Cyrillic), an outline from the
// headings, page numbers, and links kept. It takes plain data, so that it
// knows nothing of the web or the database.
package outcomepdf

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

// Kinds of block.
const (
	KindHeading   = "heading"   // a section heading; Level 1 for ##, 2 for ###...
	KindParagraph = "paragraph" // running text
	KindListItem  = "list-item" // one item of a list, with a bullet
	KindQuote     = "quote"     // a block quote, indented
	KindCode      = "code"      // a code block or a table, as plain monospaced text
	KindPanel     = "panel"     // the heading of a panel (traceability), not in the outline
	KindNote      = "note"      // a line of a panel, small and indented
)

// Run is a stretch of text in one style; Href makes it a link.
type Run struct {
	Text   string
	Href   string
	Bold   bool
	Italic bool
}

// Block is one block of the document.
type Block struct {
	Kind  string
	Level int // headings only
	Runs  []Run
}

// Text is a block of one plain run.
func Text(kind, s string) Block { return Block{Kind: kind, Runs: []Run{{Text: s}}} }

// Field is one line of the title page: "Edition: 2".
type Field struct {
	Label, Value, Href string
}

// Document is what the PDF shows, in order: the title page (title,
// fields, notice, executive summary), then the blocks.
type Document struct {
	Title  string
	Author string // the group that publishes it
	Fields []Field
	// Notice is a note printed on the title page under the fields, such as
	// where to read what the fonts cannot show.
	Notice  []Run
	Summary string
	Blocks  []Block
	// Date is the publication date, written as the PDF's creation date so
	// that the same edition always gives the same bytes.
	Date time.Time
}

const (
	fontFamily = "go"
	monoFamily = "gomono"
	margin     = 20.0 // mm
	lineHeight = 1.45 // times the font size, in points
	linkRed    = 0x1a
	linkGreen  = 0x4f
	linkBlue   = 0x9c
)

// ptToMM converts a font size in points to a line height in millimetres.
func lh(size float64) float64 { return size * lineHeight * 25.4 / 72 }

// Write lays out d as a PDF and writes it to w.
func Write(w io.Writer, d Document) error { return WriteContext(context.Background(), w, d) }

// WriteContext is Write that gives up, with ctx's error, once ctx is done
// (the reader who asked for the file has gone).
func WriteContext(ctx context.Context, w io.Writer, d Document) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(d.Date.UTC())
	f.SetModificationDate(d.Date.UTC())
	f.SetTitle(Printable(d.Title), true)
	if d.Author != "" {
		f.SetAuthor(Printable(d.Author), true)
	}
	f.SetCreator("Accord", true)
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "I", goitalic.TTF)
	// Each font added is parsed again by fpdf: only those used are added.
	boldItalic, mono := needs(d.Blocks)
	if boldItalic {
		f.AddUTF8FontFromBytes(fontFamily, "BI", gobolditalic.TTF)
	}
	if mono {
		f.AddUTF8FontFromBytes(monoFamily, "", gomono.TTF)
	}
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-14)
		f.SetFont(fontFamily, "", 9)
		f.SetTextColor(0x55, 0x55, 0x55)
		f.CellFormat(0, 6, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "C", false, 0, "")
	})
	p := &writer{f: f}
	p.titlePage(d)
	for i, b := range d.Blocks {
		if i%32 == 0 && ctx.Err() != nil {
			return fmt.Errorf("write the outcome PDF: %w", ctx.Err())
		}
		p.block(b)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write the outcome PDF: %w", err)
	}
	return nil
}

type writer struct {
	f *fpdf.Fpdf
}

func (p *writer) titlePage(d Document) {
	f := p.f
	f.AddPage()
	title := Printable(d.Title)
	f.Bookmark(title, 0, -1)
	f.SetFont(fontFamily, "B", 22)
	f.SetTextColor(0, 0, 0)
	f.MultiCell(0, lh(22), title, "", "L", false)
	f.Ln(4)
	for _, fl := range d.Fields {
		f.SetFont(fontFamily, "B", 10.5)
		f.SetTextColor(0x33, 0x33, 0x33)
		f.Write(lh(10.5), Printable(fl.Label)+": ")
		p.runs([]Run{{Text: fl.Value, Href: fl.Href}}, 10.5)
		f.Ln(lh(10.5))
	}
	if len(d.Notice) > 0 {
		f.Ln(4)
		p.styled(d.Notice, 10, true, 0x22)
		f.Ln(lh(10))
	}
	if d.Summary != "" {
		f.Ln(6)
		p.heading("Executive summary", 1)
		p.paragraph(strings.TrimSpace(d.Summary))
	}
	f.AddPage()
}

// block writes one block.
func (p *writer) block(b Block) {
	f := p.f
	switch b.Kind {
	case KindHeading:
		p.heading(PlainText(b.Runs), b.Level)
	case KindListItem:
		f.SetFont(fontFamily, "", 10.5)
		f.SetTextColor(0, 0, 0)
		x := f.GetX()
		f.Write(lh(10.5), "•")
		f.SetLeftMargin(margin + 6)
		f.SetX(x + 6)
		p.runs(b.Runs, 10.5)
		f.SetLeftMargin(margin)
		f.Ln(lh(10.5) + 1.5)
	case KindQuote:
		f.SetLeftMargin(margin + 8)
		f.SetX(margin + 8)
		p.styled(b.Runs, 10.5, true, 0x44)
		f.SetLeftMargin(margin)
		f.Ln(lh(10.5) + 2.5)
	case KindCode:
		f.SetFont(monoFamily, "", 8.5)
		f.SetTextColor(0x22, 0x22, 0x22)
		f.MultiCell(0, lh(8.5), Printable(PlainText(b.Runs)), "", "L", false)
		f.Ln(2.5)
	case KindPanel:
		if f.GetY() > 297-margin-25 {
			f.AddPage()
		}
		f.Ln(1)
		f.SetDrawColor(0x99, 0x99, 0x99)
		f.Line(margin, f.GetY(), 210-margin, f.GetY())
		f.Ln(1.5)
		f.SetFont(fontFamily, "B", 10)
		f.SetTextColor(0x22, 0x22, 0x22)
		f.MultiCell(0, lh(10), Printable(PlainText(b.Runs)), "", "L", false)
		f.Ln(0.5)
	case KindNote:
		f.SetLeftMargin(margin + 4)
		f.SetX(margin + 4)
		p.styled(b.Runs, 9.5, false, 0x22)
		f.SetLeftMargin(margin)
		f.Ln(lh(9.5) + 0.8)
	default:
		f.SetFont(fontFamily, "", 10.5)
		f.SetTextColor(0, 0, 0)
		p.runs(b.Runs, 10.5)
		f.Ln(lh(10.5) + 2.5)
	}
}

// heading writes a heading and its outline entry, starting a new page
// when too little of this one is left for the text below it.
func (p *writer) heading(text string, level int) {
	f := p.f
	if level < 1 {
		level = 1
	}
	size := map[int]float64{1: 15, 2: 12.5}[level]
	if size == 0 {
		size = 11
	}
	if f.GetY() > 297-margin-35 {
		f.AddPage()
	}
	f.Ln(2)
	text = Printable(text)
	f.Bookmark(text, level, -1)
	f.SetFont(fontFamily, "B", size)
	f.SetTextColor(0, 0, 0)
	f.MultiCell(0, lh(size), text, "", "L", false)
	f.Ln(1.5)
}

func (p *writer) paragraph(s string) {
	p.f.SetFont(fontFamily, "", 10.5)
	p.f.SetTextColor(0, 0, 0)
	p.runs([]Run{{Text: s}}, 10.5)
	p.f.Ln(lh(10.5) + 2.5)
}

// styled writes runs in a given size, italic or not, in a grey level.
func (p *writer) styled(runs []Run, size float64, italic bool, grey int) {
	out := make([]Run, len(runs))
	for i, r := range runs {
		r.Italic = r.Italic || italic
		out[i] = r
	}
	p.f.SetTextColor(grey, grey, grey)
	p.runs(out, size)
}

// runs writes text runs in flowing lines; links are underlined in blue
// and clickable.
func (p *writer) runs(runs []Run, size float64) {
	f := p.f
	r0, g0, b0 := f.GetTextColor()
	for _, r := range runs {
		style := ""
		if r.Bold {
			style += "B"
		}
		if r.Italic {
			style += "I"
		}
		text := Printable(r.Text)
		if text == "" {
			continue
		}
		if r.Href != "" {
			f.SetFont(fontFamily, style+"U", size)
			f.SetTextColor(linkRed, linkGreen, linkBlue)
			p.flow(lh(size), text, r.Href)
			f.SetTextColor(r0, g0, b0)
			continue
		}
		f.SetFont(fontFamily, style, size)
		p.flow(lh(size), text, "")
	}
}

// flow writes text in the current font from the current position,
// wrapping at spaces, and a word wider than a whole line wherever it has
// to. It breaks the lines itself and hands fpdf only pieces that fit:
// fpdf's Write, given a long text, takes time quadratic in its length
// (it converts the whole text to runes again for each character), so one
// pasted URL or blob would cost minutes.
func (p *writer) flow(h float64, text, href string) {
	f := p.f
	// A line's words go to fpdf together, as one piece of text.
	var line strings.Builder
	room, used := p.room(), 0.0
	flush := func() {
		if line.Len() == 0 {
			return
		}
		if href != "" {
			f.WriteLinkString(h, line.String(), href)
		} else {
			f.Write(h, line.String())
		}
		line.Reset()
	}
	newline := func() {
		flush()
		f.Ln(h)
		room, used = p.room(), 0
	}
	atStart := func() bool { return line.Len() == 0 && p.atLineStart() }
	for i, text := range strings.Split(text, "\n") {
		if i > 0 {
			newline()
		}
		for _, tok := range pieces(text) {
			word := strings.TrimRight(tok, " ")
			if word == "" && atStart() {
				continue // a line starts with no space
			}
			for {
				// fit measures no more of the word than the line holds.
				n, w := p.fit(tok, room-used, atStart())
				if n >= len(word) {
					// The word fits; spaces that do not end the line.
					line.WriteString(tok[:n])
					used += w
					if n < len(tok) {
						newline()
					}
					break
				}
				if !atStart() {
					newline()
					continue
				}
				line.WriteString(tok[:n])
				newline()
				tok, word = tok[n:], word[n:]
			}
		}
	}
	flush()
}

// pieces splits a line into words, each with the spaces after it, and
// the spaces before the first word.
func pieces(line string) []string {
	var out []string
	start := 0
	for i := 1; i <= len(line); i++ {
		if i == len(line) || (line[i] != ' ' && line[i-1] == ' ') {
			out = append(out, line[start:i])
			start = i
		}
	}
	return out
}

// room is the width left on the current line, as fpdf measures it.
func (p *writer) room() float64 {
	w, _ := p.f.GetPageSize()
	_, _, right, _ := p.f.GetMargins()
	// A hair less than fpdf's own limit, so that it never wraps again.
	return w - right - p.f.GetX() - 2*p.f.GetCellMargin() - 0.01
}

func (p *writer) atLineStart() bool {
	left, _, _, _ := p.f.GetMargins()
	return p.f.GetX() <= left+0.01
}

// fit is the length in bytes, and the width, of the longest start of
// word that fits in width; at least one character when first is set (at
// the start of a line, where nothing narrower could go).
func (p *writer) fit(word string, width float64, first bool) (int, float64) {
	used := 0.0
	for i, r := range word {
		w := p.f.GetStringWidth(string(r))
		if used+w > width {
			if i == 0 && first {
				_, n := utf8.DecodeRuneInString(word)
				return n, w
			}
			return i, used
		}
		used += w
	}
	return len(word), used
}

// needs reports whether the blocks use the bold italic face (bold text in
// a quote or note, or a run both bold and italic) and the monospaced one.
func needs(blocks []Block) (boldItalic, mono bool) {
	for _, b := range blocks {
		mono = mono || b.Kind == KindCode
		for _, r := range b.Runs {
			boldItalic = boldItalic || (r.Bold && (r.Italic || b.Kind == KindQuote))
		}
	}
	return boldItalic, mono
}

// PlainText is the text of runs, without their styles and links.
func PlainText(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.Text)
	}
	return b.String()
}
