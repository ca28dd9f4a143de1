package views

// SimilarVM is one comment of a campaign group listed briefly under the
// group's first comment: its author line, target and link.
type SimilarVM struct {
	ID     int64
	Author string
	Target string
	Date   string
	URL    string
	// State is the comment's state in words when it is not published.
	State string
	// Ungroup, if set, is where the "Take out of the group" form posts.
	Ungroup string
}

// GroupActions are the editors' forms that act on a whole campaign group
// from the moderation queue.
type GroupActions struct {
	ID int64
	// Action is where the moderation form posts; Page is the group's page.
	Action string
	Page   string
	// Ungroup is where the first comment's "Take out of the group" form
	// posts.
	Ungroup string
	// Back is the page the forms come back to.
	Back    string
	CSRF    string
	Reasons []Choice
}

// GroupPage is the editors' page of one campaign group: every comment of
// the group, the moderation form and the disposition form for all.
type GroupPage struct {
	Base
	Consultation ConsultationRef
	ID           int64
	Comments     []GroupMemberVM
	// Counts by state, in words ("98 published, 2 hidden").
	Summary string
	Actions GroupActions
	// Problem is why the last moderation was refused.
	Problem string
	// Form is the disposition form; DisposeAction where it posts;
	// Approved how many comments it would answer.
	Form          Form
	DisposeAction string
	Dispositions  []Choice
	Approved      int
}

// GroupMemberVM is one comment on the group page.
type GroupMemberVM struct {
	Card    CommentVM
	Ungroup string
	// Disposition is the comment's disposition in words, "" when none.
	Disposition string
}

// GroupFormFields are the disposition form's fields in page order.
var GroupFormFields = []string{"disposition", "rationale", "addressed_in"}
