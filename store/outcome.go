package store

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrAlreadyPublished means the version asked for has been published
// already, as an edition of its own.
var ErrAlreadyPublished = fmt.Errorf("the version is published already: %w", ErrConflict)

// Edition is one publication of a document: the n-th time members
// published it, naming the version they published. Its title, summary and
// Record are frozen when it is published; nothing about an edition changes
// afterwards, so readers may cite it.
type Edition struct {
	Document    string // the document's slug
	Number      int
	Version     int
	Title       string
	Summary     string
	Publisher   string
	PublishedAt time.Time
	// Record is the traceability and consultation record frozen at
	// publication. Lists (Outcomes, Editions) leave it empty.
	Record Record
}

// Outcome is a published document as the outcomes list shows it: its
// newest edition, how many editions there are, and the document's status
// now (an archived outcome stays public and says so).
type Outcome struct {
	Latest   Edition
	Editions int
	// Status is the document's status today.
	Status string
	// Comments is the number of approved comments of the consultations in
	// the newest edition's record.
	Comments int
	// Consulted is set when the newest edition's record holds a
	// consultation (with comments or without).
	Consulted bool
	// All lists every edition, oldest first, without records.
	All []Edition
}

// Archived reports whether members have since archived the document.
func (o Outcome) Archived() bool { return o.Status == StatusArchived }

// Record is what an edition freezes at publication: for each
// recommendation the evidence it cites, the challenges it addresses and
// the comments that shaped it, and the record of each consultation held
// on the document before.
type Record struct {
	Recommendations []Recommendation     `json:"recommendations"`
	Consultations   []ConsultationRecord `json:"consultations"`
}

// LastConsultation is the newest consultation of the record, nil when
// there was none.
func (r Record) LastConsultation() *ConsultationRecord {
	if len(r.Consultations) == 0 {
		return nil
	}
	return &r.Consultations[len(r.Consultations)-1]
}

// Comments is the number of approved comments over every consultation of
// the record.
func (r Record) Comments() int {
	n := 0
	for _, c := range r.Consultations {
		n += c.Stats.Approved
	}
	return n
}

// Recommendation is one recommendation of a published version: a section
// one level below a "Recommendations" heading, or else a block whose text
// begins "Recommendation".
type Recommendation struct {
	Number int `json:"number"`
	// Paragraph is the id of the section's heading, or of the block.
	Paragraph string `json:"paragraph"`
	Section   string `json:"section"`
	Label     string `json:"label"`
	Title     string `json:"title"`
	// Paragraphs lists the ids of every block the recommendation spans,
	// in reading order.
	Paragraphs []string `json:"paragraphs"`
	// Policies are the policies it cites, in order of first citation.
	Policies []CitedPolicy `json:"policies"`
	// Items are the framework items (research questions and challenges)
	// it cites: the ones it addresses.
	Items []CitedItem `json:"items"`
	// Mapped are the challenges its cited policies are mapped to, apart
	// from the ones it cites.
	Mapped []MappedItem `json:"mapped"`
	// Comments are the approved comments on its blocks, followed from the
	// consulted version; campaign copies are counted in their group's
	// first comment. At most MaxRecordComments are kept; CommentTotal
	// counts them all.
	Comments     []RecordComment `json:"comments"`
	CommentTotal int             `json:"comment_total"`
	// Consultation is the slug of the consultation whose version the
	// redline starts from, "" when there was none.
	Consultation string `json:"consultation,omitempty"`
	// ConsultedVersion is that consultation's version, 0 when none.
	ConsultedVersion int `json:"consulted_version,omitempty"`
}

// MaxRecordComments bounds the comments a recommendation's record keeps;
// the resolution table has every one.
const MaxRecordComments = 200

// CitedPolicy is a policy as it stood when the edition was published.
// Missing is set when the cited slug named no policy by then.
type CitedPolicy struct {
	Slug          string           `json:"slug"`
	Title         string           `json:"title"`
	Type          string           `json:"type"`
	Status        string           `json:"status"`
	Year          int              `json:"year,omitempty"`
	URL           string           `json:"url,omitempty"`
	Jurisdictions []JurisdictionAt `json:"jurisdictions"`
	Provisions    []CitedProvision `json:"provisions,omitempty"`
	Missing       bool             `json:"missing,omitempty"`
}

// JurisdictionAt is a jurisdiction's code and name.
type JurisdictionAt struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// CitedProvision is a provision a recommendation cites.
type CitedProvision struct {
	Ref   string `json:"ref"`
	Title string `json:"title"`
}

// CitedItem is a framework item a recommendation cites.
type CitedItem struct {
	Framework string `json:"framework"`
	Code      string `json:"code"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
}

// MappedItem is a challenge that a recommendation's cited policies are
// mapped to. Reviewed is set when a member reviewed at least one of those
// mappings; Policies lists the slugs of the policies mapped to it.
type MappedItem struct {
	Framework string   `json:"framework"`
	Code      string   `json:"code"`
	Title     string   `json:"title"`
	Reviewed  bool     `json:"reviewed"`
	Policies  []string `json:"policies"`
}

// RecordComment is an approved comment as the record keeps it: where it
// pointed, what the working group decided and why. The author's name and
// organisation are not frozen, so that withdrawing consent still hides
// them: pages link to the comment, which shows what its author allows.
type RecordComment struct {
	ID           int64  `json:"id"`
	Consultation string `json:"consultation"`
	Paragraph    string `json:"paragraph"` // in the consulted version
	Label        string `json:"label"`
	Type         string `json:"type"`
	Group        string `json:"group"`
	Country      string `json:"country"`
	Excerpt      string `json:"excerpt"`
	Disposition  string `json:"disposition"`
	Rationale    string `json:"rationale"`
	// Copies counts the near-identical comments of its campaign group,
	// itself included; 1 for a comment of its own.
	Copies int `json:"copies"`
}

// ConsultationRecord is a consultation as it stood at publication.
type ConsultationRecord struct {
	Slug     string       `json:"slug"`
	Title    string       `json:"title"`
	Version  int          `json:"version"`
	OpensAt  time.Time    `json:"opens_at"`
	ClosesAt time.Time    `json:"closes_at"`
	Timezone string       `json:"timezone"`
	Stats    CommentStats `json:"stats"`
}

// Location is the time zone the consultation was held in, UTC if it does
// not load, as Consultation.Location.
func (c ConsultationRecord) Location() *time.Location {
	return Consultation{Timezone: c.Timezone}.Location()
}

// RecommendationSpan is where a recommendation lies in a version, before
// its evidence is gathered.
type RecommendationSpan struct {
	Heading    Paragraph
	Paragraphs []Paragraph
}

// Recommendations finds the recommendations of a version, in reading
// order: each section one level below a heading that begins
// "Recommendations", or, when there is no such section, each block whose
// text begins "Recommendation".
func Recommendations(ps []Paragraph) []RecommendationSpan {
	var out []RecommendationSpan
	for _, h := range ps {
		if h.Kind != "heading" || h.Section == "0" || !hasPrefixFold(h.Text, "recommendations") {
			continue
		}
		depth := strings.Count(h.Section, ".")
		for _, c := range ps {
			if c.Kind != "heading" || !strings.HasPrefix(c.Section, h.Section+".") || strings.Count(c.Section, ".") != depth+1 {
				continue
			}
			span := RecommendationSpan{Heading: c}
			for _, p := range ps {
				if p.Section == c.Section || strings.HasPrefix(p.Section, c.Section+".") {
					span.Paragraphs = append(span.Paragraphs, p)
				}
			}
			out = append(out, span)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, p := range ps {
		if p.Kind != "heading" && hasPrefixFold(p.Text, "recommendation") {
			out = append(out, RecommendationSpan{Heading: p, Paragraphs: []Paragraph{p}})
		}
	}
	return out
}

// Title is what the recommendation is called: its heading, or the first
// sentence of its block, shortened.
func (s RecommendationSpan) Title() string {
	t := strings.TrimSpace(s.Heading.Text)
	if s.Heading.Kind == "heading" {
		return t
	}
	if i := strings.IndexAny(t, ".:;"); i > 0 && i < 160 {
		t = t[:i]
	}
	return shorten(t, 160)
}

func hasPrefixFold(s, prefix string) bool {
	s = strings.TrimSpace(s)
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// shorten cuts s to at most n runes at a word boundary, with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
