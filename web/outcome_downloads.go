package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/content/outcomepdf"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// outcomeFileCSP lets the HTML download use its own inline stylesheet and
// nothing else: it is an attachment, but a browser told to show it must
// still make no request.
const outcomeFileCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// maxOutcomeFiles bounds the generated downloads kept in memory.
const maxOutcomeFiles = 64

// outcomeFiles keeps generated downloads of editions. An edition never
// changes, so its PDF and HTML are made once per site address and group
// name (both are printed in them). The zero value is ready to use.
type outcomeFiles struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (f *outcomeFiles) get(key string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.m[key]
	return b, ok
}

func (f *outcomeFiles) put(key string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string][]byte{}
	}
	if len(f.m) >= maxOutcomeFiles {
		for k := range f.m { // any one: editions are all alike to keep
			delete(f.m, k)
			break
		}
	}
	f.m[key] = b
}

// outcomeFileTypes are the content types and file extensions of the downloads.
var outcomeFileTypes = map[string]string{
	formatMarkdown: "text/markdown; charset=utf-8",
	formatHTML:     "text/html; charset=utf-8",
	formatPDF:      "application/pdf",
}

// outcomeDownload answers an edition (0: the current one) of a published
// document as Markdown, one self-contained HTML file or a PDF. A document
// never published has no edition, so every format is a 404 for it.
func (s *Server) outcomeDownload(c echo.Context, slug string, edition int, format string) error {
	ctype, ok := outcomeFileTypes[format]
	if !ok {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	e, err := s.db.Edition(ctx, slug, edition)
	if err != nil {
		return err
	}
	group, err := s.db.GroupName(ctx)
	if err != nil {
		return fmt.Errorf("outcome download: %w", err)
	}
	site := s.absURL(c, "")
	key := strings.Join([]string{site, group, slug, strconv.Itoa(e.Number), format}, "\x00")
	h := c.Response().Header()
	if userFrom(c) != nil {
		h.Set("Cache-Control", "no-store")
	} else {
		etag := outcomeFileETag(c, key)
		h.Set("ETag", etag)
		if edition == 0 {
			// The current edition's URL moves to the next edition when
			// one is published: caches must ask each time.
			h.Set("Cache-Control", "public, no-cache")
		} else {
			h.Set("Cache-Control", "public, max-age=86400")
		}
		if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	body, ok := s.outcomeFiles.get(key)
	if !ok {
		body, err = s.outcomeFile(ctx, e, format, site, group)
		if err != nil {
			return err
		}
		s.outcomeFiles.put(key, body)
	}
	if format == formatHTML {
		h.Set("Content-Security-Policy", outcomeFileCSP)
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-edition-%d.%s"`, slug, e.Number, format))
	return c.Blob(http.StatusOK, ctype, body)
}

// outcomeFileETag is a strong ETag for one download as this request will
// receive it: the gzip middleware sends other bytes to a client that
// accepts gzip, so that is part of the tag.
func outcomeFileETag(c echo.Context, key string) string {
	sum := fnv.New64a()
	sum.Write([]byte(key))
	tag := "outcome-" + strconv.FormatUint(sum.Sum64(), 36)
	if strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		tag += "-gzip"
	}
	return `"` + tag + `"`
}

// outcomeFile makes one download of an edition.
func (s *Server) outcomeFile(ctx context.Context, e store.Edition, format, site, group string) ([]byte, error) {
	v, err := s.db.Version(ctx, e.Document, e.Version)
	if err != nil {
		return nil, fmt.Errorf("outcome %s edition %d: %w", e.Document, e.Number, err)
	}
	t, shorts, err := s.outcomeText(ctx, e, v, site, group)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	switch format {
	case formatMarkdown:
		buf.WriteString(s.md.OutcomeMarkdown(t))
	case formatHTML:
		f, err := outcomeFileView(t, v)
		if err != nil {
			return nil, err
		}
		if err := views.OutcomeFilePage(f).Render(ctx, &buf); err != nil {
			return nil, fmt.Errorf("outcome %s edition %d as HTML: %w", e.Document, e.Number, err)
		}
	case formatPDF:
		if err := outcomepdf.Write(&buf, outcomePDF(t, v, shorts)); err != nil {
			return nil, fmt.Errorf("outcome %s edition %d: %w", e.Document, e.Number, err)
		}
	}
	return buf.Bytes(), nil
}

// outcomeText gathers what every download prints: the edition, the
// version's text, and the titles of what it cites, frozen in the record
// where the record has them. shorts are the policies' short titles, which
// the PDF prints in place of a title its fonts cannot draw.
func (s *Server) outcomeText(ctx context.Context, e store.Edition, v store.Version, site, group string) (content.OutcomeText, map[string]string, error) {
	t := content.OutcomeText{Title: e.Title, Edition: e.Number, Date: e.PublishedAt, Group: group, Summary: e.Summary,
		Source: v.Source, Site: site, Framework: s.fwSlug, Record: e.Record,
		URL:      site + editionPath(e.Document, e.Number),
		Policies: map[string]string{}, Items: map[string]string{}}
	for _, r := range e.Record.Recommendations {
		for _, p := range r.Policies {
			if !p.Missing {
				t.Policies[p.Slug] = p.Title
			}
		}
		for _, it := range r.Items {
			t.Items[it.Code] = it.Title
		}
	}
	l, err := s.labels(ctx)
	if err != nil {
		return t, nil, err
	}
	shorts := map[string]string{}
	for _, c := range v.Citations {
		switch c.Kind {
		case "policy":
			if _, seen := shorts[c.Target]; seen {
				continue
			}
			p, err := s.db.Policy(ctx, c.Target)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return t, nil, fmt.Errorf("outcome %s: cited policy: %w", e.Document, err)
			}
			shorts[c.Target] = p.ShortTitle
			if _, ok := t.Policies[c.Target]; !ok {
				t.Policies[c.Target] = p.Title
			}
		case "item":
			if _, ok := t.Items[c.Target]; !ok && l.items[c.Target] != "" {
				t.Items[c.Target] = l.items[c.Target]
			}
		}
	}
	return t, shorts, nil
}

// editionPath is the stable path of one edition.
func editionPath(slug string, n int) string {
	return "/outcomes/" + slug + "/editions/" + strconv.Itoa(n)
}

// outcomeFileView shapes an edition for the HTML download.
func outcomeFileView(t content.OutcomeText, v store.Version) (views.OutcomeFile, error) {
	text, err := selfContained(v.HTML, t.Site)
	if err != nil {
		return views.OutcomeFile{}, fmt.Errorf("outcome %s edition %d as HTML: %w", v.Document, t.Edition, err)
	}
	f := views.OutcomeFile{Title: t.Title, Edition: t.Edition, Date: t.Date.UTC().Format("2 January 2006"),
		DateISO: t.Date.UTC().Format("2006-01-02"), Group: t.Group, URL: t.URL, Summary: t.Summary, Text: text}
	for _, r := range t.Record.Recommendations {
		fr := views.OutcomeFileRecommendation{Heading: content.RecommendationHeading(r), Anchor: "#p-" + r.Paragraph,
			Comments: r.CommentTotal, Dispositions: content.DispositionCounts(r.Comments)}
		for _, p := range r.Policies {
			if p.Missing {
				fr.Policies = append(fr.Policies, views.OutcomeFileLink{Text: p.Slug, Href: t.PolicyURL(p.Slug, ""), Note: " (not in the knowledge base)"})
				continue
			}
			fr.Policies = append(fr.Policies, views.OutcomeFileLink{Text: p.Title, Href: t.PolicyURL(p.Slug, ""), Note: content.PolicyFacts(p)})
		}
		for _, it := range r.Items {
			fr.Items = append(fr.Items, views.OutcomeFileLink{Text: it.Code + " " + it.Title, Href: t.ItemURL(it.Framework, it.Code)})
		}
		for _, it := range r.Mapped {
			l := views.OutcomeFileLink{Text: it.Code + " " + it.Title, Href: t.ItemURL(it.Framework, it.Code)}
			if it.Reviewed {
				fr.Reviewed = append(fr.Reviewed, l)
			} else {
				fr.Unreviewed = append(fr.Unreviewed, l)
			}
		}
		f.Recommendations = append(f.Recommendations, fr)
	}
	for _, k := range t.Record.Consultations {
		opens, closes := consultationDays(k)
		fc := views.OutcomeFileConsultation{Title: k.Title, Href: t.Site + views.ConsultationURL(k.Slug), Version: k.Version,
			Opens: opens, Closes: closes, Approved: k.Stats.Approved, Answered: k.Stats.Answered,
			Resolution: t.Site + views.ConsultationURL(k.Slug) + "/resolution"}
		for _, g := range store.StakeholderGroups {
			if n := k.Stats.ByGroup[g]; n > 0 {
				fc.Groups = append(fc.Groups, views.OutcomeFileCount{Name: store.Label(g), Count: n})
			}
		}
		for _, d := range append(append([]string{}, store.DispositionValues...), "") {
			if n := k.Stats.ByDisposition[d]; n > 0 {
				name := "Not yet answered"
				if d != "" {
					name = store.DispositionLabel(d)
				}
				fc.Dispositions = append(fc.Dispositions, views.OutcomeFileCount{Name: name, Count: n})
			}
		}
		for _, cc := range k.Stats.ByCountry {
			fc.Countries = append(fc.Countries, views.OutcomeFileCount{Name: cc.Country, Count: cc.Count})
		}
		f.Consultations = append(f.Consultations, fc)
	}
	return f, nil
}

// consultationDays are the first and last days of a consultation in its
// own time zone.
func consultationDays(k store.ConsultationRecord) (string, string) {
	loc := store.Consultation{Timezone: k.Timezone}.Location()
	const layout = "2 January 2006"
	return k.OpensAt.In(loc).Format(layout), k.ClosesAt.In(loc).Format(layout)
}

// selfContained prepares a version's HTML for a file read away from the
// site: links to the site made absolute, the title heading left to the
// file's own header, and any image replaced by its text, so that opening
// the file fetches nothing.
func selfContained(fragment, site string) (template.HTML, error) {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "", fmt.Errorf("parse the version's HTML: %w", err)
	}
	var fix func(n *html.Node)
	fix = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && c.DataAtom == atom.Img {
				n.InsertBefore(&html.Node{Type: html.TextNode, Data: attrOf(c, "alt")}, c)
				n.RemoveChild(c)
			} else {
				fix(c)
			}
			c = next
		}
		if n.Type != html.ElementNode {
			return
		}
		attrs := n.Attr[:0]
		for _, a := range n.Attr {
			switch a.Key {
			case "src", "srcset", "style", "background", "poster":
				continue // nothing in the file may load anything
			case "href":
				if strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") {
					a.Val = site + a.Val
				}
			}
			attrs = append(attrs, a)
		}
		n.Attr = attrs
	}
	// The title heading, and the paragraph anchor before it, give way to
	// the file's own header.
	skip := map[*html.Node]bool{}
	for i, n := range nodes {
		if n.Type != html.ElementNode || n.DataAtom != atom.H1 {
			continue
		}
		skip[n] = true
		for j := i - 1; j >= 0; j-- {
			if p := nodes[j]; p.Type == html.ElementNode {
				if p.DataAtom == atom.A && strings.Contains(" "+attrOf(p, "class")+" ", " para-ref ") {
					skip[p] = true
				}
				break
			}
		}
		break
	}
	var b strings.Builder
	for _, n := range nodes {
		if skip[n] {
			continue
		}
		fix(n)
		if err := html.Render(&b, n); err != nil {
			return "", fmt.Errorf("write the version's HTML: %w", err)
		}
	}
	return template.HTML(b.String()), nil //nolint:gosec // sanitised when saved; only attributes were removed or made absolute
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// outcomePDF lays an edition out for the PDF: the title page, then the
// text block by block, each recommendation's traceability after its last
// block, and the consultation record.
func outcomePDF(t content.OutcomeText, v store.Version, shorts map[string]string) outcomepdf.Document {
	// A title in a script the fonts lack is printed from its English
	// rendering, the words of the slug, in brackets (DECISIONS §4).
	d := outcomepdf.Document{Title: outcomepdf.PolicyTitle(t.Title, "", v.Document), Author: t.Group, Summary: t.Summary, Date: t.Date,
		Fields: []outcomepdf.Field{{Label: "Edition", Value: strconv.Itoa(t.Edition)},
			{Label: "Published", Value: t.Date.UTC().Format("2 January 2006")}}}
	if t.Group != "" {
		d.Fields = append(d.Fields, outcomepdf.Field{Label: "Published by", Value: t.Group})
	}
	d.Fields = append(d.Fields, outcomepdf.Field{Label: "Stable URL", Value: t.URL, Href: t.URL})
	after := map[string][]store.Recommendation{}
	for _, r := range t.Record.Recommendations {
		last := r.Paragraph
		if len(r.Paragraphs) > 0 {
			last = r.Paragraphs[len(r.Paragraphs)-1]
		}
		after[last] = append(after[last], r)
	}
	policyLink := t.Site + "/policies/"
	for _, p := range v.Paragraphs {
		if p.Kind == "heading" && p.Section == "0" {
			continue // the title, on the title page
		}
		runs := outcomepdf.RunsFromHTML(p.HTML, t.Site)
		for i, r := range runs {
			// A policy named in a script the fonts lack is printed from its
			// English rendering (DECISIONS §4).
			if slug, ok := strings.CutPrefix(r.Href, policyLink); ok && !outcomepdf.AllSupported(r.Text) {
				slug, _, _ = strings.Cut(slug, "#")
				runs[i].Text = outcomepdf.PolicyTitle(r.Text, shorts[slug], slug)
			}
		}
		switch p.Kind {
		case "heading":
			d.Blocks = append(d.Blocks, outcomepdf.Block{Kind: outcomepdf.KindHeading, Level: strings.Count(p.Section, ".") + 1,
				Runs: []outcomepdf.Run{{Text: joinText(runs)}}})
		case "list-item":
			d.Blocks = append(d.Blocks, outcomepdf.Block{Kind: outcomepdf.KindListItem, Runs: runs})
		case "quote":
			d.Blocks = append(d.Blocks, outcomepdf.Block{Kind: outcomepdf.KindQuote, Runs: runs})
		case "code", "table":
			d.Blocks = append(d.Blocks, outcomepdf.Text(outcomepdf.KindCode, p.Text))
		default:
			d.Blocks = append(d.Blocks, outcomepdf.Block{Kind: outcomepdf.KindParagraph, Runs: runs})
		}
		for _, r := range after[p.ID] {
			d.Blocks = append(d.Blocks, tracePDF(t, r, shorts)...)
		}
	}
	d.Blocks = append(d.Blocks, recordPDF(t)...)
	return d
}

func joinText(runs []outcomepdf.Run) string {
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.Text)
	}
	return b.String()
}

// tracePDF is one recommendation's traceability panel.
func tracePDF(t content.OutcomeText, r store.Recommendation, shorts map[string]string) []outcomepdf.Block {
	note := func(runs ...outcomepdf.Run) outcomepdf.Block {
		return outcomepdf.Block{Kind: outcomepdf.KindNote, Runs: runs}
	}
	out := []outcomepdf.Block{outcomepdf.Text(outcomepdf.KindPanel, "Traceability of "+content.RecommendationHeading(r))}
	if len(r.Policies) == 0 {
		out = append(out, note(outcomepdf.Run{Text: "Policies cited: none."}))
	}
	for _, p := range r.Policies {
		if p.Missing {
			out = append(out, note(outcomepdf.Run{Text: "Policy cited: " + p.Slug + " (not in the knowledge base)"}))
			continue
		}
		out = append(out, note(outcomepdf.Run{Text: "Policy cited: "},
			outcomepdf.Run{Text: outcomepdf.PolicyTitle(p.Title, shorts[p.Slug], p.Slug), Href: t.PolicyURL(p.Slug, "")},
			outcomepdf.Run{Text: content.PolicyFacts(p)}))
	}
	for _, it := range r.Items {
		out = append(out, note(outcomepdf.Run{Text: "Addresses: "},
			outcomepdf.Run{Text: it.Code + " " + it.Title, Href: t.ItemURL(it.Framework, it.Code)}))
	}
	for _, it := range r.Mapped {
		state := " (mapping not reviewed)"
		if it.Reviewed {
			state = " (mapping reviewed)"
		}
		out = append(out, note(outcomepdf.Run{Text: "Its policies are mapped to: "},
			outcomepdf.Run{Text: it.Code + " " + it.Title, Href: t.ItemURL(it.Framework, it.Code)}, outcomepdf.Run{Text: state}))
	}
	if r.CommentTotal > 0 {
		out = append(out, note(outcomepdf.Run{Text: fmt.Sprintf("Comments on it: %d%s.", r.CommentTotal, content.DispositionCounts(r.Comments))}))
	} else {
		out = append(out, note(outcomepdf.Run{Text: "Comments on it: none."}))
	}
	return out
}

// recordPDF is the consultation record, the PDF's last section.
func recordPDF(t content.OutcomeText) []outcomepdf.Block {
	out := []outcomepdf.Block{{Kind: outcomepdf.KindHeading, Level: 1, Runs: []outcomepdf.Run{{Text: "Consultation record"}}}}
	if len(t.Record.Consultations) == 0 {
		return append(out, outcomepdf.Text(outcomepdf.KindParagraph, "No public consultation was held on this document before it was published."))
	}
	for _, k := range t.Record.Consultations {
		opens, closes := consultationDays(k)
		out = append(out, outcomepdf.Block{Kind: outcomepdf.KindHeading, Level: 2, Runs: []outcomepdf.Run{{Text: k.Title}}},
			outcomepdf.Block{Kind: outcomepdf.KindParagraph, Runs: []outcomepdf.Run{
				{Text: fmt.Sprintf("Version %d was open for comment from %s to %s: %d approved comments, %d of them answered (",
					k.Version, opens, closes, k.Stats.Approved, k.Stats.Answered)},
				{Text: "resolution table", Href: t.Site + views.ConsultationURL(k.Slug) + "/resolution"}, {Text: ")."}}})
		groups := make([]string, 0, len(k.Stats.ByGroup))
		for g, n := range k.Stats.ByGroup {
			if n > 0 {
				groups = append(groups, g)
			}
		}
		sort.Slice(groups, func(i, j int) bool { return k.Stats.ByGroup[groups[i]] > k.Stats.ByGroup[groups[j]] })
		for _, g := range groups {
			out = append(out, outcomepdf.Text(outcomepdf.KindListItem, fmt.Sprintf("%s: %d", store.Label(g), k.Stats.ByGroup[g])))
		}
	}
	return out
}
