package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/pquerna/otp/totp"
)

// runCLIEnv is runCLI with environment variables.
func runCLIEnv(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
	return out.String(), err
}

func openTestData(t *testing.T, data string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestKeysRotate: each key, or all, is replaced in meta and audited; the
// unsubscribe key's old value is kept for its grace period; an unknown
// name is refused and changes nothing.
func TestKeysRotate(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if out, err := runCLI(t, "", "user", "add", "a@example.org", "--role", "admin", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	read := func() map[string]string {
		db := openTestData(t, data)
		defer db.Close()
		got := map[string]string{}
		for _, k := range web.SigningKeys() {
			v, err := db.Secret(ctx, k.Meta)
			if err != nil {
				t.Fatal(err)
			}
			got[k.Which] = v
		}
		return got
	}
	before := read()
	if _, err := runCLI(t, "", "keys", "rotate", "--which", "everything", "--data", data); err == nil {
		t.Error("--which everything: got no error")
	}
	if got := read(); got["csrf"] != before["csrf"] {
		t.Error("a refused rotation changed a key")
	}
	out, err := runCLI(t, "", "keys", "rotate", "--which", "csrf", "--data", data)
	if err != nil {
		t.Fatalf("rotate csrf: %v\n%s", err, out)
	}
	if !strings.Contains(out, "rotated csrf") || !strings.Contains(out, "Restart") {
		t.Errorf("output %q does not say what was rotated and what to do", out)
	}
	after := read()
	if after["csrf"] == before["csrf"] || after["unsubscribe"] != before["unsubscribe"] || after["formtime"] != before["formtime"] {
		t.Errorf("rotate csrf: before %v, after %v; want only csrf changed", before, after)
	}
	if out, err := runCLI(t, "", "keys", "rotate", "--data", data); err != nil {
		t.Fatalf("rotate all: %v\n%s", err, out)
	}
	all := read()
	for which, v := range all {
		if v == after[which] {
			t.Errorf("rotate all left %s unchanged", which)
		}
	}
	db := openTestData(t, data)
	prevKey, untilKey := web.PreviousKeyMeta("unsubscribe_key")
	if prev, _ := db.Meta(ctx, prevKey); prev != after["unsubscribe"] {
		t.Errorf("previous unsubscribe key = %q, want the replaced one", prev)
	}
	until, _ := db.Meta(ctx, untilKey)
	if at, err := time.Parse(time.RFC3339, until); err != nil || at.Before(time.Now().Add(web.PreviousKeyGrace-time.Hour)) {
		t.Errorf("grace period ends %q, want about %s from now", until, web.PreviousKeyGrace)
	}
	events, _, err := db.Audit(ctx, store.AuditFilter{Action: "key.rotate"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 5 {
		t.Errorf("%d key.rotate events, want 5 (csrf, then all four)", len(events))
	}
}

// TestKeysRotateMFALogin: the key signing pending second-step sign-ins
// can be rotated alone, and the output says those sign-ins start again.
func TestKeysRotateMFALogin(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if out, err := runCLI(t, "", "user", "add", "a@example.org", "--role", "admin", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	read := func(name string) string {
		db := openTestData(t, data)
		defer db.Close()
		v, err := db.Secret(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before, csrf := read("mfa_login_key"), read("csrf_key")
	out, err := runCLI(t, "", "keys", "rotate", "--which", "mfa-login", "--data", data)
	if err != nil {
		t.Fatalf("rotate mfa-login: %v\n%s", err, out)
	}
	if !strings.Contains(out, "rotated mfa-login") || !strings.Contains(out, "start again") {
		t.Errorf("output %q does not say that pending second-step sign-ins start again", out)
	}
	if read("mfa_login_key") == before || read("csrf_key") != csrf {
		t.Error("rotate mfa-login: want only mfa_login_key changed")
	}
}

// TestTokenCreateRequiresMFA: with --require-mfa or ACCORD_REQUIRE_MFA,
// an editor without a second factor gets no token; a stakeholder does,
// and so does the editor once enrolled.
func TestTokenCreateRequiresMFA(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	for _, u := range []struct{ email, role string }{{"ed@example.org", "editor"}, {"st@example.org", "stakeholder"}} {
		if out, err := runCLI(t, "", "user", "add", u.email, "--role", u.role, "--data", data); err != nil {
			t.Fatalf("user add: %v\n%s", err, out)
		}
	}
	on := map[string]string{"ACCORD_REQUIRE_MFA": "1"}
	if out, err := runCLIEnv(t, on, "token", "create", "ed@example.org", "--data", data); err == nil || !strings.Contains(err.Error(), "two-factor") {
		t.Errorf("env on, editor without MFA: err %v, out %q; want refused", err, out)
	}
	if _, err := runCLI(t, "", "token", "create", "ed@example.org", "--require-mfa", "--data", data); err == nil {
		t.Error("--require-mfa, editor without MFA: got a token")
	}
	if _, err := runCLIEnv(t, map[string]string{"ACCORD_REQUIRE_MFA": "maybe"}, "token", "create", "st@example.org", "--data", data); err == nil {
		t.Error("ACCORD_REQUIRE_MFA=maybe: got no error")
	}
	if out, err := runCLIEnv(t, on, "token", "create", "st@example.org", "--data", data); err != nil {
		t.Errorf("stakeholder with MFA required: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "", "token", "create", "ed@example.org", "--data", data); err != nil {
		t.Errorf("editor, MFA not required: %v\n%s", err, out)
	}

	db := openTestData(t, data)
	u, err := db.UserByEmail(ctx, "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: "Accord", AccountName: u.Email})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartTOTP(ctx, u.ID, k.Secret()); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	code, err := totp.GenerateCode(k.Secret(), now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmTOTP(ctx, u.ID, code, now); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, err := runCLIEnv(t, on, "token", "create", "ed@example.org", "--data", data); err != nil {
		t.Errorf("enrolled editor with MFA required: %v\n%s", err, out)
	}
}

// TestUserPassword: `accord user password` sets a new password that
// signs in, and ends the account's sessions and tokens.
func TestUserPassword(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if out, err := runCLI(t, "", "user", "add", "pw@example.org", "--role", "editor", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	token, err := runCLI(t, "", "token", "create", "pw@example.org", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	token = strings.SplitN(token, "\n", 2)[0]
	if _, err := runCLI(t, "short\n", "user", "password", "pw@example.org", "--password-stdin", "--data", data); err == nil {
		t.Error("a short password was accepted")
	}
	out, err := runCLI(t, "a fresh long passphrase\n", "user", "password", "pw@example.org", "--password-stdin", "--data", data)
	if err != nil {
		t.Fatalf("user password: %v\n%s", err, out)
	}
	db := openTestData(t, data)
	if _, err := db.Authenticate(ctx, "pw@example.org", "a fresh long passphrase"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	if _, err := db.TokenUser(ctx, token); err == nil {
		t.Error("the API token survived a new password")
	}
	if _, err := runCLI(t, "", "user", "password", "nobody@example.org", "--data", data); err == nil {
		t.Error("user password for an unknown address: got no error")
	}
}
