package views

import "github.com/a-h/templ"

// CommentFormFields are the fields of the comment form in page order, for
// its error summary.
var CommentFormFields = []string{"type", "body", "proposed_text", "display", "website", "form_time"}

// CommentForm is the form a stakeholder comments with, already decided:
// whether it shows at all (the consultation is open and the reader may
// comment) and, if not, what to say instead.
type CommentForm struct {
	// Form holds what was typed and what is wrong with it.
	Form Form
	// Action is where the form posts.
	Action string
	CSRF   string
	// State is the consultation's state: the form shows only when "open".
	State string
	// Opens and Closes are the window in words, in the consultation's
	// time zone with UTC beside it.
	Opens, Closes string
	// SignedIn and ProfileComplete decide between the form, a sign-in
	// prompt and a link to complete the profile.
	SignedIn        bool
	ProfileComplete bool
	// LoginURL signs in and comes back here; RegisterURL makes an account.
	LoginURL    string
	RegisterURL string
	// Target names what the comment is about: "3.2 ¶1", "question 2",
	// "the whole document".
	Target string
	// Proposal offers the proposed replacement text (paragraphs only).
	Proposal bool
	// Text is the paragraph commented on, quoted again at the top of the
	// form: a reader sent straight to the form (#comment-form) sees what
	// they comment on, and has it at hand for a proposal. Nil elsewhere.
	Text templ.Component
	// FormTime is the signed time the form was shown.
	FormTime string
	// Pre is true in pre-moderation: comments wait for a moderator.
	Pre bool
	// Problem is a refusal that is not about one field (the window, the
	// rate limit, a form sent too fast), shown above the form.
	Problem string
	// Edit is true on the form that changes one's own comment.
	Edit bool
	// AnonymousAs is how an anonymous comment of this reader names them.
	AnonymousAs string
	// Submit is the button's words.
	Submit string
}

// Open reports whether the form itself shows.
func (f CommentForm) Open() bool {
	return f.State == "open" && f.SignedIn && f.ProfileComplete
}

// TypeChoices are the comment types with a hint each.
var TypeChoices = []RadioChoice{
	{Value: "general", Label: "General", Hint: "About the substance or direction of the text."},
	{Value: "technical", Label: "Technical", Hint: "About a technical point: a requirement, a reference, a fact."},
	{Value: "editorial", Label: "Editorial", Hint: "About wording, spelling, structure or presentation."},
}

// DisplayChoices are the ways a comment may name its author; who is how
// an anonymous comment names them ("A participant from civil society,
// Kenya").
func DisplayChoices(who string) []RadioChoice {
	return []RadioChoice{
		{Value: "named", Label: "Named", Hint: "Shows your name, organisation, stakeholder group and country."},
		{Value: "anonymous", Label: "Anonymous", Hint: "Shows \"" + who + "\" only."},
	}
}

// RadioChoice is one option of a radio group, with a hint of its own.
type RadioChoice struct {
	Value, Label, Hint string
}

// ConsultationRef is the consultation a page belongs to.
type ConsultationRef struct {
	Slug  string
	Title string
}

// URL is the consultation's page.
func (r ConsultationRef) URL() string { return ConsultationURL(r.Slug) }

// NavLink is a link with its words.
type NavLink struct {
	Href, Label string
}

// ParagraphPage is one paragraph of a consulted version, its comments and
// the form to comment on it.
type ParagraphPage struct {
	Base
	Consultation ConsultationRef
	// Label is "3.2 ¶1"; Section the heading of its section, "" before the
	// first numbered heading.
	Label   string
	Section string
	HTML    templ.Component
	// Prev and Next are the neighbouring commentable paragraphs.
	Prev, Next *NavLink
	// Back is the paragraph on the consultation's page.
	Back     string
	Comments []CommentVM
	Total    int
	Pager    Pager
	Form     CommentForm
}

// CommentFormPage is the form for a comment on the whole document or on a
// guiding question, and the form that edits one's own comment.
type CommentFormPage struct {
	Base
	Consultation ConsultationRef
	Heading      string
	// Question is the guiding question's text, if the comment answers one.
	Question string
	// Current is the comment being edited.
	Current *CommentVM
	Back    NavLink
	Form    CommentForm
}

// WithdrawPage asks to confirm withdrawing one's comment.
type WithdrawPage struct {
	Base
	Consultation ConsultationRef
	Comment      CommentVM
	Action       string
}

// ModerationPage is a consultation's moderation queue.
type ModerationPage struct {
	Base
	Consultation ConsultationRef
	Pending      int
	Flagged      int
	Items        []ModerationItem
	Reasons      []Choice
	// Problem is why the last action was refused.
	Problem string
}

// ModerationItem is one comment waiting for a moderator.
type ModerationItem struct {
	Card  CommentVM
	Email string
	Flags []FlagVM
	// Action is where the moderation form posts.
	Action string
	// Group, for a comment of a campaign group, is the group's actions;
	// Similar its other comments in the queue.
	Group   *GroupActions
	Similar []SimilarVM
}

// FlagVM is a reader's report on a comment.
type FlagVM struct {
	Reason, Note, By, Date string
}

// MyCommentsPage lists the signed-in user's own comments.
type MyCommentsPage struct {
	Base
	Rows []MyCommentRow
}

// MyCommentRow is one of one's own comments.
type MyCommentRow struct {
	ID                int64
	Consultation      ConsultationRef
	Target, TargetURL string
	State             string
	HideReason, Note  string
	Date, DateTime    string
	Permalink         string
	EditURL, Withdraw string
	// Resolution is what became of the comment.
	Resolution ResolutionVM
}

// StateWords is the comment's state in words, with the reason a hidden
// comment was hidden.
func (r MyCommentRow) StateWords() string {
	if r.HideReason != "" {
		return CommentStateLabel(r.State) + ": " + HideReasonLabel(r.HideReason)
	}
	return CommentStateLabel(r.State)
}
