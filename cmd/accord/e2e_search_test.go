package main

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// searchHit is one result of the search page as a reader sees it.
type searchHit struct {
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Href   string   `json:"href"`
	Meta   string   `json:"meta"`
	Marked []string `json:"marked"`
}

func searchHits(t *testing.T, ctx context.Context) []searchHit {
	t.Helper()
	hits, err := chromedp.Run(ctx, chromedp.Evaluate[[]searchHit](`Array.from(document.querySelectorAll('ol.results > li'), li => ({
		kind: li.querySelector('.meta .tag').textContent.trim(),
		title: li.querySelector('h3 a').textContent.replace(/\s+/g, ' ').trim(),
		href: li.querySelector('h3 a').getAttribute('href'),
		meta: li.querySelector('.meta').textContent.replace(/\s+/g, ' ').trim(),
		marked: Array.from(li.querySelectorAll('mark'), m => m.textContent.toLowerCase()),
	}))`))
	if err != nil {
		t.Fatalf("read the search results: %v", err)
	}
	return hits
}

var resultCountRE = regexp.MustCompile(`^(\d+) results? for “(.*)”$`)

// resultCount reads "N results for “q”" above the results.
func resultCount(t *testing.T, ctx context.Context, q string) int {
	t.Helper()
	h := texts(t, ctx, "#search-results")
	if len(h) != 1 {
		t.Fatalf("result headings = %q, want one", h)
	}
	m := resultCountRE.FindStringSubmatch(h[0])
	if m == nil || m[2] != q {
		t.Fatalf("result heading = %q, want “N results for “%s””", h[0], q)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// facetLink finds the link of one facet value by the facet's heading and
// the value's label, and returns its href and the count beside it.
func facetLink(t *testing.T, ctx context.Context, facet, label string) (href string, count int) {
	t.Helper()
	type link struct {
		Href  string `json:"href"`
		Count string `json:"count"`
	}
	l, err := chromedp.Run(ctx, chromedp.Evaluate[link](`(() => {
		const f = Array.from(document.querySelectorAll('.facet')).find(f => f.querySelector('h3').textContent.trim() === `+strconv.Quote(facet)+`);
		const a = f && Array.from(f.querySelectorAll('a')).find(a => a.textContent.trim() === `+strconv.Quote(label)+`);
		return a ? {href: a.getAttribute('href'), count: a.parentElement.querySelector('.muted').textContent.trim()} : {href: '', count: ''};
	})()`))
	if err != nil {
		t.Fatalf("read facet %s: %v", facet, err)
	}
	if l.Href == "" {
		t.Fatalf("facet %s offers no %q", facet, label)
	}
	n, err := strconv.Atoi(l.Count)
	if err != nil {
		t.Fatalf("facet %s: %q has count %q, want a number", facet, label, l.Count)
	}
	return l.Href, n
}

// TestE2ESearchJourney is J2 Research: a reader types "default passwords"
// in the header's search box, gets ranked results with the words marked,
// narrows them by two facets, and opens a provision, landing on its
// policy at the provision's anchor. It runs with JavaScript on and off and
// checks every page with axe-core.
func TestE2ESearchJourney(t *testing.T) {
	requireE2E(t)
	base := startServer(t)
	const q = "default passwords"
	// The words of the query as the index stems them: a marked word must
	// be one of these.
	marks := regexp.MustCompile(`^(default|defaults|password|passwords)$`)

	for _, js := range []bool{true, false} {
		name, opts := "javascript on", []browserOption(nil)
		if !js {
			name, opts = "javascript off", []browserOption{withoutJavaScript()}
		}
		t.Run(name, func(t *testing.T) {
			ctx := newBrowser(t, opts...)
			visit(t, ctx, base)
			checkA11y(t, ctx)

			searchFromHeader(t, ctx, q)
			requireHeading(t, ctx, "Search")
			checkA11y(t, ctx)
			if got := attr(t, ctx, "#search-q", "value"); got != q {
				t.Errorf("the search page's own box holds %q, want %q", got, q)
			}
			total := resultCount(t, ctx, q)
			hits := searchHits(t, ctx)
			if len(hits) == 0 || total < len(hits) {
				t.Fatalf("%d results listed under a count of %d, want at least one and no more than the count", len(hits), total)
			}
			kinds := map[string]bool{}
			for i, h := range hits {
				kinds[h.Kind] = true
				if len(h.Marked) == 0 {
					t.Errorf("result %d %q marks no word", i+1, h.Title)
				}
				for _, m := range h.Marked {
					if !marks.MatchString(m) {
						t.Errorf("result %d %q marks %q, want only the words of %q", i+1, h.Title, m, q)
					}
				}
			}
			if !kinds["Policy"] || !kinds["Provision"] {
				t.Errorf("kinds of results = %v, want policies and provisions", kinds)
			}
			// Ranking: the shipped provisions titled after default passwords
			// come before any policy that mentions them in passing.
			if hits[0].Kind != "Provision" || !strings.Contains(strings.ToLower(hits[0].Title), "password") {
				t.Errorf("first result = %s %q, want a provision about passwords", hits[0].Kind, hits[0].Title)
			}

			// Narrow to provisions, then to the United Kingdom.
			wantURL := url.Values{"q": {q}}
			for _, step := range []struct{ facet, label, param, value, meta string }{
				{"Kind", "Provision", "kind", "provision", ""},
				{"Jurisdiction", "United Kingdom", "jurisdiction", "GB", "United Kingdom"},
			} {
				_, count := facetLink(t, ctx, step.facet, step.label)
				follow(t, ctx, "click facet "+step.facet+": "+step.label,
					chromedp.Click(chromedp.Search(`//div[@class="facet"][h3[normalize-space()="`+step.facet+`"]]//a[normalize-space()="`+step.label+`"]`)))
				loc := location(t, ctx)
				wantURL.Set(step.param, step.value)
				if loc.Path != "/search" || loc.Query().Encode() != wantURL.Encode() {
					t.Errorf("after facet %s: %s at %s, want /search?%s", step.facet, step.label, loc, wantURL.Encode())
				}
				checkA11y(t, ctx)
				if got := resultCount(t, ctx, q); got != count {
					t.Errorf("after facet %s: %s, %d results, want the facet's count %d", step.facet, step.label, got, count)
				}
				chip := step.facet + ": " + step.label
				if chips := texts(t, ctx, `ul.chips[aria-label="Active filters"] a`); !containsPrefix(chips, chip) {
					t.Errorf("active filters = %q, want one starting %q", chips, chip)
				}
				for i, h := range searchHits(t, ctx) {
					if h.Kind != "Provision" || !strings.Contains(h.Meta, step.meta) {
						t.Errorf("after facet %s: result %d is %s %q (%s), want provisions of %s", step.facet, i+1, h.Kind, h.Title, h.Meta, step.meta)
					}
				}
			}

			// Open the provision of the PSTI Act.
			var hit searchHit
			for _, h := range searchHits(t, ctx) {
				if strings.HasPrefix(h.Href, "/policies/uk-psti-act-2022#") {
					hit = h
				}
			}
			if hit.Href == "" {
				t.Fatalf("the narrowed results %+v hold no provision of the PSTI Act", searchHits(t, ctx))
			}
			follow(t, ctx, "open result "+hit.Title, chromedp.Click(chromedp.CSS(`ol.results h3 a[href="`+hit.Href+`"]`)))
			requirePath(t, ctx, "/policies/uk-psti-act-2022")
			requireHeading(t, ctx, "Product Security and Telecommunications Infrastructure Act 2022")
			anchor := strings.TrimPrefix(hit.Href, "/policies/uk-psti-act-2022#")
			if got := location(t, ctx).Fragment; got != anchor {
				t.Errorf("landed at #%s, want #%s", got, anchor)
			}
			target := texts(t, ctx, ":target h3")
			if len(target) != 1 || !strings.Contains(target[0], hit.Title) {
				t.Errorf("the provision at #%s is headed %q, want one containing %q", anchor, target, hit.Title)
			}
			checkA11y(t, ctx)
		})
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
