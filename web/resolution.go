package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Resolution of comments: members' replies and dispositions, and what
// became of a commented paragraph in later versions. The HTML forms and
// the API both come through replyTo and dispose; every page that shows
// comments reads what they carry once through resolutionFor.

// replyTo renders a member's reply and saves it, telling the comment's
// author.
func (s *Server) replyTo(c echo.Context, id int64, body string) (store.Reply, error) {
	html, err := s.md.RenderComment(body)
	if err != nil {
		return store.Reply{}, fmt.Errorf("render reply: %w", err)
	}
	return s.db.AddReply(actorCtx(c), id, body, string(html), s.replyNotifier())
}

// dispose renders a disposition's rationale and saves it, telling the
// comment's author.
func (s *Server) dispose(c echo.Context, id int64, d store.Disposition) (store.Comment, error) {
	html, err := s.md.RenderComment(d.Rationale)
	if err != nil {
		return store.Comment{}, fmt.Errorf("render rationale: %w", err)
	}
	d.RationaleHTML = string(html)
	return s.db.SetDisposition(actorCtx(c), id, d, s.dispositionNotifier())
}

// followKey names the consulted version of a document that comments
// point at.
type followKey struct {
	document string
	version  int
}

// resolution is what the comments of one page carry beyond their rows,
// read once for the page and shaped for its reader: replies, the working
// group's name, the documents, and where each commented paragraph stands
// in the newest version the reader may see.
type resolution struct {
	ctx     context.Context
	db      *store.DB
	user    *store.User
	group   string
	replies map[int64][]store.Reply
	docs    map[string]store.Document
	current map[followKey]map[string]store.Current
	// labels caches the paragraph labels of the versions dispositions
	// name, read when first needed.
	labels map[followKey]map[string]string
}

// resolutionFor reads what the comments ms carry, for reader u (nil for
// the public record): one query for the replies, one Follow per consulted
// version.
func (s *Server) resolutionFor(ctx context.Context, u *store.User, ms []store.Comment) (*resolution, error) {
	r := &resolution{ctx: ctx, db: s.db, user: u, docs: map[string]store.Document{},
		current: map[followKey]map[string]store.Current{}, labels: map[followKey]map[string]string{}}
	var err error
	if r.group, err = s.db.GroupName(ctx); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(ms))
	pids := map[followKey][]string{}
	for _, m := range ms {
		ids = append(ids, m.ID)
		if _, ok := r.docs[m.Document]; !ok && m.Document != "" {
			d, err := s.db.Document(ctx, m.Document)
			if err != nil {
				return nil, fmt.Errorf("document of comment %d: %w", m.ID, err)
			}
			r.docs[m.Document] = d
		}
		if m.Paragraph != "" {
			k := followKey{m.Document, m.Version}
			pids[k] = append(pids[k], m.Paragraph)
		}
	}
	if r.replies, err = s.db.Replies(ctx, ids); err != nil {
		return nil, err
	}
	for k, list := range pids {
		to := r.newest(k.document)
		if to <= k.version {
			continue
		}
		cur, err := s.db.Follow(ctx, k.document, k.version, to, list)
		if err != nil {
			return nil, err
		}
		r.current[k] = cur
	}
	return r, nil
}

// newest is the newest version of a document the reader may see: editors
// the newest, others the newest public one.
func (r *resolution) newest(document string) int {
	d, ok := r.docs[document]
	if !ok {
		return 0
	}
	return d.LatestVisible(r.user)
}

// visible reports whether the reader may open version n of a document.
func (r *resolution) visible(document string, n int) bool {
	d, ok := r.docs[document]
	return ok && d.VersionVisibleTo(r.user, n)
}

// currentOf is where comment m's paragraph stands in the newest version
// the reader may see; ok is false when there is no later version to
// follow it into.
func (r *resolution) currentOf(m store.Comment) (store.Current, bool) {
	cur, ok := r.current[followKey{m.Document, m.Version}][m.Paragraph]
	return cur, ok
}

// signed is how a member's words are signed: "Name, working group".
func (r *resolution) signed(name string) string {
	if r.group == "" {
		return name
	}
	return name + ", " + r.group
}

// label is the label of paragraph pid in version n of a document, the id
// itself when it cannot be read.
func (r *resolution) label(document string, n int, pid string) string {
	k := followKey{document, n}
	if r.labels[k] == nil {
		r.labels[k] = map[string]string{}
		if v, err := r.db.Version(r.ctx, document, n); err == nil {
			for _, p := range v.Paragraphs {
				r.labels[k][p.ID] = p.Label()
			}
		}
	}
	if l, ok := r.labels[k][pid]; ok {
		return l
	}
	return pid
}

// view shapes what became of comment m for the reader.
func (r *resolution) view(m store.Comment) views.ResolutionVM {
	var out views.ResolutionVM
	for _, p := range r.replies[m.ID] {
		out.Replies = append(out.Replies, views.ReplyVM{ID: p.ID, Author: r.signed(p.Author), Date: p.CreatedAt.Format("2 January 2006"),
			DateTime: p.CreatedAt.Format(time.RFC3339), Body: templ.Raw(p.BodyHTML)})
	}
	if m.Disposition != nil {
		d := r.disposition(m, *m.Disposition)
		out.Disposition = &d
	}
	out.Carry = r.carry(m)
	return out
}

// disposition shapes one disposition of comment m; the change it names is
// linked only when the reader may open both versions.
func (r *resolution) disposition(m store.Comment, d store.Disposition) views.DispositionVM {
	out := views.DispositionVM{Value: d.Value, Label: store.DispositionLabel(d.Value), Rationale: templ.Raw(d.RationaleHTML),
		By: r.signed(d.By), Date: d.At.Format("2 January 2006"), DateTime: d.At.Format(time.RFC3339), Number: d.Number,
		Addressed: d.AddressedIn.Version}
	if d.AddressedIn.Version == 0 {
		return out
	}
	if !r.visible(m.Document, m.Version) || !r.visible(m.Document, d.AddressedIn.Version) {
		out.NotPublic = true
		return out
	}
	diff := views.DiffURL(m.Document, m.Version, d.AddressedIn.Version)
	for _, pid := range d.AddressedIn.Paragraphs {
		out.Changes = append(out.Changes, views.NavLink{Href: diff + "#r-" + pid, Label: r.label(m.Document, d.AddressedIn.Version, pid)})
	}
	return out
}

// carry says what became of comment m's paragraph in the newest version
// the reader may see, nil when nothing changed.
func (r *resolution) carry(m store.Comment) *views.CarryVM {
	cur, ok := r.currentOf(m)
	if !ok || cur.Relation == store.RelKept {
		return nil
	}
	out := &views.CarryVM{Relation: cur.Relation}
	n := cur.Changed
	if n == 0 {
		// A paragraph missing from a version without a map entry for it.
		n = cur.Version
	}
	anchor := cur.Paragraph
	switch cur.Relation {
	case store.RelEdited:
		out.Text = fmt.Sprintf("This paragraph changed in version %d", n)
	case store.RelSplit:
		out.Text = fmt.Sprintf("This paragraph was split in version %d", n)
	case store.RelMerged:
		out.Text = fmt.Sprintf("This paragraph was merged with another in version %d", n)
	case store.RelDeleted:
		out.Text = fmt.Sprintf("This paragraph was removed in version %d; the comment is kept", n)
		anchor = m.Paragraph
	default:
		return nil
	}
	if r.visible(m.Document, m.Version) && r.visible(m.Document, cur.Version) {
		out.Href = views.DiffURL(m.Document, m.Version, cur.Version) + "#r-" + anchor
	}
	return out
}

// answerForms makes the members' reply and disposition forms for comment
// m, with what was typed in the one that was sent.
func (s *Server) answerForms(c echo.Context, m store.Comment, reply, disp views.Form) (*views.AnswerForms, error) {
	ctx := c.Request().Context()
	a := &views.AnswerForms{CSRF: csrfToken(c), ReplyAction: views.RepliesURL(m.Consultation, m.ID), Reply: reply,
		DisposeFrom: views.DispositionURL(m.Consultation, m.ID), Dispose: disp, Consulted: m.Version}
	a.Dispositions = []views.Choice{{Value: "", Label: "Choose a disposition"}}
	for _, v := range store.DispositionValues {
		a.Dispositions = append(a.Dispositions, views.Choice{Value: v, Label: store.DispositionLabel(v)})
	}
	d, err := s.db.Document(ctx, m.Document)
	if err != nil {
		return nil, err
	}
	for n := d.Latest; n > m.Version; n-- {
		v, err := s.db.Version(ctx, m.Document, n)
		if err != nil {
			return nil, err
		}
		vp := views.VersionParagraphs{Number: n}
		for _, p := range v.Paragraphs {
			if p.Kind == "heading" {
				continue
			}
			vp.Paragraphs = append(vp.Paragraphs, views.Choice{Value: fmt.Sprintf("%d:%s", n, p.ID), Label: p.Label() + ": " + excerpt(p.Text, 80)})
		}
		a.Versions = append(a.Versions, vp)
	}
	a.Dispose.Anchors[views.AddressedField] = views.FirstAddressedBoxID()
	return a, nil
}

// excerpt is the start of a text, at most n runes, cut at a space.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// dispositionForm reads the disposition form: the disposition, the
// rationale, and the ticked paragraphs, which must all be of one version.
func dispositionForm(f views.Form) (store.Disposition, error) {
	d := store.Disposition{Value: f.Get(views.DispositionField), Rationale: f.Get(views.RationaleField)}
	for _, v := range f.Values[views.AddressedField] {
		a, err := store.ParseAddressed(v)
		if err != nil {
			return d, &store.ValidationError{Fields: map[string]string{"addressed_in.paragraphs": "Tick paragraphs from the list"}}
		}
		if d.AddressedIn.Version != 0 && a.Version != d.AddressedIn.Version {
			return d, &store.ValidationError{Fields: map[string]string{"addressed_in.paragraphs": "Tick paragraphs of one version only"}}
		}
		d.AddressedIn.Version = a.Version
		d.AddressedIn.Paragraphs = append(d.AddressedIn.Paragraphs, a.Paragraphs...)
	}
	return d, nil
}

// dispositionFieldName maps the store's field names to the form's: every
// addressed_in field is the one "addressed in" group.
func dispositionFieldName(k string) string {
	if strings.HasPrefix(k, "addressed_in") {
		return views.AddressedField
	}
	return k
}

// answeredComment reads the comment of a members' answer route: it must
// belong to the consultation of the path.
func (s *Server) answeredComment(c echo.Context) (store.Comment, error) {
	id, err := commentID(c)
	if err != nil {
		return store.Comment{}, err
	}
	m, err := s.db.Comment(c.Request().Context(), id)
	if err != nil {
		return store.Comment{}, err
	}
	if m.Consultation != c.Param("slug") {
		return store.Comment{}, fmt.Errorf("comment %d of %s: %w", id, c.Param("slug"), store.ErrNotFound)
	}
	return m, nil
}

// replyFromPage answers POST /consultations/:slug/comments/:id/replies.
func (s *Server) replyFromPage(c echo.Context) error {
	m, err := s.answeredComment(c)
	if err != nil {
		return err
	}
	f, err := formOf(c, views.ReplyFormFields...)
	if err != nil {
		return err
	}
	if _, err := s.replyTo(c, m.ID, f.Get(views.ReplyField)); err != nil {
		if !setErrors(f, err, func(string) string { return views.ReplyField }) {
			return err
		}
		return s.renderCommentPage(c, m, f, views.NewForm(views.DisposeFormFields...), 422)
	}
	return s.redirectFlash(c, views.CommentURL(m.Consultation, m.ID)+"#"+views.CommentAnchor(m.ID), "reply-sent")
}

// disposeFromPage answers POST /consultations/:slug/comments/:id/disposition.
func (s *Server) disposeFromPage(c echo.Context) error {
	m, err := s.answeredComment(c)
	if err != nil {
		return err
	}
	f, err := formOf(c, views.DisposeFormFields...)
	if err != nil {
		return err
	}
	d, err := dispositionForm(f)
	if err == nil {
		_, err = s.dispose(c, m.ID, d)
	}
	if err != nil {
		if !setErrors(f, err, dispositionFieldName) {
			return err
		}
		return s.renderCommentPage(c, m, views.NewForm(views.ReplyFormFields...), f, 422)
	}
	return s.redirectFlash(c, views.CommentURL(m.Consultation, m.ID)+"#"+views.CommentAnchor(m.ID), "disposition-saved")
}

// dispositionFormOf fills the disposition form with the comment's current
// disposition, so that a revision starts from it.
func dispositionFormOf(m store.Comment) views.Form {
	f := views.NewForm(views.DisposeFormFields...)
	if d := m.Disposition; d != nil {
		f.Set(views.DispositionField, d.Value)
		f.Set(views.RationaleField, d.Rationale)
		var boxes []string
		for _, p := range d.AddressedIn.Paragraphs {
			boxes = append(boxes, fmt.Sprintf("%d:%s", d.AddressedIn.Version, p))
		}
		f.Set(views.AddressedField, boxes...)
	}
	return f
}

// withSimilar is a page's comments and the campaign copies collapsed under
// them, so that one resolutionFor serves every card of the page.
func withSimilar(ms []store.Comment, similar map[int64][]store.Comment) []store.Comment {
	out := append([]store.Comment(nil), ms...)
	for _, m := range ms {
		out = append(out, similar[m.ID]...)
	}
	return out
}
