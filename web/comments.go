package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Commenting pages: a paragraph with its comments and the form, the form
// for a comment on the whole document or a guiding question, editing and
// withdrawing one's own comment, flags, and one's own list of comments.

// paragraphCommentsPerPage is how many comments a paragraph's page shows.
const paragraphCommentsPerPage = 50

// commentingConsultation reads the consultation the path names for a
// commenting page. Before it opens, only editors see it: the consulted
// version is not public yet.
func (s *Server) commentingConsultation(c echo.Context) (store.Consultation, error) {
	slug := c.Param("slug")
	k, err := s.db.Consultation(c.Request().Context(), slug)
	if err != nil {
		return store.Consultation{}, err
	}
	if k.State(s.now()) == store.ConsultationUpcoming && !userFrom(c).HasRole("editor") {
		return store.Consultation{}, fmt.Errorf("consultation %s is not open yet: %w", slug, store.ErrNotFound)
	}
	return k, nil
}

// consultedParagraph is one commentable paragraph of a consulted version,
// with its section's heading and its neighbours.
type consultedParagraph struct {
	store.Paragraph
	heading    string
	prev, next *store.Paragraph
}

// paragraphOf finds paragraph pid of the consulted version; a heading or
// an unknown id is ErrNotFound.
func (s *Server) paragraphOf(ctx context.Context, k store.Consultation, pid string) (consultedParagraph, error) {
	v, err := s.db.Version(ctx, k.Document, k.Version)
	if err != nil {
		return consultedParagraph{}, fmt.Errorf("consulted version of %s: %w", k.Slug, err)
	}
	headings := map[string]string{}
	var out consultedParagraph
	var prev *store.Paragraph
	found := false
	for i := range v.Paragraphs {
		p := &v.Paragraphs[i]
		if p.Kind == "heading" {
			if p.Section != "0" {
				headings[p.Section] = p.Section + " " + p.Text
			}
			continue
		}
		if found {
			out.next = p
			break
		}
		if p.ID == pid {
			out.Paragraph, out.prev, found = *p, prev, true
			out.heading = headings[p.Section]
			continue
		}
		prev = p
	}
	if !found {
		return consultedParagraph{}, fmt.Errorf("paragraph %s of %s: %w", pid, k.Slug, store.ErrNotFound)
	}
	return out, nil
}

// windowTime says when a consultation opens or closes, in its own time
// zone with UTC beside it: "31 January 2027, 23:59 CET (22:59 UTC)".
func windowTime(t time.Time, loc *time.Location) string {
	local := t.In(loc)
	out := local.Format("2 January 2006, 15:04 MST")
	if loc == time.UTC || loc.String() == "UTC" {
		return out
	}
	u := t.UTC()
	if u.YearDay() == local.YearDay() {
		return out + " (" + u.Format("15:04") + " UTC)"
	}
	return out + " (" + u.Format("2 January, 15:04") + " UTC)"
}

// formTimeToken is the signed time a comment form was shown, so that a
// submission faster than a person types can be told apart.
func (s *Server) formTimeToken(ctx context.Context, userID int64) (string, error) {
	t := strconv.FormatInt(s.now().Unix(), 10)
	sig, err := s.sign(ctx, formTimeKeyName, formTimeMessage(t, userID))
	if err != nil {
		return "", fmt.Errorf("sign form time: %w", err)
	}
	return t + "." + sig, nil
}

// formTimeMessage is what a form-time token signs: the time, and the
// account it was given to, so that one token cannot serve every account.
func formTimeMessage(t string, userID int64) string {
	return t + ":" + strconv.FormatInt(userID, 10)
}

// formTimeMaxAge is how long a comment form stays good for sending: a day
// is longer than anyone writes one comment, and a token cannot be kept and
// replayed for good.
const formTimeMaxAge = 24 * time.Hour

// formTimeOK checks a form's signed time: well signed for this account, at
// least the minimum form time ago and not older than formTimeMaxAge. A
// zero minimum turns the check off.
func (s *Server) formTimeOK(ctx context.Context, userID int64, token string) (bool, error) {
	if s.comments.MinFormTime <= 0 {
		return true, nil
	}
	t, sig, ok := strings.Cut(token, ".")
	if !ok {
		return false, nil
	}
	if good, err := s.verify(ctx, formTimeKeyName, formTimeMessage(t, userID), sig); err != nil || !good {
		return false, err
	}
	unix, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return false, nil
	}
	age := s.now().Sub(time.Unix(unix, 0))
	return age >= s.comments.MinFormTime && age <= formTimeMaxAge, nil
}

// Messages of refusals that are about the whole comment form.
const (
	msgHoneypot = "We could not accept that comment. Check it and send it again."
	msgTooFast  = "That was sent faster than a person can type; check your comment and send it again"
)

// commentForm is the comment form for this reader on consultation k, with
// what was typed (or the defaults). target names what the comment is
// about; action is where it posts.
func (s *Server) commentForm(c echo.Context, l *labels, k store.Consultation, f views.Form, target, action string, proposal bool) (views.CommentForm, error) {
	u := userFrom(c)
	loc := k.Location()
	if f.Get("type") == "" {
		f.Set("type", store.CommentGeneral)
	}
	if u != nil && f.Get("display") == "" {
		display := store.DisplayAnonymous
		if u.ConsentPublish {
			display = store.DisplayNamed
		}
		f.Set("display", display)
	}
	f.Anchors["type"] = views.FirstBoxID("type")
	f.Anchors["display"] = views.FirstBoxID("display")
	cf := views.CommentForm{Form: f, Action: action, CSRF: csrfToken(c), State: k.State(s.now()),
		Opens: windowTime(k.OpensAt, loc), Closes: windowTime(k.ClosesAt, loc), SignedIn: u != nil,
		ProfileComplete: u.ProfileComplete(), LoginURL: views.LoginURL(c.Request().URL.RequestURI()), RegisterURL: views.RegisterURL(c.Request().URL.RequestURI()),
		Target: target, Proposal: proposal, Pre: k.Moderation == store.ModerationPre, Submit: "Send your comment"}
	if u != nil {
		cf.AnonymousAs = authorLine(l, store.Comment{Display: store.DisplayAnonymous,
			Author: store.CommentAuthor{Group: u.StakeholderGroup, Country: u.Country}})
	}
	var uid int64
	if u != nil {
		uid = u.ID
	}
	tok, err := s.formTimeToken(c.Request().Context(), uid)
	if err != nil {
		return cf, err
	}
	cf.FormTime = tok
	return cf, nil
}

// commentProblem turns a refused comment into what the form shows: field
// errors in the form, anything else as the form's problem, and the status
// to answer with. Errors no form can show are returned.
func (s *Server) commentProblem(c echo.Context, k store.Consultation, cf *views.CommentForm, err error) (int, error) {
	e := classify(err)
	loc := k.Location()
	switch e.Code {
	case "invalid":
		setErrors(cf.Form, err, nil)
		// Fields the form has no control for are said above it.
		for _, name := range []string{"profile", "paragraph", "question", "action"} {
			if msg, ok := cf.Form.Errors[name]; ok {
				delete(cf.Form.Errors, name)
				cf.Problem = msg
			}
		}
		return http.StatusUnprocessableEntity, nil
	case "consultation_not_open":
		cf.Problem = "This consultation is not open for comments yet: it opens " + windowTime(k.OpensAt, loc) + "."
		return e.Status, nil
	case "consultation_closed":
		cf.Problem = "This consultation closed on " + windowTime(k.ClosesAt, loc) + ": it no longer takes comments."
		return e.Status, nil
	case "too_many_requests":
		retryAfter(c, e.RetryAfter)
		cf.Problem = e.Message + " Your text is kept below."
		return e.Status, nil
	}
	return 0, err
}

// submitComment is the one path of the HTML comment form, for a
// paragraph, a guiding question or the whole document: it checks the
// honeypot and the form time, saves, and redirects; on a refusal it shows
// the form again through show, with what was typed.
func (s *Server) submitComment(c echo.Context, k store.Consultation, pid string, q int, cf views.CommentForm,
	show func(views.CommentForm, int) error) error {
	ctx := c.Request().Context()
	f := cf.Form
	if c.FormValue("website") != "" {
		cf.Problem = msgHoneypot
		return show(cf, http.StatusUnprocessableEntity)
	}
	var uid int64
	if u := userFrom(c); u != nil {
		uid = u.ID
	}
	human, err := s.formTimeOK(ctx, uid, c.FormValue("form_time"))
	if err != nil {
		return err
	}
	if !human {
		cf.Problem = msgTooFast
		return show(cf, http.StatusUnprocessableEntity)
	}
	m, err := s.postComment(c, store.NewComment{Consultation: k.Slug, Paragraph: pid, Question: q,
		Type: f.Get("type"), Body: f.Get("body"), Proposed: f.Get("proposed_text"), Display: f.Get("display")})
	if err != nil {
		status, err := s.commentProblem(c, k, &cf, err)
		if err != nil {
			return err
		}
		return show(cf, status)
	}
	flash := "comment-published"
	if m.State == store.CommentPending {
		flash = "comment-pending"
	}
	to := views.CommentURL(k.Slug, m.ID) + "#" + views.CommentAnchor(m.ID)
	switch {
	case pid != "":
		to = views.ParagraphURL(k.Slug, pid) + "#" + views.CommentAnchor(m.ID)
	case q > 0:
		to = views.ConsultationURL(k.Slug) + "#q-" + strconv.Itoa(q)
	}
	return s.redirectFlash(c, to, flash)
}

// paragraphPage answers GET /consultations/:slug/paragraphs/:pid.
func (s *Server) paragraphPage(c echo.Context) error {
	k, err := s.commentingConsultation(c)
	if err != nil {
		return err
	}
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return err
	}
	p, err := s.paragraphOf(c.Request().Context(), k, c.Param("pid"))
	if err != nil {
		return err
	}
	cf, err := s.commentForm(c, l, k, views.NewForm(views.CommentFormFields...), p.Label(), views.ParagraphURL(k.Slug, p.ID), true)
	if err != nil {
		return err
	}
	return s.renderParagraph(c, l, k, p, cf, http.StatusOK)
}

// commentOnParagraph answers POST /consultations/:slug/paragraphs/:pid.
func (s *Server) commentOnParagraph(c echo.Context) error {
	k, err := s.db.Consultation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return err
	}
	f, err := formOf(c, views.CommentFormFields...)
	if err != nil {
		return err
	}
	pid := c.Param("pid")
	if k.State(s.now()) == store.ConsultationUpcoming && !userFrom(c).HasRole("editor") {
		// The store refuses it (409, "opens on..."); the page that says so
		// must not show the text of a version that is not public yet.
		cf, err := s.commentForm(c, l, k, f, "this consultation", views.ParagraphURL(k.Slug, pid), true)
		if err != nil {
			return err
		}
		return s.submitComment(c, k, pid, 0, cf, func(cf views.CommentForm, status int) error {
			return s.renderCommentForm(c, k, "Comment on "+k.Title, "", cf, status)
		})
	}
	p, err := s.paragraphOf(c.Request().Context(), k, pid)
	if errors.Is(err, store.ErrNotFound) {
		// No such commentable paragraph (a heading, or a mistyped address):
		// the store names the field (422), and the form comes back with the
		// text typed, offered as a comment on the whole document.
		cf, err := s.commentForm(c, l, k, f, "the whole document", views.CommentFormURL(k.Slug, 0), true)
		if err != nil {
			return err
		}
		return s.submitComment(c, k, pid, 0, cf, func(cf views.CommentForm, status int) error {
			return s.renderCommentForm(c, k, "Comment on the whole document", "", cf, status)
		})
	}
	if err != nil {
		return err
	}
	cf, err := s.commentForm(c, l, k, f, p.Label(), views.ParagraphURL(k.Slug, p.ID), true)
	if err != nil {
		return err
	}
	return s.submitComment(c, k, p.ID, 0, cf, func(cf views.CommentForm, status int) error {
		return s.renderParagraph(c, l, k, p, cf, status)
	})
}

// renderParagraph shows a paragraph, its comments and the comment form.
func (s *Server) renderParagraph(c echo.Context, l *labels, k store.Consultation, p consultedParagraph, cf views.CommentForm, status int) error {
	ctx := c.Request().Context()
	u := userFrom(c)
	page := 1
	if v := c.QueryParam("page"); v != "" && c.Request().Method == http.MethodGet {
		// A huge number must not overflow the offset.
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return badRequest("page", "page must be a whole number from 1 to 1000000")
		}
		page = n
	}
	list, err := s.db.Comments(ctx, store.CommentFilter{Consultation: k.Slug, Paragraph: p.ID, Page: page, PerPage: paragraphCommentsPerPage,
		Collapse: true})
	if err != nil {
		return err
	}
	comments := list.Items
	if u != nil && list.Page == 1 {
		// Authors see their own comments waiting for (or refused by) a
		// moderator, so the page they are sent to after commenting shows it.
		own, err := s.db.UserComments(ctx, u.ID)
		if err != nil {
			return err
		}
		for i := len(own) - 1; i >= 0; i-- {
			m := own[i]
			if m.Consultation == k.Slug && m.Paragraph == p.ID && (m.State == store.CommentPending || m.State == store.CommentHidden) {
				comments = append(comments, m)
			}
		}
	}
	open := k.State(s.now()) == store.ConsultationOpen
	vm := views.ParagraphPage{Base: s.base(c, p.Label()+" – "+k.Title), Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title},
		Label: p.Label(), Section: p.heading, HTML: templ.Raw(s.md.Sanitize(p.HTML)),
		Back: views.ConsultationURL(k.Slug) + "#p-" + p.ID, Total: list.Total, Form: cf}
	vm.Form.Text = vm.HTML
	vm.Description = fmt.Sprintf("Comments on %s of %s.", p.Label(), k.Title)
	if p.prev != nil {
		vm.Prev = &views.NavLink{Href: views.ParagraphURL(k.Slug, p.prev.ID), Label: p.prev.Label()}
	}
	if p.next != nil {
		vm.Next = &views.NavLink{Href: views.ParagraphURL(k.Slug, p.next.ID), Label: p.next.Label()}
	}
	r, err := s.resolutionFor(ctx, u, withSimilar(comments, list.Similar))
	if err != nil {
		return err
	}
	for _, m := range comments {
		card, err := s.cardFor(c, l, m, p.Text, r)
		if err != nil {
			return err
		}
		card.CanEdit = card.CanEdit && open
		for _, o := range list.Similar[m.ID] {
			sim, err := s.cardFor(c, l, o, p.Text, r)
			if err != nil {
				return err
			}
			sim.CanEdit = sim.CanEdit && open
			card.Similar = append(card.Similar, sim)
		}
		vm.Comments = append(vm.Comments, card)
	}
	base := views.ParagraphURL(k.Slug, p.ID)
	vm.Pager = views.Pager{Page: list.Page, Total: list.Total, Pages: (list.Entries + list.PerPage - 1) / list.PerPage,
		Href: func(n int) string { return base + "?page=" + strconv.Itoa(n) + "#comments-title" }}
	return s.render(c, status, views.ParagraphView(vm))
}

// cardFor shapes one comment for this reader, with its earlier texts when
// the reader may see them; r is what the page's comments carry, nil to
// read it for this comment alone.
func (s *Server) cardFor(c echo.Context, l *labels, m store.Comment, paragraph string, r *resolution) (views.CommentVM, error) {
	u := userFrom(c)
	var revs []store.CommentRevision
	if !m.EditedAt.IsZero() && (u.HasRole("editor") || u != nil && u.ID == m.AuthorID) {
		var err error
		if revs, err = s.db.CommentRevisions(c.Request().Context(), m.ID); err != nil {
			return views.CommentVM{}, err
		}
	}
	if r == nil {
		var err error
		if r, err = s.resolutionFor(c.Request().Context(), u, []store.Comment{m}); err != nil {
			return views.CommentVM{}, err
		}
	}
	return s.commentVM(c, l, m, paragraph, revs, r), nil
}

// questionParam reads ?question=N: 0 when absent, ErrNotFound when the
// consultation asks no such question.
func questionParam(c echo.Context, k store.Consultation) (int, store.Question, error) {
	v := c.QueryParam("question")
	if v == "" {
		return 0, store.Question{}, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, store.Question{}, badRequest("question", "question must be the number of a guiding question, such as 1")
	}
	q, ok := k.Question(n)
	if !ok {
		return 0, store.Question{}, fmt.Errorf("question %d of %s: %w", n, k.Slug, store.ErrNotFound)
	}
	return n, q, nil
}

// generalTarget is how the form names what a comment on the whole
// document or on question n is about.
func generalTarget(n int) (heading, target string) {
	if n > 0 {
		return "Answer question " + strconv.Itoa(n), "question " + strconv.Itoa(n)
	}
	return "Comment on the whole document", "the whole document"
}

// commentFormPage answers GET /consultations/:slug/comment[?question=N].
func (s *Server) commentFormPage(c echo.Context) error {
	k, err := s.commentingConsultation(c)
	if err != nil {
		return err
	}
	n, q, err := questionParam(c, k)
	if err != nil {
		return err
	}
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return err
	}
	heading, target := generalTarget(n)
	cf, err := s.commentForm(c, l, k, views.NewForm(views.CommentFormFields...), target, views.CommentFormURL(k.Slug, n), false)
	if err != nil {
		return err
	}
	return s.renderCommentForm(c, k, heading, q.Text, cf, http.StatusOK)
}

// commentOnDocument answers POST /consultations/:slug/comment[?question=N].
func (s *Server) commentOnDocument(c echo.Context) error {
	k, err := s.db.Consultation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	n, q, err := questionParam(c, k)
	if err != nil {
		// An unknown question is the store's to name (422 on question); a
		// value that is no number at all must not fall back to a comment
		// on the whole document.
		if n, err = strconv.Atoi(c.QueryParam("question")); err != nil {
			n = -1
		}
	}
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return err
	}
	f, err := formOf(c, views.CommentFormFields...)
	if err != nil {
		return err
	}
	heading, target := generalTarget(n)
	cf, err := s.commentForm(c, l, k, f, target, views.CommentFormURL(k.Slug, n), false)
	if err != nil {
		return err
	}
	return s.submitComment(c, k, "", n, cf, func(cf views.CommentForm, status int) error {
		return s.renderCommentForm(c, k, heading, q.Text, cf, status)
	})
}

// renderCommentForm shows the form for a comment that is not on a
// paragraph.
func (s *Server) renderCommentForm(c echo.Context, k store.Consultation, heading, question string, cf views.CommentForm, status int) error {
	p := views.CommentFormPage{Base: s.noindex(c, heading+" – "+k.Title), Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title},
		Heading: heading, Question: question, Back: views.NavLink{Href: views.ConsultationURL(k.Slug), Label: "Back to the consultation"}, Form: cf}
	return s.render(c, status, views.CommentFormView(p))
}

// ownComment reads the comment of the path when it belongs to the
// signed-in reader and to the consultation of the path; any other is
// ErrNotFound.
func (s *Server) ownComment(c echo.Context) (store.Comment, store.Consultation, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.Comment{}, store.Consultation{}, echo.ErrNotFound
	}
	ctx := c.Request().Context()
	m, err := s.db.Comment(ctx, id)
	if err != nil {
		return store.Comment{}, store.Consultation{}, err
	}
	u := userFrom(c)
	if u == nil || m.AuthorID != u.ID || m.Consultation != c.Param("slug") || m.State == store.CommentWithdrawn {
		return store.Comment{}, store.Consultation{}, fmt.Errorf("comment %d: %w", id, store.ErrNotFound)
	}
	k, err := s.db.Consultation(ctx, m.Consultation)
	if err != nil {
		return store.Comment{}, store.Consultation{}, err
	}
	switch k.State(s.now()) {
	case store.ConsultationUpcoming:
		return m, k, fmt.Errorf("comment %d: %w", id, store.ErrConsultationNotOpen)
	case store.ConsultationClosed:
		return m, k, fmt.Errorf("comment %d: %w", id, store.ErrConsultationClosed)
	}
	return m, k, nil
}

// commentParagraphText is the text of the paragraph a comment is on, for
// its redline ("" for other comments).
func (s *Server) commentParagraphText(ctx context.Context, k store.Consultation, m store.Comment) string {
	if m.Paragraph == "" {
		return ""
	}
	p, err := s.paragraphOf(ctx, k, m.Paragraph)
	if err != nil {
		return ""
	}
	return p.Text
}

// editCommentPage answers GET /consultations/:slug/comments/:id/edit.
func (s *Server) editCommentPage(c echo.Context) error {
	m, k, err := s.ownComment(c)
	if err != nil {
		return err
	}
	f := views.NewForm(views.CommentFormFields...)
	f.Set("type", m.Type)
	f.Set("body", m.Body)
	f.Set("proposed_text", m.Proposed)
	f.Set("display", m.Display)
	return s.renderEdit(c, m, k, f, nil)
}

// editComment answers POST /consultations/:slug/comments/:id/edit.
func (s *Server) editComment(c echo.Context) error {
	m, k, err := s.ownComment(c)
	f, ferr := formOf(c, views.CommentFormFields...)
	switch {
	case ferr != nil:
		return ferr
	case err != nil && m.ID != 0:
		// Outside the window: the page says so and keeps the new text.
		return s.renderEdit(c, m, k, f, err)
	case err != nil:
		return err
	}
	saved, err := s.reviseComment(c, m.ID, store.NewComment{Consultation: k.Slug, Type: f.Get("type"), Body: f.Get("body"),
		Proposed: f.Get("proposed_text"), Display: f.Get("display")})
	if err != nil {
		return s.renderEdit(c, m, k, f, err)
	}
	flash := "comment-edited"
	if saved.State == store.CommentPending {
		flash = "comment-edited-pending"
	}
	return s.redirectFlash(c, commentPlace(saved), flash)
}

// commentPlace is where a comment is shown in its context: its paragraph's
// page, or else its permalink; with its anchor.
func commentPlace(m store.Comment) string {
	if m.Paragraph != "" {
		return views.ParagraphURL(m.Consultation, m.Paragraph) + "#" + views.CommentAnchor(m.ID)
	}
	return views.CommentURL(m.Consultation, m.ID) + "#" + views.CommentAnchor(m.ID)
}

// renderEdit shows the form that changes one's comment; refused, if not
// nil, is why the last change was refused, and sets the status.
func (s *Server) renderEdit(c echo.Context, m store.Comment, k store.Consultation, f views.Form, refused error) error {
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return err
	}
	target := m.Target()
	if m.Paragraph == "" && m.Question == 0 {
		target = "the whole document"
	}
	cf, err := s.commentForm(c, l, k, f, target, views.CommentURL(k.Slug, m.ID)+"/edit", m.Paragraph != "")
	if err != nil {
		return err
	}
	cf.Edit, cf.Submit = true, "Save your changes"
	status := http.StatusOK
	if refused != nil {
		if status, err = s.commentProblem(c, k, &cf, refused); err != nil {
			return err
		}
	}
	card, err := s.cardFor(c, l, m, s.commentParagraphText(c.Request().Context(), k, m), nil)
	if err != nil {
		return err
	}
	card.CanEdit = false
	p := views.CommentFormPage{Base: s.noindex(c, "Change your comment – "+k.Title), Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title},
		Heading: "Change your comment on " + target, Current: &card,
		Back: views.NavLink{Href: "/account/comments", Label: "Back to your comments"}, Form: cf}
	return s.render(c, status, views.CommentFormView(p))
}

// withdrawCommentPage answers GET /consultations/:slug/comments/:id/withdraw.
func (s *Server) withdrawCommentPage(c echo.Context) error {
	m, k, err := s.ownComment(c)
	if err != nil {
		return err
	}
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return err
	}
	card, err := s.cardFor(c, l, m, s.commentParagraphText(c.Request().Context(), k, m), nil)
	if err != nil {
		return err
	}
	card.CanEdit = false
	p := views.WithdrawPage{Base: s.noindex(c, "Withdraw your comment"), Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title},
		Comment: card, Action: views.CommentURL(k.Slug, m.ID) + "/withdraw"}
	return s.render(c, http.StatusOK, views.WithdrawView(p))
}

// withdrawComment answers POST /consultations/:slug/comments/:id/withdraw.
func (s *Server) withdrawComment(c echo.Context) error {
	m, _, err := s.ownComment(c)
	if err != nil {
		return err
	}
	if _, err := s.db.WithdrawComment(actorCtx(c), m.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/account/comments", "comment-withdrawn")
}

// flagComment answers POST /consultations/:slug/comments/:id/flag: a
// reader reports a published comment to the moderators.
func (s *Server) flagComment(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	m, err := s.visibleComment(c, id)
	if err != nil {
		return err
	}
	if m.Consultation != c.Param("slug") {
		return fmt.Errorf("comment %d in %s: %w", id, c.Param("slug"), store.ErrNotFound)
	}
	err = s.db.FlagComment(actorCtx(c), id, c.FormValue("reason"), c.FormValue("note"))
	var ve *store.ValidationError
	switch {
	case err == nil:
		return s.redirectFlash(c, commentPlace(m), "comment-flagged")
	case errors.As(err, &ve):
		return err
	case errors.Is(err, store.ErrConflict):
		// A second report by the same reader is no error to them.
		return s.redirectFlash(c, commentPlace(m), "comment-flagged-already")
	}
	return err
}

// myComments answers GET /account/comments: the reader's own comments in
// every state.
func (s *Server) myComments(c echo.Context) error {
	ctx := c.Request().Context()
	u := userFrom(c)
	list, err := s.db.UserComments(ctx, u.ID)
	if err != nil {
		return err
	}
	r, err := s.resolutionFor(ctx, u, list)
	if err != nil {
		return err
	}
	consultations := map[string]store.Consultation{}
	p := views.MyCommentsPage{Base: s.noindex(c, "Your comments")}
	for _, m := range list {
		k, ok := consultations[m.Consultation]
		if !ok {
			if k, err = s.db.Consultation(ctx, m.Consultation); err != nil {
				return err
			}
			consultations[m.Consultation] = k
		}
		row := views.MyCommentRow{ID: m.ID, Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title}, State: m.State,
			Date: m.CreatedAt.Format("2 January 2006"), DateTime: m.CreatedAt.Format(time.RFC3339), Permalink: views.CommentURL(k.Slug, m.ID)}
		row.Target, row.TargetURL = commentTarget(m)
		if m.State == store.CommentHidden {
			row.HideReason, row.Note = m.HideReason, m.Note
		}
		row.Resolution = r.view(m)
		if m.State != store.CommentWithdrawn && k.State(s.now()) == store.ConsultationOpen {
			row.EditURL = row.Permalink + "/edit"
			row.Withdraw = row.Permalink + "/withdraw"
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(c, http.StatusOK, views.MyCommentsView(p))
}
