package web_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/ledongthuc/pdf"
)

const outcomeText = `# Securing consumer IoT

## Scope

This report covers consumer devices. ![A diagram of the scope](https://images.example/scope.png)

## Recommendations

### Ban universal default passwords

Governments should require unique passwords, as [@uk-psti-act-2022] does, to meet [#C1].

- Each device gets a unique password.

### Publish a vulnerability disclosure policy

Manufacturers should say how to report issues, following [@etsi-ts-103-701].
`

// publishOutcome saves a document with outcomeText and publishes version 1.
func (e *env) publishOutcome(slug string) store.Edition {
	e.t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	d := content.Drafts{DB: e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	if _, err := d.Create(ctx, store.Document{Slug: slug, Title: "Securing consumer IoT", Summary: "Two things to do now."}, outcomeText, "first"); err != nil {
		e.t.Fatal(err)
	}
	ed, err := e.db.Publish(ctx, slug, 1)
	if err != nil {
		e.t.Fatalf("publish %s: %v", slug, err)
	}
	return ed
}

func TestOutcomeDownloads(t *testing.T) {
	e := newEnv(t)
	e.publishOutcome("iot")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	d := content.Drafts{DB: e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	if _, err := d.Create(ctx, store.Document{Slug: "draft-only", Title: "Draft"}, outcomeText, "first"); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	for _, tc := range []struct{ path, ctype, file string }{
		{"/outcomes/iot.md", "text/markdown; charset=utf-8", "iot-edition-1.md"},
		{"/outcomes/iot.html", "text/html; charset=utf-8", "iot-edition-1.html"},
		{"/outcomes/iot.pdf", "application/pdf", "iot-edition-1.pdf"},
		{"/outcomes/iot/editions/1.pdf", "application/pdf", "iot-edition-1.pdf"},
		{"/outcomes/iot/editions/1.md", "text/markdown; charset=utf-8", "iot-edition-1.md"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := anon.get(tc.path)
			wantStatus(t, tc.path, w, http.StatusOK)
			if got := w.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("got Content-Type %q, want %q", got, tc.ctype)
			}
			if got, want := w.Header().Get("Content-Disposition"), `attachment; filename="`+tc.file+`"`; got != want {
				t.Errorf("got Content-Disposition %q, want %q", got, want)
			}
			if got := w.Header().Get("Cache-Control"); !strings.HasPrefix(got, "public") {
				t.Errorf("got Cache-Control %q for an anonymous reader, want public", got)
			}
		})
	}
	for _, path := range []string{"/outcomes/iot/editions/2.pdf", "/outcomes/iot/editions/2.md", "/outcomes/iot/editions/2.html"} {
		wantStatus(t, path, anon.get(path), http.StatusNotFound)
	}
	for _, f := range []string{"md", "html", "pdf"} {
		wantStatus(t, "draft ."+f, anon.get("/outcomes/draft-only."+f), http.StatusNotFound)
		wantStatus(t, "draft ."+f+" to an editor", e.signedIn("editor").get("/outcomes/draft-only."+f), http.StatusNotFound)
	}

	t.Run("markdown resolves citations to links", func(t *testing.T) {
		body := anon.get("/outcomes/iot.md").Body.String()
		for _, want := range []string{"- Stable URL: <http://example.com/outcomes/iot/editions/1>",
			"[Product Security and Telecommunications Infrastructure Act 2022](http://example.com/policies/uk-psti-act-2022)",
			"as [PSTI Act 2022](http://example.com/policies/uk-psti-act-2022) does, to meet [C1](http://example.com/frameworks/dc-isss-iot/items/C1).",
			"## Executive summary\n\nTwo things to do now.\n\n## Text\n\n## 1 Scope\n",
			"## 2 Recommendations\n\n### 2.1 Ban universal default passwords\n", "### 2.2 Publish a vulnerability disclosure policy\n"} {
			if !strings.Contains(body, want) {
				t.Errorf("the Markdown lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "[@uk-psti-act-2022]") {
			t.Error("a citation is left as written")
		}
	})

	t.Run("html is self-contained", func(t *testing.T) {
		w := anon.get("/outcomes/iot.html")
		if got := w.Header().Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'none'") || !strings.Contains(got, "style-src 'unsafe-inline'") {
			t.Errorf("got CSP %q, want one that allows the inline style and nothing else", got)
		}
		checkSelfContained(t, w.Body.Bytes())
		d := doc(t, w)
		if got := d.Find("h1").Length(); got != 1 {
			t.Errorf("got %d h1, want 1", got)
		}
		if got := d.Find(".text .para-ref").First().Text(); got != "1" {
			t.Errorf("got first paragraph anchor %q, want the first section's number (the title's own left out)", got)
		}
		var heads []string
		d.Find("main h2, .text h3").Each(func(_ int, s *goquery.Selection) { heads = append(heads, s.Text()) })
		if got, want := strings.Join(heads, "|"), "Executive summary|Text|1 Scope|2 Recommendations|2.1 Ban universal default passwords|2.2 Publish a vulnerability disclosure policy|Traceability|Consultation record"; got != want {
			t.Errorf("got headings %q, want %q", got, want)
		}
		if id, _ := d.Find(".text h3 .secnum").First().Attr("id"); !strings.HasPrefix(id, "p-") {
			t.Errorf("got the numbered heading's anchor id %q, want the paragraph's", id)
		}
		if got := d.Find(".summary").Text(); strings.Contains(got, "This report covers") {
			t.Errorf("the executive summary holds the text: %q", got)
		}
		if !strings.Contains(d.Find(".text").Text(), "A diagram of the scope") {
			t.Error("the image's text is lost")
		}
		trace := d.Find("section.trace").First()
		if !strings.Contains(trace.Text(), "Product Security and Telecommunications Infrastructure Act 2022") || !strings.Contains(trace.Text(), "United Kingdom") {
			t.Errorf("the first recommendation's traceability lacks its policy and jurisdiction: %q", trace.Text())
		}
		if href, _ := d.Find(`.text a.cite`).First().Attr("href"); !strings.HasPrefix(href, "http://example.com/policies/") {
			t.Errorf("got citation link %q, want an absolute URL", href)
		}
	})

	t.Run("pdf has the text and the outline", func(t *testing.T) {
		b := anon.get("/outcomes/iot.pdf").Body.Bytes()
		r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("the PDF does not parse: %v", err)
		}
		tr, err := r.GetPlainText()
		if err != nil {
			t.Fatal(err)
		}
		var text bytes.Buffer
		text.ReadFrom(tr)
		for _, want := range []string{"Securing consumer IoT", "Governments should require unique passwords", "Traceability of Recommendation 1", "Consultation record"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("the PDF text lacks %q", want)
			}
		}
		// Each recommendation's traceability follows its own section.
		first, second := strings.Index(text.String(), "Traceability of Recommendation 1"), strings.Index(text.String(), "Publish a vulnerability disclosure policy")
		if first < 0 || second < 0 || first > second {
			t.Errorf("the first recommendation's traceability (at %d) does not come before the second recommendation (at %d)", first, second)
		}
		var titles []string
		var walk func(o pdf.Outline)
		walk = func(o pdf.Outline) {
			titles = append(titles, o.Title)
			for _, c := range o.Child {
				walk(c)
			}
		}
		walk(r.Outline())
		if got := strings.Join(titles, "|"); !strings.Contains(got, "Securing consumer IoT|Executive summary|Text|1 Scope|2 Recommendations|2.1 Ban universal default passwords") {
			t.Errorf("got outline %q", got)
		}
	})

	t.Run("etag and 304", func(t *testing.T) {
		for _, path := range []string{"/outcomes/iot.pdf", "/outcomes/iot/editions/1.html"} {
			w := anon.get(path)
			etag := w.Header().Get("ETag")
			if !strings.HasPrefix(etag, `"`) {
				t.Fatalf("%s: got ETag %q, want a strong one", path, etag)
			}
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("If-None-Match", etag)
			w2 := anon.do(req)
			wantStatus(t, path+" revalidated", w2, http.StatusNotModified)
			if w2.Body.Len() != 0 {
				t.Errorf("%s: a 304 with a body", path)
			}
		}
		md, pdfTag := anon.get("/outcomes/iot.md").Header().Get("ETag"), anon.get("/outcomes/iot.pdf").Header().Get("ETag")
		if md == pdfTag {
			t.Errorf("got the same ETag %q for two formats", md)
		}
	})

	t.Run("signed-in readers get no-store", func(t *testing.T) {
		w := e.signedIn("editor").get("/outcomes/iot.pdf")
		wantStatus(t, "signed-in pdf", w, http.StatusOK)
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("got Cache-Control %q, want no-store", got)
		}
		if got := w.Header().Get("ETag"); got != "" {
			t.Errorf("got ETag %q for a signed-in reader, want none", got)
		}
	})
}

// TestOutcomeDownloadsRecord: every download carries the consultation
// record as the edition's page shows it: citations labelled alike, each
// recommendation's comments with their answers, countries by name, the
// resolution table and the redline from the consulted version.
func TestOutcomeDownloadsRecord(t *testing.T) {
	e, ms := consultedOutcome(t)
	anon := e.client()
	page := doc(t, anon.get("/outcomes/rec"))
	var labels []string
	page.Find(`[data-testid="document-body"] a.cite`).Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.Text()) })
	if len(labels) != 4 {
		t.Fatalf("got %d citations on the page, want 4", len(labels))
	}
	var countries []string
	page.Find(`[data-testid="record-countries"] th[scope="row"]`).Each(func(_ int, s *goquery.Selection) { countries = append(countries, s.Text()) })
	if len(countries) != 2 || countries[0] == "KE" || countries[0] == "FR" {
		t.Fatalf("got countries %q on the page, want two names", countries)
	}
	comment := "http://example.com" + commentPathIn("round", ms[0])
	record := "http://example.com/outcomes/rec/editions/1#record-round"
	resolution := "http://example.com/consultations/round/resolution"

	t.Run("markdown", func(t *testing.T) {
		md := anon.get("/outcomes/rec.md").Body.String()
		for _, l := range labels {
			if !strings.Contains(md, "["+l+"](") {
				t.Errorf("the Markdown does not label a citation %q as the page does:\n%s", l, md)
			}
		}
		want := []string{"[Comment on 2.1 ¶1](" + comment + ") (Civil society, " + countries[1] + ", technical): Also forbid guessable passwords.\n    Accepted: We added guessable passwords.",
			"Not answered when the edition was published.", "- Resolution table: <" + resolution + ">", "shown on the edition's page: <" + record + ">",
			"~~not~~", "**never**", "- By country: " + countries[0] + " 2, " + countries[1] + " 1\n"}
		for _, w := range want {
			if !strings.Contains(md, w) {
				t.Errorf("the Markdown lacks %q:\n%s", w, md)
			}
		}
	})

	t.Run("html", func(t *testing.T) {
		d := doc(t, anon.get("/outcomes/rec.html"))
		traces := d.Find("section.trace")
		first, second := traces.Eq(0), traces.Eq(1)
		if n := first.Find("ul.comments > li").Length(); n != 2 {
			t.Errorf("got %d comments on recommendation 1, want 2", n)
		}
		if href, _ := first.Find("ul.comments a").First().Attr("href"); href != comment {
			t.Errorf("got comment link %q, want %q", href, comment)
		}
		if txt := first.Text(); !strings.Contains(txt, "Accepted: We added guessable passwords.") || !strings.Contains(txt, countries[1]) {
			t.Errorf("recommendation 1 lacks the answer or the country: %q", txt)
		}
		if txt := second.Find("p").First().Text(); !strings.Contains(txt, "1 comment (") {
			t.Errorf("got %q, want one comment counted in the singular", txt)
		}
		if txt := d.Find("section[aria-labelledby=record]").Text(); !strings.Contains(txt, countries[0]) || strings.Contains(txt, "KE") {
			t.Errorf("the record names no country: %q", txt)
		}
		for _, href := range []string{record, resolution} {
			if d.Find(`a[href="`+href+`"]`).Length() == 0 {
				t.Errorf("no link to %s", href)
			}
		}
		if d.Find("p.redline del").Length() == 0 || d.Find("p.redline ins").Length() == 0 {
			t.Error("the redline has no deletion or insertion")
		}
	})

	t.Run("pdf", func(t *testing.T) {
		b := anon.get("/outcomes/rec.pdf").Body.Bytes()
		r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("the PDF does not parse: %v", err)
		}
		tr, err := r.GetPlainText()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(tr)
		text := buf.String()
		for _, want := range []string{"Comments by stakeholder group:", "Civil society: 1", "Comments by country:", countries[0] + ": 2", countries[1] + ": 1",
			"Comment on 2.1", "Accepted: We", "edition's page", "2.1 Passwords"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF text lacks %q", want)
			}
		}
		if strings.Contains(text, "cannot show") {
			t.Error("a PDF that shows all its text says it cannot")
		}
	})
}

// remoteURL finds a URL the browser would fetch by itself.
var remoteURL = regexp.MustCompile(`(?i)url\(\s*['"]?(https?:)?//`)

// checkSelfContained fails when an HTML file would make any request when
// opened: a stylesheet, script, image, frame, media or font from anywhere.
func checkSelfContained(t *testing.T, b []byte) {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Find("link").Length(); n > 0 {
		t.Errorf("got %d <link> elements, want none", n)
	}
	d.Find("[src], [srcset], object, embed, iframe, video, audio, source, base").Each(func(_ int, s *goquery.Selection) {
		h, _ := goquery.OuterHtml(s)
		t.Errorf("an element that loads something: %s", h)
	})
	if n := d.Find("script").Length(); n > 0 {
		t.Errorf("got %d scripts, want none", n)
	}
	d.Find("style").Each(func(_ int, s *goquery.Selection) {
		if remoteURL.MatchString(s.Text()) || strings.Contains(s.Text(), "@import") {
			t.Errorf("the stylesheet loads something: %q", s.Text())
		}
	})
	d.Find("[style]").Each(func(_ int, s *goquery.Selection) {
		if v, _ := s.Attr("style"); remoteURL.MatchString(v) {
			t.Errorf("an inline style loads something: %q", v)
		}
	})
	if d.Find("style").Length() != 1 {
		t.Error("the file has no inline stylesheet")
	}
}

func TestOutcomesFeed(t *testing.T) {
	e := newEnv(t)
	e.publishOutcome("first")
	e.advance(24 * time.Hour)
	e.publishOutcome("second")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	d := content.Drafts{DB: e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	if _, err := d.Revise(ctx, "first", 1, outcomeText+"\nA typo fixed.\n", "fix"); err != nil {
		t.Fatal(err)
	}
	e.advance(24 * time.Hour)
	if _, err := e.db.Publish(ctx, "first", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create(ctx, store.Document{Slug: "secret-draft", Title: "Secret draft"}, outcomeText, "first"); err != nil {
		t.Fatal(err)
	}
	w := e.client().get("/outcomes.atom")
	wantStatus(t, "feed", w, http.StatusOK)
	if got := w.Header().Get("Content-Type"); got != "application/atom+xml; charset=utf-8" {
		t.Errorf("got Content-Type %q", got)
	}
	var feed struct {
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Summary string `xml:"summary"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &feed); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range feed.Entries {
		got = append(got, en.ID)
		if en.Link.Href != en.ID {
			t.Errorf("entry %s links to %s, want its edition page", en.ID, en.Link.Href)
		}
	}
	want := []string{"http://example.com/outcomes/first/editions/2", "http://example.com/outcomes/second/editions/1",
		"http://example.com/outcomes/first/editions/1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got entries %q, want %q", got, want)
	}
	if len(feed.Entries) > 0 {
		if en := feed.Entries[0]; en.Title != "Securing consumer IoT — edition 2" || en.Summary != "Two things to do now." {
			t.Errorf("got first entry %q / %q", en.Title, en.Summary)
		}
	}
	if strings.Contains(w.Body.String(), "secret-draft") {
		t.Error("the feed shows a draft")
	}
	if doc(t, e.client().get("/")).Find(`link[rel="alternate"][type="application/atom+xml"][href="/outcomes.atom"]`).Length() != 1 {
		t.Error("pages do not point feed readers to the outcomes feed")
	}
}
