package views

import (
	"strconv"
	"time"

	"github.com/dc-isss/accord/store"
)

// ReviewState says in a sentence where a mapping's review stands: who
// approved or rejected it and when, or that it awaits review.
func ReviewState(m store.Mapping) string {
	who := m.ReviewedBy
	if who == "" {
		who = "a former member"
	}
	when := m.ReviewedAt
	if t, err := time.Parse(time.RFC3339, m.ReviewedAt); err == nil {
		when = t.UTC().Format("2 January 2006")
	}
	switch {
	case m.Rejected:
		s := "Rejected by " + who + " on " + when + "; not counted."
		if m.ReviewNote != "" {
			s += " Why: " + m.ReviewNote
		}
		return s
	case m.Reviewed && m.ReviewedAt == "":
		return "Reviewed before reviewers were recorded."
	case m.Reviewed:
		return "Reviewed by " + who + " on " + when + "."
	}
	return "Not yet reviewed."
}

// ReviewURL is the address of the review queue.
const ReviewURL = "/review"

// ReviewActionURL is where the queue's form for one mapping posts; page
// brings the reviewer back to the page they were on.
func ReviewActionURL(id int64, page int) string {
	u := ReviewURL + "/" + strconv.FormatInt(id, 10)
	if page > 1 {
		u += "?page=" + strconv.Itoa(page)
	}
	return u
}

// MappingEditURL is the address of a mapping's edit form.
func MappingEditURL(policy string, id int64) string {
	return PolicyURL(policy) + "/mappings/" + strconv.FormatInt(id, 10) + "/edit"
}

// ReviewPage is the review queue: mappings no member has approved or
// rejected yet, one page at a time.
type ReviewPage struct {
	Base
	Rows  []ReviewRow
	Total int
	Pager Pager
}

// ReviewRow is one mapping awaiting review. Own says that the viewer wrote
// or last changed it, so they are not offered the review buttons.
type ReviewRow struct {
	M        store.Mapping
	ItemHref string
	EditHref string
	Action   string // where the review form posts
	Own      bool
	Note     string // what the reviewer typed, kept when refused
	NoteErr  string
}

// TallyText says how many mappings a count is built from and how many of
// them are reviewed: "104 mappings, 0 reviewed".
func TallyText(t store.MappingTally) string {
	return Plural(t.Mappings, "mapping", "mappings") + ", " + strconv.Itoa(t.Reviewed) + " reviewed"
}
