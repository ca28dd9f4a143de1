package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// outbox lists every queued message, oldest first.
func outbox(t *testing.T, db *store.DB) []store.Message {
	t.Helper()
	msgs, _, err := db.Outbox(context.Background(), 1, 500)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs
}

func TestCommentAuthorsAreTold(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPre)
	ce.advance(48 * time.Hour)
	m := ce.post(t, ce.alice, `{"paragraph":"p2","body":"Say who checks it."}`, http.StatusCreated)
	// A refused comment tells nobody anything.
	ce.post(t, ce.alice, `{"paragraph":"p1","body":"On a heading"}`, http.StatusUnprocessableEntity)
	wantStatus(t, "approve", ce.editor.json("POST", "/api/v1/comments/"+itoa(m.ID)+"/moderation", `{"action":"approve"}`), http.StatusOK)
	wantStatus(t, "hide", ce.editor.json("POST", "/api/v1/comments/"+itoa(m.ID)+"/moderation", `{"action":"hide","reason":"off-topic","note":"About another draft"}`), http.StatusOK)

	msgs := outbox(t, ce.db)
	tests := []struct{ kind, inBody string }{
		{"comment-receipt", "once a moderator approves it"},
		{"comment-approved", "It is public now"},
		{"comment-hidden", "About another draft"},
	}
	if len(msgs) != len(tests) {
		t.Fatalf("outbox: got %d messages, want %d: %+v", len(msgs), len(tests), msgs)
	}
	for i, tt := range tests {
		got := msgs[i]
		if got.Kind != tt.kind || got.To != aliceEmail || !strings.Contains(got.Body, tt.inBody) ||
			!strings.Contains(got.Body, "/consultations/round-1/comments/"+itoa(m.ID)) || !strings.Contains(got.Subject, "Round one") {
			t.Errorf("message %d: got %s to %s %q\n%s\nwant %s mentioning %q", i, got.Kind, got.To, got.Subject, got.Body, tt.kind, tt.inBody)
		}
	}
}

func TestSubscribersAreToldOnceWhenAConsultationOpens(t *testing.T) {
	ce := newConsultEnv(t)
	ctx := context.Background()
	if err := ce.db.SetSubscription(ctx, ce.bobID, store.TopicConsultations, true); err != nil {
		t.Fatal(err)
	}
	ce.consultation(t, store.ModerationPost)
	srv := web.NewServer(web.Deps{Store: ce.db, Now: ce.clock, BaseURL: "https://accord.example.org"})
	if err := srv.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if msgs := outbox(t, ce.db); len(msgs) != 0 {
		t.Fatalf("before the opening: %d messages queued, want none", len(msgs))
	}
	ce.advance(25 * time.Hour)
	for i := 0; i < 2; i++ {
		if err := srv.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := outbox(t, ce.db)
	if len(msgs) != 1 {
		t.Fatalf("after the opening and two ticks: %d messages, want 1 (to the one subscriber)", len(msgs))
	}
	got := msgs[0]
	if got.Kind != "consultation-opened" || got.To != "bob@example.org" ||
		!strings.HasPrefix(got.Unsubscribe, "https://accord.example.org/unsubscribe?") ||
		!strings.Contains(got.Body, "https://accord.example.org/consultations/round-1") || !strings.Contains(got.Body, got.Unsubscribe) {
		t.Errorf("got %+v, want a consultation-opened message to bob with the page and an unsubscribe link", got)
	}
	// The link it carries works without signing in.
	w := ce.client().post(strings.TrimPrefix(got.Unsubscribe, "https://accord.example.org"), nil)
	wantStatus(t, "one-click unsubscribe", w, http.StatusOK)
	if on, _ := ce.db.Subscribed(ctx, ce.bobID, store.TopicConsultations); on {
		t.Errorf("after unsubscribing, bob is still subscribed")
	}
}

// TestCommentNewsCanBeStopped: every message about one's own comment
// carries a one-click link that stops them, and after it nothing more is
// queued.
func TestCommentNewsCanBeStopped(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPost)
	ce.advance(48 * time.Hour)
	ce.post(t, ce.alice, `{"paragraph":"p2","body":"First."}`, http.StatusCreated)
	msgs := outbox(t, ce.db)
	if len(msgs) != 1 || msgs[0].Unsubscribe == "" || !strings.Contains(msgs[0].Body, msgs[0].Unsubscribe) {
		t.Fatalf("the receipt: got %+v, want one message with its unsubscribe link in the header and the text", msgs)
	}
	w := ce.client().post(msgs[0].Unsubscribe, nil)
	wantStatus(t, "one-click unsubscribe", w, http.StatusOK)
	ce.post(t, ce.alice, `{"paragraph":"p4","body":"Second."}`, http.StatusCreated)
	if n := len(outbox(t, ce.db)); n != 1 {
		t.Errorf("after opting out: %d messages, want still 1", n)
	}
	if on, _ := ce.db.Subscribed(context.Background(), ce.aliceID, store.TopicCommentNews); on {
		t.Errorf("after opting out, alice still gets comment news")
	}
}
