package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// recText is a document with two recommendations: sections one level
// below "Recommendations", each citing a policy and a challenge.
const recText = `## 1 Scope

This text covers consumer IoT devices.

## Recommendations

### Passwords

Devices must not ship with a universal default password [@etsi-en-303-645 §5.1-1] [#C3].

### Updates

Devices must receive security updates [@uk-psti-act-2022] [#C5].
`

// recRevised changes the first recommendation after the consultation.
const recRevised = `## 1 Scope

This text covers consumer IoT devices.

## Recommendations

### Passwords

Devices must never ship with a universal or guessable default password [@etsi-en-303-645 §5.1-1] [#C3].

### Updates

Devices must receive security updates [@uk-psti-act-2022] [#C5].
`

// drafts is the drafting path the tests write documents through.
func (e *env) drafts() (content.Drafts, context.Context) {
	return content.Drafts{DB: e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"},
		store.WithActor(context.Background(), store.Actor{Process: "test"})
}

// addRecDocument saves recText as version 1 of slug.
func (e *env) addRecDocument(slug string) store.Version {
	e.t.Helper()
	d, ctx := e.drafts()
	if _, err := d.Create(ctx, store.Document{Slug: slug, Title: "Title of " + slug, Summary: "Summary of " + slug}, recText, "first"); err != nil {
		e.t.Fatal(err)
	}
	v, err := e.db.Version(ctx, slug, 1)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// reviseRec saves recRevised as the next version of slug.
func (e *env) reviseRec(slug string, base int) store.Version {
	e.t.Helper()
	d, ctx := e.drafts()
	v, err := d.Revise(ctx, slug, base, recRevised, "after the consultation")
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// publishForm publishes a version through the document page's form.
func publishForm(c *client, slug, version string) *httptest.ResponseRecorder {
	return c.post("/documents/"+slug+"/publish", url.Values{"version": {version}})
}

// panels are the traceability panels of an outcome page, by number.
func panels(d *goquery.Document) map[string]*goquery.Selection {
	out := map[string]*goquery.Selection{}
	d.Find(`[data-testid="trace-panel"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-recommendation", "")] = s
	})
	return out
}

func attrs(s *goquery.Selection, sel, attr string) []string {
	var out []string
	s.Find(sel).Each(func(_ int, x *goquery.Selection) { out = append(out, x.AttrOr(attr, "")) })
	return out
}

func TestNeverPublishedHasNoOutcome(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"", "stakeholder", "editor", "admin"} {
		c := e.signedIn(who)
		for _, p := range []string{"/outcomes/" + example, "/outcomes/" + example + "/editions/1"} {
			if w := c.get(p); w.Code != http.StatusNotFound {
				t.Errorf("%q GET %s: got %d, want 404", who, p, w.Code)
			}
		}
		d := doc(t, c.get("/outcomes"))
		if d.Find(`[data-testid="empty"]`).Length() != 1 || d.Find(`[data-testid="outcome"]`).Length() != 0 {
			t.Errorf("%q: /outcomes of a site without outcome: got no empty state or a row", who)
		}
	}
	w := e.client().get("/api/v1/outcomes")
	wantStatus(t, "API list", w, http.StatusOK)
	if strings.Contains(w.Body.String(), example) || !strings.Contains(w.Body.String(), `"total":0`) {
		t.Errorf("API list of a site without outcome: got %s", w.Body)
	}
	wantError(t, "API outcome of a draft", e.client().get("/api/v1/outcomes/"+example), http.StatusNotFound, "not_found", "")
}

func TestOutcomeTraceability(t *testing.T) {
	e := newEnv(t)
	editor := e.signedIn("editor")
	wantStatus(t, "publish", publishForm(editor, example, "2"), http.StatusSeeOther)
	v, err := e.db.Version(context.Background(), example, 2)
	if err != nil {
		t.Fatal(err)
	}
	w := e.client().get("/outcomes/" + example)
	wantStatus(t, "outcome page", w, http.StatusOK)
	d := doc(t, w)
	spans := store.Recommendations(v.Paragraphs)
	got := panels(d)
	if len(spans) == 0 || len(got) != len(spans) {
		t.Fatalf("panels: got %d, want %d (one per recommendation)", len(got), len(spans))
	}
	for i, sp := range spans {
		n := itoa(int64(i + 1))
		t.Run("recommendation "+n, func(t *testing.T) {
			panel := got[n]
			if panel == nil {
				t.Fatalf("no panel")
			}
			if h := panel.Find("h1, h2, h3, h4, h5, h6").First().Text(); h != "Evidence and consultation for Recommendation "+n {
				t.Errorf("heading: got %q", h)
			}
			in := map[string]bool{}
			for _, p := range sp.Paragraphs {
				in[p.ID] = true
			}
			var wantPolicies, wantItems []string
			for _, ct := range v.Citations {
				if !in[ct.Paragraph] {
					continue
				}
				switch {
				case ct.Kind == "policy" && !slices.Contains(wantPolicies, ct.Target):
					wantPolicies = append(wantPolicies, ct.Target)
				case ct.Kind == "item" && !slices.Contains(wantItems, ct.Target):
					wantItems = append(wantItems, ct.Target)
				}
			}
			if gotP := attrs(panel, `[data-testid="rec-policies"] > li`, "data-slug"); !slices.Equal(gotP, wantPolicies) {
				t.Errorf("policies: got %v, want %v", gotP, wantPolicies)
			}
			for _, slug := range wantPolicies {
				if panel.Find(`a[href="/policies/`+slug+`"]`).Length() == 0 {
					t.Errorf("policy %s: no link to its page", slug)
				}
			}
			gotI := attrs(panel, `[data-testid="rec-items"] > li`, "data-code")
			slices.Sort(gotI)
			slices.Sort(wantItems)
			if !slices.Equal(gotI, wantItems) {
				t.Errorf("items: got %v, want %v", gotI, wantItems)
			}
		})
	}
	if d.Find(`[data-testid="consultation-record"]`).Length() != 0 {
		t.Errorf("an outcome without consultation shows a consultation record")
	}
	if n := d.Find(`[data-testid="downloads"] a[href="/outcomes/` + example + `/editions/1.pdf"]`).Length(); n != 1 {
		t.Errorf("PDF download of edition 1: got %d links, want 1", n)
	}

	t.Run("cite", func(t *testing.T) {
		bib := d.Find(`[data-testid="cite-bibtex"]`).Text()
		if !strings.HasPrefix(bib, "@techreport{") || !strings.Contains(bib, "/outcomes/"+example+"/editions/1}") ||
			!strings.Contains(bib, "note = {Edition 1}") {
			t.Errorf("BibTeX: got %q, want @techreport with the edition URL and note", bib)
		}
		var csl []map[string]any
		if err := json.Unmarshal([]byte(d.Find(`[data-testid="cite-csl"]`).Text()), &csl); err != nil || len(csl) != 1 || csl[0]["type"] != "report" {
			t.Errorf("CSL-JSON: got %v (%v), want one report", csl, err)
		}
	})
	t.Run("JSON-LD and Open Graph", func(t *testing.T) {
		var ld map[string]any
		if err := json.Unmarshal([]byte(d.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
			t.Fatalf("JSON-LD: %v", err)
		}
		if ld["@type"] != "Report" || ld["name"] == "" || !strings.HasSuffix(ld["url"].(string), "/outcomes/"+example+"/editions/1") {
			t.Errorf("JSON-LD: got %v, want a Report with the edition URL", ld)
		}
		if og := d.Find(`meta[property="og:type"]`).AttrOr("content", ""); og != "article" {
			t.Errorf("og:type: got %q, want article", og)
		}
	})
	t.Run("caching", func(t *testing.T) {
		if cc := editor.get("/outcomes/" + example).Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("signed-in reader: got Cache-Control %q, want no-store", cc)
		}
	})
	t.Run("canonical on the document page", func(t *testing.T) {
		for _, c := range []*client{e.client(), editor} {
			dd := doc(t, c.get("/documents/"+example))
			if href := dd.Find(`link[rel="canonical"]`).AttrOr("href", ""); !strings.HasSuffix(href, "/outcomes/"+example) || !strings.HasPrefix(href, "http") {
				t.Errorf("canonical: got %q, want the absolute outcome URL", href)
			}
			if dd.Find(`[data-testid="outcome-link"] a[href="/outcomes/`+example+`"]`).Length() != 1 {
				t.Errorf("document page: no link to its outcome")
			}
		}
	})
	t.Run("list", func(t *testing.T) {
		ld := doc(t, e.client().get("/outcomes"))
		row := ld.Find(`[data-testid="outcome"]`)
		if row.Length() != 1 || row.AttrOr("data-slug", "") != example {
			t.Fatalf("/outcomes: got %d rows, want the example", row.Length())
		}
		for _, want := range []string{"Edition 1 of 1", "Published without a public consultation"} {
			if !strings.Contains(row.Text(), want) {
				t.Errorf("/outcomes row: no %q in %q", want, row.Text())
			}
		}
		if ld.Find(`nav a[href="/outcomes"]`).Length() == 0 {
			t.Errorf("navigation: no link to Outcomes")
		}
	})
}

// consultedOutcome is a document with recommendations consulted on,
// commented, answered, revised and published as edition 1.
func consultedOutcome(t *testing.T) (*env, []store.Comment) {
	e := newEnv(t)
	v := e.addRecDocument("rec")
	e.addConsultation("round", "rec", time.Hour, 10*24*time.Hour, store.ModerationPre)
	e.advance(2 * time.Hour)
	spans := store.Recommendations(v.Paragraphs)
	if len(spans) != 2 {
		t.Fatalf("recommendations of recText: got %d, want 2", len(spans))
	}
	_, ctx := e.commenter("ada@example.org", "Ada", "Org", "civil-society", "KE", true)
	_, ctx2 := e.commenter("ben@example.org", "Ben", "Firm", "private-sector", "FR", true)
	var ms []store.Comment
	for _, n := range []struct {
		ctx  context.Context
		para string
		body string
	}{{ctx, spans[0].Paragraphs[1].ID, "Also forbid guessable passwords."}, {ctx2, spans[0].Paragraphs[1].ID, "Fine as it is."},
		{ctx2, spans[1].Paragraphs[1].ID, "Say for how long."}} {
		m := e.comment(n.ctx, store.NewComment{Consultation: "round", Paragraph: n.para, Type: "technical", Body: n.body})
		e.moderate(m.ID, store.ModerateApprove)
		ms = append(ms, m)
	}
	dctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	if _, err := e.db.SetDisposition(dctx, ms[0].ID, store.Disposition{Value: store.DispositionAccepted,
		Rationale: "We added guessable passwords.", RationaleHTML: "<p>We added guessable passwords.</p>"}, nil); err != nil {
		t.Fatal(err)
	}
	e.advance(10 * 24 * time.Hour)
	e.reviseRec("rec", 1)
	wantStatus(t, "publish", publishForm(e.signedIn("editor"), "rec", "2"), http.StatusSeeOther)
	return e, ms
}

func TestOutcomeConsultationRecord(t *testing.T) {
	e, ms := consultedOutcome(t)
	d := doc(t, e.client().get("/outcomes/rec"))
	got := panels(d)
	if len(got) != 2 {
		t.Fatalf("panels: got %d, want 2", len(got))
	}
	first := got["1"]
	if hrefs := attrs(first, `[data-testid="rec-comments"] a`, "href"); !slices.Equal(hrefs,
		[]string{commentPathIn("round", ms[0]), commentPathIn("round", ms[1])}) {
		t.Errorf("recommendation 1 comments: got %v, want the two comments on its text", hrefs)
	}
	if txt := first.Find(`[data-testid="rec-comments"]`).Text(); !strings.Contains(txt, "Accepted") || !strings.Contains(txt, "We added guessable passwords.") ||
		!strings.Contains(txt, "Civil society") {
		t.Errorf("recommendation 1 comments: no disposition, rationale or group in %q", txt)
	}
	if first.Find(`[data-testid="redline"] ins`).Length() == 0 {
		t.Errorf("recommendation 1: no redline with insertions")
	}
	if hrefs := attrs(got["2"], `[data-testid="rec-comments"] a`, "href"); !slices.Equal(hrefs, []string{commentPathIn("round", ms[2])}) {
		t.Errorf("recommendation 2 comments: got %v", hrefs)
	}
	rec := d.Find(`[data-testid="record"][data-slug="round"]`)
	if rec.Length() != 1 {
		t.Fatalf("consultation record: got %d, want 1", rec.Length())
	}
	if a := rec.Find(`[data-testid="record-approved"]`).Text(); !strings.Contains(a, "3 approved comments") {
		t.Errorf("record: got %q, want 3 approved comments", a)
	}
	if a := rec.Find(`[data-testid="record-answered"]`).Text(); !strings.Contains(a, "1 of 3") {
		t.Errorf("record answered: got %q, want 1 of 3", a)
	}
	for _, href := range []string{"/consultations/round/resolution", "/consultations/round/resolution.csv"} {
		if rec.Find(`a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("record: no link to %s", href)
		}
	}
	if rec.Find(`details [data-testid="redline"]`).Length() != 1 || rec.Find(`a[href*="/diff"]`).Length() != 0 {
		t.Errorf("record: want the whole redline inline in <details>, no link to the document diff")
	}
	if rec.Find(`[data-testid="record-countries"] th[scope="row"]`).Length() != 2 {
		t.Errorf("record: want two countries")
	}
	row := doc(t, e.client().get("/outcomes")).Find(`[data-testid="outcome"]`)
	if !strings.Contains(row.Text(), "3 comments from the consultation") {
		t.Errorf("/outcomes row: got %q, want 3 comments from the consultation", row.Text())
	}
}

func commentPathIn(slug string, m store.Comment) string {
	return "/consultations/" + slug + "/comments/" + itoa(m.ID)
}

func TestSecondEdition(t *testing.T) {
	e := newEnv(t)
	e.addRecDocument("two")
	editor := e.signedIn("editor")
	wantStatus(t, "publish edition 1", publishForm(editor, "two", "1"), http.StatusSeeOther)
	e.reviseRec("two", 1)
	wantStatus(t, "publish edition 2", publishForm(editor, "two", "2"), http.StatusSeeOther)
	pub := e.client()
	old := doc(t, pub.get("/outcomes/two/editions/1"))
	notice := old.Find(`[data-testid="newer-edition"]`)
	if notice.Length() != 1 || notice.Find(`a[href="/outcomes/two/editions/2"]`).Length() != 1 {
		t.Errorf("edition 1: no notice linking to edition 2")
	}
	body := old.Find(`[data-testid="document-body"]`).Text()
	if !strings.Contains(body, "universal default password") || strings.Contains(body, "guessable") {
		t.Errorf("edition 1: want its own text (version 1), got %q", body)
	}
	cur := doc(t, pub.get("/outcomes/two"))
	if cur.Find(`[data-testid="newer-edition"]`).Length() != 0 {
		t.Errorf("current edition: shows a newer-edition notice")
	}
	if !strings.Contains(cur.Find(`[data-testid="document-body"]`).Text(), "guessable") {
		t.Errorf("current edition: want version 2's text")
	}
	if ed := cur.Find(`[data-testid="edition"]`).Text(); !strings.Contains(ed, "Edition 2 of 2") {
		t.Errorf("current edition: got %q, want Edition 2 of 2", ed)
	}
	if n := cur.Find(`[data-testid="editions"] li`).Length(); n != 2 {
		t.Errorf("editions list: got %d, want 2", n)
	}
	if w := pub.get("/outcomes/two/editions/3"); w.Code != http.StatusNotFound {
		t.Errorf("edition 3: got %d, want 404", w.Code)
	}
	// Archived: the outcome stays, marked.
	if err := e.db.SetDocumentStatus(context.Background(), "two", store.StatusArchived); err != nil {
		t.Fatal(err)
	}
	if doc(t, pub.get("/outcomes/two")).Find(`[data-testid="archived"]`).Length() != 1 {
		t.Errorf("archived outcome: no archived notice")
	}
	if !strings.Contains(doc(t, pub.get("/outcomes")).Find(`[data-testid="outcome"]`).Text(), "Archived") {
		t.Errorf("/outcomes: no archived marker")
	}
}
