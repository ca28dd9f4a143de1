package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// clockDB is a fresh database whose clock the test moves.
func clockDB(t *testing.T) (*store.DB, *time.Time) {
	t.Helper()
	db := mustOpen(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	return db, &now
}

func mustUser(t *testing.T, db *store.DB, email string) store.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), store.User{Email: email, Role: "stakeholder"}, "")
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestEnqueueValidates(t *testing.T) {
	db, _ := clockDB(t)
	ctx := context.Background()
	ok := store.Message{To: "a@example.org", Kind: "comment-receipt", Subject: "Thanks", Body: "Hello"}
	tests := []struct {
		name  string
		edit  func(m *store.Message)
		field string
	}{
		{"no recipient", func(m *store.Message) { m.To = " " }, "to"},
		{"header injection in the recipient", func(m *store.Message) { m.To = "a@example.org\r\nBcc: b@example.org" }, "to"},
		{"no kind", func(m *store.Message) { m.Kind = "" }, "kind"},
		{"subject on two lines", func(m *store.Message) { m.Subject = "a\nb" }, "subject"},
		{"unsubscribe URL with a space", func(m *store.Message) { m.Unsubscribe = "http://x/ y" }, "unsubscribe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			// The good message goes with the bad one: one transaction, so
			// neither is queued.
			err := db.Enqueue(ctx, ok, m)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tt.field] == "" {
				t.Fatalf("Enqueue(%+v) = %v, want a validation error on %s", m, err, tt.field)
			}
			if _, total, err := db.Outbox(ctx, 1, 10); err != nil || total != 0 {
				t.Errorf("outbox holds %d messages (%v), want 0", total, err)
			}
		})
	}
}

func TestOutboxDelivery(t *testing.T) {
	db, now := clockDB(t)
	ctx := context.Background()
	u := mustUser(t, db, "reader@example.org")
	start := *now
	err := db.Enqueue(ctx,
		store.Message{UserID: u.ID, To: u.Email, Kind: "consultation-opened", Subject: "A consultation opened", Body: "Read it.",
			Unsubscribe: "http://accord.test/unsubscribe?u=1"},
		store.Message{To: "other@example.org", Kind: "comment-receipt", Subject: "Thanks", Body: "We got it."})
	if err != nil {
		t.Fatal(err)
	}
	due, err := db.DueMessages(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Message{
		{ID: 1, UserID: u.ID, To: u.Email, Kind: "consultation-opened", Subject: "A consultation opened", Body: "Read it.",
			Unsubscribe: "http://accord.test/unsubscribe?u=1", CreatedAt: start, NextAttempt: start},
		{ID: 2, To: "other@example.org", Kind: "comment-receipt", Subject: "Thanks", Body: "We got it.", CreatedAt: start, NextAttempt: start},
	}
	if diff := cmp.Diff(want, due); diff != "" {
		t.Fatalf("due messages (-want +got):\n%s", diff)
	}
	if got, _ := db.DueMessages(ctx, 1); len(got) != 1 {
		t.Errorf("DueMessages(limit 1) gave %d messages, want 1", len(got))
	}

	if err := db.MarkSent(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkSent twice = %v, want ErrNotFound", err)
	}
	retry := start.Add(time.Minute)
	if err := db.MarkFailed(ctx, 2, "421 try later", retry); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.DueMessages(ctx, 10); len(got) != 0 {
		t.Errorf("right after a failure %d messages are due, want 0: %+v", len(got), got)
	}
	*now = retry
	got, err := db.DueMessages(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != 2 || got[0].Attempts != 1 || got[0].LastError != "421 try later" {
		t.Errorf("a minute later due = %+v, want message 2 after 1 attempt with its error", got)
	}

	sent, err := db.Message(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !sent.SentAt.Equal(start) || sent.Attempts != 1 {
		t.Errorf("sent message: sent at %v after %d attempts, want %v after 1", sent.SentAt, sent.Attempts, start)
	}
	if _, err := db.Message(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Message(99) = %v, want ErrNotFound", err)
	}
}

func TestOutboxGivesUpAfterMaxAttempts(t *testing.T) {
	db, now := clockDB(t)
	ctx := context.Background()
	if err := db.Enqueue(ctx, store.Message{To: "a@example.org", Kind: "comment-receipt", Subject: "S", Body: "B"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= store.MaxAttempts; i++ {
		due, err := db.DueMessages(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 {
			t.Fatalf("before attempt %d: %d due, want 1", i, len(due))
		}
		if err := db.MarkFailed(ctx, due[0].ID, "connection refused", *now); err != nil {
			t.Fatal(err)
		}
	}
	*now = now.Add(24 * time.Hour)
	if due, _ := db.DueMessages(ctx, 10); len(due) != 0 {
		t.Errorf("after %d failures %d messages are due, want 0", store.MaxAttempts, len(due))
	}
	list, total, err := db.Outbox(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || list[0].Attempts != store.MaxAttempts || list[0].LastError != "connection refused" || !list[0].SentAt.IsZero() {
		t.Errorf("outbox = %+v (total %d), want the message kept, unsent, with its error", list, total)
	}
}

func TestOutboxPages(t *testing.T) {
	db, _ := clockDB(t)
	ctx := context.Background()
	var msgs []store.Message
	for range 5 {
		msgs = append(msgs, store.Message{To: "a@example.org", Kind: "comment-receipt", Subject: "S", Body: "B"})
	}
	if err := db.Enqueue(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		page, perPage int
		want          []int64
	}{
		{1, 2, []int64{5, 4}},
		{3, 2, []int64{1}},
		{4, 2, nil},
	}
	for _, tt := range tests {
		list, total, err := db.Outbox(ctx, tt.page, tt.perPage)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, m := range list {
			ids = append(ids, m.ID)
		}
		if total != 5 || !cmp.Equal(ids, tt.want) {
			t.Errorf("Outbox(page %d, %d per page) = %v of %d, want %v of 5", tt.page, tt.perPage, ids, total, tt.want)
		}
	}
}

func TestSubscriptions(t *testing.T) {
	db, _ := clockDB(t)
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	a := mustUser(t, db, "a@example.org")
	b := mustUser(t, db, "b@example.org")
	c := mustUser(t, db, "c@example.org")
	for _, u := range []store.User{a, b, c} {
		if err := db.SetSubscription(ctx, u.ID, store.TopicConsultations, true); err != nil {
			t.Fatal(err)
		}
	}
	// Twice on is once on.
	if err := db.SetSubscription(ctx, a.ID, store.TopicConsultations, true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSubscription(ctx, b.ID, store.TopicConsultations, false); err != nil {
		t.Fatal(err)
	}
	if err := db.SetDisabled(ctx, c.ID, true); err != nil {
		t.Fatal(err)
	}
	subs, err := db.Subscribers(ctx, store.TopicConsultations)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range subs {
		emails = append(emails, u.Email)
	}
	if diff := cmp.Diff([]string{"a@example.org"}, emails); diff != "" {
		t.Errorf("subscribers (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		user store.User
		want bool
	}{{a, true}, {b, false}, {c, true}} {
		got, err := db.Subscribed(ctx, tt.user.ID, store.TopicConsultations)
		if err != nil || got != tt.want {
			t.Errorf("Subscribed(%s) = %v, %v; want %v", tt.user.Email, got, err, tt.want)
		}
	}
	events, _, err := db.Audit(ctx, store.AuditFilter{Action: "subscription."})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 4 {
		t.Errorf("got %d subscription events, want 4 (three on, one off; a repeat records nothing): %+v", len(events), events)
	}
	var ve *store.ValidationError
	if err := db.SetSubscription(ctx, a.ID, "gossip", true); !errors.As(err, &ve) {
		t.Errorf("SetSubscription(unknown topic) = %v, want a validation error", err)
	}
	if err := db.SetSubscription(ctx, 999, store.TopicConsultations, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetSubscription(unknown user) = %v, want ErrNotFound", err)
	}
}

func TestSecretIsCreatedOnce(t *testing.T) {
	db, _ := clockDB(t)
	ctx := context.Background()
	first, err := db.Secret(ctx, "unsubscribe_key")
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.Secret(ctx, "unsubscribe_key")
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 43 || again != first {
		t.Errorf("Secret: got %q then %q, want one 43-character value twice", first, again)
	}
	if other, _ := db.Secret(ctx, "another_key"); other == first {
		t.Errorf("two keys share the secret %q", first)
	}
}
