package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web"
	"github.com/dc-isss/accord/web/views"
)

// withSearch gives the env's server a real search index of its database,
// with the shipped synonyms, as `accord serve` has.
func (e *env) withSearch() *search.Index {
	e.t.Helper()
	idx, err := search.Open(filepath.Join(e.t.TempDir(), "index"), e.db, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { idx.Close() })
	raw, err := content.BuiltinSynonyms()
	if err != nil {
		e.t.Fatal(err)
	}
	vocab, err := search.ParseSynonyms("synonyms.txt", bytes.NewReader(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	idx.SetSynonyms(vocab)
	if err := idx.CatchUp(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Search: idx})
	return idx
}

// TestPolicyWordsUseTheIndex: the words box of /policies and
// GET /api/v1/policies means what /search means: "SBOM" and "automotive"
// find policies whose titles and summaries never say so (the database's
// substring match cannot), ordered by relevance (judged in the search
// package's relevance test; other instruments may rank before them).
func TestPolicyWordsUseTheIndex(t *testing.T) {
	e := newEnv(t)
	e.withSearch()
	c := e.client()
	tests := []struct {
		q     string
		first string
	}{
		{"SBOM", "eu-cra"},
		{"automotive", "unece-r155"},
		{"labeling scheme", "sg-cls"},
		{"Singpore", "sg-cls"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			w := c.get("/policies?q=" + url.QueryEscape(tt.q))
			wantStatus(t, "GET /policies?q="+tt.q, w, http.StatusOK)
			d := doc(t, w)
			if !strings.Contains(w.Body.String(), `href="`+views.PolicyURL(tt.first)+`"`) {
				t.Errorf("/policies?q=%s does not list %s", tt.q, tt.first)
			}
			// The sort form shows only when there is more than one result.
			if sel := d.Find("option[value=relevance][selected]"); d.Find(".results > li").Length() > 1 && sel.Length() != 1 {
				t.Errorf("/policies?q=%s: want the relevance order chosen by default", tt.q)
			}

			a := c.get("/api/v1/policies?q=" + url.QueryEscape(tt.q))
			wantStatus(t, "GET /api/v1/policies?q="+tt.q, a, http.StatusOK)
			var list struct {
				Items []struct {
					Slug string `json:"slug"`
				} `json:"items"`
				Total int `json:"total"`
			}
			if err := json.Unmarshal(a.Body.Bytes(), &list); err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(list.Items, func(it struct {
				Slug string `json:"slug"`
			}) bool {
				return it.Slug == tt.first
			}) {
				t.Errorf("/api/v1/policies?q=%s = %+v, want %s among them", tt.q, list.Items, tt.first)
			}
		})
	}
	// Facets still filter the index's matches, and count them.
	w := c.get("/api/v1/policies?q=labelling&jurisdiction=SG")
	wantStatus(t, "GET /api/v1/policies?q=labelling&jurisdiction=SG", w, http.StatusOK)
	var list struct {
		Items []struct {
			Slug string `json:"slug"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	// Singapore's three labelling instruments: the scheme, its medical
	// devices sibling and its assessment methodology.
	if list.Total != 3 || len(list.Items) != 3 || list.Items[0].Slug != "sg-cls" {
		t.Errorf("labelling in SG = %+v (total %d), want sg-cls first of 3", list.Items, list.Total)
	}
	// A chosen order still applies to the matches.
	var titled struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
	}
	w = c.get("/api/v1/policies?q=labelling&sort=title")
	if err := json.Unmarshal(w.Body.Bytes(), &titled); err != nil {
		t.Fatal(err)
	}
	if len(titled.Items) < 3 {
		t.Fatalf("labelling by title = %+v, want the labelling schemes", titled.Items)
	}
	for i := 1; i < len(titled.Items); i++ {
		if strings.ToLower(titled.Items[i-1].Title) > strings.ToLower(titled.Items[i].Title) {
			t.Errorf("labelling by title: %q before %q", titled.Items[i-1].Title, titled.Items[i].Title)
		}
	}
}

// TestPolicyWordsBypassTheCache: the policy list with words is answered
// by the index, which trails the database, so it is never served from the
// page cache (no ETag, never a 304); without words it still is.
func TestPolicyWordsBypassTheCache(t *testing.T) {
	e := newEnv(t)
	e.withSearch()
	c := e.client()
	plain := c.get("/policies")
	wantStatus(t, "GET /policies", plain, http.StatusOK)
	if plain.Header().Get("ETag") == "" {
		t.Fatal("GET /policies: no ETag; the test cannot tell cached pages apart")
	}
	for range 2 {
		w := c.get("/policies?q=labelling")
		wantStatus(t, "GET /policies?q=labelling", w, http.StatusOK)
		if et := w.Header().Get("ETag"); et != "" {
			t.Errorf("GET /policies?q=labelling carries ETag %s: it went through the page cache", et)
		}
	}
	req := httpGet("/policies?q=labelling")
	req.Header.Set("If-None-Match", plain.Header().Get("ETag"))
	if w := c.do(req); w.Code != http.StatusOK {
		t.Errorf("GET /policies?q= with the list's ETag: got %d, want 200", w.Code)
	}
}

// TestSearchPageForReaders: no timing on the page (the API keeps it), a
// "Did you mean" link built from the index's words, and a document's hits
// grouped under the document.
func TestSearchPageForReaders(t *testing.T) {
	e := newEnv(t)
	e.withSearch()
	c := e.client()

	w := c.get("/search?q=default+passwords")
	wantStatus(t, "GET /search", w, http.StatusOK)
	body := w.Body.String()
	for _, s := range []string{"took", " ms."} {
		if strings.Contains(strings.ToLower(body), s) {
			t.Errorf("/search shows timing (%q)", s)
		}
	}
	// Naming a policy type or a framework item scores like a word; a NaN
	// score once made the JSON answer fail with 500.
	for _, q := range []string{"law", "consumer+IoT+law", "labeling+scheme", "C3"} {
		wantStatus(t, "GET /api/v1/search?q="+q, c.get("/api/v1/search?q="+q), http.StatusOK)
	}
	a := c.get("/api/v1/search?q=default+passwords")
	if !strings.Contains(a.Body.String(), `"took_ms"`) {
		t.Errorf("/api/v1/search lost took_ms: %s", a.Body)
	}

	d := doc(t, c.get("/search?q=Singpore+labelling&kind=policy"))
	link := d.Find(".did-you-mean a")
	if link.Length() != 1 {
		t.Fatalf("/search?q=Singpore labelling: no Did you mean link")
	}
	u, err := url.Parse(link.AttrOr("href", ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("q"); got != "Singapore labelling" {
		t.Errorf("Did you mean q = %q, want %q", got, "Singapore labelling")
	}
	if got := u.Query().Get("kind"); got != "policy" {
		t.Errorf("Did you mean dropped the kind filter: %s", u)
	}
	if d := doc(t, c.get("/search?q=default+passwords")); d.Find(".did-you-mean").Length() != 0 {
		t.Errorf("/search?q=default passwords offers a correction for words the records use")
	}

	// The shipped example document is a draft: members find its blocks.
	ed := e.signedIn("editor")
	d = doc(t, ed.get("/search?q=device&kind=document&per_page=20"))
	groups := d.Find("ol.results > li")
	if groups.Length() != 1 {
		t.Fatalf("/search?q=device&kind=document: %d results, want the document once", groups.Length())
	}
	if n := groups.Find("ul.result-blocks > li").Length(); n < 2 {
		t.Errorf("the document's passages: %d, want its hits listed under it", n)
	}
	if href := groups.Find("h3 a").AttrOr("href", ""); href != views.DocumentURL("iot-security-by-design") {
		t.Errorf("the group's heading links to %q, want the document", href)
	}
}

// TestSearchFindsFrameworkItems checks that a framework item's code finds
// the item itself, labelled by its kind and linked to its page.
func TestSearchFindsFrameworkItems(t *testing.T) {
	e := newEnv(t)
	e.withSearch()
	c := e.client()
	d := doc(t, c.get("/search?q=RQ1b"))
	first := d.Find("ol.results > li").First()
	if href, want := first.Find("a").First().AttrOr("href", ""), views.ItemURL("dc-isss-iot", "RQ1b"); href != want {
		t.Errorf("/search?q=RQ1b first result links to %q, want %q", href, want)
	}
	if got := strings.TrimSpace(first.Find(".tag").First().Text()); got != "Research question" {
		t.Errorf("/search?q=RQ1b first result labelled %q, want Research question", got)
	}
	if !strings.Contains(d.Text(), "Question or challenge") {
		t.Errorf("/search?q=RQ1b: the kind facet does not name framework items")
	}
	wantStatus(t, "GET /search?q=RQ1b&kind=item", c.get("/search?q=RQ1b&kind=item"), http.StatusOK)
}

// TestSearchMedicalDevices checks that a word is not fuzzed into one two
// edits away: the page lists the records about (medical) devices, and
// marks no "media".
func TestSearchMedicalDevices(t *testing.T) {
	e := newEnv(t)
	e.withSearch()
	d := doc(t, e.client().get("/search?q=medical+devices&per_page=100"))
	if d.Find("ol.results > li").Length() == 0 {
		t.Fatalf("/search?q=medical devices lists nothing, want the records about devices")
	}
	d.Find("mark").Each(func(_ int, m *goquery.Selection) {
		if w := strings.ToLower(m.Text()); !strings.HasPrefix(w, "device") && w != "medical" {
			t.Errorf("/search?q=medical devices marks %q, want only medical and forms of device", m.Text())
		}
	})
}
