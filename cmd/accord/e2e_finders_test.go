package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EFindersOnAPhone: on a 360 px phone, without JavaScript, the
// first result of /policies and /search shows within a screen and a half,
// the filters wait behind a closed "Filter" disclosure that opens; at
// 320 px no page is wider than the screen, the signed-in header keeps the
// brand and its menu on one row, and every page passes axe.
func TestE2EFindersOnAPhone(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := strings.TrimSuffix(startServer(t, data), "/")
	const password = "a long and unlikely phrase"
	addUser(t, data, "phone@example.org", "Pat Phone-Editor", "editor", password)

	t.Run("360px", func(t *testing.T) {
		ctx := newBrowser(t, withWindow(360, 740), withoutJavaScript())
		for _, path := range []string{"/policies", "/search?q=security"} {
			visit(t, ctx, base+path)
			checkA11y(t, ctx)
			top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
				const r = document.querySelector('ol.results > li');
				return r ? r.getBoundingClientRect().top / window.innerHeight : -1;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if top < 0 || top >= 1.5 {
				t.Errorf("%s: the first result starts at %.2f screens, want within 1.5", path, top)
			}
			// The filters are there, behind the closed disclosure.
			shown := func() (int, int) {
				n, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => {
					const f = Array.from(document.querySelectorAll('.facet'));
					return [f.length, f.filter(e => e.checkVisibility()).length];
				})()`))
				if err != nil || len(n) != 2 {
					t.Fatalf("read the facets: %v", err)
				}
				return n[0], n[1]
			}
			if all, visible := shown(); all == 0 || visible != 0 {
				t.Errorf("%s: %d facets, %d of them visible before opening Filter; want some, none visible", path, all, visible)
			}
			if got := texts(t, ctx, "details.filters > summary"); len(got) != 1 || !strings.HasPrefix(got[0], "Filter") {
				t.Fatalf("%s: filter disclosures %q, want one named Filter", path, got)
			}
			click(t, ctx, "details.filters > summary")
			if all, visible := shown(); visible != all {
				t.Errorf("%s: after opening Filter, %d of %d facets visible", path, visible, all)
			}
			checkA11y(t, ctx)
		}
	})

	t.Run("wide", func(t *testing.T) {
		// On a wide screen the filters show beside the results unasked.
		ctx := newBrowser(t, withWindow(1280, 900))
		for _, path := range []string{"/policies", "/search?q=security"} {
			visit(t, ctx, base+path)
			vis, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](`[
				document.querySelector('details.filters .facet').checkVisibility(),
				document.querySelector('details.filters > summary').checkVisibility()]`))
			if err != nil {
				t.Fatal(err)
			}
			if !vis[0] || vis[1] {
				t.Errorf("%s at 1280 px: facets visible %v, Filter summary visible %v; want the facets shown, the summary not", path, vis[0], vis[1])
			}
			checkA11y(t, ctx)
		}
	})

	t.Run("320px", func(t *testing.T) {
		ctx := newBrowser(t, withWindow(320, 640))
		pages := []string{"/", "/policies", "/policies/uk-psti-act-2022", "/search?q=security", "/map", "/coverage"}
		check := func(path string) {
			t.Helper()
			visit(t, ctx, base+path)
			checkA11y(t, ctx)
			w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
			if err != nil {
				t.Fatal(err)
			}
			if w[0] > w[1] {
				// Name the widest elements, to say what to fix.
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('body *'))
					.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-wrap'))
					.slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`))
				t.Errorf("%s: the page is %d px wide in a %d px window; too wide: %q", path, w[0], w[1], wide)
			}
			// The header: brand and menu on one row, the search box below.
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
				const top = s => document.querySelector(s).getBoundingClientRect().top;
				return [top('.site-header .brand'), top('.site-header .menu'), document.querySelector('.site-header').getBoundingClientRect().height];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if d := rows[0] - rows[1]; d > 12 || d < -12 || rows[2] > 140 {
				t.Errorf("%s: header brand at %.0f, menu at %.0f, height %.0f; want one row and at most 140 px", path, rows[0], rows[1], rows[2])
			}
			// On /search the page's form is the search, so the header
			// has no second box; elsewhere the placeholder fits its box:
			// its text, measured in the box's font, is no wider than the
			// box's inside.
			if strings.HasPrefix(path, "/search") {
				if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[type=search]').length`)); err != nil || n != 1 {
					t.Errorf("%s: %d search boxes (%v), want the page's one", path, n, err)
				}
				return
			}
			fits, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
				const i = document.querySelector('#site-q'), cs = getComputedStyle(i);
				const g = document.createElement('canvas').getContext('2d');
				g.font = cs.font;
				return [g.measureText(i.placeholder).width, i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if fits[0] > fits[1] {
				t.Errorf("%s: the search placeholder is %.0f px wide in a %.0f px box", path, fits[0], fits[1])
			}
		}
		for _, p := range pages {
			check(p)
		}
		// Sign in as an editor (the header's link is in the menu) and
		// look at the members' pages.
		visit(t, ctx, base+"/login")
		typeInto(t, ctx, "#f-email", "phone@example.org")
		typeInto(t, ctx, "#f-password", password)
		follow(t, ctx, "sign in", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Sign in"]`)))
		for _, p := range append([]string{"/policies/import", "/account", "/policies/new"}, pages...) {
			check(p)
		}
		// The menu opens and holds the navigation and the account.
		click(t, ctx, ".menu > summary")
		if got := texts(t, ctx, `.menu .account-links a[href="/account"]`); len(got) != 1 || got[0] != "Pat Phone-Editor" {
			t.Errorf("the open menu names %q, want Pat Phone-Editor", got)
		}
		vis, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.menu .site-nav a').checkVisibility()`))
		if err != nil || !vis {
			t.Errorf("the open menu does not show the navigation (%v)", err)
		}
		checkA11y(t, ctx)
	})
}
