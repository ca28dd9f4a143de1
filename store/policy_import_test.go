package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// swapFills are the columns of live tables that the swap of an import
// fills itself rather than copying from staging: ids it resolves by slug
// and ref, and the stamps of its transaction.
var swapFills = map[string][]string{
	"policies":             {"id", "created_at", "updated_at"},
	"policy_jurisdictions": {"policy_id"},
	"policy_topics":        {"policy_id"},
	"policy_layers":        {"policy_id"},
	"provisions":           {"id", "policy_id"},
	"provision_topics":     {"provision_id"},
	"mappings":             {"id", "policy_id", "provision_id", "created_at", "updated_at"},
	"policy_revisions":     {"id", "policy_id", "created_at"},
	"changes":              {"seq", "created_at"},
	"audit":                {"id", "at"},
}

// TestImportStagingColumns compares each staging table of an import with
// its live table: a column added to a live table (a migration) and not to
// its staging table would be silently dropped by every large import, so
// the test names it. Columns the staging table shares must have the
// live table's type.
func TestImportStagingColumns(t *testing.T) {
	db := mustOpen(t)
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	columns := func(table string) map[string]string {
		t.Helper()
		rows, err := raw.Query("SELECT name, type FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name, typ string
			if err := rows.Scan(&name, &typ); err != nil {
				t.Fatal(err)
			}
			out[name] = typ
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 {
			t.Fatalf("table %s does not exist", table)
		}
		return out
	}
	checked := 0
	for _, st := range store.StagingTables() {
		staging, live := st[0], st[1]
		sc := columns(staging)
		if live == "" {
			continue
		}
		fills := swapFills[live]
		if fills == nil {
			t.Errorf("%s: say in swapFills which columns of %s the swap fills itself", staging, live)
		}
		for name, typ := range columns(live) {
			if slices.Contains(fills, name) {
				continue
			}
			got, ok := sc[name]
			switch {
			case !ok:
				t.Errorf("%s lacks column %s of %s: stage it (and copy it in the swap)", staging, name, live)
			case got != typ:
				t.Errorf("%s.%s is %s, but %s.%s is %s", staging, name, got, live, name, typ)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("only %d columns compared", checked)
	}
}

// TestPolicyImportRefusesStale writes, from a second handle as a server
// beside `accord import` would, to a policy between its staging and the
// swap: the swap refuses the whole import, naming the policy and its
// line, and applies nothing; staged again, the import applies over the
// change. A write to a policy the import does not touch refuses nothing.
func TestPolicyImportRefusesStale(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	tests := []struct {
		name  string
		write func(t *testing.T, server *store.DB)
		stale string // the policy named, "" when the swap goes ahead
	}{
		{"saved meanwhile", func(t *testing.T, server *store.DB) {
			p := validPolicy("imp-0002")
			p.Title = "Edited by a member"
			mustSave(t, server, p)
		}, "imp-0002"},
		{"deleted meanwhile", func(t *testing.T, server *store.DB) {
			if err := server.DeletePolicy(ctx, "imp-0003"); err != nil {
				t.Fatal(err)
			}
		}, "imp-0003"},
		{"created meanwhile", func(t *testing.T, server *store.DB) {
			mustSave(t, server, validPolicy("imp-0150"))
		}, "imp-0150"},
		{"mapping reviewed meanwhile", func(t *testing.T, server *store.DB) {
			u, err := server.CreateUser(ctx, store.User{Email: "rev@example.org", Role: "editor"}, "x")
			if err != nil {
				t.Fatal(err)
			}
			p, err := server.Policy(ctx, "imp-0004")
			if err != nil {
				t.Fatal(err)
			}
			rctx := store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email})
			if _, err := server.ReviewMapping(rctx, p.Mappings[0].ID, store.Review{Action: store.ReviewApprove}); err != nil {
				t.Fatal(err)
			}
		}, "imp-0004"},
		{"another policy saved meanwhile", func(t *testing.T, server *store.DB) {
			mustSave(t, server, validPolicy("other"))
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustFixture(t)
			for i := range 100 {
				mustSave(t, db, validPolicy(fmt.Sprintf("imp-%04d", i)))
			}
			server, err := store.Open(ctx, db.Path())
			if err != nil {
				t.Fatal(err)
			}
			defer server.Close()
			stage := func() *store.PolicyImport {
				t.Helper()
				pi, err := db.BeginPolicyImport(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for from := 0; from < 200; from += 100 {
					var batch []store.StagedPolicy
					for i := from; i < from+100; i++ {
						p := validPolicy(fmt.Sprintf("imp-%04d", i))
						p.Summary = "As imported."
						batch = append(batch, store.StagedPolicy{Policy: p, Line: 2 + i})
					}
					if err := pi.Stage(ctx, batch); err != nil {
						t.Fatal(err)
					}
				}
				return pi
			}
			pi := stage()
			tc.write(t, server)
			seq, _ := db.LastChange(ctx)
			err = pi.Apply(ctx, nil)
			if err := pi.Discard(ctx); err != nil {
				t.Fatal(err)
			}
			if tc.stale == "" {
				if err != nil {
					t.Fatalf("swap refused: %v", err)
				}
				return
			}
			var se *store.StaleImportError
			if !errors.As(err, &se) || se.Slug != tc.stale || !errors.Is(err, store.ErrConflict) ||
				!strings.Contains(err.Error(), "policy "+tc.stale+" was changed by someone else") {
				t.Fatalf("got %v, want a *StaleImportError naming %s", err, tc.stale)
			}
			var n int
			fmt.Sscanf(tc.stale, "imp-%d", &n)
			if se.Line != 2+n {
				t.Errorf("line %d, want %d", se.Line, 2+n)
			}
			if after, _ := db.LastChange(ctx); after != seq {
				t.Errorf("a refused swap wrote %d changes", after-seq)
			}
			if p, err := db.Policy(ctx, "imp-0001"); err != nil || p.Summary == "As imported." {
				t.Errorf("a refused swap applied imp-0001 (%v)", err)
			}
			// Staged again from the new state, it applies over the change.
			pi = stage()
			defer pi.Discard(ctx)
			if err := pi.Apply(ctx, nil); err != nil {
				t.Fatalf("second import: %v", err)
			}
			p, err := db.Policy(ctx, tc.stale)
			if err != nil || p.Summary != "As imported." {
				t.Errorf("%s after the second import: %+v, %v", tc.stale, p.Summary, err)
			}
		})
	}
}

func mustSave(t *testing.T, db *store.DB, p store.Policy) {
	t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	if _, err := db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
}
