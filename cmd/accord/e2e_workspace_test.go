package main

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestE2EWorkspace is a member's start: an editor signs in, goes from the
// home page to their workspace, finds the citation finder the document
// editor opens in a new tab, and finds a policy's citation there. The site
// pages and the account deletion form are checked with axe-core too.
func TestE2EWorkspace(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"
	addUser(t, data, "wanda@example.org", "Wanda Editor", "editor", password)
	ctx := newBrowser(t)

	visit(t, ctx, base)
	signIn(t, ctx, "wanda@example.org", password, "Wanda Editor")
	visit(t, ctx, base)
	follow(t, ctx, "follow Workspace in the header", chromedp.Click(chromedp.CSS(`header .account-links a[href="/workspace"]`)))
	requirePath(t, ctx, "/workspace")
	requireHeading(t, ctx, "Your workspace")
	if got := texts(t, ctx, `[data-testid=ws-review] p`); len(got) != 1 {
		t.Errorf("workspace: mappings to review say %q", got)
	}
	checkA11y(t, ctx)

	// The editor's link to the finder opens a new tab, so what is typed
	// in the editor stays; the finder is then visited as that tab would.
	visit(t, ctx, base+"documents/new")
	if got := attr(t, ctx, `a[data-testid=cite-finder-link]`, "target"); got != "_blank" {
		t.Fatalf("the editor's link to the citation finder has target %q, want _blank", got)
	}
	visit(t, ctx, base+"cite")
	requireHeading(t, ctx, "Find a citation")
	checkA11y(t, ctx)
	typeInto(t, ctx, "#cite-q", "default passwords")
	follow(t, ctx, "find default passwords", chromedp.SendKeys(chromedp.CSS("#cite-q"), kb.Enter))
	requirePath(t, ctx, "/cite")
	cites := attrs(t, ctx, `[data-testid=cite-hit] input[data-copy]`, "value")
	if !slices.Contains(cites, "[@etsi-en-303-645]") {
		t.Errorf("citation finder for default passwords offers %q, want [@etsi-en-303-645]", cites)
	}
	if got := texts(t, ctx, `[data-testid=cite-hit] button.copy`); len(got) == 0 {
		t.Errorf("with JavaScript the citations have no Copy button")
	}
	checkA11y(t, ctx)

	for _, page := range []struct{ path, h1 string }{
		{"about", "About Accord"}, {"privacy", "Privacy notice"}, {"contact", "Contact"}, {"account/delete", "Delete your account"},
	} {
		visit(t, ctx, base+page.path)
		requireHeading(t, ctx, page.h1)
		checkA11y(t, ctx)
	}
}
