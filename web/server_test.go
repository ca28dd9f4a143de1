package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// newTestServer builds the real router over a real database in a
// temporary folder, loaded with the shipped content.
func newTestServer(t testing.TB) (http.Handler, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	return web.New(web.Deps{Store: db}), db
}

// answer is a recorded response with its body read (and un-gzipped).
type answer struct {
	*http.Response
	Body []byte
	// Wire is the size of the body as sent, compressed or not.
	Wire int
}

// do sends a request through h and records the answer. The target is
// used verbatim, so encoded and dot segments reach the router as a client
// sent them.
func do(t *testing.T, h http.Handler, r *http.Request) answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	res := rec.Result()
	wire := rec.Body.Bytes()
	body := wire
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(wire))
		if err != nil {
			t.Fatalf("%s %s: bad gzip: %v", r.Method, r.URL, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s %s: bad gzip: %v", r.Method, r.URL, err)
		}
	}
	return answer{Response: res, Body: body, Wire: len(wire)}
}

// get is do for a plain GET.
func get(t *testing.T, h http.Handler, target string) answer {
	t.Helper()
	return do(t, h, httptest.NewRequest(http.MethodGet, target, nil))
}

// page GETs an HTML page, requires the status, and parses it.
func page(t *testing.T, h http.Handler, target string, status int) *goquery.Document {
	t.Helper()
	a := get(t, h, target)
	if a.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d\n%.500s", target, a.StatusCode, status, a.Body)
	}
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q, want text/html", target, ct)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(a.Body))
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return doc
}

// apiError is the JSON error every /api answer uses.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// getJSON GETs target, requires the status and a JSON content type, and
// decodes the body into v.
func getJSON(t *testing.T, h http.Handler, target string, status int, v any) {
	t.Helper()
	a := get(t, h, target)
	if a.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d\n%.500s", target, a.StatusCode, status, a.Body)
	}
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want application/json", target, ct)
	}
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("GET %s: %v\n%.500s", target, err, a.Body)
	}
}

// text is the whitespace-normalised text of a selection.
func text(s *goquery.Selection) string {
	return strings.Join(strings.Fields(s.Text()), " ")
}

// fact is the text of the <dd> that follows the <dt> with the given label
// in a page's list of facts, and whether there is one.
func fact(doc *goquery.Document, label string) (*goquery.Selection, bool) {
	var dd *goquery.Selection
	doc.Find("dl.facts dt").EachWithBreak(func(_ int, dt *goquery.Selection) bool {
		if text(dt) == label {
			dd = dt.NextFiltered("dd")
			return false
		}
		return true
	})
	return dd, dd != nil && dd.Length() == 1
}
