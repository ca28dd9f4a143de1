package web

import (
	"fmt"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// postComment renders a stakeholder's comment and saves it under the
// commenting limits. The HTML form and the API both come through here.
func (s *Server) postComment(c echo.Context, n store.NewComment) (store.Comment, error) {
	html, err := s.md.RenderComment(n.Body)
	if err != nil {
		return store.Comment{}, fmt.Errorf("render comment: %w", err)
	}
	n.BodyHTML = string(html)
	lim := store.Limits{PerAccount: s.comments.PerAccount, PerIP: s.comments.PerIP, IP: c.RealIP()}
	return s.db.CreateComment(actorCtx(c), n, lim)
}

// reviseComment renders the new text of one's own comment and saves it.
func (s *Server) reviseComment(c echo.Context, id int64, n store.NewComment) (store.Comment, error) {
	html, err := s.md.RenderComment(n.Body)
	if err != nil {
		return store.Comment{}, fmt.Errorf("render comment: %w", err)
	}
	n.BodyHTML = string(html)
	return s.db.EditComment(actorCtx(c), id, n)
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
