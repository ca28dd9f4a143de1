package views

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/content"
)

// OutcomeURL is the address of a published document's current edition.
func OutcomeURL(slug string) string { return "/outcomes/" + url.PathEscape(slug) }

// EditionURL is the stable address of one edition of a published
// document: the one to cite.
func EditionURL(slug string, n int) string {
	return OutcomeURL(slug) + "/editions/" + strconv.Itoa(n)
}

// EditionDownloadURL is one edition as a download (ext "md", "html" or
// "pdf").
func EditionDownloadURL(slug string, n int, ext string) string {
	return EditionURL(slug, n) + "." + ext
}

// OutcomeDownloadURL is a published document's current edition as a
// download (ext "md", "html" or "pdf").
func OutcomeDownloadURL(slug, ext string) string { return OutcomeURL(slug) + "." + ext }

// OutcomeRow is one published document in the list of outcomes.
type OutcomeRow struct {
	Slug, Title, Summary string
	Date                 string
	Edition, Editions    int
	// Comments counts the approved comments of its consultations;
	// Consulted is false when it was published without one.
	Comments  int
	Consulted bool
	Archived  bool
}

// OutcomesPage lists the published documents, newest first.
type OutcomesPage struct {
	Base
	Rows []OutcomeRow
}

// EditionRow is one edition in an outcome's list of editions.
type EditionRow struct {
	Number, Version int
	Date            string
	Current         bool // the edition the page shows
}

// Download is one format of an edition.
type Download struct {
	Href, Label string
}

// OutcomePolicy is a policy a recommendation cites, as it stood at
// publication.
type OutcomePolicy struct {
	Slug, Title   string
	Jurisdictions string // names, comma separated
	Status        string // label
	Year          int
	Provisions    []OutcomeProvision
	// Missing is set when the cited slug named no policy at publication.
	Missing bool
}

// Facts are the jurisdictions, status and year that are known, joined
// with middle dots.
func (p OutcomePolicy) Facts() string {
	var parts []string
	for _, f := range []string{p.Jurisdictions, p.Status} {
		if f != "" {
			parts = append(parts, f)
		}
	}
	if p.Year > 0 {
		parts = append(parts, strconv.Itoa(p.Year))
	}
	return strings.Join(parts, " · ")
}

// OutcomeProvision is a cited provision.
type OutcomeProvision struct {
	Ref, Title string
}

// OutcomeItem is a research question or challenge.
type OutcomeItem struct {
	Framework, Code, Title, Kind string
	// Reviewed is set, for a challenge the cited policies are mapped to,
	// when a member reviewed one of those mappings.
	Reviewed bool
}

// OutcomeComment is an approved comment on a recommendation's text, with
// what the working group decided.
type OutcomeComment struct {
	Href                 string // the comment's permalink
	Label                string // where it pointed
	Group, Country, Type string
	Excerpt              string
	Disposition          string // label, "" when not answered
	Rationale            string
	Copies               int
}

// Recommendation is one recommendation's traceability panel.
type Recommendation struct {
	Number    int
	Title     string
	Paragraph string // the id of its heading or block
	// Level is the level of the panel's heading (3 to 6): one below the
	// heading of the recommendation, or of the section its block is in.
	Level    int
	Policies []OutcomePolicy
	Items    []OutcomeItem
	Mapped   []OutcomeItem
	// Consulted is set when a consultation preceded the edition.
	Consulted    bool
	Comments     []OutcomeComment
	CommentTotal int
	// Redline is the change of its blocks from the consulted version
	// (nil without a consultation).
	Redline *content.Redline
}

// TextPart is a run of the edition's text followed, when Rec is set, by
// the panel of the recommendation the run ends.
type TextPart struct {
	HTML template.HTML
	Rec  *Recommendation
}

// ConsultationRecord is one consultation as the edition records it.
type ConsultationRecord struct {
	Slug, Title    string
	Opens, Closes  string
	Version        int
	Approved       int
	Answered       int
	AnsweredShare  string // "80%"
	ByGroup        []StatRow
	ByCountry      []StatRow
	Redline        content.Redline
	PublishedAfter int // the edition's version, for the diff heading
}

// CiteBox is how to cite an edition.
type CiteBox struct {
	URL, Plain, BibTeX, CSL string
}

// OutcomePage is one edition of a published document.
type OutcomePage struct {
	Base
	Slug, Title, Summary string
	Edition, Version     int
	Newest               int // the newest edition's number
	Date                 string
	Archived             bool
	Editions             []EditionRow
	Downloads            []Download
	Parts                []TextPart
	// Recommendations are the panels that could not be placed in the text
	// (shown after it).
	Recommendations []*Recommendation
	Record          []ConsultationRecord
	Cite            CiteBox
	// DocumentHref links members to the working document.
	DocumentHref string
}

// NotNewest reports whether a newer edition exists.
func (p OutcomePage) NotNewest() bool { return p.Edition < p.Newest }

// EditionOf says "Edition 2 of 3".
func EditionOf(n, of int) string {
	return "Edition " + strconv.Itoa(n) + " of " + strconv.Itoa(of)
}

// subLevel is the level of the headings inside a panel: one below its own,
// h6 at most.
func (r *Recommendation) subLevel() int { return min(r.Level+1, 6) }
