package web_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web"
)

// citeJSONAnswer is /cite?format=json as the editor's script reads it.
type citeJSONAnswer struct {
	Q     string `json:"q"`
	Total int    `json:"total"`
	Hits  []struct {
		Kind     string `json:"kind"`
		Title    string `json:"title"`
		Parent   string `json:"parent"`
		URL      string `json:"url"`
		Citation string `json:"citation"`
	} `json:"hits"`
}

// TestCiteFinderJSON asks the citation finder for JSON, as the document
// editor's autocomplete does: every hit's citation is the one
// content.CitationText makes for the hit's policy and provision, found
// again by following the hit's URL; an empty q finds nothing; an unknown
// format is a 400 in JSON naming the field.
func TestCiteFinderJSON(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"), e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Search: idx})
	c := e.client()

	tests := []struct {
		q    string
		want []string // citations that must be offered
	}{
		{"default passwords", []string{content.CitationText("etsi-en-303-645", "5.1-1")}},
		{"PSTI", []string{content.CitationText("uk-psti-act-2022", "")}},
	}
	for _, tt := range tests {
		w := c.get("/cite?format=json&q=" + strings.ReplaceAll(tt.q, " ", "+"))
		wantStatus(t, tt.q, w, http.StatusOK)
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q, want JSON", tt.q, ct)
		}
		var got citeJSONAnswer
		decode(t, w, &got)
		if got.Q != tt.q || got.Total < len(got.Hits) || len(got.Hits) == 0 || len(got.Hits) > 8 {
			t.Errorf("%s: q %q, total %d, %d hits; want the query back and 1 to 8 hits", tt.q, got.Q, got.Total, len(got.Hits))
		}
		offered := map[string]bool{}
		for _, h := range got.Hits {
			offered[h.Citation] = true
			// The URL names the policy (and the provision's anchor);
			// the citation must be CitationText's for the same.
			slug, ref, _ := strings.Cut(strings.TrimPrefix(h.URL, "/policies/"), "#prov-")
			if h.Kind != "provision" {
				ref = ""
			}
			if want := content.CitationText(slug, ref); h.Citation != want || slug == "" {
				t.Errorf("%s: hit %q (%s, %s) cites %q, want %q", tt.q, h.Title, h.Kind, h.URL, h.Citation, want)
			}
			if h.Kind == "provision" && h.Parent == "" {
				t.Errorf("%s: provision hit %q has no parent policy", tt.q, h.Title)
			}
		}
		for _, want := range tt.want {
			if !offered[want] {
				t.Errorf("%s: %s not offered; got %v", tt.q, want, offered)
			}
		}
	}

	w := c.get("/cite?format=json&q=")
	wantStatus(t, "empty q", w, http.StatusOK)
	var empty citeJSONAnswer
	decode(t, w, &empty)
	if empty.Total != 0 || empty.Hits == nil || len(empty.Hits) != 0 {
		t.Errorf("empty q: total %d, hits %v; want none, as an empty list", empty.Total, empty.Hits)
	}
	wantError(t, "format=xml", c.get("/cite?format=xml&q=psti"), http.StatusBadRequest, "bad_request", "format")

	// The editor's textarea tells the script where to ask.
	area := doc(t, e.signedIn("editor").get("/documents/new")).Find(`textarea#body`)
	if got, _ := area.Attr("data-cite-finder"); got != "/cite?format=json" {
		t.Errorf("editor's textarea: data-cite-finder %q, want /cite?format=json", got)
	}
}
