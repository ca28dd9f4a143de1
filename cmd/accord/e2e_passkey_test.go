package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// TestE2EPasskey: an editor signs in, adds a passkey on the two-factor
// page of their account (through Chromium's virtual authenticator, which
// answers the WebAuthn prompts as a platform authenticator with a verified
// user would), signs out, signs in with their password and completes the
// second step with the passkey. The site is reached as localhost: without
// --base-url that is the one host passkeys are offered on. Every page
// visited is checked with axe-core.
func TestE2EPasskey(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := strings.Replace(startServer(t, data), "://127.0.0.1:", "://localhost:", 1)
	const email, name, password = "pat@example.org", "Pat Editor", "a long and unlikely phrase"
	addUser(t, data, email, name, "editor", password)

	ctx := newBrowser(t)
	if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("enable WebAuthn domain: %v", err)
	}
	auth, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}})
	if err != nil {
		t.Fatalf("add virtual authenticator: %v", err)
	}

	visit(t, ctx, base)
	signIn(t, ctx, email, password, name)

	// Enrol: the account page links to the two-factor page.
	visit(t, ctx, base+"account")
	checkA11y(t, ctx)
	follow(t, ctx, "open two-factor sign-in", chromedp.Click(chromedp.CSS(`main a[href="/account/mfa"]`)))
	requireHeading(t, ctx, "Two-factor sign-in")
	if got := texts(t, ctx, `[data-testid="no-passkeys"]`); len(got) != 1 {
		t.Fatalf("before enrolling, the page shows %q, want the no-passkeys line", got)
	}
	checkA11y(t, ctx)
	typeInto(t, ctx, "#f-passkey-name", "Laptop")
	// Adding a factor asks for the password again.
	typeInto(t, ctx, "#passkey-add-password", password)
	click(t, ctx, `form[data-passkey-register] button[type="submit"]`)
	waitFor(t, ctx, "the list of passkeys", `table[data-testid="passkeys"]`)
	if got := texts(t, ctx, `table[data-testid="passkeys"] tbody th`); len(got) != 1 || got[0] != "Laptop" {
		t.Fatalf("passkeys listed = %q, want [Laptop]", got)
	}
	if got := texts(t, ctx, `table[data-testid="passkeys"] tbody td`); len(got) < 2 || got[1] != "Never" {
		t.Fatalf("passkey cells = %q, want last used Never", got)
	}
	checkA11y(t, ctx)
	creds, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth.AuthenticatorID})
	if err != nil || len(creds.Credentials) != 1 {
		t.Fatalf("the authenticator holds %d credentials (%v), want 1", len(creds.Credentials), err)
	}
	signOut(t, ctx)

	// Sign in again: the password, then the passkey.
	follow(t, ctx, "click Sign in in the header", chromedp.Click(chromedp.CSS(`header .account-links a[href="/login"]`)))
	typeInto(t, ctx, "#f-email", email)
	typeInto(t, ctx, "#f-password", password)
	follow(t, ctx, "submit the sign-in form", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Sign in"]`)))
	requireHeading(t, ctx, "Two-factor sign-in")
	waitFor(t, ctx, "the passkey button", `form[data-passkey-login] button`)
	checkA11y(t, ctx)
	click(t, ctx, `form[data-passkey-login] button[type="submit"]`)
	waitFor(t, ctx, "the header naming the user", `header .account-links a[href="/account"]`)
	if got := texts(t, ctx, `header .account-links a[href="/account"]`); len(got) != 1 || got[0] != name {
		t.Fatalf("after the passkey the header names %q, want %q", got, name)
	}
	checkA11y(t, ctx)

	// The passkey's last use is now recorded.
	visit(t, ctx, base+"account/mfa")
	if got := texts(t, ctx, `table[data-testid="passkeys"] tbody td`); len(got) < 2 || got[1] == "Never" {
		t.Fatalf("passkey cells after use = %q, want a time of last use", got)
	}
}

// waitFor waits until the CSS selector matches a visible element, for
// pages that a script loads after a ceremony rather than a click.
func waitFor(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		status := texts(t, ctx, "[data-passkey-status]")
		t.Fatalf("wait for %s (%s): %v; status %q", what, sel, err, status)
	}
}
