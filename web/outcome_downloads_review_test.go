package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestOutcomeDownloadETagFollowsBytes: a download's ETag is a hash of
// the bytes sent, so it changes when they do. The Markdown names cited
// policies by their names now: renaming one changes the file and its
// ETag, and the old ETag no longer revalidates.
func TestOutcomeDownloadETagFollowsBytes(t *testing.T) {
	e := newEnv(t)
	e.publishOutcome("iot")
	anon := e.client()
	for _, path := range []string{"/outcomes/iot.md", "/outcomes/iot/editions/1.pdf", "/outcomes/iot.html"} {
		w := anon.get(path)
		sum := sha256.Sum256(w.Body.Bytes())
		if got, want := w.Header().Get("ETag"), `"dl-`+base64.RawURLEncoding.EncodeToString(sum[:18])+`"`; got != want {
			t.Errorf("%s: got ETag %s, want %s (the hash of the body)", path, got, want)
		}
	}
	const path = "/outcomes/iot.md"
	before := anon.get(path)
	etag := before.Header().Get("ETag")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	p, err := e.db.Policy(ctx, "uk-psti-act-2022")
	if err != nil {
		t.Fatal(err)
	}
	p.ShortTitle = "PSTI renamed"
	if _, err := e.db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		t.Fatal(err)
	}
	after := anon.get(path)
	if !strings.Contains(after.Body.String(), "[PSTI renamed](") {
		t.Errorf("the Markdown lacks the policy's new name:\n%s", after.Body.String())
	}
	if after.Header().Get("ETag") == etag {
		t.Errorf("got the same ETag %s after a cited policy was renamed", etag)
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("If-None-Match", etag)
	wantStatus(t, path+" with the old ETag", anon.do(req), http.StatusOK)
}

// TestOutcomeDownloadGroupDefault: a site that never named its group
// publishes under the application's name in the downloads, as on the
// edition's page.
func TestOutcomeDownloadGroupDefault(t *testing.T) {
	e := newEnv(t)
	e.publishOutcome("iot")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	if err := e.db.SetGroupName(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if body := e.client().get("/outcomes/iot.md").Body.String(); !strings.Contains(body, "- Published by: Accord\n") {
		t.Errorf("the Markdown lacks %q:\n%.400s", "- Published by: Accord", body)
	}
	if err := e.db.SetGroupName(ctx, "DC-ISSS"); err != nil {
		t.Fatal(err)
	}
	if body := e.client().get("/outcomes/iot.md").Body.String(); !strings.Contains(body, "- Published by: DC-ISSS\n") {
		t.Errorf("the Markdown lacks %q:\n%.400s", "- Published by: DC-ISSS", body)
	}
}
