package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestClientDisconnectIs499: a request whose client hung up (its context
// cancelled before the answer) is counted and logged as 499 at debug, not
// as a 500 ERROR.
func TestClientDisconnectIs499(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u, err := db.CreateUser(ctx, store.User{Email: "ed@example.org", Name: "Ed", Role: "editor"}, "")
	if err != nil {
		t.Fatal(err)
	}
	session, err := db.CreateSession(ctx, u.ID, "127.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := NewServer(Deps{Store: db, Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	gone, cancel := context.WithCancel(ctx)
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/account", nil).WithContext(gone)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	s.Handler().ServeHTTP(httptest.NewRecorder(), req)

	counted := map[string]float64{}
	families, err := s.metrics.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "accord_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "status" {
					counted[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
	}
	if counted["499"] != 1 || counted["500"] != 0 {
		t.Errorf("got requests by status %v, want one 499 and no 500", counted)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a client hanging up was logged as an error:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "level=DEBUG msg=request") || !strings.Contains(logs.String(), "status=499") {
		t.Errorf("want a debug request line with status 499, got:\n%s", logs.String())
	}
}
