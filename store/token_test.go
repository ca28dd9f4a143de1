package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// tokenEnv is a store with a controlled clock and one account.
func tokenEnv(t *testing.T) (*store.DB, *time.Time, store.User) {
	t.Helper()
	db := mustOpen(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	u, err := db.CreateUser(context.Background(), store.User{Email: "tok@example.org", Name: "Tok", Role: "editor"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	return db, &now, u
}

func TestTokenExpiryAndLastUse(t *testing.T) {
	db, now, u := tokenEnv(t)
	ctx := context.Background()
	secret, err := db.CreateToken(ctx, u.ID, "ci", now.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() string {
		toks, err := db.Tokens(ctx, u.ID)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens: %v, %v", toks, err)
		}
		return toks[0].LastUsed
	}
	if got := lastUsed(); got != "" {
		t.Errorf("last use before any: got %q, want empty", got)
	}
	if _, err := db.TokenUser(ctx, secret); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	first := lastUsed()
	if first != "2026-03-01T12:00:00Z" {
		t.Errorf("last use: got %q, want 2026-03-01T12:00:00Z", first)
	}
	*now = now.Add(30 * time.Second)
	db.TokenUser(ctx, secret)
	if got := lastUsed(); got != first {
		t.Errorf("last use rewritten within a minute: got %q, want %q", got, first)
	}
	*now = now.Add(31 * time.Second)
	db.TokenUser(ctx, secret)
	if got := lastUsed(); got != "2026-03-01T12:01:01Z" {
		t.Errorf("last use after a minute: got %q, want 2026-03-01T12:01:01Z", got)
	}
	*now = now.Add(48 * time.Hour)
	if _, err := db.TokenUser(ctx, secret); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired token: got %v, want ErrNotFound", err)
	}
}

func TestTokenLimit(t *testing.T) {
	db, now, u := tokenEnv(t)
	ctx := context.Background()
	// An expired token does not count.
	if _, err := db.CreateToken(ctx, u.ID, "old", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(2 * time.Hour)
	for i := range store.MaxTokens {
		if _, err := db.CreateToken(ctx, u.ID, "t", time.Time{}); err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
	}
	_, err := db.CreateToken(ctx, u.ID, "one too many", time.Time{})
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["token"] == "" {
		t.Fatalf("token %d: got %v, want a validation error on token", store.MaxTokens+1, err)
	}
	toks, _ := db.Tokens(ctx, u.ID)
	if err := db.RevokeToken(ctx, u.ID, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateToken(ctx, u.ID, "after a revocation", time.Time{}); err != nil {
		t.Errorf("after revoking one: %v", err)
	}
}

func TestSetPasswordRevokesTokens(t *testing.T) {
	for _, revoke := range []bool{true, false} {
		db, _, u := tokenEnv(t)
		ctx := context.Background()
		secret, err := db.CreateToken(ctx, u.ID, "ci", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, u.ID, "y", "", revoke); err != nil {
			t.Fatal(err)
		}
		_, err = db.TokenUser(ctx, secret)
		if works := err == nil; works == revoke {
			t.Errorf("revoke %v: token works %v", revoke, works)
		}
	}
}

func TestParseTokenExpiry(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"90d", now.Add(90 * 24 * time.Hour), true},
		{"2027-01-31", time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), true},
		{"2026-03-01", time.Time{}, false},
		{"0d", time.Time{}, false},
		{"soon", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := store.ParseTokenExpiry(tt.in, now)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseTokenExpiry(%q): got %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
