package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestE2EConsultJourney is J4 Consult, up to moderation: an editor writes
// a document and opens a pre-moderated consultation on it from the
// document's page; a stakeholder registers, finds the consultation from
// the navigation and comments anonymously on 3.2 ¶1 with proposed text;
// the comment is not public until the editor, who sees who wrote it,
// approves it from the queue; then an anonymous reader sees it under the
// stakeholder group and country only, and counted in the heat table. It
// runs with JavaScript on and off, each with its own accounts and
// consultation, checks every page with axe-core, and the paragraph and
// comments pages once more in a 360 px wide window.
func TestE2EConsultJourney(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	const password = "a long and unlikely phrase"

	for _, js := range []bool{true, false} {
		mode, opts, word := "javascript on", []browserOption(nil), "Heron"
		if !js {
			mode, opts, word = "javascript off", []browserOption{withoutJavaScript()}, "Plover"
		}
		t.Run(mode, func(t *testing.T) {
			lower := strings.ToLower(word)
			editorEmail, editorName := "editor-"+lower+"@example.org", "Eve "+word
			addUser(t, data, editorEmail, editorName, "editor", password)
			docSlug := "e2e-updates-" + lower
			docTitle := "Security updates (" + word + ")"
			slug := "e2e-consult-" + lower
			title := "Consultation on security updates (" + word + ")"
			body := "## Scope\n\nThis recommendation covers consumer devices.\n\n" +
				"## Terms\n\nA support period is the time during which updates are provided.\n\n" +
				"## Rules\n\nThe rules below apply to every device sold.\n\n" +
				"### Passwords\n\nNo universal default passwords.\n\n" +
				"### Updates\n\nManufacturers should state the support period of the " + word + " device at the point of sale.\n"

			// The editor writes the document and opens the consultation.
			ctx := newBrowser(t, opts...)
			visit(t, ctx, base)
			signIn(t, ctx, editorEmail, password, editorName)
			follow(t, ctx, "click Documents in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Documents"]`)))
			follow(t, ctx, "click Write a new document", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Write a new document"]`)))
			typeInto(t, ctx, "#slug", docSlug)
			typeInto(t, ctx, "#title", docTitle)
			typeInto(t, ctx, "#summary", "What the group recommends on security updates.")
			typeInto(t, ctx, "#body", body)
			typeInto(t, ctx, "#note", "For consultation")
			follow(t, ctx, "press Save document", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save document"]`)))
			requirePath(t, ctx, "/documents/"+docSlug)
			checkA11y(t, ctx)

			follow(t, ctx, "click Open a consultation on this version", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Open a consultation on this version"]`)))
			requirePath(t, ctx, "/consultations/new")
			requireHeading(t, ctx, "Open a consultation")
			checkA11y(t, ctx)
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-document"))); got != docSlug {
				t.Errorf("the form's document is %q, want %q chosen from the link", got, docSlug)
			}
			const zone = "Europe/Paris"
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().In(loc)
			typeInto(t, ctx, "#f-slug", slug)
			typeInto(t, ctx, "#f-title", title)
			typeInto(t, ctx, "#f-timezone", zone)
			setDateTime(t, ctx, "#f-opens-at", now.Add(-time.Minute))
			setDateTime(t, ctx, "#f-closes-at", now.Add(10*24*time.Hour))
			typeInto(t, ctx, "#f-introduction", "Tell us whether the support period should be stated.")
			typeInto(t, ctx, "#f-questions-0", "Is stating the support period at the point of sale enough?")
			typeInto(t, ctx, "#f-questions-0-section", "3.2")
			click(t, ctx, `label[for="f-moderation-pre"]`)
			follow(t, ctx, "press Save consultation", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Save consultation"]`)))
			requirePath(t, ctx, "/consultations/"+slug)
			requireHeading(t, ctx, title)
			checkA11y(t, ctx)
			if got := texts(t, ctx, `[data-testid="state"]`); len(got) != 1 || got[0] != "Open for comments" {
				t.Errorf("state = %q, want Open for comments", got)
			}
			signOut(t, ctx)

			// A stakeholder registers and comments anonymously on 3.2 ¶1:
			// with JavaScript, registering first and then finding the
			// consultation; without, finding the paragraph first and
			// registering from its comment form, which brings them back.
			stakeholder := newBrowser(t, opts...)
			name, org := "Sam "+word, word+" Consumer Union"
			register := func() {
				t.Helper()
				requirePath(t, stakeholder, "/register")
				requireHeading(t, stakeholder, "Register")
				checkA11y(t, stakeholder)
				typeInto(t, stakeholder, "#f-email", "sam-"+lower+"@example.org")
				typeInto(t, stakeholder, "#f-password", password)
				typeInto(t, stakeholder, "#f-name", name)
				typeInto(t, stakeholder, "#f-organisation", org)
				choose(t, stakeholder, "#f-stakeholder-group", "Civil society")
				choose(t, stakeholder, "#f-country", "Kenya")
				click(t, stakeholder, `label[for="f-consent-publish"]`)
				follow(t, stakeholder, "press Create account", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Create account"]`)))
				checkA11y(t, stakeholder)
				if got := texts(t, stakeholder, `[data-testid="flash"]`); len(got) != 1 {
					t.Errorf("after registering, notices = %q, want one", got)
				}
			}
			toParagraph := func() {
				t.Helper()
				follow(t, stakeholder, "click Consultations in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Consultations"]`)))
				requireHeading(t, stakeholder, "Consultations")
				checkA11y(t, stakeholder)
				follow(t, stakeholder, "open "+title, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="`+title+`"]`)))
				requirePath(t, stakeholder, "/consultations/"+slug)
				checkA11y(t, stakeholder)
				follow(t, stakeholder, "click Comment on 3.2 ¶1", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Comment on 3.2 ¶1"]`)))
				requireHeading(t, stakeholder, "3.2 ¶1")
				checkA11y(t, stakeholder)
				if got := location(t, stakeholder).Fragment; got != "comment-form" {
					t.Errorf("the comment link leads to #%s, want #comment-form", got)
				}
			}
			visit(t, stakeholder, base)
			var paragraphPath string
			if js {
				follow(t, stakeholder, "click Sign in in the header", chromedp.Click(chromedp.CSS(`header .account-links a[href="/login"]`)))
				follow(t, stakeholder, "click Register as a stakeholder", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Register as a stakeholder"]`)))
				register()
				requirePath(t, stakeholder, "/account")
				toParagraph()
				paragraphPath = location(t, stakeholder).Path
			} else {
				toParagraph()
				paragraphPath = location(t, stakeholder).Path
				follow(t, stakeholder, "click register in the comment form", chromedp.Click(chromedp.Search(`//*[@data-testid="comment-signin"]//a[normalize-space()="register"]`)))
				register()
				requirePath(t, stakeholder, paragraphPath)
			}
			if !strings.HasPrefix(paragraphPath, "/consultations/"+slug+"/paragraphs/") {
				t.Fatalf("the comment link leads to %s, want a paragraph page of %s", paragraphPath, slug)
			}
			if got := texts(t, stakeholder, `[data-testid="paragraph"]`); len(got) != 1 || !strings.Contains(got[0], "support period of the "+word+" device") {
				t.Errorf("the paragraph page quotes %q, want the paragraph of 3.2", got)
			}
			if got := texts(t, stakeholder, `#comment-form [data-testid="form-paragraph"]`); len(got) != 1 || !strings.Contains(got[0], "support period of the "+word+" device") {
				t.Errorf("the comment form quotes %q, want the paragraph of 3.2", got)
			}
			comment := "Say how long, in " + word + " months, not only that updates come."
			proposed := "Manufacturers must state the end date of the support period of the device at the point of sale."
			click(t, stakeholder, `label[for="f-type-1"]`) // Technical
			typeInto(t, stakeholder, "#f-body", comment)
			typeInto(t, stakeholder, "#f-proposed-text", proposed)
			click(t, stakeholder, `label[for="f-display-1"]`) // Anonymous
			// A form sent within seconds of being shown is taken for a
			// robot's; a person takes longer than that to write.
			time.Sleep(3 * time.Second)
			follow(t, stakeholder, "press Send your comment", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Send your comment"]`)))
			checkA11y(t, stakeholder)
			if got := texts(t, stakeholder, `[data-testid="flash"]`); len(got) != 1 || !strings.Contains(got[0], "once a moderator approves it") {
				t.Errorf("after sending, notices = %q, want one saying the comment waits for a moderator", got)
			}
			signOut(t, stakeholder)
			visit(t, stakeholder, strings.TrimSuffix(base, "/")+paragraphPath)
			checkA11y(t, stakeholder)
			if got := texts(t, stakeholder, "main"); strings.Contains(got[0], comment) {
				t.Errorf("before approval, the paragraph page shows the comment to a reader not signed in")
			}

			// The editor approves it from the queue, seeing who wrote it.
			signIn(t, ctx, editorEmail, password, editorName)
			follow(t, ctx, "click Consultations in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Consultations"]`)))
			follow(t, ctx, "open "+title, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="`+title+`"]`)))
			follow(t, ctx, "click Moderation queue", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Moderation queue"]`)))
			requirePath(t, ctx, "/consultations/"+slug+"/moderation")
			checkA11y(t, ctx)
			private := texts(t, ctx, `[data-testid="moderation-queue"] .comment-private`)
			if len(private) != 1 || !strings.Contains(private[0], name) || !strings.Contains(private[0], org) {
				t.Errorf("the queue says %q about the author, want %s of %s named for moderators", private, name, org)
			}
			follow(t, ctx, "press Approve", chromedp.Click(chromedp.Search(`//main//button[starts-with(normalize-space(), "Approve")]`)))
			checkA11y(t, ctx)
			if got := texts(t, ctx, `[data-testid="moderation-empty"]`); len(got) != 1 {
				t.Errorf("after approving, the queue is not empty: %q", texts(t, ctx, "main"))
			}
			signOut(t, ctx)

			// A reader not signed in sees it, anonymously, and counted.
			reader := newBrowser(t, opts...)
			visit(t, reader, base)
			follow(t, reader, "click Consultations in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Consultations"]`)))
			follow(t, reader, "open "+title, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="`+title+`"]`)))
			follow(t, reader, "click Read the comment on 3.2 ¶1", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Read the comment on 3.2 ¶1"]`)))
			requirePath(t, reader, paragraphPath)
			checkA11y(t, reader)
			if got := texts(t, reader, `[data-testid="comment-author"]`); len(got) != 1 || got[0] != "A participant from civil society, Kenya" {
				t.Errorf("the comment is signed %q, want [A participant from civil society, Kenya]", got)
			}
			requireNoAuthor(t, reader, name, org)
			if got := texts(t, reader, `[data-testid="comment"] .comment-proposal`); len(got) != 1 || !strings.Contains(got[0], "end date") {
				t.Errorf("proposed text shown = %q, want the proposal", got)
			}
			follow(t, reader, "click the consultation in the breadcrumbs", chromedp.Click(chromedp.Search(`//nav[@aria-label="Breadcrumb"]//a[normalize-space()="`+title+`"]`)))
			follow(t, reader, "click Read the comments", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Read the comments, with who commented where"]`)))
			requirePath(t, reader, "/consultations/"+slug+"/comments")
			checkA11y(t, reader)
			requireNoAuthor(t, reader, name, org)
			if got := heatCell(t, reader, "3.2 ¶1", "Civil society"); got != "1" {
				t.Errorf("heat table, 3.2 ¶1 x Civil society = %q, want 1", got)
			}
			if got := heatCell(t, reader, "3.2 ¶1", "Total"); got != "1" {
				t.Errorf("heat table, 3.2 ¶1 total = %q, want 1", got)
			}

			// The same pages on a phone.
			if js {
				phone := newBrowser(t, withWindow(360, 800))
				for _, p := range []string{paragraphPath, "/consultations/" + slug + "/comments"} {
					visit(t, phone, strings.TrimSuffix(base, "/")+p)
					checkA11y(t, phone)
					requireNoSidewaysScroll(t, phone, 360)
				}
			}
		})
	}
}

// setDateTime fills a datetime-local field with t, in the form's own
// "2006-01-02T15:04" shape. Keyboard entry into such a field depends on
// the browser's locale, so the value is set as a date picker sets it,
// with the events a picker sends.
func setDateTime(t *testing.T, ctx context.Context, sel string, at time.Time) {
	t.Helper()
	setValue(t, ctx, sel, at.Format("2006-01-02T15:04"))
}

// requireNoAuthor checks that the page's text names neither the author of
// an anonymous comment nor their organisation.
func requireNoAuthor(t *testing.T, ctx context.Context, name, org string) {
	t.Helper()
	page := texts(t, ctx, "body")[0]
	for _, s := range []string{name, org} {
		if strings.Contains(page, s) {
			t.Errorf("%s shows %q, the author of an anonymous comment", location(t, ctx), s)
		}
	}
}

// heatCell is the text of the heat table's cell in the row headed row and
// the column headed col.
func heatCell(t *testing.T, ctx context.Context, row, col string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const table = document.querySelector('[data-testid="heat"]');
		if (!table) return '(no heat table)';
		const norm = s => s.replace(/\s+/g, ' ').trim();
		const cols = Array.from(table.tHead.rows[0].cells, c => norm(c.textContent));
		const i = cols.indexOf(%q);
		if (i < 0) return '(no column ' + %q + ')';
		const tr = Array.from(table.tBodies[0].rows).find(r => norm(r.cells[0].textContent) === %q);
		if (!tr) return '(no row ' + %q + ')';
		return norm(tr.cells[i].textContent);
	})()`, col, col, row, row)))
	if err != nil {
		t.Fatalf("read the heat table: %v", err)
	}
	return v
}
