package web_test

import (
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sourcePolicy is one record of the data the shipped content was made
// from: ../content/testdata/policies.json and policies-2.json are verbatim
// copies of it, and corrections.json the addresses and dates found since.
type sourcePolicy struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Jurisdiction string   `json:"jurisdiction"`
	Issuer       *string  `json:"issuer"`
	Year         *int     `json:"year"`
	Status       *string  `json:"status"`
	URL          *string  `json:"url"`
	Challenges   []string `json:"challenges"`
	Sources      []string `json:"sources"`
}

// sourcePolicies is every record of the data with corrections.json
// applied, as the shipped content has it.
func sourcePolicies(t *testing.T) []sourcePolicy {
	t.Helper()
	var ps []sourcePolicy
	for _, name := range []string{"policies.json", "policies-2.json"} {
		raw, err := os.ReadFile("../content/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var part []sourcePolicy
		if err := json.Unmarshal(raw, &part); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, part...)
	}
	raw, err := os.ReadFile("../content/testdata/corrections.json")
	if err != nil {
		t.Fatal(err)
	}
	var corr struct {
		URLs map[string]struct {
			URL    string `json:"url"`
			Source string `json:"source"`
		} `json:"urls"`
		Facts map[string]struct {
			Adopted string `json:"adopted"`
		} `json:"facts"`
	}
	if err := json.Unmarshal(raw, &corr); err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		if c, ok := corr.URLs[p.ID]; ok {
			ps[i].URL = &c.URL
			ps[i].Sources = append(ps[i].Sources, c.Source)
		}
		if f, ok := corr.Facts[p.ID]; ok && f.Adopted != "" {
			y, _ := strconv.Atoi(f.Adopted[:4])
			ps[i].Year = &y
		}
	}
	if len(ps) != 194 {
		t.Fatalf("source data has %d policies, want 194", len(ps))
	}
	return ps
}

func TestPages(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name   string
		target string
		h1     string
		check  func(t *testing.T, doc *goquery.Document)
	}{
		{"home", "/", "IoT security policies, mapped to the questions that matter", func(t *testing.T, doc *goquery.Document) {
			if got := text(doc.Find(".stats li").First().Find("strong")); got != "194" {
				t.Errorf("policy count = %q, want 194", got)
			}
			var codes []string
			doc.Find("ol.tree > li > a .code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, text(s)) })
			if diff := cmp.Diff([]string{"RQ1", "RQ2", "RQ3"}, codes); diff != "" {
				t.Errorf("research questions (-want +got):\n%s", diff)
			}
			if n := doc.Find("ol.results > li").Length(); n != 5 {
				t.Errorf("got %d recent policies, want 5", n)
			}
		}},
		{"policies", "/policies", "Policies", func(t *testing.T, doc *goquery.Document) {
			if got := text(doc.Find("#results-heading")); got != "194 policies, page 1 of 10" {
				t.Errorf("summary = %q, want 194 policies, page 1 of 10", got)
			}
			if n := doc.Find("ol.results > li").Length(); n != 20 {
				t.Errorf("got %d rows, want 20", n)
			}
			if n := doc.Find("nav.pagination a[rel=next]").Length(); n != 1 {
				t.Errorf("got %d next links, want 1", n)
			}
		}},
		{"policies filtered to the UK", "/policies?jurisdiction=GB", "Policies", func(t *testing.T, doc *goquery.Document) {
			if got := text(doc.Find("#results-heading")); got != "7 policies" {
				t.Errorf("summary = %q, want 7 policies", got)
			}
			if got := text(doc.Find("ul.chips li").First()); !strings.Contains(got, "Jurisdiction: United Kingdom") {
				t.Errorf("first chip = %q, want the UK filter", got)
			}
		}},
		{"policies by newest, page 2", "/policies?sort=newest&page=2", "Policies", func(t *testing.T, doc *goquery.Document) {
			if got := text(doc.Find("#results-heading")); got != "194 policies, page 2 of 10" {
				t.Errorf("summary = %q", got)
			}
			if v, _ := doc.Find("#f-sort option[selected]").Attr("value"); v != "newest" {
				t.Errorf("selected sort = %q, want newest", v)
			}
		}},
		{"policies matching no filter", "/policies?jurisdiction=AQ", "Policies", func(t *testing.T, doc *goquery.Document) {
			if got := text(doc.Find("#results-heading")); got != "0 policies" {
				t.Errorf("summary = %q, want 0 policies", got)
			}
		}},
		{"policy", "/policies/uk-psti-act-2022", "Product Security and Telecommunications Infrastructure Act 2022", func(t *testing.T, doc *goquery.Document) {
			var items []string
			// The data suggests policy-level mappings; rows naming a
			// provision were added by members since.
			doc.Find("#mappings ~ .table-wrap tbody th").Each(func(_ int, s *goquery.Selection) {
				if !strings.Contains(text(s), "provision") {
					items = append(items, text(s.Find("a .code")))
				}
			})
			if diff := cmp.Diff([]string{"C3", "C5", "C6"}, items); diff != "" {
				t.Errorf("mapped items (-want +got):\n%s", diff)
			}
			if n := doc.Find("#mappings ~ .table-wrap .badge.warn").Length(); n != 3 {
				t.Errorf("got %d not-yet-reviewed badges, want 3", n)
			}
		}},
		{"jurisdiction", "/jurisdictions/GB", "United Kingdom", func(t *testing.T, doc *goquery.Document) {
			// Its own seven; the international instruments are listed apart.
			if n := doc.Find("h2#national ~ ol.results").First().ChildrenFiltered("li").Length(); n != 7 {
				t.Errorf("got %d national policies, want 7", n)
			}
			if dd, ok := fact(doc, "Region"); !ok || text(dd) != "Europe" {
				t.Errorf("region fact missing or wrong")
			}
		}},
		{"jurisdiction without policies", "/jurisdictions/FR", "France", nil},
		{"framework", "/frameworks/dc-isss-iot", "", func(t *testing.T, doc *goquery.Document) {
			var codes []string
			doc.Find("tbody th a").Each(func(_ int, s *goquery.Selection) { codes = append(codes, text(s)) })
			want := []string{"RQ1", "RQ1a", "RQ1b", "RQ1c", "RQ1d", "RQ1e", "RQ2", "RQ3", "C1", "C2", "C3", "C4", "C5", "C6"}
			if diff := cmp.Diff(want, codes); diff != "" {
				t.Errorf("item codes (-want +got):\n%s", diff)
			}
		}},
		{"challenge", "/frameworks/dc-isss-iot/items/C3", "", func(t *testing.T, doc *goquery.Document) {
			if got := text(doc.Find("h1 .code")); got != "C3" {
				t.Errorf("heading code = %q, want C3", got)
			}
			found := false
			doc.Find("ul.results a").Each(func(_ int, s *goquery.Selection) {
				if href, _ := s.Attr("href"); href == "/policies/uk-psti-act-2022" {
					found = true
				}
			})
			if !found {
				t.Error("the PSTI Act, mapped to C3, is not listed")
			}
		}},
		{"research question with sub-items", "/frameworks/dc-isss-iot/items/RQ1", "", func(t *testing.T, doc *goquery.Document) {
			if n := doc.Find("h2:contains('Sub-items') + ul > li").Length(); n != 5 {
				t.Errorf("got %d sub-items, want RQ1a-RQ1e", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := page(t, h, tt.target, 200)
			if n := doc.Find("h1").Length(); n != 1 {
				t.Errorf("got %d h1, want 1", n)
			}
			if tt.h1 != "" {
				if got := text(doc.Find("h1")); got != tt.h1 {
					t.Errorf("h1 = %q, want %q", got, tt.h1)
				}
			}
			if doc.Find("a.skip[href='#main']").Length() != 1 || doc.Find("main#main").Length() != 1 {
				t.Error("no skip link to main")
			}
			if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
				t.Errorf("html lang = %q, want en", lang)
			}
			if strings.TrimSpace(doc.Find("title").Text()) == "" {
				t.Error("empty title")
			}
			if tt.check != nil {
				tt.check(t, doc)
			}
		})
	}
}

// TestEveryPolicyReachable follows the list's pagination from /policies and
// requires it to reach each of the 194 shipped policies exactly once.
func TestEveryPolicyReachable(t *testing.T) {
	h, _ := newTestServer(t)
	seen := map[string]int{}
	next := "/policies"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		doc := page(t, h, next, 200)
		doc.Find("ol.results > li h3 a").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			seen[strings.TrimPrefix(href, "/policies/")]++
		})
		next, _ = doc.Find("nav.pagination a[rel=next]").Attr("href")
	}
	for _, src := range sourcePolicies(t) {
		if seen[src.ID] != 1 {
			t.Errorf("%s listed %d times, want once", src.ID, seen[src.ID])
		}
		delete(seen, src.ID)
	}
	for slug := range seen {
		t.Errorf("listed %s, which is not in the source data", slug)
	}
}

// TestPolicyFactsAsInSource checks each policy page against the source
// data: title, jurisdiction, issuer, year, official link, the sources it
// rests on and status note, with nothing shown where the data has null.
func TestPolicyFactsAsInSource(t *testing.T) {
	h, _ := newTestServer(t)
	for _, src := range sourcePolicies(t) {
		t.Run(src.ID, func(t *testing.T) {
			doc := page(t, h, "/policies/"+src.ID, 200)
			if got := text(doc.Find("h1")); got != src.Title {
				t.Errorf("title = %q, want %q", got, src.Title)
			}
			if dd, ok := fact(doc, "Jurisdiction"); !ok {
				t.Error("no jurisdiction")
			} else if href, _ := dd.Find("a").Attr("href"); href != "/jurisdictions/"+src.Jurisdiction {
				t.Errorf("jurisdiction link = %q, want /jurisdictions/%s", href, src.Jurisdiction)
			}
			dd, ok := fact(doc, "Issued by")
			switch {
			case !ok:
				t.Error("no issuer fact")
			case src.Issuer == nil && text(dd) != "Not recorded":
				t.Errorf("issuer = %q, want Not recorded (null in the data)", text(dd))
			case src.Issuer != nil && text(dd) != *src.Issuer:
				t.Errorf("issuer = %q, want %q", text(dd), *src.Issuer)
			}
			dd, ok = fact(doc, "Adopted")
			switch {
			case !ok:
				t.Error("no adopted fact")
			case src.Year == nil && text(dd) != "Not recorded":
				t.Errorf("adopted = %q, want Not recorded (null in the data)", text(dd))
			case src.Year != nil && !strings.HasPrefix(text(dd), strconv.Itoa(*src.Year)):
				t.Errorf("adopted = %q, want year %d", text(dd), *src.Year)
			}
			dd, ok = fact(doc, "Official text")
			link := dd.Find("a")
			switch {
			case !ok:
				t.Error("no official text fact")
			case src.URL == nil:
				if link.Length() != 0 || text(dd) != "No official link is known for this instrument." {
					t.Errorf("official text = %q with %d links, want none (null in the data)", text(dd), link.Length())
				}
			default:
				if href, _ := link.Attr("href"); href != *src.URL {
					t.Errorf("official link = %q, want %q", href, *src.URL)
				}
			}
			// Where this record comes from: every source as a link.
			var sources []string
			doc.Find(`[data-testid="record-sources"] li a`).Each(func(_ int, a *goquery.Selection) {
				href, _ := a.Attr("href")
				sources = append(sources, href)
			})
			if diff := cmp.Diff(src.Sources, sources, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sources (-want +got):\n%s", diff)
			}
			dd, ok = fact(doc, "Status")
			switch {
			case !ok:
				t.Error("no status fact")
			case src.Status == nil && text(dd) != "Not recorded":
				t.Errorf("status = %q, want Not recorded (null in the data)", text(dd))
			case src.Status != nil && text(dd.Find(".muted").Last()) != "("+*src.Status+")":
				t.Errorf("status note = %q, want (%s)", text(dd.Find(".muted").Last()), *src.Status)
			}
			var items []string
			// The data suggests policy-level mappings; rows naming a
			// provision were added by members since.
			doc.Find("#mappings ~ .table-wrap tbody th").Each(func(_ int, s *goquery.Selection) {
				if !strings.Contains(text(s), "provision") {
					items = append(items, text(s.Find("a .code")))
				}
			})
			slices.Sort(items)
			want := slices.Clone(src.Challenges)
			slices.Sort(want)
			if diff := cmp.Diff(want, items, cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })); diff != "" {
				t.Errorf("mapped challenges (-data +page):\n%s", diff)
			}
		})
	}
}

// TestFilterFormWithoutJavaScript submits the policy filter form the way a
// browser without JavaScript does: a GET of its named fields to its action.
func TestFilterFormWithoutJavaScript(t *testing.T) {
	h, _ := newTestServer(t)
	doc := page(t, h, "/policies", 200)
	form := doc.Find("form.filter-form")
	if method, _ := form.Attr("method"); method != "get" {
		t.Fatalf("filter form method = %q, want get", method)
	}
	action, _ := form.Attr("action")
	gb := form.Find("select[name=jurisdiction] option[value=GB]")
	if gb.Length() != 1 {
		t.Fatal("no United Kingdom option in the jurisdiction select")
	}
	if got := text(gb); got != "United Kingdom (7)" {
		t.Errorf("option = %q, want United Kingdom (7)", got)
	}
	// Every other field at its default, as the browser would send it.
	v := url.Values{}
	form.Find("input[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		if goquery.NodeName(s) == "select" {
			val, _ = s.Find("option[selected]").Attr("value")
		}
		v.Set(name, val)
	})
	v.Set("jurisdiction", "GB")
	// The blank fields are dropped by a redirect to the list's one
	// address, which carries only what is set.
	a := get(t, h, action+"?"+v.Encode())
	if a.StatusCode != 303 || a.Header.Get("Location") != "/policies?jurisdiction=GB" {
		t.Fatalf("the submitted form: status %d to %q, want 303 to /policies?jurisdiction=GB", a.StatusCode, a.Header.Get("Location"))
	}
	res := page(t, h, a.Header.Get("Location"), 200)
	var got []string
	res.Find("ol.results > li h3 a").Each(func(_ int, s *goquery.Selection) { got = append(got, text(s)) })
	want := []string{
		"Code of Practice for Consumer IoT Security",
		"Connected Places Cyber Security Principles",
		"Consultation on regulatory proposals on consumer IoT security",
		"Government response to the call for views on proposals to regulate consumer connected product cyber security",
		"Product Security and Telecommunications Infrastructure Act 2022",
		"Secure by Design: Improving the cyber security of consumer Internet of Things Report",
		"The Electric Vehicles (Smart Charge Points) Regulations 2021 (SI 2021/1467)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UK policies (-want +got):\n%s", diff)
	}
	if sel, _ := res.Find("select[name=jurisdiction] option[selected]").Attr("value"); sel != "GB" {
		t.Errorf("the form forgot the choice: selected %q, want GB", sel)
	}
}

func TestHTMLNotFound(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{
		"/policies/no-such-policy",
		"/policies/UK-PSTI-ACT-2022",
		"/jurisdictions/ZZ",
		"/frameworks/no-such-framework",
		"/frameworks/dc-isss-iot/items/C99",
		"/no/such/page",
		"/policies?page=99",
	} {
		t.Run(target, func(t *testing.T) {
			doc := page(t, h, target, 404)
			if got := text(doc.Find("h1")); got != "Page not found" {
				t.Errorf("h1 = %q, want Page not found", got)
			}
			if content, _ := doc.Find("meta[name=robots]").Attr("content"); content != "noindex" {
				t.Errorf("robots meta = %q, want noindex", content)
			}
			if doc.Find("a[href='/policies']").Length() == 0 {
				t.Error("the 404 page offers no way on")
			}
		})
	}
}

func TestHTMLBadParameters(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{"/policies?page=0", "/policies?page=x", "/policies?per_page=101", "/policies?sort=bogus"} {
		t.Run(target, func(t *testing.T) {
			doc := page(t, h, target, 400)
			if got := text(doc.Find("p.lede")); got == "" {
				t.Error("a 400 page without a message")
			}
		})
	}
}
