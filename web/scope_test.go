package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestJurisdictionPageScope checks that a member state's page lists the
// EU's instruments and the international ones apart from its national
// policies, that scope=national leaves them out, that a country outside
// any bloc lists only the international ones, and that a bad scope is a
// 400 naming the parameter.
func TestJurisdictionPageScope(t *testing.T) {
	h, _ := analysisServer(t)
	titles := func(doc *goquery.Document, sel string) []string {
		var out []string
		doc.Find(sel + " ol.results > li h3 a").Each(func(_ int, a *goquery.Selection) { out = append(out, a.Text()) })
		return out
	}
	euList := anListTotal(t, h, "/policies?jurisdiction=EU")
	intList := anListTotal(t, h, "/policies?jurisdiction=INT")
	if euList == 0 || intList == 0 {
		t.Fatalf("the shipped content has %d EU and %d INT policies; want some of each", euList, intList)
	}

	at := anPage(t, h, "/jurisdictions/AT")
	if got := at.Find("h2#national").Text(); got != "National policies of Austria" {
		t.Errorf("Austria's national heading = %q", got)
	}
	eu := at.Find(`[data-testid="applies-EU"]`)
	if h2 := eu.Find("h2").Text(); h2 != "European Union instruments that apply in Austria" {
		t.Errorf("Austria's EU heading = %q", h2)
	}
	if got := titles(at, `[data-testid="applies-EU"]`); len(got) != euList {
		t.Errorf("Austria's page lists %d EU instruments %q, want the %d of the EU's list", len(got), got, euList)
	}
	if href, _ := eu.Find("p a").Attr("href"); anListTotal(t, h, href) != euList {
		t.Errorf("the EU group links to %s, which does not list the same %d", href, euList)
	}
	if got := titles(at, `[data-testid="applies-INT"]`); len(got) != intList {
		t.Errorf("Austria's page lists %d international instruments, want %d", len(got), intList)
	}
	// The national list holds no EU instrument: apart means apart.
	if at.Find("h2#national").NextAllFiltered("ol.results").First().Length() != 0 {
		t.Error("Austria, which has no policy of its own, shows a national list")
	}

	national := anPage(t, h, "/jurisdictions/AT?scope=national")
	if national.Find(`[data-testid="applies-EU"], [data-testid="applies-INT"]`).Length() != 0 {
		t.Error("scope=national still lists bloc or international instruments")
	}
	if href, _ := national.Find(`[data-testid="scope-switch"]`).Attr("href"); href != "/jurisdictions/AT" {
		t.Errorf("the switch back to what applies leads to %q", href)
	}
	if href, _ := at.Find(`[data-testid="scope-switch"]`).Attr("href"); href != "/jurisdictions/AT?scope=national" {
		t.Errorf("the switch to national only leads to %q", href)
	}

	gb := anPage(t, h, "/jurisdictions/GB")
	if gb.Find(`[data-testid="applies-EU"]`).Length() != 0 || len(titles(gb, `[data-testid="applies-INT"]`)) != intList {
		t.Error("the United Kingdom's page should list the international instruments and no EU ones")
	}
	if !strings.Contains(gb.Find(`h2#national ~ ol.results`).First().Text(), "Product Security and Telecommunications Infrastructure Act 2022") {
		t.Error("the United Kingdom's national list lacks the PSTI Act")
	}
	// A bloc's own page has nothing else that applies in it.
	if anPage(t, h, "/jurisdictions/EU").Find(`[data-testid^="applies-"], [data-testid="scope-switch"]`).Length() != 0 {
		t.Error("the EU's page lists instruments that apply in it, or offers a scope switch")
	}

	rec := anGet(t, h, "/jurisdictions/AT?scope=all", false)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "scope must be one of national, applicable") {
		t.Errorf("/jurisdictions/AT?scope=all: status %d, want 400 naming scope", rec.Code)
	}
}

// TestCoverageScope checks that scope=applicable makes each jurisdiction
// row count its own, its blocs' and the international policies, every
// number still the total of the list it names; that the default stays
// national (so the JSON keeps its numbers); and that a bad scope is a 400
// naming it.
func TestCoverageScope(t *testing.T) {
	h, db := analysisServer(t)
	var national, applicable coverageJSON
	anJSON(t, h, "/api/v1/coverage?by=jurisdiction", http.StatusOK, &national)
	anJSON(t, h, "/api/v1/coverage?by=jurisdiction&scope=applicable", http.StatusOK, &applicable)
	if national.Scope != "national" || applicable.Scope != "applicable" {
		t.Errorf("scope fields: %q and %q, want national and applicable", national.Scope, applicable.Scope)
	}
	grew := false
	for i, r := range applicable.Rows {
		a, err := db.ApplicableIn(context.Background(), r.Key)
		if err != nil {
			t.Fatal(err)
		}
		q := ""
		for _, c := range a.Codes(r.Key) {
			q += "&jurisdiction=" + url.QueryEscape(c)
		}
		for _, code := range applicable.Items {
			if want := anListTotal(t, h, "/policies?challenge="+code+q); r.Counts[code] != want {
				t.Errorf("applicable %s × %s: got %d, want %d", r.Key, code, r.Counts[code], want)
			}
		}
		if want := anListTotal(t, h, "/policies?"+q[1:]); r.Policies != want {
			t.Errorf("applicable %s: %d policies, want %d", r.Key, r.Policies, want)
		}
		if national.Rows[i].Key != r.Key {
			t.Fatalf("row %d: %s national, %s applicable; want the same rows", i, national.Rows[i].Key, r.Key)
		}
		if r.Key == "FI" && r.Policies > national.Rows[i].Policies {
			grew = true
		}
	}
	if !grew {
		t.Error("Finland, an EU member, counts no more policies in the applicable scope")
	}
	var body struct {
		Error struct {
			Code   string
			Fields map[string]string
		}
	}
	anJSON(t, h, "/api/v1/coverage?scope=bloc", http.StatusBadRequest, &body)
	if body.Error.Fields["scope"] == "" {
		t.Errorf("scope=bloc: error %+v, want one naming scope", body.Error)
	}
	// The page: every cell links to the list it counts, and the switch
	// offers the other scope.
	doc := anPage(t, h, "/coverage?scope=applicable")
	checked := 0
	doc.Find(`table[data-testid="coverage-matrix"] tbody td a`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if n, _ := strconv.Atoi(strings.TrimSpace(a.Text())); n != anListTotal(t, h, href) {
			t.Errorf("cell %s reads %d, not its list's total", href, n)
		}
		checked++
	})
	if checked == 0 {
		t.Error("checked no cell")
	}
	if href, ok := doc.Find(`[data-testid="scope-toggle"]`).Attr("href"); !ok || strings.Contains(href, "scope=") {
		t.Errorf("the switch back to national leads to %q", href)
	}
	if anPage(t, h, "/coverage?by=region").Find(`[data-testid="scope-toggle"]`).Length() != 0 {
		t.Error("rows by region offer a scope switch that changes nothing")
	}
}
