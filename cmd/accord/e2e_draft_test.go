package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EDraftJourney is J3 Draft: an editor writes a recommendation
// document in Markdown citing a policy and a challenge, previews it (first
// with a mistyped citation, which is named with its line), saves it, edits
// one paragraph and adds another, saves version 2 and reads the redline.
// A reader who is not signed in gets 404 for the draft, does not see it
// listed, and finds nothing of it in search. It runs with JavaScript on and off and checks every
// page with axe-core.
func TestE2EDraftJourney(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const email, name, password = "drafter@example.org", "Dee Drafter", "a long and unlikely phrase"
	addUser(t, data, email, name, "editor", password)

	for _, js := range []bool{true, false} {
		mode, opts, word := "javascript on", []browserOption(nil), "Kestrel"
		if !js {
			mode, opts, word = "javascript off", []browserOption{withoutJavaScript()}, "Osprey"
		}
		t.Run(mode, func(t *testing.T) {
			slug := "e2e-passwords-" + strings.ToLower(word)
			title := "Default passwords: draft recommendations (" + word + ")"
			v1 := "## Passwords\n\n" +
				"Manufacturers should ship no universal default passwords, as the UK already requires [@uk-psti-act-2022].\n\n" +
				"## Baselines\n\n" +
				"One baseline across jurisdictions would ease challenge [#C3]; the " + word + " review found the same.\n"
			v2 := "## Passwords\n\n" +
				"Manufacturers must ship no universal default passwords, as the UK already requires [@uk-psti-act-2022].\n\n" +
				"Each password must be unique to the unit or set by the user [@etsi-en-303-645 §5.1-1].\n\n" +
				"## Baselines\n\n" +
				"One baseline across jurisdictions would ease challenge [#C3]; the " + word + " review found the same.\n"

			ctx := newBrowser(t, opts...)
			visit(t, ctx, base)
			signIn(t, ctx, email, password, name)

			follow(t, ctx, "click Documents in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Documents"]`)))
			requireHeading(t, ctx, "Documents")
			checkA11y(t, ctx)
			follow(t, ctx, "click Write a new document", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Write a new document"]`)))
			requirePath(t, ctx, "/documents/new")
			requireHeading(t, ctx, "Write a new document")
			checkA11y(t, ctx)

			// A mistyped citation: the preview names it and its line.
			typeInto(t, ctx, "#slug", slug)
			typeInto(t, ctx, "#title", title)
			typeInto(t, ctx, "#summary", "What the group recommends on default passwords.")
			typeInto(t, ctx, "#body", strings.Replace(v1, "uk-psti-act-2022", "uk-psti-act-2021", 1))
			typeInto(t, ctx, "#note", "First draft")
			followStatus(t, ctx, "press Preview with a mistyped citation", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Preview"]`)), 422)
			checkA11y(t, ctx)
			summary := texts(t, ctx, `[data-testid="error-summary"] a[href="#body"]`)
			if len(summary) != 1 || !strings.Contains(summary[0], "[@uk-psti-act-2021]") || !strings.Contains(strings.ToLower(summary[0]), "line 3") {
				t.Errorf("error summary = %q, want the citation [@uk-psti-act-2021] named with line 3", summary)
			}
			if got := focusedID(t, ctx); got != "error-summary" {
				t.Errorf("focus is on %q, want the error summary", got)
			}
			if got := attr(t, ctx, "#body", "aria-invalid"); got != "true" {
				t.Errorf("body aria-invalid = %q, want true", got)
			}
			for sel, want := range map[string]string{"#slug": slug, "#title": title, "#note": "First draft"} {
				if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel))); err != nil || got != want {
					t.Errorf("%s holds %q (%v), want %q kept", sel, got, err, want)
				}
			}

			typeInto(t, ctx, "#body", v1)
			follow(t, ctx, "press Preview", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Preview"]`)))
			checkA11y(t, ctx)
			if got := texts(t, ctx, `[data-testid="error-summary"]`); len(got) != 0 {
				t.Errorf("after correcting, errors = %q, want none", got)
			}
			requireCitations(t, ctx, `[data-testid="preview"]`, "/policies/uk-psti-act-2022", "/frameworks/dc-isss-iot/items/C3")
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#body"))); got != v1 {
				t.Errorf("after the preview the text is %q, want %q kept", got, v1)
			}

			follow(t, ctx, "press Save document", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save document"]`)))
			requirePath(t, ctx, "/documents/"+slug)
			requireHeading(t, ctx, title)
			checkA11y(t, ctx)
			if got := texts(t, ctx, `[data-testid="version"]`); len(got) != 1 || !strings.HasPrefix(got[0], "1") {
				t.Errorf("version shown = %q, want 1", got)
			}
			requireCitations(t, ctx, `[data-testid="document-body"]`, "/policies/uk-psti-act-2022", "/frameworks/dc-isss-iot/items/C3")

			// Version 2: one paragraph changed, one added.
			follow(t, ctx, "click Edit", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Edit (saves a new version)"]`)))
			requirePath(t, ctx, "/documents/"+slug+"/edit")
			requireHeading(t, ctx, "Edit "+title)
			checkA11y(t, ctx)
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#body"))); got != v1 {
				t.Errorf("the edit form holds %q, want version 1 %q", got, v1)
			}
			typeInto(t, ctx, "#body", v2)
			typeInto(t, ctx, "#note", "Firmer wording; uniqueness")
			follow(t, ctx, "press Save version 2", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save version 2"]`)))
			requirePath(t, ctx, "/documents/"+slug+"/versions/2")
			checkA11y(t, ctx)
			requireCitations(t, ctx, `[data-testid="document-body"]`, "/policies/uk-psti-act-2022", "/policies/etsi-en-303-645#prov-5.1-1", "/frameworks/dc-isss-iot/items/C3")
			requireMarginNumbers(t, ctx)

			follow(t, ctx, "click What changed since version 1", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="What changed since version 1"]`)))
			loc := location(t, ctx)
			if loc.Path != "/documents/"+slug+"/diff" || loc.Query().Get("from") != "1" || loc.Query().Get("to") != "2" {
				t.Errorf("the redline is at %s, want /documents/%s/diff?from=1&to=2", loc, slug)
			}
			requireHeading(t, ctx, "Changes from version 1 to version 2")
			checkA11y(t, ctx)
			if got := texts(t, ctx, `[data-testid="redline"] del`); !slices.Equal(got, []string{"[deleted: should]"}) {
				t.Errorf("deleted = %q, want [[deleted: should]]", got)
			}
			ins := texts(t, ctx, `[data-testid="redline"] ins`)
			if len(ins) != 2 || ins[0] != "[inserted: must]" || !strings.Contains(ins[1], "Each password must be unique") {
				t.Errorf("inserted = %q, want must, then the new paragraph", ins)
			}
			if got := attrs(t, ctx, `[data-testid="redline"] .redline-block`, "data-status"); !slices.Equal(got,
				[]string{"unchanged", "changed", "inserted", "unchanged", "unchanged"}) {
				t.Errorf("blocks = %q, want heading, changed, inserted, heading, unchanged", got)
			}
			if got := texts(t, ctx, `[data-testid="totals"]`); len(got) != 1 || !strings.HasPrefix(got[0], "1 paragraph changed, 1 inserted, 0 deleted") {
				t.Errorf("summary of changes = %q, want 1 changed, 1 inserted, 0 deleted", got)
			}

			// Someone not signed in: the draft does not exist for them.
			anon := newBrowser(t, opts...)
			for _, p := range []string{"/documents/" + slug, "/documents/" + slug + "/versions/2", "/documents/" + slug + "/diff?from=1&to=2"} {
				visitStatus(t, anon, strings.TrimSuffix(base, "/")+p, 404)
				requireHeading(t, anon, "Page not found")
				checkA11y(t, anon)
			}
			visit(t, anon, base+"documents")
			checkA11y(t, anon)
			if got := texts(t, anon, "main"); strings.Contains(got[0], title) {
				t.Errorf("the public document list shows the draft %q", title)
			}
			searchFromHeader(t, anon, word)
			checkA11y(t, anon)
			if got := resultCount(t, anon, word); got != 0 {
				t.Errorf("an anonymous search for %q finds %d results (%+v), want none", word, got, searchHits(t, anon))
			}
		})
	}
}

// requireCitations checks that the rendered Markdown inside scope links
// its citations to exactly these pages, in order.
func requireCitations(t *testing.T, ctx context.Context, scope string, want ...string) {
	t.Helper()
	if got := attrs(t, ctx, scope+" a.cite", "href"); !slices.Equal(got, want) {
		t.Errorf("citations in %s link to %q, want %q", scope, got, want)
	}
}

// requireMarginNumbers checks that each section and paragraph number of
// the document body stands in the margin beside its block, on the same
// line, rather than on a line of its own.
func requireMarginNumbers(t *testing.T, ctx context.Context) {
	t.Helper()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const refs = document.querySelectorAll('[data-testid="document-body"] > .para-ref');
		if (refs.length === 0) return 'no paragraph numbers';
		const out = [];
		for (const a of refs) {
			const block = a.nextElementSibling;
			if (!block) { out.push(a.textContent + ': no block after it'); continue; }
			const ra = a.getBoundingClientRect(), rb = block.getBoundingClientRect();
			if (ra.right > rb.left) out.push(a.textContent + ': not left of its block');
			if (ra.bottom <= rb.top || ra.top >= rb.bottom) out.push(a.textContent + ': not beside its block');
		}
		return out.join('; ');
	})()`))
	if err != nil {
		t.Fatalf("measure the paragraph numbers: %v", err)
	}
	if problems != "" {
		t.Errorf("paragraph numbers: %s", problems)
	}
}
