package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestPolicyImportAllOrNothing stages more than a page of policies, one
// of which the store refuses when applying (an unknown jurisdiction, which
// the checks before staging would have caught): nothing is applied, the
// error names its line, and the staged rows are cleared either way.
func TestPolicyImportAllOrNothing(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	db := mustFixture(t)
	stage := func(bad int) *store.PolicyImport {
		t.Helper()
		pi, err := db.BeginPolicyImport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var batch []store.StagedPolicy
		for i := range 1200 {
			p := store.Policy{Slug: fmt.Sprintf("st-%04d", i), Title: fmt.Sprintf("Staged %d", i), Jurisdictions: []string{"GB"}, Type: "law"}
			if i == bad {
				p.Jurisdictions = []string{"XQ"}
			}
			batch = append(batch, store.StagedPolicy{Policy: p, Line: 10 + i})
			if len(batch) == 700 {
				if err := pi.Stage(ctx, batch); err != nil {
					t.Fatal(err)
				}
				batch = nil
			}
		}
		if err := pi.Stage(ctx, batch); err != nil {
			t.Fatal(err)
		}
		return pi
	}
	seq, _ := db.LastChange(ctx)
	pi := stage(1100)
	err := pi.Apply(ctx, nil)
	var se *store.StagedError
	if !errors.As(err, &se) || se.Line != 1110 || se.Slug != "st-1100" {
		t.Fatalf("got %v, want a *StagedError on line 1110", err)
	}
	if after, _ := db.LastChange(ctx); after != seq {
		t.Error("a refused import applied some of its policies")
	}
	if err := pi.Discard(ctx); err != nil {
		t.Fatal(err)
	}

	pi = stage(-1)
	var created int
	if err := pi.Apply(ctx, func(slug string, res store.SaveResult) {
		if res == store.Created {
			created++
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := pi.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	if created != 1200 {
		t.Errorf("%d created, want 1200", created)
	}
	if after, _ := db.LastChange(ctx); after != seq+1200 {
		t.Errorf("changes feed grew by %d, want 1200", after-seq)
	}
}
