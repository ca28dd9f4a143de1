package views

import (
	"net/url"
	"strconv"
)

// ConsultationURL is a consultation's page.
func ConsultationURL(slug string) string { return "/consultations/" + url.PathEscape(slug) }

// ParagraphURL is the page of one paragraph of a consultation, with its
// comments and the form to comment on it.
func ParagraphURL(slug, pid string) string {
	return ConsultationURL(slug) + "/paragraphs/" + url.PathEscape(pid)
}

// CommentAnchor is the id of a comment's element on any page that lists it.
func CommentAnchor(id int64) string { return "c-" + strconv.FormatInt(id, 10) }

// CommentURL is a comment's permalink.
func CommentURL(slug string, id int64) string {
	return ConsultationURL(slug) + "/comments/" + strconv.FormatInt(id, 10)
}

// CommentsURL is the page of a consultation's approved comments.
func CommentsURL(slug string) string { return ConsultationURL(slug) + "/comments" }

// CommentFormURL is the form for a comment on the whole document, or on
// guiding question q when q > 0.
func CommentFormURL(slug string, q int) string {
	u := ConsultationURL(slug) + "/comment"
	if q > 0 {
		u += "?question=" + strconv.Itoa(q)
	}
	return u
}

// ModerationURL is a consultation's moderation queue.
func ModerationURL(slug string) string { return ConsultationURL(slug) + "/moderation" }

// CommentsDownloadURL is the download of a consultation's approved
// comments in format ext (csv or json).
func CommentsDownloadURL(slug, ext string) string {
	return CommentsURL(slug) + "." + ext
}

// ConsultationFeedURL is the Atom feed of a consultation's approved
// comments.
func ConsultationFeedURL(slug string) string {
	return ConsultationURL(slug) + ".atom"
}

// NewConsultationURL is the form that opens a consultation on version n
// of a document.
func NewConsultationURL(document string, n int) string {
	return Q("/consultations/new", "document", document, "version", strconv.Itoa(n))
}

// GroupURL is the editors' page of a campaign group: near-identical
// comments of one consultation.
func GroupURL(slug string, id int64) string {
	return ConsultationURL(slug) + "/groups/" + strconv.FormatInt(id, 10)
}

// UngroupURL is where a comment is taken out of its campaign group.
func UngroupURL(slug string, id int64) string { return CommentURL(slug, id) + "/ungroup" }

// RepliesURL is where members post a reply to a comment.
func RepliesURL(slug string, id int64) string { return CommentURL(slug, id) + "/replies" }

// DispositionURL is where members post a comment's disposition.
func DispositionURL(slug string, id int64) string { return CommentURL(slug, id) + "/disposition" }

// AnswerAnchor is the id of the answer forms on a comment's page.
const AnswerAnchor = "answer"
