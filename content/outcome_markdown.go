package content

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/yuin/goldmark/ast"
)

// DateLayout is how outcomes write a day: "4 May 2026".
const DateLayout = "2 January 2006"

// OutcomeText is what the downloads of an edition are made from. Every
// URL it prints comes from the builders, which web fills from its own URL
// helpers (content may not know the site's routes), so the text depends
// on nothing but these values.
type OutcomeText struct {
	Slug    string
	Title   string
	Edition int
	// Version is the number of the published version of the text.
	Version int
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
	// Policies are the display titles (short title when there is one) of
	// the policies the version cites, by slug; Items the titles of the
	// framework items, by code. A citation of a slug or code missing here
	// is left as written.
	Policies map[string]string
	Items    map[string]string
	// Countries are the names of the countries comments came from, by code.
	Countries map[string]string
	Record    store.Record
	// Redlines are the changes from each consultation's version to the
	// published one, by consultation slug.
	Redlines map[string]Redline

	// PolicyURL is the absolute URL of a policy, or of one of its
	// provisions when ref is set.
	PolicyURL func(slug, ref string) string
	// ItemURL is the absolute URL of a framework item.
	ItemURL func(framework, code string) string
	// CommentURL is the absolute URL of a comment of a consultation.
	CommentURL func(consultation string, id int64) string
	// ResolutionURL is the absolute URL of a consultation's resolution table.
	ResolutionURL func(consultation string) string
	// RecordURL is the absolute URL of the part of the edition's page that
	// records a consultation, its redline included.
	RecordURL func(consultation string) string
}

// CountryName is the name of a country code, the code itself when unknown.
func (t OutcomeText) CountryName(code string) string {
	if n := t.Countries[code]; n != "" {
		return n
	}
	return code
}

// OutcomeMarkdown writes an edition as one Markdown file: a title block,
// the executive summary, the version's text under its own heading, its
// headings numbered and every citation resolved to a link on the site,
// what each recommendation rests on and what was said of it, and the
// record of the consultation.
func (m *Markdown) OutcomeMarkdown(t OutcomeText) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(t.Title))
	fmt.Fprintf(&b, "- Edition: %d\n", t.Edition)
	fmt.Fprintf(&b, "- Published: %s\n", t.Date.UTC().Format(DateLayout))
	if t.Group != "" {
		fmt.Fprintf(&b, "- Published by: %s\n", mdEscape(t.Group))
	}
	fmt.Fprintf(&b, "- Stable URL: <%s>\n\n", t.URL)
	if s := strings.TrimSpace(t.Summary); s != "" {
		// The summary is plain text, as everywhere else it is shown.
		fmt.Fprintf(&b, "## Executive summary\n\n%s\n\n", mdEscape(s))
	}
	b.WriteString("## Text\n\n")
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
		t.writeConsultation(&b, c)
	}
	return b.String()
}

// resolveCitationLinks is the source with its title heading removed (the
// title block replaces it), each other heading numbered with its section
// as the site numbers it ("2.1 Close the gaps"), and each citation the
// parser finds (so none inside code) replaced by a Markdown link.
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
	for _, bl := range splitBlocks(doc, src) {
		h, ok := bl.node.(*ast.Heading)
		if !ok || h.Level == 1 || h.Lines().Len() == 0 {
			continue
		}
		at := h.Lines().At(0).Start
		cuts = append(cuts, cut{at, at, bl.Section + " "})
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
	// A number goes in before a citation that starts its heading.
	sort.SliceStable(cuts, func(i, j int) bool {
		if cuts[i].start != cuts[j].start {
			return cuts[i].start < cuts[j].start
		}
		return cuts[i].end == cuts[i].start && cuts[j].end != cuts[j].start
	})
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

// citationLink is the Markdown link a citation becomes, with the words
// the site shows for it (CitationLabel), false when the citation names
// nothing known.
func (t OutcomeText) citationLink(c *citeNode) (string, bool) {
	switch c.CiteKind {
	case "policy":
		title, ok := t.Policies[c.Target]
		if !ok {
			return "", false
		}
		return "[" + mdEscape(CitationLabel(c.CiteKind, c.Target, c.Ref, title)) + "](" + t.PolicyURL(c.Target, c.Ref) + ")", true
	case "item":
		if _, ok := t.Items[c.Target]; !ok {
			return "", false
		}
		return "[" + mdEscape(CitationLabel(c.CiteKind, c.Target, "", "")) + "](" + t.ItemURL(t.Framework, c.Target) + ")", true
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
	for _, c := range r.Comments {
		fmt.Fprintf(b, "  - [Comment on %s](%s) (%s): %s\n", mdEscape(c.Label), t.CommentURL(c.Consultation, c.ID),
			mdEscape(strings.Join(t.CommentFacts(c), ", ")), mdEscape(c.Excerpt))
		fmt.Fprintf(b, "    %s\n", mdEscape(CommentAnswer(c)))
	}
	if r.CommentTotal > len(r.Comments) && r.Consultation != "" {
		fmt.Fprintf(b, "  - %d of %s shown; the [resolution table](%s) has every one.\n", len(r.Comments),
			plural(r.CommentTotal, "comment", "comments"), t.ResolutionURL(r.Consultation))
	}
}

// CommentFacts are who a recorded comment came from and what kind it is,
// as the edition's page lists them: group, country, type, and the
// near-identical comments it stands for.
func (t OutcomeText) CommentFacts(c store.RecordComment) []string {
	var f []string
	if c.Group != "" {
		f = append(f, store.Label(c.Group))
	}
	if c.Country != "" {
		f = append(f, t.CountryName(c.Country))
	}
	if c.Type != "" {
		f = append(f, store.Label(c.Type))
	}
	if c.Copies > 1 {
		f = append(f, "and "+plural(c.Copies-1, "near-identical comment", "near-identical comments"))
	}
	return f
}

// CommentAnswer is a recorded comment's disposition and its rationale, or
// that it was not answered.
func CommentAnswer(c store.RecordComment) string {
	if c.Disposition == "" {
		return "Not answered when the edition was published."
	}
	a := store.DispositionLabel(c.Disposition)
	if r := strings.TrimSpace(c.Rationale); r != "" {
		a += ": " + r
	}
	return a
}

// plural is "1 comment" or "2 comments".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// RedlineTotals sums a redline in words: "1 paragraph changed, 0
// inserted, 0 deleted, 0 moved".
func RedlineTotals(r Redline) string {
	return fmt.Sprintf("%s, %d inserted, %d deleted, %d moved",
		plural(r.Changed, "paragraph changed", "paragraphs changed"), r.Inserted, r.Deleted, r.Moved)
}

func (t OutcomeText) writeConsultation(b *strings.Builder, c store.ConsultationRecord) {
	loc := c.Location()
	fmt.Fprintf(b, "\n### %s\n\n", mdEscape(c.Title))
	fmt.Fprintf(b, "- Version consulted: %d\n", c.Version)
	fmt.Fprintf(b, "- Open from %s to %s\n", c.OpensAt.In(loc).Format(DateLayout), c.ClosesAt.In(loc).Format(DateLayout))
	fmt.Fprintf(b, "- Approved comments: %d, of which %d answered\n", c.Stats.Approved, c.Stats.Answered)
	if g := countList(c.Stats.ByGroup, store.Label); g != "" {
		fmt.Fprintf(b, "- By stakeholder group: %s\n", g)
	}
	if d := countList(c.Stats.ByDisposition, dispositionName); d != "" {
		fmt.Fprintf(b, "- By disposition: %s\n", d)
	}
	var cs []string
	for _, cc := range c.Stats.ByCountry {
		cs = append(cs, fmt.Sprintf("%s %d", t.CountryName(cc.Country), cc.Count))
	}
	if len(cs) > 0 {
		fmt.Fprintf(b, "- By country: %s\n", mdEscape(strings.Join(cs, ", ")))
	}
	fmt.Fprintf(b, "- Resolution table: <%s>\n", t.ResolutionURL(c.Slug))
	red, ok := t.Redlines[c.Slug]
	if !ok {
		return
	}
	fmt.Fprintf(b, "- Changes from version %d (consulted) to version %d (published): %s; shown on the edition's page: <%s>\n",
		c.Version, t.Version, RedlineTotals(red), t.RecordURL(c.Slug))
	for _, bl := range red.Blocks {
		if bl.Status == Unchanged && !bl.Moved {
			continue
		}
		state := bl.Status
		if bl.Moved {
			state += ", moved"
		}
		fmt.Fprintf(b, "\n**%s** (%s): %s\n", mdEscape(bl.Label), state, markdownParts(bl.Parts))
	}
}

// markdownParts writes a word diff: deleted words ~~struck~~, inserted
// ones **in bold**, the marks kept off the spaces around them.
func markdownParts(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		text := strings.Join(strings.Fields(p.Text), " ")
		if text == "" {
			if p.Text != "" {
				b.WriteByte(' ')
			}
			continue
		}
		lead, trail := "", ""
		if r := p.Text[0]; r == ' ' || r == '\n' || r == '\t' {
			lead = " "
		}
		if r := p.Text[len(p.Text)-1]; r == ' ' || r == '\n' || r == '\t' {
			trail = " "
		}
		mark := map[int]string{-1: "~~", 1: "**"}[p.Op]
		b.WriteString(lead + mark + mdEscape(text) + mark + trail)
	}
	return b.String()
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

// mdEscaper keeps text from being read as Markdown link, emphasis, HTML
// or entity syntax.
var mdEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `\<`, `~`, `\~`, `&`, `\&`)

// mdEscape makes plain text print as written in Markdown: no link,
// emphasis, HTML or entity, and no line of it read as a heading, quote,
// list item or heading underline.
func mdEscape(s string) string {
	lines := strings.Split(mdEscaper.Replace(s), "\n")
	for i, l := range lines {
		lines[i] = mdEscapeLineStart(l)
	}
	return strings.Join(lines, "\n")
}

// mdEscapeLineStart escapes the mark that would make a line a block, and
// only such a mark, so that the raw text stays readable: a leading >, a
// heading's #s, a list's -, + or "1." and "1)", a line of = or - (a
// heading's underline, a rule), or a table's |.
func mdEscapeLineStart(l string) string {
	text := strings.TrimLeft(l, " \t")
	indent := l[:len(l)-len(text)]
	if text == "" {
		return l
	}
	// ends reports whether the mark of n bytes ends where text does or
	// before a space.
	ends := func(n int) bool { return n == len(text) || text[n] == ' ' || text[n] == '\t' }
	run := func(c byte) int {
		n := 0
		for n < len(text) && text[n] == c {
			n++
		}
		return n
	}
	switch c := text[0]; {
	case c == '>' || c == '|':
		return indent + `\` + text
	case c == '#' && run('#') <= 6 && ends(run('#')):
		return indent + `\` + text
	case (c == '-' || c == '+') && ends(1):
		return indent + `\` + text
	case (c == '-' || c == '=') && strings.Trim(text, string(c)+" \t") == "":
		return indent + `\` + text
	}
	digits := 0
	for digits < len(text) && digits < 10 && text[digits] >= '0' && text[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits < 10 && digits < len(text) && (text[digits] == '.' || text[digits] == ')') && ends(digits+1) {
		return indent + text[:digits] + `\` + text[digits:]
	}
	return l
}
