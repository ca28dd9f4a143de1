package web

import (
	"net/http"
	"strings"

	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// citeJSONLimit is how many hits the editor's citation autocomplete is
// offered: a short list to arrow through; the page shows more.
const citeJSONLimit = 8

// citeFinder is /cite?q=: policies and provisions found by the search
// index, each with the citation to paste into a document. The document
// editor opens it in a new tab, so nothing typed there is lost. With
// format=json it answers the editor's autocomplete (see citeJSON).
func (s *Server) citeFinder(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	asJSON, err := citeFormat(c)
	if err != nil {
		return err
	}
	if asJSON {
		return s.citeJSON(c, q)
	}
	p := views.CitePage{Base: s.base(c, "Find a citation"), Q: q}
	p.NoIndex = true
	p.Base.Query = ""
	if q == "" {
		return s.render(c, http.StatusOK, views.CiteFinder(p))
	}
	p.Title = "Find a citation: " + q
	res, err := s.runSearch(c, citeQuery(q, 30))
	if err != nil {
		return err
	}
	p.Searched = true
	p.Total = res.Total
	for _, h := range res.Hits {
		ref := citeRef(h)
		p.Hits = append(p.Hits, views.CiteHit{Provision: ref != "", Title: h.Title, Parent: h.Parent, URL: h.URL,
			Cite: views.CiteText(h.Slug, ref)})
	}
	return s.render(c, http.StatusOK, views.CiteFinder(p))
}

// citeFormat reads /cite's format parameter: "" for the page, "json" for
// the autocomplete; anything else is a bad request rather than a guess.
func citeFormat(c echo.Context) (bool, error) {
	switch f := c.QueryParam("format"); f {
	case "":
		return false, nil
	case "json":
		return true, nil
	default:
		return false, badRequest("format", "format must be json or left out; "+f+" is not known.")
	}
}

// citeQuery is the search the finder runs: policies and provisions only.
func citeQuery(q string, perPage int) search.Query {
	return search.Query{Q: q, Kinds: []string{search.KindPolicy, search.KindProvision}, PerPage: perPage}
}

// citeRef is the provision reference a hit is cited by, "" for a policy.
func citeRef(h search.Hit) string {
	if h.Kind == search.KindProvision {
		return h.Ref
	}
	return ""
}

// citeHitJSON is one hit of the autocomplete. Citation is made here, by
// the same rule as the page, so the script never builds one itself.
type citeHitJSON struct {
	Kind     string `json:"kind"`
	Title    string `json:"title"`
	Parent   string `json:"parent,omitempty"`
	URL      string `json:"url"`
	Citation string `json:"citation"`
}

// citeListJSON is the autocomplete's answer.
type citeListJSON struct {
	Q     string        `json:"q"`
	Total int           `json:"total"`
	Hits  []citeHitJSON `json:"hits"`
}

// citeJSON answers /cite?format=json&q=: the first hits, each with its
// citation. An empty q finds nothing rather than everything.
func (s *Server) citeJSON(c echo.Context, q string) error {
	out := citeListJSON{Q: q, Hits: []citeHitJSON{}}
	if q != "" {
		res, err := s.runSearch(c, citeQuery(q, citeJSONLimit))
		if err != nil {
			return err
		}
		out.Total = res.Total
		for _, h := range res.Hits {
			out.Hits = append(out.Hits, citeHitJSON{Kind: h.Kind, Title: h.Title, Parent: h.Parent, URL: h.URL,
				Citation: views.CiteText(h.Slug, citeRef(h))})
		}
	}
	return c.JSON(http.StatusOK, out)
}
