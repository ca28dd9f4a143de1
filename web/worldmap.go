package web

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
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
	// National by default: every country is party to the international
	// instruments, so counting them everywhere would shade the whole world
	// alike; the bloc marking shows the EU's reach without that.
	mapScope, err := parseScope(c, store.ScopeNational)
	if err != nil {
		return err
	}
	scope := "national policies"
	if mapScope == store.ScopeApplicable {
		scope = "policies that apply (national, bloc and international)"
	}
	if reviewed {
		scope += " with reviewed mappings"
	}
	f := store.PolicyFilter{PerPage: 1, Reviewed: reviewed, Facets: map[string][]string{}}
	page := views.MapPage{Base: s.base(c, "Map"), Framework: s.fwSlug, Challenge: challenge, Reviewed: reviewed,
		ViewBox: s.world.ViewBox, Applicable: mapScope == store.ScopeApplicable}
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
		scope += " mapped to " + challenge
		if reviewed {
			scope += " by a reviewed mapping"
		}
	}
	page.Scope = scope
	// A shape's title repeats the scope so that it reads alone, as a
	// tooltip or a link name: "France: 2 policies mapped to C3".
	titleSuffix := strings.TrimPrefix(strings.TrimPrefix(scope, "national "), "policies")
	counts, err := s.db.JurisdictionCounts(ctx, f, mapScope)
	if err != nil {
		return err
	}
	listHref := func(code string) string {
		kv := l.jurisdictionKV(code, mapScope)
		if challenge != "" {
			kv = append(kv, "challenge", challenge)
		}
		return policiesURL(reviewed, kv...)
	}
	var nonZero []int
	for code, n := range counts {
		if l.jurisdictions[code].Kind == "country" && n > 0 {
			nonZero = append(nonZero, n)
		}
	}
	breaks := classBreaks(nonZero, views.Shades)
	// In the applicable scope every country has the international
	// instruments, so quantiles would give almost every country one
	// colour. The shared count gets a class of its own and the others are
	// cut over what lies above it.
	shared := 0
	if mapScope == store.ScopeApplicable {
		shared = counts["INT"]
	}
	if shared > 0 {
		breaks = sharedBreaks(nonZero, shared, views.Shades)
	}
	drawn := map[string]bool{}
	members := map[string]int{}
	for _, ct := range s.world.Countries {
		drawn[ct.Code] = true
		n := counts[ct.Code]
		shape := views.MapShape{Code: ct.Code, Name: ct.Name, Path: ct.Path, Class: mapClass(n, breaks), Blocs: l.memberOf[ct.Code]}
		shape.Marker = smallShape(ct.Path)
		if j, ok := l.jurisdictions[ct.Code]; ok {
			shape.Name = j.Name
			shape.Href = views.JurisdictionURL(ct.Code)
		}
		shape.Title = shape.Name + ": " + views.Plural(n, "policy", "policies") + titleSuffix
		for _, b := range shape.Blocs {
			shape.Title += "; " + l.value("jurisdiction", b) + " instruments apply too"
			members[b]++
		}
		page.Shapes = append(page.Shapes, shape)
	}
	for _, b := range sortedKeys(members) {
		page.BlocKeys = append(page.BlocKeys, views.LegendEntry{Label: "Member of the " + l.value("jurisdiction", b) +
			": " + l.value("jurisdiction", b) + " instruments apply (" + views.Plural(members[b], "country", "countries") + ")"})
	}
	countries := 0
	var notDrawn []views.MapRow
	for _, j := range l.jurisdictions {
		n := counts[j.Code]
		row := views.MapRow{Code: j.Code, Name: j.Name, Href: views.JurisdictionURL(j.Code), ListHref: listHref(j.Code),
			Count: n}
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
	page.Legend = mapLegend(breaks, slices.Min(append(nonZero, 1<<30)))
	if shared > 0 && len(page.Legend) > 1 && breaks[0] == shared {
		page.Legend[1].Label += " (international only)"
	}
	page.Caption = fmt.Sprintf("World map: %s have %s; darker colours mean more, dotted grey means none. Blocs and international bodies are listed beside the map.",
		views.Plural(len(page.Rows), "country", "countries"), scope)
	return s.render(c, http.StatusOK, views.MapView(page))
}

// classBreaks chooses at most k classes for the non-zero counts: each
// distinct count its own class when there are k or fewer, else quantiles,
// so that the classes follow the data rather than a linear scale that a
// single large count would flatten. It returns each class's highest count,
// ascending.
func classBreaks(counts []int, k int) []int {
	vals := slices.Clone(counts)
	slices.Sort(vals)
	distinct := slices.Compact(slices.Clone(vals))
	if len(distinct) <= k {
		return distinct
	}
	var out []int
	for i := 1; i <= k; i++ {
		b := vals[(len(vals)*i+k-1)/k-1]
		if len(out) == 0 || b > out[len(out)-1] {
			out = append(out, b)
		}
	}
	return out
}

// sharedBreaks is classBreaks when every country shares the first shared
// counts: those that have no more get the first class, and the counts
// above it share the other k-1.
func sharedBreaks(counts []int, shared, k int) []int {
	var above []int
	for _, n := range counts {
		if n > shared {
			above = append(above, n)
		}
	}
	return append([]int{shared}, classBreaks(above, k-1)...)
}

// mapClass is the map's colour class of n: c0 for none, then spread over
// c1..c5 so that few classes still differ clearly.
func mapClass(n int, breaks []int) string {
	if n <= 0 || len(breaks) == 0 {
		return views.MapClass(0)
	}
	i := 0
	for i < len(breaks)-1 && n > breaks[i] {
		i++
	}
	return views.MapClass(paletteStep(i, len(breaks)))
}

// paletteStep places class i of k on the palette's 1..Shades steps, evenly.
func paletteStep(i, k int) int {
	if k <= 1 {
		return (views.Shades + 1) / 2
	}
	return 1 + (i*(views.Shades-1)+(k-1)/2)/(k-1)
}

// mapLegend names the counts of each class: "None", "1", "2–3". The first
// class starts at the first break's lowest count, not at 1, when the data
// starts higher.
func mapLegend(breaks []int, least int) []views.LegendEntry {
	out := []views.LegendEntry{{Class: views.MapClass(0), Label: "None"}}
	lo := max(least, 1)
	for i, hi := range breaks {
		label := fmt.Sprint(hi)
		if hi > lo {
			label = fmt.Sprintf("%d–%d", lo, hi)
		}
		out = append(out, views.LegendEntry{Class: views.MapClass(paletteStep(i, len(breaks))), Label: label})
		lo = hi + 1
	}
	return out
}

// smallShape says where to put a marker for a country too small to point
// at: the centre of its box when the box is under 8 units either way, else
// nil. Paths are M x,y followed by relative l or m steps (see mapdata).
func smallShape(path string) *views.MapMarker {
	fields := strings.FieldsFunc(path, func(r rune) bool { return r == ' ' || r == ',' })
	var x, y, sx, sy, minX, minY, maxX, maxY float64
	first, abs, moving := true, true, false
	var nums []float64
	flush := func() {
		for i := 0; i+1 < len(nums); i += 2 {
			if abs {
				x, y = nums[i], nums[i+1]
				abs = false
			} else {
				x, y = x+nums[i], y+nums[i+1]
			}
			if moving {
				sx, sy, moving = x, y, false
			}
			if first {
				minX, maxX, minY, maxY, first = x, x, y, y, false
			}
			minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
		}
		nums = nums[:0]
	}
	for _, f := range fields {
		for f != "" {
			switch f[0] {
			case 'M', 'm', 'l':
				flush()
				abs, moving, f = f[0] == 'M', f[0] != 'l', f[1:]
				continue
			case 'z':
				flush()
				x, y, f = sx, sy, f[1:]
				continue
			}
			end := strings.IndexAny(f, "Mmlz")
			if end < 0 {
				end = len(f)
			}
			if v, err := strconv.ParseFloat(f[:end], 64); err == nil {
				nums = append(nums, v)
			}
			f = f[end:]
		}
	}
	flush()
	if first || maxX-minX >= 8 || maxY-minY >= 8 {
		return nil
	}
	return &views.MapMarker{X: (minX + maxX) / 2, Y: (minY + maxY) / 2}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
