package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestUnsubscribeLinkOutlivesRotation: after `accord keys rotate`, a
// restarted server still takes an unsubscribe link signed with the old
// key during the grace period, and refuses it afterwards.
func TestUnsubscribeLinkOutlivesRotation(t *testing.T) {
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
	old := &Server{db: db, log: slog.New(slog.DiscardHandler), baseURL: "https://accord.example.org"}
	link, err := url.Parse(old.unsubscribeURL(u.ID, store.TopicConsultations))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, k := range SigningKeys() {
		r := store.Rotation{Name: k.Meta}
		if k.KeepPrevious {
			r.KeepAs, r.KeepUntilKey = PreviousKeyMeta(k.Meta)
			r.Until = now.Add(PreviousKeyGrace)
		}
		if err := db.RotateSecret(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{
		{time.Hour, http.StatusOK},
		{PreviousKeyGrace + time.Hour, http.StatusBadRequest},
	} {
		at := now.Add(tc.after)
		restarted := New(Deps{Store: db, Now: func() time.Time { return at }})
		w := httptest.NewRecorder()
		restarted.ServeHTTP(w, httptest.NewRequest(http.MethodGet, link.RequestURI(), nil))
		if w.Code != tc.want {
			t.Errorf("%s after rotation: status %d, want %d", tc.after, w.Code, tc.want)
		}
	}
	// Links signed now use the new key.
	fresh := &Server{db: db, log: slog.New(slog.DiscardHandler), baseURL: "https://accord.example.org"}
	if fresh.unsubscribeURL(u.ID, store.TopicConsultations) == link.String() {
		t.Error("after rotation, new links are still signed with the old key")
	}
}
