package content

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Markdown renders user-written Markdown to HTML that is safe to put in a
// page: goldmark with raw HTML off, then bluemonday's UGC policy, so that no
// script, event handler or javascript: URL survives either step.
type Markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	// comments is the stricter policy of consultation comments: text,
	// emphasis, lists, quotes, code and links, but no headings, images or
	// tables, and every link marked as user content.
	comments *bluemonday.Policy
}

// NewMarkdown builds the one renderer the application shares.
func NewMarkdown() *Markdown {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Footnote, extension.Strikethrough, extension.Linkify,
			extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			// Before the link parser (200), after code spans (100) and
			// footnote references (101), so `[@x]` in code stays code.
			parser.WithInlineParsers(util.Prioritized(citeParser{}, 150))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(citeRenderer{}, 500))),
		// Raw HTML stays off (goldmark's default): it is written out as a comment.
	)
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("id").Matching(bluemonday.SpaceSeparatedTokens).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "p")
	p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).OnElements("a", "sup", "section", "ol", "li", "hr", "span", "div")
	// Paragraph anchors of document versions (see anchorNode).
	p.AllowAttrs("id").Matching(paragraphAnchorRE).OnElements("a")
	// Their pilcrow is hidden from screen readers, which read words.
	p.AllowAttrs("aria-hidden").Matching(regexp.MustCompile(`^true$`)).OnElements("span")
	p.RequireNoReferrerOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	cp := bluemonday.NewPolicy()
	cp.AllowElements("p", "br", "em", "strong", "del", "code", "pre", "ul", "ol", "li", "blockquote")
	cp.AllowAttrs("href").OnElements("a")
	cp.AllowURLSchemes("http", "https", "mailto")
	cp.RequireParseableURLs(true)
	cp.RequireNoFollowOnLinks(true)
	cp.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return &Markdown{md: md, policy: p, comments: cp}
}

// RenderComment converts a consultation comment's Markdown to sanitised
// HTML under the stricter comment policy. Citations are not resolved in
// comments: "[@slug]" stays as written.
func (m *Markdown) RenderComment(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render comment: %w", err)
	}
	out := m.comments.SanitizeBytes(buf.Bytes())
	// bluemonday writes rel="nofollow" and knows no "ugc"; the value it
	// writes is fixed, so the swap cannot reach text a user wrote.
	out = bytes.ReplaceAll(out, []byte(`rel="nofollow"`), []byte(`rel="nofollow ugc"`))
	return template.HTML(out), nil
}

// Render converts Markdown to sanitised HTML.
func (m *Markdown) Render(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())), nil
}

// Sanitize passes HTML produced elsewhere (citations, highlights, saved
// versions) through the same policy. The paragraph anchors of versions
// saved before their labels were worded for screen readers are relabelled
// as AnchorLabel writes them now.
func (m *Markdown) Sanitize(html string) template.HTML {
	return template.HTML(m.policy.Sanitize(relabelAnchors(html)))
}
