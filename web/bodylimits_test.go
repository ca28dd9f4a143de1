package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/web"
)

// countingReader is a request body that counts what the server read.
type countingReader struct {
	r    io.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

// TestOversizedAnonymousPost: a POST with a 7 MB field and no CSRF cookie
// is refused without the field in the answer, and, where the route's
// limit would allow the size (an import), before its body is read.
func TestOversizedAnonymousPost(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("Z", 7<<20)
	body := url.Values{"email": {"a@example.org"}, "name": {big}}.Encode()
	for _, path := range []string{"/register", "/login", "/policies/import", "/consultations/x/comment"} {
		t.Run(path, func(t *testing.T) {
			cr := &countingReader{r: strings.NewReader(body)}
			req := httptest.NewRequest(http.MethodPost, path, cr)
			req.ContentLength = -1 // as a chunked upload: no early refusal on the header
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = "192.0.2.10:40000"
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, req)
			if w.Code != http.StatusForbidden && w.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("got %d, want 403 or 413", w.Code)
			}
			if strings.Contains(w.Body.String(), strings.Repeat("Z", 100)) {
				t.Error("the answer shows the oversized field back")
			}
			if cr.read > 64<<10 {
				t.Errorf("the server read %d bytes of a body it refused, want at most 64 KB", cr.read)
			}
		})
	}
}

// TestBodyLimitsByRoute: each kind of route has its own limit (DECISIONS
// §7): forms 16 KB, comments 64 KB, content 2 MB, imports --upload-limit.
func TestBodyLimitsByRoute(t *testing.T) {
	e := newEnv(t)
	small := web.New(web.Deps{Store: e.db, Now: e.clock, UploadLimit: 1 << 20})
	for _, tc := range []struct {
		name    string
		h       http.Handler
		path    string
		size    int
		refused bool
	}{
		{"sign-in form over 16 KB", e.h, "/login", 17 << 10, true},
		{"sign-in form under 16 KB", e.h, "/login", 15 << 10, false},
		{"comment over 64 KB", e.h, "/consultations/x/comment", 65 << 10, true},
		{"comment under 64 KB", e.h, "/consultations/x/comment", 60 << 10, false},
		{"document under 2 MB", e.h, "/documents/new", 1 << 20, false},
		{"document over 2 MB", e.h, "/documents/new", 2<<20 + 1, true},
		{"import under the default 8 MB", e.h, "/policies/import", 5 << 20, false},
		{"import over --upload-limit", small, "/policies/import", 2 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(strings.Repeat("a", tc.size)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = "192.0.2.10:40000"
			w := httptest.NewRecorder()
			tc.h.ServeHTTP(w, req)
			if got := w.Code == http.StatusRequestEntityTooLarge; got != tc.refused {
				t.Errorf("POST %s with %d bytes: got %d, want refused=%v", tc.path, tc.size, w.Code, tc.refused)
			}
		})
	}
}

// TestKeptFieldsBounded: a refused form shows back at most 64 KB of what
// it carried.
func TestKeptFieldsBounded(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	c.badCSRF = true
	long := strings.Repeat("é", 300<<10) // 600 KB, 1.8 MB encoded: within the 2 MB of documents
	w := c.post("/documents/new", url.Values{"title": {"A title"}, "source": {long}, "zz": {"after"}})
	wantStatus(t, "refused document", w, http.StatusForbidden)
	kept := 0
	doc(t, w).Find("#kept-heading").Parent().Find("textarea").Each(func(_ int, s *goquery.Selection) {
		kept += len(s.Text())
	})
	if kept == 0 {
		t.Fatal("the refused form shows nothing back")
	}
	if kept > 64<<10 {
		t.Errorf("the refused form shows back %d bytes, want at most 64 KB", kept)
	}
	if w.Body.Len() > 128<<10 {
		t.Errorf("the error page is %d bytes, want it bounded", w.Body.Len())
	}
}
