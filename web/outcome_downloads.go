package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
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
	"golang.org/x/sync/singleflight"
)

// outcomeFileCSP lets the HTML download use its own inline stylesheet and
// nothing else: it is an attachment, but a browser told to show it must
// still make no request.
const outcomeFileCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Limits of the download cache. A file is kept per site address (the
// Host header when no base URL is set, since the files print absolute
// links), so the byte budget, not the count, is what bounds the memory a
// reader forging Host headers can make it hold.
const (
	maxOutcomeFiles     = 64
	outcomeFilesBytes   = 64 << 20
	outcomeFileMaxBytes = 16 << 20 // a larger file is made each time
)

// outcomeFiles keeps generated downloads of editions, each with its
// strong ETag, and makes each one once however many readers ask for it
// at the same moment. The zero value is ready to use.
type outcomeFiles struct {
	mu      sync.Mutex
	entries map[string]outcomeFileEntry
	bytes   int // held by entries
	flight  singleflight.Group
}

// outcomeFileEntry is one generated file and the hash of its bytes.
type outcomeFileEntry struct {
	body []byte
	sum  string
}

// etag is the file's strong ETag as one request receives it: the gzip
// middleware sends other bytes to a client that accepts gzip.
func (e outcomeFileEntry) etag(gz bool) string {
	if gz {
		return `"dl-` + e.sum + `-gzip"`
	}
	return `"dl-` + e.sum + `"`
}

func newOutcomeFileEntry(body []byte) outcomeFileEntry {
	sum := sha256.Sum256(body)
	return outcomeFileEntry{body: body, sum: base64.RawURLEncoding.EncodeToString(sum[:18])}
}

func (f *outcomeFiles) get(key string) (outcomeFileEntry, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entries[key]
	return e, ok
}

// put keeps e under key, first making room as editionCache.put does: an
// arbitrary entry (Go's map order is random) goes while there are too
// many or they hold too much.
func (f *outcomeFiles) put(key string, e outcomeFileEntry) {
	size := len(e.body)
	if size > outcomeFileMaxBytes {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.entries == nil {
		f.entries = map[string]outcomeFileEntry{}
	}
	if old, ok := f.entries[key]; ok {
		f.bytes -= len(old.body)
		delete(f.entries, key)
	}
	for k, old := range f.entries {
		if len(f.entries) < maxOutcomeFiles && f.bytes+size <= outcomeFilesBytes {
			break
		}
		f.bytes -= len(old.body)
		delete(f.entries, k)
	}
	f.entries[key] = e
	f.bytes += size
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
	ov, err := s.db.OutcomeView(ctx, slug, edition)
	if err != nil {
		return fmt.Errorf("outcome download %s edition %d: %w", slug, edition, err)
	}
	// The group is named as the edition's page names it.
	group, err := s.groupName(ctx)
	if err != nil {
		return fmt.Errorf("outcome download %s: %w", slug, err)
	}
	t, shorts, err := s.outcomeText(ctx, ov, s.absURL(c, ""), group)
	if err != nil {
		return err
	}
	f, err := s.outcomeFile(ctx, t, ov.Version, shorts, format)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if userFrom(c) != nil {
		h.Set("Cache-Control", "no-store")
	} else {
		etag := f.etag(strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip"))
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
	if format == formatHTML {
		h.Set("Content-Security-Policy", outcomeFileCSP)
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-edition-%d.%s"`, slug, t.Edition, format))
	return c.Blob(http.StatusOK, ctype, f.body)
}

// outcomeFile is one download of an edition, from the cache or made now.
// The key holds everything the file prints that may change after
// publication (the site's address, the group's name, the comments still
// approved, the names of what the text cites), so a kept file is the file
// this request would make. Readers asking for the same file at once wait
// for one rendering, and at most one rendering per CPU runs at a time.
func (s *Server) outcomeFile(ctx context.Context, t content.OutcomeText, v store.Version, shorts map[string]string, format string) (outcomeFileEntry, error) {
	key := outcomeFileKey(t, shorts, format)
	if e, ok := s.outcomeFiles.get(key); ok {
		return e, nil
	}
	for {
		ch := s.outcomeFiles.flight.DoChan(key, func() (any, error) {
			select {
			case s.renderSlots <- struct{}{}:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			defer func() { <-s.renderSlots }()
			body, err := s.renderOutcomeFile(ctx, t, v, shorts, format)
			if err != nil {
				return nil, err
			}
			e := newOutcomeFileEntry(body)
			s.outcomeFiles.put(key, e)
			return e, nil
		})
		select {
		case <-ctx.Done():
			return outcomeFileEntry{}, ctx.Err()
		case r := <-ch:
			if r.Err != nil {
				if ctx.Err() == nil && (errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)) {
					// The reader whose request was making the file went
					// away; this one is still here, so it makes it.
					continue
				}
				return outcomeFileEntry{}, r.Err
			}
			return r.Val.(outcomeFileEntry), nil
		}
	}
}

// outcomeFileKey names one download: the format, and a hash of every
// input of the file that is not fixed by the edition's number.
func outcomeFileKey(t content.OutcomeText, shorts map[string]string, format string) string {
	sum := sha256.New()
	put := func(parts ...string) {
		for _, p := range parts {
			fmt.Fprintf(sum, "%d:%s", len(p), p)
		}
	}
	putMap := func(m map[string]string) {
		put(strconv.Itoa(len(m)))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			put(k, m[k])
		}
	}
	put(t.Site, t.Group, t.Slug, strconv.Itoa(t.Edition), format)
	putMap(t.Policies)
	putMap(t.Items)
	putMap(t.Countries)
	putMap(shorts)
	for _, r := range t.Record.Recommendations {
		put(strconv.Itoa(len(r.Comments)))
		for _, m := range r.Comments {
			put(strconv.FormatInt(m.ID, 10))
		}
	}
	return string(sum.Sum(nil))
}

// renderOutcomeFile makes one download of an edition.
func (s *Server) renderOutcomeFile(ctx context.Context, t content.OutcomeText, v store.Version, shorts map[string]string, format string) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case formatMarkdown:
		buf.WriteString(s.md.OutcomeMarkdown(t))
	case formatHTML:
		f, err := s.outcomeFileView(t, v)
		if err != nil {
			return nil, err
		}
		if err := views.OutcomeFilePage(f).Render(ctx, &buf); err != nil {
			return nil, fmt.Errorf("outcome %s edition %d as HTML: %w", t.Slug, t.Edition, err)
		}
	case formatPDF:
		if err := outcomepdf.WriteContext(ctx, &buf, outcomePDF(t, v, shorts)); err != nil {
			return nil, fmt.Errorf("outcome %s edition %d: %w", t.Slug, t.Edition, err)
		}
	}
	return buf.Bytes(), nil
}

// outcomeText gathers what every download prints: the edition, the
// version's text, the titles of what it cites (frozen in the record where
// the record has them), the redline from each consulted version, and the
// site's URLs, absolute on site. shorts are the policies' short titles,
// which the PDF prints in place of a title its fonts cannot draw. Short
// titles and the names of cited policies and items are read now: a
// policy may be renamed after publication.
func (s *Server) outcomeText(ctx context.Context, ov store.OutcomeView, site, group string) (content.OutcomeText, map[string]string, error) {
	e, v := ov.Edition, ov.Version
	t := content.OutcomeText{Slug: e.Document, Title: e.Title, Edition: e.Number, Version: e.Version, Date: e.PublishedAt,
		Group: group, Summary: e.Summary, Source: v.Source, Site: site, Framework: s.fwSlug, Record: e.Record,
		URL:      site + views.EditionURL(e.Document, e.Number),
		Policies: map[string]string{}, Items: map[string]string{}, Countries: map[string]string{},
		Redlines: map[string]content.Redline{}}
	withOutcomeURLs(&t)
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
		return t, nil, fmt.Errorf("outcome %s: %w", e.Document, err)
	}
	// Countries are named as the edition's page names them.
	for _, k := range e.Record.Consultations {
		for _, cc := range k.Stats.ByCountry {
			t.Countries[cc.Country] = l.value("jurisdiction", cc.Country)
		}
		from, ok := ov.Consulted[k.Version]
		if !ok {
			return t, nil, fmt.Errorf("outcome %s: consulted version %d: %w", e.Document, k.Version, store.ErrNotFound)
		}
		t.Redlines[k.Slug] = content.Diff(from, v)
	}
	for _, r := range e.Record.Recommendations {
		for _, m := range r.Comments {
			if m.Country != "" {
				t.Countries[m.Country] = l.value("jurisdiction", m.Country)
			}
		}
	}
	shorts := map[string]string{}
	for _, c := range v.Citations {
		switch c.Kind {
		case "policy":
			if _, seen := shorts[c.Target]; seen {
				continue
			}
			p, ok := ov.Cited[c.Target]
			if !ok {
				continue
			}
			shorts[c.Target] = p.ShortTitle
			// The text names a policy as the site does (content.CitationLabel).
			t.Policies[c.Target] = p.DisplayTitle()
		case "item":
			if _, ok := t.Items[c.Target]; !ok && l.items[c.Target] != "" {
				t.Items[c.Target] = l.items[c.Target]
			}
		}
	}
	return t, shorts, nil
}

// withOutcomeURLs gives the text of an edition the site's URL builders,
// made absolute on t.Site; t.URL is the edition's own.
func withOutcomeURLs(t *content.OutcomeText) {
	site, edition := t.Site, t.URL
	t.PolicyURL = func(slug, ref string) string {
		u := site + views.PolicyURL(slug)
		if ref != "" {
			u += "#prov-" + url.PathEscape(ref)
		}
		return u
	}
	t.ItemURL = func(framework, code string) string { return site + views.ItemURL(framework, code) }
	t.CommentURL = func(k string, id int64) string { return site + views.CommentURL(k, id) }
	t.ResolutionURL = func(k string) string { return site + views.ResolutionURL(k) }
	// The edition's page records each consultation, with its redline, in
	// the section the page names "record-" and the consultation's slug.
	t.RecordURL = func(k string) string { return edition + "#record-" + url.PathEscape(k) }
}

// outcomeFileView shapes an edition for the HTML download.
func (s *Server) outcomeFileView(t content.OutcomeText, v store.Version) (views.OutcomeFile, error) {
	// Sanitised as the edition's page sanitises it, when shown.
	text, err := selfContained(string(s.md.Sanitize(v.HTML)), t.Site, headingNumbers(v))
	if err != nil {
		return views.OutcomeFile{}, fmt.Errorf("outcome %s edition %d as HTML: %w", v.Document, t.Edition, err)
	}
	f := views.OutcomeFile{Title: t.Title, Edition: t.Edition, Date: t.Date.UTC().Format(dateText),
		DateISO: t.Date.UTC().Format("2006-01-02"), Group: t.Group, URL: t.URL, Summary: t.Summary, Text: text}
	for _, r := range t.Record.Recommendations {
		fr := views.OutcomeFileRecommendation{Heading: content.RecommendationHeading(r), Anchor: "#p-" + r.Paragraph,
			CommentTotal: r.CommentTotal, Dispositions: content.DispositionCounts(r.Comments)}
		for _, m := range r.Comments {
			fr.Comments = append(fr.Comments, views.OutcomeFileComment{Label: m.Label, Href: t.CommentURL(m.Consultation, m.ID),
				Facts: strings.Join(t.CommentFacts(m), ", "), Excerpt: m.Excerpt, Answer: content.CommentAnswer(m)})
		}
		if r.CommentTotal > len(r.Comments) && r.Consultation != "" {
			fr.Resolution = t.ResolutionURL(r.Consultation)
		}
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
		red := t.Redlines[k.Slug]
		fc := views.OutcomeFileConsultation{Title: k.Title, Href: t.Site + views.ConsultationURL(k.Slug), Version: k.Version,
			Opens: opens, Closes: closes, Approved: k.Stats.Approved, Answered: k.Stats.Answered,
			Resolution: t.ResolutionURL(k.Slug), Published: t.Version, Redline: red,
			Changes: content.RedlineTotals(red), RecordHref: t.RecordURL(k.Slug)}
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
			fc.Countries = append(fc.Countries, views.OutcomeFileCount{Name: t.CountryName(cc.Country), Count: cc.Count})
		}
		f.Consultations = append(f.Consultations, fc)
	}
	return f, nil
}

// consultationDays are the first and last days of a consultation in its
// own time zone.
func consultationDays(k store.ConsultationRecord) (string, string) {
	loc := k.Location()
	return k.OpensAt.In(loc).Format(dateText), k.ClosesAt.In(loc).Format(dateText)
}

// headingNumbers are the section numbers of a version's headings, by the
// id of their paragraph anchor ("p-…"); the title has none.
func headingNumbers(v store.Version) map[string]string {
	m := map[string]string{}
	for _, p := range v.Paragraphs {
		if p.Kind == "heading" && p.Section != "0" {
			m["p-"+p.ID] = p.Section
		}
	}
	return m
}

// selfContained prepares a version's HTML for a file read away from the
// site: links to the site made absolute, the title heading left to the
// file's own header, each other heading numbered with its section (the
// number the site shows in the heading's paragraph anchor, moved into the
// heading so that it prints), and any image replaced by its text, so that
// opening the file fetches nothing.
func selfContained(fragment, site string, sections map[string]string) (template.HTML, error) {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "", fmt.Errorf("parse the version's HTML: %w", err)
	}
	var fix func(n *html.Node)
	fix = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && c.DataAtom == atom.Img {
				n.InsertBefore(&html.Node{Type: html.TextNode, Data: attr(c, "alt")}, c)
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
				if p.DataAtom == atom.A && strings.Contains(" "+attr(p, "class")+" ", " para-ref ") {
					skip[p] = true
				}
				break
			}
		}
		break
	}
	for i, n := range nodes {
		if skip[n] || n.Type != html.ElementNode || n.DataAtom != atom.A || sections[attr(n, "id")] == "" {
			continue
		}
		// The anchor of a heading becomes its number, inside it.
		for j := i + 1; j < len(nodes); j++ {
			h := nodes[j]
			if h.Type == html.TextNode && strings.TrimSpace(h.Data) == "" {
				continue
			}
			if h.Type == html.ElementNode && (h.DataAtom == atom.H2 || h.DataAtom == atom.H3 || h.DataAtom == atom.H4 ||
				h.DataAtom == atom.H5 || h.DataAtom == atom.H6) {
				num := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{
					{Key: "class", Val: "para-ref secnum"}, {Key: "id", Val: attr(n, "id")}, {Key: "href", Val: attr(n, "href")}}}
				num.AppendChild(&html.Node{Type: html.TextNode, Data: sections[attr(n, "id")]})
				h.InsertBefore(num, h.FirstChild)
				h.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, num.NextSibling)
				skip[n] = true
			}
			break
		}
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

// outcomePDF lays an edition out for the PDF: the title page, then the
// text block by block, headings numbered, each recommendation's
// traceability after its last block, and the consultation record. When
// some text is in a script the fonts lack, the title page says so and
// points to the HTML edition, which shows it.
func outcomePDF(t content.OutcomeText, v store.Version, shorts map[string]string) outcomepdf.Document {
	// A title in a script the fonts lack is printed from its English
	// rendering, the words of the slug, in brackets (DECISIONS §4).
	d := outcomepdf.Document{Title: outcomepdf.PolicyTitle(t.Title, "", v.Document), Author: t.Group, Summary: t.Summary, Date: t.Date,
		Fields: []outcomepdf.Field{{Label: "Edition", Value: strconv.Itoa(t.Edition)},
			{Label: "Published", Value: t.Date.UTC().Format(dateText)}}}
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
	d.Blocks = append(d.Blocks, outcomepdf.Block{Kind: outcomepdf.KindHeading, Level: 1, Runs: []outcomepdf.Run{{Text: "Text"}}})
	policyLink := t.Site + views.PolicyURL("")
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
				if s, err := url.PathUnescape(slug); err == nil {
					slug = s
				}
				runs[i].Text = outcomepdf.PolicyTitle(r.Text, shorts[slug], slug)
			}
		}
		switch p.Kind {
		case "heading":
			d.Blocks = append(d.Blocks, outcomepdf.Block{Kind: outcomepdf.KindHeading, Level: strings.Count(p.Section, ".") + 1,
				Runs: []outcomepdf.Run{{Text: p.Section + " " + outcomepdf.PlainText(runs)}}})
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
	if !allPrintable(t, v, d) {
		html := t.Site + views.EditionDownloadURL(t.Slug, t.Edition, formatHTML)
		d.Notice = []outcomepdf.Run{{Text: "Some text is in a script this PDF cannot show; the HTML edition at "},
			{Text: html, Href: html}, {Text: " shows it in full."}}
	}
	return d
}

// allPrintable reports whether the fonts of the PDF draw every character
// of the edition as written: its title and summary, and the text of the
// version and of what the PDF prints about it, before any is replaced.
func allPrintable(t content.OutcomeText, v store.Version, d outcomepdf.Document) bool {
	if !outcomepdf.AllSupported(t.Title) || !outcomepdf.AllSupported(t.Summary) || !outcomepdf.AllSupported(d.Author) {
		return false
	}
	for _, p := range v.Paragraphs {
		if !outcomepdf.AllSupported(p.Text) {
			return false
		}
	}
	for _, r := range t.Record.Recommendations {
		for _, p := range r.Policies {
			if !outcomepdf.AllSupported(p.Title) {
				return false
			}
		}
	}
	for _, b := range d.Blocks {
		for _, r := range b.Runs {
			if !outcomepdf.AllSupported(r.Text) {
				return false
			}
		}
	}
	return true
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
	for _, m := range r.Comments {
		facts := ""
		if f := t.CommentFacts(m); len(f) > 0 {
			facts = " (" + strings.Join(f, ", ") + ")"
		}
		out = append(out, note(outcomepdf.Run{Text: "• "},
			outcomepdf.Run{Text: "Comment on " + m.Label, Href: t.CommentURL(m.Consultation, m.ID)},
			outcomepdf.Run{Text: facts + ": “" + m.Excerpt + "” " + content.CommentAnswer(m)}))
	}
	if r.CommentTotal > len(r.Comments) && r.Consultation != "" {
		out = append(out, note(outcomepdf.Run{Text: fmt.Sprintf("%d of %s shown; the ", len(r.Comments), views.Plural(r.CommentTotal, "comment", "comments"))},
			outcomepdf.Run{Text: "resolution table", Href: t.ResolutionURL(r.Consultation)}, outcomepdf.Run{Text: " has every one."}))
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
				{Text: fmt.Sprintf("Version %d was open for comment from %s to %s: %s, %d of them answered (",
					k.Version, opens, closes, views.Plural(k.Stats.Approved, "approved comment", "approved comments"), k.Stats.Answered)},
				{Text: "resolution table", Href: t.ResolutionURL(k.Slug)}, {Text: ")."}}})
		var groups, countries []outcomepdf.Block
		for _, g := range store.StakeholderGroups {
			if n := k.Stats.ByGroup[g]; n > 0 {
				groups = append(groups, outcomepdf.Text(outcomepdf.KindListItem, fmt.Sprintf("%s: %d", store.Label(g), n)))
			}
		}
		for _, cc := range k.Stats.ByCountry {
			countries = append(countries, outcomepdf.Text(outcomepdf.KindListItem, fmt.Sprintf("%s: %d", t.CountryName(cc.Country), cc.Count)))
		}
		if len(groups) > 0 {
			out = append(out, outcomepdf.Text(outcomepdf.KindParagraph, "Comments by stakeholder group:"))
			out = append(out, groups...)
		}
		if len(countries) > 0 {
			out = append(out, outcomepdf.Text(outcomepdf.KindParagraph, "Comments by country:"))
			out = append(out, countries...)
		}
		if red, ok := t.Redlines[k.Slug]; ok {
			out = append(out, outcomepdf.Block{Kind: outcomepdf.KindParagraph, Runs: []outcomepdf.Run{
				{Text: fmt.Sprintf("Changes from version %d (consulted) to version %d (published): %s. The ", k.Version, t.Version, content.RedlineTotals(red))},
				{Text: "edition's page", Href: t.RecordURL(k.Slug)}, {Text: " shows them word by word."}}})
		}
	}
	return out
}
