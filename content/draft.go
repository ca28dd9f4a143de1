package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/yuin/goldmark/ast"
)

// Composed is a document's Markdown made ready to save: rendered,
// sanitised, split into blocks with ids, its citations resolved.
type Composed struct {
	Blocks    []Block
	IDs       []string // one per block
	HTML      template.HTML
	Citations []store.Citation
	Map       []store.IDMapping
	// Counter is the document's paragraph counter after the new ids.
	Counter int
	// Problems lists the citations that do not resolve.
	Problems []CiteError
}

// Compose renders src as a version of a document. Block ids are matched
// against prev (the previous version's paragraphs, none for a first
// version), new ids numbered from counter. Citations are resolved with r
// against framework; the result is complete even when some do not resolve
// (so a preview can show it), and the error is then a
// *store.ValidationError on "body" naming each with its line.
func (m *Markdown) Compose(ctx context.Context, src string, r Resolver, framework string, prev []store.Paragraph, counter int) (Composed, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	source := []byte(src)
	doc := m.parseSource(source)
	problems, err := resolveCitations(ctx, doc, source, r, framework)
	if err != nil {
		return Composed{}, fmt.Errorf("resolve citations: %w", err)
	}
	c := Composed{Problems: problems, Blocks: splitBlocks(doc, source)}
	rend := m.md.Renderer()
	pos := map[ast.Node]int{}
	for i := range c.Blocks {
		h, err := renderBlock(rend, source, c.Blocks[i].node)
		if err != nil {
			return Composed{}, fmt.Errorf("render block %d: %w", i, err)
		}
		c.Blocks[i].HTML = m.policy.Sanitize(h)
		pos[c.Blocks[i].node] = i
	}
	c.IDs, c.Map, c.Counter = matchIDs(prev, c.Blocks, max(counter, 1))
	// Citations, each with the block it is in.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		cn, ok := n.(*citeNode)
		if !ok || !entering || !cn.Resolved {
			return ast.WalkContinue, nil
		}
		pid := ""
		for p := n.Parent(); p != nil; p = p.Parent() {
			if i, ok := pos[p]; ok {
				pid = c.IDs[i]
				break
			}
		}
		cit := store.Citation{Paragraph: pid, Kind: cn.CiteKind, Target: cn.Target, Ref: cn.Ref, Line: lineOf(source, cn.Offset)}
		if cn.CiteKind == "item" {
			cit.Framework = framework
		}
		c.Citations = append(c.Citations, cit)
		return ast.WalkSkipChildren, nil
	})
	insertAnchors(c.Blocks, c.IDs)
	var buf bytes.Buffer
	if err := rend.Render(&buf, source, doc); err != nil {
		return Composed{}, fmt.Errorf("render document: %w", err)
	}
	c.HTML = template.HTML(m.policy.SanitizeBytes(buf.Bytes()))
	for i := range c.Blocks {
		c.Blocks[i].node = nil // the tree is done with; let it go
	}
	return c, citeProblems(problems)
}

// NewVersion is the composed text as the store saves it.
func (c Composed) NewVersion(base int, src, note string) store.NewVersion {
	v := store.NewVersion{Base: base, Note: note, Source: strings.ReplaceAll(src, "\r\n", "\n"), HTML: string(c.HTML),
		Citations: c.Citations, Map: c.Map, NextParagraph: c.Counter}
	for i, b := range c.Blocks {
		v.Paragraphs = append(v.Paragraphs, store.Paragraph{ID: c.IDs[i], Section: b.Section, Ordinal: b.Ordinal,
			Kind: b.Kind, Text: b.Text, HTML: b.HTML, Position: i})
	}
	return v
}

// Drafts writes documents: it composes Markdown against the knowledge
// base and saves through the store, so that the web forms, the API and the
// shipped example all follow one path.
type Drafts struct {
	DB *store.DB
	MD *Markdown
	// Framework is the slug that [#CODE] citations refer to.
	Framework string
}

// Preview composes a body as the next version of document slug (or as a
// first version when slug is empty or unknown) without saving anything.
func (d Drafts) Preview(ctx context.Context, slug, body string) (Composed, error) {
	var prev []store.Paragraph
	counter := 1
	if slug != "" {
		doc, err := d.DB.Document(ctx, slug)
		switch {
		case err == nil && doc.Latest > 0:
			v, err := d.DB.Version(ctx, slug, doc.Latest)
			if err != nil {
				return Composed{}, err
			}
			prev, counter = v.Paragraphs, doc.NextParagraph
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return Composed{}, err
		}
	}
	return d.MD.Compose(ctx, body, d.DB, d.Framework, prev, counter)
}

// Create saves a new document with its first version.
func (d Drafts) Create(ctx context.Context, doc store.Document, body, note string) (store.Document, error) {
	c, err := d.MD.Compose(ctx, body, d.DB, d.Framework, nil, 1)
	if err != nil {
		return store.Document{}, mergeInvalid(err, doc.Validate())
	}
	return d.DB.CreateDocument(ctx, doc, c.NewVersion(0, body, note))
}

// Revise saves body as the next version of document slug. base is the
// version the writer started from; 0 means the newest. When someone saved
// a version after base, the answer is store.ErrConflict.
func (d Drafts) Revise(ctx context.Context, slug string, base int, body, note string) (store.Version, error) {
	doc, err := d.DB.Document(ctx, slug)
	if err != nil {
		return store.Version{}, err
	}
	if base == 0 {
		base = doc.Latest
	}
	if base != doc.Latest {
		return store.Version{}, fmt.Errorf("revise %s: started from version %d, newest is %d: %w", slug, base, doc.Latest, store.ErrConflict)
	}
	var prev []store.Paragraph
	if base > 0 {
		v, err := d.DB.Version(ctx, slug, base)
		if err != nil {
			return store.Version{}, err
		}
		prev = v.Paragraphs
	}
	c, err := d.MD.Compose(ctx, body, d.DB, d.Framework, prev, doc.NextParagraph)
	if err != nil {
		nv := c.NewVersion(base, body, note)
		return store.Version{}, mergeInvalid(err, nv.Validate())
	}
	return d.DB.SaveVersion(ctx, slug, c.NewVersion(base, body, note))
}

// mergeInvalid joins the field errors of two validation errors, so a form
// shows every problem at once; a non-validation error wins.
func mergeInvalid(a, b error) error {
	var va, vb *store.ValidationError
	if !errors.As(a, &va) {
		return a
	}
	if b == nil {
		return a
	}
	if !errors.As(b, &vb) {
		return b
	}
	fields := map[string]string{}
	for k, v := range vb.Fields {
		fields[k] = v
	}
	for k, v := range va.Fields {
		fields[k] = v
	}
	return &store.ValidationError{Fields: fields}
}
