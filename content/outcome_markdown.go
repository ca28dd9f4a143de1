package content

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/yuin/goldmark/ast"
)

// OutcomeText is what the Markdown download of an edition is made from.
// Every URL it needs is built from Site, so the text depends on nothing
// but these values.
type OutcomeText struct {
	Title   string
	Edition int
	Date    time.Time
	// URL is the stable absolute URL of the edition.
	URL string
	// Group is the working group that publishes it ("" when unnamed).
	Group   string
	Summary string
	// Source is the Markdown of the published version.
	Source string
	// Site is the absolute URL of the site, without a trailing slash.
	Site      string
	Framework string
	// Policies are the titles of the policies the version cites, by
	// slug; Items the titles of the framework items, by code. A citation
	// of a slug or code missing here is left as written.
	Policies map[string]string
	Items    map[string]string
	Record   store.Record
}

// PolicyURL is the absolute URL of a policy, or of one of its provisions.
func (t OutcomeText) PolicyURL(slug, ref string) string {
	u := t.Site + "/policies/" + url.PathEscape(slug)
	if ref != "" {
		u += "#prov-" + url.PathEscape(ref)
	}
	return u
}

// ItemURL is the absolute URL of a framework item.
func (t OutcomeText) ItemURL(framework, code string) string {
	if framework == "" {
		framework = t.Framework
	}
	return t.Site + "/frameworks/" + url.PathEscape(framework) + "/items/" + url.PathEscape(code)
}

// OutcomeMarkdown writes an edition as one Markdown file: a title block,
// the executive summary, the version's text with every citation resolved
// to a link on the site, what each recommendation rests on, and the
// record of the consultation.
func (m *Markdown) OutcomeMarkdown(t OutcomeText) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(t.Title))
	fmt.Fprintf(&b, "- Edition: %d\n", t.Edition)
	fmt.Fprintf(&b, "- Published: %s\n", t.Date.UTC().Format("2 January 2006"))
	if t.Group != "" {
		fmt.Fprintf(&b, "- Published by: %s\n", mdEscape(t.Group))
	}
	fmt.Fprintf(&b, "- Stable URL: <%s>\n\n", t.URL)
	if s := strings.TrimSpace(t.Summary); s != "" {
		fmt.Fprintf(&b, "## Executive summary\n\n%s\n\n", s)
	}
	b.WriteString(strings.TrimSpace(m.resolveCitationLinks(t)))
	b.WriteString("\n")
	if len(t.Record.Recommendations) > 0 {
		b.WriteString("\n## Traceability\n")
		for _, r := range t.Record.Recommendations {
			t.writeTrace(&b, r)
		}
	}
	b.WriteString("\n## Consultation record\n")
	if len(t.Record.Consultations) == 0 {
		b.WriteString("\nNo public consultation was held on this document before it was published.\n")
	}
	for _, c := range t.Record.Consultations {
		writeConsultation(&b, c)
	}
	return b.String()
}

// resolveCitationLinks is the source with its title heading removed (the
// title block replaces it) and each citation the parser finds (so none
// inside code) replaced by a Markdown link.
func (m *Markdown) resolveCitationLinks(t OutcomeText) string {
	src := []byte(t.Source)
	doc := m.parseSource(src)
	type cut struct {
		start, end int
		with       string
	}
	var cuts []cut
	if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 && h.Lines().Len() > 0 {
		start := h.Lines().At(0).Start
		for start > 0 && src[start-1] != '\n' {
			start--
		}
		end := h.Lines().At(h.Lines().Len() - 1).Stop
		for end < len(src) && src[end] != '\n' {
			end++
		}
		if strings.HasPrefix(strings.TrimSpace(string(src[start:end])), "#") {
			cuts = append(cuts, cut{start, end, ""})
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		c, ok := n.(*citeNode)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if link, ok := t.citationLink(c); ok {
			cuts = append(cuts, cut{c.Offset, c.Offset + len(c.Raw), link})
		}
		return ast.WalkSkipChildren, nil
	})
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].start < cuts[j].start })
	var b strings.Builder
	at := 0
	for _, c := range cuts {
		if c.start < at {
			continue
		}
		b.Write(src[at:c.start])
		b.WriteString(c.with)
		at = c.end
	}
	b.Write(src[at:])
	return b.String()
}

// citationLink is the Markdown link a citation becomes, false when the
// citation names nothing known.
func (t OutcomeText) citationLink(c *citeNode) (string, bool) {
	switch c.CiteKind {
	case "policy":
		title, ok := t.Policies[c.Target]
		if !ok {
			return "", false
		}
		label := title
		if c.Ref != "" {
			label += " §" + c.Ref
		}
		return "[" + mdEscape(label) + "](" + t.PolicyURL(c.Target, c.Ref) + ")", true
	case "item":
		title, ok := t.Items[c.Target]
		if !ok {
			return "", false
		}
		return "[" + mdEscape(strings.TrimSpace(c.Target+" "+title)) + "](" + t.ItemURL("", c.Target) + ")", true
	}
	return "", false
}

func (t OutcomeText) writeTrace(b *strings.Builder, r store.Recommendation) {
	fmt.Fprintf(b, "\n### %s\n\n", mdEscape(RecommendationHeading(r)))
	if len(r.Policies) == 0 {
		b.WriteString("- Policies cited: none\n")
	}
	for _, p := range r.Policies {
		if p.Missing {
			fmt.Fprintf(b, "- Policy cited: %s (not in the knowledge base)\n", mdEscape(p.Slug))
			continue
		}
		fmt.Fprintf(b, "- Policy cited: [%s](%s)%s\n", mdEscape(p.Title), t.PolicyURL(p.Slug, ""), mdEscape(PolicyFacts(p)))
	}
	for _, it := range r.Items {
		fmt.Fprintf(b, "- Addresses: [%s](%s)\n", mdEscape(it.Code+" "+it.Title), t.ItemURL(it.Framework, it.Code))
	}
	for _, it := range r.Mapped {
		state := "unreviewed mapping"
		if it.Reviewed {
			state = "reviewed mapping"
		}
		fmt.Fprintf(b, "- Its policies are mapped to: [%s](%s) (%s)\n", mdEscape(it.Code+" "+it.Title), t.ItemURL(it.Framework, it.Code), state)
	}
	if r.CommentTotal > 0 {
		fmt.Fprintf(b, "- Comments on it: %d%s\n", r.CommentTotal, mdEscape(DispositionCounts(r.Comments)))
	}
}

func writeConsultation(b *strings.Builder, c store.ConsultationRecord) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		loc = time.UTC
	}
	const layout = "2 January 2006"
	fmt.Fprintf(b, "\n### %s\n\n", mdEscape(c.Title))
	fmt.Fprintf(b, "- Version consulted: %d\n", c.Version)
	fmt.Fprintf(b, "- Open from %s to %s\n", c.OpensAt.In(loc).Format(layout), c.ClosesAt.In(loc).Format(layout))
	fmt.Fprintf(b, "- Approved comments: %d, of which %d answered\n", c.Stats.Approved, c.Stats.Answered)
	if g := countList(c.Stats.ByGroup, store.Label); g != "" {
		fmt.Fprintf(b, "- By stakeholder group: %s\n", g)
	}
	if d := countList(c.Stats.ByDisposition, dispositionName); d != "" {
		fmt.Fprintf(b, "- By disposition: %s\n", d)
	}
	var cs []string
	for _, cc := range c.Stats.ByCountry {
		cs = append(cs, fmt.Sprintf("%s %d", cc.Country, cc.Count))
	}
	if len(cs) > 0 {
		fmt.Fprintf(b, "- By country: %s\n", strings.Join(cs, ", "))
	}
}

// RecommendationHeading names a recommendation: "Recommendation 2 (3.2):
// Ban default passwords".
func RecommendationHeading(r store.Recommendation) string {
	h := fmt.Sprintf("Recommendation %d", r.Number)
	if r.Label != "" {
		h += " (" + r.Label + ")"
	}
	if r.Title != "" {
		h += ": " + r.Title
	}
	return h
}

// PolicyFacts is what a reader weighs a cited policy by, as known at
// publication: " (Law, in force, European Union, 2024)".
func PolicyFacts(p store.CitedPolicy) string {
	var f []string
	if p.Type != "" {
		f = append(f, store.Label(p.Type))
	}
	if p.Status != "" {
		f = append(f, strings.ToLower(store.Label(p.Status)))
	}
	for _, j := range p.Jurisdictions {
		f = append(f, j.Name)
	}
	if p.Year > 0 {
		f = append(f, fmt.Sprint(p.Year))
	}
	if len(f) == 0 {
		return ""
	}
	return " (" + strings.Join(f, ", ") + ")"
}

// DispositionCounts sums the kept comments by disposition:
// " (accepted 3, rejected 1, not yet answered 2)".
func DispositionCounts(cs []store.RecordComment) string {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Disposition] += max(c.Copies, 1)
	}
	if s := countList(m, dispositionName); s != "" {
		return " (" + s + ")"
	}
	return ""
}

func dispositionName(d string) string {
	if d == "" {
		return "not yet answered"
	}
	return strings.ToLower(store.DispositionLabel(d))
}

// countList writes non-zero counts, largest first, ties by name.
func countList(m map[string]int, name func(string) string) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", name(k), m[k])
	}
	return strings.Join(parts, ", ")
}

// mdEscape keeps text from being read as Markdown link or emphasis syntax.
var mdEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `\<`)

func mdEscape(s string) string { return mdEscaper.Replace(s) }
