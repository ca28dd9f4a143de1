package web_test

import (
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dc-isss/accord/web"
)

// TestRequestIDOnlyFromTrustedProxy: a client-chosen X-Request-ID is kept
// (in the answer and the log line) only when a trusted proxy sends it.
func TestRequestIDOnlyFromTrustedProxy(t *testing.T) {
	e := newEnv(t)
	_, proxies, err := net.ParseCIDR("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := web.New(web.Deps{Store: e.db, Now: e.clock, TrustedProxies: []*net.IPNet{proxies},
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, tc := range []struct {
		name, peer, id string
		kept           bool
	}{
		{"from a client", "192.0.2.10", "chosen-by-client", false},
		{"from the trusted proxy", "10.1.2.3", "proxy-id-42", true},
		{"from the proxy, not plain", "10.1.2.3", "evil\" level=ERROR msg=forged", false},
		{"from the proxy, too long", "10.1.2.3", strings.Repeat("a", 129), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			req.RemoteAddr = tc.peer + ":40000"
			req.Header.Set("X-Request-ID", tc.id)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			got := w.Header().Get("X-Request-ID")
			if got == "" {
				t.Fatal("no X-Request-ID in the answer")
			}
			if (got == tc.id) != tc.kept {
				t.Errorf("answer's X-Request-ID %q for a sent %q, want kept=%v", got, tc.id, tc.kept)
			}
			if !strings.Contains(logs.String(), "request_id="+got) {
				t.Errorf("log line does not carry the answer's id %q:\n%s", got, logs.String())
			}
			if !tc.kept && strings.Contains(logs.String(), tc.id) {
				t.Errorf("the client's id %q reached the log:\n%s", tc.id, logs.String())
			}
		})
	}
}
