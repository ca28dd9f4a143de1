package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EQuality has an editor find the data quality page from the
// workspace, open a list and follow its fix link to the policy's form;
// the page is checked with axe-core closed and with a list open.
func TestE2EQuality(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"
	addUser(t, data, "quinn@example.org", "Quinn Quality", "editor", password)
	ctx := newBrowser(t)
	visit(t, ctx, base)
	signIn(t, ctx, "quinn@example.org", password, "Quinn Quality")

	visit(t, ctx, base+"workspace")
	follow(t, ctx, "open the data quality page", chromedp.Click(chromedp.CSS(`[data-testid="ws-quality"] a[href="/quality"]`)))
	requirePath(t, ctx, "/quality")
	requireHeading(t, ctx, "Data quality")
	checkA11y(t, ctx)

	// The first list that names a policy: open it, check it, fix it.
	sections := `section[data-testid^="quality-"]:has(details)`
	id := attr(t, ctx, sections, "id")
	click(t, ctx, `#`+id+` details summary`)
	checkA11y(t, ctx)
	fix := attr(t, ctx, `#`+id+` [data-testid="quality-fix"]`, "href")
	follow(t, ctx, "follow the first fix link", chromedp.Click(chromedp.CSS(`#`+id+` [data-testid="quality-fix"]`)))
	path, _, _ := strings.Cut(fix, "#")
	requirePath(t, ctx, path)
}
