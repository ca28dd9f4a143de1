package content_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// vocabDB is a database with the shipped vocabularies and no policies.
func vocabDB(t *testing.T) *store.DB {
	t.Helper()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	b.Policies, b.Documents = nil, nil
	if _, err := content.Seed(context.Background(), db, b); err != nil {
		t.Fatal(err)
	}
	return db
}

// recordLines is how many lines genJSON gives each policy; policy i
// (from 0) starts on line 2+recordLines*i and its adopted date is on the
// sixth line of the policy.
const recordLines = 8

// genJSON writes n policies as a pretty-printed JSON array, each from a
// realistic record with its own slug; edit may change policy i's fields.
func genJSON(n int, edit func(i int, fields map[string]string)) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i := range n {
		f := map[string]string{
			"slug":    fmt.Sprintf(`"gen-%06d"`, i),
			"title":   fmt.Sprintf(`"Generated Security of Connected Products Regulation %d"`, i),
			"juris":   `["GB"]`,
			"type":    `"law"`,
			"adopted": `"2022-12-06"`,
			"summary": `"Sets minimum security requirements for consumer connectable products: no universal default passwords, a published way to report vulnerabilities, and a stated minimum period of security updates."`,
		}
		if edit != nil {
			edit(i, f)
		}
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  {\n    \"slug\": %s,\n    \"title\": %s,\n    \"jurisdictions\": %s,\n    \"type\": %s,\n    \"adopted\": %s,\n    \"summary\": %s\n  }%s\n",
			f["slug"], f["title"], f["juris"], f["type"], f["adopted"], f["summary"], sep)
	}
	b.WriteString("]\n")
	return b.Bytes()
}

func importBytes(t *testing.T, db *store.DB, name string, b []byte) content.FileReport {
	t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	rep, err := content.ImportFrom(ctx, db, name, bytes.NewReader(b), int64(len(b)), content.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// stagedRows counts what is left in the staging table.
func stagedRows(t *testing.T, db *store.DB) int {
	t.Helper()
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow("SELECT COUNT(*) FROM import_results").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportStreamRejectsWholeFile puts one bad record deep inside files
// larger than a staging batch: nothing is written and the message names
// the record, its line and field.
func TestImportStreamRejectsWholeFile(t *testing.T) {
	const n = 2500 // more than two staging batches
	bad := 1699
	line := 2 + recordLines*bad
	for _, tc := range []struct {
		name string
		in   []byte
		want []content.Problem
	}{
		{"bad date", genJSON(n, func(i int, f map[string]string) {
			if i == bad {
				f["adopted"] = `"2020-02-30"`
			}
		}), []content.Problem{{Line: line + 5, Field: "adopted", Message: "policy 1700 (gen-001699): "}}},
		{"unknown jurisdiction", genJSON(n, func(i int, f map[string]string) {
			if i == bad {
				f["juris"] = `["XQ"]`
			}
		}), []content.Problem{{Line: line, Field: "jurisdictions", Message: "XQ is not a known jurisdiction"}}},
		{"duplicate slug", genJSON(n, func(i int, f map[string]string) {
			if i == bad {
				f["slug"] = `"gen-000007"`
			}
		}), []content.Problem{{Line: line, Field: "slug", Message: fmt.Sprintf("gen-000007 appears twice in the file (first on line %d)", 2+recordLines*7)}}},
		{"invalid UTF-8, after a bad record", genJSON(n, func(i int, f map[string]string) {
			switch i {
			case 3:
				f["type"] = `"decree"` // not reported: the file as a whole is at fault
			case bad:
				f["title"] = "\"Caf\xe9\""
			}
		}), []content.Problem{{Line: line + 2, Message: "the file is not UTF-8 text"}}},
		{"syntax error", bytes.Replace(genJSON(n, nil), []byte(`"gen-001699",`), []byte(`"gen-001699"`), 1),
			[]content.Problem{{Line: line + 2, Message: "policy 1700: "}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := vocabDB(t)
			seq, _ := db.LastChange(context.Background())
			rep := importBytes(t, db, "big.json", tc.in)
			if !rep.Rejected || len(rep.Created) != 0 {
				t.Fatalf("got %+v, want rejected with nothing created", rep)
			}
			if len(rep.Problems) != len(tc.want) {
				t.Fatalf("got problems %+v, want %+v", rep.Problems, tc.want)
			}
			for i, w := range tc.want {
				g := rep.Problems[i]
				if g.Line != w.Line || g.Field != w.Field || !strings.Contains(g.Message, w.Message) {
					t.Errorf("problem %d: got %+v, want %+v", i, g, w)
				}
			}
			if after, _ := db.LastChange(context.Background()); after != seq {
				t.Error("a rejected file wrote to the database")
			}
			if ps, _ := db.AllPolicies(context.Background()); len(ps) != 0 {
				t.Errorf("%d policies saved from a rejected file", len(ps))
			}
			if n := stagedRows(t, db); n != 0 {
				t.Errorf("%d rows left in the staging table", n)
			}
		})
	}
}

// TestImportStreamCSVInvalidUTF8 finds a byte that is not UTF-8 far into
// a CSV file and names its line.
func TestImportStreamCSVInvalidUTF8(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := range 3000 {
		title := "Title"
		if i == 2000 {
			title = "Caf\xe9"
		}
		fmt.Fprintf(&b, "csv-%05d,%s %d,,GB,,law,,,,,,,,,\n", i, title, i)
	}
	rep := importBytes(t, vocabDB(t), "big.csv", []byte(b.String()))
	want := []content.Problem{{Line: 2002, Message: "the file is not UTF-8 text; save it as CSV UTF-8"}}
	if diff := cmp.Diff(want, rep.Problems); diff != "" || !rep.Rejected {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestImportStreamKeepsHistory checks that swapping staged policies in
// keeps revisions, the changes feed and the audit log as saving them does.
// Files of at most content.ImportDirect policies are saved without
// staging; both ways are checked, staged in several batches and in one.
func TestImportStreamKeepsHistory(t *testing.T) {
	for _, n := range []int{2100, 600, content.ImportDirect} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { testKeepsHistory(t, n) })
	}
}

func testKeepsHistory(t *testing.T, n int) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	first := genJSON(n, nil)
	second := genJSON(n, func(i int, f map[string]string) {
		if i%1000 == 5 { // 5, 1005, 2005: one in each staging batch
			f["title"] = fmt.Sprintf(`"Renamed %d"`, i)
		}
	})
	imported, saved := vocabDB(t), vocabDB(t)
	for step, in := range [][]byte{first, second} {
		seqI, _ := imported.LastChange(ctx)
		seqS, _ := saved.LastChange(ctx)
		rep := importBytes(t, imported, fmt.Sprintf("step%d.json", step), in)
		if rep.Rejected {
			t.Fatalf("step %d rejected: %v", step, rep.Problems)
		}
		recs, err := content.ParseJSON("same.json", in)
		if err != nil {
			t.Fatal(err)
		}
		ps := make([]store.Policy, len(recs))
		for i, r := range recs {
			ps[i] = r.Policy
		}
		if _, err := saved.SavePolicies(ctx, ps, store.Upsert); err != nil {
			t.Fatal(err)
		}
		afterI, _ := imported.LastChange(ctx)
		afterS, _ := saved.LastChange(ctx)
		if afterI-seqI != afterS-seqS {
			t.Errorf("step %d: import recorded %d changes, saving %d", step, afterI-seqI, afterS-seqS)
		}
		if changed := (n + 994) / 1000; step == 1 && (len(rep.Updated) != changed || len(rep.Unchanged) != n-changed) {
			t.Errorf("second import: %d updated, %d unchanged; want %d and %d", len(rep.Updated), len(rep.Unchanged), changed, n-changed)
		}
	}
	events := func(db *store.DB) []string {
		evs, _, err := db.Audit(ctx, store.AuditFilter{Action: "policy.", Limit: 5000})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(evs))
		for i, e := range evs {
			out[i] = strings.Join([]string{e.Actor, e.Action, e.Object, e.Detail}, " | ")
		}
		return out
	}
	if diff := cmp.Diff(events(saved), events(imported)); diff != "" {
		t.Errorf("audit of import differs from saving (-save +import):\n%s", diff)
	}
	for _, slug := range []string{"gen-000005", "gen-000006"} {
		ri, _ := imported.PolicyRevisions(ctx, slug)
		rs, _ := saved.PolicyRevisions(ctx, slug)
		if len(ri) != len(rs) || len(ri) == 0 {
			t.Errorf("%s: %d revisions after import, %d after saving", slug, len(ri), len(rs))
		}
	}
	if n := stagedRows(t, imported); n != 0 {
		t.Errorf("%d rows left in the staging table", n)
	}
}

// TestImportStreamSearchable imports through a second handle, as `accord
// import` does beside a running server, and waits for the index that
// follows the first to find the new policy.
func TestImportStreamSearchable(t *testing.T) {
	db := vocabDB(t)
	ix, err := search.Open(filepath.Join(t.TempDir(), "index"), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Follow(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Follow: %v", err)
		}
	}()
	other, err := store.Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rep := importBytes(t, other, "quokka.json", genJSON(1200, func(i int, f map[string]string) {
		if i == 1100 {
			f["title"] = `"Quokka Device Labelling Order"`
		}
	}))
	if rep.Rejected || len(rep.Created) != 1200 {
		t.Fatalf("got %d created, problems %v", len(rep.Created), rep.Problems)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := ix.Search(ctx, search.Query{Q: "quokka"})
		if err == nil && len(res.Hits) > 0 && res.Hits[0].Slug == "gen-001100" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the imported policy never became searchable (last: %+v, %v)", res.Hits, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
