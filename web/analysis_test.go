package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// analysisServer serves the shipped content, with two of its mappings
// marked reviewed so that reviewed-only numbers are not all zero.
func analysisServer(t *testing.T) (http.Handler, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatalf("seed: %v", err)
	}
	reviewer, err := db.CreateUser(ctx, store.User{Email: "reviewer@example.org", Name: "Reviewer", Role: "editor"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"uk-psti-act-2022", "eu-cra"} {
		p, err := db.Policy(ctx, slug)
		if err != nil {
			t.Fatalf("policy %s: %v", slug, err)
		}
		if _, err := db.ReviewMapping(store.WithActor(ctx, store.Actor{UserID: reviewer.ID}), p.Mappings[0].ID,
			store.Review{Action: store.ReviewApprove}); err != nil {
			t.Fatalf("review %s: %v", slug, err)
		}
	}
	return web.New(web.Deps{Store: db}), db
}

// get serves one GET request, with gzip when asked.
func anGet(t *testing.T, h http.Handler, target string, gz bool) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func anJSON(t *testing.T, h http.Handler, target string, wantStatus int, v any) {
	t.Helper()
	rec := anGet(t, h, target, false)
	if rec.Code != wantStatus {
		t.Fatalf("GET %s: got status %d, want %d; body %s", target, rec.Code, wantStatus, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
}

func anPage(t *testing.T, h http.Handler, target string) *goquery.Document {
	t.Helper()
	rec := anGet(t, h, target, false)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: got status %d, want 200", target, rec.Code)
	}
	checkNoInlineStyleOrScript(t, target, rec.Body.String())
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return doc
}

// checkNoInlineStyleOrScript enforces what the Content-Security-Policy
// would block: style attributes, style blocks, inline scripts.
func checkNoInlineStyleOrScript(t *testing.T, target, body string) {
	t.Helper()
	for _, bad := range []string{" style=", "<style", "<script>", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("GET %s: page contains %q, which the CSP forbids", target, bad)
		}
	}
}

// listTotal is the total of the policy list behind a /policies link.
func anListTotal(t *testing.T, h http.Handler, href string) int {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil || u.Path != "/policies" {
		t.Fatalf("link %q: want a /policies list", href)
	}
	var list struct{ Total int }
	anJSON(t, h, "/api/v1/policies?per_page=1&"+u.RawQuery, http.StatusOK, &list)
	return list.Total
}

func anGzipSize(t *testing.T, h http.Handler, target string) int {
	t.Helper()
	rec := anGet(t, h, target, true)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s: not gzipped", target)
	}
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return rec.Body.Len()
}

type coverageJSON struct {
	Framework string         `json:"framework"`
	By        string         `json:"by"`
	Reviewed  bool           `json:"reviewed"`
	Scope     string         `json:"scope"`
	Items     []string       `json:"items"`
	Totals    map[string]int `json:"totals"`
	Rows      []struct {
		Key      string         `json:"key"`
		Label    string         `json:"label"`
		Counts   map[string]int `json:"counts"`
		Total    int            `json:"total"`
		Policies int            `json:"policies"`
	} `json:"rows"`
	Gaps struct {
		LeastEvidence []struct {
			Item     string `json:"item"`
			Policies int    `json:"policies"`
		} `json:"least_evidence"`
		Regions []struct {
			Item    string   `json:"item"`
			Missing []string `json:"missing"`
		} `json:"regions"`
		Jurisdictions []struct {
			Item    string   `json:"item"`
			Missing []string `json:"missing"`
		} `json:"jurisdictions"`
	} `json:"gaps"`
}

// TestCoverageAPIMatchesPolicyLists checks every cell, row total and item
// total of every matrix the API offers against the total of the policy
// list that the cell's link opens.
func TestCoverageAPIMatchesPolicyLists(t *testing.T) {
	h, _ := analysisServer(t)
	for _, by := range []string{"jurisdiction", "region", "type"} {
		for _, reviewed := range []bool{false, true} {
			target := "/api/v1/coverage?framework=dc-isss-iot&by=" + by
			rv := ""
			if reviewed {
				target += "&reviewed=1"
				rv = "&reviewed=1"
			}
			var cv coverageJSON
			anJSON(t, h, target, http.StatusOK, &cv)
			if cv.Framework != "dc-isss-iot" || cv.By != by || cv.Reviewed != reviewed || len(cv.Items) != 14 || len(cv.Rows) == 0 {
				t.Fatalf("GET %s: got framework %q by %q reviewed %v, %d items, %d rows", target, cv.Framework, cv.By, cv.Reviewed, len(cv.Items), len(cv.Rows))
			}
			nonzero := 0
			for _, r := range cv.Rows {
				all := ""
				for _, code := range cv.Items {
					n, ok := r.Counts[code]
					if !ok {
						t.Errorf("%s: row %s has no count for %s; want every item, zeros included", target, r.Key, code)
					}
					nonzero += n
					href := "/policies?" + by + "=" + url.QueryEscape(r.Key) + "&challenge=" + code + rv
					if want := anListTotal(t, h, href); n != want {
						t.Errorf("%s: cell %s × %s: got %d, want %d as %s", target, r.Key, code, n, want, href)
					}
					all += "&challenge=" + code
				}
				if want := anListTotal(t, h, "/policies?"+by+"="+url.QueryEscape(r.Key)+all+rv); r.Total != want {
					t.Errorf("%s: row %s total: got %d, want %d", target, r.Key, r.Total, want)
				}
			}
			if nonzero == 0 {
				t.Errorf("%s: every cell is 0; the fixture should give some evidence", target)
			}
			for code, n := range cv.Totals {
				if want := anListTotal(t, h, "/policies?challenge="+code+rv); n != want {
					t.Errorf("%s: item %s total: got %d, want %d", target, code, n, want)
				}
			}
		}
	}
}

func TestCoverageAPIErrors(t *testing.T) {
	h, _ := analysisServer(t)
	tests := []struct {
		target string
		status int
		code   string
	}{
		{"/api/v1/coverage?by=topic", http.StatusBadRequest, "bad_request"},
		{"/api/v1/coverage?reviewed=maybe", http.StatusBadRequest, "bad_request"},
		{"/api/v1/coverage?framework=nope", http.StatusNotFound, "not_found"},
		{"/api/v1/frameworks/dc-isss-iot/mappings?format=xml", http.StatusBadRequest, "bad_request"},
		{"/api/v1/frameworks/nope/mappings?format=csv", http.StatusNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			var body struct {
				Error struct{ Code, Message string }
			}
			anJSON(t, h, tt.target, tt.status, &body)
			if body.Error.Code != tt.code || body.Error.Message == "" {
				t.Errorf("GET %s: got error %+v, want code %s and a message", tt.target, body.Error, tt.code)
			}
		})
	}
}

func TestCoverageShowsNewMappingAtOnce(t *testing.T) {
	h, db := analysisServer(t)
	ctx := context.Background()
	count := func() int {
		var cv coverageJSON
		anJSON(t, h, "/api/v1/coverage?by=jurisdiction", http.StatusOK, &cv)
		for _, r := range cv.Rows {
			if r.Key == "GB" {
				return r.Counts["RQ1b"]
			}
		}
		t.Fatal("no GB row")
		return 0
	}
	before := count()
	p, err := db.Policy(ctx, "uk-psti-act-2022")
	if err != nil {
		t.Fatal(err)
	}
	p.Mappings = append(p.Mappings, store.Mapping{Framework: "dc-isss-iot", Item: "RQ1b", Relationship: "intersects-with",
		Rationale: "Names the protocols products must support"})
	if _, err := db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != before+1 {
		t.Errorf("GB × RQ1b after a new mapping: got %d, want %d", got, before+1)
	}
	doc := anPage(t, h, "/coverage")
	if got := strings.TrimSpace(doc.Find(`#row-GB`).Parent().Find("td").Eq(2).Find("a").Text()); got != strconv.Itoa(before+1) {
		t.Errorf("coverage page GB × RQ1b: got %q, want %d", got, before+1)
	}
}

func TestCoveragePage(t *testing.T) {
	h, _ := analysisServer(t)
	sawUnmapped := 0
	for _, target := range []string{"/coverage", "/coverage?by=region", "/coverage?by=type&reviewed=1"} {
		t.Run(target, func(t *testing.T) {
			doc := anPage(t, h, target)
			table := doc.Find(`table[data-testid="coverage-matrix"]`)
			if table.Find("caption").Text() == "" {
				t.Error("matrix has no caption")
			}
			cols := table.Find(`thead th[scope="col"]`).Length()
			if cols != 14+3 {
				t.Errorf("column headers: got %d, want 17 (rows, 14 items, any item, all policies)", cols)
			}
			rows := table.Find("tbody tr")
			if rows.Length() == 0 {
				t.Fatal("matrix has no row")
			}
			checked := 0
			rows.Each(func(i int, tr *goquery.Selection) {
				if tr.Find(`th[scope="row"]`).Length() != 1 {
					t.Errorf("row %d has no row header", i)
				}
				tr.Find("td").Each(func(j int, td *goquery.Selection) {
					a := td.Find("a")
					if a.Length() == 0 {
						// A zero is not a link: its list would be empty.
						if got := strings.TrimSpace(td.Text()); got != "0" {
							t.Errorf("row %d cell %d: got %q without a link, want 0", i, j, got)
						}
						return
					}
					href, _ := a.Attr("href")
					n, err := strconv.Atoi(strings.TrimSpace(a.Text()))
					if err != nil || n == 0 {
						t.Fatalf("row %d cell %d: got %q, want a non-zero number that links to its list", i, j, td.Text())
					}
					if want := anListTotal(t, h, href); n != want {
						t.Errorf("row %d cell %d: got %d, want %d as %s", i, j, n, want, href)
					}
					if strings.Contains(target, "reviewed=1") && j < 14 && !strings.Contains(href, "reviewed=1") {
						t.Errorf("row %d cell %d links to %s, want the reviewed-only list", i, j, href)
					}
					checked++
				})
			})
			if checked == 0 {
				t.Error("checked no cell")
			}
			form := doc.Find(`form[action="/coverage"][method="get"]`)
			if form.Find(`select[name="by"]`).Length() != 1 || form.Find(`input[name="reviewed"][type="checkbox"]`).Length() != 1 {
				t.Error("no GET form to switch rows and reviewed-only")
			}
			// One control for the grouping: the form's select, no second
			// row of links doing the same.
			if doc.Find(`.switch a[href*="by="]`).Length() != 0 {
				t.Error("a second control switches the rows")
			}
			// Headers carry the item titles visibly; a zero column is
			// explained once; Any item is explained.
			if table.Find(`thead th.item-col .col-title`).FilterFunction(func(_ int, s *goquery.Selection) bool {
				return strings.TrimSpace(s.Text()) != ""
			}).Length() != 14 {
				t.Error("item column headers do not show the item titles")
			}
			if doc.Find("#cov-any").Length() != 1 {
				t.Error("Any item is not explained")
			}
			if tally := doc.Find(`[data-testid="coverage-tally"]`).Text(); !regexp.MustCompile(`\d+ mappings, \d+ reviewed`).MatchString(tally) {
				t.Errorf("coverage page does not say how many mappings are reviewed: %q", tally)
			}
			if doc.Find(".legend li").Length() < 2 {
				t.Error("no legend for the shading")
			}
			// An item without any mapping is explained once, as
			// unmapped, not again as one with the least evidence.
			unmapped := map[string]bool{}
			doc.Find(`[data-testid="coverage-unmapped"] a`).Each(func(_ int, a *goquery.Selection) {
				unmapped[a.AttrOr("href", "")] = true
			})
			sawUnmapped += len(unmapped)
			least := doc.Find(`[data-testid="least"] li`)
			if least.Length() == 0 {
				t.Error("no item with the least evidence")
			}
			least.Each(func(_ int, li *goquery.Selection) {
				if href := li.Find("a").First().AttrOr("href", ""); unmapped[href] {
					t.Errorf("least evidence lists %s, which is already named as unmapped", href)
				}
				if strings.Contains(li.Text(), ": 0 policies") {
					t.Errorf("least evidence lists an item with no policy: %q", li.Text())
				}
			})
		})
	}
	if sawUnmapped == 0 {
		t.Error("no page named an unmapped item: the check above proved nothing")
	}
	doc := anPage(t, h, "/coverage?by=region")
	gaps := doc.Find(`[data-testid="region-gaps"]`).Text()
	if !strings.Contains(gaps, "No policy from Africa maps to C1") {
		t.Errorf("region gaps: got %q, want a sentence %q", gaps, "No policy from Africa maps to C1")
	}
	if size := anGzipSize(t, h, "/coverage?by=type"); size > 60*1024 {
		t.Errorf("/coverage gzipped: got %d bytes, want under 60 KB", size)
	}
	if rec := anGet(t, h, "/coverage?by=nonsense", false); rec.Code != http.StatusBadRequest {
		t.Errorf("/coverage?by=nonsense: got status %d, want 400", rec.Code)
	}
}

var isoCodeRE = regexp.MustCompile(`^[A-Z]{2}$`)

func TestMapPage(t *testing.T) {
	h, db := analysisServer(t)
	js, err := db.Jurisdictions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, j := range js {
		known[j.Code] = true
	}
	blocs, err := db.Blocs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	euMember := map[string]bool{}
	for _, m := range blocs[0].Members {
		euMember[m] = true
	}
	for _, target := range []string{"/map", "/map?challenge=C3", "/map?challenge=C3&reviewed=1",
		"/map?scope=applicable", "/map?scope=applicable&challenge=C3", "/map?scope=national&challenge=C3"} {
		t.Run(target, func(t *testing.T) {
			doc := anPage(t, h, target)
			if doc.Find("script").Length() > 1 {
				t.Error("the map page needs no script but the optional one of the layout")
			}
			shapes := doc.Find(`svg[data-testid="worldmap"] path[data-code]`)
			if shapes.Length() < 249 {
				t.Errorf("shapes: got %d, want one per ISO 3166-1 country (249)", shapes.Length())
			}
			counts := map[string]string{}
			shapes.Each(func(i int, p *goquery.Selection) {
				code, _ := p.Attr("data-code")
				if !isoCodeRE.MatchString(code) {
					t.Errorf("shape %d: data-code %q, want an ISO alpha-2 code", i, code)
				}
				title := p.ChildrenFiltered("title").Text()
				if title == "" {
					t.Errorf("shape %s has no <title>", code)
				}
				counts[code] = title
				// The EU's member states, and only they, carry its hatch.
				blocs, _ := p.Attr("data-blocs")
				hatched := p.NextFiltered("path.map-bloc").Length() == 1
				if member := euMember[code]; member != (blocs == "EU") || member != hatched ||
					member != strings.Contains(title, "European Union instruments apply too") {
					t.Errorf("shape %s: data-blocs %q, hatched %v, title %q; EU member %v", code, blocs, hatched, title, member)
				}
				if p.Parent().Is("a") {
					if href, _ := p.Parent().Attr("href"); href != "/jurisdictions/"+code {
						t.Errorf("shape %s links to %q, want /jurisdictions/%s", code, href, code)
					}
				} else if known[code] {
					t.Errorf("shape %s has a jurisdiction page but no link to it", code)
				}
			})
			// Every ISO 3166-1 country is on the map, small ones as markers.
			for _, j := range js {
				if _, ok := counts[j.Code]; j.Kind == "country" && !ok {
					t.Errorf("country %s (%s) has no shape on the map", j.Code, j.Name)
				}
			}
			rows := doc.Find(`table[data-testid="map-table"] tbody tr`)
			if rows.Length() == 0 {
				t.Fatal("no table of numbers")
			}
			rows.Each(func(i int, tr *goquery.Selection) {
				a := tr.Find("td a")
				href, _ := a.Attr("href")
				n, _ := strconv.Atoi(a.Text())
				if want := anListTotal(t, h, href); n != want || n == 0 {
					t.Errorf("table row %q: got %d, want %d (> 0) as %s", tr.Find("th").Text(), n, want, href)
				}
				jur, _ := tr.Find("th a").Attr("href")
				code := strings.TrimPrefix(jur, "/jurisdictions/")
				if title, drawn := counts[code]; drawn && !strings.Contains(title, ": "+strconv.Itoa(n)+" ") {
					t.Errorf("shape %s title %q does not say %d like the table", code, title, n)
				}
			})
			// The legend: none apart from every class, each class its own
			// colour, and the bloc's hatch with its own entry.
			classes := map[string]bool{}
			doc.Find(`[data-testid="map-legend"] li:not([data-testid="bloc-key"]) rect`).Each(func(i int, r *goquery.Selection) {
				c, _ := r.Attr("class")
				if classes[c] || (i == 0) != (c == "map-c0") {
					t.Errorf("legend entry %d has class %q (seen before: %v); want map-c0 first and each class once", i, c, classes[c])
				}
				classes[c] = true
			})
			if len(classes) < 2 {
				t.Errorf("legend classes %v: want none and at least one step", classes)
			}
			if key := doc.Find(`[data-testid="bloc-key"]`).Text(); !strings.Contains(key, "European Union instruments apply (27 countries)") {
				t.Errorf("bloc legend entry %q, want the EU's 27 members", key)
			}
			blocs := doc.Find(`table[data-testid="blocs"]`).Text()
			if !strings.Contains(blocs, "European Union") || !strings.Contains(blocs, "International") {
				t.Errorf("blocs beside the map: got %q, want the EU and International", blocs)
			}
			if size := anGzipSize(t, h, target); size > 60*1024 {
				t.Errorf("%s gzipped: got %d bytes, want under 60 KB", target, size)
			}
		})
	}
	if rec := anGet(t, h, "/map?challenge=Z9", false); rec.Code != http.StatusBadRequest {
		t.Errorf("/map?challenge=Z9: got status %d, want 400", rec.Code)
	}
	// Austria has no policy of its own; the EU's and the international
	// ones apply there.
	national, applicable := anPage(t, h, "/map"), anPage(t, h, "/map?scope=applicable")
	at := func(doc *goquery.Document) string { return doc.Find(`path[data-code="AT"] title`).Text() }
	if !strings.HasPrefix(at(national), "Austria: 0 policies") || strings.HasPrefix(at(applicable), "Austria: 0 ") {
		t.Errorf("Austria: national %q, applicable %q; want 0 national and more that apply", at(national), at(applicable))
	}
	if c, _ := applicable.Find(`path[data-code="AT"]`).Attr("class"); c == "map-c0" {
		t.Errorf("Austria in the applicable scope is coloured as none")
	}
	if !national.Find(`#map-scope-national`).Is("[checked]") || !applicable.Find(`#map-scope-applicable`).Is("[checked]") {
		t.Error("the scope control does not show the scope in use")
	}
	rec := anGet(t, h, "/map?scope=everything", false)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "scope must be one of national, applicable") {
		t.Errorf("/map?scope=everything: got status %d, want 400 naming scope", rec.Code)
	}
}

func TestItemPageAgreesWithCoverage(t *testing.T) {
	h, _ := analysisServer(t)
	var cv coverageJSON
	anJSON(t, h, "/api/v1/coverage?by=region", http.StatusOK, &cv)
	var jcv coverageJSON
	anJSON(t, h, "/api/v1/coverage?by=jurisdiction", http.StatusOK, &jcv)
	names := map[string]string{}
	for _, r := range jcv.Rows {
		names[r.Key] = r.Label
	}
	for _, code := range []string{"C3", "C5", "RQ1b"} {
		doc := anPage(t, h, "/frameworks/dc-isss-iot/items/"+code)
		got := map[string]int{}
		doc.Find(`table[data-testid="item-regions"] tbody tr`).Each(func(_ int, tr *goquery.Selection) {
			n, _ := strconv.Atoi(tr.Find("td a").Text())
			got[tr.Find("th").Text()] = n
			href, _ := tr.Find("td a").Attr("href")
			if want := anListTotal(t, h, href); n != want {
				t.Errorf("%s region %s: got %d, want %d as %s", code, tr.Find("th").Text(), n, want, href)
			}
		})
		for _, r := range cv.Rows {
			if n, ok := got[r.Label]; !ok || n != r.Counts[code] {
				t.Errorf("%s region %s: page says %d (listed %v), matrix says %d", code, r.Label, n, ok, r.Counts[code])
			}
		}
		text := doc.Text()
		for _, g := range jcv.Gaps.Jurisdictions {
			if g.Item != code {
				continue
			}
			for _, j := range g.Missing {
				if !strings.Contains(text, names[j]) {
					t.Errorf("%s page does not name %s, which the gaps list as without evidence", code, names[j])
				}
			}
		}
		if doc.Find(`a[href^="/coverage?by=region#col-`+code+`"]`).Length() == 0 {
			t.Errorf("%s page has no link into the matrix", code)
		}
	}
	doc := anPage(t, h, "/frameworks/dc-isss-iot/items/C3")
	if doc.Find(`[data-testid="group-intersects-with"] li`).Length() == 0 {
		t.Error("C3 page lists no mapped policy under Intersects with")
	}
	if doc.Find(".badge.ok").Length() == 0 && doc.Find(".badge.warn").Length() == 0 {
		t.Error("C3 page shows no reviewed state")
	}
}

func TestJurisdictionPageAgreesWithCoverage(t *testing.T) {
	h, _ := analysisServer(t)
	var cv coverageJSON
	anJSON(t, h, "/api/v1/coverage?by=jurisdiction", http.StatusOK, &cv)
	for _, r := range cv.Rows {
		doc := anPage(t, h, "/jurisdictions/"+r.Key)
		addressed := map[string]int{}
		doc.Find(`table[data-testid="addressed"] tbody tr`).Each(func(_ int, tr *goquery.Selection) {
			code := tr.Find("th .code").Text()
			n, _ := strconv.Atoi(tr.Find("td a").Text())
			addressed[code] = n
		})
		missing := map[string]bool{}
		doc.Find(`[data-testid="missing"] li .code`).Each(func(_ int, s *goquery.Selection) { missing[s.Text()] = true })
		for _, code := range cv.Items {
			n := r.Counts[code]
			switch {
			case n > 0 && addressed[code] != n:
				t.Errorf("%s × %s: page says %d, matrix says %d", r.Key, code, addressed[code], n)
			case n == 0 && !missing[code]:
				t.Errorf("%s × %s: matrix says none, page does not list it as not addressed", r.Key, code)
			}
		}
	}
}

func TestMappingsExport(t *testing.T) {
	h, _ := analysisServer(t)
	rec := anGet(t, h, "/api/v1/frameworks/dc-isss-iot/mappings?format=csv", false)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: got status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if first, _, _ := strings.Cut(rec.Body.String(), "\r\n"); first != strings.Join(content.MappingCSVHeader, ",") {
		t.Errorf("CSV header: got %q", first)
	}
	var list struct {
		Total int
		Items []store.Mapping
	}
	anJSON(t, h, "/api/v1/frameworks/dc-isss-iot/mappings", http.StatusOK, &list)
	if list.Total == 0 || list.Total != len(list.Items) {
		t.Errorf("JSON: got total %d and %d items", list.Total, len(list.Items))
	}
	if got := strings.Count(rec.Body.String(), "\r\n") - 1; got < list.Total {
		t.Errorf("CSV: got %d records, want at least one per mapping (%d)", got, list.Total)
	}
	first := anGet(t, h, "/api/v1/frameworks/dc-isss-iot/mappings?format=oscal", false)
	if first.Code != http.StatusOK {
		t.Fatalf("OSCAL: got status %d: %s", first.Code, first.Body)
	}
	if problems := content.CheckOSCALMappingCollection(first.Body.Bytes()); len(problems) > 0 {
		t.Errorf("OSCAL export departs from the mapping model:\n%s", strings.Join(problems, "\n"))
	}
	second := anGet(t, h, "/api/v1/frameworks/dc-isss-iot/mappings?format=oscal", false)
	if !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
		t.Error("two OSCAL exports of the same data differ")
	}
}

// TestMapApplicableClasses: with the shipped data, the applicable map
// colours countries in more than two classes, the shared international
// count being one of them and saying so.
func TestMapApplicableClasses(t *testing.T) {
	h, _ := analysisServer(t)
	d := anPage(t, h, "/map?scope=applicable")
	classes := map[string]bool{}
	d.Find("path[data-code]").Each(func(_ int, s *goquery.Selection) {
		if c := s.AttrOr("class", ""); c != "map-c0" {
			classes[c] = true
		}
	})
	if len(classes) <= 2 {
		t.Errorf("applicable map: countries in classes %v, want more than two", classes)
	}
	if !strings.Contains(d.Find(".legend").Text(), "(international only)") {
		t.Errorf("legend %q does not name the international-only class", d.Find(".legend").Text())
	}
}
