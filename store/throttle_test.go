package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestAccountLockout: the account's wait grows past a minute up to 15,
// its owner hears of it once per lock-out, and a password change clears
// it.
func TestAccountLockout(t *testing.T) {
	db, now, u := tokenEnv(t)
	ctx := context.Background()
	keys := store.LoginKeys("Tok@example.org", "192.0.2.1")
	// fail makes n failed attempts, each after the wait due, and returns
	// the wait then due (asked for once more: an attempt that must wait
	// is not counted).
	reserve := func() time.Duration {
		t.Helper()
		w, err := db.ReserveAttempt(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	fail := func(n int) time.Duration {
		t.Helper()
		for range n {
			if w := reserve(); w > 0 {
				*now = now.Add(w)
				if w := reserve(); w > 0 {
					t.Fatalf("attempt refused after the wait: %v more", w)
				}
			}
		}
		return reserve()
	}
	notices := func() int {
		t.Helper()
		msgs, _, err := db.Outbox(ctx, 1, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range msgs {
			if m.Kind == "sign-in-throttled" && m.To == u.Email {
				n++
			}
		}
		return n
	}
	if got := fail(store.AccountThrottle.Free); got != time.Second {
		t.Errorf("wait after %d failures: got %v, want 1s", store.AccountThrottle.Free, got)
	}
	if got := notices(); got != 0 {
		t.Errorf("notices before the lock-out: got %d, want 0", got)
	}
	if got := fail(7); got <= time.Minute || got > 15*time.Minute {
		t.Errorf("wait after %d failures: got %v, want more than 1m, at most 15m", store.AccountThrottle.Free+7, got)
	}
	if got := fail(10); got != 15*time.Minute {
		t.Errorf("wait after many failures: got %v, want the 15m cap", got)
	}
	if got := notices(); got != 1 {
		t.Errorf("notices after one lock-out: got %d, want 1", got)
	}
	if err := db.SetPassword(ctx, u.ID, "new hash", "", false); err != nil {
		t.Fatal(err)
	}
	// The address's own count is not the account's to clear; ask from
	// another one.
	keys = store.LoginKeys("Tok@example.org", "192.0.2.2")
	if w, err := db.ReserveAttempt(ctx, keys); err != nil || w != 0 {
		t.Errorf("after a password change: wait %v, %v; want none", w, err)
	}
	fail(store.AccountThrottle.Free)
	if got := notices(); got != 2 {
		t.Errorf("notices after a second lock-out: got %d, want 2", got)
	}
}
