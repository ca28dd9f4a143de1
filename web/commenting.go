package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// postComment renders a stakeholder's comment and saves it under the
// commenting limits. The HTML form and the API both come through here.
func (s *Server) postComment(c echo.Context, n store.NewComment) (store.Comment, error) {
	if err := checkCommentSize(n); err != nil {
		return store.Comment{}, err
	}
	html, err := s.md.RenderComment(n.Body)
	if err != nil {
		return store.Comment{}, fmt.Errorf("render comment: %w", err)
	}
	n.BodyHTML = string(html)
	n.Signature = content.MinHash(n.Body)
	lim := store.Limits{PerAccount: s.comments.PerAccount, PerIP: s.comments.PerIP, IP: c.RealIP()}
	return s.db.CreateComment(actorCtx(c), n, lim, s.commentNotifier(eventCommentCreated))
}

// reviseComment renders the new text of one's own comment and saves it.
func (s *Server) reviseComment(c echo.Context, id int64, n store.NewComment) (store.Comment, error) {
	if err := checkCommentSize(n); err != nil {
		return store.Comment{}, err
	}
	html, err := s.md.RenderComment(n.Body)
	if err != nil {
		return store.Comment{}, fmt.Errorf("render comment: %w", err)
	}
	n.BodyHTML = string(html)
	return s.db.EditComment(actorCtx(c), id, n)
}

// checkCommentSize refuses an over-long comment before its Markdown is
// rendered: rendering takes time that grows faster than the text, so the
// limit must come first.
func checkCommentSize(n store.NewComment) error {
	f := map[string]string{}
	if l := utf8.RuneCountInString(n.Body); l > store.MaxCommentBody {
		f["body"] = fmt.Sprintf("Your comment has %d characters; use at most %d", l, store.MaxCommentBody)
	}
	if l := utf8.RuneCountInString(n.Proposed); l > store.MaxCommentProposed {
		f["proposed_text"] = fmt.Sprintf("The proposed text has %d characters; use at most %d", l, store.MaxCommentProposed)
	}
	if len(f) > 0 {
		return &store.ValidationError{Fields: f}
	}
	return nil
}

// commentVisibleTo reports whether a reader may see a comment: everyone
// sees approved comments, members every comment, authors their own.
func commentVisibleTo(u *store.User, m store.Comment) bool {
	switch {
	case m.State == store.CommentApproved, u.HasRole("editor"):
		return true
	default:
		return u != nil && u.ID == m.AuthorID
	}
}

// visibleComment reads a comment the reader may see; any other is
// ErrNotFound, so that a pending or hidden comment does not leak.
func (s *Server) visibleComment(c echo.Context, id int64) (store.Comment, error) {
	m, err := s.db.Comment(c.Request().Context(), id)
	if err != nil {
		return store.Comment{}, err
	}
	if !commentVisibleTo(userFrom(c), m) {
		return store.Comment{}, fmt.Errorf("comment %d: %w", id, store.ErrNotFound)
	}
	return m, nil
}

// authorLine is how a page names a comment's author: the name,
// organisation, stakeholder group and country of a named comment; only the
// group and country of an anonymous one.
func authorLine(l *labels, m store.Comment) string {
	a := m.Public()
	group := strings.ToLower(store.Label(a.Group))
	country := l.value("jurisdiction", a.Country)
	if m.Display != store.DisplayNamed {
		return "A participant from " + joinWords(group, country)
	}
	if m.AuthorID == 0 && a.Name == store.FormerParticipant {
		// The account was deleted and its owner let the comment stay.
		return store.FormerParticipant + ", " + joinWords(store.Label(a.Group), country)
	}
	name := a.Name
	if a.Organisation != "" {
		name += ", " + a.Organisation
	} else {
		name += " (individual)"
	}
	return name + " · " + joinWords(store.Label(a.Group), country)
}

func joinWords(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ", " + b
}

// commentTarget is the words and address of what a comment is about.
func commentTarget(m store.Comment) (string, string) {
	switch {
	case m.Paragraph != "":
		return m.Label, views.ParagraphURL(m.Consultation, m.Paragraph)
	case m.Question > 0:
		return m.Target(), views.ConsultationURL(m.Consultation) + "#q-" + strconv.Itoa(m.Question)
	}
	return m.Target(), views.ConsultationURL(m.Consultation)
}

// commentVM shapes a comment for the reader of this request. paragraph is
// the text of the paragraph commented on, for the proposal's redline ("" to
// show the proposal as plain text). revisions are shown only to moderators
// and the author. r is what the page's comments carry (replies,
// disposition, later versions), read once for the page.
func (s *Server) commentVM(c echo.Context, l *labels, m store.Comment, paragraph string, revisions []store.CommentRevision, r *resolution) views.CommentVM {
	u := userFrom(c)
	own := u != nil && u.ID == m.AuthorID
	editor := u.HasRole("editor")
	vm := views.CommentVM{ID: m.ID, Consultation: m.Consultation, Type: store.Label(m.Type), Author: authorLine(l, m),
		Date: m.CreatedAt.Format("2 January 2006"), DateTime: m.CreatedAt.Format(time.RFC3339),
		Body: templ.Raw(m.BodyHTML), Flagged: m.Flagged && editor}
	vm.Target, vm.TargetURL = commentTarget(m)
	if !m.EditedAt.IsZero() {
		vm.Edited = m.EditedAt.Format("2 January 2006")
	}
	if m.Display != store.DisplayNamed && editor {
		vm.Private = m.Author.Name
		if m.Author.Organisation != "" {
			vm.Private += ", " + m.Author.Organisation
		}
	}
	if m.Proposed != "" {
		for _, p := range content.WordDiff(paragraph, m.Proposed) {
			vm.Proposed = append(vm.Proposed, views.RedPart{Op: p.Op, Text: p.Text})
		}
		if paragraph == "" {
			vm.Proposed = []views.RedPart{{Text: m.Proposed}}
		}
	}
	if m.State != store.CommentApproved && (editor || own) {
		vm.State = m.State
		vm.HideReason = m.HideReason
		if own || editor {
			vm.HideNote = m.Note
		}
	}
	if editor || own {
		for _, r := range revisions {
			vm.Revisions = append(vm.Revisions, views.CommentRevisionVM{Written: r.Written.Format("2 January 2006, 15:04 MST"),
				Body: templ.Raw(r.BodyHTML)})
		}
	}
	vm.CanEdit = own && m.State != store.CommentWithdrawn
	if r != nil {
		vm.Resolution = r.view(m)
	}
	if editor && m.State == store.CommentApproved {
		vm.AnswerURL = views.CommentURL(m.Consultation, m.ID) + "#" + views.AnswerAnchor
	}
	if u != nil && !own && m.State == store.CommentApproved {
		vm.CanFlag = true
		vm.CSRF = csrfToken(c)
		for _, r := range store.HideReasons {
			vm.FlagReasons = append(vm.FlagReasons, views.Choice{Value: r, Label: views.HideReasonLabel(r)})
		}
	}
	return vm
}
