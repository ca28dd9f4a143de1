package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestE2EResolutionJourney is issue 10's browser journey: two approved
// comments exist on an open consultation on version 1, one written by a
// stakeholder in the browser, one anonymous through the API; the editor
// saves version 2 with the first commented paragraph lightly edited, then
// answers both comments from their pages, one accepted and addressed in
// version 2 at that paragraph, one noted, and replies to the first. While
// version 2 is a draft a reader not signed in sees "addressed in version 2
// (not yet public)" and no link; once the consultation has closed and the
// editor publishes it, the
// resolution table links to the redline of exactly that paragraph. The
// stakeholder then finds the answer, the reply and the link on
// /account/comments, and the table's CSV download has both comments. It
// runs with JavaScript on and off, each with its own accounts, document and
// consultation, and checks every page with axe-core.
func TestE2EResolutionJourney(t *testing.T) {
	requireE2E(t)
	data := t.TempDir()
	base := startServer(t, data)
	site := strings.TrimSuffix(base, "/")
	const password = "a long and unlikely phrase"

	for _, js := range []bool{true, false} {
		mode, opts, word := "javascript on", []browserOption(nil), "Curlew"
		if !js {
			mode, opts, word = "javascript off", []browserOption{withoutJavaScript()}, "Dunlin"
		}
		t.Run(mode, func(t *testing.T) {
			lower := strings.ToLower(word)
			editorEmail, editorName := "editor-"+lower+"@example.org", "Ed "+word
			samEmail, samName := "sam-"+lower+"@example.org", "Sam "+word
			patEmail := "pat-" + lower + "@example.org"
			addUser(t, data, editorEmail, editorName, "editor", password)
			addStakeholder(t, data, samEmail, samName, word+" Consumer Union", "civil-society", "KE", password)
			addStakeholder(t, data, patEmail, "Pat "+word, word+" Devices Ltd", "private-sector", "DE", password)
			editorAPI := apiClient{t: t, site: site, token: createToken(t, data, editorEmail)}
			patAPI := apiClient{t: t, site: site, token: createToken(t, data, patEmail)}

			// Set-up through the API: the document and an open,
			// post-moderated consultation on its version 1.
			docSlug, slug := "e2e-resolve-"+lower, "e2e-resolution-"+lower
			title := "Consultation on support periods (" + word + ")"
			edited := "Manufacturers should state the support period of the " + word + " device at the point of sale."
			v1 := "## Scope\n\nThis recommendation covers consumer devices.\n\n" +
				"## Terms\n\nA support period is the time during which updates are provided.\n\n" +
				"## Rules\n\nThe rules below apply to every device sold.\n\n" +
				"### Passwords\n\nNo universal default passwords, for any " + word + " device.\n\n" +
				"### Updates\n\n" + edited + "\n"
			editorAPI.do("POST", "/api/v1/documents", map[string]any{"slug": docSlug, "title": "Support periods (" + word + ")",
				"summary": "What the group recommends on support periods.", "body": v1, "note": "For consultation"}, 201, nil)
			var doc struct {
				Paragraphs []struct{ ID, Kind, Section, Text string } `json:"paragraphs"`
			}
			editorAPI.do("GET", "/api/v1/documents/"+docSlug+"/versions/1", nil, 200, &doc)
			pidOf := func(text string) string {
				t.Helper()
				for _, p := range doc.Paragraphs {
					if strings.Contains(p.Text, text) {
						return p.ID
					}
				}
				t.Fatalf("version 1 has no paragraph with %q: %+v", text, doc.Paragraphs)
				return ""
			}
			updatesPID, passwordsPID := pidOf("support period of the "+word), pidOf("No universal default passwords")
			now := time.Now().UTC()
			editorAPI.do("POST", "/api/v1/consultations", map[string]any{"slug": slug, "title": title, "document": docSlug, "version": 1,
				"opens_at": now.Add(-time.Minute).Format(time.RFC3339), "closes_at": now.Add(10 * 24 * time.Hour).Format(time.RFC3339),
				"timezone": "Europe/Paris", "introduction": "Tell us about support periods.", "moderation": "post"}, 201, nil)

			// Pat comments anonymously on 3.1 ¶1 through the API.
			const patBody = "Passwords set at the factory should be unique per unit."
			var patComment struct {
				Comment struct{ ID int64 } `json:"comment"`
			}
			patAPI.do("POST", "/api/v1/consultations/"+slug+"/comments", map[string]any{"paragraph": passwordsPID,
				"type": "technical", "body": patBody, "display": "anonymous"}, 201, &patComment)
			if patComment.Comment.ID == 0 {
				t.Fatalf("the API gave no id for Pat's comment")
			}

			// Sam comments on 3.2 ¶1 in the browser, under their name.
			sam := newBrowser(t, opts...)
			visit(t, sam, base)
			signIn(t, sam, samEmail, password, samName)
			samBody := "Say how long, in " + word + " months, not only that updates come."
			commentOnParagraph(t, sam, title, "3.2 ¶1", samBody)
			samPath := location(t, sam).Path
			if want := "/consultations/" + slug + "/paragraphs/" + updatesPID; samPath != want {
				t.Fatalf("Sam commented from %s, want %s", samPath, want)
			}

			// The editor saves version 2, with 3.2 ¶1 lightly edited.
			ed := newBrowser(t, opts...)
			visit(t, ed, base)
			signIn(t, ed, editorEmail, password, editorName)
			visit(t, ed, site+"/documents/"+docSlug)
			checkA11y(t, ed)
			follow(t, ed, "click Edit", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Edit (saves a new version)"]`)))
			requirePath(t, ed, "/documents/"+docSlug+"/edit")
			checkA11y(t, ed)
			revised := "Manufacturers must state the support period of the " + word + " device, in months, at the point of sale."
			setValue(t, ed, "#body", strings.Replace(v1, edited, revised, 1))
			typeInto(t, ed, "#note", "Support period in months")
			follow(t, ed, "press Save version 2", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save version 2"]`)))
			checkA11y(t, ed)

			// The editor answers both comments from their pages.
			answer := func(body, label, rationale string, addressed bool) {
				t.Helper()
				toComments(t, ed, title)
				follow(t, ed, "click Answer on "+body, chromedp.Click(chromedp.Search(
					`//main//article[@data-testid="comment"][.//*[contains(normalize-space(), "`+body+`")]]//a[@data-testid="answer-link"]`)))
				checkA11y(t, ed)
				choose(t, ed, "#f-disposition", label)
				typeInto(t, ed, "#f-rationale", rationale)
				if addressed {
					box := `input[name="addressed"][value="2:` + updatesPID + `"]`
					if got := texts(t, ed, `label[for="`+attr(t, ed, box, "id")+`"]`); len(got) != 1 || !strings.HasPrefix(got[0], "3.2 ¶1: Manufacturers must state") {
						t.Fatalf("the box for %s is labelled %q, want 3.2 ¶1 with its version 2 text", updatesPID, got)
					}
					click(t, ed, `label[for="`+attr(t, ed, box, "id")+`"]`)
				}
				follow(t, ed, "press Save the disposition", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Save the disposition"]`)))
				checkA11y(t, ed)
				if got := texts(t, ed, `[data-testid="disposition-label"]`); len(got) != 1 || got[0] != label {
					t.Errorf("after answering, the disposition shown is %q, want %s", got, label)
				}
			}
			accepted := "Agreed: version 2 asks for the period in months."
			answer(samBody, "Accepted", accepted, true)
			reply := "Thank you, " + word + ": the drafting group took this up."
			typeInto(t, ed, "#f-reply", reply)
			follow(t, ed, "press Send the reply", chromedp.Click(chromedp.Search(`//main//button[normalize-space()="Send the reply"]`)))
			checkA11y(t, ed)
			if got := texts(t, ed, `[data-testid="reply"]`); len(got) != 1 || !strings.Contains(got[0], reply) || !strings.Contains(got[0], editorName) {
				t.Errorf("after replying, replies shown = %q, want the reply under %s", got, editorName)
			}
			noted := "Noted; unique passwords are already required."
			answer(patBody, "Noted", noted, false)

			// Version 2 is a draft: a reader not signed in is told where
			// the comment was addressed, with no link.
			reader := newBrowser(t, opts...)
			toResolution := func() {
				t.Helper()
				visit(t, reader, base)
				follow(t, reader, "click Consultations in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Consultations"]`)))
				follow(t, reader, "open "+title, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="`+title+`"]`)))
				checkA11y(t, reader)
				follow(t, reader, "click Comment resolution table", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Comment resolution table"]`)))
				requirePath(t, reader, "/consultations/"+slug+"/resolution")
				requireHeading(t, reader, "Comment resolution table")
				checkA11y(t, reader)
			}
			row := func(body string) string {
				return `//table[@data-testid="resolution"]//tr[.//*[contains(normalize-space(), "` + body + `")]]`
			}
			toResolution()
			if got := xpathTexts(t, reader, row(samBody)+`/td[@data-testid="addressed"]`); len(got) != 1 || got[0] != "version 2 (not yet public)" {
				t.Errorf("before publishing, Sam's row says %q under Addressed in, want [version 2 (not yet public)]", got)
			}
			if got := xpathTexts(t, reader, row(samBody)+`/td[@data-testid="addressed"]//a`); len(got) != 0 {
				t.Errorf("before publishing, Sam's row links to %q, want no link", got)
			}
			for body, want := range map[string]string{samBody: "Accepted", patBody: "Noted"} {
				if got := xpathTexts(t, reader, row(body)+`/td[@data-testid="disposition"]`); len(got) != 1 || got[0] != want {
					t.Errorf("the row of %q shows disposition %q, want %s", body, got, want)
				}
			}
			follow(t, reader, "open Sam's comment", chromedp.Click(chromedp.Search(row(samBody)+`/th/a`)))
			checkA11y(t, reader)
			if got := texts(t, reader, `[data-testid="addressed"]`); len(got) != 1 || got[0] != "Addressed in version 2 (not yet public)." {
				t.Errorf("before publishing, the comment page says %q, want Addressed in version 2 (not yet public).", got)
			}
			if got := texts(t, reader, `[data-testid="addressed-link"]`); len(got) != 0 {
				t.Errorf("before publishing, the comment page links to %q, want no link", got)
			}

			// The consultation closes (publishing waits for that), and the
			// editor publishes version 2 from the document's page.
			editorAPI.do("PATCH", "/api/v1/consultations/"+slug, map[string]any{
				"closes_at": time.Now().UTC().Add(-2 * time.Second).Format(time.RFC3339)}, 200, nil)
			visit(t, ed, site+"/documents/"+docSlug)
			choose(t, ed, "#version", "Version 2 (the newest)")
			follow(t, ed, "press Publish edition 1", chromedp.Click(chromedp.Search(
				`//main//form[@data-testid="publish-form"]//button[normalize-space()="Publish edition 1"]`)))
			requirePath(t, ed, "/outcomes/"+docSlug)
			checkA11y(t, ed)

			// Now the table links to the redline of exactly 3.2 ¶1.
			toResolution()
			links := attrsX(t, reader, row(samBody)+`/td[@data-testid="addressed"]//a`, "href")
			want := "/documents/" + docSlug + "/diff?from=1&to=2#r-" + updatesPID
			if len(links) != 1 || links[0] != want {
				t.Fatalf("after publishing, Sam's row links to %q, want [%s]", links, want)
			}
			if got := xpathTexts(t, reader, row(patBody)+`/td[@data-testid="addressed"]`); len(got) != 1 || got[0] != "" {
				t.Errorf("Pat's row says %q under Addressed in, want nothing", got)
			}
			csvHref := attr(t, reader, `[data-testid="csv-link"]`, "href")
			follow(t, reader, "follow the addressed-in link", chromedp.Click(chromedp.Search(row(samBody)+`/td[@data-testid="addressed"]//a`)))
			if loc := location(t, reader); loc.RequestURI()+"#"+loc.Fragment != want {
				t.Errorf("the link leads to %s, want %s", loc, want)
			}
			checkA11y(t, reader)
			block := texts(t, reader, "#r-"+updatesPID)
			if len(block) != 1 || !strings.Contains(block[0], "must") || !strings.Contains(block[0], "in months") {
				t.Errorf("redline block #r-%s = %q, want the change to 3.2 ¶1", updatesPID, block)
			}
			if got := texts(t, reader, "#r-"+updatesPID+" ins"); len(got) == 0 {
				t.Errorf("redline block #r-%s marks no insertion", updatesPID)
			}

			// Sam finds the answer among their comments.
			follow(t, sam, "click their name in the header", chromedp.Click(chromedp.CSS(`header .account-links a[href="/account"]`)))
			checkA11y(t, sam)
			follow(t, sam, "click Your comments", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Your comments"]`)))
			requirePath(t, sam, "/account/comments")
			requireHeading(t, sam, "Your comments")
			checkA11y(t, sam)
			answerCell := texts(t, sam, `[data-testid="my-comment-answer"]`)
			if len(answerCell) != 1 {
				t.Fatalf("Sam's comments page has %d answer cells, want 1", len(answerCell))
			}
			for _, s := range []string{"Accepted", accepted, reply, "Addressed in version 2"} {
				if !strings.Contains(answerCell[0], s) {
					t.Errorf("Sam's answer cell = %q, want it to include %q", answerCell[0], s)
				}
			}
			if got := attrs(t, sam, `[data-testid="my-comment-answer"] [data-testid="addressed-link"]`, "href"); len(got) != 1 || got[0] != want {
				t.Errorf("Sam's change link = %q, want [%s]", got, want)
			}

			// The CSV download has both comments with their dispositions.
			rows := fetchCSV(t, site+csvHref)
			byBody := map[string]map[string]string{}
			for _, r := range rows {
				byBody[r["comment"]] = r
			}
			for body, want := range map[string][2]string{samBody: {"accepted", "not anonymous"}, patBody: {"noted", "anonymous"}} {
				r, ok := byBody[body]
				if !ok {
					t.Errorf("resolution.csv has no row for %q: %v", body, rows)
					continue
				}
				if r["disposition"] != want[0] {
					t.Errorf("resolution.csv: %q has disposition %q, want %s", body, r["disposition"], want[0])
				}
				if anon := r["commenter"] == "anonymous"; anon != (want[1] == "anonymous") {
					t.Errorf("resolution.csv: %q has commenter %q, want %s", body, r["commenter"], want[1])
				}
			}
			if r := byBody[samBody]; r["addressed_in"] != "2:"+updatesPID || r["observations"] != accepted {
				t.Errorf("resolution.csv: Sam's row has addressed_in %q and observations %q, want 2:%s and %q", r["addressed_in"], r["observations"], updatesPID, accepted)
			}
		})
	}
}

// addStakeholder creates a stakeholder account with the command line,
// with the stakeholder group and country commenting needs.
func addStakeholder(t *testing.T, data, email, name, org, group, country, password string) {
	t.Helper()
	if out, err := runCLI(t, password+"\n", "user", "add", email, "--name", name, "--organisation", org, "--group", group,
		"--country", country, "--role", "stakeholder", "--password-stdin", "--data", data); err != nil {
		t.Fatalf("accord user add %s: %v\n%s", email, err, out)
	}
}

// createToken makes an API token for an account with the command line.
func createToken(t *testing.T, data, email string) string {
	t.Helper()
	out, err := runCLI(t, "", "token", "create", email, "--data", data)
	if err != nil {
		t.Fatalf("accord token create %s: %v\n%s", email, err, out)
	}
	return strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
}

// apiClient calls the JSON API of a running server with a token.
type apiClient struct {
	t           *testing.T
	site, token string
}

// do sends body as JSON, requires the status want and decodes the answer
// into out when out is not nil.
func (a apiClient) do(method, path string, body any, want int, out any) {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.site+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	if res.StatusCode != want {
		a.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
}

// commentOnParagraph goes from the navigation to the consultation titled
// title, follows its "Comment on LABEL" link and sends a technical comment
// under the commenter's name.
func commentOnParagraph(t *testing.T, ctx context.Context, title, label, body string) {
	t.Helper()
	follow(t, ctx, "click Consultations in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Consultations"]`)))
	checkA11y(t, ctx)
	follow(t, ctx, "open "+title, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="`+title+`"]`)))
	checkA11y(t, ctx)
	follow(t, ctx, "click Comment on "+label, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Comment on `+label+`"]`)))
	requireHeading(t, ctx, label)
	checkA11y(t, ctx)
	click(t, ctx, `label[for="f-type-1"]`)    // Technical
	click(t, ctx, `label[for="f-display-0"]`) // Named
	typeInto(t, ctx, "#f-body", body)
	// A form sent within seconds of being shown is taken for a robot's.
	time.Sleep(3 * time.Second)
	follow(t, ctx, "press Send your comment", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Send your comment"]`)))
	checkA11y(t, ctx)
	if got := texts(t, ctx, `[data-testid="flash"]`); len(got) != 1 {
		t.Errorf("after sending, notices = %q, want one", got)
	}
}

// toComments goes from the navigation to the comments page of the
// consultation titled title.
func toComments(t *testing.T, ctx context.Context, title string) {
	t.Helper()
	follow(t, ctx, "click Consultations in the navigation", chromedp.Click(chromedp.Search(`//nav[@aria-label="Main"]//a[normalize-space()="Consultations"]`)))
	follow(t, ctx, "open "+title, chromedp.Click(chromedp.Search(`//main//a[normalize-space()="`+title+`"]`)))
	follow(t, ctx, "click Read the comments", chromedp.Click(chromedp.Search(`//main//a[normalize-space()="Read the comments, with who commented where"]`)))
	checkA11y(t, ctx)
}

// fetchCSV downloads a CSV file and returns its rows keyed by the header.
func fetchCSV(t *testing.T, url string) []map[string]string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("download %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("download %s: status %d, want 200", url, res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("download %s: Content-Type %q, want text/csv", url, ct)
	}
	recs, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s is empty", url)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		r := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				r[h] = rec[i]
			}
		}
		rows = append(rows, r)
	}
	return rows
}
