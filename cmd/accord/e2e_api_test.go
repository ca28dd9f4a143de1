package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EAPIPage reaches /api from the footer, finds the endpoints and
// the OpenAPI link, and checks the page with axe.
func TestE2EAPIPage(t *testing.T) {
	requireE2E(t)
	base := startServer(t, t.TempDir())
	ctx := newBrowser(t)
	visit(t, ctx, base+"/")
	follow(t, ctx, "footer API link", chromedp.Click(chromedp.CSS(`footer a[href="/api"]`)))
	if h := texts(t, ctx, "h1"); len(h) != 1 || h[0] != "The Accord API" {
		t.Fatalf("heading: got %q", h)
	}
	if got := attr(t, ctx, `[data-testid="openapi-link"]`, "href"); got != "/api/v1/openapi.json" {
		t.Errorf("OpenAPI link: got %q", got)
	}
	paths := texts(t, ctx, `[data-testid="endpoints"] tbody th`)
	if len(paths) < 40 || !strings.Contains(strings.Join(paths, " "), "/api/v1/policies/{slug}") {
		t.Errorf("endpoints: got %d, %q", len(paths), paths)
	}
	checkA11y(t, ctx)
}
