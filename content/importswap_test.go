package content_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// swapPair is two databases that start alike: one imports files through
// the staged swap, the other saves the same records one by one as the
// import did before (store.ApplyPolicies, the normal save), each with a
// search index following its changes feed.
type swapPair struct {
	imported, saved *store.DB
	ixI, ixS        *search.Index
	// seeded is the changes feed's last seq once the vocabularies are in,
	// before the clocks are set: what follows is compared.
	seeded int64
}

func newSwapPair(t *testing.T) *swapPair {
	t.Helper()
	fixed := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	sp := &swapPair{imported: vocabDB(t), saved: vocabDB(t)}
	for _, db := range []*store.DB{sp.imported, sp.saved} {
		// The same clock for both, so that stamps compare too.
		db.Now = func() time.Time { return fixed }
	}
	var err error
	if sp.seeded, err = sp.saved.LastChange(context.Background()); err != nil {
		t.Fatal(err)
	}
	open := func(db *store.DB) *search.Index {
		ix, err := search.Open(filepath.Join(t.TempDir(), "index"), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	}
	sp.ixI, sp.ixS = open(sp.imported), open(sp.saved)
	return sp
}

// both runs fn on each database.
func (sp *swapPair) both(t *testing.T, fn func(db *store.DB) error) {
	t.Helper()
	for _, db := range []*store.DB{sp.imported, sp.saved} {
		if err := fn(db); err != nil {
			t.Fatal(err)
		}
	}
}

// step imports the file into one database and saves its records into the
// other, then compares what each holds and what each reported.
func (sp *swapPair) step(t *testing.T, ctx context.Context, name string, in []byte) content.FileReport {
	t.Helper()
	var swapped bool
	rep, err := content.ImportFrom(ctx, sp.imported, name, bytes.NewReader(in), int64(len(in)), content.ImportOptions{
		Swapped: func(time.Duration) { swapped = true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected {
		t.Fatalf("%s rejected: %v", name, rep.Problems)
	}
	if !swapped {
		t.Fatalf("%s was not staged and swapped (more than %d policies?)", name, content.ImportDirect)
	}
	recs, err := content.ParseFile(name, in)
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]store.StagedPolicy, len(recs))
	for i, r := range recs {
		p := r.Policy
		p.Mappings = slices.Clone(p.Mappings)
		for j := range p.Mappings {
			p.Mappings[j].Reviewed = false // as ImportFrom does
		}
		batch[i] = store.StagedPolicy{Policy: p, Line: r.Line, KeepNotes: r.Partial}
	}
	want := content.FileReport{File: name, Created: []string{}, Updated: []string{}, Unchanged: []string{}}
	err = sp.saved.ApplyPolicies(ctx, batch, func(slug string, res store.SaveResult) {
		switch res {
		case store.Created:
			want.Created = append(want.Created, slug)
		case store.Updated:
			want.Updated = append(want.Updated, slug)
		default:
			want.Unchanged = append(want.Unchanged, slug)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("%s: report (-save +import):\n%s", name, diff)
	}
	sp.compare(t, ctx, name)
	return rep
}

// compare checks that both databases hold the same policies, revisions,
// changes feed, audit log, facet counts and search results.
func (sp *swapPair) compare(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	asJSON := func(v any) string {
		b, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	type state struct {
		Policies  string
		Revisions map[string][]store.Revision
		Changes   []store.Change
		Audit     []store.AuditEvent
		Facets    map[string][]store.FacetCount
		Search    map[string][]string
	}
	read := func(db *store.DB, ix *search.Index) state {
		var s state
		ps, err := db.AllPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.Policies = asJSON(ps)
		s.Revisions = map[string][]store.Revision{}
		for _, p := range ps {
			if s.Revisions[p.Slug], err = db.PolicyRevisions(ctx, p.Slug); err != nil {
				t.Fatal(err)
			}
		}
		if s.Changes, err = db.Changes(ctx, sp.seeded, 1<<20); err != nil {
			t.Fatal(err)
		}
		if s.Audit, _, err = db.Audit(ctx, store.AuditFilter{From: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC),
			To: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), Limit: 1 << 20}); err != nil {
			t.Fatal(err)
		}
		list, err := db.Policies(ctx, store.PolicyFilter{PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		s.Facets = list.Facets
		// The index follows the changes feed as a server's does.
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		s.Search = map[string][]string{}
		for _, q := range []string{"renamed", "amended", "rationale rewritten", "provision added", "tabulated", "quokka"} {
			// Policies alone, but for the added provisions: a policy's
			// title is in each of its provisions' records too.
			kinds := []string{"policy"}
			if q == "provision added" {
				kinds = nil
			}
			// Every hit, as a set: copies of one policy score alike, and
			// bleve orders ties by its segments, which merge in the
			// background.
			res, err := ix.Search(ctx, search.Query{Q: q, Kinds: kinds, PerPage: 100})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total > len(res.Hits) {
				// Pages of ties are not stable across queries.
				t.Fatalf("%q: %d hits, more than a page", q, res.Total)
			}
			for _, h := range res.Hits {
				s.Search[q] = append(s.Search[q], h.Kind+" "+h.Slug+" "+h.Ref)
			}
			slices.Sort(s.Search[q])
		}
		return s
	}
	got, want := read(sp.imported, sp.ixI), read(sp.saved, sp.ixS)
	if len(want.Changes) == 0 || len(want.Audit) == 0 || len(want.Search["quokka"]) == 0 {
		t.Fatalf("%s: nothing to compare: %d changes, %d audit events, %d hits", step, len(want.Changes), len(want.Audit), len(want.Search["quokka"]))
	}
	if diff := cmp.Diff(want.Policies, got.Policies); diff != "" {
		t.Errorf("%s: policies (-save +import):\n%s", step, diff)
	}
	for _, c := range []struct {
		what      string
		want, got any
	}{
		{"revisions", want.Revisions, got.Revisions},
		{"changes feed", want.Changes, got.Changes},
		{"audit log", want.Audit, got.Audit},
		{"facet counts", want.Facets, got.Facets},
		{"search results", want.Search, got.Search},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s: %s (-save +import):\n%s", step, c.what, diff)
		}
	}
}

// swapInput is the shipped policies with their provisions and mappings,
// then copies of them under other slugs, n in all.
func swapInput(t *testing.T, n int) []store.Policy {
	t.Helper()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Policy
	for i := 0; len(out) < n; i++ {
		p := b.Policies[i%len(b.Policies)]
		if i >= len(b.Policies) {
			p.Slug = fmt.Sprintf("copy-%03d-%s", i, p.Slug)
			if len(p.Slug) > 100 {
				p.Slug = p.Slug[:100]
			}
			p.Slug = strings.TrimRight(p.Slug, "-")
			p.Title = fmt.Sprintf("%s (copy %d)", p.Title, i)
		}
		if i == 47 {
			p.Title = "Quokka Device Labelling Order"
		}
		out = append(out, p)
	}
	return out
}

func exportBytes(t *testing.T, ps []store.Policy, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := content.Export(&b, ps, format); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportSwapEqualsSave imports files through the staged swap and saves
// the same records one by one on a twin database: policies (ids, stamps
// and authors included), revisions, the changes feed in seq order, the
// audit log, facet counts and what the search index following the feed
// finds must be the same. The files create policies, update them
// (title, provisions added, removed and reordered, a mapping's rationale,
// jurisdictions, topics), leave some unchanged, keep reviews of mappings
// they leave alone, and (CSV) keep the notes of a format without them.
func TestImportSwapEqualsSave(t *testing.T) {
	sp := newSwapPair(t)
	base := context.Background()
	var editor, reviewer store.User
	sp.both(t, func(db *store.DB) (err error) {
		editor, err = db.CreateUser(base, store.User{Email: "editor@example.org", Name: "Eda", Role: "editor"}, "x")
		if err != nil {
			return err
		}
		reviewer, err = db.CreateUser(base, store.User{Email: "reviewer@example.org", Name: "Rae", Role: "editor"}, "x")
		return err
	})
	ctx := store.WithActor(base, store.Actor{UserID: editor.ID, Email: editor.Email, IP: "192.0.2.7"})

	all := swapInput(t, 160)
	first := sp.step(t, ctx, "first.json", exportBytes(t, all[:120], "json"))
	if len(first.Created) != 120 {
		t.Fatalf("first import created %d, want 120", len(first.Created))
	}

	// A member other than the importer reviews two mappings, alike on both.
	rctx := store.WithActor(base, store.Actor{UserID: reviewer.ID, Email: reviewer.Email})
	reviewed := map[string]bool{}
	sp.both(t, func(db *store.DB) error {
		for i, slug := range []string{all[0].Slug, all[1].Slug} {
			p, err := db.Policy(base, slug)
			if err != nil {
				return err
			}
			if len(p.Mappings) == 0 {
				return fmt.Errorf("%s has no mapping to review", slug)
			}
			action := []string{store.ReviewApprove, store.ReviewReject}[i]
			if _, err := db.ReviewMapping(rctx, p.Mappings[0].ID, store.Review{Action: action, Note: "checked"}); err != nil {
				return err
			}
			reviewed[slug] = true
		}
		return nil
	})

	// The second file: some policies changed in each way, the rest as
	// they are, and 40 new ones.
	second := slices.Clone(all)
	edits := 0
	for i := range second[:120] {
		p := &second[i]
		p.Provisions = slices.Clone(p.Provisions)
		p.Mappings = slices.Clone(p.Mappings)
		switch {
		case i%4 == 3:
			continue // unchanged
		case reviewed[p.Slug] || i%7 == 0:
			// A reviewed mapping left as it is keeps its review.
			p.Title = "Renamed " + p.Title
		case i%7 == 1 && len(p.Provisions) > 1:
			// Drop the first provision (and so its mappings).
			gone := p.Provisions[0].Ref
			p.Provisions = p.Provisions[1:]
			p.Mappings = slices.DeleteFunc(p.Mappings, func(m store.Mapping) bool { return m.Provision == gone })
		case i%7 == 2:
			p.Provisions = append(p.Provisions, store.Provision{Ref: "X.99", Title: "Added", Text: "A provision on default passwords added by the import.", Topics: []string{"default-passwords"}})
		case i%7 == 3 && len(p.Provisions) > 1:
			p.Provisions[0], p.Provisions[1] = p.Provisions[1], p.Provisions[0]
		case i%7 == 4 && len(p.Mappings) > 0:
			p.Mappings[0].Rationale = "Rationale rewritten by the import."
		case i%7 == 5:
			p.Jurisdictions = append(slices.Clone(p.Jurisdictions), "GB")
			p.Topics = nil
		default:
			p.Summary += " Amended."
		}
		edits++
	}
	rep := sp.step(t, ctx, "second.json", exportBytes(t, second, "json"))
	if len(rep.Created) != 40 || len(rep.Updated) < edits/2 || len(rep.Unchanged) < 20 {
		t.Errorf("second import: %d created, %d updated, %d unchanged; want 40 created and a mix", len(rep.Created), len(rep.Updated), len(rep.Unchanged))
	}

	// CSV carries no notes, provisions or mappings: the stored ones stay.
	ps, err := sp.saved.AllPolicies(base)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		if i%5 == 0 {
			ps[i].Title += " (tabulated)"
		}
	}
	sp.step(t, ctx, "third.csv", exportBytes(t, ps, "csv"))
}

// TestImportRefusesStalePolicy has a member save a policy of the file
// after it was staged and before the swap: the file is rejected whole
// with a problem naming the policy and its line, and importing it again
// applies it.
func TestImportRefusesStalePolicy(t *testing.T) {
	db := vocabDB(t)
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	in := genJSON(300, nil)
	if rep := importBytes(t, db, "first.json", in); rep.Rejected {
		t.Fatal(rep.Problems)
	}
	server, err := store.Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	second := genJSON(300, func(i int, f map[string]string) { f["type"] = `"regulation"` })
	edit := func() {
		p, err := server.Policy(ctx, "gen-000123")
		if err != nil {
			t.Fatal(err)
		}
		p.Title = "Edited by a member while the file was imported"
		if _, err := server.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := content.ImportFrom(ctx, db, "second.json", bytes.NewReader(second), int64(len(second)), content.ImportOptions{Applying: edit})
	if err != nil {
		t.Fatal(err)
	}
	want := []content.Problem{{Line: 2 + recordLines*123, Field: "slug",
		Message: "policy gen-000123 was changed by someone else while the file was being imported; nothing was saved: import the file again"}}
	if diff := cmp.Diff(want, rep.Problems); diff != "" || !rep.Rejected || len(rep.Updated) != 0 {
		t.Errorf("rejected %v, %d updated; problems (-want +got):\n%s", rep.Rejected, len(rep.Updated), diff)
	}
	if p, _ := db.Policy(ctx, "gen-000001"); p.Type != "law" {
		t.Errorf("a rejected import changed gen-000001 to %q", p.Type)
	}
	if n := stagedRows(t, db); n != 0 {
		t.Errorf("%d rows left in the staging table", n)
	}
	rep = importBytes(t, db, "second.json", second)
	if rep.Rejected || len(rep.Updated) != 300 {
		t.Errorf("imported again: rejected %v, %d updated, want 300", rep.Rejected, len(rep.Updated))
	}
}
