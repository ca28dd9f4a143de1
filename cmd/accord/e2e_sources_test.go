package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2ESources: a policy imported with its sources shows where its
// record comes from; an editor changes the sources in the form, a bad line
// is named and everything typed is kept; every page passes axe-core.
func TestE2ESources(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"
	addUser(t, data, "ed@example.org", "Ed Editor", "editor", password)
	file := filepath.Join(t.TempDir(), "sourced.json")
	policy := `[{"slug":"e2e-sourced-report","title":"E2E sourced report","jurisdictions":["GB"],"type":"report",
		"sources":["https://gov.example/report","https://news.example/report"],"confidence":"medium",
		"provisions":[{"ref":"Sec.2-1","label":"Section 2(1)","title":"Updates","text":"Free updates.","source":"https://gov.example/report#s2","topics":[],"topics_reviewed":false}]}]`
	if err := os.WriteFile(file, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "", "import", file, "--data", data); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}

	ctx := newBrowser(t, withoutJavaScript())
	visit(t, ctx, base+"policies/e2e-sourced-report")
	checkA11y(t, ctx)
	if got := texts(t, ctx, `[data-testid=record-sources] li a`); strings.Join(got, " ") != "https://gov.example/report https://news.example/report" {
		t.Errorf("source links %q", got)
	}
	if got := texts(t, ctx, `[data-testid=confidence]`); len(got) != 1 || !strings.HasPrefix(got[0], "Confidence: medium") {
		t.Errorf("confidence %q", got)
	}
	if got := texts(t, ctx, `#prov-h-Sec\.2-1 .code`); len(got) != 1 || got[0] != "Section 2(1)" {
		t.Errorf("provision heading shows %q, want its label", got)
	}

	visit(t, ctx, base)
	signIn(t, ctx, "ed@example.org", password, "Ed Editor")
	visit(t, ctx, base+"policies/e2e-sourced-report/edit")
	checkA11y(t, ctx)
	setValue(t, ctx, "#f-sources", "https://gov.example/report\nnot an address")
	choose(t, ctx, "#f-confidence", "High")
	followStatus(t, ctx, "save with a bad source", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save changes"]`)), 422)
	checkA11y(t, ctx)
	if got := texts(t, ctx, "#f-sources-error"); len(got) != 1 || !strings.Contains(got[0], "Sources, line 2: not an http(s) address") {
		t.Errorf("error beside the field %q", got)
	}
	if got := attr(t, ctx, "#f-confidence option[selected]", "value"); got != "high" {
		t.Errorf("typed confidence kept as %q", got)
	}
	setValue(t, ctx, "#f-sources", "https://gov.example/report\nhttps://gov.example/report/annex")
	follow(t, ctx, "save", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save changes"]`)))
	if got := texts(t, ctx, `[data-testid=record-sources] li a`); strings.Join(got, " ") != "https://gov.example/report https://gov.example/report/annex" {
		t.Errorf("saved source links %q", got)
	}
	if got := texts(t, ctx, `[data-testid=confidence]`); len(got) != 1 || !strings.HasPrefix(got[0], "Confidence: high") {
		t.Errorf("saved confidence %q", got)
	}
}
