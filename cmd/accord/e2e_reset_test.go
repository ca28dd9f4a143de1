package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/dc-isss/accord/store"
)

// mailedLink is the newest link to path in the outbox of the data folder,
// as a recipient would click it.
func mailedLink(t *testing.T, data, kind, to, path string) string {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	msgs, _, err := db.Outbox(context.Background(), 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`https?://\S+` + regexp.QuoteMeta(path) + `\?token=\S+`)
	for _, m := range msgs { // newest first
		if m.Kind == kind && strings.EqualFold(m.To, to) {
			if link := re.FindString(m.Body); link != "" {
				return link
			}
		}
	}
	t.Fatalf("no %s message to %s with a %s link", kind, to, path)
	return ""
}

// TestE2EPasswordResetAndRegistration: with mail configured, a member who
// forgot their password follows "Forgot your password?", gets a link,
// corrects a refused password and signs in with the new one; a stakeholder
// registers, confirms by the emailed link and is signed in; a used link
// gets a page that says so. JavaScript off, every page checked with
// axe-core.
func TestE2EPasswordResetAndRegistration(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	// Nothing listens on port 1: messages wait in the outbox, which is
	// where the test reads them.
	base := startServerArgs(t, data, "--smtp-url", "smtp://127.0.0.1:1?from=accord@example.org")
	addUser(t, data, "ed@example.org", "Ed Editor", "editor", "an old and long passphrase")
	ctx := newBrowser(t, withoutJavaScript())

	visit(t, ctx, base+"login")
	follow(t, ctx, "click Forgot your password?", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Forgot your password?"]`)))
	requireHeading(t, ctx, "Forgotten password")
	checkA11y(t, ctx)
	typeInto(t, ctx, "#f-email", "ed@example.org")
	follow(t, ctx, "ask for a link", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Send me a link"]`)))
	checkA11y(t, ctx)

	link := mailedLink(t, data, "password-reset", "ed@example.org", "/password/reset")
	visit(t, ctx, link)
	requireHeading(t, ctx, "Choose a new password")
	checkA11y(t, ctx)
	typeInto(t, ctx, "#f-new-password", "password")
	followStatus(t, ctx, "a common password", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Set the new password"]`)), 422)
	checkA11y(t, ctx)
	typeInto(t, ctx, "#f-new-password", "a new and longer passphrase")
	follow(t, ctx, "set the new password", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Set the new password"]`)))
	requirePath(t, ctx, "/login")
	checkA11y(t, ctx)
	typeInto(t, ctx, "#f-email", "ed@example.org")
	typeInto(t, ctx, "#f-password", "a new and longer passphrase")
	follow(t, ctx, "sign in with the new password", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Sign in"]`)))
	if got := texts(t, ctx, `header .account-links a[href="/account"]`); len(got) != 1 || got[0] != "Ed Editor" {
		t.Fatalf("after signing in the header names %q", got)
	}
	signOut(t, ctx)

	visitStatus(t, ctx, link, 410)
	requireHeading(t, ctx, "This link does not work")
	checkA11y(t, ctx)

	visit(t, ctx, base+"register")
	typeInto(t, ctx, "#f-email", "wanjiru@example.org")
	typeInto(t, ctx, "#f-name", "Wanjiru Kamau")
	choose(t, ctx, "#f-stakeholder-group", "Civil society")
	choose(t, ctx, "#f-country", "Kenya")
	follow(t, ctx, "register", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Create account"]`)))
	requireHeading(t, ctx, "Check your email")
	checkA11y(t, ctx)
	visit(t, ctx, mailedLink(t, data, "register-confirm", "wanjiru@example.org", "/register/confirm"))
	requireHeading(t, ctx, "Confirm your registration")
	checkA11y(t, ctx)
	// The password is chosen here, once the address is proved.
	typeInto(t, ctx, "#f-password", "my own long passphrase")
	follow(t, ctx, "create the account", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Create my account"]`)))
	requirePath(t, ctx, "/account")
	if got := texts(t, ctx, `header .account-links a[href="/account"]`); len(got) != 1 || got[0] != "Wanjiru Kamau" {
		t.Fatalf("after confirming the header names %q", got)
	}
}
