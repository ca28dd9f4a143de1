package views

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/dc-isss/accord/content"
)

// DocumentRow is one document in the list of documents.
type DocumentRow struct {
	Slug, Title, Summary, Status string
	Latest                       int
	Updated                      string
}

// DocumentsPage lists the documents the reader may see.
type DocumentsPage struct {
	Base
	Rows []DocumentRow
	// ShowsDrafts is set when the reader is a member and sees drafts too.
	ShowsDrafts bool
}

// FieldError is one problem of a form, in the order of the fields.
type FieldError struct {
	Field, Message string
}

// DocumentForm is the form that writes a new document or its next
// version, with what the writer typed, the problems found, and a preview.
type DocumentForm struct {
	Base
	// New is set for a new document (slug, title and summary are asked);
	// otherwise the form saves the next version of Slug.
	New                  bool
	Slug, Title, Summary string
	Body, Note           string
	// BaseVersion is the version the writer started from.
	BaseVersion int
	Errors      []FieldError
	Preview     *DocumentPreview
}

// ErrorFor is the message for one field, "" when it is fine.
func (f DocumentForm) ErrorFor(field string) string {
	for _, e := range f.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Action is where the form posts.
func (f DocumentForm) Action() string {
	if f.New {
		return "/documents/new"
	}
	return DocumentURL(f.Slug) + "/edit"
}

// DocumentPreview is a rendering of unsaved text.
type DocumentPreview struct {
	HTML   template.HTML
	Blocks int
}

// DocumentHead is what every document page says about the document.
type DocumentHead struct {
	Slug, Title, Summary, Status string
	Owners                       []string
	CreatedBy                    string
}

// VersionRow is one version in a document's history.
type VersionRow struct {
	Number             int
	Author, Note, Date string
	Published          bool
	Current            bool
	// Previous is the version before this one that the reader may open,
	// 0 when there is none: the compare link goes to it, never to a
	// version the reader cannot see.
	Previous int
}

// TOCEntry is one section heading in a long document's table of contents.
type TOCEntry struct {
	Section string // "2.1"
	Title   string
	Anchor  string // the heading's paragraph anchor, "p-ID"
	Depth   int    // 1 for an h2 section, 2 for its subsections...
}

// CitedPolicy is a policy a version cites, with the provisions it cites.
type CitedPolicy struct {
	Slug, Title string
	Provisions  []string
	Count       int
}

// ItemRef is a framework item as traceability lists it.
type ItemRef struct {
	Framework, Code, Title string
}

// DocumentPage shows one version of a document.
type DocumentPage struct {
	Base
	Doc      DocumentHead
	Number   int
	Latest   bool // the newest version the reader may see
	Author   string
	Note     string
	Date     string
	Public   bool // this version was published
	HTML     template.HTML
	Versions []VersionRow
	// Previous is the number of the version before, 0 when there is none
	// the reader may see.
	Previous  int
	Paragraph int // how many blocks
	// TOC lists the section headings of a long version, nil for a short
	// one.
	TOC       []TOCEntry
	CanEdit   bool
	Statuses  []Option
	Cited     []CitedPolicy
	Addressed []ItemRef
	Missing   []ItemRef
	// Consultation is the current or last consultation on the document
	// the reader may see, nil when none.
	Consultation *ConsultationNotice
	// NewConsultation is the editors' link to open a consultation on this
	// version.
	NewConsultation string
	// Outcome links to the published outcome, "" when the document has no
	// edition; Editions counts them.
	Outcome  string
	Editions int
	// Publish is the editors' publishing form, nil when no version may be
	// published.
	Publish *PublishForm
}

// PublishForm publishes a version of a document as its next edition.
type PublishForm struct {
	// Options are the versions that may be published, newest first.
	Options  []Option
	Selected string
	Errors   []FieldError
	// Edition is the number the next edition gets.
	Edition int
}

// ErrorFor is the message for one field, "" when it is fine.
func (f PublishForm) ErrorFor(field string) string {
	for _, e := range f.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// ConsultationNotice points a document's readers to its consultation.
type ConsultationNotice struct {
	Slug, Title, State string
	Version            int
	// When says when it closes, opens or closed.
	When string
}

// DiffPage is the redline between two versions.
type DiffPage struct {
	Base
	Doc      DocumentHead
	Red      content.Redline
	Versions []int
}

// DocumentURL is the address of a document's page.
func DocumentURL(slug string) string { return "/documents/" + url.PathEscape(slug) }

// VersionURL is the address of one version of a document.
func VersionURL(slug string, n int) string {
	return DocumentURL(slug) + "/versions/" + strconv.Itoa(n)
}

// DiffURL is the address of the redline between two versions.
func DiffURL(slug string, from, to int) string {
	return Q(DocumentURL(slug)+"/diff", "from", strconv.Itoa(from), "to", strconv.Itoa(to))
}

// StatusLabel is the words for a document status.
func StatusLabel(s string) string {
	switch s {
	case "draft":
		return "Draft"
	case "consultation":
		return "In consultation"
	case "review":
		return "In review"
	case "published":
		return "Published"
	case "archived":
		return "Archived"
	}
	return s
}

// KindLabel is the words for a block kind.
func KindLabel(k string) string {
	switch k {
	case "list-item":
		return "list item"
	case "quote":
		return "block quote"
	case "code":
		return "code block"
	}
	return k
}

// Describedby joins the ids of a field's hint and error message.
func Describedby(hint, errID, msg string) string {
	out := hint
	if msg != "" {
		if out != "" {
			out += " "
		}
		out += errID
	}
	return out
}
