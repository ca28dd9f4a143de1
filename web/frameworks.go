package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// itemCounts flattens a framework's tree with how many policies of a list
// map to each item (any relationship but not-related).
func itemCounts(fw store.Framework, counts []store.FacetCount) []views.ItemCount {
	byCode := map[string]int{}
	for _, c := range counts {
		byCode[c.Value] = c.Count
	}
	var out []views.ItemCount
	var walk func(items []*store.Item, depth int)
	walk = func(items []*store.Item, depth int) {
		for _, it := range items {
			out = append(out, views.ItemCount{Framework: fw.Slug, Code: it.Code, Title: it.Title, Kind: it.Kind,
				Count: byCode[it.Code], Depth: depth})
			walk(it.Children, depth+1)
		}
	}
	walk(fw.Items, 0)
	return out
}

func (s *Server) framework(c echo.Context) error {
	ctx := c.Request().Context()
	fw, err := s.db.Framework(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	all, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1})
	if err != nil {
		return err
	}
	page := views.FrameworkPage{Base: s.base(c, fw.Title), F: fw, Items: itemCounts(fw, all.Facets["challenge"])}
	page.Description = fw.Description
	return s.render(c, http.StatusOK, views.FrameworkView(page))
}

func (s *Server) item(c echo.Context) error {
	ctx := c.Request().Context()
	fw, err := s.db.Framework(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	it, err := s.db.Item(ctx, fw.Slug, c.Param("code"))
	if err != nil {
		return err
	}
	mappings, err := s.db.ItemMappings(ctx, fw.Slug, it.Code)
	if err != nil {
		return err
	}
	// The evidence page reads its numbers from the coverage matrix, so
	// that both, the gaps and the policy lists always agree.
	cv, err := s.db.Coverage(ctx, store.CoverageOptions{Framework: fw.Slug, By: "region"})
	if err != nil {
		return err
	}
	reviewed, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1, Reviewed: true, Facets: map[string][]string{"challenge": {it.Code}}})
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page := views.ItemPage{Base: s.base(c, it.Code+" "+it.Title), Framework: fw, Item: it, Parent: it.Parent,
		ListHref: policiesURL(false, "challenge", it.Code), Reviewed: reviewed.Total,
		ReviewedHref: policiesURL(true, "challenge", it.Code), MapHref: views.Q("/map", "challenge", it.Code)}
	page.Description = it.Text
	var counts []store.FacetCount
	for _, ci := range cv.Items {
		counts = append(counts, store.FacetCount{Value: ci.Code, Count: ci.Policies})
		if ci.Code == it.Code {
			page.Policies = ci.Policies
		}
	}
	for _, ic := range itemCounts(fw, counts) {
		if ic.Depth > 0 && parentOf(fw, ic.Code) == it.Code {
			page.Children = append(page.Children, ic)
		}
	}
	for _, r := range cv.Rows {
		page.Regions = append(page.Regions, views.RegionCount{Region: r.Label, Count: r.Counts[it.Code],
			Href: policiesURL(false, "region", r.Key, "challenge", it.Code)})
	}
	for _, g := range cv.Gaps.Jurisdictions {
		if g.Item != it.Code {
			continue
		}
		for _, j := range g.Missing {
			page.MissingJurisdictions = append(page.MissingJurisdictions, views.NavItem{Href: views.JurisdictionURL(j), Label: l.value("jurisdiction", j)})
		}
	}
	for _, by := range store.CoverageRows {
		v := url.Values{"by": {by}}
		if fw.Slug != s.fwSlug {
			v.Set("framework", fw.Slug)
		}
		page.MatrixLinks = append(page.MatrixLinks, views.NavItem{Href: listURL("/coverage", v) + "#" + anchorID("col", it.Code),
			Label: strings.ToLower(byLabels[by].view)})
	}
	page.Tally = store.Tally(mappings)
	row := func(m store.Mapping) views.ItemMappingRow {
		return views.ItemMappingRow{Policy: m.Policy, PolicyTitle: m.PolicyTitle, Provision: m.Provision, ProvisionLabel: m.ProvisionLabel,
			Rationale: m.Rationale, Strength: m.Strength, Reviewed: m.Reviewed, Review: views.ReviewState(m)}
	}
	// Within each relationship, reviewed mappings come first, apart from
	// those awaiting review; rejected ones are listed last, counted nowhere.
	rejected := views.MappingGroup{Relationship: "rejected"}
	for _, rel := range store.Relationships {
		g := views.MappingGroup{Relationship: rel}
		for _, reviewed := range []bool{true, false} {
			for _, m := range mappings {
				if m.Relationship == rel && m.Reviewed == reviewed && !m.Rejected {
					g.Rows = append(g.Rows, row(m))
				}
			}
		}
		if len(g.Rows) > 0 {
			page.Groups = append(page.Groups, g)
		}
	}
	for _, m := range mappings {
		if m.Rejected {
			rejected.Rows = append(rejected.Rows, row(m))
		}
	}
	if len(rejected.Rows) > 0 {
		page.Groups = append(page.Groups, rejected)
	}
	return s.render(c, http.StatusOK, views.ItemView(page))
}

func parentOf(fw store.Framework, code string) string {
	parent := ""
	fw.Walk(func(it *store.Item) {
		for _, ch := range it.Children {
			if ch.Code == code {
				parent = it.Code
			}
		}
	})
	return parent
}

func (s *Server) jurisdiction(c echo.Context) error {
	ctx := c.Request().Context()
	j, err := s.db.Jurisdiction(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	list, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: maxPerPage, Facets: map[string][]string{"jurisdiction": {j.Code}}})
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page := views.JurisdictionPage{Base: s.base(c, j.Name), J: j, Rows: l.rows(list.Items),
		Items:      itemCounts(l.framework, list.Facets["challenge"]),
		MatrixHref: "/coverage?by=jurisdiction#" + anchorID("row", j.Code), MapHref: "/map"}
	for _, it := range page.Items {
		if it.Count > 0 {
			page.Addressed = append(page.Addressed, it)
		} else {
			page.Missing = append(page.Missing, it)
		}
	}
	// Applicable by default: the instruments of the blocs and of
	// international bodies are listed apart from the national ones, so
	// showing them cannot be mistaken for the country's own.
	scope, err := parseScope(c, store.ScopeApplicable)
	if err != nil {
		return err
	}
	a, err := s.db.ApplicableIn(ctx, j.Code)
	if err != nil {
		return err
	}
	if len(a.Blocs)+len(a.International) > 0 {
		page.ScopeSwitch = views.Option{Label: "Show only the national policies of " + j.Name,
			Href: views.JurisdictionScopeURL(j.Code, store.ScopeNational)}
		if scope == store.ScopeNational {
			page.ScopeSwitch = views.Option{Label: "Show also the bloc and international instruments that apply in " + j.Name,
				Href: views.JurisdictionURL(j.Code)}
		}
	}
	if scope == store.ScopeApplicable {
		groups := make([][]store.Jurisdiction, 0, len(a.Blocs)+1)
		for _, b := range a.Blocs {
			groups = append(groups, []store.Jurisdiction{b})
		}
		if len(a.International) > 0 {
			groups = append(groups, a.International)
		}
		for _, g := range groups {
			var codes, kv []string
			for _, gj := range g {
				codes = append(codes, gj.Code)
				kv = append(kv, "jurisdiction", gj.Code)
			}
			list, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: maxPerPage, Facets: map[string][]string{"jurisdiction": codes}})
			if err != nil {
				return err
			}
			heading := g[0].Name + " instruments that apply in " + j.Name
			if g[0].Kind == "international" {
				heading = "International instruments that apply in " + j.Name
			}
			page.Applies = append(page.Applies, views.AppliesGroup{ID: anchorID("applies", g[0].Code), Heading: heading,
				ListHref: policiesURL(false, kv...), Rows: l.rows(list.Items)})
		}
	}
	page.Description = "IoT security policies of " + j.Name + " in the Accord knowledge base."
	return s.render(c, http.StatusOK, views.JurisdictionView(page))
}
