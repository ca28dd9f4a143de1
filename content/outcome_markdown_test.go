package content

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/yuin/goldmark"
)

func TestOutcomeMarkdown(t *testing.T) {
	src := "# IoT security\n\n## Recommendations\n\n### Ban default passwords\n\n" +
		"Follow [@eu-cra] and [@etsi-en-303-645 §5.1-1] to meet [#C1]. Unknown [@nowhere] stays.\n\n" +
		"Code `[@eu-cra]` stays code.\n"
	in := OutcomeText{
		Slug: "iot", Title: "IoT security", Edition: 2, Version: 3, Date: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC),
		URL: "https://a.example/outcomes/iot/editions/2", Group: "DC-ISSS", Summary: "What we recommend.",
		Source: src, Site: "https://a.example", Framework: "dc-isss-iot",
		Policies:  map[string]string{"eu-cra": "Cyber Resilience Act", "etsi-en-303-645": "ETSI EN 303 645"},
		Items:     map[string]string{"C1": "Default passwords"},
		Countries: map[string]string{"BR": "Brazil", "DE": "Germany"},
		PolicyURL: func(slug, ref string) string {
			if ref != "" {
				return "https://a.example/policies/" + slug + "#prov-" + ref
			}
			return "https://a.example/policies/" + slug
		},
		ItemURL: func(fw, code string) string { return "https://a.example/frameworks/" + fw + "/items/" + code },
		CommentURL: func(k string, id int64) string {
			return fmt.Sprintf("https://a.example/consultations/%s/comments/%d", k, id)
		},
		ResolutionURL: func(k string) string { return "https://a.example/consultations/" + k + "/resolution" },
		RecordURL:     func(k string) string { return "https://a.example/outcomes/iot/editions/2#record-" + k },
		Redlines: map[string]Redline{"iot-2026": {From: 1, To: 3, Changed: 1, Blocks: []RedBlock{
			{Label: "1.1 ¶1", Status: Changed, Parts: []Part{{Text: "Follow "}, {Op: -1, Text: "the old "}, {Op: 1, Text: "the new "}, {Text: "rule."}}},
			{Label: "1 ¶1", Status: Unchanged, Parts: []Part{{Text: "Same."}}}}}},
		Record: store.Record{
			Recommendations: []store.Recommendation{{Number: 1, Label: "1.1", Title: "Ban default passwords",
				Policies: []store.CitedPolicy{{Slug: "eu-cra", Title: "Cyber Resilience Act", Type: "regulation", Status: "in-force",
					Jurisdictions: []store.JurisdictionAt{{Code: "EU", Name: "European Union"}}}},
				Items:  []store.CitedItem{{Framework: "dc-isss-iot", Code: "C1", Title: "Default passwords"}},
				Mapped: []store.MappedItem{{Framework: "dc-isss-iot", Code: "C4", Title: "Updates", Reviewed: true}},
				Comments: []store.RecordComment{
					{ID: 7, Consultation: "iot-2026", Label: "1.1 ¶1", Group: "academia", Country: "BR", Type: "technical",
						Excerpt: "Too strict.", Disposition: "accepted", Rationale: "We narrowed it.", Copies: 1},
					{ID: 8, Consultation: "iot-2026", Label: "1.1 ¶1", Group: "government", Excerpt: "Why?", Copies: 3}},
				CommentTotal: 6, Consultation: "iot-2026"}},
			Consultations: []store.ConsultationRecord{{Slug: "iot-2026", Title: "IoT consultation", Version: 1, Timezone: "UTC",
				OpensAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
				Stats: store.CommentStats{Approved: 4, Answered: 1, ByGroup: map[string]int{"academia": 3, "government": 1, "other": 0},
					ByCountry: []store.CountryCount{{Country: "BR", Count: 2}, {Country: "DE", Count: 1}}}}},
		},
	}
	got := NewMarkdown().OutcomeMarkdown(in)
	for _, want := range []string{
		"# IoT security\n\n- Edition: 2\n- Published: 4 May 2026\n- Published by: DC-ISSS\n- Stable URL: <https://a.example/outcomes/iot/editions/2>",
		"## Executive summary\n\nWhat we recommend.\n\n## Text\n\n## 1 Recommendations\n\n### 1.1 Ban default passwords\n",
		"Follow [Cyber Resilience Act](https://a.example/policies/eu-cra) and [ETSI EN 303 645 §5.1-1](https://a.example/policies/etsi-en-303-645#prov-5.1-1) to meet [C1](https://a.example/frameworks/dc-isss-iot/items/C1).",
		"Unknown [@nowhere] stays.",
		"Code `[@eu-cra]` stays code.",
		"### Recommendation 1 (1.1): Ban default passwords",
		"- Policy cited: [Cyber Resilience Act](https://a.example/policies/eu-cra) (Regulation, in force, European Union)",
		"- Addresses: [C1 Default passwords](https://a.example/frameworks/dc-isss-iot/items/C1)",
		"(reviewed mapping)",
		"- Comments on it: 6 (not yet answered 3, accepted 1)",
		"  - [Comment on 1.1 ¶1](https://a.example/consultations/iot-2026/comments/7) (Academia, Brazil, technical): Too strict.\n    Accepted: We narrowed it.\n",
		"(Government, and 2 near-identical comments): Why?\n    Not answered when the edition was published.\n",
		"  - 2 of 6 comments shown; the [resolution table](https://a.example/consultations/iot-2026/resolution) has every one.",
		"- By country: Brazil 2, Germany 1\n",
		"- Resolution table: <https://a.example/consultations/iot-2026/resolution>\n",
		"- Changes from version 1 (consulted) to version 3 (published): 1 paragraph changed, 0 inserted, 0 deleted, 0 moved; shown on the edition's page: <https://a.example/outcomes/iot/editions/2#record-iot-2026>",
		"**1.1 ¶1** (changed): Follow ~~the old~~ **the new** rule.\n",
		"## Consultation record",
		"- Open from 1 March 2026 to 31 March 2026",
		"- By stakeholder group: Academia 3, Government 1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the Markdown lacks %q; got:\n%s", want, got)
		}
	}
	for _, bad := range []string{"Same.", "meet [C1 Default passwords]", "BR 2"} {
		if strings.Contains(got, bad) {
			t.Errorf("the Markdown has %q; got:\n%s", bad, got)
		}
	}
	if n := strings.Count(got, "# IoT security\n"); n != 1 {
		t.Errorf("got the title heading %d times, want once (the source's h1 gives way to the title block)", n)
	}
}

// TestOutcomeMarkdownSummaryIsText: the executive summary is plain text
// in the Markdown download, as everywhere else: no link, image, HTML,
// entity or block of Markdown comes of it.
func TestOutcomeMarkdownSummaryIsText(t *testing.T) {
	summary := "[x](javascript:alert(1)) <img src=x onerror=alert(1)> *a* AT&amp;T\n# Not a heading\n- not a list\n" +
		"+ nor this\n1. nor this\n2) nor this\n> nor a quote\nplain\n===\n#hashtag 1.1 -x"
	in := OutcomeText{Slug: "iot", Title: "IoT", Edition: 1, Summary: summary, Source: "# IoT\n\nText.\n", Site: "https://a.example",
		ResolutionURL: func(string) string { return "" }, RecordURL: func(string) string { return "" }}
	md := NewMarkdown()
	out := md.OutcomeMarkdown(in)
	var html strings.Builder
	if err := goldmark.New().Convert([]byte(out), &html); err != nil {
		t.Fatal(err)
	}
	_, got, _ := strings.Cut(html.String(), "<h2>Executive summary</h2>")
	got, _, _ = strings.Cut(got, "<h2>Text</h2>")
	want := "<p>[x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; *a* AT&amp;amp;T\n# Not a heading\n- not a list\n" +
		"+ nor this\n1. nor this\n2) nor this\n&gt; nor a quote\nplain\n===\n#hashtag 1.1 -x</p>\n"
	if !strings.Contains(out, "\n#hashtag 1.1 -x") {
		t.Errorf("a mark that makes no block is escaped:\n%s", out)
	}
	if got = strings.TrimSpace(got) + "\n"; got != want {
		t.Errorf("got summary HTML\n%q\nwant\n%q", got, want)
	}
}
