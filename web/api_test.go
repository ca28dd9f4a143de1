package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type facetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type policyList struct {
	Items []struct {
		Slug          string   `json:"slug"`
		Title         string   `json:"title"`
		Jurisdictions []string `json:"jurisdictions"`
	} `json:"items"`
	Total   int                     `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	Facets  map[string][]facetCount `json:"facets"`
}

func TestAPIPolicies(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name      string
		target    string
		total     int
		items     int
		firstSlug string
	}{
		{"default page", "/api/v1/policies", 194, 20, ""},
		{"the largest page", "/api/v1/policies?per_page=100", 194, 100, ""},
		{"last page", "/api/v1/policies?page=10", 194, 14, ""},
		{"past the end", "/api/v1/policies?page=11", 194, 0, ""},
		{"one jurisdiction", "/api/v1/policies?jurisdiction=GB", 7, 7, "uk-cop-consumer-iot-2018"},
		{"either of two jurisdictions", "/api/v1/policies?jurisdiction=GB&jurisdiction=US&per_page=100", 33, 33, ""},
		{"words", "/api/v1/policies?q=telecommunications+infrastructure", 1, 1, "uk-psti-act-2022"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got policyList
			getJSON(t, h, tt.target, http.StatusOK, &got)
			if got.Total != tt.total {
				t.Errorf("total = %d, want %d", got.Total, tt.total)
			}
			if len(got.Items) != tt.items {
				t.Errorf("got %d items, want %d", len(got.Items), tt.items)
			}
			if tt.firstSlug != "" && (len(got.Items) == 0 || got.Items[0].Slug != tt.firstSlug) {
				t.Errorf("first item = %+v, want %s", got.Items, tt.firstSlug)
			}
			for _, name := range []string{"jurisdiction", "region", "type", "status", "binding", "topic", "layer", "challenge", "year"} {
				if _, ok := got.Facets[name]; !ok {
					t.Errorf("facet %s missing", name)
				}
			}
		})
	}
}

func TestAPIPolicyFacets(t *testing.T) {
	h, _ := newTestServer(t)
	var all policyList
	getJSON(t, h, "/api/v1/policies", http.StatusOK, &all)
	for _, name := range []string{"jurisdiction", "type", "challenge"} {
		for _, fc := range all.Facets[name] {
			var sel policyList
			getJSON(t, h, "/api/v1/policies?per_page=1&"+name+"="+fc.Value, http.StatusOK, &sel)
			if sel.Total != fc.Count {
				t.Errorf("facet %s=%s promises %d, the filtered list has %d", name, fc.Value, fc.Count, sel.Total)
			}
		}
	}
	gb := 0
	for _, fc := range all.Facets["jurisdiction"] {
		if fc.Value == "GB" {
			gb = fc.Count
		}
	}
	if gb != 7 {
		t.Errorf("facet jurisdiction GB = %d, want 7", gb)
	}
}

func TestAPIPolicy(t *testing.T) {
	h, _ := newTestServer(t)
	var got struct {
		Slug          string   `json:"slug"`
		Title         string   `json:"title"`
		ShortTitle    *string  `json:"short_title"`
		Jurisdictions []string `json:"jurisdictions"`
		Issuer        *string  `json:"issuer"`
		Type          string   `json:"type"`
		Status        *string  `json:"status"`
		StatusNote    *string  `json:"status_note"`
		Adopted       *string  `json:"adopted"`
		URL           *string  `json:"url"`
		Language      *string  `json:"language"`
		Topics        []string `json:"topics"`
		Mappings      []struct {
			Item         string  `json:"item"`
			Framework    string  `json:"framework"`
			Provision    *string `json:"provision"`
			Relationship string  `json:"relationship"`
			Strength     *int    `json:"strength"`
			Rationale    string  `json:"rationale"`
			Reviewed     bool    `json:"reviewed"`
		} `json:"mappings"`
	}
	getJSON(t, h, "/api/v1/policies/uk-psti-act-2022", http.StatusOK, &got)
	if got.Title != "Product Security and Telecommunications Infrastructure Act 2022" || got.Type != "law" {
		t.Errorf("title, type = %q, %q", got.Title, got.Type)
	}
	if got.Issuer == nil || *got.Issuer != "UK Parliament" {
		t.Errorf("issuer = %v, want UK Parliament", got.Issuer)
	}
	if got.URL == nil || *got.URL != "https://www.legislation.gov.uk/ukpga/2022/46/contents" {
		t.Errorf("url = %v", got.URL)
	}
	if got.Language != nil {
		t.Errorf("language = %q, want null (unknown)", *got.Language)
	}
	if got.Topics == nil {
		t.Error("topics is null, want []")
	}
	if diff := cmp.Diff([]string{"GB"}, got.Jurisdictions); diff != "" {
		t.Errorf("jurisdictions (-want +got):\n%s", diff)
	}
	var items []string
	for _, m := range got.Mappings {
		items = append(items, m.Item)
		if m.Framework != "dc-isss-iot" || m.Relationship != "intersects-with" || m.Reviewed || m.Provision != nil || m.Strength != nil {
			t.Errorf("mapping %+v, want an unreviewed intersects-with to dc-isss-iot with null provision and strength", m)
		}
	}
	if diff := cmp.Diff([]string{"C3", "C5", "C6"}, items); diff != "" {
		t.Errorf("mapped items (-want +got):\n%s", diff)
	}
}

func TestAPIFramework(t *testing.T) {
	h, _ := newTestServer(t)
	type item struct {
		Code     string  `json:"code"`
		Title    string  `json:"title"`
		Text     string  `json:"text"`
		Children []*item `json:"children"`
	}
	var fw struct {
		Slug  string  `json:"slug"`
		Title string  `json:"title"`
		Items []*item `json:"items"`
	}
	getJSON(t, h, "/api/v1/frameworks/dc-isss-iot", http.StatusOK, &fw)
	tree := map[string][]string{}
	for _, it := range fw.Items {
		tree[""] = append(tree[""], it.Code)
		if it.Title == "" || it.Text == "" {
			t.Errorf("item %s has no title or text", it.Code)
		}
		if it.Children == nil {
			t.Errorf("item %s: children is null, want []", it.Code)
		}
		for _, ch := range it.Children {
			tree[it.Code] = append(tree[it.Code], ch.Code)
		}
	}
	want := map[string][]string{
		"":    {"RQ1", "RQ2", "RQ3", "C1", "C2", "C3", "C4", "C5", "C6"},
		"RQ1": {"RQ1a", "RQ1b", "RQ1c", "RQ1d", "RQ1e"},
	}
	if diff := cmp.Diff(want, tree); diff != "" {
		t.Errorf("framework tree (-want +got):\n%s", diff)
	}
}

func TestAPINotFound(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{
		"/api/v1/policies/no-such-policy",
		"/api/v1/frameworks/no-such-framework",
		"/api/v1/no-such-thing",
		"/api/v2/policies",
	} {
		t.Run(target, func(t *testing.T) {
			var got apiError
			getJSON(t, h, target, http.StatusNotFound, &got)
			if got.Error.Code != "not_found" || got.Error.Message == "" {
				t.Errorf("error = %+v, want code not_found with a message", got.Error)
			}
		})
	}
}

func TestAPIBadPaging(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		query string
		field string
	}{
		{"page=0", "page"},
		{"page=-1", "page"},
		{"page=x", "page"},
		{"page=1.5", "page"},
		{"page=99999999999999999999", "page"},
		{"per_page=0", "per_page"},
		{"per_page=101", "per_page"},
		{"per_page=ten", "per_page"},
		{"sort=bogus", "sort"},
		{"q=" + strings.Repeat("a", 501), "q"},
		{"q=%ff", "q"},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 30)], func(t *testing.T) {
			var got apiError
			getJSON(t, h, "/api/v1/policies?"+tt.query, http.StatusBadRequest, &got)
			if got.Error.Code != "bad_request" {
				t.Errorf("code = %q, want bad_request", got.Error.Code)
			}
			if got.Error.Fields[tt.field] == "" {
				t.Errorf("fields = %v, want one naming %s", got.Error.Fields, tt.field)
			}
			if !strings.Contains(got.Error.Message, tt.field) {
				t.Errorf("message %q does not name %s", got.Error.Message, tt.field)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	h, db := newTestServer(t)
	var got map[string]string
	getJSON(t, h, "/healthz", http.StatusOK, &got)
	if got["status"] != "ok" {
		t.Errorf("healthz = %v, want status ok", got)
	}
	// With the database gone, the check must say so.
	db.Close()
	getJSON(t, h, "/healthz", http.StatusServiceUnavailable, &got)
	if got["status"] == "ok" {
		t.Errorf("healthz with a closed database = %v", got)
	}
}

// TestAPIMethods: a known API path asked with a method it does not take
// answers 405 with the JSON error shape; an unknown path 404.
func TestAPIMethods(t *testing.T) {
	h, _ := newTestServer(t)
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPatch, "/api/v1/policies/eu-cra", http.StatusMethodNotAllowed, "method_not_allowed"},
		{http.MethodPost, "/api/v1/coverage", http.StatusMethodNotAllowed, "method_not_allowed"},
		{http.MethodGet, "/api/v1/no-such-thing", http.StatusNotFound, "not_found"},
		{http.MethodDelete, "/api/v1/no/such/thing", http.StatusNotFound, "not_found"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != tc.status || body.Error.Code != tc.code {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, w.Code, body.Error.Code, tc.status, tc.code)
		}
	}
}
