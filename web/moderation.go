package web

import (
	"net/http"
	"strconv"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// moderationQueue answers GET /consultations/:slug/moderation: what waits
// for a moderator, with who wrote each comment.
func (s *Server) moderationQueue(c echo.Context) error {
	return s.renderQueue(c, "", http.StatusOK)
}

// renderQueue shows the moderation queue; problem, if any, is why the
// last action was refused.
func (s *Server) renderQueue(c echo.Context, problem string, status int) error {
	ctx := c.Request().Context()
	k, err := s.db.Consultation(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	queue, err := s.db.ModerationQueue(ctx, k.Slug)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	p := views.ModerationPage{Base: s.noindex(c, "Moderation – "+k.Title), Consultation: views.ConsultationRef{Slug: k.Slug, Title: k.Title},
		Problem: problem}
	for _, r := range store.HideReasons {
		p.Reasons = append(p.Reasons, views.Choice{Value: r, Label: views.HideReasonLabel(r)})
	}
	comments := make([]store.Comment, 0, len(queue))
	for _, q := range queue {
		comments = append(comments, q.Comment)
	}
	r, err := s.resolutionFor(ctx, userFrom(c), comments)
	if err != nil {
		return err
	}
	// Paragraph texts, for the proposals' redlines, read once.
	var texts map[string]string
	// A campaign group is one entry: its first comment in the queue, the
	// others listed under it.
	groupItem := map[int64]int{}
	back := views.ModerationURL(k.Slug)
	for _, q := range queue {
		if q.State == store.CommentPending {
			p.Pending++
		} else if q.Flagged {
			p.Flagged++
		}
		if q.Proposed != "" && texts == nil {
			texts = map[string]string{}
			if v, err := s.db.Version(ctx, k.Document, k.Version); err == nil {
				for _, para := range v.Paragraphs {
					texts[para.ID] = para.Text
				}
			}
		}
		if i, ok := groupItem[q.GroupID]; ok && q.GroupID != 0 {
			p.Items[i].Similar = append(p.Items[i].Similar, s.similarVM(c, l, q.Comment, back))
			continue
		}
		card, err := s.cardFor(c, l, q.Comment, texts[q.Paragraph], r)
		if err != nil {
			return err
		}
		card.CanEdit, card.CanFlag = false, false
		item := views.ModerationItem{Card: card, Email: q.AuthorEmail,
			Action: views.CommentURL(k.Slug, q.ID) + "/moderation"}
		for _, f := range q.Flags {
			item.Flags = append(item.Flags, views.FlagVM{Reason: f.Reason, Note: f.Note, By: f.By, Date: f.Created.Format("2 January 2006, 15:04 MST")})
		}
		if q.GroupID != 0 {
			groupItem[q.GroupID] = len(p.Items)
			item.Group = s.groupActions(c, k.Slug, q.GroupID, q.ID, back)
		}
		p.Items = append(p.Items, item)
	}
	return s.render(c, status, views.ModerationView(p))
}

// moderateFromQueue answers POST /consultations/:slug/comments/:id/moderation
// (action approve or hide, with a reason and a note) through the one
// moderation path, which audits it and tells the author.
func (s *Server) moderateFromQueue(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	m, err := s.db.Comment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if m.Consultation != c.Param("slug") {
		return echo.ErrNotFound
	}
	action := c.FormValue("action")
	if _, err := s.moderateComment(c, id, action, c.FormValue("reason"), c.FormValue("note")); err != nil {
		msg, err := moderationProblem(err)
		if err != nil {
			return err
		}
		return s.renderQueue(c, "Comment "+strconv.FormatInt(id, 10)+": "+msg, http.StatusUnprocessableEntity)
	}
	flash := "comment-approved"
	if action == store.ModerateHide {
		flash = "comment-hidden"
	}
	return s.redirectFlash(c, views.ModerationURL(m.Consultation), flash)
}

// moderationProblem is what the queue says when a moderation form was
// refused (422); any other error is returned for the error page.
func moderationProblem(err error) (string, error) {
	e := classify(err)
	if e.Status != http.StatusUnprocessableEntity {
		return "", err
	}
	for _, f := range []string{"reason", "action", "note"} {
		if m, ok := e.Fields[f]; ok {
			return m, nil
		}
	}
	return "That action could not be taken.", nil
}
