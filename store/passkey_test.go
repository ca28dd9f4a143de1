package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

func TestPasskeysAddListUseRemove(t *testing.T) {
	ctx := context.Background()
	db, u, _ := mfaUser(t)
	other, err := db.CreateUser(ctx, store.User{Email: "ann@example.org", Name: "Ann", Role: "editor"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := db.HasMFA(ctx, u.ID); has {
		t.Fatal("HasMFA with nothing enrolled: want false")
	}
	p, err := db.AddPasskey(ctx, store.Passkey{UserID: u.ID, CredentialID: []byte("cred-1"), PublicKey: []byte("pk-1"), SignCount: 0,
		Transports: []string{"internal", "hybrid"}, AAGUID: []byte("0123456789abcdef"), Flags: store.PasskeyUserPresent | store.PasskeyBackupEligible, Name: "Laptop"})
	if err != nil || p.ID == 0 {
		t.Fatalf("AddPasskey = %+v, %v", p, err)
	}
	// A credential id is registered once, whoever asks.
	if _, err := db.AddPasskey(ctx, store.Passkey{UserID: other.ID, CredentialID: []byte("cred-1"), PublicKey: []byte("x"), Name: "Copy"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("AddPasskey of a registered credential: %v, want ErrConflict", err)
	}
	if has, _ := db.HasMFA(ctx, u.ID); !has {
		t.Fatal("HasMFA with a passkey: want true")
	}
	if has, _ := db.HasTOTP(ctx, u.ID); has {
		t.Fatal("HasTOTP with only a passkey: want false")
	}
	if users, _ := db.MFAUsers(ctx); !users[u.ID] || users[other.ID] {
		t.Fatalf("MFAUsers = %v, want only user %d", users, u.ID)
	}

	keys, err := db.Passkeys(ctx, u.ID)
	if err != nil || len(keys) != 1 {
		t.Fatalf("Passkeys = %+v, %v; want one", keys, err)
	}
	k := keys[0]
	if k.Name != "Laptop" || string(k.CredentialID) != "cred-1" || string(k.PublicKey) != "pk-1" || len(k.Transports) != 2 ||
		string(k.AAGUID) != "0123456789abcdef" || k.Flags != store.PasskeyUserPresent|store.PasskeyBackupEligible || !k.LastUsedAt.IsZero() || k.CreatedAt.IsZero() {
		t.Fatalf("passkey read back = %+v", k)
	}

	// The signature counter: zero to zero is allowed (authenticators that
	// keep no counter), then it must move forward.
	for _, tc := range []struct {
		user  int64
		count uint32
		want  error
	}{
		{u.ID, 0, nil},
		{u.ID, 5, nil},
		{u.ID, 5, store.ErrCounter},
		{u.ID, 3, store.ErrCounter},
		{u.ID, 0, store.ErrCounter},
		{other.ID, 9, store.ErrNotFound},
		{u.ID, 6, nil},
	} {
		err := db.UsePasskey(ctx, tc.user, []byte("cred-1"), tc.count, k.Flags)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("UsePasskey(user %d, count %d) = %v, want %v", tc.user, tc.count, err, tc.want)
		}
	}
	keys, _ = db.Passkeys(ctx, u.ID)
	if keys[0].SignCount != 6 || keys[0].LastUsedAt.IsZero() {
		t.Fatalf("after use: count %d, last used %v; want 6 and a time", keys[0].SignCount, keys[0].LastUsedAt)
	}

	// Another user cannot remove it; its owner can, once.
	if err := db.RemovePasskey(ctx, other.ID, k.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RemovePasskey by another user: %v, want ErrNotFound", err)
	}
	if err := db.RemovePasskey(ctx, u.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RemovePasskey(ctx, u.ID, k.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RemovePasskey again: %v, want ErrNotFound", err)
	}
	if has, _ := db.HasMFA(ctx, u.ID); has {
		t.Fatal("HasMFA after removing the passkey: want false")
	}
	wantAudit(t, db, "mfa.passkey_add", "mfa.passkey_remove")
}

func TestResetMFARemovesPasskeys(t *testing.T) {
	ctx := context.Background()
	db, u, _ := mfaUser(t)
	if _, err := db.AddPasskey(ctx, store.Passkey{UserID: u.ID, CredentialID: []byte("c"), PublicKey: []byte("k"), Name: "Key"}); err != nil {
		t.Fatal(err)
	}
	// Turning TOTP off (there is none) leaves the passkey alone.
	if err := db.DisableMFA(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DisableMFA without TOTP: %v, want ErrNotFound", err)
	}
	if err := db.ResetMFA(ctx, u.ID); err != nil {
		t.Fatalf("ResetMFA of a passkey-only account: %v", err)
	}
	if keys, _ := db.Passkeys(ctx, u.ID); len(keys) != 0 {
		t.Fatalf("passkeys after reset: %d, want 0", len(keys))
	}
	wantAudit(t, db, "mfa.reset")
}

func TestWebAuthnChallengesAreSingleUseAndShortLived(t *testing.T) {
	ctx := context.Background()
	db, u, _ := mfaUser(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	save := func(binding, data string) {
		t.Helper()
		if err := db.SaveChallenge(ctx, binding, "register", u.ID, data, now.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	save("session:a", "first")
	save("session:a", "second") // a new request replaces the one in flight
	if _, err := db.TakeChallenge(ctx, "session:a", "login", u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("take for another purpose: %v, want ErrNotFound", err)
	}
	if _, err := db.TakeChallenge(ctx, "session:b", "register", u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("take for another session: %v, want ErrNotFound", err)
	}
	if got, err := db.TakeChallenge(ctx, "session:a", "register", u.ID); err != nil || got != "second" {
		t.Fatalf("take = %q, %v; want the latest", got, err)
	}
	if _, err := db.TakeChallenge(ctx, "session:a", "register", u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("take twice: %v, want ErrNotFound", err)
	}
	save("session:c", "late")
	now = now.Add(6 * time.Minute)
	if _, err := db.TakeChallenge(ctx, "session:c", "register", u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("take after expiry: %v, want ErrNotFound", err)
	}
	save("session:d", "someone's")
	if _, err := db.TakeChallenge(ctx, "session:d", "register", u.ID+1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("take by another user: %v, want ErrNotFound", err)
	}
}

func wantAudit(t *testing.T, db *store.DB, actions ...string) {
	t.Helper()
	events, _, err := db.Audit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Action] = true
	}
	for _, a := range actions {
		if !seen[a] {
			t.Errorf("audit has no %s event", a)
		}
	}
}
