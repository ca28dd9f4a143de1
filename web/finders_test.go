package web_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web"
)

// withSearch gives the environment a real search index over its store.
func withSearch(t *testing.T, e *env) {
	t.Helper()
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"), e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Search: idx})
}

// pairs lists a query's name=value pairs, sorted, without the page.
func pairs(t *testing.T, rawURL string) []string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("bad link %q: %v", rawURL, err)
	}
	var out []string
	for k, vs := range u.Query() {
		if k == "page" {
			continue
		}
		for _, v := range vs {
			out = append(out, k+"="+v)
		}
	}
	slices.Sort(out)
	return out
}

// TestFinderChipsDropTheirParameter: each chip links to the same list
// without exactly its own name=value, and a chosen value that matches
// nothing stays chosen, with 0, in the facet list, the filter form and
// the chips.
func TestFinderChipsDropTheirParameter(t *testing.T) {
	e := newEnv(t)
	withSearch(t, e)
	c := e.client()
	for _, tc := range []struct {
		path string
		// zero is a chosen facet value that matches nothing: facet
		// name, value.
		zero [2]string
	}{
		{"/policies?jurisdiction=GB&jurisdiction=US&type=law&year=1900&sort=newest", [2]string{"year", "1900"}},
		{"/policies?q=security&reviewed=1&topic=default-passwords", [2]string{}},
		{"/search?q=security&jurisdiction=GB&jurisdiction=SG&year=1900", [2]string{"year", "1900"}},
		{"/search?q=passwords&kind=policy&type=law", [2]string{}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := c.get(tc.path)
			wantStatus(t, tc.path, w, http.StatusOK)
			d := doc(t, w)
			all := pairs(t, tc.path)
			chips := d.Find("ul.chips a").FilterFunction(func(_ int, a *goquery.Selection) bool { return a.Text() != "Clear all" })
			// Every filter has a chip; q is the search itself on /search.
			want := len(all)
			for _, p := range all {
				if strings.HasPrefix(p, "sort=") || strings.HasPrefix(tc.path, "/search") && strings.HasPrefix(p, "q=") {
					want--
				}
			}
			if chips.Length() != want {
				t.Fatalf("%d chips (%q), want %d", chips.Length(), chips.Text(), want)
			}
			chips.Each(func(_ int, a *goquery.Selection) {
				got := pairs(t, a.AttrOr("href", ""))
				var dropped []string
				for _, p := range all {
					if !slices.Contains(got, p) {
						dropped = append(dropped, p)
					}
				}
				if len(dropped) != 1 || len(got) != len(all)-1 {
					t.Errorf("chip %q links to %v: drops %v of %v, want exactly one", strings.TrimSpace(a.Text()), got, dropped, all)
				}
			})
			if tc.zero[0] == "" {
				return
			}
			name, value := tc.zero[0], tc.zero[1]
			found := false
			d.Find(".facet li").Each(func(_ int, li *goquery.Selection) {
				a := li.Find("a")
				if strings.TrimSpace(a.Text()) != value {
					return
				}
				found = true
				if _, ok := a.Attr("aria-current"); !ok {
					t.Errorf("facet %s=%s is not marked chosen", name, value)
				}
				if n := strings.TrimSpace(li.Find(".muted").Text()); n != "0" {
					t.Errorf("facet %s=%s says %q, want 0", name, value, n)
				}
			})
			if !found {
				t.Errorf("facet %s does not list the chosen %s", name, value)
			}
			if strings.HasPrefix(tc.path, "/policies") {
				o := d.Find("#f-" + name + " option[value='" + value + "']")
				if _, ok := o.Attr("selected"); !ok || !strings.Contains(o.Text(), "(0)") {
					t.Errorf("filter form: %s=%s option %q (selected %v), want selected with (0)", name, value, o.Text(), ok)
				}
			}
		})
	}
}

// TestPoliciesSortKeepsFilters: the sort form carries every filter in
// hidden fields, so choosing a sort keeps them; the filter form carries
// the sort.
func TestPoliciesSortKeepsFilters(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	path := "/policies?jurisdiction=GB&jurisdiction=US&type=law&reviewed=1&q=security&sort=oldest&page=1"
	d := doc(t, c.get(path))
	form := d.Find("form.sort-form")
	if form.Length() != 1 {
		t.Fatalf("%d sort forms, want 1", form.Length())
	}
	sent := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) { sent.Add(in.AttrOr("name", ""), in.AttrOr("value", "")) })
	if form.Find("select[name=sort]").Length() != 1 {
		t.Error("the sort form has no sort select")
	}
	sent.Set("sort", "newest")
	want := []string{"jurisdiction=GB", "jurisdiction=US", "q=security", "reviewed=1", "sort=newest", "type=law"}
	if got := pairs(t, "/policies?"+sent.Encode()); !slices.Equal(got, want) {
		t.Errorf("choosing a sort sends %v, want %v", got, want)
	}
	w := c.get("/policies?" + sent.Encode())
	wantStatus(t, "sorted", w, http.StatusOK)
	if n := doc(t, w).Find("ul.chips a").Length(); n != 6 { // 5 filters and Clear all
		t.Errorf("after sorting, %d chips, want 6", n)
	}
	var kept []string
	d.Find("form.filter-form input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		kept = append(kept, in.AttrOr("name", "")+"="+in.AttrOr("value", ""))
	})
	if !slices.Equal(kept, []string{"reviewed=1", "sort=oldest"}) {
		t.Errorf("the filter form carries %v, want [reviewed=1 sort=oldest]", kept)
	}
}

// TestFindersCanonicalURLs: an address with empty parameters (a GET form
// with blank fields) redirects to the one without them; the filters sit
// in a closed disclosure before the results.
func TestFindersCanonicalURLs(t *testing.T) {
	e := newEnv(t)
	withSearch(t, e)
	c := e.client()
	for _, tc := range []struct{ path, want string }{
		{"/policies?q=&jurisdiction=&type=law&year=&sort=title", "/policies?sort=title&type=law"},
		{"/policies?q=+&jurisdiction=", "/policies"},
		{"/search?q=security&kind=&year=", "/search?q=security"},
		{"/search?q=", "/search"},
		{"/policies?type=law", ""},
		{"/search?q=security", ""},
	} {
		w := c.get(tc.path)
		if tc.want == "" {
			wantStatus(t, tc.path, w, http.StatusOK)
			continue
		}
		wantStatus(t, tc.path, w, http.StatusSeeOther)
		if got := w.Header().Get("Location"); got != tc.want {
			t.Errorf("%s redirects to %q, want %q", tc.path, got, tc.want)
		}
	}
	for _, path := range []string{"/policies?type=law", "/search?q=security"} {
		d := doc(t, c.get(path))
		det := d.Find("details.filters")
		if det.Length() != 1 || !strings.HasPrefix(strings.TrimSpace(det.Find("summary").First().Text()), "Filter") {
			t.Errorf("%s: filters disclosure %d, summary %q; want one, Filter", path, det.Length(), det.Find("summary").Text())
			continue
		}
		if _, open := det.Attr("open"); open {
			t.Errorf("%s: the filters disclosure is open", path)
		}
		if det.Find(".facet").Length() == 0 {
			t.Errorf("%s: no facet inside the disclosure", path)
		}
		if d.Find(".facet").Length() != det.Find(".facet").Length() || d.Find(`form[aria-label="Filter policies"]`).Length() != det.Find("form").Length() {
			t.Errorf("%s: filters outside the disclosure", path)
		}
	}
}
