package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

// longText is a document of n sections, each with a paragraph.
func longText(n int) string {
	var b strings.Builder
	b.WriteString("# Long\n\nAn opening paragraph.\n\n")
	for i := 1; i <= n; i++ {
		b.WriteString("## Heading " + strconv.Itoa(i) + "\n\nThe group’s text for section " + strconv.Itoa(i) + ".\n\n")
	}
	return b.String()
}

func TestLongDocumentsHaveATableOfContents(t *testing.T) {
	e := newEnv(t)
	d, ctx := e.drafts()
	if _, err := d.Create(ctx, store.Document{Slug: "long", Title: "Long"}, longText(8), "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create(ctx, store.Document{Slug: "short", Title: "Short"}, longText(2), "first"); err != nil {
		t.Fatal(err)
	}
	ed := e.signedIn("editor")
	for _, path := range []string{"/documents/long", "/documents/long/versions/1"} {
		t.Run(path, func(t *testing.T) {
			page := doc(t, ed.get(path))
			links := page.Find(`nav[data-testid="toc"] a`)
			if links.Length() != 8 {
				t.Fatalf("table of contents has %d links, want 8", links.Length())
			}
			// Each entry goes to its heading's anchor in the text.
			links.Each(func(i int, a *goquery.Selection) {
				href, _ := a.Attr("href")
				target := page.Find(`[data-testid="document-body"] ` + href)
				if !strings.HasPrefix(href, "#p-") || target.Length() != 1 || !target.Next().Is("h2") {
					t.Errorf("entry %d links to %q, want the anchor of a section heading", i+1, href)
				}
				if want := "Heading " + strconv.Itoa(i+1); strings.TrimSpace(a.Text()) != want {
					t.Errorf("entry %d reads %q, want %q", i+1, a.Text(), want)
				}
			})
			if got := strings.Join(strings.Fields(page.Find(`nav[data-testid="toc"] li`).First().Text()), " "); got != "1 Heading 1" {
				t.Errorf("first entry reads %q, want its number and title", got)
			}
		})
	}
	for _, path := range []string{"/documents/short", "/documents/short/versions/1"} {
		if n := doc(t, ed.get(path)).Find(`[data-testid="toc"]`).Length(); n != 0 {
			t.Errorf("%s: a short document has a table of contents", path)
		}
	}
}

func TestNumbersStandInTheMargin(t *testing.T) {
	e := newEnv(t)
	d, ctx := e.drafts()
	if _, err := d.Create(ctx, store.Document{Slug: "short", Title: "Short"}, longText(2)+"- an item\n- another\n", "first"); err != nil {
		t.Fatal(err)
	}
	page := doc(t, e.signedIn("editor").get("/documents/short"))
	body := page.Find(`article.numbered-body[data-testid="document-body"]`)
	if body.Length() != 1 {
		t.Fatal("the text is not in a body with margin numbers")
	}
	// Top-level anchors are the body's children, the margin column; each
	// is followed by its block.
	if n := body.ChildrenFiltered("a.para-ref").Length(); n != 6 {
		t.Errorf("%d numbers stand beside top-level blocks, want 6 (the title, 2 headings, 3 paragraphs)", n)
	}
	if n := body.Find("li > a.para-ref:first-child").Length(); n != 2 {
		t.Errorf("%d list items start with their number, want 2", n)
	}
	css := e.client().get("/static/css/site.css").Body.String()
	for _, rule := range []string{".numbered-body > .para-ref { grid-column: 1;", ".numbered-body li > .para-ref { position: absolute;", "@media (max-width: 30rem) {\n  .numbered-body", "@media print {\n  .numbered-body"} {
		if !strings.Contains(css, rule) {
			t.Errorf("the stylesheet lacks %q", rule)
		}
	}
}

func TestDocumentPageLinksOnlyToVersionsTheReaderCanOpen(t *testing.T) {
	e := newEnv(t)
	d, ctx := e.drafts()
	if _, err := d.Create(ctx, store.Document{Slug: "pub", Title: "Pub"}, longText(1), "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Revise(ctx, "pub", 1, longText(2), "second"); err != nil {
		t.Fatal(err)
	}
	ed := e.signedIn("editor")
	wantStatus(t, "publish version 2", publishForm(ed, "pub", "2"), http.StatusSeeOther)
	if _, err := d.Revise(ctx, "pub", 2, longText(3), "third, a draft"); err != nil {
		t.Fatal(err)
	}
	// hrefs lists the links on a page to the document's versions and
	// redlines.
	hrefs := func(c *client, path string) []string {
		t.Helper()
		rec := c.get(path)
		wantStatus(t, path, rec, http.StatusOK)
		var out []string
		doc(t, rec).Find(`main a[href^="/documents/pub/"]`).Each(func(_ int, a *goquery.Selection) {
			h, _ := a.Attr("href")
			out = append(out, h)
		})
		return out
	}
	for _, who := range []struct {
		name string
		c    *client
	}{{"anonymous", e.client()}, {"stakeholder", e.signedIn("stakeholder")}} {
		for _, path := range []string{"/documents/pub", "/documents/pub/versions/2"} {
			links := hrefs(who.c, path)
			if len(links) == 0 {
				t.Fatalf("%s %s: no version links at all", who.name, path)
			}
			for _, h := range links {
				if strings.Contains(h, "versions/1") || strings.Contains(h, "versions/3") || strings.Contains(h, "from=1") || strings.Contains(h, "to=3") {
					t.Errorf("%s %s links to %s, a version they cannot open", who.name, path, h)
				}
				if rec := who.c.get(h); rec.Code != http.StatusOK {
					t.Errorf("%s %s links to %s, which answers %d", who.name, path, h, rec.Code)
				}
			}
		}
	}
	// Members still see every version and every comparison.
	links := strings.Join(hrefs(ed, "/documents/pub/versions/2"), " ")
	for _, want := range []string{"/documents/pub/versions/1", "/documents/pub/versions/3", "/documents/pub/diff?from=1&to=2", "/documents/pub/diff?from=2&to=3"} {
		if !strings.Contains(links, want) {
			t.Errorf("editor: no link to %s among %s", want, links)
		}
	}
}

func TestRedlineHTMLHasCharactersAndCitationTitles(t *testing.T) {
	e := newEnv(t)
	d, ctx := e.drafts()
	v1 := "## Passwords\n\nThe UK's act applies [@uk-psti-act-2022].\n"
	v2 := "## Passwords\n\nThe UK's act applies \"today\" [@uk-psti-act-2022] and so does [@etsi-en-303-645 §5.1-1].\n"
	if _, err := d.Create(ctx, store.Document{Slug: "red", Title: "Red"}, v1, "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Revise(ctx, "red", 1, v2, "second"); err != nil {
		t.Fatal(err)
	}
	rec := e.signedIn("editor").get("/documents/red/diff?from=1&to=2")
	wantStatus(t, "redline", rec, http.StatusOK)
	red, err := doc(t, rec).Find(`[data-testid="redline"]`).Html()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"UK’s", "“today”", "PSTI Act 2022", "ETSI EN 303 645 §5.1-1"} {
		if !strings.Contains(red, want) {
			t.Errorf("redline HTML lacks %q:\n%s", want, red)
		}
	}
	for _, bad := range []string{"&rsquo;", "&amp;rsquo;", "&ldquo;", "[@"} {
		if strings.Contains(rec.Body.String(), bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
}
