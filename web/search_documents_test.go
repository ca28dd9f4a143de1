package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// searchJSON is the part of a /api/v1/search answer these tests read.
type searchJSON struct {
	Hits []struct {
		Kind string `json:"kind"`
		URL  string `json:"url"`
	} `json:"hits"`
	Total  int `json:"total"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

// TestSearchHidesDrafts runs the real router over a real index holding the
// shipped example draft and a draft of our own: anonymous readers and
// stakeholders never see a draft's block, in the API (hits, total, facets)
// or on the /search page; editors find them, linked to their anchor.
func TestSearchHidesDrafts(t *testing.T) {
	ctx := context.Background()
	s := newDocServer(t)
	text := "Zebrafish recommendations on default passwords."
	if _, err := s.db.CreateDocument(ctx, store.Document{Slug: "zebra-draft", Title: "Zebrafish draft"}, store.NewVersion{
		Source: text, HTML: "<p>" + text + "</p>", NextParagraph: 2,
		Paragraphs: []store.Paragraph{{ID: "p1", Section: "0", Ordinal: 1, Kind: "paragraph", Text: text, HTML: "<p>" + text + "</p>"}},
	}); err != nil {
		t.Fatal(err)
	}
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"), s.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	s.e = web.New(web.Deps{Store: s.db, Search: idx})

	readers := []struct {
		name      string
		session   string
		wantDraft bool
	}{
		{"anonymous", "", false},
		{"stakeholder", s.stakeholderSession, false},
		{"editor", s.editorSession, true},
	}
	queries := []string{"zebrafish", "default passwords", "security by design", ""}
	totals := map[string]int{} // the anonymous totals
	for _, r := range readers {
		for _, q := range queries {
			t.Run(r.name+"/"+q, func(t *testing.T) {
				rec := s.do(t, http.MethodGet, "/api/v1/search?per_page=100&q="+url.QueryEscape(q), r.session, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET /api/v1/search?q=%s: got status %d, want 200: %s", q, rec.Code, rec.Body)
				}
				var res searchJSON
				if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
					t.Fatal(err)
				}
				var docs []string
				for _, h := range res.Hits {
					if h.Kind == search.KindDocument {
						docs = append(docs, h.URL)
					}
				}
				counted := 0
				for _, c := range res.Facets["kind"] {
					if c.Value == search.KindDocument {
						counted = c.Count
					}
				}
				if !r.wantDraft {
					if len(docs) > 0 || counted > 0 {
						t.Errorf("q=%q: got document hits %v and a kind count of %d, want none", q, docs, counted)
					}
					if r.name == "anonymous" {
						totals[q] = res.Total
					} else if res.Total != totals[q] {
						t.Errorf("q=%q: got total %d, want the anonymous total %d", q, res.Total, totals[q])
					}
					if q == "zebrafish" && res.Total != 0 {
						t.Errorf("q=%q: got total %d, want 0: only a draft has the word", q, res.Total)
					}
				}
				if r.wantDraft && q == "zebrafish" {
					if len(docs) != 1 || docs[0] != "/documents/zebra-draft/versions/1#p-p1" {
						t.Errorf("q=%q: got document hits %v, want the draft's block /documents/zebra-draft/versions/1#p-p1", q, docs)
					}
				}

				page := "/search?q=" + url.QueryEscape(q)
				if q == "" {
					page = "/search" // an empty q redirects there
				}
				rec = s.do(t, http.MethodGet, page, r.session, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET /search?q=%s: got status %d, want 200", q, rec.Code)
				}
				links := parseRec(t, rec).Find(`a[href^="/documents/"]`)
				if !r.wantDraft && (links.Length() > 0 || strings.Contains(rec.Body.String(), "Zebrafish draft")) {
					t.Errorf("/search?q=%s: got %d links to documents, want none and no draft title", q, links.Length())
				}
				if r.wantDraft && q == "zebrafish" && links.Length() == 0 {
					t.Errorf("/search?q=%s: got no link to the draft, want one for an editor", q)
				}
			})
		}
	}
}
