package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Campaign groups: near-identical comments of one consultation on one
// target (the store groups them as they are made). Editors see a group as
// one entry of the moderation queue and on its own page, and approve,
// hide or answer it whole; a comment taken out of its group stays out.

// similarVM is a comment of a campaign group in brief, for the list under
// the group's first comment in the moderation queue.
func (s *Server) similarVM(c echo.Context, l *labels, m store.Comment, back string) views.SimilarVM {
	vm := views.SimilarVM{ID: m.ID, Author: authorLine(l, m), Target: m.Target(), Date: m.CreatedAt.Format("2 January 2006"),
		URL: views.CommentURL(m.Consultation, m.ID), Ungroup: views.UngroupURL(m.Consultation, m.ID)}
	if m.State != store.CommentApproved {
		vm.State = views.CommentStateLabel(m.State)
	} else if m.Flagged {
		vm.State = "Flagged by a reader"
	}
	return vm
}

// groupActions are the forms of group gid whose first comment is first,
// coming back to back.
func (s *Server) groupActions(c echo.Context, slug string, gid, first int64, back string) *views.GroupActions {
	g := &views.GroupActions{ID: gid, Action: views.GroupURL(slug, gid) + "/moderation", Page: views.GroupURL(slug, gid),
		Ungroup: views.UngroupURL(slug, first), Back: back, CSRF: csrfToken(c)}
	for _, r := range store.HideReasons {
		g.Reasons = append(g.Reasons, views.Choice{Value: r, Label: views.HideReasonLabel(r)})
	}
	return g
}

// groupParam reads the campaign group of a /consultations/:slug/groups/:id
// route; a group of another consultation does not exist here.
func (s *Server) groupParam(c echo.Context) (store.CommentGroup, error) {
	id, err := groupID(c)
	if err != nil {
		return store.CommentGroup{}, err
	}
	g, err := s.db.Group(c.Request().Context(), id)
	if err != nil {
		return g, err
	}
	if g.Consultation != c.Param("slug") {
		return g, fmt.Errorf("comment group %d of %s: %w", id, c.Param("slug"), store.ErrNotFound)
	}
	return g, nil
}

// backTo is where a group form returns: the moderation queue or the
// group's page, whichever sent it (nothing else, so no open redirect).
func backTo(c echo.Context, slug string, gid int64) string {
	if b := c.FormValue("back"); gid != 0 && b == views.GroupURL(slug, gid) {
		return b
	}
	return views.ModerationURL(slug)
}

// groupPage answers GET /consultations/:slug/groups/:id: every comment of
// a campaign group, with the forms that act on all of them.
func (s *Server) groupPage(c echo.Context) error {
	g, err := s.groupParam(c)
	if err != nil {
		return err
	}
	return s.renderGroup(c, g, views.NewForm(views.GroupFormFields...), "", http.StatusOK)
}

// renderGroup shows a group's page; f is the disposition form as sent,
// problem why a moderation was refused.
func (s *Server) renderGroup(c echo.Context, g store.CommentGroup, f views.Form, problem string, status int) error {
	ctx := c.Request().Context()
	k, err := s.db.Consultation(ctx, g.Consultation)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	self := views.GroupURL(k.Slug, g.ID)
	p := views.GroupPage{Base: s.noindex(c, fmt.Sprintf("Campaign group %d – %s", g.ID, k.Title)),
		Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title}, ID: g.ID, Problem: problem, Form: f,
		DisposeAction: self + "/disposition"}
	p.Dispositions = []views.Choice{{Value: "", Label: "Choose a disposition"}}
	for _, d := range store.DispositionValues {
		p.Dispositions = append(p.Dispositions, views.Choice{Value: d, Label: store.DispositionLabel(d)})
	}
	first := int64(0)
	if len(g.Comments) > 0 {
		first = g.Comments[0].ID
	}
	p.Actions = *s.groupActions(c, k.Slug, g.ID, first, self)
	r, err := s.resolutionFor(c.Request().Context(), userFrom(c), g.Comments)
	if err != nil {
		return err
	}
	byState := map[string]int{}
	for _, m := range g.Comments {
		byState[m.State]++
		if m.State == store.CommentApproved {
			p.Approved++
		}
		card, err := s.cardFor(c, l, m, "", r)
		if err != nil {
			return err
		}
		card.CanEdit, card.CanFlag = false, false
		vm := views.GroupMemberVM{Card: card, Ungroup: views.UngroupURL(k.Slug, m.ID)}
		if m.Disposition != nil {
			vm.Disposition = store.DispositionLabel(m.Disposition.Value)
		}
		p.Comments = append(p.Comments, vm)
	}
	var parts []string
	for _, st := range []string{store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentWithdrawn} {
		if n := byState[st]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+strings.ToLower(views.CommentStateLabel(st)))
		}
	}
	p.Summary = strings.Join(parts, ", ")
	return s.render(c, status, views.GroupView(p))
}

// moderateGroupForm answers POST /consultations/:slug/groups/:id/moderation:
// approve or hide every waiting or published comment of the group.
func (s *Server) moderateGroupForm(c echo.Context) error {
	g, err := s.groupParam(c)
	if err != nil {
		return err
	}
	back := backTo(c, g.Consultation, g.ID)
	action := c.FormValue("action")
	if _, err := s.moderateGroup(c, g.ID, action, c.FormValue("reason"), c.FormValue("note")); err != nil {
		msg, err := moderationProblem(err)
		if err != nil {
			return err
		}
		msg = fmt.Sprintf("Group %d: %s", g.ID, msg)
		if back == views.ModerationURL(g.Consultation) {
			return s.renderQueue(c, msg, http.StatusUnprocessableEntity)
		}
		return s.renderGroup(c, g, views.NewForm(views.GroupFormFields...), msg, http.StatusUnprocessableEntity)
	}
	flash := "group-approved"
	if action == store.ModerateHide {
		flash = "group-hidden"
	}
	return s.redirectFlash(c, back, flash)
}

// groupDisposition reads a disposition form: the disposition (slug or
// label), the rationale rendered as comment Markdown, and "2:p4;p9".
// Problems are named by the form's fields.
func (s *Server) groupDisposition(f views.Form) (store.Disposition, error) {
	d := store.Disposition{Rationale: strings.TrimSpace(f.Get("rationale"))}
	v, ok := store.ParseDisposition(f.Get("disposition"))
	if ok {
		d.Value = v
	} else {
		f.Errors["disposition"] = "Choose a disposition"
	}
	if d.Rationale == "" {
		f.Errors["rationale"] = "Give the reason for the disposition: every comment gets an answer"
	}
	a, err := store.ParseAddressed(f.Get("addressed_in"))
	if err != nil {
		f.Errors["addressed_in"] = "Write the version and its paragraph ids, such as 2:p4;p9: " + err.Error()
	}
	d.AddressedIn = a
	if f.Invalid() {
		return d, &store.ValidationError{Fields: f.Errors}
	}
	html, err := s.md.RenderComment(d.Rationale)
	if err != nil {
		return d, err
	}
	d.RationaleHTML = string(html)
	return d, nil
}

// formField is the disposition form's field for a store field name:
// addressed_in.version and addressed_in.paragraphs[2] are both the one
// "addressed in" box.
func formField(name string) string {
	if strings.HasPrefix(name, "addressed_in") {
		return "addressed_in"
	}
	return name
}

// disposeGroupForm answers POST /consultations/:slug/groups/:id/disposition:
// the same disposition for every published comment of the group.
func (s *Server) disposeGroupForm(c echo.Context) error {
	g, err := s.groupParam(c)
	if err != nil {
		return err
	}
	f := views.NewForm(views.GroupFormFields...)
	for _, name := range f.Order {
		f.Set(name, c.FormValue(name))
	}
	d, err := s.groupDisposition(f)
	if err == nil {
		_, err = s.disposeGroup(c, g.ID, d)
	}
	if err != nil {
		e := classify(err)
		if e.Status != http.StatusUnprocessableEntity {
			return err
		}
		for name, msg := range e.Fields {
			if f.Errors[formField(name)] == "" {
				f.Errors[formField(name)] = msg
			}
		}
		if g, err = s.db.Group(c.Request().Context(), g.ID); err != nil {
			return err
		}
		return s.renderGroup(c, g, f, "", http.StatusUnprocessableEntity)
	}
	return s.redirectFlash(c, views.GroupURL(g.Consultation, g.ID), "group-disposed")
}

// ungroupComment answers POST /consultations/:slug/comments/:id/ungroup:
// the comment leaves its campaign group for good.
func (s *Server) ungroupComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.db.Comment(ctx, id)
	if err != nil {
		return err
	}
	if m.Consultation != c.Param("slug") {
		return fmt.Errorf("comment %d of %s: %w", id, c.Param("slug"), store.ErrNotFound)
	}
	back := backTo(c, m.Consultation, m.GroupID)
	if _, err := s.db.RemoveFromGroup(actorCtx(c), id); err != nil {
		return err
	}
	if g, err := s.db.Group(ctx, m.GroupID); err == nil && len(g.Comments) == 0 {
		back = views.ModerationURL(m.Consultation)
	}
	return s.redirectFlash(c, back, "comment-ungrouped")
}
