package views

import (
	"html/template"
	"strconv"
)

// ConsultationRow is one consultation in the list of consultations.
type ConsultationRow struct {
	Slug          string
	Title         string
	DocumentSlug  string
	DocumentTitle string
	Version       int
	State         string
	// TextPublic is set when the reader may open the consulted version;
	// an upcoming consultation's text is published when it opens.
	TextPublic bool
	// When says the time left, when it opens or when it closed.
	When string
	// Approved is the number of approved comments; Paragraphs the number
	// of paragraphs with at least one approved comment.
	Approved   int
	Paragraphs int
}

// ConsultationsPage lists the consultations: open ones first, then
// upcoming, then closed.
type ConsultationsPage struct {
	Base
	Open, Upcoming, Closed []ConsultationRow
	// CanOpen is set for editors, who may open a consultation.
	CanOpen bool
}

// Empty reports whether there is no consultation to list.
func (p ConsultationsPage) Empty() bool {
	return len(p.Open)+len(p.Upcoming)+len(p.Closed) == 0
}

// QuestionRow is one row of the guiding questions of the consultation
// form; Index is its position among the rows, from 0.
type QuestionRow struct {
	Index         int
	Text, Section string
}

// TextField is the name of the row's text in error messages and ids.
func (q QuestionRow) TextField() string { return "questions[" + strconv.Itoa(q.Index) + "]" }

// SectionField is the name of the row's section in error messages and ids.
func (q QuestionRow) SectionField() string { return q.TextField() + ".section" }

// ConsultationForm opens a consultation or changes one.
type ConsultationForm struct {
	Base
	Form Form
	// New is set for a new consultation; otherwise Slug is the one edited.
	New   bool
	Slug  string
	Title string // the stored title, for the heading of the edit form
	// Documents are the documents to choose from (new only).
	Documents []Choice
	// Started is set once the consultation has opened: the opening time,
	// questions and moderation are then shown, not asked.
	Started bool
	// The read-only facts of an edited consultation.
	DocumentTitle string
	Version       int
	OpensText     string
	Moderation    string
	Questions     []QuestionRow
	// Rows are the question rows of the form.
	Rows []QuestionRow
	// CanDelete is set for an upcoming consultation without comments.
	CanDelete bool
}

// Action is where the form posts.
func (f ConsultationForm) Action() string {
	if f.New {
		return "/consultations/new"
	}
	return ConsultationURL(f.Slug) + "/edit"
}

// ModerationLabel says a moderation mode in words.
func ModerationLabel(m string) string {
	switch m {
	case "pre":
		return "Before publication: comments wait for a moderator's approval"
	case "post":
		return "After publication: comments are public at once and may be hidden"
	}
	return m
}

// ConsultationStateLabel says a consultation's state in words.
func ConsultationStateLabel(s string) string {
	switch s {
	case "open":
		return "Open for comments"
	case "upcoming":
		return "Upcoming"
	case "closed":
		return "Closed"
	}
	return s
}

// ConsultationHead is what every page of a consultation says about it.
type ConsultationHead struct {
	Slug          string
	Title         string
	State         string
	DocumentSlug  string
	DocumentTitle string
	Version       int
}

// GuidingQuestion is a guiding question as the consultation page shows it.
type GuidingQuestion struct {
	Number  int
	Text    string
	Section string
	// SectionHref leads to the section's heading on the page; "" when the
	// question is about the whole document or the section is not found.
	SectionHref string
}

// Anchor is the question's element id.
func (q GuidingQuestion) Anchor() string { return "q-" + strconv.Itoa(q.Number) }

// ConsultedBlock is one block of the consulted version.
type ConsultedBlock struct {
	ID    string
	Label string
	// LabelHTML is the label in a link to the block, worded for screen
	// readers (content.AnchorLabel).
	LabelHTML template.HTML
	Kind      string
	HTML      template.HTML
	Heading   bool
	// Comments is the number of approved comments on the block.
	Comments int
}

// ConsultationPage shows a consultation: its window, introduction,
// questions and the consulted text with a way to comment on each block.
type ConsultationPage struct {
	Base
	C ConsultationHead
	// Window says when it opens, closes or closed, in the consultation's
	// zone and in UTC.
	Opens, Closes string
	// Left is the time left while open, "" otherwise.
	Left string
	// Span is how long comments were (or will be) taken, such as "30 days".
	Span             string
	IntroductionHTML template.HTML
	Questions        []GuidingQuestion
	Blocks           []ConsultedBlock
	// TextLater is set for a reader who may not read the consulted text
	// yet: it is published when the consultation opens, and the page says
	// so instead of showing it (and the comment links that need it).
	TextLater  bool
	Approved   int
	Paragraphs int
	// Editors' view.
	CanEdit   bool
	Pending   int
	Hidden    int
	Flagged   int
	CanDelete bool
	// Stats is "What was said", once the consultation has closed.
	Stats *StatsVM
}

// Open reports whether comments are taken now.
func (p ConsultationPage) Open() bool { return p.C.State == "open" }

// HeatCell is one cell of the heat table: a count and its shade.
type HeatCell struct {
	Count int
	Shade int // 0 (none) to 4 (the most)
}

// HeatRowVM is one row of the heat table.
type HeatRowVM struct {
	Label string
	Href  string
	Cells []HeatCell
	Total HeatCell
}

// CommentsPage lists a consultation's approved comments with filters and
// the heat table.
type CommentsPage struct {
	Base
	C       ConsultationHead
	Filters Form
	// Choices of the filters.
	Paragraphs, Sections, Groups, Countries, Types, Questions, Sorts []Choice
	// Groups of the heat table's columns, in order.
	HeatGroups []string
	Heat       []HeatRowVM
	HeatMax    int
	Comments   []CommentVM
	Total      int
	Pager      Pager
	Filtered   bool
}

// CommentPage is a comment's permalink.
type CommentPage struct {
	Base
	C       ConsultationHead
	Comment CommentVM
	// Back leads to the comment on its paragraph's page, or on the
	// consultation page for a question or the whole document.
	Back string
	// Answer holds the members' reply and disposition forms; nil for
	// other readers and for comments that are not approved.
	Answer *AnswerForms
}
