package content_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"golang.org/x/net/html"
)

// anchorTexts gives, for each paragraph anchor of s, what a screen reader
// announces (aria-hidden left out) and what a sighted reader sees
// (visually-hidden left out).
func anchorTexts(t *testing.T, s string) (spoken, seen []string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	has := func(n *html.Node, key, val string) bool {
		for _, a := range n.Attr {
			if a.Key == key && slices.Contains(strings.Fields(a.Val), val) {
				return true
			}
		}
		return false
	}
	var text func(n *html.Node, skip func(*html.Node) bool) string
	text = func(n *html.Node, skip func(*html.Node) bool) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		if n.Type == html.ElementNode && skip(n) {
			return ""
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c, skip))
		}
		return b.String()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && has(n, "class", "para-ref") {
			spoken = append(spoken, text(n, func(x *html.Node) bool { return has(x, "aria-hidden", "true") }))
			seen = append(seen, text(n, func(x *html.Node) bool { return has(x, "class", "visually-hidden") }))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return spoken, seen
}

func TestAnchorLabels(t *testing.T) {
	md := content.NewMarkdown()
	src := "# Title\n\nOpening words.[^1]\n\n## Scope\n\nFirst.\n\n### Detail\n\n- one\n- two\n\n[^1]: A note.\n"
	c, err := md.Compose(context.Background(), src, nil, "dc-isss-iot", nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantSpoken := []string{"Title", "Paragraph 1", "Section 1", "Section 1 paragraph 1", "Section 1.1", "Section 1.1 paragraph 1", "Section 1.1 paragraph 2", "Note 1"}
	wantSeen := []string{"Title", "¶1", "1", "1 ¶1", "1.1", "1.1 ¶1", "1.1 ¶2", "Note 1"}
	check := func(t *testing.T, h string) {
		spoken, seen := anchorTexts(t, h)
		if !slices.Equal(spoken, wantSpoken) {
			t.Errorf("announced: got %q, want %q", spoken, wantSpoken)
		}
		if !slices.Equal(seen, wantSeen) {
			t.Errorf("shown: got %q, want %q", seen, wantSeen)
		}
	}
	t.Run("new versions", func(t *testing.T) { check(t, string(md.Sanitize(string(c.HTML)))) })
	t.Run("versions saved with the old labels", func(t *testing.T) {
		var old strings.Builder
		for i, w := range wantSeen {
			id := "p" + strconv.Itoa(i+1)
			old.WriteString(`<a class="para-ref" id="p-` + id + `" href="#p-` + id + `"><span class="visually-hidden">Paragraph </span>` + w + "</a>\n<p>Text.</p>\n")
		}
		check(t, string(md.Sanitize(old.String())))
	})
}
