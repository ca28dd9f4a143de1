package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// The JSON API of campaign groups (see groups.go): read a group, moderate
// or answer it whole, take a comment out of it. Editors only.

// groupID reads the :id of a comment-group route.
func groupID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("comment group %q: %w", c.Param("id"), store.ErrNotFound)
	}
	return id, nil
}

// groupJSON is a campaign group with its comments in every state, oldest
// first.
type groupJSON struct {
	ID           int64         `json:"id"`
	Consultation string        `json:"consultation"`
	Comments     []commentJSON `json:"comments"`
}

// groupCountJSON answers an action on a whole group: how many comments
// it changed.
type groupCountJSON struct {
	Group int64 `json:"group"`
	Count int   `json:"count"`
}

func (s *Server) apiGroup(c echo.Context) error {
	id, err := groupID(c)
	if err != nil {
		return err
	}
	g, err := s.db.Group(c.Request().Context(), id)
	if err != nil {
		return err
	}
	comments, err := s.commentsJSONFor(c, g.Comments)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, groupJSON{ID: g.ID, Consultation: g.Consultation, Comments: comments})
}

func (s *Server) apiModerateGroup(c echo.Context) error {
	id, err := groupID(c)
	if err != nil {
		return err
	}
	var in moderationJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.moderateGroup(c, id, in.Action, in.Reason, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, groupCountJSON{Group: id, Count: n})
}

// groupDispositionJSON is the body of PUT
// /api/v1/comment-groups/{id}/disposition.
type groupDispositionJSON struct {
	Disposition string `json:"disposition"`
	Rationale   string `json:"rationale"`
	AddressedIn *struct {
		Version    int      `json:"version"`
		Paragraphs []string `json:"paragraphs"`
	} `json:"addressed_in"`
}

func (s *Server) apiDisposeGroup(c echo.Context) error {
	id, err := groupID(c)
	if err != nil {
		return err
	}
	var in groupDispositionJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d := store.Disposition{Value: in.Disposition, Rationale: in.Rationale}
	if in.AddressedIn != nil {
		d.AddressedIn = store.Addressed{Version: in.AddressedIn.Version, Paragraphs: in.AddressedIn.Paragraphs}
	}
	html, err := s.md.RenderComment(d.Rationale)
	if err != nil {
		return err
	}
	d.RationaleHTML = string(html)
	n, err := s.disposeGroup(c, id, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, groupCountJSON{Group: id, Count: n})
}

func (s *Server) apiUngroupComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	m, err := s.db.RemoveFromGroup(actorCtx(c), id)
	if err != nil {
		return err
	}
	return s.commentAnswer(c, http.StatusOK, m)
}
