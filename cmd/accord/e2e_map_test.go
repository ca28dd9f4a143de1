package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EMapJourney is the analysis journey of a decision-taker: from the
// world map to a country, by its shape and by the map's table, then to one
// of its policies; and from the coverage matrix, by jurisdiction and by
// region, to the policy list a cell counts, which must hold as many
// policies as the cell says. It runs with JavaScript on and off and checks
// every page with axe-core.
func TestE2EMapJourney(t *testing.T) {
	requireE2E(t)
	base := startServer(t)
	const policy = "Product Security and Telecommunications Infrastructure Act 2022"

	for _, js := range []bool{true, false} {
		name, opts := "javascript on", []browserOption(nil)
		if !js {
			name, opts = "javascript off", []browserOption{withoutJavaScript()}
		}
		t.Run(name, func(t *testing.T) {
			ctx := newBrowser(t, opts...)
			visit(t, ctx, base)

			// The map: the shape of the United Kingdom, then its row in the
			// table that is the map's text alternative.
			for _, way := range []struct {
				what, sel string
				shape     bool
			}{
				{"the shape of the United Kingdom", `svg a[href="/jurisdictions/GB"] path[data-code="GB"]`, true},
				{"United Kingdom in the map's table", `[data-testid="map-table"] a[href="/jurisdictions/GB"]`, false},
			} {
				follow(t, ctx, "click Map in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Map"]`)))
				requirePath(t, ctx, "/map")
				requireHeading(t, ctx, "World map of IoT security policies")
				checkA11y(t, ctx)
				if way.shape {
					clickShape(t, ctx, way.sel)
				} else {
					follow(t, ctx, "click "+way.what, chromedp.Click(chromedp.CSS(way.sel)))
				}
				requirePath(t, ctx, "/jurisdictions/GB")
				requireHeading(t, ctx, "United Kingdom")
				checkA11y(t, ctx)
			}
			follow(t, ctx, "open the PSTI Act", chromedp.Click(chromedp.Search(`//main//ol[contains(@class,"results")]//a[normalize-space()="`+policy+`"]`)))
			requirePath(t, ctx, "/policies/uk-psti-act-2022")
			requireHeading(t, ctx, policy)
			checkA11y(t, ctx)

			// The matrix: a cell's number is the length of its list.
			for _, cell := range []struct {
				rows, row, item, param, value string
			}{
				{"By jurisdiction", "United Kingdom", "C3", "jurisdiction", "GB"},
				{"By region", "Europe", "C6", "region", "Europe"},
			} {
				follow(t, ctx, "click Coverage in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Coverage"]`)))
				requireHeading(t, ctx, "Coverage of the research questions and challenges")
				checkA11y(t, ctx)
				// One control chooses the rows: the form's select.
				choose(t, ctx, "#cov-by", cell.rows)
				follow(t, ctx, "show rows "+cell.rows, chromedp.Click(chromedp.Search(`//main//form[@aria-label="Choose the matrix"]//button[normalize-space()="Show"]`)))
				checkA11y(t, ctx)
				n, href := matrixCell(t, ctx, cell.row, cell.item)
				if n == 0 {
					t.Fatalf("the cell %s × %s is 0; pick one with policies to follow", cell.row, cell.item)
				}
				follow(t, ctx, fmt.Sprintf("click the cell %s × %s", cell.row, cell.item),
					chromedp.Click(chromedp.CSS(fmt.Sprintf(`table.matrix td a[href=%q]`, href))))
				checkA11y(t, ctx)
				loc := location(t, ctx)
				if loc.Path != "/policies" || loc.Query().Get(cell.param) != cell.value || loc.Query().Get("challenge") != cell.item {
					t.Errorf("the cell %s × %s leads to %s, want /policies filtered to %s=%s and challenge=%s", cell.row, cell.item, loc, cell.param, cell.value, cell.item)
				}
				// The list pages at the finder's 20 a page; the heading
				// counts them all.
				want := strconv.Itoa(n) + " polic"
				if got := texts(t, ctx, "#results-heading"); len(got) != 1 || !regexp.MustCompile(`^`+want+`(y|ies)(, page 1 of \d+)?$`).MatchString(got[0]) {
					t.Errorf("the list of the cell %s × %s is headed %q, want %d policies", cell.row, cell.item, got, n)
				}
				if got := texts(t, ctx, "ol.results > li h3 a"); len(got) != min(n, 20) {
					t.Errorf("the list of the cell %s × %s shows %d policies %q, want %d", cell.row, cell.item, len(got), got, min(n, 20))
				}
			}
		})
	}
}

// TestE2EMapBlocsAndClasses checks what the map draws in a real browser:
// the EU's 27 member states carry the bloc's hatch over their own colour,
// the legend's classes are distinct colours with "none" unlike the first
// step, the scope control changes Austria's colour, the table of numbers
// comes before the map on a 360 px phone, and the pages pass axe-core. It
// also opens Austria's page, which lists the EU's instruments apart.
func TestE2EMapBlocsAndClasses(t *testing.T) {
	requireE2E(t)
	base := startServer(t)
	ctx := newBrowser(t)
	visit(t, ctx, base+"map")
	checkA11y(t, ctx)
	type drawn struct {
		Members  int      `json:"members"`
		Hatched  int      `json:"hatched"`
		Others   int      `json:"others"`
		Fills    []string `json:"fills"`
		Classes  []string `json:"classes"`
		Austria  string   `json:"austria"`
		BlocKey  string   `json:"blocKey"`
		Markers  int      `json:"markers"`
		TableTop float64  `json:"tableTop"`
		MapTop   float64  `json:"mapTop"`
	}
	read := func() drawn {
		t.Helper()
		d, err := chromedp.Run(ctx, chromedp.Evaluate[drawn](`(() => {
			const members = [...document.querySelectorAll('svg path[data-blocs~="EU"]')];
			const hatched = members.filter(p => {
				const h = p.nextElementSibling;
				return h && h.matches('path.map-bloc') && getComputedStyle(h).fill.includes('map-bloc-hatch') &&
					getComputedStyle(h).pointerEvents === 'none';
			});
			const others = document.querySelectorAll('svg path[data-code]:not([data-blocs~="EU"]) + path.map-bloc').length;
			const rects = [...document.querySelectorAll('[data-testid="map-legend"] li:not([data-testid="bloc-key"]) rect')];
			return {
				members: members.length, hatched: hatched.length, others,
				fills: rects.map(r => getComputedStyle(r).fill), classes: rects.map(r => r.getAttribute('class')),
				austria: getComputedStyle(document.querySelector('svg path[data-code="AT"]')).fill,
				blocKey: (document.querySelector('[data-testid="bloc-key"]') || {}).textContent || '',
				markers: document.querySelectorAll('svg circle.map-marker').length,
				tableTop: document.querySelector('#map-table').getBoundingClientRect().top,
				mapTop: document.querySelector('svg[data-testid="worldmap"]').getBoundingClientRect().top,
			};
		})()`))
		if err != nil {
			t.Fatalf("read the map: %v", err)
		}
		return d
	}
	d := read()
	if d.Members != 27 || d.Hatched != 27 || d.Others != 0 {
		t.Errorf("EU marking: %d members, %d hatched, %d others hatched; want 27, 27, 0", d.Members, d.Hatched, d.Others)
	}
	if !regexp.MustCompile(`European Union instruments apply \(27 countries\)`).MatchString(d.BlocKey) {
		t.Errorf("bloc legend entry %q", d.BlocKey)
	}
	if len(d.Fills) < 3 {
		t.Fatalf("legend fills %q: want none and at least two steps on the shipped content", d.Fills)
	}
	seen := map[string]bool{}
	for i, f := range d.Fills {
		if seen[f] {
			t.Errorf("legend entry %d (%s) repeats the colour %s: fills %q", i, d.Classes[i], f, d.Fills)
		}
		seen[f] = true
	}
	if !regexp.MustCompile(`map-none-dots`).MatchString(d.Fills[0]) {
		t.Errorf("none is filled with %s, want the dotted pattern unlike any step", d.Fills[0])
	}
	if d.Markers == 0 {
		t.Error("no marker for the states too small to point at")
	}
	if d.TableTop < d.MapTop {
		t.Errorf("on a desktop the table (top %.0f) comes before the map (top %.0f)", d.TableTop, d.MapTop)
	}
	national := d.Austria

	click(t, ctx, `#map-scope-applicable`)
	follow(t, ctx, "show", chromedp.Click(chromedp.CSS(`form[action="/map"] button[type="submit"]`)))
	if loc := location(t, ctx); loc.Query().Get("scope") != "applicable" {
		t.Fatalf("the scope control led to %s, want scope=applicable", loc)
	}
	checkA11y(t, ctx)
	if d := read(); d.Austria == national || d.Hatched != 27 {
		t.Errorf("Austria is %s in both scopes (hatched %d), want a colour once the EU's instruments count", national, d.Hatched)
	}

	follow(t, ctx, "open Austria", chromedp.Click(chromedp.CSS(`[data-testid="map-table"] a[href="/jurisdictions/AT"]`)))
	requireHeading(t, ctx, "Austria")
	checkA11y(t, ctx)
	if got := texts(t, ctx, `[data-testid="applies-EU"] h2`); len(got) != 1 || got[0] != "European Union instruments that apply in Austria" {
		t.Errorf("Austria's page: EU heading %q", got)
	}
	if got := texts(t, ctx, `[data-testid="applies-EU"] ol.results > li h3 a`); len(got) == 0 {
		t.Error("Austria's page lists no EU instrument")
	}

	phone := newBrowser(t, withWindow(360, 740))
	visit(t, phone, base+"map")
	checkA11y(t, phone)
	type tops struct {
		Table float64 `json:"table"`
		Map   float64 `json:"map"`
		Wide  bool    `json:"wide"`
	}
	p, err := chromedp.Run(phone, chromedp.Evaluate[tops](`(() => ({
		table: document.querySelector('#map-table').getBoundingClientRect().top,
		map: document.querySelector('svg[data-testid="worldmap"]').getBoundingClientRect().top,
		wide: document.documentElement.scrollWidth > window.innerWidth,
	}))()`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Table > p.Map || p.Wide {
		t.Errorf("at 360 px: table top %.0f, map top %.0f, overflows %v; want the table first and no overflow", p.Table, p.Map, p.Wide)
	}
}

// clickShape clicks a country's shape where the shape itself is under the
// pointer: the middle of its box may be sea, or a neighbour.
func clickShape(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	type point struct {
		X  float64 `json:"x"`
		Y  float64 `json:"y"`
		OK bool    `json:"ok"`
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[point](fmt.Sprintf(`(() => {
		const path = document.querySelector(%q);
		if (!path) return {x: 0, y: 0, ok: false};
		path.scrollIntoView({block: 'center'});
		const r = path.getBoundingClientRect();
		for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
			const x = r.left + r.width * i / 20, y = r.top + r.height * j / 20;
			if (document.elementFromPoint(x, y) === path) return {x, y, ok: true};
		}
		return {x: 0, y: 0, ok: false};
	})()`, sel)))
	if err != nil {
		t.Fatalf("find %s: %v", sel, err)
	}
	if !p.OK {
		t.Fatalf("no point of %s can be clicked", sel)
	}
	follow(t, ctx, "click "+sel, chromedp.MouseClickXY(p.X, p.Y))
}

// matrixCell finds the coverage matrix's cell of a row and an item by the
// headers a reader sees, and returns its number and where its link leads.
func matrixCell(t *testing.T, ctx context.Context, row, item string) (int, string) {
	t.Helper()
	type cell struct {
		N    string `json:"n"`
		Href string `json:"href"`
	}
	c, err := chromedp.Run(ctx, chromedp.Evaluate[cell](fmt.Sprintf(`(() => {
		const table = document.querySelector('table.matrix');
		const col = Array.from(table.tHead.rows[0].cells).findIndex(c => (c.querySelector('.code') || c).textContent.trim() === %q);
		const tr = Array.from(table.tBodies[0].rows).find(r => r.cells[0].textContent.trim() === %q);
		const a = col >= 0 && tr && tr.cells[col].querySelector('a');
		return a ? {n: a.textContent.trim(), href: a.getAttribute('href')} : {n: '', href: ''};
	})()`, item, row)))
	if err != nil {
		t.Fatalf("read the matrix: %v", err)
	}
	if c.Href == "" {
		t.Fatalf("the matrix has no linked cell for row %q and item %s", row, item)
	}
	n, err := strconv.Atoi(c.N)
	if err != nil {
		t.Fatalf("the cell %s × %s reads %q, want a number", row, item, c.N)
	}
	return n, c.Href
}
