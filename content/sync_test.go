package content_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// oldRelease is the shipped content as an earlier release had it: the
// bundle without its last three policies, with two policies' summaries and
// one mapping's rationale as they once were, and one framework item
// titled differently. It returns the slugs it dropped, the two changed
// policies and the policy whose mapping changed.
type oldRelease struct {
	bundle   content.Bundle
	dropped  []string
	edited   string // changed in the release, then edited by a member
	plain    string // changed in the release, never edited
	reviewed string // a mapping's rationale changed, then reviewed
	deleted  string // shipped unchanged, deleted by a member
	item     string // the framework item retitled
}

func makeOldRelease(t *testing.T, b content.Bundle) oldRelease {
	t.Helper()
	var o oldRelease
	n := len(b.Policies)
	for _, p := range b.Policies[n-3:] {
		o.dropped = append(o.dropped, p.Slug)
	}
	ps := slices.Clone(b.Policies[:n-3])
	var withMappings []int
	for i, p := range ps {
		if len(p.Mappings) > 0 {
			withMappings = append(withMappings, i)
		}
	}
	if len(withMappings) < 4 {
		t.Fatalf("want four shipped policies with mappings, have %d", len(withMappings))
	}
	e, u, r, d := withMappings[0], withMappings[1], withMappings[2], withMappings[3]
	ps[e].Summary = "An earlier summary."
	ps[u].Summary = "An earlier summary, later corrected."
	ms := slices.Clone(ps[r].Mappings)
	ms[0].Rationale = "An earlier rationale, which a member approved."
	ps[r].Mappings = ms
	ps[r].Summary = "An earlier summary of the policy whose mapping was reviewed."
	o.edited, o.plain, o.reviewed, o.deleted = ps[e].Slug, ps[u].Slug, ps[r].Slug, ps[d].Slug

	fws := slices.Clone(b.Frameworks)
	fw := fws[0]
	items := slices.Clone(fw.Items)
	first := *items[0]
	o.item = first.Code
	first.Title = "An earlier title"
	items[0] = &first
	fw.Items = items
	fws[0] = fw

	o.bundle = b
	o.bundle.Policies = ps
	o.bundle.Frameworks = fws
	// The example document cites policies of the current release.
	o.bundle.Documents = nil
	return o
}

// TestSync loads an earlier release into a data folder, lets members
// edit, delete and review, then syncs the current release: new policies
// are added, the unedited changed one is updated as the system, the
// edited and deleted ones are left alone with the reason, the reviewed
// mapping keeps its review; a dry run before writes nothing and reports
// the same; a second sync does nothing.
func TestSync(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	o := makeOldRelease(t, b)
	if _, err := content.Seed(ctx, db, o.bundle); err != nil {
		t.Fatal(err)
	}
	editor, err := db.CreateUser(ctx, store.User{Email: "ed@example.org", Name: "Ed", Role: "editor"}, "")
	if err != nil {
		t.Fatal(err)
	}
	member := store.WithActor(ctx, store.Actor{UserID: editor.ID, Email: editor.Email})
	if _, _, err := db.EditPolicy(member, o.edited, func(p *store.Policy) error {
		p.Notes = "A member's note."
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeletePolicy(member, o.deleted); err != nil {
		t.Fatal(err)
	}
	old, err := db.Policy(ctx, o.reviewed)
	if err != nil {
		t.Fatal(err)
	}
	earlier := slices.IndexFunc(old.Mappings, func(m store.Mapping) bool {
		return m.Rationale == "An earlier rationale, which a member approved."
	})
	if earlier < 0 {
		t.Fatal("the earlier mapping is not stored")
	}
	if _, err := db.ReviewMapping(member, old.Mappings[earlier].ID, store.Review{Action: store.ReviewApprove}); err != nil {
		t.Fatal(err)
	}

	missing, changed, err := content.Pending(ctx, db, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(missing, o.dropped) || !changed {
		t.Errorf("pending = %v, changed %v; want %v, true", missing, changed, o.dropped)
	}

	before, _ := db.Stats(ctx)
	lastBefore, _ := db.LastChange(ctx)
	dry, err := content.DryRun(ctx, db.Path(), b)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := db.Stats(ctx); after != before {
		t.Errorf("dry run changed the database: %+v, was %+v", after, before)
	}
	if l, _ := db.LastChange(ctx); l != lastBefore {
		t.Errorf("dry run wrote changes: last %d, was %d", l, lastBefore)
	}

	rep, err := content.Sync(ctx, db, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(dry.Results, rep.Results, func(a, b store.SyncResult) bool {
		return a.Slug == b.Slug && a.Action == b.Action && a.Why == b.Why && slices.Equal(a.Fields, b.Fields)
	}) {
		t.Errorf("the dry run reported\n%+v\nthe sync did\n%+v", dry.Results, rep.Results)
	}
	if rep.Loaded {
		t.Error("sync reports a first load of a database that was seeded")
	}
	got := map[string]store.SyncResult{}
	for _, r := range rep.Results {
		got[r.Kind+" "+r.Slug] = r
	}
	for _, s := range o.dropped {
		if r := got["policy "+s]; r.Action != store.SyncAdded {
			t.Errorf("%s: %+v, want added", s, r)
		}
	}
	if r := got["policy "+o.plain]; r.Action != store.SyncUpdated || !slices.Equal(r.Fields, []string{"summary"}) {
		t.Errorf("unedited changed policy: %+v, want updated [summary]", r)
	}
	if r := got["policy "+o.edited]; r.Action != store.SyncLeftAlone || !strings.HasPrefix(r.Why, "edited in this database on ") ||
		!slices.Contains(r.Fields, "summary") {
		t.Errorf("edited policy: %+v, want left alone, edited by a member, summary differing", r)
	}
	if r := got["policy "+o.deleted]; r.Action != store.SyncLeftAlone || !strings.HasPrefix(r.Why, "deleted in this database on ") {
		t.Errorf("deleted policy: %+v, want left alone as deleted", r)
	}
	if r := got["policy "+o.reviewed]; r.Action != store.SyncUpdated || !slices.Equal(r.Fields, []string{"summary"}) || r.KeptReviews != 1 {
		t.Errorf("policy whose changed mapping was reviewed: %+v, want updated [summary], one reviewed mapping kept", r)
	}
	if r := got["framework "+b.Frameworks[0].Slug]; r.Action != store.SyncUpdated || !slices.Equal(r.Fields, []string{"items"}) {
		t.Errorf("framework: %+v, want updated [items]", r)
	}
	if n := rep.Count(store.SyncUnchanged); n != len(b.Policies)-7 {
		t.Errorf("%d unchanged, want %d", n, len(b.Policies)-7)
	}

	// What the database holds now.
	plain, err := db.Policy(ctx, o.plain)
	if err != nil {
		t.Fatal(err)
	}
	if want := policyOf(b, o.plain).Summary; plain.Summary != want {
		t.Errorf("updated summary = %q, want the shipped %q", plain.Summary, want)
	}
	revs, err := db.PolicyRevisions(ctx, o.plain)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Author != "" {
		t.Errorf("revisions of the updated policy: %d, newest by %q; want 2, the newest by the system", len(revs), revs[0].Author)
	}
	edited, err := db.Policy(ctx, o.edited)
	if err != nil {
		t.Fatal(err)
	}
	if edited.Notes != "A member's note." || edited.Summary != "An earlier summary." {
		t.Errorf("edited policy changed: notes %q, summary %q", edited.Notes, edited.Summary)
	}
	if _, err := db.Policy(ctx, o.deleted); err == nil {
		t.Error("the policy a member deleted came back")
	}
	reviewed, err := db.Policy(ctx, o.reviewed)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(reviewed.Mappings, func(m store.Mapping) bool {
		return m.Rationale == "An earlier rationale, which a member approved."
	}); i < 0 || !reviewed.Mappings[i].Reviewed {
		t.Errorf("the reviewed mapping was not kept as approved: %+v", reviewed.Mappings)
	}
	if want := policyOf(b, o.reviewed).Summary; reviewed.Summary != want {
		t.Errorf("summary of the policy with a reviewed mapping = %q, want the shipped %q", reviewed.Summary, want)
	}
	for _, s := range o.dropped {
		p, err := db.Policy(ctx, s)
		if err != nil {
			t.Errorf("added policy %s: %v", s, err)
			continue
		}
		if want := policyOf(b, s); p.Title != want.Title || len(p.Provisions) != len(want.Provisions) {
			t.Errorf("added policy %s: %q with %d provisions, want %q with %d", s, p.Title, len(p.Provisions), want.Title, len(want.Provisions))
		}
	}
	fw, err := db.Framework(ctx, b.Frameworks[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	if fw.Items[0].Code != o.item || fw.Items[0].Title != b.Frameworks[0].Items[0].Title {
		t.Errorf("framework item %s titled %q, want the shipped %q", fw.Items[0].Code, fw.Items[0].Title, b.Frameworks[0].Items[0].Title)
	}
	if missing, changed, err := content.Pending(ctx, db, b); err != nil || len(missing) != 0 || changed {
		t.Errorf("pending after sync = %v, changed %v, err %v; want none", missing, changed, err)
	}

	// Again: nothing to add or update, nothing written.
	last, _ := db.LastChange(ctx)
	again, err := content.Sync(ctx, db, b)
	if err != nil {
		t.Fatal(err)
	}
	if a, u := again.Count(store.SyncAdded), again.Count(store.SyncUpdated); a != 0 || u != 0 {
		t.Errorf("second sync added %d, updated %d; want none", a, u)
	}
	if n := again.Count(store.SyncLeftAlone); n != 2 {
		t.Errorf("second sync left %d alone, want the same 2", n)
	}
	if l, _ := db.LastChange(ctx); l != last {
		cs, _ := db.Changes(ctx, last, 10)
		t.Errorf("second sync wrote changes: last %d, was %d: %+v", l, last, cs)
	}
}

// TestSyncFrameworkKeepsUsedItems: a shipped framework that drops an item
// mappings use is left alone, since replacing it would delete them.
func TestSyncFrameworkKeepsUsedItems(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	used := b.Policies[slices.IndexFunc(b.Policies, func(p store.Policy) bool { return len(p.Mappings) > 0 })].Mappings[0].Item
	fw := b.Frameworks[0]
	var prune func(items []*store.Item) []*store.Item
	prune = func(items []*store.Item) []*store.Item {
		var out []*store.Item
		for _, it := range items {
			if it.Code == used {
				continue
			}
			c := *it
			c.Children = prune(it.Children)
			out = append(out, &c)
		}
		return out
	}
	fw.Items = prune(fw.Items)
	r, err := db.SyncFramework(ctx, fw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Action != store.SyncLeftAlone || !strings.Contains(r.Why, used+" (") {
		t.Errorf("sync of a framework dropping %s: %+v, want left alone naming it", used, r)
	}
	if _, err := db.Framework(ctx, fw.Slug); err != nil {
		t.Fatal(err)
	}
	if r, err := db.SyncFramework(ctx, b.Frameworks[0]); err != nil || r.Action != store.SyncUnchanged {
		t.Errorf("sync of the shipped framework = %+v, %v; want unchanged", r, err)
	}
}

func policyOf(b content.Bundle, slug string) store.Policy {
	for _, p := range b.Policies {
		if p.Slug == slug {
			return p
		}
	}
	return store.Policy{}
}
