package web_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// everyKind is one address of each kind of answer the server gives.
var everyKind = []string{
	"/",
	"/policies",
	"/policies?jurisdiction=GB",
	"/policies/uk-psti-act-2022",
	"/jurisdictions/GB",
	"/frameworks/dc-isss-iot",
	"/frameworks/dc-isss-iot/items/C3",
	"/policies/no-such-policy",
	"/policies?page=0",
	"/api/v1/policies",
	"/api/v1/policies/uk-psti-act-2022",
	"/api/v1/policies/no-such-policy",
	"/api/v1/policies?per_page=0",
	"/api/v1/frameworks/dc-isss-iot",
	"/healthz",
	"/metrics",
	"/robots.txt",
	"/sitemap.xml",
	"/static/css/site.css",
	"/static/no-such-file.css",
	"/policies/",
}

func TestSecurityHeaders(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range everyKind {
		t.Run(target, func(t *testing.T) {
			a := get(t, h, target)
			csp := a.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP %q allows inline code", csp)
			}
			checks := []struct{ header, want string }{
				{"X-Content-Type-Options", "nosniff"},
				{"Referrer-Policy", "strict-origin-when-cross-origin"},
				{"X-Frame-Options", "DENY"},
			}
			for _, c := range checks {
				if got := a.Header.Get(c.header); got != c.want {
					t.Errorf("%s = %q, want %q", c.header, got, c.want)
				}
			}
			if got := a.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("HSTS %q over plain HTTP, want none", got)
			}
			if a.Header.Get("X-Request-Id") == "" {
				t.Error("no request id")
			}
		})
	}
}

func TestHSTSOnlyOverTLS(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name string
		tls  bool
		// forwarded is a client's claim that it used HTTPS, which must not
		// count: only the connection itself does.
		forwarded bool
		want      bool
	}{
		{"plain", false, false, false},
		{"plain claiming https", false, true, false},
		{"tls", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tt.forwarded {
				r.Header.Set("X-Forwarded-Proto", "https")
			}
			a := do(t, h, r)
			got := a.Header.Get("Strict-Transport-Security")
			if (got != "") != tt.want {
				t.Errorf("Strict-Transport-Security = %q, want set: %v", got, tt.want)
			}
			if tt.want && !strings.Contains(got, "max-age=") {
				t.Errorf("Strict-Transport-Security = %q, want a max-age", got)
			}
		})
	}
}

// TestPageWeight requires gzip when asked for, and every page under the
// 60 KB budget on the wire, the longest list included.
func TestPageWeight(t *testing.T) {
	h, _ := newTestServer(t)
	targets := []string{"/", "/policies", "/policies?per_page=100", "/jurisdictions/US", "/jurisdictions/INT",
		"/frameworks/dc-isss-iot", "/static/css/site.css", "/api/v1/policies?per_page=100"}
	for _, src := range sourcePolicies(t) {
		targets = append(targets, "/policies/"+src.ID)
	}
	for _, code := range []string{"RQ1", "RQ1a", "RQ2", "RQ3", "C1", "C2", "C3", "C4", "C5", "C6"} {
		targets = append(targets, "/frameworks/dc-isss-iot/items/"+code)
	}
	const budget = 60 * 1024
	for _, target := range targets {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header.Set("Accept-Encoding", "gzip")
		a := do(t, h, r)
		if a.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", target, a.StatusCode)
			continue
		}
		if got := a.Header.Get("Content-Encoding"); got != "gzip" {
			t.Errorf("GET %s: Content-Encoding %q, want gzip", target, got)
		}
		if !strings.Contains(a.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s: Vary %q lacks Accept-Encoding", target, a.Header.Get("Vary"))
		}
		if a.Wire > budget {
			t.Errorf("GET %s: %d bytes compressed, over the %d budget", target, a.Wire, budget)
		}
	}
	// Without Accept-Encoding the answer is plain.
	if a := get(t, h, "/policies"); a.Header.Get("Content-Encoding") != "" {
		t.Errorf("plain request got Content-Encoding %q", a.Header.Get("Content-Encoding"))
	}
}

// TestStaticNoTraversal tries to climb out of /static in the ways clients
// and attackers spell it; none may answer with a file from outside.
func TestStaticNoTraversal(t *testing.T) {
	h, _ := newTestServer(t)
	secrets := [][]byte{[]byte("module github.com/dc-isss/accord"), []byte("package static"), []byte("package web"), []byte("root:")}
	for _, target := range []string{
		"/static/../go.mod",
		"/static/../../go.mod",
		"/static/%2e%2e/go.mod",
		"/static/%2E%2E/%2E%2E/go.mod",
		"/static/..%2fgo.mod",
		"/static/..%2Fstatic.go",
		"/static/%2e%2e%2fgo.mod",
		"/static/%252e%252e/go.mod",
		"/static/..%5cgo.mod",
		"/static/..\\go.mod",
		"/static/css/../../go.mod",
		"/static/css/..%2f..%2fgo.mod",
		"/static/./../web/server.go",
		"/static/static.go",
		"/static//etc/passwd",
		"/static/%2fetc%2fpasswd",
		"/static/..%00/go.mod",
		"/static/css/site.css/../../../go.mod",
		"/static/css/../css/site.css",
	} {
		t.Run(target, func(t *testing.T) {
			a := do(t, h, verbatim(t, target))
			switch a.StatusCode {
			case http.StatusNotFound, http.StatusBadRequest, http.StatusMovedPermanently:
			default:
				t.Errorf("status %d, want 404 or 400", a.StatusCode)
			}
			for _, s := range secrets {
				if bytes.Contains(a.Body, s) {
					t.Fatalf("answer contains %q:\n%.300s", s, a.Body)
				}
			}
			if loc := a.Header.Get("Location"); loc != "" && !strings.HasPrefix(loc, "/") {
				t.Errorf("redirects to %q, off the site", loc)
			}
		})
	}
}

// verbatim is a GET of target as a client sent it: httptest.NewRequest
// would refuse some targets, and URL.Parse on a base URL would resolve the
// dot segments away before the router saw them.
func verbatim(t *testing.T, target string) *http.Request {
	t.Helper()
	u, err := url.ParseRequestURI(target)
	if err != nil {
		// Not even a URL (a raw backslash or NUL): the server's own parser
		// refuses it before any handler runs.
		u = &url.URL{Path: target}
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RequestURI, r.URL = target, u
	return r
}

func TestStaticFiles(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		target, contentType string
	}{
		{"/static/css/site.css", "text/css"},
		{"/static/js/enhance.js", "text/javascript"},
		{"/static/img/logo.svg", "image/svg+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			a := get(t, h, tt.target)
			if a.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", a.StatusCode)
			}
			if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			if cc := a.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
				t.Errorf("Cache-Control %q, want a max-age", cc)
			}
		})
	}
	// Folders are not listed.
	for _, target := range []string{"/static", "/static/css", "/static/img"} {
		if a := get(t, h, target); a.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404 (no folder listing)", target, a.StatusCode)
		}
	}
}

func TestNoOpenRedirect(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{"//evil.example/", "/\\evil.example/", "/%2fevil.example/"} {
		a := do(t, h, verbatim(t, target))
		loc := a.Header.Get("Location")
		if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.Contains(loc, "://") {
			t.Errorf("GET %s redirects off the site to %q", target, loc)
		}
	}
	a := get(t, h, "/policies/")
	if a.StatusCode != http.StatusMovedPermanently || a.Header.Get("Location") != "/policies" {
		t.Errorf("GET /policies/: %d to %q, want 301 to /policies", a.StatusCode, a.Header.Get("Location"))
	}
}

func TestMetrics(t *testing.T) {
	h, _ := newTestServer(t)
	get(t, h, "/policies/uk-psti-act-2022")
	get(t, h, "/policies/no-such-policy")
	r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	r.RemoteAddr = "127.0.0.1:40000" // only loopback may read them
	a := do(t, h, r)
	if a.StatusCode != http.StatusOK {
		t.Fatalf("status %d", a.StatusCode)
	}
	body := string(a.Body)
	for _, want := range []string{
		"# TYPE accord_http_requests_total counter",
		`accord_http_requests_total{method="GET",route="/policies/:slug",status="200"} 1`,
		`accord_http_requests_total{method="GET",route="/policies/:slug",status="404"} 1`,
		"accord_http_request_duration_seconds_bucket",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Slugs stay out of the labels, so that they cannot grow without bound.
	if strings.Contains(body, "uk-psti-act-2022") || strings.Contains(body, "no-such-policy") {
		t.Error("metrics label a series with a slug")
	}
}

func TestSitemapAndRobots(t *testing.T) {
	h, db := newTestServer(t)
	r := httptest.NewRequest(http.MethodGet, "http://accord.example/sitemap.xml", nil)
	a := do(t, h, r)
	if a.StatusCode != http.StatusOK {
		t.Fatalf("sitemap status %d", a.StatusCode)
	}
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("sitemap Content-Type %q", ct)
	}
	var sm struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(a.Body, &sm); err != nil {
		t.Fatalf("sitemap is not valid XML: %v", err)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		if !strings.HasPrefix(u.Loc, "http://accord.example/") {
			t.Errorf("loc %q not on the requested host", u.Loc)
		}
		if locs[u.Loc] {
			t.Errorf("loc %q listed twice", u.Loc)
		}
		locs[u.Loc] = true
	}
	for _, src := range sourcePolicies(t) {
		loc := "http://accord.example/policies/" + src.ID
		if !locs[loc] {
			t.Errorf("sitemap lacks %s", loc)
		}
	}
	for _, p := range []string{"/", "/policies", "/frameworks/dc-isss-iot"} {
		if !locs["http://accord.example"+p] {
			t.Errorf("sitemap lacks %s", p)
		}
	}
	const draft = "http://accord.example/documents/iot-security-by-design"
	if locs[draft] {
		t.Error("sitemap lists the shipped draft, which only members may read")
	}
	if err := db.SetDocumentStatus(context.Background(), "iot-security-by-design", "published"); err != nil {
		t.Fatal(err)
	}
	// Once published it is an outcome, listed at its outcome URL (its
	// /documents page has rel=canonical to it).
	published := string(do(t, h, httptest.NewRequest(http.MethodGet, "http://accord.example/sitemap.xml", nil)).Body)
	if !strings.Contains(published, "<loc>http://accord.example/outcomes/iot-security-by-design</loc>") {
		t.Error("sitemap lacks the document's outcome once published")
	}
	if strings.Contains(published, "<loc>"+draft+"</loc>") {
		t.Error("sitemap lists the published document's /documents page, not its outcome")
	}

	r = httptest.NewRequest(http.MethodGet, "http://accord.example/robots.txt", nil)
	a = do(t, h, r)
	if !strings.Contains(string(a.Body), "Sitemap: http://accord.example/sitemap.xml") {
		t.Errorf("robots.txt does not point to the sitemap:\n%s", a.Body)
	}
}

// TestHead: HEAD answers like GET, headers and status, without a body.
func TestHead(t *testing.T) {
	h, _ := newTestServer(t)
	for _, tc := range []struct {
		path   string
		status int
	}{{"/", 200}, {"/policies", 200}, {"/healthz", 200}, {"/static/css/site.css", 200}, {"/policies/no-such", 404}} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodHead, tc.path, nil))
		if w.Code != tc.status || w.Body.Len() != 0 {
			t.Errorf("HEAD %s: %d with %d bytes, want %d and no body", tc.path, w.Code, w.Body.Len(), tc.status)
		}
		if w.Header().Get("Content-Type") == "" {
			t.Errorf("HEAD %s: no Content-Type", tc.path)
		}
	}
}
