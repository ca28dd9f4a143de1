package search

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dc-isss/accord/store"
)

// The kinds of searchable record: policies, provisions, the blocks of
// recommendation documents, the approved comments of consultations and
// the items of frameworks (research questions, challenges).
const (
	KindPolicy    = "policy"
	KindProvision = "provision"
	KindDocument  = "document"
	KindComment   = "comment"
	KindItem      = "item"
)

// Kinds lists every kind a query may ask for.
var Kinds = []string{KindPolicy, KindProvision, KindDocument, KindComment, KindItem}

// FacetNames are the facets every search counts and filters by, in display
// order. "kind" is counted but filtered through Query.Kinds.
var FacetNames = []string{"kind", "jurisdiction", "region", "type", "status", "topic", "challenge", "year"}

// Visibility values of a doc. Private docs (drafts, unmoderated comments,
// later) only reach readers whose Query says Private.
const (
	visPublic  = "public"
	visPrivate = "private"
)

// doc is one record of the index, whatever its kind. Its JSON names are
// the index's field names (bleve reads the tags); see mapping.go for how
// each field is analysed.
type doc struct {
	Kind       string `json:"kind"`
	Slug       string `json:"slug"` // the owning object: a policy's own slug, a provision's policy
	Visibility string `json:"visibility"`

	Title      string `json:"title"`
	ShortTitle string `json:"short_title"`
	Text       string `json:"text"`
	Context    string `json:"context"`  // matched but never shown: issuer, owner's titles, place names
	Contents   string `json:"contents"` // matched but never shown: a policy's provision titles (see provisionTitles)
	Parent     string `json:"parent"`   // shown only: the owner's display title
	Version    string `json:"version"`  // shown only: a document block's version number, for its URL
	// Consultation and Paragraph are shown only: a comment's consultation
	// slug and paragraph id, for its URL.
	Consultation string   `json:"consultation"`
	Paragraph    string   `json:"paragraph"`
	ItemKind     string   `json:"item_kind"` // shown only: a framework item's kind ("question", "challenge")
	IDs          []string `json:"ids"`       // identifier forms, see identifiers

	// Jurisdiction is stored (not indexed) for hits; Facets holds every
	// facet value as "name:value" (see facetTerms).
	Jurisdiction []string `json:"jurisdiction"`
	Facets       []string `json:"-"`    // indexed by indexDoc, not through the mapping
	Date         string   `json:"date"` // sort key for "newest": YYYY[-MM[-DD]], "" sorts last

	id string // the bleve document id, not a field
}

// facetValues are a record's values for each facet of FacetNames; an
// unknown value is simply absent.
type facetValues struct {
	jurisdiction, region, typ, status, topic, challenge, year []string
}

// facetKeys are the short names facet terms carry (see facetTerms), and
// facetNames maps them back.
var (
	facetKeys = map[string]string{"kind": "k", "jurisdiction": "j", "region": "r", "type": "t",
		"status": "s", "topic": "o", "challenge": "c", "year": "y"}
	facetNames = func() map[string]string {
		m := map[string]string{}
		for name, key := range facetKeys {
			m[key] = name
		}
		return m
	}()
)

// privateTerm is carried in the facets field by private records, beside
// their facet values: the facet counter (facets.go) reads a record's terms
// anyway, so it keeps private records out of a public reader's hits, total
// and counts in the same pass. Its key, "v", names no facet.
const privateTerm = "v:private"

// facetTerm is the term of the "facets" field for one facet value.
func facetTerm(name, value string) string { return facetKeys[name] + ":" + value }

// facetTerms flattens a record's facet values into the terms of the
// "facets" field: "k:policy", "j:FI", "y:2019"... One field for all facets
// means one doc-values read per hit when counting, instead of one per
// facet, and short keys keep the doc values small: reading them is most
// of a faceted query's cost. Keys hold no ':', so a term splits back at
// its first one.
func facetTerms(kind string, v facetValues) []string {
	out := []string{facetTerm("kind", kind)}
	add := func(name string, vals []string) {
		for _, x := range vals {
			if x != "" {
				out = append(out, facetTerm(name, x))
			}
		}
	}
	add("jurisdiction", v.jurisdiction)
	add("region", v.region)
	add("type", v.typ)
	add("status", v.status)
	add("topic", v.topic)
	add("challenge", v.challenge)
	add("year", v.year)
	return out
}

// docID names a record in the index: "<kind>:<key>", where a provision's key
// is "<policy slug>#<ref>". Slugs never contain ':' or '#', so the id
// splits back unambiguously (see splitID).
func docID(kind, key string) string { return kind + ":" + key }

// splitID returns the kind, owning slug and, for a provision, the ref (for
// a document block, the paragraph id) of a document id.
func splitID(id string) (kind, slug, ref string) {
	kind, key, _ := strings.Cut(id, ":")
	slug, ref, _ = strings.Cut(key, "#")
	return kind, slug, ref
}

// hitURL is where a hit leads on the site: a document block leads to its
// anchor in the version that was indexed; a comment (slug its
// consultation, ref its id) to its card on its paragraph's page, or to its
// permalink when it is about a question or the whole document.
func hitURL(kind, slug, ref, version, paragraph string) string {
	switch kind {
	case KindComment:
		if paragraph != "" {
			return "/consultations/" + slug + "/paragraphs/" + paragraph + "#c-" + ref
		}
		return "/consultations/" + slug + "/comments/" + ref
	case KindProvision:
		return "/policies/" + slug + "#prov-" + ref
	case KindItem:
		return "/frameworks/" + url.PathEscape(slug) + "/items/" + url.PathEscape(ref)
	case KindDocument:
		if version == "" || ref == "" {
			return "/documents/" + slug
		}
		return "/documents/" + slug + "/versions/" + version + "#p-" + ref
	default:
		return "/policies/" + slug
	}
}

// places knows the jurisdictions by code, for the names and regions that
// make "Finland" or "Asia" find a policy coded FI or SG.
type places map[string]store.Jurisdiction

func newPlaces(js []store.Jurisdiction) places {
	p := make(places, len(js))
	for _, j := range js {
		p[j.Code] = j
	}
	return p
}

// policyDocs turns a policy into its records: one for the policy and one
// per provision. Provisions inherit the policy's jurisdiction, region,
// type, status and year (a provision is in force where and when its
// instrument is); their topics are their own, or the policy's when they
// have none; their challenges are those mapped to the policy as a whole
// plus those mapped to the provision itself.
func policyDocs(p store.Policy, pl places) []doc {
	var regions, names []string
	for _, code := range p.Jurisdictions {
		names = append(names, code)
		j, ok := pl[code]
		if !ok {
			continue
		}
		names = append(names, j.Name, j.Region, j.Subregion)
		if j.Region != "" && !slices.Contains(regions, j.Region) {
			regions = append(regions, j.Region)
		}
	}
	var year []string
	if y := p.Year(); y > 0 {
		year = []string{strconv.Itoa(y)}
	}
	var status []string
	if p.Status != "" {
		status = []string{p.Status}
	}
	policyChallenges := []string{}
	provChallenges := map[string][]string{}
	for _, m := range p.Mappings {
		if !m.Counts() {
			continue
		}
		if m.Provision == "" {
			policyChallenges = appendNew(policyChallenges, m.Item)
		} else {
			provChallenges[m.Provision] = appendNew(provChallenges[m.Provision], m.Item)
		}
	}
	place := strings.Join(names, "\n")
	out := make([]doc, 0, 1+len(p.Provisions))
	out = append(out, doc{
		id:   docID(KindPolicy, p.Slug),
		Kind: KindPolicy, Slug: p.Slug, Visibility: visPublic,
		Title: p.Title, ShortTitle: p.ShortTitle,
		// The topics' names are part of the text: a standard whose summary
		// never says "default passwords" is still about them when members
		// tagged it so, and its snippet then shows why it was found.
		Text:    joinNonEmpty(p.Summary, p.Notes, topicNames(p.Topics)),
		Context: joinNonEmpty(p.Issuer, place),
		// Its provisions' titles: "default passwords" finds ETSI EN 303
		// 645 itself among the instruments, not only its provision
		// "No universal default passwords", whose title the summary
		// need not repeat.
		Contents:     provisionTitles(p.Provisions),
		IDs:          identifiers(p.Slug, p.Title, p.ShortTitle),
		Jurisdiction: p.Jurisdictions, Date: string(p.Adopted),
		Facets: facetTerms(KindPolicy, facetValues{p.Jurisdictions, regions, []string{p.Type}, status,
			p.Topics, policyChallenges, year}),
	})
	parentContext := joinNonEmpty(p.Title, p.ShortTitle, p.Issuer, place)
	for _, v := range p.Provisions {
		topics := v.Topics
		if len(topics) == 0 {
			topics = p.Topics
		}
		challenges := policyChallenges
		for _, c := range provChallenges[v.Ref] {
			challenges = appendNew(challenges, c)
		}
		// The reference as the instrument writes it (the label) finds the
		// provision as well as its key does.
		short := v.Ref
		if v.Label != "" && v.Label != v.Ref {
			short += " " + v.Label
		}
		out = append(out, doc{
			id:   docID(KindProvision, p.Slug+"#"+v.Ref),
			Kind: KindProvision, Slug: p.Slug, Visibility: visPublic,
			Title: v.Title, ShortTitle: short, Text: v.Text,
			Context: parentContext, Parent: p.DisplayTitle(),
			IDs:          identifiers(v.Ref, v.Label, v.Title),
			Jurisdiction: p.Jurisdictions, Date: string(p.Adopted),
			Facets: facetTerms(KindProvision, facetValues{p.Jurisdictions, regions, []string{p.Type}, status,
				topics, challenges, year}),
		})
	}
	return out
}

// documentDocs turns one version of a document into its records, one per
// block, so that a hit leads to the block itself. public says whether the
// public may read the version (the latest published one, or one under a
// consultation that has opened: see store.DB.PublicVersion); otherwise the records are
// private, found only by readers whose Query says Private (members), and
// counted nowhere else. A block's title is the document's title and the
// block's place in it ("3.2 ¶2"); its challenges are the framework items the
// block cites; its year and date are the version's.
func documentDocs(d store.Document, v store.Version, public bool) []doc {
	vis := visPublic
	if !public {
		vis = visPrivate
	}
	items := map[string][]string{}
	for _, c := range v.Citations {
		if c.Kind == "item" {
			items[c.Paragraph] = appendNew(items[c.Paragraph], c.Target)
		}
	}
	var year []string
	date := ""
	if !v.CreatedAt.IsZero() {
		year = []string{strconv.Itoa(v.CreatedAt.Year())}
		date = v.CreatedAt.Format("2006-01-02")
	}
	number := strconv.Itoa(v.Number)
	out := make([]doc, 0, len(v.Paragraphs))
	for _, p := range v.Paragraphs {
		if strings.TrimSpace(p.Text) == "" {
			continue
		}
		title := d.Title
		if label := p.Label(); label != "Title" {
			title += ", " + label
		}
		facets := facetTerms(KindDocument, facetValues{challenge: items[p.ID], year: year})
		if !public {
			facets = append(facets, privateTerm)
		}
		out = append(out, doc{
			id:   docID(KindDocument, d.Slug+"#"+p.ID),
			Kind: KindDocument, Slug: d.Slug, Visibility: vis,
			Title: title, Text: p.Text,
			Parent: d.Title, Version: number,
			Date: date, Facets: facets,
		})
	}
	return out
}

// commentDoc is the record of an approved comment; callers index nothing
// else of comments. It holds what a public page shows of the comment: its
// target, body and proposed text, and the consultation's title; the
// stakeholder group goes into the context, which is matched but never
// shown. No author's name, organisation or email is indexed, whether the
// comment is named or anonymous: an anonymous author must not be found by
// name, and leaving names out for all comments makes that hold by
// construction rather than by a check on the display choice.
func commentDoc(m store.Comment, consultationTitle string) doc {
	title := "Comment on the whole document"
	switch {
	case m.Paragraph != "":
		title = "Comment on " + m.Label
	case m.Question > 0:
		title = "Comment on question " + strconv.Itoa(m.Question)
	}
	var year []string
	date := ""
	if !m.CreatedAt.IsZero() {
		year = []string{strconv.Itoa(m.CreatedAt.Year())}
		date = m.CreatedAt.Format("2006-01-02")
	}
	proposed := ""
	if m.Proposed != "" {
		proposed = "Proposed text: " + m.Proposed
	}
	id := strconv.FormatInt(m.ID, 10)
	return doc{
		id:   docID(KindComment, id),
		Kind: KindComment, Slug: m.Consultation, Visibility: visPublic,
		Title: title, Text: joinNonEmpty(m.Body, proposed),
		Context:      joinNonEmpty(consultationTitle, groupName(m.Author.Group)),
		Parent:       consultationTitle,
		Consultation: m.Consultation, Paragraph: m.Paragraph,
		Date: date, Facets: facetTerms(KindComment, facetValues{year: year}),
	}
}

// groupName reads a stakeholder group's slug as words ("civil-society"
// as "civil society"), so that a query names it as people write it.
func groupName(slug string) string { return strings.ReplaceAll(slug, "-", " ") }

// maxIDRun is the longest run of words joined into one identifier form:
// "ETSI EN 303 645" is four.
const maxIDRun = 4

// identifiers returns the forms under which the identifiers in texts can be
// typed: every run of up to maxIDRun words that holds a digit, lowercased
// and joined without spaces, so "EN 303 645" yields "en303645", "303645",
// "en303"... and "NISTIR 8259A" yields "nistir8259a" and "8259a". The query
// side builds the same forms from what the user typed (see idCandidates),
// which makes identifiers match as typed however the analyzers would have
// split them ("5.1-1" stays whole). A run's words are taken as written,
// with surrounding brackets and punctuation trimmed.
func identifiers(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, f := range idRuns(strings.Fields(t)) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// idRuns returns the identifier forms of a sequence of words.
func idRuns(words []string) []string {
	clean := make([]string, 0, len(words))
	for _, w := range words {
		w = strings.ToLower(strings.TrimFunc(w, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}))
		clean = append(clean, w)
	}
	var out []string
	for i := range clean {
		hasDigit := false
		var b strings.Builder
		for j := i; j < len(clean) && j < i+maxIDRun; j++ {
			if clean[j] == "" {
				break
			}
			b.WriteString(clean[j])
			hasDigit = hasDigit || strings.ContainsFunc(clean[j], unicode.IsDigit)
			if hasDigit && looksLikeID(b.String()) {
				out = append(out, b.String())
			}
		}
	}
	return out
}

// looksLikeID keeps bare short numbers ("5", "10") out of the identifier
// forms: they would make "top 10" or "5 passwords" match every title with
// that number in it.
func looksLikeID(s string) bool {
	if len(s) >= 3 {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
}

func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

// appendNew appends x unless xs holds it; it never modifies xs's array in
// place, so slices shared between docs stay intact.
func appendNew(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	out := make([]string, len(xs), len(xs)+1)
	copy(out, xs)
	return append(out, x)
}

// topicTitles names the topic vocabulary's slugs.
var topicTitles = func() map[string]string {
	m := make(map[string]string, len(store.DefaultTopics))
	for _, t := range store.DefaultTopics {
		m[t.Slug] = t.Title
	}
	return m
}()

// topicNames is "Topics: " and the names of topics; a slug outside the
// shipped vocabulary is read as words.
func topicNames(slugs []string) string {
	if len(slugs) == 0 {
		return ""
	}
	names := make([]string, len(slugs))
	for i, s := range slugs {
		if t, ok := topicTitles[s]; ok {
			names[i] = t
		} else {
			names[i] = strings.ReplaceAll(s, "-", " ")
		}
	}
	return "Topics: " + strings.Join(names, "; ") + "."
}

// itemDocs are the records of a framework's items: each found by its code
// ("RQ1b"), title and text, so a code no policy is mapped to yet still
// finds what it names. Its slug is the framework's, its ref the code.
func itemDocs(f store.Framework) []doc {
	var out []doc
	f.Walk(func(it *store.Item) {
		out = append(out, doc{
			Kind: KindItem, Slug: f.Slug, Visibility: visPublic,
			Title: it.Title, ShortTitle: it.Code, Text: it.Text,
			Parent: f.Title, ItemKind: it.Kind,
			IDs:    identifiers(it.Code),
			Facets: facetTerms(KindItem, facetValues{}),
			id:     docID(KindItem, f.Slug+"#"+it.Code),
		})
	})
	return out
}

// provisionTitles is a policy's table of contents: its provisions' titles,
// each once (the provisions of one section often share its title).
func provisionTitles(provs []store.Provision) string {
	var titles []string
	for _, v := range provs {
		if t := strings.TrimSpace(v.Title); t != "" && !slices.Contains(titles, t) {
			titles = append(titles, t)
		}
	}
	return strings.Join(titles, "\n")
}
