package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestUnsubscribeURLRoundTrip: the link put in messages is absolute, on
// the base URL, and accepted by a server (another node, say) sharing the
// database.
func TestUnsubscribeURLRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u, err := db.CreateUser(ctx, store.User{Email: "reader@example.org", Role: "stakeholder"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSubscription(ctx, u.ID, store.TopicConsultations, true); err != nil {
		t.Fatal(err)
	}
	s := &Server{db: db, log: slog.New(slog.DiscardHandler), baseURL: "https://accord.example.org"}
	link := s.unsubscribeURL(u.ID, store.TopicConsultations)
	parsed, err := url.Parse(link)
	if err != nil || parsed.Scheme != "https" || parsed.Host != "accord.example.org" || parsed.Path != "/unsubscribe" {
		t.Fatalf("unsubscribeURL = %q, want https://accord.example.org/unsubscribe?...", link)
	}
	other := New(Deps{Store: db})
	w := httptest.NewRecorder()
	other.ServeHTTP(w, httptest.NewRequest(http.MethodPost, parsed.RequestURI(), nil))
	if w.Code != http.StatusOK {
		t.Fatalf("POST %s: status %d, want 200", parsed.RequestURI(), w.Code)
	}
	if on, err := db.Subscribed(ctx, u.ID, store.TopicConsultations); err != nil || on {
		t.Errorf("after the link: subscribed %v (%v), want false", on, err)
	}
	if again := s.unsubscribeURL(u.ID, store.TopicConsultations); again != link {
		t.Errorf("the link changed between calls: %q then %q", link, again)
	}
}
