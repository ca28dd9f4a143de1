package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// maxPerPage bounds a page of any list.
const maxPerPage = 100

// staticExportPerPage is the policy list's page in the static export:
// all of them, whatever the size of the knowledge base.
const staticExportPerPage = 1 << 20

// yearRE is a year of the year facet.
var yearRE = regexp.MustCompile(`^[0-9]{4}$`)

// parsePolicyFilter reads the list parameters shared by /policies and
// GET /api/v1/policies. Bad paging or sorting is a 400 naming the field.
func (s *Server) parsePolicyFilter(c echo.Context, defaultPerPage int) (store.PolicyFilter, error) {
	qp := c.QueryParams()
	f := store.PolicyFilter{Facets: map[string][]string{}, Page: 1, PerPage: defaultPerPage}
	if isStaticExport(c.Request().Context()) {
		// The static copy has no second page (pages are query strings),
		// so its one page lists every policy.
		f.PerPage = staticExportPerPage
	}
	f.Query = strings.TrimSpace(qp.Get("q"))
	if !utf8.ValidString(f.Query) || len(f.Query) > 500 {
		return f, badRequest("q", "q must be UTF-8 text of at most 500 bytes")
	}
	var l *labels
	for _, name := range store.FacetNames {
		for _, v := range qp[name] {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if l == nil {
				var err error
				if l, err = s.labels(c.Request().Context()); err != nil {
					return f, err
				}
			}
			if err := l.checkFacet(name, v); err != nil {
				return f, err
			}
			if !slices.Contains(f.Facets[name], v) {
				f.Facets[name] = append(f.Facets[name], v)
			}
		}
	}
	if v := qp.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return f, badRequest("page", "page must be a whole number from 1")
		}
		f.Page = n
	}
	if v := qp.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPerPage {
			return f, badRequest("per_page", fmt.Sprintf("per_page must be a whole number from 1 to %d", maxPerPage))
		}
		f.PerPage = n
	}
	if v := qp.Get("sort"); v != "" {
		if !slices.Contains(store.Sorts, v) {
			return f, badRequest("sort", "sort must be one of "+strings.Join(store.Sorts, ", "))
		}
		f.Sort = v
	}
	r, err := parseFlag(c, "reviewed")
	if err != nil {
		return f, err
	}
	f.Reviewed = r
	return f, nil
}

// filterQuery writes a filter back as URL parameters, for links.
func filterQuery(f store.PolicyFilter) url.Values {
	v := url.Values{}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	for _, name := range store.FacetNames {
		for _, x := range f.Facets[name] {
			v.Add(name, x)
		}
	}
	if f.Sort != "" {
		v.Set("sort", f.Sort)
	}
	if f.Reviewed {
		v.Set("reviewed", "1")
	}
	return v
}

func listURL(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	stats, err := s.db.Stats(ctx)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	recent, err := s.db.Policies(ctx, store.PolicyFilter{Sort: "updated", PerPage: 5})
	if err != nil {
		return err
	}
	var questions []*store.Item
	for _, it := range l.framework.Items {
		if it.Kind == "question" {
			questions = append(questions, it)
		}
	}
	p := views.HomePage{Base: s.base(c, ""), Stats: stats, Questions: questions, Recent: l.rows(recent.Items), Framework: s.fwSlug}
	p.Description = "A knowledge base of national and international IoT security policies, mapped to the DC-ISSS IoT sub-group's research questions."
	return s.render(c, http.StatusOK, views.Home(p))
}

// policyList answers a policy list's filter. Its words mean what they
// mean on /search: the index finds the policies they match (a policy
// whose provisions match counts), ordered by relevance unless another
// order is chosen, and the database filters and counts those. Without an
// index, or while it is being built, the database matches the words
// itself, so browsing keeps working.
func (s *Server) policyList(c echo.Context, f store.PolicyFilter) (store.PolicyList, error) {
	if f.Query != "" && s.search != nil {
		slugs, err := s.policyMatches(c, f.Query)
		switch {
		case err == nil:
			f.Within = slugs
		case errors.Is(err, search.ErrNotReady):
			c.Response().Header().Del("Retry-After")
		default:
			return store.PolicyList{}, err
		}
	}
	return s.db.Policies(c.Request().Context(), f)
}

// cachedUnlessWords is the page cache (see cached) for the policy list,
// except when the list has words: those are answered by the search index,
// which trails the database, so a page cached under the database's state
// could keep stale matches.
func (s *Server) cachedUnlessWords(next echo.HandlerFunc) echo.HandlerFunc {
	withCache := s.cached(next)
	return func(c echo.Context) error {
		if strings.TrimSpace(c.QueryParam("q")) != "" {
			return next(c)
		}
		return withCache(c)
	}
}

func (s *Server) policies(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := s.parsePolicyFilter(c, 20)
	if err != nil {
		return err
	}
	list, err := s.policyList(c, f)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page := views.PoliciesPage{Base: s.base(c, "Policies"), Q: f.Query, Sort: f.Sort, Rows: l.rows(list.Items), Total: list.Total}
	page.Base.Query = ""
	page.Description = "Browse IoT security laws, regulations, standards and guidelines by jurisdiction, region, type, status, topic and challenge."
	// With words, the default order is relevance; without, there is no
	// relevance to order by, and the default is the title.
	sorts := []struct{ v, l string }{{"title", "Title"}, {"newest", "Newest first"}, {"oldest", "Oldest first"}, {"updated", "Recently updated"}}
	byDefault := "title"
	if f.Query != "" {
		sorts = append([]struct{ v, l string }{{"relevance", "Relevance"}}, sorts...)
		byDefault = "relevance"
	}
	for _, o := range sorts {
		page.Sorts = append(page.Sorts, views.Option{Value: o.v, Label: o.l, Selected: f.Sort == o.v || (f.Sort == "" && o.v == byDefault)})
	}
	base := filterQuery(f)
	page.Keep = keptParams(base, "sort")
	formControls := []string{"q"}
	for _, fl := range facetLabels {
		formControls = append(formControls, fl.name)
	}
	page.FormKeep = keptParams(base, formControls...)
	for _, fl := range facetLabels {
		counts := list.Facets[fl.name]
		if fl.name == "year" {
			counts = slices.Clone(counts)
			sort.Slice(counts, func(i, j int) bool { return counts[i].Value > counts[j].Value })
		}
		labelOf := func(v string) string { return l.value(fl.name, v) }
		page.Facets = append(page.Facets, views.Facet{Name: fl.name, Label: fl.label,
			Options: facetOptions("/policies", base, fl.name, counts, f.Facets[fl.name], labelOf)})
		page.Chips = append(page.Chips, facetChips("/policies", base, fl.name, fl.label, f.Facets[fl.name], labelOf)...)
	}
	if f.Query != "" {
		page.Chips = append([]views.Chip{{Label: "Words: " + f.Query, Href: listURL("/policies", without(base, "q", f.Query))}}, page.Chips...)
	}
	if f.Reviewed {
		page.Chips = append(page.Chips, views.Chip{Label: "Reviewed mappings only", Href: listURL("/policies", without(base, "reviewed", "1"))})
	}
	pages := int(math.Ceil(float64(list.Total) / float64(f.PerPage)))
	page.Pager = views.Pager{Page: f.Page, Pages: pages, Total: list.Total, Href: func(n int) string {
		v := cloneValues(base)
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return listURL("/policies", v)
	}}
	page.Summary = views.Plural(list.Total, "policy", "policies")
	if pages > 1 {
		page.Summary += fmt.Sprintf(", page %d of %d", f.Page, pages)
	}
	if f.Page > 1 && f.Page > pages {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return s.render(c, http.StatusOK, views.Policies(page))
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, xs := range v {
		out[k] = slices.Clone(xs)
	}
	return out
}

func (s *Server) policy(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.db.Policy(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page := views.PolicyPage{Base: s.base(c, p.DisplayTitle()), P: p, Jurisdictions: l.named(p.Jurisdictions)}
	page.Description = p.Summary
	pageURL := s.absURL(c, views.PolicyURL(p.Slug))
	page.Canonical = pageURL
	page.OpenGraph = policyOpenGraph(p, pageURL)
	if page.JSONLD, err = policyJSONLD(p, page.Jurisdictions, pageURL); err != nil {
		return err
	}
	for _, t := range p.Topics {
		page.Topics = append(page.Topics, views.Named{Code: t, Name: l.value("topic", t)})
	}
	if page.SummaryHTML, err = s.md.Render(p.Summary); err != nil {
		return err
	}
	if page.NotesHTML, err = s.md.Render(p.Notes); err != nil {
		return err
	}
	for _, m := range p.Mappings {
		page.Mappings = append(page.Mappings, views.MappingRow{ID: m.ID, Framework: m.Framework, Item: m.Item, ItemTitle: m.ItemTitle, ProvisionLabel: m.ProvisionLabel,
			Provision: m.Provision, Relationship: m.Relationship, Strength: m.Strength, Rationale: m.Rationale,
			Evidence: m.Evidence, Reviewed: m.Reviewed, Review: views.ReviewState(m), Rejected: m.Rejected})
	}
	page.Tally = store.Tally(p.Mappings)
	related, err := s.db.RelatedPolicies(ctx, p.Slug, 5)
	if err != nil {
		return err
	}
	page.Related = l.rows(related)
	return s.render(c, http.StatusOK, views.PolicyView(page))
}
