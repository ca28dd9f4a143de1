package web

import (
	"net/http"

	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// workspace is a member's start page. Editors and admins see their drafts,
// the mappings awaiting review, what others changed and the last imports;
// admins also the ways to users and the audit log. Stakeholders, who draft
// nothing, see their comments and the consultations. One read transaction
// (store.Workspace) makes the page.
func (s *Server) workspace(c echo.Context) error {
	u := userFrom(c)
	w, err := s.db.Workspace(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	p := views.WorkspacePage{Base: s.base(c, "Workspace"), Role: u.Role, Comments: w.Comments, Unreviewed: w.Unreviewed}
	p.NoIndex = true
	for _, d := range w.Drafts {
		p.Drafts = append(p.Drafts, views.WorkspaceDoc{Title: d.Title, Status: d.Status, Href: views.DocumentURL(d.Slug), Updated: d.Updated})
	}
	for _, e := range w.Recent {
		p.Recent = append(p.Recent, views.WorkspaceEvent{At: e.At, Actor: e.Actor, Action: e.Action, Object: e.Object, Detail: e.Detail})
	}
	for _, e := range w.Imports {
		p.Imports = append(p.Imports, views.WorkspaceEvent{At: e.At, Actor: e.Actor, Action: e.Action, Object: e.Object, Detail: e.Detail})
	}
	return s.render(c, http.StatusOK, views.Workspace(p))
}
