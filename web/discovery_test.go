package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

func TestSitemapListsOutcomes(t *testing.T) {
	e := newEnv(t)
	e.publishOutcome("iot")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	d := content.Drafts{DB: e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	if _, err := d.Create(ctx, store.Document{Slug: "secret-draft", Title: "Secret draft"}, outcomeText, "first"); err != nil {
		t.Fatal(err)
	}
	w := e.client().get("/sitemap.xml")
	wantStatus(t, "sitemap", w, http.StatusOK)
	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &sm); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range sm.URLs {
		got[u.Loc] = u.LastMod
	}
	for loc, lastmod := range map[string]string{
		"http://example.com/outcomes":                    "",
		"http://example.com/outcomes/iot":                "2026-03-01",
		"http://example.com/outcomes/iot/editions/1":     "2026-03-01",
		"http://example.com/policies/uk-psti-act-2022":   "",
		"http://example.com/frameworks/dc-isss-iot":      "",
		"http://example.com/outcomes/iot/editions/1.pdf": "absent",
		"http://example.com/documents/iot":               "absent",
		"http://example.com/documents/secret-draft":      "absent",
		"http://example.com/outcomes/secret-draft":       "absent",
	} {
		have, listed := got[loc]
		switch {
		case lastmod == "absent" && listed:
			t.Errorf("the sitemap lists %s", loc)
		case lastmod != "absent" && !listed:
			t.Errorf("the sitemap lacks %s", loc)
		case lastmod != "absent" && lastmod != "" && have != lastmod:
			t.Errorf("%s: got lastmod %q, want %q", loc, have, lastmod)
		}
	}
}

func TestRobotsKeepsPrivatePagesOut(t *testing.T) {
	e := newEnv(t)
	w := e.client().get("/robots.txt")
	wantStatus(t, "robots", w, http.StatusOK)
	var disallow []string
	sitemap := ""
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "Disallow: "); ok {
			disallow = append(disallow, v)
		}
		if v, ok := strings.CutPrefix(line, "Sitemap: "); ok {
			sitemap = v
		}
	}
	if sitemap != "http://example.com/sitemap.xml" {
		t.Errorf("got Sitemap %q", sitemap)
	}
	// blocked follows robots.txt matching: a prefix, "*" any run of
	// characters, "$" the end.
	blocked := func(path string) bool {
		for _, rule := range disallow {
			anchored := strings.HasSuffix(rule, "$")
			parts := strings.Split(strings.TrimSuffix(rule, "$"), "*")
			rest, ok := path, true
			for i, p := range parts {
				j := strings.Index(rest, p)
				if j < 0 || (i == 0 && j != 0) {
					ok = false
					break
				}
				rest = rest[j+len(p):]
			}
			if ok && (!anchored || rest == "") {
				return true
			}
		}
		return false
	}
	for _, path := range []string{"/account", "/account/comments", "/login", "/register", "/setup", "/logout", "/unsubscribe",
		"/admin/users", "/api/v1/policies", "/search", "/documents/new", "/documents/iot/edit",
		"/consultations/k/moderation", "/consultations/k/resolution/import", "/consultations/k/comment"} {
		if !blocked(path) {
			t.Errorf("robots.txt lets crawlers into %s", path)
		}
	}
	for _, path := range []string{"/", "/policies/uk-psti-act-2022", "/outcomes", "/outcomes/iot/editions/1",
		"/consultations/k/comments", "/consultations/k/resolution", "/documents/iot", "/frameworks/dc-isss-iot/items/C1"} {
		if blocked(path) {
			t.Errorf("robots.txt keeps crawlers out of the public page %s", path)
		}
	}
}

func TestPolicyJSONLDAndOpenGraph(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		slug, wantType, official string
		jurisdiction             string
	}{
		{"uk-psti-act-2022", "Legislation", "https://www.legislation.gov.uk/ukpga/2022/46/contents", "United Kingdom"},
		{"etsi-ts-103-701", "CreativeWork", "", "European Union"},
	} {
		t.Run(tc.slug, func(t *testing.T) {
			w := e.client().get("/policies/" + tc.slug)
			wantStatus(t, tc.slug, w, http.StatusOK)
			d := doc(t, w)
			raw := d.Find(`script[type="application/ld+json"]`).Text()
			var ld map[string]any
			if err := json.Unmarshal([]byte(raw), &ld); err != nil {
				t.Fatalf("the JSON-LD does not parse: %v: %s", err, raw)
			}
			page := "http://example.com/policies/" + tc.slug
			if ld["@type"] != tc.wantType || ld["url"] != page || ld["@context"] != "https://schema.org" {
				t.Errorf("got @type %v, url %v, @context %v; want %s, %s", ld["@type"], ld["url"], ld["@context"], tc.wantType, page)
			}
			if got, _ := ld["sameAs"].(string); got != tc.official {
				t.Errorf("got sameAs %q, want %q", got, tc.official)
			}
			var places []string
			if tc.wantType == "Legislation" {
				for _, j := range ld["legislationJurisdiction"].([]any) {
					places = append(places, j.(string))
				}
				if ld["legislationDate"] != "2022" || ld["legislationLegalForce"] != "https://schema.org/InForce" {
					t.Errorf("got legislationDate %v, legal force %v", ld["legislationDate"], ld["legislationLegalForce"])
				}
				if by, _ := ld["legislationPassedBy"].(map[string]any); by["name"] != "UK Parliament" {
					t.Errorf("got legislationPassedBy %v", ld["legislationPassedBy"])
				}
			} else {
				for _, j := range ld["spatialCoverage"].([]any) {
					places = append(places, j.(map[string]any)["name"].(string))
				}
				if _, ok := ld["legislationDate"]; ok {
					t.Error("a standard has a legislationDate")
				}
				if ld["datePublished"] != "2021" {
					t.Errorf("got datePublished %v, want 2021", ld["datePublished"])
				}
			}
			if !slices.Contains(places, tc.jurisdiction) {
				t.Errorf("got places %q, want %s among them", places, tc.jurisdiction)
			}
			if got, _ := d.Find(`meta[property="og:url"]`).Attr("content"); got != page {
				t.Errorf("got og:url %q, want %q", got, page)
			}
			if got, _ := d.Find(`meta[property="og:type"]`).Attr("content"); got != "article" {
				t.Errorf("got og:type %q, want article", got)
			}
		})
	}
}
