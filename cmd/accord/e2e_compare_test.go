package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2ECompare is the comparative question of a researcher: from the
// navigation to the comparison, three jurisdictions chosen with the form's
// boxes, the table of topics against them (the PSTI Act's paragraph on
// default passwords first under the United Kingdom), then a choice of one
// refused with the box still checked; and the topic pages. With JavaScript
// on and off, and axe on every page.
func TestE2ECompare(t *testing.T) {
	requireE2E(t)
	base := strings.TrimSuffix(startServer(t), "/")
	submit := chromedp.Click(chromedp.CSS(`[data-testid="compare-form"] button[type="submit"]`))

	for _, js := range []bool{true, false} {
		name, opts := "javascript on", []browserOption(nil)
		if !js {
			name, opts = "javascript off", []browserOption{withoutJavaScript()}
		}
		t.Run(name, func(t *testing.T) {
			ctx := newBrowser(t, opts...)
			visit(t, ctx, base+"/")
			follow(t, ctx, "click Compare in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Compare"]`)))
			requirePath(t, ctx, "/compare")
			requireHeading(t, ctx, "Compare jurisdictions by topic")
			checkA11y(t, ctx)

			for _, code := range []string{"GB", "US", "SG"} {
				click(t, ctx, "#cj-"+code)
			}
			follow(t, ctx, "submit the comparison", submit)
			// The boxes go in the form's order (by region: Americas, Asia,
			// Europe), redirected to the canonical comma-joined address.
			if u := location(t, ctx); u.Path != "/compare" || u.RawQuery != "jurisdictions=US,SG,GB" {
				t.Fatalf("at %s, want /compare?jurisdictions=US,SG,GB", u)
			}
			if cols := attrs(t, ctx, `[data-testid="compare-table"] thead th[data-code]`, "data-code"); !slices.Equal(cols, []string{"US", "SG", "GB"}) {
				t.Fatalf("columns %v, want US, SG, GB", cols)
			}
			// The default passwords row: under the United Kingdom, the
			// mandatory group first, with the PSTI Act's Sch1-para1.
			first, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
				const ths = Array.from(document.querySelectorAll('[data-testid="compare-table"] thead th'));
				const col = ths.findIndex(th => th.dataset.code === 'GB');
				const row = document.querySelector('[data-testid="compare-table"] tbody tr th a[href="/topics/default-passwords"]').closest('tr');
				const cell = row.children[col];
				const ul = cell.querySelector('ul');
				return [ul ? ul.dataset.binding : '', Array.from(cell.querySelectorAll('ul:first-of-type a'), a => a.getAttribute('href')).join(' ')];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if first[0] != "mandatory" || !strings.Contains(first[1], "/policies/uk-psti-act-2022#prov-Sch1-para1") {
				t.Errorf("GB default passwords: first group %q with links %q; want mandatory with uk-psti-act-2022 Sch1-para1", first[0], first[1])
			}
			if got := texts(t, ctx, `[data-testid="compare-table"] td.none`); len(got) == 0 || got[0] != "Nothing found" {
				t.Errorf("empty cells %q, want some reading Nothing found", got)
			}
			checkA11y(t, ctx)

			// Down to one: refused, with the message and the choice kept.
			click(t, ctx, "#compare-choice > summary")
			click(t, ctx, "#cj-US")
			click(t, ctx, "#cj-SG")
			followStatus(t, ctx, "submit one jurisdiction", submit, 400)
			if msg := texts(t, ctx, `[data-testid="error-summary"]`); len(msg) != 1 || !strings.Contains(msg[0], "you chose 1") {
				t.Errorf("message %q, want one saying you chose 1", msg)
			}
			checked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
				`Array.from(document.querySelectorAll('input[name="jurisdictions"]:checked'), e => e.value)`))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(checked, []string{"GB"}) {
				t.Errorf("checked after the refusal: %v, want GB", checked)
			}
			checkA11y(t, ctx)

			for _, path := range []string{"/topics", "/topics/default-passwords"} {
				visit(t, ctx, base+path)
				checkA11y(t, ctx)
			}
			requireHeading(t, ctx, "No universal default passwords")
		})
	}
}
