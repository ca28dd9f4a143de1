package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

// pageText is a document with an apostrophe the typographer curls and
// citations, consulted and then revised.
const pageText = `Singapore's labelling scheme frames this text.

## Purpose and scope

This text covers consumer IoT devices.

## Recommendations

### Passwords

Devices must not ship with a universal default password [@etsi-en-303-645 §5.1-1] [#C3], as Singapore's scheme asks.

### Updates

Devices must receive security updates [@uk-psti-act-2022] [#C5].
`

var pageRevised = strings.Replace(pageText, "must not ship with a universal", "must never ship with a universal or guessable", 1)

// consultedPage publishes pageRevised after a consultation on pageText.
func consultedPage(t *testing.T) *env {
	e := newEnv(t)
	d, ctx := e.drafts()
	if _, err := d.Create(ctx, store.Document{Slug: "page", Title: "Page outcome", Summary: "A summary."}, pageText, "first"); err != nil {
		t.Fatal(err)
	}
	e.addConsultation("round", "page", time.Hour, 10*24*time.Hour, store.ModerationPre)
	e.advance(11 * 24 * time.Hour)
	if _, err := d.Revise(ctx, "page", 1, pageRevised, "after the consultation"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "publish", publishForm(e.signedIn("editor"), "page", "2"), http.StatusSeeOther)
	return e
}

func TestRedlinesReadAsTheText(t *testing.T) {
	e := consultedPage(t)
	d := doc(t, e.client().get("/outcomes/page"))
	diff := doc(t, e.signedIn("editor").get("/documents/page/diff?from=1&to=2"))
	for name, s := range map[string]*goquery.Selection{
		"recommendation panel": panels(d)["1"].Find(`[data-testid="redline"]`),
		"consultation record":  d.Find(`[data-testid="record"] [data-testid="redline"]`),
		"document diff":        diff.Find(`[data-testid="redline"]`),
	} {
		t.Run(name, func(t *testing.T) {
			txt := strings.Join(strings.Fields(s.Text()), " ")
			if txt == "" {
				t.Fatal("no redline")
			}
			for _, want := range []string{"Singapore’s scheme", "ETSI EN 303 645 §5.1-1", "C3"} {
				if !strings.Contains(txt, want) {
					t.Errorf("got %q, want it to contain %q", txt, want)
				}
			}
			for _, bad := range []string{"&rsquo;", "&amp;", "[@", "[#"} {
				if strings.Contains(txt, bad) {
					t.Errorf("got %q, want no %q", txt, bad)
				}
			}
		})
	}
}

// headingLevels are the levels and texts of a page's headings, in order.
func headingLevels(s *goquery.Selection) (levels []int, texts []string) {
	s.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, h *goquery.Selection) {
		n, _ := strconv.Atoi(goquery.NodeName(h)[1:])
		levels = append(levels, n)
		texts = append(texts, strings.Join(strings.Fields(h.Text()), " "))
	})
	return levels, texts
}

func TestOutcomeHeadingOutline(t *testing.T) {
	e := consultedPage(t)
	d := doc(t, e.client().get("/outcomes/page"))
	levels, texts := headingLevels(d.Find("main"))
	if len(levels) == 0 || levels[0] != 1 {
		t.Fatalf("got headings %v %q, want an h1 first", levels, texts)
	}
	for i := 1; i < len(levels); i++ {
		if levels[i] < 2 || levels[i] > levels[i-1]+1 {
			t.Errorf("heading %q: got h%d after h%d %q, want no skipped level and one h1", texts[i], levels[i], levels[i-1], texts[i-1])
		}
	}
	level := map[string]int{}
	for i, txt := range texts {
		level[txt] = levels[i]
	}
	for txt, want := range map[string]int{
		"Text": 2, "Purpose and scope": 3, "Recommendations": 3, "Passwords": 4, "Updates": 4,
		"Evidence and consultation for Recommendation 1": 5, "Evidence and consultation for Recommendation 2": 5,
		"Policies cited": 6, "Consultation record": 2,
	} {
		if level[txt] != want {
			t.Errorf("heading %q: got h%d, want h%d", txt, level[txt], want)
		}
	}
	// Within "Text", every document heading comes after the section's h2
	// and each panel's heading is one below the heading before it that
	// belongs to the text.
	text := d.Find(`section[aria-labelledby="text-title"]`)
	text.Find(`[data-testid="trace-panel"]`).Each(func(_ int, p *goquery.Selection) {
		own := p.Find("h1, h2, h3, h4, h5, h6").First()
		prev := p.PrevAll().Filter("h1, h2, h3, h4, h5, h6").First()
		if prev.Length() == 0 {
			t.Errorf("panel %s: no document heading before it", p.AttrOr("data-recommendation", ""))
			return
		}
		pl, _ := strconv.Atoi(goquery.NodeName(own)[1:])
		hl, _ := strconv.Atoi(goquery.NodeName(prev)[1:])
		if pl != hl+1 {
			t.Errorf("panel %s: got h%d after the recommendation's h%d, want one level below", p.AttrOr("data-recommendation", ""), pl, hl)
		}
	})
}

func TestParagraphAnchorLabels(t *testing.T) {
	e := consultedPage(t)
	for _, path := range []string{"/outcomes/page", "/documents/page"} {
		t.Run(path, func(t *testing.T) {
			d := doc(t, e.signedIn("editor").get(path))
			var got []string
			d.Find(`[data-testid="document-body"] a.para-ref`).Each(func(_ int, a *goquery.Selection) {
				a.Find(`[aria-hidden="true"]`).Remove()
				got = append(got, strings.Join(strings.Fields(a.Text()), " "))
			})
			want := []string{"Paragraph 1", "Section 1", "Section 1 paragraph 1", "Section 2", "Section 2.1", "Section 2.1 paragraph 1"}
			if len(got) < len(want) || strings.Join(got[:len(want)], "|") != strings.Join(want, "|") {
				t.Errorf("got anchors announced as %q, want them to start %q", got, want)
			}
		})
	}
}

func TestConsultationBlockLabels(t *testing.T) {
	e := consultedPage(t)
	d := doc(t, e.client().get("/consultations/round"))
	var got []string
	d.Find(`[data-testid="block"] .para-label a`).Each(func(_ int, a *goquery.Selection) {
		a.Find(`[aria-hidden="true"]`).Remove()
		got = append(got, strings.Join(strings.Fields(a.Text()), " "))
	})
	want := []string{"Paragraph 1", "Section 1 paragraph 1"}
	if len(got) < len(want) || strings.Join(got[:len(want)], "|") != strings.Join(want, "|") {
		t.Errorf("got blocks announced as %q, want them to start %q", got, want)
	}
}
