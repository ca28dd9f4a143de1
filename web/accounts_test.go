package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestLoginRefusesBadEmailBeforeLogging: an address that is not one is
// refused on the form, and neither the audit log nor the throttle table
// keeps anything of it.
func TestLoginRefusesBadEmailBeforeLogging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, before, err := e.db.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	junk := "a@example.org\r\nX\x1b[2J"
	tests := []struct {
		name, email string
		// statuses allowed: a 3 MB body may also be refused whole (413)
		// by a route's body limit, which logs nothing either.
		want []int
	}{
		{"3 MB with CR LF ESC", junk + strings.Repeat("\r\n\x1b[31mx", 3<<20/8), []int{422, 413}},
		{"CR LF ESC", junk, []int{422}},
		{"display name", "Editor <editor@example.org>", []int{422}},
		{"too long", strings.Repeat("a", 250) + "@example.org", []int{422}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.signedIn("")
			w := c.post("/login", url.Values{"email": {tt.email}, "password": {"guess"}})
			ok := false
			for _, s := range tt.want {
				ok = ok || w.Code == s
			}
			if !ok {
				t.Fatalf("got %d, want one of %v", w.Code, tt.want)
			}
			if w.Code == 422 && doc(t, w).Find("#f-email-error").Length() == 0 {
				t.Errorf("no error on the email field: %.500s", w.Body)
			}
			if w.Body.Len() > 200_000 {
				t.Errorf("the page echoes the input back: %d bytes", w.Body.Len())
			}
		})
	}
	_, after, err := e.db.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("audit log grew from %d to %d events", before, after)
	}
	failures, err := e.db.LoginFailures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) != 0 {
		t.Errorf("throttle table: got %v, want nothing", failures)
	}
	wantStatus(t, "a good sign-in still works", e.signedIn("").post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}}), http.StatusSeeOther)
}

// TestRegisterRefusesGuessablePasswords: common passwords and the
// person's own email or name are refused with a message on the field.
func TestRegisterRefusesGuessablePasswords(t *testing.T) {
	e := newEnv(t)
	for _, pw := range []string{"sunshine", "1qaz2wsx", "Summer2024", "password1", "amara.obi2024", "Amara Obi"} {
		t.Run(pw, func(t *testing.T) {
			c := e.signedIn("")
			w := c.post("/register", url.Values{"email": {"amara.obi@example.org"}, "password": {pw}, "name": {"Amara Obi"},
				"stakeholder_group": {store.StakeholderGroups[0]}, "country": {"KE"}})
			wantStatus(t, "register", w, http.StatusUnprocessableEntity)
			if msg := doc(t, w).Find("#f-password-error").Text(); msg == "" {
				t.Errorf("no message on the password field")
			}
		})
	}
	c := e.signedIn("")
	w := c.post("/register", url.Values{"email": {"amara.obi@example.org"}, "password": {"river kettle orbit lantern"}, "name": {"Amara Obi"},
		"stakeholder_group": {store.StakeholderGroups[0]}, "country": {"KE"}})
	wantStatus(t, "register with a passphrase", w, http.StatusSeeOther)
}

// TestPasswordChangeRevokesTokens: the box is ticked by default and ends
// the tokens; unticked, they keep working.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	for _, tick := range []bool{true, false} {
		e := newEnv(t)
		c := e.signedIn("editor")
		if got := doc(t, c.get("/account")).Find("#f-revoke-tokens[checked]").Length(); got != 1 {
			t.Errorf("the revoke box is not ticked by default")
		}
		tok, err := e.db.CreateToken(context.Background(), e.users["editor"].ID, "ci", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"current_password": {testPassword}, "new_password": {"river kettle orbit lantern"}}
		if tick {
			form.Set("revoke_tokens", "1")
		}
		wantStatus(t, "password change", c.post("/account/password", form), http.StatusSeeOther)
		api := e.client()
		api.bearer = tok
		want := http.StatusOK
		if tick {
			want = http.StatusUnauthorized
		}
		wantStatus(t, "token after the change", api.get("/api/v1/policies"), want)
	}
}

// TestTokenExpiryAndLimitOnAccount: a token with an expiry stops working
// then; the 21st active token is refused on the form.
func TestTokenExpiryAndLimitOnAccount(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("stakeholder")
	w := c.post("/account/tokens", url.Values{"token_name": {"ci"}, "token_expires": {"next year"}})
	wantStatus(t, "bad expiry", w, http.StatusUnprocessableEntity)
	if doc(t, w).Find("#f-token-expires-error").Length() == 0 {
		t.Errorf("no error on the expiry field")
	}
	w = c.post("/account/tokens", url.Values{"token_name": {"ci"}, "token_expires": {"2026-03-02"}})
	wantStatus(t, "token with expiry", w, http.StatusSeeOther)
	api := e.client()
	api.bearer = doc(t, c.get("/account")).Find("[data-testid=new-token] code.token").Text()
	wantStatus(t, "fresh token", api.get("/api/v1/policies"), http.StatusOK)
	e.advance(13 * time.Hour) // past the expiry, within the session's idle time
	wantStatus(t, "expired token", api.get("/api/v1/policies"), http.StatusUnauthorized)
	if got := doc(t, c.get("/account")).Find("[data-testid=token-status]").First().Text(); !strings.Contains(got, "Expired") {
		t.Errorf("status of the expired token: got %q, want Expired", got)
	}
	for i := range store.MaxTokens {
		wantStatus(t, "token "+itoa(int64(i+1)), c.post("/account/tokens", url.Values{"token_name": {"t"}}), http.StatusSeeOther)
	}
	w = c.post("/account/tokens", url.Values{"token_name": {"one too many"}})
	wantStatus(t, "21st token", w, http.StatusUnprocessableEntity)
	if msg := doc(t, w).Find("#f-token-name-error").Text(); !strings.Contains(msg, "revoke") {
		t.Errorf("21st token: message %q, want one asking to revoke", msg)
	}
}
