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
				follow(t, ctx, "show rows "+cell.rows, chromedp.Click(chromedp.Search(`//nav[@aria-label="Rows of the matrix"]//a[normalize-space()="`+cell.rows+`"]`)))
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
				want := strconv.Itoa(n) + " polic"
				if got := texts(t, ctx, "#results-heading"); len(got) != 1 || !regexp.MustCompile(`^`+want+`(y|ies)$`).MatchString(got[0]) {
					t.Errorf("the list of the cell %s × %s is headed %q, want %d policies", cell.row, cell.item, got, n)
				}
				if got := texts(t, ctx, "ol.results > li h3 a"); len(got) != n {
					t.Errorf("the list of the cell %s × %s shows %d policies %q, want %d", cell.row, cell.item, len(got), got, n)
				}
			}
		})
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
		const col = Array.from(table.tHead.rows[0].cells).findIndex(c => c.textContent.trim() === %q);
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
