package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestProvisionLabelFinds: a provision is found by its reference as the
// instrument writes it (its label) as well as by its key, and the hit
// keeps the key, which addresses and citations use.
func TestProvisionLabelFinds(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := store.Policy{Slug: "xx-label-act", Title: "Label Act", Jurisdictions: []string{"GB"}, Type: "law",
		Provisions: []store.Provision{{Ref: "AnnexIX-3", Label: "Annex IX point 3", Title: "Quokka obligations", Text: "Wombats."}}}
	if _, err := db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	for _, q := range []string{"Annex IX point 3", "AnnexIX-3", "quokka"} {
		got := ids(search(t, ix, Query{Q: q, Kinds: []string{KindProvision}}))
		if !slices.Contains(got, "provision:xx-label-act#AnnexIX-3") {
			t.Errorf("%q finds %v, want the provision by its key", q, got)
		}
	}
}
