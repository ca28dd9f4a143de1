package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNoStoreForSignedIn: every answer to a signed-in user or an API
// token is kept out of caches; anonymous pages and /static/ keep theirs.
func TestNoStoreForSignedIn(t *testing.T) {
	e := newEnv(t)
	const draft = "/documents/iot-security-by-design/versions/1"
	admin := e.signedIn("admin")
	editor := e.signedIn("editor")
	secret, err := e.db.CreateToken(context.Background(), e.users["editor"].ID, "no-store test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	bearer := e.client()
	bearer.bearer = secret
	for _, tc := range []struct {
		name string
		c    *client
		path string
	}{
		{"admin page", admin, "/admin/users"},
		{"account", editor, "/account"},
		{"history", editor, "/policies/eu-cra/history"},
		{"draft page", editor, draft},
		{"draft JSON by session", editor, "/api/v1" + draft},
		{"draft JSON by token", bearer, "/api/v1" + draft},
		{"home page signed in", editor, "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.c.get(tc.path)
			wantStatus(t, tc.path, w, http.StatusOK)
			if got := w.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("GET %s: Cache-Control %q, want no-store", tc.path, got)
			}
		})
	}
	anon := e.client()
	if got := anon.get("/").Header().Get("Cache-Control"); strings.Contains(got, "no-store") {
		t.Errorf("anonymous home page: Cache-Control %q, want it cacheable", got)
	}
	if got := editor.get("/static/css/site.css").Header().Get("Cache-Control"); got == "no-store" || got == "" {
		t.Errorf("/static/ for a signed-in user: Cache-Control %q, want its own caching", got)
	}
}
