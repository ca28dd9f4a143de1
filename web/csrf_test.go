package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// pageToken is the _csrf value of the first form on a page.
func pageToken(t *testing.T, c *client, path string) string {
	t.Helper()
	w := c.get(path)
	wantStatus(t, "page "+path, w, http.StatusOK)
	v, ok := doc(t, w).Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || v == "" {
		t.Fatalf("%s has no _csrf field", path)
	}
	return v
}

// postWith posts a form with the given _csrf value as it is, bypassing
// the client's own token.
func postWith(c *client, path, token string, form url.Values) int {
	c.noCSRF = true
	defer func() { c.noCSRF = false }()
	form.Set("_csrf", token)
	return c.post(path, form).Code
}

// TestCSRFPlantedCookie: a value an attacker plants in the CSRF cookie and
// sends in the form is not a token, for visitors and signed-in users.
func TestCSRFPlantedCookie(t *testing.T) {
	e := newEnv(t)
	planted := strings.Repeat("A", 43)
	for _, role := range []string{"", "editor"} {
		c := e.signedIn(role)
		c.cookies["accord_csrf"] = planted
		if role == "" {
			got := postWith(c, "/login", planted, url.Values{"email": {"editor@example.org"}, "password": {testPassword}})
			if got != http.StatusForbidden {
				t.Errorf("visitor with planted cookie and field: sign-in got %d, want 403", got)
			}
			continue
		}
		if got := postWith(c, "/policies/eu-cra/delete", planted, url.Values{}); got != http.StatusForbidden {
			t.Errorf("%s with planted cookie and field: delete got %d, want 403", role, got)
		}
	}
	if _, err := e.db.Policy(context.Background(), "eu-cra"); err != nil {
		t.Errorf("policy gone after forged deletes: %v", err)
	}
}

// TestCSRFBoundToSession: a token one session was given does not pass for
// another session, nor for a visitor's pre-session id.
func TestCSRFBoundToSession(t *testing.T) {
	e := newEnv(t)
	alice := e.signedIn("editor")
	bob := e.signedIn("admin")
	stolen := pageToken(t, alice, "/account")
	// Even with alice's CSRF cookie copied over (a cookie is all a
	// sibling subdomain can plant), bob's session refuses her token.
	if v := alice.cookies["accord_csrf"]; v != "" {
		bob.cookies["accord_csrf"] = v
	}
	if got := postWith(bob, "/policies/eu-cra/delete", stolen, url.Values{}); got != http.StatusForbidden {
		t.Errorf("another session's token: got %d, want 403", got)
	}
	visitor := e.signedIn("")
	if got := postWith(visitor, "/login", stolen, url.Values{"email": {"editor@example.org"}, "password": {testPassword}}); got != http.StatusForbidden {
		t.Errorf("a session's token for a visitor: got %d, want 403", got)
	}
	// Signing in binds the token to the new session: the visitor's own
	// token from before no longer passes.
	before := pageToken(t, visitor, "/login")
	wantStatus(t, "sign in", visitor.post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}}), http.StatusSeeOther)
	if got := postWith(visitor, "/policies/eu-cra/delete", before, url.Values{}); got != http.StatusForbidden {
		t.Errorf("pre-session token after sign-in: got %d, want 403", got)
	}
	if _, err := e.db.Policy(context.Background(), "eu-cra"); err != nil {
		t.Errorf("policy gone after refused deletes: %v", err)
	}
}

// TestCSRFMaskedPerResponse: the token differs in every answer (so gzip
// next to reflected text reveals nothing fixed), and each one verifies.
func TestCSRFMaskedPerResponse(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	first := pageToken(t, c, "/account")
	second := pageToken(t, c, "/account")
	if first == second {
		t.Fatalf("the same token %q in two answers, want a fresh mask each time", first)
	}
	if got := postWith(c, "/policies/eu-cra/delete", first, url.Values{}); got != http.StatusSeeOther {
		t.Errorf("delete with the first token: got %d, want 303", got)
	}
	if got := postWith(c, "/logout", second, url.Values{}); got != http.StatusSeeOther {
		t.Errorf("sign out with the second token: got %d, want 303", got)
	}
	if _, err := e.db.Policy(context.Background(), "eu-cra"); err == nil {
		t.Error("the first token did not delete the policy")
	}
}
