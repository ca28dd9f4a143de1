package main

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/dc-isss/accord/content"
)

// shippedTitles are the titles of the shipped policies of one jurisdiction,
// sorted.
func shippedTitles(t *testing.T, jurisdiction string) []string {
	t.Helper()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range b.Policies {
		if slices.Contains(p.Jurisdictions, jurisdiction) {
			out = append(out, p.Title)
		}
	}
	slices.Sort(out)
	return out
}

// TestE2EBrowseJourney is the journey of the foundation: home, the policy
// list through the navigation, the filter form narrowed to one country,
// a policy, and a challenge it is mapped to. It runs with JavaScript on
// and off, and checks every page it visits with axe-core.
func TestE2EBrowseJourney(t *testing.T) {
	requireE2E(t)
	base := startServer(t)
	const title = "Product Security and Telecommunications Infrastructure Act 2022"
	wantUK := shippedTitles(t, "GB")
	if len(wantUK) == 0 {
		t.Fatal("the shipped content has no UK policy to look for")
	}
	for _, js := range []bool{true, false} {
		name := "javascript on"
		var opts []browserOption
		if !js {
			name = "javascript off"
			opts = append(opts, withoutJavaScript())
		}
		t.Run(name, func(t *testing.T) {
			ctx := newBrowser(t, opts...)

			visit(t, ctx, base)
			if got := scriptingEnabled(t, ctx); got != js {
				t.Fatalf("page scripting enabled = %v, want %v", got, js)
			}
			requireHeading(t, ctx, "IoT security policies, mapped to the questions that matter")
			checkA11y(t, ctx)

			follow(t, ctx, "click Policies in the navigation",
				chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Policies"]`)))
			requireHeading(t, ctx, "Policies")
			requirePath(t, ctx, "/policies")
			checkA11y(t, ctx)

			// Choose the option a person reads, "United Kingdom (2)", by its label.
			gb, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(Array.from(document.querySelectorAll('form.filter-form select[name=jurisdiction] option'))
				.find(o => o.textContent.trim().startsWith('United Kingdom (')) || {value: ''}).value`))
			if err != nil {
				t.Fatal(err)
			}
			if gb == "" {
				t.Fatal("the filter form offers no United Kingdom")
			}
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`form.filter-form select[name=jurisdiction]`), gb)); err != nil {
				t.Fatalf("choose United Kingdom: %v", err)
			}
			follow(t, ctx, "submit the filter form",
				chromedp.Click(chromedp.CSS(`form.filter-form button[type=submit]`)))
			loc := location(t, ctx)
			if loc.Path != "/policies" || loc.Query().Get("jurisdiction") != "GB" {
				t.Errorf("after filtering at %s, want /policies?jurisdiction=GB", loc)
			}
			got := texts(t, ctx, "ol.results > li h3 a")
			slices.Sort(got)
			if !slices.Equal(got, wantUK) {
				t.Errorf("UK policies listed = %q, want %q", got, wantUK)
			}
			checkA11y(t, ctx)

			follow(t, ctx, "open the PSTI Act",
				chromedp.Click(chromedp.Search(`//ol[contains(@class,"results")]//a[normalize-space()="`+title+`"]`)))
			requireHeading(t, ctx, title)
			requirePath(t, ctx, "/policies/uk-psti-act-2022")
			checkA11y(t, ctx)

			challenges := texts(t, ctx, `#mappings ~ .table-wrap tbody a[href*="/items/"] .code`)
			if len(challenges) == 0 {
				t.Fatal("the policy page shows no mapped challenge")
			}
			code := challenges[0]
			follow(t, ctx, "follow mapped challenge "+code,
				chromedp.Click(chromedp.CSS(`#mappings ~ .table-wrap tbody a[href$="/items/`+code+`"]`)))
			requirePath(t, ctx, "/frameworks/dc-isss-iot/items/"+code)
			if h := texts(t, ctx, "h1 .code"); len(h) != 1 || h[0] != code {
				t.Errorf("item page heading code = %q, want %s", h, code)
			}
			if !slices.Contains(texts(t, ctx, "main ul.results a"), title) {
				t.Errorf("item %s does not list the policy mapped to it", code)
			}
			checkA11y(t, ctx)
		})
	}
}

// TestE2EAccessibility runs axe-core on one public page of every kind, the
// error page included, on a wide screen and a 320 px one, and requires that the
// narrow one never scrolls sideways (WCAG 1.4.10 Reflow).
func TestE2EAccessibility(t *testing.T) {
	requireE2E(t)
	base := strings.TrimSuffix(startServer(t), "/")
	pages := []string{
		"/",
		"/policies",
		"/policies?jurisdiction=US&sort=newest&page=1",
		"/policies/uk-psti-act-2022",
		"/policies/etsi-ts-103-701", // a policy with no official address
		"/jurisdictions/GB",
		"/jurisdictions/FR", // a jurisdiction without policies
		"/frameworks/dc-isss-iot",
		"/frameworks/dc-isss-iot/items/RQ1",
		"/frameworks/dc-isss-iot/items/C3",
		"/search?q=default+passwords",
		"/coverage",
		"/map",
		"/documents",
		"/login",
		"/register",
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"wide", 1280, 900}, {"320px", 320, 640}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := newBrowser(t, withWindow(size.w, size.h))
			for _, p := range pages {
				visit(t, ctx, base+p)
				checkA11y(t, ctx)
				requireNoSidewaysScroll(t, ctx, size.w)
			}
			// The error page is a page too; it answers 404, so no visit().
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/policies/no-such-policy")); err != nil {
				t.Fatal(err)
			}
			requireHeading(t, ctx, "Page not found")
			checkA11y(t, ctx)
			requireNoSidewaysScroll(t, ctx, size.w)
		})
	}
}

func requireHeading(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != want {
		t.Fatalf("h1 = %q, want %q", got, want)
	}
}

func location(t *testing.T, ctx context.Context) *url.URL {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func requirePath(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := location(t, ctx); got.Path != want {
		t.Fatalf("at %s, want path %s", got, want)
	}
}

func requireNoSidewaysScroll(t *testing.T, ctx context.Context, width int) {
	t.Helper()
	scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if scroll > width {
		t.Errorf("%s: the page is %d px wide in a %d px window", location(t, ctx), scroll, width)
	}
}
