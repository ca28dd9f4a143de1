package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// reviewPerPage is how many mappings a page of the review queue shows.
const reviewPerPage = 20

// reviewQueue lists the mappings awaiting review. Editors and admins may
// review, as they may write mappings: a review changes what counts as
// evidence, which is an editor's trust; a stakeholder comments instead.
func (s *Server) reviewQueue(c echo.Context) error {
	return s.showReviewQueue(c, http.StatusOK, 0, "", "")
}

func (s *Server) showReviewQueue(c echo.Context, status int, errID int64, note, noteErr string) error {
	page := 1
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("page", "page must be a whole number from 1")
		}
		page = n
	}
	list, err := s.db.UnreviewedMappings(c.Request().Context(), page, reviewPerPage)
	if err != nil {
		return err
	}
	var me int64
	if u := userFrom(c); u != nil {
		me = u.ID
	}
	p := views.ReviewPage{Base: s.noindex(c, "Review mappings"), Total: list.Total}
	for _, m := range list.Mappings {
		r := views.ReviewRow{M: m, ItemHref: views.ItemURL(m.Framework, m.Item),
			EditHref: views.MappingEditURL(m.Policy, m.ID), Action: views.ReviewActionURL(m.ID, page),
			Own: me != 0 && (me == m.CreatedBy || me == m.UpdatedBy)}
		if m.ID == errID {
			r.Note, r.NoteErr = note, noteErr
		}
		p.Rows = append(p.Rows, r)
	}
	p.Pager = views.Pager{Page: page, Pages: (list.Total + reviewPerPage - 1) / reviewPerPage, Total: list.Total,
		Href: func(n int) string { return listURL(views.ReviewURL, url.Values{"page": {fmt.Sprint(n)}}) }}
	return s.render(c, status, views.ReviewView(p))
}

// reviewMapping approves or rejects one mapping from the queue. The
// mapping's own author is refused with 403 and says why; a rejection
// without a note shows the queue again with the note's error.
func (s *Server) reviewMapping(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	f, err := formOf(c, "action", "note")
	if err != nil {
		return err
	}
	r := store.Review{Action: f.Get("action"), Note: f.Get("note")}
	_, err = s.db.ReviewMapping(actorCtx(c), id, r)
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve) && ve.Fields["reviewed"] != "":
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: ve.Fields["reviewed"] + ".", Err: err}
	case errors.As(err, &ve) && ve.Fields["action"] != "":
		return badRequest("action", "action must be approve or reject")
	case errors.As(err, &ve):
		return s.showReviewQueue(c, unprocessable, id, r.Note, ve.Fields["note"])
	case err != nil:
		return err
	}
	back := views.ReviewURL
	if pg := c.QueryParam("page"); pg != "" && pg != "1" {
		back = listURL(views.ReviewURL, url.Values{"page": {pg}})
	}
	return s.redirectFlash(c, back, "mapping-"+r.Action+"d")
}
