package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/pquerna/otp/totp"
)

// mfaUser is a fresh database with one user, and a fresh TOTP secret.
func mfaUser(t *testing.T) (*store.DB, store.User, string) {
	t.Helper()
	db := mustOpen(t)
	u, err := db.CreateUser(context.Background(), store.User{Email: "ed@example.org", Name: "Ed", Role: "editor"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: "Accord", AccountName: u.Email})
	if err != nil {
		t.Fatal(err)
	}
	return db, u, k.Secret()
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPEnrolVerifyAndRecovery(t *testing.T) {
	ctx := context.Background()
	db, u, fresh := mfaUser(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	secret, err := db.StartTOTP(ctx, u.ID, fresh)
	if err != nil || secret != fresh {
		t.Fatalf("StartTOTP = %q, %v; want the fresh secret", secret, err)
	}
	// A second start (a reload of the page) keeps the pending secret.
	if again, err := db.StartTOTP(ctx, u.ID, "JBSWY3DPEHPK3PXPJBSWY3DP"); err != nil || again != fresh {
		t.Fatalf("StartTOTP again = %q, %v; want the pending secret", again, err)
	}
	if has, _ := db.HasMFA(ctx, u.ID); has {
		t.Fatal("HasMFA before confirming: want false")
	}
	// The secret is not stored in clear.
	var stored string
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRowContext(ctx, "SELECT secret FROM user_totp WHERE user_id = ?", u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == fresh {
		t.Fatal("the TOTP secret is stored in clear")
	}
	if _, err := db.ConfirmTOTP(ctx, u.ID, wrong(code(t, secret, at)), at); !errors.Is(err, store.ErrBadCode) {
		t.Fatalf("ConfirmTOTP with a wrong code: %v, want ErrBadCode", err)
	}
	codes, err := db.ConfirmTOTP(ctx, u.ID, code(t, secret, at), at)
	if err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	if len(codes) != store.RecoveryCodeCount {
		t.Fatalf("got %d recovery codes, want %d", len(codes), store.RecoveryCodeCount)
	}
	if has, _ := db.HasMFA(ctx, u.ID); !has {
		t.Fatal("HasMFA after confirming: want true")
	}
	if _, err := db.StartTOTP(ctx, u.ID, fresh); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("StartTOTP when enabled: %v, want ErrConflict", err)
	}

	// The code that confirmed is spent; so is any earlier one.
	later := at.Add(30 * time.Second)
	tests := []struct {
		name string
		code string
		at   time.Time
		want error
	}{
		{"the confirming code again", code(t, secret, at), at, store.ErrBadCode},
		{"a code of the previous step", code(t, secret, at.Add(-30*time.Second)), later, store.ErrBadCode},
		{"too short", "123", later, store.ErrBadCode},
		{"the next step's code", code(t, secret, later), later, nil},
		{"the same code replayed", code(t, secret, later), later, store.ErrBadCode},
		{"a code from far in the future", code(t, secret, later.Add(10*time.Minute)), later, store.ErrBadCode},
		{"a code one step ahead (clock drift)", code(t, secret, later.Add(30*time.Second)), later, nil},
	}
	for _, tt := range tests {
		if err := db.VerifyTOTP(ctx, u.ID, tt.code, tt.at); !errors.Is(err, tt.want) {
			t.Errorf("%s: VerifyTOTP = %v, want %v", tt.name, err, tt.want)
		}
	}

	// Recovery codes: each once, typed in any case and with spaces.
	if err := db.UseRecoveryCode(ctx, u.ID, " "+upper(codes[0])+" "); err != nil {
		t.Fatalf("UseRecoveryCode: %v", err)
	}
	if err := db.UseRecoveryCode(ctx, u.ID, codes[0]); !errors.Is(err, store.ErrBadCode) {
		t.Fatalf("UseRecoveryCode twice: %v, want ErrBadCode", err)
	}
	if err := db.UseRecoveryCode(ctx, u.ID, "aaaaa-aaaaa"); !errors.Is(err, store.ErrBadCode) {
		t.Fatalf("UseRecoveryCode with an unknown code: %v, want ErrBadCode", err)
	}
	if n, _ := db.RecoveryCodesLeft(ctx, u.ID); n != store.RecoveryCodeCount-1 {
		t.Fatalf("RecoveryCodesLeft = %d, want %d", n, store.RecoveryCodeCount-1)
	}

	// Disabling removes everything; a second removal finds nothing.
	if err := db.DisableMFA(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if has, _ := db.HasMFA(ctx, u.ID); has {
		t.Fatal("HasMFA after disabling: want false")
	}
	if err := db.UseRecoveryCode(ctx, u.ID, codes[1]); !errors.Is(err, store.ErrBadCode) {
		t.Fatalf("a recovery code after disabling: %v, want ErrBadCode", err)
	}
	if err := db.ResetMFA(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ResetMFA with nothing enrolled: %v, want ErrNotFound", err)
	}
	events, _, err := db.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Action] = true
	}
	for _, a := range []string{"mfa.enable", "mfa.recovery_code", "mfa.disable"} {
		if !seen[a] {
			t.Errorf("audit has no %s event", a)
		}
	}
}

// wrong is a code that differs from right in its last digit.
func wrong(right string) string {
	return right[:5] + string('0'+(right[5]-'0'+1)%10)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
