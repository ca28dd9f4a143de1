package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// worldMap draws the policies of every country as an SVG map, with the same
// numbers as a table. Each count is the jurisdiction facet of the policy
// list with the same filter, so it equals the total of the list it links to.
func (s *Server) worldMap(c echo.Context) error {
	if s.worldErr != nil {
		return s.worldErr
	}
	ctx := c.Request().Context()
	reviewed, err := parseFlag(c, "reviewed")
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	challenge := c.QueryParam("challenge")
	scope := "policies"
	if reviewed {
		scope = "policies with reviewed mappings"
	}
	f := store.PolicyFilter{PerPage: 1, Reviewed: reviewed, Facets: map[string][]string{}}
	page := views.MapPage{Base: s.base(c, "Map"), Framework: s.fwSlug, Challenge: challenge, Reviewed: reviewed,
		ViewBox: s.world.ViewBox}
	page.Description = "A world map of the IoT security policies in the knowledge base, by country, with the same numbers as a table."
	page.Items = append(page.Items, views.Option{Value: "", Label: "All policies", Selected: challenge == ""})
	found := challenge == ""
	l.framework.Walk(func(it *store.Item) {
		sel := it.Code == challenge
		found = found || sel
		page.Items = append(page.Items, views.Option{Value: it.Code, Label: "Mapped to " + it.Code + " " + it.Title, Selected: sel})
	})
	if !found {
		return badRequest("challenge", fmt.Sprintf("challenge must be an item of %s, such as C3", s.fwSlug))
	}
	if challenge != "" {
		ms, err := s.db.ItemMappings(ctx, s.fwSlug, challenge)
		if err != nil {
			return err
		}
		page.Tally = store.Tally(ms)
		f.Facets["challenge"] = []string{challenge}
		scope = "policies mapped to " + challenge
		if reviewed {
			scope += " by a reviewed mapping"
		}
	}
	page.Scope = scope
	// A shape's title repeats the scope so that it reads alone, as a
	// tooltip or a link name: "France: 2 policies mapped to C3".
	titleSuffix := strings.TrimPrefix(scope, "policies")
	list, err := s.db.Policies(ctx, f)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, fc := range list.Facets["jurisdiction"] {
		counts[fc.Value] = fc.Count
	}
	listHref := func(code string) string {
		kv := []string{"jurisdiction", code}
		if challenge != "" {
			kv = append(kv, "challenge", challenge)
		}
		return policiesURL(reviewed, kv...)
	}
	top := 0
	for code, n := range counts {
		if l.jurisdictions[code].Kind == "country" {
			top = max(top, n)
		}
	}
	drawn := map[string]bool{}
	for _, ct := range s.world.Countries {
		drawn[ct.Code] = true
		n := counts[ct.Code]
		shape := views.MapShape{Code: ct.Code, Name: ct.Name, Path: ct.Path, Shade: shade(n, top)}
		if j, ok := l.jurisdictions[ct.Code]; ok {
			shape.Name = j.Name
			shape.Href = views.JurisdictionURL(ct.Code)
		}
		shape.Title = shape.Name + ": " + views.Plural(n, "policy", "policies") + titleSuffix
		page.Shapes = append(page.Shapes, shape)
	}
	countries := 0
	var notDrawn []views.MapRow
	for _, j := range l.jurisdictions {
		n := counts[j.Code]
		row := views.MapRow{Code: j.Code, Name: j.Name, Href: views.JurisdictionURL(j.Code), ListHref: listHref(j.Code),
			Count: n, Shade: shade(n, top)}
		switch {
		case j.Kind != "country":
			page.Blocs = append(page.Blocs, row)
		case n > 0:
			page.Rows = append(page.Rows, row)
			if !drawn[j.Code] {
				notDrawn = append(notDrawn, row)
			}
		}
		if j.Kind == "country" {
			countries++
		}
	}
	byName := func(rs []views.MapRow) {
		sort.Slice(rs, func(i, k int) bool { return rs[i].Name < rs[k].Name })
	}
	byName(page.Rows)
	byName(notDrawn)
	for _, r := range notDrawn {
		page.NotDrawn = append(page.NotDrawn, views.NavItem{Href: r.Href, Label: fmt.Sprintf("%s (%d)", r.Name, r.Count)})
	}
	// Blocs (kind "bloc") before international bodies, then by name.
	sort.Slice(page.Blocs, func(i, k int) bool {
		return l.jurisdictions[page.Blocs[i].Code].Kind < l.jurisdictions[page.Blocs[k].Code].Kind ||
			(l.jurisdictions[page.Blocs[i].Code].Kind == l.jurisdictions[page.Blocs[k].Code].Kind && page.Blocs[i].Name < page.Blocs[k].Name)
	})
	page.Others = countries - len(page.Rows)
	page.Legend = legend(top)
	page.Caption = fmt.Sprintf("World map: %s have %s; darker shades mean more. Blocs and international bodies are listed beside the map.",
		views.Plural(len(page.Rows), "country", "countries"), scope)
	return s.render(c, http.StatusOK, views.MapView(page))
}
