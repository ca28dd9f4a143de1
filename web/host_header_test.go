package web_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dc-isss/accord/web"
)

// TestForgedHostNeverInAbsoluteURLs: with a base URL set, a request with
// Host: evil.example (and forwarded headers of its own) gets absolute URLs
// on the base URL alone, in every document that carries them.
func TestForgedHostNeverInAbsoluteURLs(t *testing.T) {
	e := newEnv(t)
	e.publishOutcome("iot")
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, BaseURL: "https://accord.example.org"})
	c := e.client()
	for _, path := range []string{
		"/robots.txt", "/sitemap.xml", "/policies.atom", "/outcomes.atom", "/consultations.atom",
		"/api/v1/frameworks/dc-isss-iot/mappings?format=oscal", "/outcomes/iot", "/outcomes/iot.md",
	} {
		t.Run(path, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Host = "evil.example"
			r.Header.Set("X-Forwarded-Host", "evil.example")
			r.Header.Set("X-Forwarded-Proto", "http")
			w := c.do(r)
			wantStatus(t, path, w, http.StatusOK)
			body := w.Body.String()
			if strings.Contains(body, "evil.example") {
				t.Errorf("%s names the forged host:\n%.600s", path, body)
			}
			if !strings.Contains(body, "https://accord.example.org/") {
				t.Errorf("%s has no URL on the base URL:\n%.600s", path, body)
			}
		})
	}
}

// TestSchemeFromTrustedProxyOnly: without a base URL, absolute URLs take
// https from X-Forwarded-Proto only when a trusted proxy sends it.
func TestSchemeFromTrustedProxyOnly(t *testing.T) {
	e := newEnv(t)
	_, proxy, _ := net.ParseCIDR("10.0.0.2/32")
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, TrustedProxies: []*net.IPNet{proxy}})
	tests := []struct {
		name, from, proto, want string
	}{
		{"a client claiming https", "203.0.113.9", "https", "Sitemap: http://accord.test/sitemap.xml"},
		{"a private-network client claiming https", "10.0.0.9", "https", "Sitemap: http://accord.test/sitemap.xml"},
		{"a loopback client claiming https", "127.0.0.1", "https", "Sitemap: http://accord.test/sitemap.xml"},
		{"the trusted proxy saying https", "10.0.0.2", "https", "Sitemap: https://accord.test/sitemap.xml"},
		{"the trusted proxy saying http", "10.0.0.2", "http", "Sitemap: http://accord.test/sitemap.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			c.ip = tt.from
			r := httptest.NewRequest(http.MethodGet, "/robots.txt", nil)
			r.Host = "accord.test"
			r.Header.Set("X-Forwarded-Proto", tt.proto)
			w := c.do(r)
			wantStatus(t, "/robots.txt", w, http.StatusOK)
			if !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("robots.txt lacks %q:\n%s", tt.want, w.Body)
			}
		})
	}
}
