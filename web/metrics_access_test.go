package web_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// TestMetricsAccess checks who may read /metrics on the main listener:
// loopback and the configured ranges, nobody else, and nobody at all when
// the metrics have a listener of their own.
func TestMetricsAccess(t *testing.T) {
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, office, _ := net.ParseCIDR("198.51.100.0/24")
	_, proxy, _ := net.ParseCIDR("10.0.0.2/32")
	plain := web.NewServer(web.Deps{Store: db, MetricsAllow: []*net.IPNet{office}})
	proxied := web.NewServer(web.Deps{Store: db, TrustedProxies: []*net.IPNet{proxy}})
	elsewhere := web.NewServer(web.Deps{Store: db, MetricsElsewhere: true})
	tests := []struct {
		name   string
		h      http.Handler
		remote string
		realIP string // X-Real-IP sent, if any
		want   int
	}{
		{"loopback", plain.Handler(), "127.0.0.1:5000", "", http.StatusOK},
		{"loopback over IPv6", plain.Handler(), "[::1]:5000", "", http.StatusOK},
		{"an allowed range", plain.Handler(), "198.51.100.7:5000", "", http.StatusOK},
		{"a stranger", plain.Handler(), "203.0.113.9:5000", "", http.StatusNotFound},
		{"a stranger claiming loopback", plain.Handler(), "203.0.113.9:5000", "127.0.0.1", http.StatusNotFound},
		{"a stranger through a trusted proxy", proxied.Handler(), "10.0.0.2:5000", "203.0.113.9", http.StatusNotFound},
		{"loopback through a trusted proxy", proxied.Handler(), "10.0.0.2:5000", "127.0.0.1", http.StatusOK},
		{"loopback when metrics have their own listener", elsewhere.Handler(), "127.0.0.1:5000", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = tt.remote
			if tt.realIP != "" {
				r.Header.Set("X-Real-IP", tt.realIP)
			}
			a := do(t, tt.h, r)
			if a.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", a.StatusCode, tt.want)
			}
			if got := strings.Contains(string(a.Body), "go_goroutines"); got != (tt.want == http.StatusOK) {
				t.Errorf("metrics in the body: %v, want %v", got, tt.want == http.StatusOK)
			}
		})
	}
	// The separate listener's handler serves them.
	rec := httptest.NewRecorder()
	elsewhere.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Errorf("MetricsHandler: status %d, body %.200s", rec.Code, rec.Body)
	}
}
