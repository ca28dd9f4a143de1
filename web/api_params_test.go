package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadQueryParameters: a parameter that does not parse is a 400 naming
// it, as JSON on the API and as a page with the message elsewhere.
func TestBadQueryParameters(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, "pre")
	ce.advance(25 * time.Hour)
	tests := []struct {
		path, field string
	}{
		{"/api/v1/policies?year=abc", "year"},
		{"/api/v1/policies?year=20244", "year"},
		{"/api/v1/policies?page=abc", "page"},
		{"/api/v1/policies?per_page=1000", "per_page"},
		{"/api/v1/policies?sort=random", "sort"},
		{"/api/v1/policies?reviewed=maybe", "reviewed"},
		{"/api/v1/policies?type=bogus", "type"},
		{"/api/v1/policies?status=bogus", "status"},
		{"/api/v1/policies?challenge=ZZ9", "challenge"},
		{"/api/v1/policies?jurisdiction=1$", "jurisdiction"},
		{"/api/v1/policies?jurisdiction=GB&jurisdiction=XX", "jurisdiction"},
		{"/api/v1/policies?region=Atlantis", "region"},
		{"/api/v1/policies?binding=sometimes", "binding"},
		{"/api/v1/policies?topic=no-such-topic", "topic"},
		{"/api/v1/policies?layer=physical", "layer"},
		{"/api/v1/search?type=bogus", "type"},
		{"/api/v1/search?status=bogus", "status"},
		{"/api/v1/search?challenge=ZZ9", "challenge"},
		{"/api/v1/search?jurisdiction=1$", "jurisdiction"},
		{"/api/v1/search?topic=no-such-topic", "topic"},
		{"/api/v1/coverage?reviewed=2", "reviewed"},
		{"/api/v1/search?year=abc", "year"},
		{"/api/v1/search?page=-1", "page"},
		{"/api/v1/consultations?page=x", "page"},
		{"/api/v1/consultations/round-1/comments?type=poem", "type"},
		{"/api/v1/consultations/round-1/comments?state=lost", "state"},
		{"/api/v1/outcomes?per_page=0", "per_page"},
		{"/api/v1/outcomes/x?edition=first", "edition"},
		{"/api/v1/frameworks/dc-isss-iot/mappings?format=xml", "format"},
	}
	for _, tt := range tests {
		wantError(t, tt.path, ce.anon.get(tt.path), http.StatusBadRequest, "bad_request", tt.field)
	}
	pages := []struct {
		path, field string
	}{
		{"/policies?year=abc", "year"},
		{"/policies?page=0", "page"},
		{"/policies?sort=random", "sort"},
		{"/policies?reviewed=maybe", "reviewed"},
		{"/search?q=x&year=abc", "year"},
		{"/policies?type=bogus", "type"},
		{"/policies?status=bogus", "status"},
		{"/policies?challenge=ZZ9", "challenge"},
		{"/policies?jurisdiction=1$", "jurisdiction"},
		{"/search?q=x&type=bogus", "type"},
		{"/search?q=x&jurisdiction=1$", "jurisdiction"},
		{"/coverage?by=moon", "by"},
		{"/consultations/round-1/comments?type=poem", "type"},
		{"/consultations/round-1/comments?page=x", "page"},
		{"/documents/doc/diff?from=x", "from"},
	}
	for _, tt := range pages {
		w := ce.anon.get(tt.path)
		wantStatus(t, tt.path, w, http.StatusBadRequest)
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type %q, want a page", tt.path, ct)
		}
		if msg := doc(t, w).Find("main").Text(); !strings.Contains(msg, tt.field+" must") {
			t.Errorf("%s: the page does not name %s: %.300s", tt.path, tt.field, strings.Join(strings.Fields(msg), " "))
		}
	}
	// A value that is valid but that no policy has is an empty list,
	// still selected, not an error.
	for _, path := range []string{"/api/v1/policies?jurisdiction=FR", "/api/v1/policies?type=report&status=withdrawn",
		"/api/v1/policies?challenge=C6&year=1999"} {
		wantStatus(t, path, ce.anon.get(path), http.StatusOK)
	}
	d := doc(t, ce.anon.get("/policies?jurisdiction=FR"))
	if d.Find(`input[name="jurisdiction"][value="FR"][checked]`).Length() == 0 && d.Find(`a[href*="jurisdiction=FR"]`).Length() == 0 && !strings.Contains(d.Find("main").Text(), "France") {
		t.Error("/policies?jurisdiction=FR does not keep FR selected")
	}
}

// TestAPIResourceNotFound: API 404s speak of the resource, and an address that
// names no endpoint says so; /api itself is a page.
func TestAPIResourceNotFound(t *testing.T) {
	ce := newConsultEnv(t)
	tests := []struct {
		method, path, want string
		status             int
	}{
		{"GET", "/api/v1/policies/no-such", `No policy with slug "no-such".`, 404},
		{"GET", "/api/v1/frameworks/nope", `No framework with slug "nope".`, 404},
		{"GET", "/api/v1/documents/nope", `No document with slug "nope".`, 404},
		{"GET", "/api/v1/documents/doc/versions/9", `No version 9 of a document with slug "doc".`, 404},
		{"GET", "/api/v1/consultations/nope/stats", `No consultation with slug "nope".`, 404},
		{"GET", "/api/v1/comments/4242", `No comment with id 4242.`, 404},
		{"GET", "/api/v1/mappings/4242", `No mapping with id 4242.`, 404},
		{"GET", "/api/v1/outcomes/nope", `No published document with slug "nope".`, 404},
		{"GET", "/api/v1/nothing/here", `No endpoint at GET /api/v1/nothing/here; GET /api/v1 lists them.`, 404},
		{"PATCH", "/api/v1/policies/eu-cra", "/api/v1/policies/eu-cra does not take PATCH; it takes GET, PUT, DELETE.", 405},
	}
	for _, tt := range tests {
		w := ce.anon.json(tt.method, tt.path, "")
		wantStatus(t, tt.path, w, tt.status)
		var e apiError
		decode(t, w, &e)
		if e.Error.Message != tt.want {
			t.Errorf("%s %s: message %q, want %q", tt.method, tt.path, e.Error.Message, tt.want)
		}
	}
	w := ce.anon.get("/api")
	wantStatus(t, "/api", w, http.StatusOK)
	d := doc(t, w)
	if got := d.Find(`[data-testid="openapi-link"]`).AttrOr("href", ""); got != "/api/v1/openapi.json" {
		t.Errorf("/api links to %q, want the OpenAPI document", got)
	}
	if n := d.Find(`[data-testid="endpoints"] tbody tr`).Length(); n < 40 {
		t.Errorf("/api lists %d endpoints", n)
	}
	if d.Find(`footer a[href="/api"]`).Length() != 1 {
		t.Error("the footer does not link to /api")
	}
	// An unknown page under /api but outside /api/ stays a page.
	if w := ce.anon.get("/apis"); !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("/apis: Content-Type %q, want a page", w.Header().Get("Content-Type"))
	}
}
