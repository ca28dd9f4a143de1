package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Citations in a document's Markdown:
//
//	[@policy-slug]            a policy of the knowledge base
//	[@policy-slug §5.1-1]     one provision of that policy
//	[#C3], [#RQ1b]            an item of the research framework
//
// They are parsed by an inline parser of the one goldmark instance, which
// runs after code spans have claimed their text, so a citation written
// inside `code` stays code. "[@x](url)" remains an ordinary link.

// kindCitation is the AST node kind of a citation.
var kindCitation = ast.NewNodeKind("Citation")

// citeNode is a citation in the AST. Parsing fills what was written;
// resolving against the knowledge base fills Href and Label.
type citeNode struct {
	ast.BaseInline
	CiteKind string // "policy" or "item"
	Target   string // policy slug or item code
	Ref      string // provision reference
	Raw      string // the citation as written, brackets included
	Offset   int    // byte offset of the opening bracket in the source

	Href, Label, Title string
	Resolved           bool
}

func (n *citeNode) Kind() ast.NodeKind { return kindCitation }

func (n *citeNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Raw": n.Raw}, nil)
}

// policyCiteRE reads a policy citation: a slug, then optionally § and a
// provision reference. What does not match is kept whole as the target, so
// that it is reported as unknown rather than silently shown as text.
var policyCiteRE = regexp.MustCompile(`^([^\s§\]]+)(?:\s*§\s*([^\s\]]+))?$`)

// citeParser finds citations. It is stateless, as the shared parser
// requires.
type citeParser struct{}

func (citeParser) Trigger() []byte { return []byte{'['} }

func (citeParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) < 4 || (line[1] != '@' && line[1] != '#') {
		return nil
	}
	end := bytes.IndexByte(line, ']')
	if end < 3 {
		return nil
	}
	if end+1 < len(line) && line[end+1] == '(' {
		return nil // a link such as [@handle](https://example.org)
	}
	inner := strings.TrimSpace(string(line[2:end]))
	if inner == "" || strings.ContainsAny(inner, "[\n") {
		return nil
	}
	n := &citeNode{Raw: string(line[:end+1]), Offset: seg.Start}
	n.CiteKind, n.Target, n.Ref = parseCite(line[1], inner)
	block.Advance(end + 1)
	return n
}

// parseCite reads what a citation says from its marker ('@' or '#') and
// the text between the marker and the closing bracket.
func parseCite(marker byte, inner string) (kind, target, ref string) {
	if marker != '@' {
		return "item", inner, ""
	}
	if m := policyCiteRE.FindStringSubmatch(inner); m != nil {
		return "policy", m[1], m[2]
	}
	return "policy", inner, ""
}

// plainCiteRE finds citations in a block's plain text, where they stand
// as written; a link such as [@handle](url) is told apart by what follows.
var plainCiteRE = regexp.MustCompile(`\[([@#])([^\]\[\n]+)\](\()?`)

// LabelCitations gives a copy of v whose blocks' plain text shows each
// citation as the page shows it (a policy's short title, an item's code)
// instead of the markup written, so that a redline reads like the text.
// A citation that no longer resolves keeps its markup, as the page keeps
// it for a citation it cannot resolve. Items need no look-up: a saved
// version's citations all resolved when it was saved.
func LabelCitations(ctx context.Context, v store.Version, r Resolver) (store.Version, error) {
	policies := map[string]*store.Policy{} // nil: not found
	var failed error
	label := func(raw string) string {
		m := plainCiteRE.FindStringSubmatch(raw)
		if m[3] != "" || failed != nil {
			return raw
		}
		inner := strings.TrimSpace(m[2])
		if inner == "" {
			return raw
		}
		kind, target, ref := parseCite(m[1][0], inner)
		if kind == "item" {
			return CitationLabel("item", target, "", "")
		}
		p, seen := policies[target]
		if !seen {
			if store.ValidSlug(target) {
				got, err := r.Policy(ctx, target)
				switch {
				case err == nil:
					p = &got
				case !errors.Is(err, store.ErrNotFound):
					failed = fmt.Errorf("label citation %s: %w", raw, err)
				}
			}
			policies[target] = p
		}
		if p == nil || (ref != "" && !slices.ContainsFunc(p.Provisions, func(pv store.Provision) bool { return pv.Ref == ref })) {
			return raw
		}
		return CitationLabel("policy", target, ref, p.DisplayTitle())
	}
	out := v
	out.Paragraphs = make([]store.Paragraph, len(v.Paragraphs))
	for i, p := range v.Paragraphs {
		if p.Kind != "code" && strings.Contains(p.Text, "[") {
			p.Text = plainCiteRE.ReplaceAllStringFunc(p.Text, label)
		}
		out.Paragraphs[i] = p
	}
	return out, failed
}

// citeRenderer writes a resolved citation as a link with the policy's short
// title or the item's code, and an unresolved one as the text written.
type citeRenderer struct{}

func (citeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCitation, renderCitation)
	reg.Register(kindAnchor, renderAnchor)
}

func renderCitation(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*citeNode)
	if !n.Resolved {
		fmt.Fprintf(w, `<span class="cite-unresolved">%s</span>`, html.EscapeString(n.Raw))
		return ast.WalkSkipChildren, nil
	}
	fmt.Fprintf(w, `<a class="cite" href="%s"`, html.EscapeString(n.Href))
	if n.Title != "" {
		fmt.Fprintf(w, ` title="%s"`, html.EscapeString(n.Title))
	}
	fmt.Fprintf(w, `>%s</a>`, html.EscapeString(n.Label))
	return ast.WalkSkipChildren, nil
}

// Resolver looks citations up in the knowledge base; *store.DB is one.
type Resolver interface {
	Policy(ctx context.Context, slug string) (store.Policy, error)
	Item(ctx context.Context, framework, code string) (store.Item, error)
}

// CiteError is one citation that does not resolve, with the line of the
// source it is on.
type CiteError struct {
	Citation string
	Line     int
	Reason   string
}

func (e CiteError) String() string {
	return fmt.Sprintf("Line %d: %s %s", e.Line, e.Citation, e.Reason)
}

// resolveCitations looks up every citation of doc, filling in links and
// labels, and lists those that do not resolve in source order. A nil
// resolver leaves every citation unresolved without complaint (plain
// rendering of text that is not a document).
func resolveCitations(ctx context.Context, doc ast.Node, source []byte, r Resolver, framework string) ([]CiteError, error) {
	if r == nil {
		return nil, nil
	}
	type policyInfo struct {
		p   store.Policy
		err error
	}
	policies := map[string]policyInfo{}
	items := map[string]error{}
	itemTitles := map[string]string{}
	var problems []CiteError
	err := ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		n, ok := node.(*citeNode)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		line := lineOf(source, n.Offset)
		switch n.CiteKind {
		case "policy":
			pi, seen := policies[n.Target]
			if !seen {
				pi.err = errNotSlug
				if store.ValidSlug(n.Target) {
					pi.p, pi.err = r.Policy(ctx, n.Target)
				}
				policies[n.Target] = pi
			}
			if errors.Is(pi.err, store.ErrNotFound) || errors.Is(pi.err, errNotSlug) {
				problems = append(problems, CiteError{n.Raw, line, "cites no policy of the knowledge base: check the slug"})
				return ast.WalkSkipChildren, nil
			}
			if pi.err != nil {
				return ast.WalkStop, pi.err
			}
			n.Href = "/policies/" + url.PathEscape(pi.p.Slug)
			n.Label = CitationLabel(n.CiteKind, n.Target, n.Ref, pi.p.DisplayTitle())
			n.Title = pi.p.Title
			if n.Ref != "" {
				found := false
				for _, pv := range pi.p.Provisions {
					if pv.Ref == n.Ref {
						found = true
					}
				}
				if !found {
					problems = append(problems, CiteError{n.Raw, line, "cites a provision that " + pi.p.DisplayTitle() + " does not have in the knowledge base"})
					return ast.WalkSkipChildren, nil
				}
				n.Href += "#prov-" + url.PathEscape(n.Ref)
			}
			n.Resolved = true
		case "item":
			err, seen := items[n.Target]
			if !seen {
				var it store.Item
				it, err = r.Item(ctx, framework, n.Target)
				items[n.Target] = err
				itemTitles[n.Target] = it.Title
			}
			if errors.Is(err, store.ErrNotFound) {
				problems = append(problems, CiteError{n.Raw, line, "cites no item of the research framework"})
				return ast.WalkSkipChildren, nil
			}
			if err != nil {
				return ast.WalkStop, err
			}
			n.Href = "/frameworks/" + url.PathEscape(framework) + "/items/" + url.PathEscape(n.Target)
			n.Label = CitationLabel(n.CiteKind, n.Target, "", "")
			n.Title = itemTitles[n.Target]
			n.Resolved = true
		}
		return ast.WalkSkipChildren, nil
	})
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return problems, err
}

var errNotSlug = errors.New("not a slug")

// CitationLabel is the one rule for the words a resolved citation shows,
// on the site and in every download: a policy by its display title (the
// short title when it has one), with "§ ref" for a provision; a framework
// item by its code. kind is "policy" or "item"; policyTitle is the
// policy's display title.
func CitationLabel(kind, target, ref, policyTitle string) string {
	if kind != "policy" {
		return target
	}
	if ref != "" {
		return policyTitle + " §" + ref
	}
	return policyTitle
}

// CitationText is the one rule for writing a citation: what an author
// pastes into a document to cite a policy ("[@slug]") or one of its
// provisions ("[@slug §ref]"); parseCite reads it back.
func CitationText(slug, ref string) string {
	if ref == "" {
		return "[@" + slug + "]"
	}
	return "[@" + slug + " §" + ref + "]"
}

// lineOf is the 1-based line of byte offset off in source.
func lineOf(source []byte, off int) int {
	off = min(max(off, 0), len(source))
	return bytes.Count(source[:off], []byte("\n")) + 1
}

// citeProblems turns unresolved citations into the error a form shows on
// its body field.
func citeProblems(ps []CiteError) error {
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.String()
	}
	return &store.ValidationError{Fields: map[string]string{"body": "Unknown citation. " + strings.Join(msgs, ". ")}}
}
