package store

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Document statuses, in the order a document usually goes through them.
const (
	StatusDraft        = "draft"
	StatusConsultation = "consultation"
	StatusReview       = "review"
	StatusPublished    = "published"
	StatusArchived     = "archived"
)

// DocumentStatuses lists every document status.
var DocumentStatuses = []string{StatusDraft, StatusConsultation, StatusReview, StatusPublished, StatusArchived}

// documentTransitions are the status changes a document may make. A
// published document goes back to review (for a new edition) rather than
// to draft, so that its published versions stay what readers saw.
var documentTransitions = map[string][]string{
	StatusDraft:        {StatusConsultation, StatusReview, StatusPublished, StatusArchived},
	StatusConsultation: {StatusDraft, StatusReview, StatusArchived},
	StatusReview:       {StatusDraft, StatusConsultation, StatusPublished, StatusArchived},
	StatusPublished:    {StatusReview, StatusArchived},
	StatusArchived:     {StatusDraft},
}

// NextStatuses lists the statuses a document in status from may move to.
func NextStatuses(from string) []string { return slices.Clone(documentTransitions[from]) }

// CanMove reports whether a document may go from one status to another.
func CanMove(from, to string) bool { return slices.Contains(documentTransitions[from], to) }

// Paragraph kinds: every block of a version is one of these.
var ParagraphKinds = []string{"heading", "paragraph", "list-item", "table", "quote", "code", "footnote"}

// Document is a recommendation document the working group drafts. Its
// text lives in its versions.
type Document struct {
	Slug    string
	Title   string
	Summary string
	Status  string
	// Owners are the names of the members responsible for the document.
	Owners    []string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Latest is the number of the newest version, 0 when there is none.
	Latest int
	// LatestPublic is the number of the newest published version, 0 when
	// no version was ever published.
	LatestPublic int
	// LatestConsulted is the number of the newest version put to a
	// consultation that has opened, 0 when none: such a version is public
	// for good, since comments point at it.
	LatestConsulted int
	// stored is the status as set by members; Status is derived from it
	// and the consultations (see derivedStatus).
	stored string
	// NextParagraph numbers the next new paragraph id (see ParagraphID).
	NextParagraph int
	// Versions lists every version, oldest first, without their text.
	Versions []VersionInfo
}

// VersionInfo is a version as lists show it.
type VersionInfo struct {
	Number    int
	Author    string
	Note      string
	CreatedAt time.Time
	Published bool
	// Consulted is set when the version is under a consultation that has
	// opened.
	Consulted bool
}

// Version is one immutable snapshot of a document's text.
type Version struct {
	Document   string
	Number     int
	Author     string
	Note       string
	Source     string // the Markdown as written
	HTML       string // the whole version rendered and sanitised
	CreatedAt  time.Time
	Published  bool
	Paragraphs []Paragraph
	Citations  []Citation
	// Map says what became of each paragraph of the previous version.
	Map []IDMapping
}

// Paragraph is one block of a version: a heading, paragraph, list item,
// table, block quote, code block or footnote. Its ID stays the same across
// versions while the block is unchanged or lightly edited, so comments and
// links stay anchored to it.
type Paragraph struct {
	ID       string
	Section  string // "3.2"; "0" for blocks before the first numbered heading
	Ordinal  int    // position among the section's non-heading blocks, from 1; 0 for a heading
	Kind     string
	Text     string // plain text, citations kept as written
	HTML     string // rendered and sanitised
	Position int    // from 0, in reading order
}

// Label is how people refer to the paragraph: "3.2" for a heading,
// "3.2 ¶2" for the second block of section 3.2, "¶2" before the first
// numbered heading, "Title" for the title heading, "Note 1" for a footnote.
func (p Paragraph) Label() string {
	switch {
	case p.Kind == "footnote":
		return "Note " + strconv.Itoa(p.Ordinal)
	case p.Ordinal == 0 && p.Section == "0":
		return "Title"
	case p.Ordinal == 0:
		return p.Section
	case p.Section == "0":
		return "¶" + strconv.Itoa(p.Ordinal)
	default:
		return p.Section + " ¶" + strconv.Itoa(p.Ordinal)
	}
}

// ParagraphID is the id of the n-th paragraph ever created in a document:
// "p" and n in base 36, short enough to read aloud ("p1k").
func ParagraphID(n int) string { return "p" + strconv.FormatInt(int64(n), 36) }

// Citation is one reference a version makes to the knowledge base: a
// policy (optionally one of its provisions) or a framework item.
type Citation struct {
	Paragraph string // the id of the citing paragraph
	Kind      string // "policy" or "item"
	Target    string // policy slug or item code
	Ref       string // provision reference, for a policy
	Framework string // framework slug, for an item
	Line      int    // line of the Markdown source
}

// Relations of a paragraph of one version to the next.
const (
	RelKept    = "kept"    // same text, same id
	RelEdited  = "edited"  // similar text, same id
	RelMerged  = "merged"  // joined into New, which kept another id
	RelSplit   = "split"   // part of it became New, a new id
	RelDeleted = "deleted" // gone; New is empty
)

// IDMapping is what became of one paragraph of the previous version.
type IDMapping struct {
	Old        string
	New        string
	Relation   string
	Similarity float64
}

// NewVersion is a version ready to be saved: rendered, split into
// paragraphs with ids matched against version Base.
type NewVersion struct {
	// Base is the number of the version the paragraph ids were matched
	// against (0 for a document's first version). Saving fails with
	// ErrConflict when another version was saved since.
	Base       int
	Note       string
	Source     string
	HTML       string
	Paragraphs []Paragraph
	Citations  []Citation
	Map        []IDMapping
	// NextParagraph is the document's paragraph counter after this version.
	NextParagraph int
}

// VisibleTo reports whether a reader may see the document at all: members
// see every document, everyone else published ones and those with a
// version put to a consultation that has opened.
func (d Document) VisibleTo(u *User) bool {
	return u.HasRole("editor") || d.publishedVisible() || d.LatestConsulted > 0
}

// StoredStatus is the status members last set, which status changes move
// from; Status may differ from it while a consultation is open or after one
// closed.
func (d Document) StoredStatus() string { return cmp.Or(d.stored, d.Status) }

// publishedVisible reports whether the document's published versions are
// public: members published it, and it has a published version.
func (d Document) publishedVisible() bool {
	return d.LatestPublic > 0 && (d.stored == StatusPublished || d.stored == "" && d.Status == StatusPublished)
}

// VersionVisibleTo reports whether a reader may see version n: members
// see them all, everyone else the published versions of a published
// document and the versions under a consultation that has opened.
func (d Document) VersionVisibleTo(u *User, n int) bool {
	if u.HasRole("editor") {
		return n >= 1 && n <= d.Latest
	}
	for _, v := range d.Versions {
		if v.Number == n {
			return v.Consulted || v.Published && d.publishedVisible()
		}
	}
	return false
}

// LatestVisible is the newest version number the reader may see, 0 if none.
func (d Document) LatestVisible(u *User) int {
	if u.HasRole("editor") {
		return d.Latest
	}
	n := d.LatestConsulted
	if d.publishedVisible() {
		n = max(n, d.LatestPublic)
	}
	return n
}

// Validate checks a new document's slug, title and summary.
func (d *Document) Validate() error {
	pr := problems{}
	d.Slug = strings.TrimSpace(d.Slug)
	d.Title = strings.TrimSpace(d.Title)
	d.Summary = strings.TrimSpace(d.Summary)
	switch {
	case d.Slug == "":
		pr.add("slug", "Enter a slug, such as iot-baseline-recommendations")
	case !ValidSlug(d.Slug):
		pr.add("slug", "Use lowercase letters, digits and single hyphens only, at most 100 characters")
	}
	if d.Title == "" {
		pr.add("title", "Enter the document's title")
	}
	checkText(pr, "title", d.Title, 300)
	checkText(pr, "summary", d.Summary, 2000)
	if d.Status != "" && !in(DocumentStatuses, d.Status) {
		pr.add("status", "Choose one of "+strings.Join(DocumentStatuses, ", "))
	}
	return pr.err()
}

// Validate checks a version before it is saved: a body, a short note, and
// paragraphs that are well formed with ids unique within the version.
func (v *NewVersion) Validate() error {
	pr := problems{}
	if strings.TrimSpace(v.Source) == "" {
		pr.add("body", "Write the document's text")
	}
	checkText(pr, "body", v.Source, 500000)
	checkText(pr, "note", v.Note, 1000)
	seen := map[string]bool{}
	for _, p := range v.Paragraphs {
		if p.ID == "" || seen[p.ID] || !in(ParagraphKinds, p.Kind) {
			pr.add("body", fmt.Sprintf("paragraph %q at position %d is malformed", p.ID, p.Position))
			break
		}
		seen[p.ID] = true
	}
	return pr.err()
}
