package views

import (
	"strconv"

	"github.com/dc-isss/accord/store"
)

// QualityURL is the address of the data quality page.
const QualityURL = "/quality"

// PolicyEditURL is the address of a policy's edit form; field, when not
// empty, names the form field to open it at (url, adopted...).
func PolicyEditURL(slug, field string) string {
	u := PolicyURL(slug) + "/edit"
	if field != "" {
		u += "#" + FieldID(field)
	}
	return u
}

// NewProvisionURL is the address of the form adding a provision to a
// policy.
func NewProvisionURL(slug string) string { return PolicyURL(slug) + "/provisions/new" }

// NewMappingURL is the address of the form adding a mapping to a policy.
func NewMappingURL(slug string) string { return PolicyURL(slug) + "/mappings/new" }

// ReviewQueueAtURL is the review queue's page that holds the mapping id at
// position pos (1 for the first row), opened at that mapping.
func ReviewQueueAtURL(pos, perPage int, id int64) string {
	u := ReviewURL
	if page := (pos-1)/perPage + 1; page > 1 {
		u += "?page=" + strconv.Itoa(page)
	}
	return u + "#mapping-" + strconv.FormatInt(id, 10)
}

// QualityPage lists what the records of the knowledge base lack, one list
// a gap, each with its count and the way to fix each record.
type QualityPage struct {
	Base
	Policies int
	Lists    []QualityList
}

// QualityList is the policies with one gap. ID is the gap's name, used as
// the section's anchor.
type QualityList struct {
	ID    string
	Title string // "Without an official link"
	Why   string // why the gap matters, one sentence
	None  string // what to say when no policy has it
	Rows  []QualityRow
}

// QualityRow is one policy with a gap and the link that fixes it.
type QualityRow struct {
	Title   string
	Href    string // the policy's page
	Fix     string // the link's words: "Edit", "Add a provision"...
	FixHref string
	Note    string // such as "3 mappings await review"; may be empty
}

// gapText is how /quality names and explains each gap, and which field
// of the edit form fixes it.
var gapText = map[string]struct{ title, why, none, field string }{
	store.GapNoURL: {"Without an official link", "Readers cannot check the record against the official text.",
		"Every policy links to its official text.", "url"},
	store.GapNoYear: {"Without a year", "The policy is missing from timelines and from filters by year.",
		"Every policy has its year of adoption.", "adopted"},
	store.GapNoBinding: {"Without binding", "Topic pages and comparisons cannot say whether it is mandatory or voluntary.",
		"Every policy says whether it is mandatory or voluntary.", "binding"},
	store.GapNoLanguage: {"Without a language", "Readers do not know in what language the official text is written.",
		"Every policy names the language of its official text.", "language"},
	store.GapNoProvisions: {"Without provisions", "Comparisons by topic can only cite the policy as a whole.",
		"Every policy lists its provisions.", ""},
	store.GapNoReviewedMapping: {"Without any reviewed mapping", "None of its mappings counts yet as evidence that a member checked.",
		"Every policy has at least one reviewed mapping.", ""},
	store.GapLowConfidence: {"Low confidence", "The group is unsure of some of the record's facts: check them against its sources.",
		"No record is marked low confidence.", "confidence"},
	store.GapNoConfidence: {"Confidence not assessed", "No one has yet said how sure the group is of the record's facts.",
		"Every record's confidence is assessed.", "confidence"},
}

// NewQualityPage turns the store's lists into the page's, in the order of
// store.Gaps; reviewPerPage is how many rows a page of the review queue
// holds, to link to the page where a policy's mappings are.
func NewQualityPage(b Base, q store.Quality, reviewPerPage int) QualityPage {
	p := QualityPage{Base: b, Policies: q.Policies}
	for _, g := range store.Gaps {
		t := gapText[g]
		l := QualityList{ID: g, Title: t.title, Why: t.why, None: t.none}
		for _, e := range q.Lists[g] {
			r := QualityRow{Title: e.Title, Href: PolicyURL(e.Slug), Fix: "Edit", FixHref: PolicyEditURL(e.Slug, t.field)}
			switch g {
			case store.GapNoProvisions:
				r.Fix, r.FixHref = "Add a provision", NewProvisionURL(e.Slug)
			case store.GapNoReviewedMapping:
				if e.QueuePos > 0 {
					r.Fix, r.FixHref = "Review", ReviewQueueAtURL(e.QueuePos, reviewPerPage, e.FirstUnreviewed)
					r.Note = Plural(e.Unreviewed, "mapping awaits", "mappings await") + " review"
				} else {
					r.Fix, r.FixHref = "Add a mapping", NewMappingURL(e.Slug)
					r.Note = "nothing awaits review"
				}
			}
			l.Rows = append(l.Rows, r)
		}
		p.Lists = append(p.Lists, l)
	}
	return p
}
