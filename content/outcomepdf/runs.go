package outcomepdf

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// RunsFromHTML reads the sanitised HTML of one block into text runs,
// keeping bold, italics and links. Relative links are made absolute on
// base, since a PDF has no site to be relative to; the paragraph anchors
// the site puts before blocks ("3.2 ¶2") are left out.
func RunsFromHTML(fragment, base string) []Run {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return []Run{{Text: fragment}}
	}
	var out []Run
	var walk func(n *html.Node, cur Run)
	walk = func(n *html.Node, cur Run) {
		switch n.Type {
		case html.TextNode:
			t := strings.Join(strings.Fields(n.Data), " ")
			if t == "" {
				if strings.TrimSpace(n.Data) == "" && n.Data != "" && len(out) > 0 {
					cur.Text = " "
					out = append(out, cur)
				}
				return
			}
			if n.Data[0] == ' ' || n.Data[0] == '\n' {
				t = " " + t
			}
			if last := n.Data[len(n.Data)-1]; last == ' ' || last == '\n' {
				t += " "
			}
			cur.Text = t
			out = append(out, cur)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.A:
				if hasClass(n, "para-ref") {
					return
				}
				if href := attr(n, "href"); href != "" && !strings.HasPrefix(href, "#") {
					if strings.HasPrefix(href, "/") {
						href = base + href
					}
					cur.Href = href
				}
			case atom.Strong, atom.B:
				cur.Bold = true
			case atom.Em, atom.I:
				cur.Italic = true
			case atom.Br:
				out = append(out, Run{Text: "\n"})
				return
			case atom.Img:
				if alt := attr(n, "alt"); alt != "" {
					cur.Text = alt
					out = append(out, cur)
				}
				return
			case atom.P, atom.Ul, atom.Ol, atom.Li:
				if len(out) > 0 && !strings.HasSuffix(out[len(out)-1].Text, "\n") {
					out = append(out, Run{Text: "\n"})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, cur)
		}
	}
	for _, n := range nodes {
		walk(n, Run{})
	}
	// Trim the white space around the block.
	for len(out) > 0 && strings.TrimSpace(out[0].Text) == "" {
		out = out[1:]
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1].Text) == "" {
		out = out[:len(out)-1]
	}
	if len(out) > 0 {
		out[0].Text = strings.TrimLeft(out[0].Text, " \n")
		out[len(out)-1].Text = strings.TrimRight(out[len(out)-1].Text, " \n")
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}
