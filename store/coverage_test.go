package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// openCoverageFixture opens a new database in t.TempDir() holding a small
// hand-built world: five jurisdictions in three regions plus EU and INT, a
// framework with a nested question and three challenges, and seven
// policies whose mappings exercise every rule the counts must follow
// (not-related does not count, two mappings of one policy count once, a
// policy of two jurisdictions counts in both and once in their region).
func openCoverageFixture(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("jurisdictions", db.UpsertJurisdictions(ctx, []store.Jurisdiction{
		{Code: "GB", Name: "United Kingdom", Kind: "country", Region: "Europe", Subregion: "Northern Europe"},
		{Code: "FR", Name: "France", Kind: "country", Region: "Europe", Subregion: "Western Europe"},
		{Code: "KE", Name: "Kenya", Kind: "country", Region: "Africa", Subregion: "Sub-Saharan Africa"},
		{Code: "US", Name: "United States", Kind: "country", Region: "Americas", Subregion: "Northern America"},
		{Code: "EU", Name: "European Union", Kind: "bloc", Region: "Europe"},
		{Code: "INT", Name: "International", Kind: "international", Region: "International"},
	}))
	must("topics", db.UpsertTopics(ctx, store.DefaultTopics))
	must("framework", db.UpsertFramework(ctx, store.Framework{Slug: "fx", Title: "Fixture framework", Items: []*store.Item{
		{Code: "Q1", Kind: "question", Title: "Question one", Children: []*store.Item{
			{Code: "Q1a", Kind: "question", Title: "Sub-question"},
		}},
		{Code: "C1", Kind: "challenge", Title: "Challenge one"},
		{Code: "C2", Kind: "challenge", Title: "Challenge two"},
		{Code: "C3", Kind: "challenge", Title: "Challenge three"},
	}}))
	m := func(item, rel string, reviewed bool) store.Mapping {
		return store.Mapping{Framework: "fx", Item: item, Relationship: rel, Rationale: "Because " + item, Reviewed: reviewed}
	}
	policies := []store.Policy{
		{Slug: "gb-law", Title: "GB law", Jurisdictions: []string{"GB"}, Type: "law",
			Provisions: []store.Provision{{Ref: "1", Title: "One"}},
			Mappings: []store.Mapping{m("C1", "intersects-with", true), m("C2", "not-related", true),
				{Framework: "fx", Item: "C1", Provision: "1", Relationship: "subset-of", Rationale: "Section 1", Reviewed: false}}},
		{Slug: "gb-std", Title: "GB standard", Jurisdictions: []string{"GB"}, Type: "standard",
			Mappings: []store.Mapping{m("C2", "subset-of", false)}},
		{Slug: "fr-reg", Title: "FR regulation", Jurisdictions: []string{"FR"}, Type: "regulation",
			Mappings: []store.Mapping{m("C1", "equal", true), m("Q1a", "superset-of", false)}},
		{Slug: "eu-reg", Title: "EU regulation", Jurisdictions: []string{"EU"}, Type: "regulation",
			Mappings: []store.Mapping{m("C3", "intersects-with", true)}},
		{Slug: "gb-fr-guide", Title: "Joint guideline", Jurisdictions: []string{"GB", "FR"}, Type: "guideline",
			Mappings: []store.Mapping{m("C3", "intersects-with", false)}},
		{Slug: "ke-strategy", Title: "KE strategy", Jurisdictions: []string{"KE"}, Type: "strategy"},
		{Slug: "int-std", Title: "International standard", Jurisdictions: []string{"INT"}, Type: "standard",
			Mappings: []store.Mapping{m("C2", "intersects-with", true), m("C1", "intersects-with", false)}},
	}
	for _, p := range policies {
		if _, err := db.SavePolicy(ctx, p, store.CreateOnly); err != nil {
			t.Fatalf("save %s: %v", p.Slug, err)
		}
	}
	approveMarked(t, db, policies)
	return db
}

// row is a CoverageRow without its label, for compact expectations.
type row struct {
	Counts          map[string]int
	Total, Policies int
}

func rowsByKey(cv store.Coverage) map[string]row {
	out := map[string]row{}
	for _, r := range cv.Rows {
		out[r.Key] = row{Counts: r.Counts, Total: r.Total, Policies: r.Policies}
	}
	return out
}

func TestCoverageCounts(t *testing.T) {
	db := openCoverageFixture(t)
	ctx := context.Background()
	none := map[string]int{}
	tests := []struct {
		name     string
		by       string
		reviewed bool
		want     map[string]row
	}{
		{"jurisdictions", "jurisdiction", false, map[string]row{
			"GB":  {map[string]int{"C1": 1, "C2": 1, "C3": 1}, 3, 3},
			"FR":  {map[string]int{"C1": 1, "Q1a": 1, "C3": 1}, 2, 2},
			"EU":  {map[string]int{"C3": 1}, 1, 1},
			"KE":  {none, 0, 1},
			"INT": {map[string]int{"C1": 1, "C2": 1}, 1, 1},
		}},
		{"jurisdictions, reviewed only", "jurisdiction", true, map[string]row{
			"GB":  {map[string]int{"C1": 1}, 1, 3},
			"FR":  {map[string]int{"C1": 1}, 1, 2},
			"EU":  {map[string]int{"C3": 1}, 1, 1},
			"KE":  {none, 0, 1},
			"INT": {map[string]int{"C2": 1}, 1, 1},
		}},
		{"regions", "region", false, map[string]row{
			"Europe":        {map[string]int{"C1": 2, "C2": 1, "C3": 2, "Q1a": 1}, 5, 5},
			"Africa":        {none, 0, 1},
			"Americas":      {none, 0, 0},
			"International": {map[string]int{"C1": 1, "C2": 1}, 1, 1},
		}},
		{"types", "type", false, map[string]row{
			"law":                     {map[string]int{"C1": 1}, 1, 1},
			"regulation":              {map[string]int{"C1": 1, "Q1a": 1, "C3": 1}, 2, 2},
			"standard":                {map[string]int{"C1": 1, "C2": 2}, 2, 2},
			"technical-specification": {none, 0, 0},
			"guideline":               {map[string]int{"C3": 1}, 1, 1},
			"code-of-practice":        {none, 0, 0},
			"certification-scheme":    {none, 0, 0},
			"strategy":                {none, 0, 1},
			"report":                  {none, 0, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cv, err := db.Coverage(ctx, store.CoverageOptions{Framework: "fx", By: tt.by, Reviewed: tt.reviewed})
			if err != nil {
				t.Fatalf("Coverage: %v", err)
			}
			if diff := cmp.Diff(tt.want, rowsByKey(cv)); diff != "" {
				t.Errorf("rows by %s (reviewed %v) differ (-want +got):\n%s", tt.by, tt.reviewed, diff)
			}
		})
	}
}

func TestCoverageOrderAndLabels(t *testing.T) {
	db := openCoverageFixture(t)
	cv, err := db.Coverage(context.Background(), store.CoverageOptions{Framework: "fx", By: "region"})
	if err != nil {
		t.Fatalf("Coverage: %v", err)
	}
	var keys []string
	for _, r := range cv.Rows {
		keys = append(keys, r.Key)
	}
	if want := []string{"Africa", "Americas", "Europe", "International"}; !cmp.Equal(keys, want) {
		t.Errorf("region rows: got %v, want %v (alphabetical, International last)", keys, want)
	}
	var items []string
	var depths []int
	for _, it := range cv.Items {
		items = append(items, it.Code)
		depths = append(depths, it.Depth)
	}
	if want := []string{"Q1", "Q1a", "C1", "C2", "C3"}; !cmp.Equal(items, want) {
		t.Errorf("items: got %v, want %v", items, want)
	}
	if want := []int{0, 1, 0, 0, 0}; !cmp.Equal(depths, want) {
		t.Errorf("item depths: got %v, want %v", depths, want)
	}
	cv, err = db.Coverage(context.Background(), store.CoverageOptions{Framework: "fx"})
	if err != nil {
		t.Fatalf("Coverage: %v", err)
	}
	if cv.By != "jurisdiction" {
		t.Errorf("default rows: got %q, want jurisdiction", cv.By)
	}
	labels := map[string]string{}
	for _, r := range cv.Rows {
		labels[r.Key] = r.Label
	}
	if labels["GB"] != "United Kingdom" || labels["EU"] != "European Union" {
		t.Errorf("jurisdiction labels: got %v, want names from the jurisdictions table", labels)
	}
}

func TestCoverageGaps(t *testing.T) {
	db := openCoverageFixture(t)
	cv, err := db.Coverage(context.Background(), store.CoverageOptions{Framework: "fx", By: "type"})
	if err != nil {
		t.Fatalf("Coverage: %v", err)
	}
	var least []string
	for _, it := range cv.Gaps.Least {
		least = append(least, it.Code)
	}
	// Totals: Q1 0, Q1a 1, C2 2 (gb-std, int-std), C3 2, C1 3. Q1 has no
	// policy at all, so it is unmapped rather than least covered; the
	// three fewest of the others are Q1a, C2 and C3.
	if want := []string{"Q1a", "C2", "C3"}; !cmp.Equal(least, want) {
		t.Errorf("least covered: got %v, want %v", least, want)
	}
	gaps := func(gs []store.CoverageGap) map[string][]string {
		out := map[string][]string{}
		for _, g := range gs {
			out[g.Item] = g.Missing
		}
		return out
	}
	wantRegions := map[string][]string{
		"Q1":  {"Africa", "Americas", "Europe", "International"},
		"Q1a": {"Africa", "Americas", "International"},
		"C1":  {"Africa", "Americas"},
		"C2":  {"Africa", "Americas"},
		"C3":  {"Africa", "Americas", "International"},
	}
	if diff := cmp.Diff(wantRegions, gaps(cv.Gaps.Regions)); diff != "" {
		t.Errorf("regions without evidence differ (-want +got):\n%s", diff)
	}
	for _, g := range cv.Gaps.Regions {
		if want := g.Item == "Q1"; g.All != want {
			t.Errorf("regions gap %s: got All %v, want %v", g.Item, g.All, want)
		}
	}
	// US has no policy at all, so it is no gap of any one item.
	wantJurisdictions := map[string][]string{
		"Q1":  {"European Union", "France", "International", "Kenya", "United Kingdom"},
		"Q1a": {"European Union", "International", "Kenya", "United Kingdom"},
		"C1":  {"European Union", "Kenya"},
		"C2":  {"European Union", "France", "Kenya"},
		"C3":  {"International", "Kenya"},
	}
	names := map[string]string{"EU": "European Union", "FR": "France", "INT": "International", "KE": "Kenya", "GB": "United Kingdom"}
	got := gaps(cv.Gaps.Jurisdictions)
	for item, codes := range got {
		for i, c := range codes {
			got[item][i] = names[c]
		}
	}
	if diff := cmp.Diff(wantJurisdictions, got); diff != "" {
		t.Errorf("jurisdictions without evidence differ (-want +got):\n%s", diff)
	}
}

// TestCoverageMatchesPolicyLists checks every number of every matrix
// against the total of the policy list a reader reaches by following it.
func TestCoverageMatchesPolicyLists(t *testing.T) {
	db := openCoverageFixture(t)
	checkCoverageAgainstLists(t, db, "fx")
}

func checkCoverageAgainstLists(t *testing.T, db *store.DB, framework string) {
	t.Helper()
	ctx := context.Background()
	total := func(reviewed bool, facets map[string][]string) int {
		t.Helper()
		list, err := db.Policies(ctx, store.PolicyFilter{Facets: facets, Reviewed: reviewed, PerPage: 1})
		if err != nil {
			t.Fatalf("Policies(%v): %v", facets, err)
		}
		return list.Total
	}
	cells := 0
	for _, by := range store.CoverageRows {
		for _, reviewed := range []bool{false, true} {
			cv, err := db.Coverage(ctx, store.CoverageOptions{Framework: framework, By: by, Reviewed: reviewed})
			if err != nil {
				t.Fatalf("Coverage by %s: %v", by, err)
			}
			var codes []string
			for _, it := range cv.Items {
				codes = append(codes, it.Code)
				if want := total(reviewed, map[string][]string{"challenge": {it.Code}}); it.Policies != want {
					t.Errorf("item %s (reviewed %v): got %d, want %d as /policies?challenge=%s", it.Code, reviewed, it.Policies, want, it.Code)
				}
			}
			for _, r := range cv.Rows {
				for _, code := range codes {
					cells++
					want := total(reviewed, map[string][]string{by: {r.Key}, "challenge": {code}})
					if got := r.Counts[code]; got != want {
						t.Errorf("cell %s=%s × %s (reviewed %v): got %d, want %d", by, r.Key, code, reviewed, got, want)
					}
				}
				if want := total(reviewed, map[string][]string{by: {r.Key}, "challenge": codes}); r.Total != want {
					t.Errorf("row %s=%s total (reviewed %v): got %d, want %d", by, r.Key, reviewed, r.Total, want)
				}
				if want := total(false, map[string][]string{by: {r.Key}}); r.Policies != want {
					t.Errorf("row %s=%s policies: got %d, want %d", by, r.Key, r.Policies, want)
				}
			}
		}
	}
	if cells == 0 {
		t.Fatal("checked no cell")
	}
}

func TestCoverageSeesNewMappingAtOnce(t *testing.T) {
	db := openCoverageFixture(t)
	ctx := context.Background()
	count := func() int {
		t.Helper()
		cv, err := db.Coverage(ctx, store.CoverageOptions{Framework: "fx", By: "region"})
		if err != nil {
			t.Fatalf("Coverage: %v", err)
		}
		for _, r := range cv.Rows {
			if r.Key == "Africa" {
				return r.Counts["C2"]
			}
		}
		t.Fatal("no Africa row")
		return 0
	}
	if got := count(); got != 0 {
		t.Fatalf("Africa × C2 before: got %d, want 0", got)
	}
	p, err := db.Policy(ctx, "ke-strategy")
	if err != nil {
		t.Fatalf("Policy: %v", err)
	}
	p.Mappings = append(p.Mappings, store.Mapping{Framework: "fx", Item: "C2", Relationship: "intersects-with", Rationale: "Names C2"})
	if _, err := db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		t.Fatalf("SavePolicy: %v", err)
	}
	if got := count(); got != 1 {
		t.Errorf("Africa × C2 after adding a mapping: got %d, want 1", got)
	}
	p.Mappings[len(p.Mappings)-1].Relationship = "not-related"
	if _, err := db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		t.Fatalf("SavePolicy: %v", err)
	}
	if got := count(); got != 0 {
		t.Errorf("Africa × C2 after marking it not-related: got %d, want 0", got)
	}
}

func TestCoverageErrors(t *testing.T) {
	db := openCoverageFixture(t)
	ctx := context.Background()
	_, err := db.Coverage(ctx, store.CoverageOptions{Framework: "fx", By: "topic"})
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["by"] == "" {
		t.Errorf("by=topic: got %v, want a ValidationError naming by", err)
	}
	if _, err := db.Coverage(ctx, store.CoverageOptions{Framework: "nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown framework: got %v, want ErrNotFound", err)
	}
}

func TestFrameworkMappings(t *testing.T) {
	db := openCoverageFixture(t)
	set, err := db.FrameworkMappings(context.Background(), "fx")
	if err != nil {
		t.Fatalf("FrameworkMappings: %v", err)
	}
	var got []string
	for _, m := range set.Mappings {
		got = append(got, m.Policy+"/"+m.Provision+"/"+m.Item)
	}
	want := []string{"eu-reg//C3", "fr-reg//Q1a", "fr-reg//C1", "gb-fr-guide//C3", "gb-law//C1", "gb-law//C2",
		"gb-law/1/C1", "gb-std//C2", "int-std//C1", "int-std//C2"}
	if !cmp.Equal(got, want) {
		t.Errorf("mappings: got %v, want %v", got, want)
	}
	if j := set.Jurisdictions["gb-fr-guide"]; !cmp.Equal(j, []string{"GB", "FR"}) {
		t.Errorf("jurisdictions of gb-fr-guide: got %v, want [GB FR]", j)
	}
	if set.Modified.IsZero() {
		t.Error("Modified: got the zero time, want the newest mapping's time")
	}
	if _, err := db.FrameworkMappings(context.Background(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown framework: got %v, want ErrNotFound", err)
	}
}
