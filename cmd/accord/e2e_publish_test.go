package main

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestE2EPublishJourney is issue 11's browser journey: a document with two
// recommendations, each citing shipped policies and challenges, was
// consulted on in version 1; a stakeholder's comment on recommendation 1
// was approved and answered, and version 2 edits that recommendation. The
// editor publishes version 2 from the document page and lands on the
// outcome. A reader not signed in finds it under Outcomes and reads the
// traceability of recommendation 1 (the policies and challenge it cites,
// the comment with its disposition, the redline since the consulted
// version), the consultation record and the citation. The PDF holds the
// text in its embedded fonts (pdftotext reads it, Greek included), the
// Markdown links the policies, the HTML download opens from a file with
// the network blocked and asks for nothing, and the outcomes feed has the
// edition. A document never published has no outcome page. It runs with
// JavaScript on and off, each with its own accounts, document and
// consultation, and checks every page with axe-core.
func TestE2EPublishJourney(t *testing.T) {
	requireE2E(t)
	// The PDF is checked by reading its text back; in the browser stage
	// the tool is installed, so its absence is a failure.
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is needed to check the PDF download (Debian package poppler-utils): %v", err)
	}
	data := t.TempDir()
	base := startServer(t, data)
	site := strings.TrimSuffix(base, "/")
	const password = "a long and unlikely phrase"

	for _, js := range []bool{true, false} {
		mode, opts, word := "javascript on", []browserOption(nil), "Heron"
		if !js {
			mode, opts, word = "javascript off", []browserOption{withoutJavaScript()}, "Plover"
		}
		t.Run(mode, func(t *testing.T) {
			lower := strings.ToLower(word)
			editorEmail, editorName := "editor-pub-"+lower+"@example.org", "Editor "+word
			samEmail := "sam-pub-" + lower + "@example.org"
			addUser(t, data, editorEmail, editorName, "editor", password)
			addStakeholder(t, data, samEmail, "Sam "+word, word+" Consumer Union", "civil-society", "KE", password)
			editorAPI := apiClient{t: t, site: site, token: createToken(t, data, editorEmail)}
			samAPI := apiClient{t: t, site: site, token: createToken(t, data, samEmail)}

			// Set-up through the API: version 1 with two recommendations.
			docSlug, slug := "e2e-publish-"+lower, "e2e-publish-round-"+lower
			title := "Device security outcomes (" + word + ")"
			greek := "ασφάλεια"
			first := "Every " + word + " device should ship with a unique password, as [@etsi-en-303-645] sets out; this answers [#C3]."
			revised := "Every " + word + " device must ship with a password unique to the unit, as [@etsi-en-303-645] sets out; this answers [#C3]."
			v1 := "## Scope\n\nThis document covers consumer devices; in Greek, security is \"" + greek + "\".\n\n" +
				"## Recommendations\n\n" +
				"### Unique passwords\n\n" + first + "\n\n" +
				"### Vulnerability disclosure\n\nManufacturers should publish how to report a vulnerability, as [@uk-psti-act-2022] requires; this answers [#C5].\n"
			editorAPI.do("POST", "/api/v1/documents", map[string]any{"slug": docSlug, "title": title,
				"summary": "What the group recommends on passwords and disclosure.", "body": v1, "note": "For consultation"}, 201, nil)
			var doc struct {
				Paragraphs []struct{ ID, Text string } `json:"paragraphs"`
			}
			editorAPI.do("GET", "/api/v1/documents/"+docSlug+"/versions/1", nil, 200, &doc)
			firstPID := ""
			for _, p := range doc.Paragraphs {
				if strings.HasPrefix(p.Text, "Every "+word+" device should") {
					firstPID = p.ID
				}
			}
			if firstPID == "" {
				t.Fatalf("version 1 has no paragraph for recommendation 1: %+v", doc.Paragraphs)
			}

			// A post-moderated consultation on version 1, open now.
			now := time.Now().UTC()
			editorAPI.do("POST", "/api/v1/consultations", map[string]any{"slug": slug, "title": "Consultation on " + title, "document": docSlug,
				"version": 1, "opens_at": now.Add(-time.Hour).Format(time.RFC3339), "closes_at": now.Add(10 * 24 * time.Hour).Format(time.RFC3339),
				"timezone": "Europe/Paris", "introduction": "Tell us about passwords.", "moderation": "post"}, 201, nil)

			// Sam comments on recommendation 1; the editor approves it.
			samBody := "Say that the password must differ for every " + word + " unit."
			var comment struct {
				Comment struct{ ID int64 } `json:"comment"`
			}
			samAPI.do("POST", "/api/v1/consultations/"+slug+"/comments", map[string]any{"paragraph": firstPID,
				"type": "technical", "body": samBody, "display": "named"}, 201, &comment)
			id := strconv.FormatInt(comment.Comment.ID, 10)
			editorAPI.do("POST", "/api/v1/comments/"+id+"/moderation", map[string]any{"action": "approve"}, 200, nil)

			// The consultation closes: its closing time is moved to the
			// past, as an editor may, rather than waiting for it.
			editorAPI.do("PATCH", "/api/v1/consultations/"+slug, map[string]any{
				"closes_at": time.Now().UTC().Add(-2 * time.Second).Format(time.RFC3339)}, 200, nil)
			rationale := "Version 2 asks for a password unique to the unit."
			editorAPI.do("PUT", "/api/v1/comments/"+id+"/disposition", map[string]any{"disposition": "accepted", "rationale": rationale}, 200, nil)

			// Version 2 edits recommendation 1.
			editorAPI.do("POST", "/api/v1/documents/"+docSlug+"/versions", map[string]any{"base": 1,
				"body": strings.Replace(v1, first, revised, 1), "note": "Unique per unit"}, 201, nil)

			// A second document stays a draft: it never has an outcome.
			draftSlug := "e2e-unpublished-" + lower
			editorAPI.do("POST", "/api/v1/documents", map[string]any{"slug": draftSlug, "title": "Unpublished notes (" + word + ")",
				"body": "## Notes\n\nNot for publication yet.\n", "note": "Draft"}, 201, nil)

			// The editor publishes version 2 from the document page.
			ed := newBrowser(t, opts...)
			visit(t, ed, base)
			signIn(t, ed, editorEmail, password, editorName)
			visit(t, ed, site+"/documents/"+docSlug)
			checkA11y(t, ed)
			choose(t, ed, "#version", "Version 2 (the newest)")
			follow(t, ed, "press Publish edition 1", chromedp.Click(chromedp.Search(
				`//main//form[@data-testid="publish-form"]//button[normalize-space()="Publish edition 1"]`)))
			requirePath(t, ed, "/outcomes/"+docSlug)
			if got := texts(t, ed, `[data-testid="flash"]`); len(got) != 1 || !strings.Contains(got[0], "Edition 1 published") {
				t.Errorf("after publishing, notices = %q, want one saying Edition 1 published", got)
			}
			checkA11y(t, ed)
			// Even the editor, who may read the draft, finds no outcome of it.
			visitStatus(t, ed, site+"/outcomes/"+draftSlug, 404)
			visit(t, ed, site+"/outcomes")
			signOut(t, ed)

			// A reader not signed in finds the outcome from the navigation.
			reader := ed
			visit(t, reader, base)
			follow(t, reader, "click Outcomes in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Outcomes"]`)))
			requirePath(t, reader, "/outcomes")
			requireHeading(t, reader, "Outcomes")
			checkA11y(t, reader)
			item := `//main//li[@data-testid="outcome"][@data-slug="` + docSlug + `"]`
			if got := xpathTexts(t, reader, item+`//ul[@class="meta"]/li`); len(got) < 3 || got[1] != "Edition 1 of 1" || got[2] != "1 comment from the consultation" {
				t.Errorf("the list describes the outcome as %q, want edition 1 and 1 comment from the consultation", got)
			}
			if got := xpathTexts(t, reader, `//main//li[@data-testid="outcome"][@data-slug="`+draftSlug+`"]`); len(got) != 0 {
				t.Errorf("the draft is listed among outcomes: %q", got)
			}
			follow(t, reader, "open "+title, chromedp.Click(chromedp.Search(item+`//h2/a[normalize-space()="`+title+`"]`)))
			requirePath(t, reader, "/outcomes/"+docSlug)
			requireHeading(t, reader, title)
			checkA11y(t, reader)

			// The traceability of each recommendation.
			panel := func(n string) string { return `[data-testid="trace-panel"][data-recommendation="` + n + `"]` }
			if got := texts(t, reader, panel("1")); len(got) != 1 {
				t.Fatalf("the outcome has %d panels for recommendation 1, want 1", len(got))
			}
			for n, want := range map[string][3]string{
				"1": {"etsi-en-303-645", "ETSI EN 303 645 Cyber Security for Consumer Internet of Things: Baseline Requirements", "C3"},
				"2": {"uk-psti-act-2022", "Product Security and Telecommunications Infrastructure Act 2022", "C5"},
			} {
				links := attrs(t, reader, panel(n)+` [data-testid="rec-policies"] li > a`, "href")
				names := texts(t, reader, panel(n)+` [data-testid="rec-policies"] li > a`)
				if len(links) != 1 || links[0] != "/policies/"+want[0] || names[0] != want[1] {
					t.Errorf("recommendation %s cites %q at %q, want %s at /policies/%s", n, names, links, want[1], want[0])
				}
				items := attrs(t, reader, panel(n)+` [data-testid="rec-items"] li`, "data-code")
				if len(items) != 1 || items[0] != want[2] {
					t.Errorf("recommendation %s addresses %q, want [%s]", n, items, want[2])
				}
			}
			recComments := texts(t, reader, panel("1")+` [data-testid="rec-comments"] > li`)
			if len(recComments) != 1 || !strings.Contains(recComments[0], samBody) || !strings.Contains(recComments[0], "Accepted: "+rationale) {
				t.Errorf("recommendation 1's comments = %q, want Sam's, Accepted with its rationale", recComments)
			}
			if got := attrs(t, reader, panel("1")+` [data-testid="rec-comments"] > li a`, "href"); len(got) != 1 || got[0] != "/consultations/"+slug+"/comments/"+id {
				t.Errorf("recommendation 1's comment links to %q, want [/consultations/%s/comments/%s]", got, slug, id)
			}
			if got := texts(t, reader, panel("2")+` [data-testid="rec-comments"] > li`); len(got) != 0 {
				t.Errorf("recommendation 2 shows comments %q, want none", got)
			}
			if ins := strings.Join(texts(t, reader, panel("1")+" ins"), " "); !strings.Contains(ins, "must") || !strings.Contains(ins, "to the unit") {
				t.Errorf("recommendation 1's redline inserts %q, want the edit of version 2", ins)
			}
			if del := strings.Join(texts(t, reader, panel("1")+" del"), " "); !strings.Contains(del, "should") {
				t.Errorf("recommendation 1's redline deletes %q, want the wording of version 1", del)
			}

			// The consultation record and the citation.
			record := `[data-testid="record"][data-slug="` + slug + `"]`
			if got := texts(t, reader, record+` [data-testid="record-approved"]`); len(got) != 1 || got[0] != "1 approved comment" {
				t.Errorf("the record counts %q, want [1 approved comment]", got)
			}
			if got := texts(t, reader, record+` [data-testid="record-answered"]`); len(got) != 1 || !strings.HasPrefix(got[0], "1 of 1") {
				t.Errorf("the record says %q answered, want 1 of 1", got)
			}
			counted := `//*[@data-testid="record"][@data-slug="` + slug + `"]//table[@data-testid="record-groups"]/tbody/tr[normalize-space(td) != "0"]`
			if got, n := xpathTexts(t, reader, counted+"/th"), xpathTexts(t, reader, counted+"/td"); len(got) != 1 || got[0] != "Civil society" || n[0] != "1" {
				t.Errorf("the record counts comments from the groups %q: %q, want 1 from Civil society", got, n)
			}
			edition := site + "/outcomes/" + docSlug + "/editions/1"
			bib := texts(t, reader, `[data-testid="cite-bibtex"]`)
			if len(bib) != 1 || !strings.HasPrefix(bib[0], "@techreport") || !strings.Contains(bib[0], edition) {
				t.Errorf("the BibTeX is %q, want a @techreport with %s", bib, edition)
			}

			// The downloads, fetched as a browser would save them.
			download := map[string]string{}
			for _, href := range attrs(t, reader, `[data-testid="downloads"] a`, "href") {
				download[filepath.Ext(href)] = href
			}
			for _, ext := range []string{".pdf", ".md", ".html"} {
				if want := "/outcomes/" + docSlug + "/editions/1" + ext; download[ext] != want {
					t.Errorf("the %s download links to %q, want %s", ext, download[ext], want)
				}
			}
			pdf := fetchDownload(t, site+download[".pdf"], "application/pdf")
			pdfPath := filepath.Join(t.TempDir(), docSlug+".pdf")
			if err := os.WriteFile(pdfPath, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdftotext, "-enc", "UTF-8", pdfPath, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext %s: %v\n%s", pdfPath, err, out)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range []string{title, "Recommendation", "Unique passwords", "Vulnerability disclosure", "unique to the unit", greek, "Page 1 of"} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q:\n%s", want, text)
				}
			}
			md := string(fetchDownload(t, site+download[".md"], "text/markdown"))
			if !strings.Contains(md, "/policies/etsi-en-303-645") || !strings.Contains(md, "/policies/uk-psti-act-2022") {
				t.Errorf("the Markdown links no cited policy:\n%s", md)
			}
			page := fetchDownload(t, site+download[".html"], "text/html")
			htmlPath := filepath.Join(t.TempDir(), docSlug+".html")
			if err := os.WriteFile(htmlPath, page, 0o600); err != nil {
				t.Fatal(err)
			}
			openOffline(t, reader, htmlPath, title)

			// The feed announces the edition.
			feed := fetchDownload(t, site+"/outcomes.atom", "application/atom+xml")
			var atom struct {
				Entries []struct {
					Title string `xml:"title"`
					ID    string `xml:"id"`
					Link  struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(feed, &atom); err != nil {
				t.Fatalf("read /outcomes.atom: %v\n%s", err, feed)
			}
			found := false
			for _, e := range atom.Entries {
				if e.Link.Href == edition {
					found = true
					if want := title + " — edition 1"; e.Title != want || e.ID != edition {
						t.Errorf("the feed's entry for %s has title %q and id %q, want %q and the same address", edition, e.Title, e.ID, want)
					}
				}
			}
			if !found {
				t.Errorf("/outcomes.atom has no entry linking to %s:\n%s", edition, feed)
			}

			// A document never published has no outcome page.
			visitStatus(t, reader, site+"/outcomes/"+draftSlug, 404)
			checkA11y(t, reader)
		})
	}
}

// fetchDownload gets a file with Go's client, since the browser does not
// show downloads, and requires a 200 answer of the given media type.
func fetchDownload(t *testing.T, url, mediaType string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("download %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("download %s: %v", url, err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("download %s: status %d, want 200\n%s", url, res.StatusCode, b)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, mediaType) {
		t.Errorf("download %s: Content-Type %q, want %s", url, ct, mediaType)
	}
	return b
}

// openOffline opens a saved HTML file in a new tab of the browser with
// every network request blocked, and requires that the page asked for
// nothing beyond the file itself and shows its title: a self-contained
// page reads the same on a laptop with no connection.
func openOffline(t *testing.T, browser context.Context, path, title string) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	defer cancel()
	page := "file://" + path
	var mu sync.Mutex
	var asked []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request != nil {
			if u := e.Request.URL; u != page && !strings.HasPrefix(u, "data:") {
				mu.Lock()
				asked = append(asked, u)
				mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enable the network domain: %v", err)
	}
	var block []*network.BlockPattern
	for _, scheme := range []string{"http", "https", "ws", "wss"} {
		block = append(block, &network.BlockPattern{URLPattern: scheme + "://*:*/*", Block: true})
	}
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: block}); err != nil {
		t.Fatalf("block the network: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	if got := texts(t, ctx, "h1"); len(got) == 0 || !strings.Contains(got[0], title) {
		t.Errorf("the saved HTML shows the heading %q, want %q", got, title)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 0 {
		t.Errorf("the saved HTML asked for %d resource(s) beyond itself, want none: %q", len(asked), asked)
	}
}
