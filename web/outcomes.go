package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// dateText is how outcome pages write a day.
const dateText = content.DateLayout

// noStoreForMembers keeps a signed-in reader's copy of an outcome page out
// of every cache: it carries their name and CSRF token. Anonymous readers'
// caching is the fast path's (outcome_cache.go).
func noStoreForMembers(c echo.Context) {
	if userFrom(c) != nil {
		c.Response().Header().Set("Cache-Control", "no-store")
	}
}

// outcomes lists the published documents, newest first.
func (s *Server) outcomes(c echo.Context) error {
	list, err := s.db.Outcomes(c.Request().Context())
	if err != nil {
		return fmt.Errorf("list outcomes: %w", err)
	}
	page := views.OutcomesPage{Base: s.base(c, "Outcomes")}
	page.Description = "Published recommendations of the working group, each with the evidence it cites and the consultation that shaped it."
	for _, o := range list {
		page.Rows = append(page.Rows, views.OutcomeRow{Slug: o.Latest.Document, Title: o.Latest.Title, Summary: o.Latest.Summary,
			Date: o.Latest.PublishedAt.Format(dateText), Edition: o.Latest.Number, Editions: o.Editions,
			Comments: o.Comments, Consulted: o.Consulted, Archived: o.Archived()})
	}
	noStoreForMembers(c)
	return s.render(c, http.StatusOK, views.OutcomesView(page))
}

// outcomePage shows one edition (0: the newest) of a published document:
// its text with each recommendation's traceability panel, the record of
// its consultations and how to cite it. A document never published has no
// outcome, for editors too.
func (s *Server) outcomePage(c echo.Context, slug string, n int) error {
	ctx := c.Request().Context()
	view, err := s.db.OutcomeView(ctx, slug, n)
	if err != nil {
		return err
	}
	ed, group := view.Edition, groupOrDefault(view.GroupName)
	page := views.OutcomePage{Base: s.base(c, ed.Title), Slug: slug, Title: ed.Title, Summary: ed.Summary,
		Edition: ed.Number, Version: ed.Version, Date: ed.PublishedAt.Format(dateText),
		Archived: view.Status == store.StatusArchived}
	if n != 0 {
		page.Title = fmt.Sprintf("%s, edition %d", ed.Title, ed.Number)
	}
	page.Description = ed.Summary
	for _, e := range view.Editions {
		page.Editions = append(page.Editions, views.EditionRow{Number: e.Number, Version: e.Version,
			Date: e.PublishedAt.Format(dateText), Current: e.Number == ed.Number})
		page.Newest = max(page.Newest, e.Number)
	}
	for _, f := range []struct{ ext, label string }{{formatPDF, "PDF"}, {formatHTML, "HTML"}, {formatMarkdown, "Markdown"}} {
		page.Downloads = append(page.Downloads, views.Download{Href: views.EditionDownloadURL(slug, ed.Number, f.ext), Label: f.label})
	}
	if userFrom(c).HasRole("editor") {
		page.DocumentHref = views.DocumentURL(slug)
	}
	if err := s.outcomeBody(ctx, &page, view); err != nil {
		return err
	}
	stable := s.absURL(c, views.EditionURL(slug, ed.Number))
	page.Cite = citeBox(ed, group, stable)
	page.Canonical = s.absURL(c, views.OutcomeURL(slug))
	if n != 0 {
		page.Canonical = stable
	}
	page.OpenGraph = &views.OpenGraph{Type: "article", Title: ed.Title, Description: ed.Summary, URL: page.Canonical}
	if page.JSONLD, err = reportJSONLD(ed, group, stable); err != nil {
		return err
	}
	noStoreForMembers(c)
	return s.render(c, http.StatusOK, views.OutcomeView(page))
}

// groupName is the working group's name, the author of every edition.
func (s *Server) groupName(ctx context.Context) (string, error) {
	g, err := s.db.GroupName(ctx)
	if err != nil {
		return "", fmt.Errorf("group name: %w", err)
	}
	return groupOrDefault(g), nil
}

// groupOrDefault is the author of the site's editions: the group's name,
// or, on a site that never set it, the application's.
func groupOrDefault(name string) string {
	if name == "" {
		return "Accord"
	}
	return name
}

// citedPolicies resolves citations from the policies an OutcomeView read,
// so that labelling a version's citations reads nothing more.
type citedPolicies map[string]store.Policy

func (c citedPolicies) Policy(_ context.Context, slug string) (store.Policy, error) {
	if p, ok := c[slug]; ok {
		return p, nil
	}
	return store.Policy{}, fmt.Errorf("policy %s: %w", slug, store.ErrNotFound)
}

func (c citedPolicies) Item(_ context.Context, framework, code string) (store.Item, error) {
	return store.Item{}, fmt.Errorf("item %s/%s: items are not looked up here: %w", framework, code, store.ErrNotFound)
}

// outcomeBody fills the text of the edition's version, each
// recommendation's panel placed after its last block, and the
// consultation record.
func (s *Server) outcomeBody(ctx context.Context, page *views.OutcomePage, view store.OutcomeView) error {
	ed, v := view.Edition, view.Version
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	// The versions the redlines compare, read once each, their citations
	// written as the page shows them.
	versions := map[int]store.Version{}
	version := func(n int) (store.Version, error) {
		if got, ok := versions[n]; ok {
			return got, nil
		}
		got := v
		if n != ed.Version {
			var ok bool
			if got, ok = view.Consulted[n]; !ok {
				return store.Version{}, fmt.Errorf("consulted version %d of %s: %w", n, ed.Document, store.ErrNotFound)
			}
		}
		got, err := content.LabelCitations(ctx, got, citedPolicies(view.Cited))
		if err != nil {
			return store.Version{}, fmt.Errorf("version %d of %s: %w", n, ed.Document, err)
		}
		versions[n] = got
		return got, nil
	}
	published, err := version(ed.Version)
	if err != nil {
		return err
	}
	consulted := len(ed.Record.Consultations) > 0
	var panels []*views.Recommendation
	for _, r := range ed.Record.Recommendations {
		p := &views.Recommendation{Number: r.Number, Title: r.Title, Paragraph: r.Paragraph, Consulted: consulted,
			CommentTotal: r.CommentTotal, Level: panelLevel(r.Section)}
		for _, cp := range r.Policies {
			op := views.OutcomePolicy{Slug: cp.Slug, Title: cp.Title, Status: store.Label(cp.Status), Year: cp.Year, Missing: cp.Missing}
			names := make([]string, len(cp.Jurisdictions))
			for i, j := range cp.Jurisdictions {
				names[i] = j.Name
			}
			op.Jurisdictions = strings.Join(names, ", ")
			for _, pr := range cp.Provisions {
				op.Provisions = append(op.Provisions, views.OutcomeProvision{Ref: pr.Ref, Title: pr.Title})
			}
			p.Policies = append(p.Policies, op)
		}
		for _, it := range r.Items {
			p.Items = append(p.Items, views.OutcomeItem{Framework: it.Framework, Code: it.Code, Title: it.Title, Kind: it.Kind})
		}
		for _, it := range r.Mapped {
			p.Mapped = append(p.Mapped, views.OutcomeItem{Framework: it.Framework, Code: it.Code, Title: it.Title, Reviewed: it.Reviewed})
		}
		for _, m := range r.Comments {
			p.Comments = append(p.Comments, views.OutcomeComment{Href: views.CommentURL(m.Consultation, m.ID), Label: m.Label,
				Group: store.Label(m.Group), Country: l.value("jurisdiction", m.Country), Type: store.Label(m.Type),
				Excerpt: m.Excerpt, Disposition: dispositionText(m.Disposition), Rationale: m.Rationale, Copies: m.Copies})
		}
		if r.ConsultedVersion > 0 {
			from, err := version(r.ConsultedVersion)
			if err != nil {
				return err
			}
			red := recommendationRedline(content.Diff(from, published), r.Paragraphs)
			p.Redline = &red
		}
		panels = append(panels, p)
	}
	page.Parts, page.Recommendations = placePanels(shiftHeadings(s.md.Sanitize(v.HTML)), v.Paragraphs, ed.Record.Recommendations, panels)
	for _, cr := range ed.Record.Consultations {
		from, err := version(cr.Version)
		if err != nil {
			return err
		}
		loc := cr.Location()
		rec := views.ConsultationRecord{Slug: cr.Slug, Title: cr.Title, Version: cr.Version,
			Opens: whenText(cr.OpensAt, loc), Closes: whenText(cr.ClosesAt, loc),
			Approved: cr.Stats.Approved, Answered: cr.Stats.Answered, Redline: content.Diff(from, published), PublishedAfter: ed.Version}
		if cr.Stats.Approved > 0 {
			rec.AnsweredShare = percent(cr.Stats.Answered, cr.Stats.Approved)
		}
		row := func(label string, n int) views.StatRow {
			return views.StatRow{Label: label, Count: n, Share: percent(n, cr.Stats.Approved)}
		}
		for _, g := range store.StakeholderGroups {
			rec.ByGroup = append(rec.ByGroup, row(store.Label(g), cr.Stats.ByGroup[g]))
		}
		for _, cc := range cr.Stats.ByCountry {
			rec.ByCountry = append(rec.ByCountry, row(l.value("jurisdiction", cc.Country), cc.Count))
		}
		page.Record = append(page.Record, rec)
	}
	return nil
}

// headingTagRE finds the heading tags of sanitised HTML, where a "<" that
// is text is always escaped.
var headingTagRE = regexp.MustCompile(`<(/?)h([1-6])([\s>])`)

// shiftHeadings moves the document's headings one level down (h2 to h3,
// and so on, h6 at most): on the outcome page the text is a section below
// the page's h2 "Text".
func shiftHeadings(h template.HTML) template.HTML {
	return template.HTML(headingTagRE.ReplaceAllStringFunc(string(h), func(tag string) string {
		m := headingTagRE.FindStringSubmatch(tag)
		level := min(int(m[2][0]-'0')+1, 6)
		return "<" + m[1] + "h" + strconv.Itoa(level) + m[3]
	}))
}

// panelLevel is the level of a recommendation panel's heading: one below
// the heading of the section the recommendation is (an h2 of the document
// is an h3 on the page, so section "2.1", an h3, is an h4 and its panel
// an h5); before the first section the text's own h2 stands above it.
func panelLevel(section string) int {
	level := 3 // below the page's h2 "Text"
	if section != "" && strings.Trim(section, "0123456789.") == "" && section != "0" {
		level = strings.Count(section, ".") + 4
	}
	return min(level, 6)
}

// dispositionText is the label of a disposition, "" for a comment not
// answered yet.
func dispositionText(d string) string {
	if d == "" {
		return ""
	}
	return store.DispositionLabel(d)
}

// recommendationRedline keeps, of a whole-document redline, the blocks of
// one recommendation: its blocks in the published version and the blocks
// deleted among them.
func recommendationRedline(red content.Redline, pids []string) content.Redline {
	first, last := -1, -1
	for i, b := range red.Blocks {
		if b.Status != "deleted" && slices.Contains(pids, b.ID) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	out := content.Redline{From: red.From, To: red.To}
	if first < 0 {
		return out
	}
	for _, b := range red.Blocks[first : last+1] {
		if b.Status == "deleted" || slices.Contains(pids, b.ID) {
			out.Blocks = append(out.Blocks, b)
			switch b.Status {
			case "changed":
				out.Changed++
			case "inserted":
				out.Inserted++
			case "deleted":
				out.Deleted++
			}
			if b.Moved {
				out.Moved++
			}
		}
	}
	return out
}

// placePanels cuts the text so that each recommendation's panel follows
// its last block. The text is cut only before a top-level heading or
// paragraph (whose anchor stands outside any other element); a panel
// whose recommendation is not followed by one goes after the text.
func placePanels(html template.HTML, ps []store.Paragraph, recs []store.Recommendation, panels []*views.Recommendation) ([]views.TextPart, []*views.Recommendation) {
	text := string(html)
	index := map[string]int{}
	for i, p := range ps {
		index[p.ID] = i
	}
	var parts []views.TextPart
	var rest []*views.Recommendation
	from := 0
	for i, r := range recs {
		cut := -1
		if len(r.Paragraphs) > 0 {
			if at, ok := index[r.Paragraphs[len(r.Paragraphs)-1]]; ok {
				if at+1 == len(ps) {
					cut = len(text)
				} else if next := ps[at+1]; next.Kind == "heading" || next.Kind == "paragraph" {
					cut = anchorAt(text, next.ID)
				}
			}
		}
		if cut < from {
			rest = append(rest, panels[i])
			continue
		}
		parts = append(parts, views.TextPart{HTML: template.HTML(text[from:cut]), Rec: panels[i]})
		from = cut
	}
	if from < len(text) || len(parts) == 0 {
		parts = append(parts, views.TextPart{HTML: template.HTML(text[from:])})
	}
	return parts, rest
}

// anchorAt is where the paragraph anchor of block pid begins in text, -1
// when it is not found at the top level.
func anchorAt(text, pid string) int {
	i := strings.Index(text, `id="p-`+pid+`"`)
	if i < 0 {
		return -1
	}
	j := strings.LastIndex(text[:i], "<a ")
	if j < 0 || (j > 0 && text[j-1] != '\n') {
		return -1
	}
	return j
}

// citeBox is the edition's citation in three forms.
func citeBox(ed store.Edition, group, url string) views.CiteBox {
	year := ed.PublishedAt.Year()
	box := views.CiteBox{URL: url}
	box.Plain = fmt.Sprintf("%s (%d). %s. Edition %d, published %s. %s", group, year, ed.Title, ed.Number,
		ed.PublishedAt.Format(dateText), url)
	box.BibTeX = fmt.Sprintf("@techreport{%s-edition-%d,\n  author = {{%s}},\n  title = {%s},\n  institution = {%s},\n  year = {%d},\n  url = {%s},\n  note = {Edition %d}\n}",
		ed.Document, ed.Number, bibEscape(group), bibEscape(ed.Title), bibEscape(group), year, url, ed.Number)
	csl := []map[string]any{{
		"id":        fmt.Sprintf("%s-edition-%d", ed.Document, ed.Number),
		"type":      "report",
		"title":     ed.Title,
		"author":    []map[string]string{{"literal": group}},
		"publisher": group,
		"issued":    map[string]any{"date-parts": [][]int{{year, int(ed.PublishedAt.Month()), ed.PublishedAt.Day()}}},
		"URL":       url,
		"edition":   strconv.Itoa(ed.Number),
		"version":   strconv.Itoa(ed.Version),
	}}
	b, _ := json.MarshalIndent(csl, "", "  ") // maps of strings and ints always encode
	box.CSL = string(b)
	return box
}

// bibEscape escapes the characters BibTeX treats specially.
var bibEscape = strings.NewReplacer(`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `&`, `\&`, `%`, `\%`,
	`$`, `\$`, `#`, `\#`, `_`, `\_`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`).Replace

// reportJSONLD describes an edition as a schema.org Report.
func reportJSONLD(ed store.Edition, group, url string) (string, error) {
	org := map[string]string{"@type": "Organization", "name": group}
	ld := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "Report",
		"name":          ed.Title,
		"headline":      ed.Title,
		"datePublished": ed.PublishedAt.UTC().Format("2006-01-02"),
		"author":        org,
		"publisher":     org,
		"url":           url,
		"version":       strconv.Itoa(ed.Number),
	}
	if ed.Summary != "" {
		ld["description"] = ed.Summary
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return "", fmt.Errorf("JSON-LD of %s: %w", ed.Document, err)
	}
	return string(b), nil
}
