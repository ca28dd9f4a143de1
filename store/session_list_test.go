package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

func TestSessionList(t *testing.T) {
	db := mustOpen(t)
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	hash, err := store.HashPassword("a long test passphrase")
	if err != nil {
		t.Fatal(err)
	}
	alice, err := db.CreateUser(ctx, store.User{Email: "alice@example.org", Name: "Alice", Role: "stakeholder"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := db.CreateUser(ctx, store.User{Email: "bob@example.org", Name: "Bob", Role: "stakeholder"}, hash)
	if err != nil {
		t.Fatal(err)
	}
	laptop, err := db.CreateSession(ctx, alice.ID, "192.0.2.1", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
	if err != nil {
		t.Fatal(err)
	}
	hostile := "evil\x1b[31m\r\nagent\xff" + strings.Repeat("é", 300)
	if _, err := db.CreateSession(ctx, alice.ID, "198.51.100.2", hostile); err != nil {
		t.Fatal(err)
	}
	bobs, err := db.CreateSession(ctx, bob.ID, "203.0.113.3", "curl/8")
	if err != nil {
		t.Fatal(err)
	}

	list, err := db.Sessions(ctx, alice.ID, laptop)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("got %d sessions, want alice's 2: %+v", len(list), list)
	}
	var current, other store.SessionInfo
	for _, s := range list {
		if s.Current {
			current = s
		} else {
			other = s
		}
	}
	if current.UserAgent != "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0" || current.IP != "192.0.2.1" || current.Created.IsZero() || current.Seen.IsZero() {
		t.Errorf("the current session reads back as %+v", current)
	}
	if ua := other.UserAgent; len(ua) > 256 || strings.ContainsAny(ua, "\x1b\r\n\xff") || !strings.HasPrefix(ua, "evil [31m  agent") {
		t.Errorf("a hostile user agent was kept as %q (%d bytes)", ua, len(ua))
	}

	// Bob's session is not Alice's to end: not found, and it still works.
	bobList, err := db.Sessions(ctx, bob.ID, "")
	if err != nil || len(bobList) != 1 || bobList[0].Current {
		t.Fatalf("bob's sessions: %+v, %v", bobList, err)
	}
	if err := db.EndSession(ctx, alice.ID, bobList[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice ending bob's session: %v, want ErrNotFound", err)
	}
	if _, err := db.SessionUser(ctx, bobs); err != nil {
		t.Errorf("bob's session after alice's try: %v", err)
	}

	// Alice ends her other session; the current one lives on.
	if err := db.EndSession(ctx, alice.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.EndSession(ctx, alice.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ending it twice: %v, want ErrNotFound", err)
	}
	if list, _ := db.Sessions(ctx, alice.ID, laptop); len(list) != 1 || !list[0].Current {
		t.Errorf("after ending one: %+v", list)
	}

	// Ending all of bob's sessions leaves his account and alice's alone.
	n, err := db.EndAllSessions(ctx, bob.ID)
	if err != nil || n != 1 {
		t.Fatalf("EndAllSessions: %d, %v; want 1", n, err)
	}
	if _, err := db.SessionUser(ctx, bobs); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob's session after EndAllSessions: %v", err)
	}
	if _, err := db.SessionUser(ctx, laptop); err != nil {
		t.Errorf("alice's session after bob's were ended: %v", err)
	}
	if u, err := db.User(ctx, bob.ID); err != nil || u.Disabled {
		t.Errorf("bob after EndAllSessions: %+v, %v; want an enabled account", u, err)
	}
	if _, err := db.EndAllSessions(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("EndAllSessions of no user: %v, want ErrNotFound", err)
	}
}
