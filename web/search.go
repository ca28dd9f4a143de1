package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Searcher is what the web needs of the search index.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (search.Results, error)
	// PolicySlugs lists the policies q's words find, best first (see
	// search.Index.PolicySlugs): the words box of the policy list.
	PolicySlugs(ctx context.Context, q search.Query) ([]string, error)
}

// searchFacets are the facets the search page offers, in display order.
var searchFacets = []struct{ name, label string }{
	{"kind", "Kind"},
	{"jurisdiction", "Jurisdiction"},
	{"region", "Region"},
	{"type", "Type"},
	{"status", "Status"},
	{"topic", "Topic"},
	{"challenge", "Question or challenge"},
	{"year", "Year adopted"},
}

var kindLabels = map[string]string{
	search.KindPolicy: "Policy", search.KindProvision: "Provision",
	search.KindDocument: "Document", search.KindComment: "Comment",
	search.KindItem: "Question or challenge",
}

// itemKindLabels name a framework item hit by the item's own kind; an
// item of another kind is labelled by kindLabels.
var itemKindLabels = map[string]string{"question": "Research question", "challenge": "Challenge"}

// parseSearch reads /search and /api/v1/search parameters.
func (s *Server) parseSearch(c echo.Context) (search.Query, error) {
	qp := c.QueryParams()
	q := search.Query{Q: qp.Get("q"), Filters: map[string][]string{}, Sort: qp.Get("sort")}
	for _, k := range qp["kind"] {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if !slices.Contains(search.Kinds, k) {
			return q, badRequest("kind", "kind must be one of "+strings.Join(search.Kinds, ", "))
		}
		q.Kinds = append(q.Kinds, k)
	}
	var l *labels
	for _, name := range search.FacetNames {
		if name == "kind" {
			continue
		}
		for _, v := range qp[name] {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if l == nil {
				var err error
				if l, err = s.labels(c.Request().Context()); err != nil {
					return q, err
				}
			}
			if err := l.checkFacet(name, v); err != nil {
				return q, err
			}
			q.Filters[name] = append(q.Filters[name], v)
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &q.Page, 100000}, {"per_page", &q.PerPage, search.MaxPerPage}} {
		v := qp.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > p.max {
			return q, badRequest(p.name, fmt.Sprintf("%s must be a whole number from 1 to %d", p.name, p.max))
		}
		*p.dst = n
	}
	u := userFrom(c)
	q.Private = u.HasRole("editor")
	return q, nil
}

// runSearch asks the index, turning its errors into answers.
func (s *Server) runSearch(c echo.Context, q search.Query) (search.Results, error) {
	if s.search == nil {
		return search.Results{}, &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "Search is not available on this server."}
	}
	res, err := s.search.Search(c.Request().Context(), q)
	return res, s.searchError(c, err)
}

// policyMatches asks the index which policies the words of a policy
// list's filter find, best first.
func (s *Server) policyMatches(c echo.Context, words string) ([]string, error) {
	if s.search == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "Search is not available on this server."}
	}
	slugs, err := s.search.PolicySlugs(c.Request().Context(), search.Query{Q: words, Private: userFrom(c).HasRole("editor")})
	return slugs, s.searchError(c, err)
}

// searchError turns the index's errors into answers.
func (s *Server) searchError(c echo.Context, err error) error {
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		return badRequest(qe.Field, qe.Message)
	case errors.Is(err, search.ErrNotReady):
		c.Response().Header().Set("Retry-After", "30")
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "The search index is being rebuilt. Try again in a minute; browsing the policies works meanwhile.", Err: err}
	}
	return err
}

// hitJSON is one hit in the API.
type hitJSON struct {
	Kind          string              `json:"kind"`
	Slug          string              `json:"slug"`
	Ref           string              `json:"ref,omitempty"`
	Title         string              `json:"title"`
	Parent        string              `json:"parent,omitempty"`
	URL           string              `json:"url"`
	Score         float64             `json:"score"`
	Jurisdictions []string            `json:"jurisdictions"`
	Highlights    map[string][]string `json:"highlights"`
}

func (s *Server) apiSearch(c echo.Context) error {
	q, err := s.parseSearch(c)
	if err != nil {
		return err
	}
	res, err := s.runSearch(c, q)
	if err != nil {
		return err
	}
	hits := make([]hitJSON, len(res.Hits))
	for i, h := range res.Hits {
		js := h.Jurisdictions
		if js == nil {
			js = []string{}
		}
		hits[i] = hitJSON{Kind: h.Kind, Slug: h.Slug, Ref: h.Ref, Title: h.Title, Parent: h.Parent, URL: h.URL,
			Score: h.Score, Jurisdictions: js, Highlights: h.Highlights}
	}
	page, per := q.Page, q.PerPage
	if page == 0 {
		page = 1
	}
	if per == 0 {
		per = search.DefaultPerPage
	}
	return c.JSON(http.StatusOK, map[string]any{"hits": hits, "total": res.Total, "facets": res.Facets,
		"took_ms": float64(res.Took.Microseconds()) / 1000, "page": page, "per_page": per, "fuzzy": res.Fuzzy})
}

// searchHits turns a page of hits into what the page shows. A document
// with more than one hit on the page is one result, at the place of its
// best hit, with its passages under it; a document with one hit is shown
// like any other hit.
func (s *Server) searchHits(hits []search.Hit, l *labels) []views.SearchHit {
	var out []views.SearchHit
	docAt := map[string]int{} // a document's slug -> its result's index in out
	for _, h := range hits {
		hit := views.SearchHit{Kind: kindLabels[h.Kind], Title: h.Title, Parent: h.Parent, URL: h.URL,
			Jurisdictions: l.named(h.Jurisdictions)}
		if lb, ok := itemKindLabels[h.ItemKind]; ok && h.Kind == search.KindItem {
			hit.Kind = lb
		}
		if t := h.Highlights["title"]; len(t) > 0 {
			hit.TitleHTML = s.md.Sanitize(t[0])
		} else {
			hit.TitleHTML = template.HTML(template.HTMLEscapeString(h.Title))
		}
		for _, f := range h.Highlights["text"] {
			hit.Snippets = append(hit.Snippets, s.md.Sanitize(f))
		}
		if h.Kind != search.KindDocument {
			out = append(out, hit)
			continue
		}
		if i, ok := docAt[h.Slug]; ok {
			out[i].Blocks = append(out[i].Blocks, hit)
			continue
		}
		docAt[h.Slug] = len(out)
		title := h.Parent
		if title == "" {
			title = h.Title
		}
		out = append(out, views.SearchHit{Kind: hit.Kind, Title: title, URL: views.DocumentURL(h.Slug),
			Blocks: []views.SearchHit{hit}})
	}
	for i, h := range out {
		if len(h.Blocks) == 1 {
			out[i] = h.Blocks[0] // one passage: shown as itself
		}
	}
	return out
}

func (s *Server) searchPage(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.parseSearch(c)
	if err != nil {
		return err
	}
	page := views.SearchPage{Base: s.base(c, "Search"), Q: strings.TrimSpace(q.Q)}
	page.SearchPage = true
	page.NoIndex = true
	if page.Q != "" {
		page.Title = "Search: " + page.Q
	}
	if page.Q == "" && len(q.Kinds) == 0 && len(q.Filters) == 0 {
		return s.render(c, http.StatusOK, views.Search(page))
	}
	res, err := s.runSearch(c, q)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page.Searched = true
	page.Total = res.Total
	page.Fuzzy = res.Fuzzy
	// Timing is for the API; readers are not shown it.
	if res.Suggestion != "" {
		v := cloneValues(c.QueryParams())
		v.Set("q", res.Suggestion)
		v.Del("page")
		page.DidYouMean, page.DidYouMeanHref = res.Suggestion, listURL("/search", v)
	}
	page.Hits = s.searchHits(res.Hits, l)
	base := c.QueryParams()
	base.Del("page")
	for _, fl := range searchFacets {
		chosen := q.Filters[fl.name]
		labelOf := func(v string) string { return l.value(fl.name, v) }
		if fl.name == "kind" {
			chosen = q.Kinds
			labelOf = func(v string) string { return kindLabels[v] }
		}
		facet := views.Facet{Name: fl.name, Label: fl.label,
			Options: facetOptions("/search", base, fl.name, res.Facets[fl.name], chosen, labelOf)}
		page.Chips = append(page.Chips, facetChips("/search", base, fl.name, fl.label, chosen, labelOf)...)
		if len(facet.Options) > 0 {
			page.Facets = append(page.Facets, facet)
		}
	}
	per := q.PerPage
	if per == 0 {
		per = search.DefaultPerPage
	}
	cur := max(q.Page, 1)
	pages := int(math.Ceil(float64(res.Total) / float64(per)))
	page.Pager = views.Pager{Page: cur, Pages: pages, Total: res.Total, Href: func(n int) string {
		v := cloneValues(base)
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return listURL("/search", v)
	}}
	return s.render(c, http.StatusOK, views.Search(page))
}
