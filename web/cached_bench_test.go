package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCachedPolicies is one anonymous request for /policies answered
// from the page cache, through the whole middleware chain: the cost that
// the page-rate budget measures, without the network.
func BenchmarkCachedPolicies(b *testing.B) {
	h, _ := newTestServer(b)
	get := func() {
		r := httptest.NewRequest(http.MethodGet, "/policies", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		io.Copy(io.Discard, w.Body)
	}
	get()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		get()
	}
}
