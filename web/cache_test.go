package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestPageCacheFollowsTheDatabase: anonymous pages come from the cache
// until the database changes, whoever changes it; revalidation gets a 304
// only while nothing changed; signed-in readers never get the anonymous
// page.
func TestPageCacheFollowsTheDatabase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anon := e.client()
	first := anon.get("/policies?jurisdiction=KE")
	wantStatus(t, "first", first, http.StatusOK)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a public page")
	}
	if again := anon.get("/policies?jurisdiction=KE"); again.Body.String() != first.Body.String() || again.Header().Get("ETag") != etag {
		t.Error("a second read of an unchanged page differs")
	}
	req := httptest.NewRequest(http.MethodGet, "/policies?jurisdiction=KE", nil)
	req.Header.Set("If-None-Match", etag)
	if w := anon.do(req); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304 and no body", w.Code, w.Body.Len())
	}
	// A client holding several versions sends them all (RFC 9110 §13.1.2).
	list := httptest.NewRequest(http.MethodGet, "/policies?jurisdiction=KE", nil)
	list.Header.Set("If-None-Match", `W/"old", `+etag)
	if w := anon.do(list); w.Code != http.StatusNotModified {
		t.Errorf("revalidation with a list of ETags: %d, want 304", w.Code)
	}
	guess := httptest.NewRequest(http.MethodGet, "/policies/no-such-policy", nil)
	guess.Header.Set("If-None-Match", etag)
	if w := anon.do(guess); w.Code != http.StatusNotFound {
		t.Errorf("unknown page with a guessed ETag: %d, want 404", w.Code)
	}

	// A write through another handle on the same database, as the CLI does.
	other, err := store.Open(ctx, e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.UpsertJurisdictions(ctx, []store.Jurisdiction{{Code: "KE", Name: "Kenya", Kind: "country", Region: "Africa"}}); err != nil {
		t.Fatal(err)
	}
	p := store.Policy{Slug: "ke-cache-test", Title: "Kenya cache test guidelines", Jurisdictions: []string{"KE"}, Type: "guideline"}
	if _, err := other.SavePolicy(ctx, p, store.CreateOnly); err != nil {
		t.Fatal(err)
	}
	after := anon.get("/policies?jurisdiction=KE")
	if !strings.Contains(after.Body.String(), "Kenya cache test guidelines") {
		t.Error("the cached list does not show a policy saved since")
	}
	if after.Header().Get("ETag") == etag {
		t.Error("ETag unchanged after a write")
	}
	if w := anon.do(req); w.Code != http.StatusOK {
		t.Errorf("revalidation after a write: %d, want 200", w.Code)
	}

	editor := e.signedIn("editor")
	if got := editor.get("/policies?jurisdiction=KE").Body.String(); !strings.Contains(got, "/policies/new") {
		t.Error("an editor got the anonymous page without the Add a policy link")
	}
}

// TestPageCacheKeepsForgedHostsApart: the feed's links come from the
// request's host, so a request with a forged Host must not fill the cache
// for everyone else.
func TestPageCacheKeepsForgedHostsApart(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	forged := httptest.NewRequest(http.MethodGet, "/policies.atom", nil)
	forged.Host = "evil.example"
	forged.Header.Set("X-Forwarded-Proto", "https")
	if w := anon.do(forged); !strings.Contains(w.Body.String(), "//evil.example/") {
		t.Fatalf("the forged request's own feed lacks its host; the test proves nothing:\n%.300s", w.Body.String())
	}
	plain := anon.get("/policies.atom")
	if strings.Contains(plain.Body.String(), "evil.example") {
		t.Error("a plain request got the feed cached for a forged Host")
	}
}

// TestProxyBasicAuthDoesNotBreakPages: an Authorization header that is not
// ours (a staging proxy's Basic credentials) leaves pages alone; the API
// still refuses it.
func TestProxyBasicAuthDoesNotBreakPages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	page := httptest.NewRequest(http.MethodGet, "/policies", nil)
	page.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	wantStatus(t, "page with Basic auth", c.do(page), http.StatusOK)
	api := httptest.NewRequest(http.MethodPost, "/api/v1/policies", strings.NewReader("{}"))
	api.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	wantStatus(t, "API with Basic auth", c.do(api), http.StatusUnauthorized)
}
