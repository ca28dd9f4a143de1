package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// TestEachPolicy checks that the bulk scan yields exactly what Policy
// loads one by one, provisions and mappings included, and the feed's
// position.
func TestEachPolicy(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	p, err := db.Policy(ctx, "etsi-en-303-645")
	if err != nil {
		t.Fatal(err)
	}
	p.Topics = []string{"default-passwords", "software-updates"}
	p.Provisions = []store.Provision{
		{Ref: "5.1-1", Title: "No universal default passwords", Text: "Unique per device.", Topics: []string{"default-passwords", "identity-management"}},
		{Ref: "5.3-1", Title: "Updates", Text: "Updateable.", Topics: []string{"software-updates"}},
		{Ref: "6-1", Title: "Data", Text: "Personal data."},
	}
	// The shipped provision-level mappings point at provisions replaced here.
	var mappings []store.Mapping
	for _, m := range p.Mappings {
		if m.Provision == "" {
			mappings = append(mappings, m)
		}
	}
	p.Mappings = append(mappings, store.Mapping{Framework: "dc-isss-iot", Item: "C2", Provision: "5.3-1",
		Relationship: "subset-of", Strength: 7, Rationale: "Updates"})
	if _, err := db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		t.Fatal(err)
	}

	var got []store.Policy
	seq, err := db.EachPolicy(ctx, func(p store.Policy) error {
		got = append(got, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := db.LastChange(ctx); seq != want {
		t.Errorf("seq %d, want the last change %d", seq, want)
	}
	stats, _ := db.Stats(ctx)
	if len(got) != stats.Policies || len(got) != 194 {
		t.Fatalf("got %d policies, want %d", len(got), stats.Policies)
	}
	provisions := 0
	for _, g := range got {
		want, err := db.Policy(ctx, g.Slug)
		if err != nil {
			t.Fatal(err)
		}
		want.Rev = 0 // EachPolicy reads no revision numbers: the index needs none
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("policy %s (-Policy +EachPolicy):\n%s", g.Slug, diff)
		}
		provisions += len(g.Provisions)
	}
	wantProvisions := len(p.Provisions)
	for _, sp := range b.Policies {
		if sp.Slug != p.Slug {
			wantProvisions += len(sp.Provisions)
		}
	}
	if provisions != wantProvisions {
		t.Errorf("got %d provisions, want %d", provisions, wantProvisions)
	}

	stop := errors.New("stop")
	n := 0
	_, err = db.EachPolicy(ctx, func(store.Policy) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("stopping: got %v after %d calls, want stop after 1", err, n)
	}
}
