package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestE2ECiteAutocomplete is the document editor's citation finder with
// JavaScript: an editor opens the new-document form, types PSTI in the
// finder next to the text, arrows down to the first suggestion and
// presses Enter; the citation goes into the text where the cursor was and
// the cursor stays in the text after it. The form is checked with
// axe-core while the list is open; Escape closes it.
func TestE2ECiteAutocomplete(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"
	addUser(t, data, "carla@example.org", "Carla Editor", "editor", password)
	ctx := newBrowser(t)

	visit(t, ctx, base)
	signIn(t, ctx, "carla@example.org", password, "Carla Editor")
	visit(t, ctx, base+"documents/new")
	if got := texts(t, ctx, `label[for=body-cite-q]`); len(got) != 1 || got[0] != "Find a policy to cite" {
		t.Fatalf("the finder's label is %q, want Find a policy to cite", got)
	}
	// The no-JavaScript way stays.
	if got := attr(t, ctx, `a[data-testid=cite-finder-link]`, "href"); got != "/cite" {
		t.Errorf("the link to the finder page is %q, want /cite", got)
	}

	checkA11y(t, ctx)

	const before, after = "Connected products must follow ", " in the UK."
	setValue(t, ctx, "#body", before+after)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`(() => { const a = document.querySelector('#body'); a.setSelectionRange(`+strconv.Itoa(len(before))+`, `+strconv.Itoa(len(before))+`); return true })()`)); err != nil {
		t.Fatalf("place the cursor: %v", err)
	}

	typeInto(t, ctx, "#body-cite-q", "PSTI")
	waitFor(t, ctx, "the suggestions", `#body-cite-list [role=option]`)
	if got := attr(t, ctx, "#body-cite-q", "aria-expanded"); got != "true" {
		t.Errorf("with suggestions shown, aria-expanded is %q", got)
	}
	if got := texts(t, ctx, `.cite-finder [role=status]`); len(got) != 1 || !strings.Contains(got[0], "result") {
		t.Errorf("the live region says %q, want the number of results", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatalf("arrow down: %v", err)
	}
	first := attrs(t, ctx, `#body-cite-list [role=option]`, "id")[0]
	if got := attr(t, ctx, "#body-cite-q", "aria-activedescendant"); got != first {
		t.Errorf("after arrow down, aria-activedescendant is %q, want %q", got, first)
	}
	if got := attr(t, ctx, "#"+first, "aria-selected"); got != "true" {
		t.Errorf("the first suggestion has aria-selected %q", got)
	}
	chosen := texts(t, ctx, "#"+first+" code")[0]
	if !strings.HasPrefix(chosen, "[@uk-psti-act-2022") {
		t.Errorf("the first suggestion for PSTI cites %q, want the PSTI Act or one of its provisions", chosen)
	}
	checkA11y(t, ctx)

	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatalf("press Enter: %v", err)
	}
	body, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#body")))
	if err != nil {
		t.Fatalf("read the text: %v", err)
	}
	if want := before + chosen + after; body != want {
		t.Errorf("after Enter the text is %q, want %q", body, want)
	}
	requirePath(t, ctx, "/documents/new")
	if got := focusedID(t, ctx); got != "body" {
		t.Errorf("after choosing, focus is on %q, want the text", got)
	}
	caret, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector('#body').selectionStart`))
	if err != nil {
		t.Fatalf("read the cursor: %v", err)
	}
	if want := len([]rune(before + chosen)); caret != want {
		t.Errorf("the cursor is at %d, want %d, after the citation", caret, want)
	}
	if got := attr(t, ctx, "#body-cite-q", "aria-expanded"); got != "false" {
		t.Errorf("after choosing, aria-expanded is %q", got)
	}

	// Escape closes the list without choosing.
	typeInto(t, ctx, "#body-cite-q", "default passwords")
	waitFor(t, ctx, "the suggestions", `#body-cite-list [role=option]`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatalf("press Escape: %v", err)
	}
	if got := attr(t, ctx, "#body-cite-q", "aria-expanded"); got != "false" {
		t.Errorf("after Escape, aria-expanded is %q", got)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#body"))); got != body {
		t.Errorf("Escape changed the text to %q", got)
	}
}

// TestE2ECiteAutocompleteNoScript is the same editor without JavaScript:
// no finder box is offered, and the link to the finder page is there.
func TestE2ECiteAutocompleteNoScript(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"
	addUser(t, data, "carla@example.org", "Carla Editor", "editor", password)
	ctx := newBrowser(t, withoutJavaScript())

	visit(t, ctx, base)
	signIn(t, ctx, "carla@example.org", password, "Carla Editor")
	visit(t, ctx, base+"documents/new")
	if got := texts(t, ctx, `#body-cite-q, .cite-finder`); len(got) != 0 {
		t.Errorf("without JavaScript the editor offers a finder box: %q", got)
	}
	if got := attr(t, ctx, `a[data-testid=cite-finder-link]`, "href"); got != "/cite" {
		t.Errorf("the link to the finder page is %q, want /cite", got)
	}
}
