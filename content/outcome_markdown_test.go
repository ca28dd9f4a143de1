package content

import (
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

func TestOutcomeMarkdown(t *testing.T) {
	src := "# IoT security\n\n## Recommendations\n\n### Ban default passwords\n\n" +
		"Follow [@eu-cra] and [@etsi-en-303-645 §5.1-1] to meet [#C1]. Unknown [@nowhere] stays.\n\n" +
		"Code `[@eu-cra]` stays code.\n"
	in := OutcomeText{
		Title: "IoT security", Edition: 2, Date: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC),
		URL: "https://a.example/outcomes/iot/editions/2", Group: "DC-ISSS", Summary: "What we recommend.",
		Source: src, Site: "https://a.example", Framework: "dc-isss-iot",
		Policies: map[string]string{"eu-cra": "Cyber Resilience Act", "etsi-en-303-645": "ETSI EN 303 645"},
		Items:    map[string]string{"C1": "Default passwords"},
		Record: store.Record{
			Recommendations: []store.Recommendation{{Number: 1, Label: "1.1", Title: "Ban default passwords",
				Policies: []store.CitedPolicy{{Slug: "eu-cra", Title: "Cyber Resilience Act", Type: "regulation", Status: "in-force",
					Jurisdictions: []store.JurisdictionAt{{Code: "EU", Name: "European Union"}}}},
				Items:        []store.CitedItem{{Framework: "dc-isss-iot", Code: "C1", Title: "Default passwords"}},
				Mapped:       []store.MappedItem{{Framework: "dc-isss-iot", Code: "C4", Title: "Updates", Reviewed: true}},
				Comments:     []store.RecordComment{{Disposition: "accepted", Copies: 1}, {Disposition: "", Copies: 3}},
				CommentTotal: 4}},
			Consultations: []store.ConsultationRecord{{Slug: "iot-2026", Title: "IoT consultation", Version: 1, Timezone: "UTC",
				OpensAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
				Stats: store.CommentStats{Approved: 4, Answered: 1, ByGroup: map[string]int{"academia": 3, "government": 1, "other": 0}}}},
		},
	}
	got := NewMarkdown().OutcomeMarkdown(in)
	for _, want := range []string{
		"# IoT security\n\n- Edition: 2\n- Published: 4 May 2026\n- Published by: DC-ISSS\n- Stable URL: <https://a.example/outcomes/iot/editions/2>",
		"## Executive summary\n\nWhat we recommend.",
		"Follow [Cyber Resilience Act](https://a.example/policies/eu-cra) and [ETSI EN 303 645 §5.1-1](https://a.example/policies/etsi-en-303-645#prov-5.1-1) to meet [C1 Default passwords](https://a.example/frameworks/dc-isss-iot/items/C1).",
		"Unknown [@nowhere] stays.",
		"Code `[@eu-cra]` stays code.",
		"### Recommendation 1 (1.1): Ban default passwords",
		"- Policy cited: [Cyber Resilience Act](https://a.example/policies/eu-cra) (Regulation, in force, European Union)",
		"- Addresses: [C1 Default passwords](https://a.example/frameworks/dc-isss-iot/items/C1)",
		"(reviewed mapping)",
		"- Comments on it: 4 (not yet answered 3, accepted 1)",
		"## Consultation record",
		"- Open from 1 March 2026 to 31 March 2026",
		"- By stakeholder group: Academia 3, Government 1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the Markdown lacks %q; got:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "# IoT security\n"); n != 1 {
		t.Errorf("got the title heading %d times, want once (the source's h1 gives way to the title block)", n)
	}
}
