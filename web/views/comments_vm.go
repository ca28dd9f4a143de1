package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// CommentVM is one comment as any page shows it: already decided what
// the reader may see of its author and which actions they may take.
type CommentVM struct {
	ID           int64
	Consultation string
	// Target is "3.2 ¶1", "Question 2" or "The whole document"; TargetURL
	// leads to it.
	Target    string
	TargetURL string
	Type      string // label: General, Technical, Editorial
	// Author is the public line: "Name, Organisation (Civil society,
	// Kenya)" or "A participant from civil society, Kenya".
	Author string
	// Private is who wrote an anonymous comment, for moderators only.
	Private  string
	Date     string
	DateTime string // machine-readable, for <time>
	Edited   string // the date of the last edit, "" if never edited
	Body     templ.Component
	// Proposed is the replacement text the commenter proposes, as a
	// redline against the paragraph's text when there is one.
	Proposed []RedPart
	// State is shown when it is not "approved" (to moderators and the
	// author only), with the reason a hidden comment was hidden.
	State      string
	HideReason string
	HideNote   string
	Flagged    bool
	// Actions the reader may take.
	CanEdit bool
	CanFlag bool
	// Earlier texts, for moderators and the author.
	Revisions []CommentRevisionVM
	// CSRF is the reader's form token, for the flag form.
	CSRF string
	// FlagReasons are the choices of the flag form.
	FlagReasons []Choice
	// Similar are the other comments of the campaign group this comment
	// heads on a public list, shown collapsed under it.
	Similar []CommentVM
	// Resolution is what became of the comment: replies, disposition,
	// the paragraph in later versions.
	Resolution ResolutionVM
	// AnswerURL leads members to the forms that answer the comment, ""
	// for other readers and on the page that holds the forms.
	AnswerURL string
}

// RedPart is a run of a redline: Op 1 inserted, -1 deleted, 0 the same.
type RedPart struct {
	Op   int
	Text string
}

// CommentRevisionVM is an earlier text of a comment.
type CommentRevisionVM struct {
	Written string
	Body    templ.Component
}

// Anchor is the comment's element id.
func (c CommentVM) Anchor() string { return CommentAnchor(c.ID) }

// Permalink is the comment's own page.
func (c CommentVM) Permalink() string { return CommentURL(c.Consultation, c.ID) }

// CommentStateLabel says a comment's state in words.
func CommentStateLabel(s string) string {
	switch s {
	case "pending":
		return "Waiting for moderation"
	case "hidden":
		return "Hidden by a moderator"
	case "withdrawn":
		return "Withdrawn by its author"
	case "approved":
		return "Published"
	}
	return s
}

// HideReasonLabel says why a comment was hidden or flagged.
func HideReasonLabel(r string) string {
	switch r {
	case "spam":
		return "spam"
	case "off-topic":
		return "off topic"
	case "abusive":
		return "abusive"
	case "duplicate":
		return "a duplicate"
	case "personal-data":
		return "contains personal data"
	}
	return r
}

// Itoa64 formats an id.
func Itoa64(n int64) string { return strconv.FormatInt(n, 10) }
