package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

func resetMessage(u store.User, token string) store.Message {
	return store.Message{Kind: "password-reset", Subject: "Reset", Body: "token " + token}
}

func TestResetLinks(t *testing.T) {
	db, now, u := tokenEnv(t)
	ctx := context.Background()
	var tokens []string
	compose := func(u store.User, token string) store.Message {
		tokens = append(tokens, token)
		return resetMessage(u, token)
	}

	sent, err := db.RequestPasswordReset(ctx, "nobody@example.org", compose)
	if err != nil || sent {
		t.Fatalf("unknown address: sent %v, err %v; want nothing sent", sent, err)
	}
	for i := 0; i < 2; i++ {
		if sent, err := db.RequestPasswordReset(ctx, "TOK@example.org", compose); err != nil || !sent {
			t.Fatalf("known address: sent %v, err %v", sent, err)
		}
	}
	if len(tokens) != 2 || tokens[0] == tokens[1] {
		t.Fatalf("tokens %q, want two different", tokens)
	}
	// The newer link replaces the older.
	if _, err := db.ResetLinkUser(ctx, tokens[0]); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("superseded link: err %v, want ErrLinkInvalid", err)
	}
	got, err := db.ResetLinkUser(ctx, tokens[1])
	if err != nil || got.ID != u.ID {
		t.Fatalf("live link: %+v, %v", got, err)
	}
	secret, err := db.CreateToken(ctx, u.ID, "ci", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateSession(ctx, u.ID, "192.0.2.1", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResetPassword(ctx, tokens[1], "new-hash"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenUser(ctx, secret); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token after reset: err %v, want revoked", err)
	}
	if sessions, err := db.Sessions(ctx, u.ID, ""); err != nil || len(sessions) != 0 {
		t.Errorf("sessions after reset: %d, %v; want none", len(sessions), err)
	}
	// Single use.
	if _, err := db.ResetPassword(ctx, tokens[1], "other-hash"); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("second use: err %v, want ErrLinkInvalid", err)
	}

	// Expiry, and a disabled account's link.
	db.RequestPasswordReset(ctx, u.Email, compose)
	*now = now.Add(store.ResetLinkTTL + time.Second)
	if _, err := db.ResetLinkUser(ctx, tokens[2]); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("expired link: err %v, want ErrLinkInvalid", err)
	}
	db.RequestPasswordReset(ctx, u.Email, compose)
	if err := db.SetDisabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResetPassword(ctx, tokens[3], "hash"); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("disabled account: err %v, want ErrLinkInvalid", err)
	}
	if sent, _ := db.RequestPasswordReset(ctx, u.Email, compose); sent {
		t.Error("a disabled account was sent a reset link")
	}
}

func TestPendingRegistrations(t *testing.T) {
	db, _, existing := tokenEnv(t)
	ctx := context.Background()
	var tokens []string
	confirm := func(token string) store.Message {
		tokens = append(tokens, token)
		return store.Message{Kind: "register-confirm", Subject: "Confirm", Body: token}
	}
	notices := 0
	notice := func(u store.User) store.Message {
		notices++
		return store.Message{Kind: "register-existing", Subject: "Notice", Body: u.Email}
	}
	reg := store.Registration{User: store.User{Email: "new@example.org", Name: "New", Role: "stakeholder"}, Next: "/map"}

	known, err := db.RequestRegistration(ctx, store.Registration{User: store.User{Email: existing.Email, Name: "X", Role: "stakeholder"}}, confirm, notice)
	if err != nil || !known || notices != 1 || len(tokens) != 0 {
		t.Fatalf("known address: known %v, err %v, notices %d, links %d", known, err, notices, len(tokens))
	}
	for i := 0; i < 2; i++ {
		if known, err := db.RequestRegistration(ctx, reg, confirm, notice); err != nil || known {
			t.Fatalf("new address: known %v, err %v", known, err)
		}
	}
	// Nothing exists until confirmed.
	if _, err := db.UserByEmail(ctx, reg.User.Email); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("account before confirmation: err %v, want not found", err)
	}
	if _, err := db.Authenticate(ctx, reg.User.Email, "anything"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unconfirmed registration can sign in: %v", err)
	}
	// The newer registration replaces the older.
	if _, _, err := db.ConfirmRegistration(ctx, tokens[0], "h"); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("replaced registration: err %v, want ErrLinkInvalid", err)
	}
	pending, err := db.PendingRegistration(ctx, tokens[1])
	if err != nil || pending.User.Email != reg.User.Email {
		t.Errorf("pending registration = %+v, %v; want the address", pending, err)
	}
	// The account gets the password chosen on confirmation.
	hash, err := store.HashPassword("chosen on confirmation")
	if err != nil {
		t.Fatal(err)
	}
	u, next, err := db.ConfirmRegistration(ctx, tokens[1], hash)
	if err != nil || u.Email != reg.User.Email || u.Role != "stakeholder" || next != "/map" {
		t.Fatalf("confirm: %+v, %q, %v", u, next, err)
	}
	if _, err := db.Authenticate(ctx, reg.User.Email, "chosen on confirmation"); err != nil {
		t.Errorf("sign-in with the password chosen on confirmation: %v", err)
	}
	if _, _, err := db.ConfirmRegistration(ctx, tokens[1], hash); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("second confirmation: err %v, want ErrLinkInvalid", err)
	}
	// A registration pending when the address got an account is void.
	db.RequestRegistration(ctx, store.Registration{User: store.User{Email: "late@example.org", Role: "stakeholder"}}, confirm, notice)
	if _, err := db.CreateUser(ctx, store.User{Email: "late@example.org", Role: "stakeholder"}, "h"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ConfirmRegistration(ctx, tokens[2], "h"); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("confirmation of a taken address: err %v, want ErrLinkInvalid", err)
	}
}

// TestRegistrationCheckedBeforeLookup: an invalid registration is refused
// alike whether or not its address has an account, so that the answer
// tells nothing of which addresses do.
func TestRegistrationCheckedBeforeLookup(t *testing.T) {
	db, _, existing := tokenEnv(t)
	ctx := context.Background()
	sent := 0
	confirm := func(string) store.Message {
		sent++
		return store.Message{Kind: "register-confirm", Subject: "C", Body: "b"}
	}
	notice := func(store.User) store.Message {
		sent++
		return store.Message{Kind: "register-existing", Subject: "N", Body: "b"}
	}
	for _, email := range []string{existing.Email, "unknown@example.org"} {
		_, err := db.RequestRegistration(ctx, store.Registration{User: store.User{Email: email, Name: "X", Role: "stakeholder", Country: "ZZ"}}, confirm, notice)
		var ve *store.ValidationError
		if !errors.As(err, &ve) || ve.Fields["country"] == "" {
			t.Errorf("%s with an unknown country: err %v, want a field error on country", email, err)
		}
	}
	if sent != 0 {
		t.Errorf("%d messages queued for invalid registrations, want none", sent)
	}
}

// TestSentResetLinkIsNotKept: once sent, a reset message keeps its body
// without the token, so a copy of the database holds no working link;
// other messages are kept whole.
func TestSentResetLinkIsNotKept(t *testing.T) {
	db, _, u := tokenEnv(t)
	ctx := context.Background()
	var token string
	if _, err := db.RequestPasswordReset(ctx, u.Email, func(u store.User, tok string) store.Message {
		token = tok
		return store.Message{Kind: "password-reset", Subject: "Reset", Body: "open https://accord.example.org/password/reset?token=" + tok + " within an hour"}
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, store.Message{To: u.Email, Kind: "comment-receipt", Subject: "Receipt", Body: "see /x?token=abc"}); err != nil {
		t.Fatal(err)
	}
	msgs, _, err := db.Outbox(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if err := db.MarkSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	msgs, _, _ = db.Outbox(ctx, 1, 10)
	for _, m := range msgs {
		switch m.Kind {
		case "password-reset":
			if strings.Contains(m.Body, token) || !strings.Contains(m.Body, "token=(removed) within an hour") {
				t.Errorf("sent reset body = %q, want the token removed", m.Body)
			}
		case "comment-receipt":
			if m.Body != "see /x?token=abc" {
				t.Errorf("another kind's body changed: %q", m.Body)
			}
		}
	}
	// The link itself still works: only the copy in the outbox is gone.
	if _, err := db.ResetLinkUser(ctx, token); err != nil {
		t.Errorf("link after sending: %v", err)
	}
}

// A reset link asked for before the password was changed another way
// (the account page, an admin) must not set it again.
func TestResetLinkEndsWhenPasswordChanges(t *testing.T) {
	db, _, u := tokenEnv(t)
	ctx := context.Background()
	var token string
	if _, err := db.RequestPasswordReset(ctx, u.Email, func(u store.User, tok string) store.Message {
		token = tok
		return resetMessage(u, tok)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, u.ID, "changed-hash", "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResetLinkUser(ctx, token); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("link after password change: err %v, want ErrLinkInvalid", err)
	}
	if _, err := db.ResetPassword(ctx, token, "attacker-hash"); !errors.Is(err, store.ErrLinkInvalid) {
		t.Errorf("reset after password change: err %v, want ErrLinkInvalid", err)
	}
}
