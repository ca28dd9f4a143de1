package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// openTopicFixture holds four policies whose topics come from the policy,
// from its provisions or from both, in GB, FR (an EU member) and the EU.
func openTopicFixture(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db := mustOpen(t)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("jurisdictions", db.UpsertJurisdictions(ctx, []store.Jurisdiction{
		{Code: "GB", Name: "United Kingdom", Kind: "country", Region: "Europe"},
		{Code: "FR", Name: "France", Kind: "country", Region: "Europe"},
		{Code: "US", Name: "United States", Kind: "country", Region: "Americas"},
	}))
	must("blocs", db.SaveBlocs(ctx, []store.Bloc{{Code: "EU", Name: "European Union", Region: "Europe", Members: []string{"FR"}}}))
	must("topics", db.UpsertTopics(ctx, store.DefaultTopics))
	for _, p := range []store.Policy{
		// Only a provision addresses default passwords; the policy's own
		// topic is another.
		{Slug: "gb-law", Title: "GB law", Jurisdictions: []string{"GB"}, Type: "law", Binding: "mandatory",
			Topics: []string{"software-updates"},
			Provisions: []store.Provision{
				{Ref: "2", Title: "Second", Topics: []string{"default-passwords"}},
				{Ref: "1", Title: "First", Topics: []string{"default-passwords", "software-updates"}},
				{Ref: "3", Title: "Unrelated"},
			}},
		{Slug: "gb-code", Title: "A GB code", Jurisdictions: []string{"GB"}, Type: "code-of-practice", Binding: "voluntary",
			Topics: []string{"default-passwords"}},
		{Slug: "gb-strategy", Title: "A GB strategy", Jurisdictions: []string{"GB"}, Type: "strategy",
			Topics: []string{"default-passwords"}},
		{Slug: "eu-reg", Title: "EU regulation", Jurisdictions: []string{"EU"}, Type: "regulation", Binding: "mandatory",
			Topics: []string{"default-passwords"}, Provisions: []store.Provision{{Ref: "A1", Title: "Annex", Topics: []string{"default-passwords"}}}},
	} {
		if _, err := db.SavePolicy(ctx, p, store.CreateOnly); err != nil {
			t.Fatalf("save %s: %v", p.Slug, err)
		}
	}
	return db
}

func slugs(xs []store.TopicInstrument) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, x.Slug+"/"+x.Via)
	}
	return out
}

func TestTopicSummaries(t *testing.T) {
	db := openTopicFixture(t)
	got, err := db.TopicSummaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(store.DefaultTopics) {
		t.Fatalf("got %d topics, want every topic of the vocabulary (%d)", len(got), len(store.DefaultTopics))
	}
	want := map[string][3]int{
		"default-passwords": {4, 3, 2}, // four instruments, three provisions, GB and EU
		"software-updates":  {1, 1, 1},
		"governance":        {0, 0, 0},
	}
	for _, s := range got {
		w, ok := want[s.Slug]
		if !ok {
			continue
		}
		if g := [3]int{s.Instruments, s.Provisions, s.Jurisdictions}; g != w {
			t.Errorf("%s: got instruments, provisions, jurisdictions %v, want %v", s.Slug, g, w)
		}
	}
}

func TestTopicInstruments(t *testing.T) {
	db := openTopicFixture(t)
	ctx := context.Background()
	tp, err := db.TopicInstruments(ctx, "default-passwords")
	if err != nil {
		t.Fatal(err)
	}
	// Mandatory first (by title), then voluntary, then unknown.
	if diff := cmp.Diff([]string{"eu-reg/", "gb-law/", "gb-code/", "gb-strategy/"}, slugs(tp.Instruments)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	law := tp.Instruments[1]
	if law.Direct {
		t.Errorf("gb-law: Direct true, want false (only its provisions address the topic)")
	}
	if diff := cmp.Diff([]store.TopicProvision{{Ref: "2", Label: "2", Title: "Second"}, {Ref: "1", Label: "1", Title: "First"}}, law.Provisions); diff != "" {
		t.Errorf("gb-law provisions, in document order (-want +got):\n%s", diff)
	}
	if !tp.Instruments[0].Direct || len(tp.Instruments[2].Provisions) != 0 {
		t.Errorf("eu-reg direct %v, gb-code provisions %v: want direct and none", tp.Instruments[0].Direct, tp.Instruments[2].Provisions)
	}
	if tp.Provisions != 3 || tp.Jurisdictions != 2 {
		t.Errorf("counts: got %d provisions in %d jurisdictions, want 3 in 2", tp.Provisions, tp.Jurisdictions)
	}
	if _, err := db.TopicInstruments(ctx, "no-such-topic"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown topic: got %v, want ErrNotFound", err)
	}
}

func TestCompare(t *testing.T) {
	db := openTopicFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		codes []string
		blocs bool
		want  map[string][]string // default-passwords cells
	}{
		{"own instruments only", []string{"GB", "FR", "US"}, false,
			map[string][]string{"GB": {"gb-law/", "gb-code/", "gb-strategy/"}, "FR": {}, "US": {}}},
		{"with blocs", []string{"FR", "GB"}, true,
			map[string][]string{"GB": {"gb-law/", "gb-code/", "gb-strategy/"}, "FR": {"eu-reg/EU"}}},
		{"the bloc itself", []string{"EU", "GB"}, false,
			map[string][]string{"GB": {"gb-law/", "gb-code/", "gb-strategy/"}, "EU": {"eu-reg/"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := db.Compare(ctx, tc.codes, tc.blocs)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Topics) != len(store.DefaultTopics) {
				t.Errorf("got %d topic rows, want %d", len(c.Topics), len(store.DefaultTopics))
			}
			got := map[string][]string{}
			for _, j := range tc.codes {
				got[j] = slugs(c.Cells["default-passwords"][j])
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("default-passwords cells (-want +got):\n%s", diff)
			}
			if n := len(c.Cells["governance"]["GB"]); n != 0 {
				t.Errorf("governance in GB: got %d instruments, want none", n)
			}
		})
	}
}
