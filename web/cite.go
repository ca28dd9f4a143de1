package web

import (
	"net/http"
	"strings"

	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// citeFinder is /cite?q=: policies and provisions found by the search
// index, each with the citation to paste into a document. The document
// editor opens it in a new tab, so nothing typed there is lost.
func (s *Server) citeFinder(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	p := views.CitePage{Base: s.base(c, "Find a citation"), Q: q}
	p.NoIndex = true
	p.Base.Query = ""
	if q == "" {
		return s.render(c, http.StatusOK, views.CiteFinder(p))
	}
	p.Title = "Find a citation: " + q
	res, err := s.runSearch(c, search.Query{Q: q, Kinds: []string{search.KindPolicy, search.KindProvision}, PerPage: 30})
	if err != nil {
		return err
	}
	p.Searched = true
	p.Total = res.Total
	for _, h := range res.Hits {
		ref := ""
		if h.Kind == search.KindProvision {
			ref = h.Ref
		}
		p.Hits = append(p.Hits, views.CiteHit{Provision: ref != "", Title: h.Title, Parent: h.Parent, URL: h.URL,
			Cite: views.CiteText(h.Slug, ref)})
	}
	return s.render(c, http.StatusOK, views.CiteFinder(p))
}
