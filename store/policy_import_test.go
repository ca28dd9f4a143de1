package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestPolicyImportAllOrNothing stages more than a batch of policies, one
// of which the store refuses (an unknown jurisdiction, which the checks
// before staging would have caught): staging says which, nothing is
// applied, and the staged rows are cleared either way.
func TestPolicyImportAllOrNothing(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	db := mustFixture(t)
	stage := func(bad int) (*store.PolicyImport, error) {
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
					return pi, err
				}
				batch = nil
			}
		}
		return pi, pi.Stage(ctx, batch)
	}
	seq, _ := db.LastChange(ctx)
	pi, err := stage(1100)
	var se *store.StagedError
	if !errors.As(err, &se) || se.Line != 1110 || se.Slug != "st-1100" {
		t.Fatalf("got %v, want a *StagedError on line 1110", err)
	}
	if err := pi.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := db.LastChange(ctx); after != seq {
		t.Error("a refused import applied some of its policies")
	}
	if n := countRows(t, db, "import_results"); n != 0 {
		t.Errorf("%d staged rows left after Discard", n)
	}

	pi, err = stage(-1)
	if err != nil {
		t.Fatal(err)
	}
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
	for _, st := range []string{"import_results", "import_policies", "import_revisions", "import_audit"} {
		if n := countRows(t, db, st); n != 0 {
			t.Errorf("%d rows left in %s", n, st)
		}
	}
}

// countRows counts the rows of a table through a connection of its own.
func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
