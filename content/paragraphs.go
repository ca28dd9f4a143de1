package content

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Blocks and their section numbers.
//
// A document's Markdown is split into blocks: each heading, paragraph,
// table, block quote and code block at the top level, each item of a
// top-level list (nested lists stay inside their item) and each footnote.
// Thematic breaks are not blocks.
//
// Section numbers follow the headings: the h1 is the document's title; the
// h2s are numbered 1, 2, 3...; an h3 under the second h2 is 2.1, and so on
// down to h6 (a skipped level counts as 0, as in 2.0.1). A block takes the
// number of the section it is in ("0" before the first h2) and its ordinal
// among the section's other blocks, so that people can say "3.2 ¶2".
// Footnotes are numbered apart, as notes 1, 2...

// Block is one block of a document's Markdown, before it is saved.
type Block struct {
	Kind    string
	Section string
	Ordinal int
	Text    string // plain text; citations as written
	HTML    string // rendered alone, sanitised

	node ast.Node
}

// Label is how people refer to the block, as store.Paragraph.Label.
func (b Block) Label() string {
	return store.Paragraph{Section: b.Section, Ordinal: b.Ordinal, Kind: b.Kind}.Label()
}

// splitBlocks walks the top level of a parsed document into blocks.
func splitBlocks(doc ast.Node, source []byte) []Block {
	var out []Block
	counters := make([]int, 5) // h2..h6
	section := "0"
	ordinal := 0
	add := func(kind string, n ast.Node) {
		ordinal++
		out = append(out, Block{Kind: kind, Section: section, Ordinal: ordinal, Text: plainText(n, source), node: n})
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch x := n.(type) {
		case *ast.Heading:
			if x.Level == 1 {
				section = "0"
			} else {
				lvl := x.Level - 2
				counters[lvl]++
				for i := lvl + 1; i < len(counters); i++ {
					counters[i] = 0
				}
				parts := make([]string, lvl+1)
				for i := range parts {
					parts[i] = strconv.Itoa(counters[i])
				}
				section = strings.Join(parts, ".")
			}
			ordinal = 0
			out = append(out, Block{Kind: "heading", Section: section, Text: plainText(n, source), node: n})
		case *ast.Paragraph, *ast.TextBlock:
			add("paragraph", n)
		case *ast.List:
			for it := x.FirstChild(); it != nil; it = it.NextSibling() {
				add("list-item", it)
			}
		case *ast.Blockquote:
			add("quote", n)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			add("code", n)
		case *extast.Table:
			add("table", n)
		case *extast.FootnoteList:
			i := 0
			for fn := x.FirstChild(); fn != nil; fn = fn.NextSibling() {
				i++
				out = append(out, Block{Kind: "footnote", Section: "notes", Ordinal: i, Text: plainText(fn, source), node: fn})
			}
		}
	}
	return out
}

// plainText is the text of a block as a reader would read it aloud, with
// characters rather than HTML entities, citations as written, soft line breaks as spaces, table cells separated
// by " | " and rows, list items and paragraphs by new lines.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch x := n.(type) {
		case *citeNode:
			b.WriteString(x.Raw)
			return
		case *ast.Text:
			b.Write(x.Segment.Value(source))
			if x.SoftLineBreak() || x.HardLineBreak() {
				b.WriteByte(' ')
			}
			return
		case *ast.String:
			// The typographer's quotes and dashes are HTML entities
			// ("&rsquo;"); plain text holds the characters themselves.
			if x.IsRaw() && !x.IsCode() {
				b.Write(x.Value)
			} else {
				b.WriteString(html.UnescapeString(string(x.Value)))
			}
			return
		case *ast.AutoLink:
			b.Write(x.URL(source))
			return
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(source))
			}
			return
		case *extast.FootnoteBacklink, *ast.RawHTML, *ast.HTMLBlock:
			return
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.PreviousSibling() != nil {
				switch c.(type) {
				case *extast.TableCell:
					b.WriteString(" | ")
				case *extast.TableRow, *extast.TableHeader:
					b.WriteByte('\n')
				default:
					if c.Type() == ast.TypeBlock {
						b.WriteByte('\n')
					}
				}
			}
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// kindAnchor is the AST node kind of a paragraph anchor.
var kindAnchor = ast.NewNodeKind("ParagraphAnchor")

// paragraphAnchorRE is the only id an anchor link may carry through the
// sanitiser.
var paragraphAnchorRE = regexp.MustCompile(`^p-[a-z0-9]{1,12}$`)

// anchorNode marks the start of a block in the rendered version: a small
// link whose id is the block's address (#p-ID) and whose text is its
// label, so a reader can both see the number and copy the link. It is a
// block before top-level blocks and the first child of a list item or
// footnote.
type anchorNode struct {
	ast.BaseBlock
	ID    string
	Block store.Paragraph // where the block stands, for its label
}

func (n *anchorNode) Kind() ast.NodeKind { return kindAnchor }

func (n *anchorNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"ID": n.ID}, nil)
}

func renderAnchor(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*anchorNode)
	fmt.Fprintf(w, `<a class="para-ref" id="p-%s" href="#p-%s">%s</a>`,
		html.EscapeString(n.ID), html.EscapeString(n.ID), AnchorLabel(n.Block))
	if _, ok := node.Parent().(*ast.Document); ok {
		_ = w.WriteByte('\n')
	}
	return ast.WalkSkipChildren, nil
}

// AnchorLabel is the HTML of a block's label in a link to it: the label
// as people see it ("2.1 ¶2", store.Paragraph.Label), which a screen
// reader announces in words ("Section 2.1 paragraph 2"): the pilcrow is
// hidden from it and the words hidden from sight.
func AnchorLabel(p store.Paragraph) string {
	const (
		pilcrow   = `<span aria-hidden="true">¶</span>`
		section   = `<span class="visually-hidden">Section </span>`
		paragraph = `<span class="visually-hidden">Paragraph </span>`
		inSection = ` <span class="visually-hidden">paragraph </span>`
	)
	sec, n := html.EscapeString(p.Section), strconv.Itoa(p.Ordinal)
	switch label := p.Label(); {
	case p.Kind == "footnote", p.Ordinal == 0 && p.Section == "0":
		return html.EscapeString(label) // "Note 1", "Title": words already
	case p.Ordinal == 0:
		return section + sec
	case p.Section == "0":
		return paragraph + pilcrow + n
	default:
		return section + sec + inSection + pilcrow + n
	}
}

// oldAnchorLabelRE finds the label of a paragraph anchor as versions saved
// before AnchorLabel wrote it: "Paragraph " hidden before any label.
var oldAnchorLabelRE = regexp.MustCompile(`(<a class="para-ref" id="p-[a-z0-9]{1,12}" href="#p-[a-z0-9]{1,12}">)<span class="visually-hidden">Paragraph </span>([^<]*)</a>`)

// labelRE reads a label that store.Paragraph.Label wrote.
var labelRE = regexp.MustCompile(`^(?:Note (\d+)|Title|(?:([0-9.]+) )?¶(\d+)|([0-9.]+))$`)

// relabelAnchors rewrites, in the HTML of a version saved earlier, the
// paragraph anchors' labels as AnchorLabel writes them now.
func relabelAnchors(s string) string {
	if !strings.Contains(s, `<span class="visually-hidden">Paragraph </span>`) {
		return s
	}
	return oldAnchorLabelRE.ReplaceAllStringFunc(s, func(a string) string {
		m := oldAnchorLabelRE.FindStringSubmatch(a)
		l := labelRE.FindStringSubmatch(html.UnescapeString(m[2]))
		if l == nil {
			return a
		}
		var p store.Paragraph
		switch {
		case l[1] != "":
			p.Kind, p.Section, p.Ordinal = "footnote", "notes", atoi(l[1])
		case l[3] != "":
			p.Kind, p.Section, p.Ordinal = "paragraph", "0", atoi(l[3])
			if l[2] != "" {
				p.Section = l[2]
			}
		case l[4] != "":
			p.Kind, p.Section = "heading", l[4]
		default:
			p.Kind, p.Section = "heading", "0"
		}
		return m[1] + AnchorLabel(p) + "</a>"
	})
}

// atoi reads digits that a regular expression matched.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// insertAnchors puts an anchor before each block, which must carry ids.
func insertAnchors(blocks []Block, ids []string) {
	for i, b := range blocks {
		a := &anchorNode{ID: ids[i], Block: store.Paragraph{Section: b.Section, Ordinal: b.Ordinal, Kind: b.Kind}}
		switch b.node.(type) {
		case *ast.ListItem, *extast.Footnote:
			if fc := b.node.FirstChild(); fc != nil {
				b.node.InsertBefore(b.node, fc, a)
			} else {
				b.node.AppendChild(b.node, a)
			}
		default:
			b.node.Parent().InsertBefore(b.node.Parent(), b.node, a)
		}
	}
}

// renderBlock renders one block alone: a list item or footnote as its
// content without the <li>, anything else as itself.
func renderBlock(r renderer.Renderer, source []byte, n ast.Node) (string, error) {
	var buf bytes.Buffer
	switch n.(type) {
	case *ast.ListItem, *extast.Footnote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if _, ok := c.(*extast.FootnoteBacklink); ok {
				continue
			}
			if err := r.Render(&buf, source, c); err != nil {
				return "", err
			}
		}
		// A tight list's text is not wrapped in <p>; make it a paragraph
		// so that a block stands alone.
		if _, ok := n.FirstChild().(*ast.TextBlock); ok {
			return "<p>" + strings.TrimSpace(buf.String()) + "</p>", nil
		}
	default:
		if err := r.Render(&buf, source, n); err != nil {
			return "", err
		}
	}
	return buf.String(), nil
}

// parseSource parses Markdown with the shared parser.
func (m *Markdown) parseSource(source []byte) ast.Node {
	return m.md.Parser().Parse(text.NewReader(source))
}
