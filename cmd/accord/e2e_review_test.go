package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EReview has a second editor approve a mapping from the review
// queue: the queue loses it, the item page names the reviewer, and the
// coverage page counts it as reviewed. The queue and the coverage page are
// checked with axe-core.
func TestE2EReview(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"
	addUser(t, data, "rita@example.org", "Rita Reviewer", "editor", password)
	ctx := newBrowser(t)
	visit(t, ctx, base)
	signIn(t, ctx, "rita@example.org", password, "Rita Reviewer")

	visit(t, ctx, base+"review")
	requireHeading(t, ctx, "Review mappings")
	checkA11y(t, ctx)
	before := texts(t, ctx, `[data-testid="review-total"]`)
	row := attr(t, ctx, `[data-testid="review-row"]`, "id")
	item := attr(t, ctx, `#`+row+` h2 a[href*="/items/"]`, "href")
	follow(t, ctx, "approve the first mapping", chromedp.Click(chromedp.CSS(`#`+row+` button[value="approve"]`)))
	requirePath(t, ctx, "/review")
	if got := strings.Join(texts(t, ctx, "main"), " "); !strings.Contains(got, "The mapping is approved") {
		t.Errorf("after approving, the queue does not confirm it")
	}
	if after := texts(t, ctx, `[data-testid="review-total"]`); len(after) != 1 || len(before) != 1 || after[0] == before[0] {
		t.Errorf("queue total %q before, %q after approving", before, after)
	}
	if n := len(texts(t, ctx, "#"+row)); n != 0 {
		t.Errorf("the approved mapping is still in the queue")
	}

	visit(t, ctx, strings.TrimSuffix(base, "/")+item)
	if got := strings.Join(texts(t, ctx, "main"), " "); !strings.Contains(got, "Reviewed by Rita Reviewer on") {
		t.Errorf("the item page does not name the reviewer")
	}

	visit(t, ctx, base+"coverage")
	requireHeading(t, ctx, "Coverage of the research questions and challenges")
	if got := strings.Join(texts(t, ctx, `[data-testid="coverage-tally"]`), " "); !strings.Contains(got, ", 1 reviewed") {
		t.Errorf("coverage tally reads %q, want one reviewed mapping", got)
	}
	checkA11y(t, ctx)
	visit(t, ctx, base+"coverage?reviewed=1")
	checkA11y(t, ctx)
}
