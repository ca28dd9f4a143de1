package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestEditionFastPath checks the answers of the edition cache: anonymous
// readers get the page with a strong ETag per encoding and Cache-Control
// public, the same bytes the second time, a 304 when they have it; a new
// edition or an archived document changes the ETag and the page at once;
// signed-in readers, and readers with a message to see, never get a
// shared copy.
func TestEditionFastPath(t *testing.T) {
	e := newEnv(t)
	e.addRecDocument("fast")
	ctx := context.Background()
	if _, err := e.db.Publish(ctx, "fast", 1); err != nil {
		t.Fatal(err)
	}
	pub := e.client()
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return pub.do(req)
	}
	first := get("/outcomes/fast")
	second := get("/outcomes/fast")
	// The ETag names the edition, the document's state and the build.
	etag := first.Header().Get("ETag")
	build := strings.TrimSuffix(strings.TrimPrefix(etag, `"ed-fast-1-published-`), `"`)
	if build == "" || build == etag || strings.Contains(build, `"`) {
		t.Fatalf("ETag %q: want \"ed-fast-1-published-BUILD\"", etag)
	}
	tag := func(s string) string { return `"ed-fast-` + s + `-` + build + `"` }
	for i, w := range []*httptest.ResponseRecorder{first, second} {
		if w.Code != http.StatusOK || w.Header().Get("ETag") != tag("1-published") || w.Header().Get("Set-Cookie") != "" ||
			w.Header().Get("Cache-Control") != "public, no-cache" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("answer %d: got %d, ETag %q, Cache-Control %q, Set-Cookie %q; want 200 with the edition's strong ETag, public, no cookie",
				i+1, w.Code, w.Header().Get("ETag"), w.Header().Get("Cache-Control"), w.Header().Get("Set-Cookie"))
		}
	}
	if !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) || first.Body.Len() < 1000 {
		t.Errorf("the cached answer differs from the first (%d and %d bytes)", first.Body.Len(), second.Body.Len())
	}
	if w := get("/outcomes/fast", "If-None-Match", tag("1-published")); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: got %d with %d bytes, want 304 and no body", w.Code, w.Body.Len())
	}

	// Compressed: its own ETag, and the same page once unpacked.
	gz := get("/outcomes/fast", "Accept-Encoding", "gzip, br")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") != strings.TrimSuffix(tag("1-published"), `"`)+`-gz"` {
		t.Fatalf("gzip: got encoding %q, ETag %q", gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, first.Body.Bytes()) {
		t.Errorf("gzip: the unpacked page differs from the plain one")
	}
	if w := get("/outcomes/fast", "Accept-Encoding", "gzip", "If-None-Match", tag("1-published")); w.Code != http.StatusOK {
		t.Errorf("the plain ETag revalidating a gzip answer: got %d, want 200 (each encoding has its own)", w.Code)
	}

	// HEAD: the same headers, no body.
	if w := pub.do(httptest.NewRequest(http.MethodHead, "/outcomes/fast", nil)); w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("ETag") != tag("1-published") {
		t.Errorf("HEAD: got %d with %d bytes, ETag %q", w.Code, w.Body.Len(), w.Header().Get("ETag"))
	}
	// A reader with a message to see gets it, on a page nobody shares.
	flash := httptest.NewRequest(http.MethodGet, "/outcomes/fast", nil)
	flash.AddCookie(&http.Cookie{Name: "accord_flash", Value: "edition-published-1"})
	if w := pub.do(flash); w.Header().Get("ETag") != "" || !strings.Contains(w.Body.String(), "Edition 1 published") {
		t.Errorf("with a flash message: ETag %q, message shown %v; want the ordinary path", w.Header().Get("ETag"),
			strings.Contains(w.Body.String(), "Edition 1 published"))
	}

	// A member gets a fresh page, not stored anywhere.
	member := e.signedIn("editor")
	if w := member.get("/outcomes/fast"); w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("ETag") != "" {
		t.Errorf("signed in: got %d, Cache-Control %q, ETag %q; want 200, no-store and no ETag", w.Code,
			w.Header().Get("Cache-Control"), w.Header().Get("ETag"))
	}

	// The group's name is in every citation: renaming the group changes
	// the ETag and the page.
	group, err := e.db.GroupName(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetGroupName(ctx, "Renamed Working Group"); err != nil {
		t.Fatal(err)
	}
	if w := get("/outcomes/fast"); w.Header().Get("ETag") == tag("1-published") || !strings.Contains(w.Body.String(), "Renamed Working Group") {
		t.Errorf("after renaming the group: ETag %q, name shown %v", w.Header().Get("ETag"), strings.Contains(w.Body.String(), "Renamed Working Group"))
	}
	if err := e.db.SetGroupName(ctx, group); err != nil {
		t.Fatal(err)
	}

	// A second edition: the first edition's page now says so, at once.
	e.reviseRec("fast", 1)
	if _, err := e.db.Publish(ctx, "fast", 2); err != nil {
		t.Fatal(err)
	}
	old := get("/outcomes/fast/editions/1")
	if old.Header().Get("ETag") != tag("2-published") || !strings.Contains(old.Body.String(), `data-testid="newer-edition"`) {
		t.Errorf("edition 1 after edition 2: ETag %q, newer-edition notice %v", old.Header().Get("ETag"),
			strings.Contains(old.Body.String(), `data-testid="newer-edition"`))
	}
	if w := get("/outcomes/fast", "If-None-Match", tag("1-published")); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "guessable") {
		t.Errorf("current edition after edition 2, old ETag: got %d, want 200 with version 2's text", w.Code)
	}
	if err := e.db.SetDocumentStatus(ctx, "fast", store.StatusArchived); err != nil {
		t.Fatal(err)
	}
	if w := get("/outcomes/fast"); w.Header().Get("ETag") != tag("2-archived") || !strings.Contains(w.Body.String(), `data-testid="archived"`) {
		t.Errorf("archived: ETag %q, archived notice %v", w.Header().Get("ETag"), strings.Contains(w.Body.String(), `data-testid="archived"`))
	}

	// Not editions: unknown documents and editions are 404 without a
	// cache header; a draft has no outcome.
	e.addRecDocument("draft")
	for _, path := range []string{"/outcomes/nothing", "/outcomes/fast/editions/9", "/outcomes/draft", "/outcomes/fast.exe", "/outcomes/fast/editions/01"} {
		if w := get(path); w.Code != http.StatusNotFound || w.Header().Get("ETag") != "" || strings.Contains(w.Header().Get("Cache-Control"), "public") {
			t.Errorf("%s: got %d, ETag %q, Cache-Control %q; want 404, uncached", path, w.Code, w.Header().Get("ETag"), w.Header().Get("Cache-Control"))
		}
	}
}
