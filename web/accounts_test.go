package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
