package web

import (
	"net/http"

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
	list, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1, Facets: map[string][]string{"challenge": {it.Code}}})
	if err != nil {
		return err
	}
	all, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1})
	if err != nil {
		return err
	}
	page := views.ItemPage{Base: s.base(c, it.Code+" "+it.Title), Framework: fw, Item: it, Parent: it.Parent,
		Regions: list.Facets["region"], Policies: list.Total}
	page.Description = it.Text
	for _, ic := range itemCounts(fw, all.Facets["challenge"]) {
		if ic.Depth > 0 && parentOf(fw, ic.Code) == it.Code {
			page.Children = append(page.Children, ic)
		}
	}
	for _, rel := range store.Relationships {
		g := views.MappingGroup{Relationship: rel}
		for _, m := range mappings {
			if m.Relationship == rel {
				g.Rows = append(g.Rows, views.ItemMappingRow{Policy: m.Policy, PolicyTitle: m.PolicyTitle, Provision: m.Provision,
					Rationale: m.Rationale, Strength: m.Strength, Reviewed: m.Reviewed})
			}
		}
		if len(g.Rows) > 0 {
			page.Groups = append(page.Groups, g)
		}
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
		Items: itemCounts(l.framework, list.Facets["challenge"])}
	page.Description = "IoT security policies of " + j.Name + " in the Accord knowledge base."
	return s.render(c, http.StatusOK, views.JurisdictionView(page))
}
