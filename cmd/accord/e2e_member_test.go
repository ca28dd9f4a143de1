package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// csvHeader is the policy CSV header of DESIGN.md section 3.
const csvHeader = "slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary\n"

// TestE2EMemberJourney is J1 Collate: a member signs in, adds a policy
// through the form after correcting a validation error, imports a CSV
// file, finds the imported policy in the list and through the header's
// search box, and signs out. The first run creates the first administrator
// at /setup with JavaScript off; the second signs in an editor made with
// `accord user add`, with JavaScript on. Every page is checked with
// axe-core.
func TestE2EMemberJourney(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)

	for _, tc := range []struct {
		name    string
		js      bool
		viaCLI  bool // else the first admin at /setup
		email   string
		person  string
		country string // of the imported policy, one the shipped content lacks
		code    string
	}{
		{name: "first admin at setup, javascript off", js: false, email: "ada@example.org", person: "Ada Admin", country: "Nigeria", code: "NG"},
		{name: "editor from the CLI, javascript on", js: true, viaCLI: true, email: "ed@example.org", person: "Ed Editor", country: "Zambia", code: "ZM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []browserOption
			if !tc.js {
				opts = append(opts, withoutJavaScript())
			}
			ctx := newBrowser(t, opts...)
			const password = "a long and unlikely phrase"

			if tc.viaCLI {
				addUser(t, data, tc.email, tc.person, "editor", password)
				visit(t, ctx, base)
			} else {
				visit(t, ctx, base+"setup")
				requireHeading(t, ctx, "Set up Accord")
				checkA11y(t, ctx)
				typeInto(t, ctx, "#f-email", tc.email)
				typeInto(t, ctx, "#f-name", tc.person)
				typeInto(t, ctx, "#f-password", password)
				follow(t, ctx, "create the first administrator", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Create administrator"]`)))
				requirePath(t, ctx, "/account")
				requireHeading(t, ctx, "Your account")
				checkA11y(t, ctx)
				signOut(t, ctx)
			}
			signIn(t, ctx, tc.email, password, tc.person)
			checkA11y(t, ctx)

			addPolicyWithCorrection(t, ctx, tc.code)

			// Import a CSV file of two policies.
			slugs := []string{"e2e-" + strings.ToLower(tc.code) + "-iot-baseline", "e2e-" + strings.ToLower(tc.code) + "-camera-labels"}
			title := tc.country + " consumer IoT security baseline"
			csv := csvHeader +
				slugs[0] + "," + title + ",IoT baseline," + tc.code + ",Communications Authority,guideline,published,voluntary,2024-05-02,,https://example.org/baseline,en,default-passwords;software-updates,device,\"Unique passwords, security updates for a stated period, and a contact for vulnerability reports.\"\n" +
				slugs[1] + "," + tc.country + " labelling scheme for connected cameras,Camera labels," + tc.code + ",Communications Authority,certification-scheme,proposed,voluntary,2025,,,en,labelling-certification,device;network,A proposed security label for cameras sold in " + tc.country + ".\n"
			file := filepath.Join(t.TempDir(), "policies-"+tc.code+".csv")
			if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			follow(t, ctx, "click Policies in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Policies"]`)))
			follow(t, ctx, "click Import policies", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Import policies"]`)))
			requirePath(t, ctx, "/policies/import")
			requireHeading(t, ctx, "Import policies")
			checkA11y(t, ctx)

			// First a file with one bad line: it is rejected whole, and the
			// report names the line and the field.
			bad := filepath.Join(t.TempDir(), "bad-"+tc.code+".csv")
			badCSV := strings.Replace(csv, ",guideline,", ",guidance,", 1)
			if err := os.WriteFile(bad, []byte(badCSV), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{bad})); err != nil {
				t.Fatalf("choose %s: %v", bad, err)
			}
			followStatus(t, ctx, "press Import with a bad file", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Import"]`)), 422)
			checkA11y(t, ctx)
			if got, err := chromedp.Run(ctx, chromedp.Title()); err != nil || !strings.HasPrefix(got, "Error: ") {
				t.Errorf("the page of a rejected import has the title %q (%v), want it to start with \"Error: \"", got, err)
			}
			report := texts(t, ctx, `[data-testid="import-report"]`)
			if len(report) != 1 || !strings.Contains(report[0], filepath.Base(bad)+": rejected, nothing was saved") ||
				!strings.Contains(report[0], "Line 2: type:") {
				t.Errorf("import report = %q, want %s rejected with line 2's type named", report, filepath.Base(bad))
			}

			if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})); err != nil {
				t.Fatalf("choose %s: %v", file, err)
			}
			follow(t, ctx, "press Import", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Import"]`)))
			checkA11y(t, ctx)
			report = texts(t, ctx, `[data-testid="import-report"]`)
			if len(report) != 1 {
				t.Fatalf("import reports = %q, want one", report)
			}
			for _, want := range []string{filepath.Base(file) + ": imported", "2 policies created, 0 updated, 0 unchanged"} {
				if !strings.Contains(report[0], want) {
					t.Errorf("import report %q does not say %q", report[0], want)
				}
			}
			if got := texts(t, ctx, `[data-testid="import-report"] li a`); !slices.Equal(got, slugs) {
				t.Errorf("import report links to %q, want %q", got, slugs)
			}

			// The new policies are in the list, under their country.
			follow(t, ctx, "click Policies in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Policies"]`)))
			checkA11y(t, ctx)
			choose(t, ctx, "form.filter-form select[name=jurisdiction]", tc.country)
			follow(t, ctx, "filter the list to "+tc.country, chromedp.Click(chromedp.CSS(`form.filter-form button[type=submit]`)))
			checkA11y(t, ctx)
			if got := location(t, ctx).Query().Get("jurisdiction"); got != tc.code {
				t.Errorf("filtered to jurisdiction %q, want %s", got, tc.code)
			}
			listed := texts(t, ctx, "ol.results > li h3 a")
			slices.Sort(listed)
			want := []string{title, tc.country + " labelling scheme for connected cameras"}
			slices.Sort(want)
			if !slices.Equal(listed, want) {
				t.Errorf("policies of %s = %q, want %q", tc.country, listed, want)
			}

			// And the search index follows the database within a second;
			// allow a few, polling through the header box.
			q := tc.country + " baseline"
			deadline := time.Now().Add(5 * time.Second)
			for {
				searchFromHeader(t, ctx, q)
				if slices.Contains(texts(t, ctx, "ol.results > li h3 a"), title) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("search for %q lists %q, want %q among them", q, texts(t, ctx, "ol.results > li h3 a"), title)
				}
				time.Sleep(100 * time.Millisecond)
			}
			checkA11y(t, ctx)
			follow(t, ctx, "open "+title, chromedp.Click(chromedp.Search(`//ol[contains(@class,"results")]//h3/a[normalize-space()="`+title+`"]`)))
			requirePath(t, ctx, "/policies/"+slugs[0])
			requireHeading(t, ctx, title)
			checkA11y(t, ctx)

			signOut(t, ctx)
			// The session is gone: the form asks for a sign-in again.
			visit(t, ctx, base+"policies/new")
			requirePath(t, ctx, "/login")
			requireHeading(t, ctx, "Sign in")
			checkA11y(t, ctx)
		})
	}
}

// addPolicyWithCorrection adds a policy through the form: the first try
// leaves out the title and mistypes a date, is sent back with an error
// summary and everything typed kept, and the corrected form saves.
func addPolicyWithCorrection(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	slug := "e2e-" + strings.ToLower(code) + "-connected-devices-act"
	title := "Connected Devices Security Act (" + code + ")"
	summary := "Bans universal default passwords on connected devices."

	follow(t, ctx, "click Policies in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Policies"]`)))
	follow(t, ctx, "click Add a policy", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Add a policy"]`)))
	requirePath(t, ctx, "/policies/new")
	requireHeading(t, ctx, "Add a policy")
	checkA11y(t, ctx)

	typeInto(t, ctx, "#f-slug", slug)
	// The jurisdictions are a checkbox list; with JavaScript, a filter
	// box narrows it.
	if scriptingEnabled(t, ctx) {
		typeInto(t, ctx, "#f-jurisdictions-filter", "kingdom")
		if got := texts(t, ctx, "#f-jurisdictions .checkbox:not([hidden]) label"); !slices.Equal(got, []string{"United Kingdom"}) {
			t.Errorf("jurisdictions shown after typing kingdom = %q, want [United Kingdom]", got)
		}
	} else if n := len(texts(t, ctx, "#f-jurisdictions-filter")); n != 0 {
		t.Errorf("without JavaScript the jurisdictions offer %d filter boxes, want none", n)
	}
	click(t, ctx, `label[for="`+attr(t, ctx, `input[name=jurisdictions][value="GB"]`, "id")+`"]`)
	choose(t, ctx, "#f-type", "Law")
	typeInto(t, ctx, "#f-adopted", "2024-13-45")
	click(t, ctx, `label[for="`+attr(t, ctx, `input[name=topics][value="default-passwords"]`, "id")+`"]`)
	typeInto(t, ctx, "#f-summary", summary)
	followStatus(t, ctx, "press Add policy with no title and a bad date",
		chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Add policy"]`)), 422)
	requireHeading(t, ctx, "Add a policy")
	checkA11y(t, ctx)

	if got, err := chromedp.Run(ctx, chromedp.Title()); err != nil || !strings.HasPrefix(got, "Error: ") {
		t.Errorf("the page sent back has the title %q (%v), want it to start with \"Error: \"", got, err)
	}
	// The summary comes first, takes the focus, and links to each field.
	links := texts(t, ctx, `[data-testid="error-summary"] a`)
	hrefs := attrs(t, ctx, `[data-testid="error-summary"] a`, "href")
	if want := []string{"#f-title", "#f-adopted"}; !slices.Equal(hrefs, want) {
		t.Errorf("error summary links to %q (%q), want %q", hrefs, links, want)
	}
	if got := focusedID(t, ctx); got != "error-summary" {
		t.Errorf("focus is on %q, want the error summary", got)
	}
	for _, f := range []string{"title", "adopted"} {
		sel := "#f-" + f
		if got := attr(t, ctx, sel, "aria-invalid"); got != "true" {
			t.Errorf("%s aria-invalid = %q, want true", sel, got)
		}
		if got := attr(t, ctx, sel, "aria-describedby"); !slices.Contains(strings.Fields(got), "f-"+f+"-error") {
			t.Errorf("%s aria-describedby = %q, want it to name f-%s-error", sel, got, f)
		}
		if msg := texts(t, ctx, sel+"-error"); len(msg) != 1 || msg[0] == "" {
			t.Errorf("%s has messages %q, want one", sel, msg)
		}
	}
	// Everything typed is kept.
	for sel, want := range map[string]string{"#f-slug": slug, "#f-adopted": "2024-13-45", "#f-summary": summary, "#f-type": "law"} {
		if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel))); err != nil || got != want {
			t.Errorf("%s holds %q (%v), want %q kept", sel, got, err, want)
		}
	}
	if got := attrs(t, ctx, "#f-jurisdictions input:checked", "value"); !slices.Equal(got, []string{"GB"}) {
		t.Errorf("jurisdictions chosen = %q, want [GB] kept", got)
	}
	if got := attrs(t, ctx, "input[name=topics]:checked", "value"); !slices.Equal(got, []string{"default-passwords"}) {
		t.Errorf("topics ticked = %q, want [default-passwords] kept", got)
	}

	// Following the summary's link puts the cursor in the field.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="error-summary"] a[href="#f-title"]`))); err != nil {
		t.Fatal(err)
	}
	if got := focusedID(t, ctx); got != "f-title" {
		t.Errorf("after following the summary's link, focus is on %q, want f-title", got)
	}
	typeInto(t, ctx, "#f-title", title)
	typeInto(t, ctx, "#f-adopted", "2024-03-01")
	follow(t, ctx, "press Add policy", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Add policy"]`)))
	requirePath(t, ctx, "/policies/"+slug)
	requireHeading(t, ctx, title)
	checkA11y(t, ctx)
	if got := texts(t, ctx, `[data-testid="flash"]`); len(got) != 1 {
		t.Errorf("after saving, notices = %q, want one", got)
	}
}
