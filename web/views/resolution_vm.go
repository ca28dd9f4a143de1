package views

import "github.com/a-h/templ"

// ResolutionVM is what became of a comment, as any page shows it: the
// working group's replies, its disposition (with earlier ones, for
// members), and where the commented paragraph stands in the newest text
// the reader may see.
type ResolutionVM struct {
	Replies     []ReplyVM
	Disposition *DispositionVM
	// History lists every disposition given, oldest first, when there
	// was more than one; members only.
	History []DispositionVM
	// Carry says what became of the paragraph in a later version; nil
	// when it is unchanged or the comment is not on a paragraph.
	Carry *CarryVM
}

// Empty reports whether there is nothing to show.
func (r ResolutionVM) Empty() bool {
	return len(r.Replies) == 0 && r.Disposition == nil && r.Carry == nil
}

// ReplyVM is a member's reply to a comment.
type ReplyVM struct {
	ID int64
	// Author is "Name, working group".
	Author   string
	Date     string
	DateTime string
	Body     templ.Component
}

// DispositionVM is the working group's answer to a comment.
type DispositionVM struct {
	Value     string // slug, for styling and tests
	Label     string // "Accepted in part"
	Rationale templ.Component
	By        string // "Name, working group"
	Date      string
	DateTime  string
	Number    int
	// Addressed is the version that addressed the comment, 0 for none.
	// Changes link to the redline of each paragraph when the reader may
	// open both versions; otherwise NotPublic is set and nothing links.
	Addressed int
	Changes   []NavLink
	NotPublic bool
}

// CarryVM says what became of a commented paragraph in a later version:
// Text such as "This paragraph changed in version 2", and a link to the
// change when the reader may open it.
type CarryVM struct {
	Relation string // edited, split, merged, deleted
	Text     string
	Href     string
}

// AnswerForms are the members' forms on a comment's page: a reply, and a
// disposition with the later versions that may have addressed it.
type AnswerForms struct {
	CSRF         string
	ReplyAction  string
	Reply        Form
	DisposeFrom  string
	Dispose      Form
	Dispositions []Choice
	// Consulted is the consulted version's number; Versions the later
	// versions and their commentable paragraphs, newest first.
	Consulted int
	Versions  []VersionParagraphs
}

// VersionParagraphs is a later version with the paragraphs a disposition
// may name.
type VersionParagraphs struct {
	Number     int
	Paragraphs []Choice // Value "N:pid", Label "3.2 ¶1: first words"
}

// Form field names of the answer forms.
const (
	ReplyField       = "reply"
	DispositionField = "disposition"
	RationaleField   = "rationale"
	AddressedField   = "addressed"
)

// ReplyFormFields and DisposeFormFields are the answer forms' fields in
// page order.
var (
	ReplyFormFields   = []string{ReplyField}
	DisposeFormFields = []string{DispositionField, RationaleField, AddressedField}
)

// addressedBoxID is the id of paragraph i of later version vi in the
// disposition form; the error summary links to the first.
func addressedBoxID(vi, i int) string {
	return FieldID(AddressedField) + "-" + Itoa(vi) + "-" + Itoa(i)
}

// FirstAddressedBoxID is the id the error summary's link to the
// "addressed in" field targets.
func FirstAddressedBoxID() string { return addressedBoxID(0, 0) }

// errorRef adds the error message's id to an aria-describedby list when
// the field has an error.
func errorRef(f Form, name string) string {
	if f.Err(name) == "" {
		return ""
	}
	return " " + ErrorID(name)
}
