package content_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

func mustOpen(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBuiltinParses(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(b.Policies); got != 46 {
		t.Errorf("got %d policies, want 46", got)
	}
	if len(b.Frameworks) != 1 || b.Frameworks[0].Slug != "dc-isss-iot" {
		t.Fatalf("got frameworks %+v, want dc-isss-iot", b.Frameworks)
	}
	codes := map[string]bool{}
	b.Frameworks[0].Walk(func(it *store.Item) { codes[it.Code] = true })
	for _, c := range []string{"RQ1", "RQ1a", "RQ1b", "RQ1c", "RQ1d", "RQ1e", "RQ2", "RQ3", "C1", "C2", "C3", "C4", "C5", "C6"} {
		if !codes[c] {
			t.Errorf("framework lacks item %s", c)
		}
	}
	if len(codes) != 14 {
		t.Errorf("got %d items, want 14", len(codes))
	}
	if n := len(b.Jurisdictions); n < 249 {
		t.Errorf("got %d jurisdictions, want every ISO 3166-1 country plus EU and INT", n)
	}
}

// shipped is the shape of the data file the shipped content was made from;
// testdata/policies.json is a verbatim copy of it.
type shipped struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Jurisdiction string   `json:"jurisdiction"`
	Issuer       *string  `json:"issuer"`
	Year         *int     `json:"year"`
	Type         string   `json:"type"`
	Status       *string  `json:"status"`
	URL          *string  `json:"url"`
	Summary      string   `json:"summary"`
	Challenges   []string `json:"challenges"`
}

// TestBuiltinKeepsFacts checks every shipped policy against the source data:
// title, jurisdiction, issuer, year, type, URL and summary exactly; the free
// status text kept as the status note; each suggested challenge a mapping
// marked unreviewed. A null stays empty.
func TestBuiltinKeepsFacts(t *testing.T) {
	raw, err := os.ReadFile("testdata/policies.json")
	if err != nil {
		t.Fatal(err)
	}
	var src []shipped
	if err := json.Unmarshal(raw, &src); err != nil {
		t.Fatal(err)
	}
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]store.Policy{}
	for _, p := range b.Policies {
		bySlug[p.Slug] = p
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, s := range src {
		p, ok := bySlug[s.ID]
		if !ok {
			t.Errorf("%s: not shipped", s.ID)
			continue
		}
		year := 0
		if s.Year != nil {
			year = *s.Year
		}
		checks := []struct{ field, got, want string }{
			{"title", p.Title, s.Title},
			{"issuer", p.Issuer, str(s.Issuer)},
			{"type", p.Type, s.Type},
			{"url", p.URL, str(s.URL)},
			{"summary", p.Summary, s.Summary},
			{"status_note", p.StatusNote, str(s.Status)},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %q, want %q", s.ID, c.field, c.got, c.want)
			}
		}
		if p.Year() != year {
			t.Errorf("%s: year = %d, want %d", s.ID, p.Year(), year)
		}
		if len(p.Jurisdictions) != 1 || p.Jurisdictions[0] != s.Jurisdiction {
			t.Errorf("%s: jurisdictions = %v, want [%s]", s.ID, p.Jurisdictions, s.Jurisdiction)
		}
		if (s.Status == nil) != (p.Status == "") {
			t.Errorf("%s: status = %q from %v", s.ID, p.Status, str(s.Status))
		}
		// Provision-level mappings are our own additions; the suggestions
		// from the data are the policy-level ones, kept unchanged and in order.
		var policyLevel []store.Mapping
		for _, m := range p.Mappings {
			if m.Provision == "" {
				policyLevel = append(policyLevel, m)
			}
		}
		if len(policyLevel) != len(s.Challenges) {
			t.Errorf("%s: %d policy-level mappings, want %d", s.ID, len(policyLevel), len(s.Challenges))
			continue
		}
		for i, m := range policyLevel {
			if m.Item != s.Challenges[i] || m.Framework != "dc-isss-iot" || m.Relationship != "intersects-with" || m.Reviewed ||
				m.Rationale != "Initial suggestion from the shipped data; not yet reviewed" {
				t.Errorf("%s: mapping %d = %+v, want unreviewed intersects-with %s", s.ID, i, m, s.Challenges[i])
			}
		}
	}
	if len(src) != len(b.Policies) {
		t.Errorf("shipped %d policies, source has %d", len(b.Policies), len(src))
	}
}

// TestBuiltinVocabulary checks that every shipped policy and provision uses
// only topics of the controlled vocabulary, that each policy has topics, and
// that mappings added at provision level are unreviewed, explained, and point
// at a provision of the same policy.
func TestBuiltinVocabulary(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, tp := range store.DefaultTopics {
		known[tp.Slug] = true
	}
	for _, p := range b.Policies {
		if len(p.Topics) == 0 {
			t.Errorf("%s: no topics", p.Slug)
		}
		for _, tp := range p.Topics {
			if !known[tp] {
				t.Errorf("%s: unknown topic %q", p.Slug, tp)
			}
		}
		refs := map[string]bool{}
		for _, v := range p.Provisions {
			refs[v.Ref] = true
			if strings.ContainsAny(v.Ref, " \t#/?") {
				t.Errorf("%s: provision ref %q cannot serve as a page anchor", p.Slug, v.Ref)
			}
			if v.Title == "" || v.Text == "" || len(v.Topics) == 0 {
				t.Errorf("%s: provision %s lacks a title, text or topics", p.Slug, v.Ref)
			}
			for _, tp := range v.Topics {
				if !known[tp] {
					t.Errorf("%s: provision %s: unknown topic %q", p.Slug, v.Ref, tp)
				}
			}
		}
		for _, m := range p.Mappings {
			if m.Provision == "" {
				continue
			}
			if !refs[m.Provision] || m.Reviewed || m.Relationship != "intersects-with" || m.Rationale == "" {
				t.Errorf("%s: provision mapping %+v", p.Slug, m)
			}
		}
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := content.Seed(ctx, db, b)
	if err != nil || !loaded {
		t.Fatalf("first seed: loaded=%v err=%v", loaded, err)
	}
	first, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := db.LastChange(ctx)
	for i := 0; i < 2; i++ {
		loaded, err := content.Seed(ctx, db, b)
		if err != nil || loaded {
			t.Fatalf("seed again: loaded=%v err=%v, want not loaded", loaded, err)
		}
	}
	again, _ := db.Stats(ctx)
	if again != first {
		t.Errorf("stats after reseeding = %+v, want %+v", again, first)
	}
	if first.Policies != 46 || first.Mappings == 0 {
		t.Errorf("stats = %+v, want 46 policies with mappings", first)
	}
	if l, _ := db.LastChange(ctx); l != last {
		t.Errorf("reseeding wrote changes: last %d, was %d", l, last)
	}
}

func TestSeedGroupName(t *testing.T) {
	ctx := context.Background()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, before, want string
	}{
		{"unset", "", content.ShippedGroupName},
		{"the operator's own", "Our group", "Our group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t)
			if tt.before != "" {
				if err := db.SetGroupName(ctx, tt.before); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 2; i++ {
				if _, err := content.Seed(ctx, db, b); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := db.GroupName(ctx); err != nil || got != tt.want {
				t.Errorf("group name after seeding: got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestPolicyFileRoundTrip(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range b.Policies {
		out, err := content.FormatPolicy(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := content.ParsePolicy(p.Slug+".md", out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", p.Slug, err, out)
		}
		a, _ := json.Marshal(p)
		c, _ := json.Marshal(back)
		if string(a) != string(c) {
			t.Errorf("%s: round trip changed it:\n got %s\nwant %s", p.Slug, c, a)
		}
	}
}

// TestExampleDocument: the shipped draft loads with two versions whose
// redline shows edits, one insertion and one deletion, every citation
// resolved, and the public cannot see it.
func TestExampleDocument(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	d, err := db.Document(ctx, "iot-security-by-design")
	if err != nil {
		t.Fatal(err)
	}
	if d.Latest != 2 || d.Status != store.StatusDraft || d.VisibleTo(nil) {
		t.Errorf("example: got %+v, want an invisible draft with 2 versions", d)
	}
	v1, _ := db.Version(ctx, d.Slug, 1)
	v2, _ := db.Version(ctx, d.Slug, 2)
	r := content.Diff(v1, v2)
	if r.Changed < 2 || r.Inserted != 1 || r.Deleted != 1 {
		t.Errorf("example redline: changed %d inserted %d deleted %d, want edits, 1 insertion, 1 deletion", r.Changed, r.Inserted, r.Deleted)
	}
	items := map[string]bool{}
	for _, c := range v2.Citations {
		if c.Kind == "item" {
			items[c.Target] = true
		}
	}
	for _, code := range []string{"C1", "C2", "C3", "C4", "C5", "C6"} {
		if !items[code] {
			t.Errorf("example version 2 does not cite %s", code)
		}
	}
}

// TestParseBlocs checks the shipped blocs.json and that a member which is
// no country, or a bloc code of the wrong form, is refused.
func TestParseBlocs(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Blocs) != 1 || b.Blocs[0].Code != "EU" || len(b.Blocs[0].Members) != 27 {
		t.Fatalf("shipped blocs = %+v, want the EU with 27 members", b.Blocs)
	}
	for _, j := range b.Jurisdictions {
		if j.Code == "EU" {
			t.Errorf("jurisdictions hold the EU; blocs.json alone should")
		}
	}
	for name, data := range map[string]string{
		"not a country":  `{"blocs":[{"code":"EU","name":"European Union","members":["DE","INT"]}]}`,
		"unknown member": `{"blocs":[{"code":"EU","name":"European Union","members":["ZZ"]}]}`,
		"twice":          `{"blocs":[{"code":"EU","name":"European Union","members":["DE","DE"]}]}`,
		"two letters":    `{"blocs":[{"code":"XB","name":"A bloc","members":["DE"]}]}`,
		"no members":     `{"blocs":[{"code":"ABC","name":"A bloc","members":[]}]}`,
		"unknown field":  `{"blocs":[{"code":"ABC","name":"A bloc","members":["DE"],"size":1}]}`,
	} {
		if _, err := content.ParseBlocs([]byte(data), b.Jurisdictions); err == nil {
			t.Errorf("%s: ParseBlocs accepted %s", name, data)
		}
	}
	if got, err := content.ParseBlocs([]byte(`{"blocs":[{"code":"ASEAN","name":"ASEAN","members":["SG"]}]}`), b.Jurisdictions); err != nil || len(got) != 1 {
		t.Errorf("a three-or-more-letter bloc: %v, %v", got, err)
	}
}
