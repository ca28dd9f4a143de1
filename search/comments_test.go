package search

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/dc-isss/accord/store"
)

// consultT0 is the fixture's clock at the start: the consultation opens a
// day later.
var consultT0 = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)

// consultFixture is a seeded database with a document under a
// consultation, a clock the test moves, and an index following it.
type consultFixture struct {
	db  *store.DB
	ix  *Index
	now time.Time
}

func newConsultFixture(t *testing.T, moderation string) *consultFixture {
	t.Helper()
	ctx := context.Background()
	f := &consultFixture{db: mustOpen(t), now: consultT0}
	f.db.Now = func() time.Time { return f.now }
	if _, err := f.db.CreateDocument(ctx, store.Document{Slug: "consulted-note", Title: "Consulted note"},
		version(0, [2]string{"p1", "Quokka paragraph under consultation."}, [2]string{"p2", "Second paragraph."})); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateConsultation(ctx, store.Consultation{Slug: "round-1", Title: "First round", Document: "consulted-note",
		Version: 1, OpensAt: consultT0.Add(24 * time.Hour), ClosesAt: consultT0.Add(10 * 24 * time.Hour), Timezone: "UTC",
		Moderation: moderation, Questions: []store.Question{{Text: "Is anything missing?"}}}); err != nil {
		t.Fatal(err)
	}
	f.ix = mustIndex(t, f.db, filepath.Join(t.TempDir(), "index"))
	return f
}

// openNow moves the clock past the opening and lets the store announce it,
// as the server's scheduler does.
func (f *consultFixture) openNow(t *testing.T) {
	t.Helper()
	f.now = consultT0.Add(2 * 24 * time.Hour)
	if _, err := f.db.AnnounceOpened(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	f.catchUp(t)
}

func (f *consultFixture) catchUp(t *testing.T) {
	t.Helper()
	if err := f.ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// author adds a stakeholder with a complete profile and returns a context
// acting as them.
func (f *consultFixture) author(t *testing.T, email, name string) context.Context {
	t.Helper()
	ctx := context.Background()
	u, err := f.db.CreateUser(ctx, store.User{Email: email, Name: name, Organisation: name + " Org",
		StakeholderGroup: "civil-society", Country: "KE", Role: "stakeholder"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email})
}

func (f *consultFixture) comment(t *testing.T, as context.Context, n store.NewComment) store.Comment {
	t.Helper()
	n.Consultation = "round-1"
	n.BodyHTML = "<p>" + n.Body + "</p>"
	m, err := f.db.CreateComment(as, n, store.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// commentHits lists the comment hits of a query, public and private alike,
// as "id title | parent url".
func commentHits(t *testing.T, ix *Index, q string) []string {
	t.Helper()
	var out []string
	for _, private := range []bool{false, true} {
		res := search(t, ix, Query{Q: q, Private: private, Kinds: []string{KindComment}})
		for _, h := range res.Hits {
			out = append(out, h.Ref+" "+h.Title+" | "+h.Parent+" "+h.URL)
		}
		if res.Total != len(res.Hits) {
			t.Errorf("Search(%q, Private: %v): total %d, hits %d", q, private, res.Total, len(res.Hits))
		}
	}
	return out
}

func TestConsultedVersionBecomesSearchable(t *testing.T) {
	f := newConsultFixture(t, store.ModerationPre)
	// Upcoming: the consulted draft is members' only.
	if leaks := publicLeaks(search(t, f.ix, Query{Q: "quokka"})); len(leaks) > 0 {
		t.Errorf("before the opening, public Search(quokka) shows %v, want nothing", leaks)
	}
	if got := hitsOfKind(search(t, f.ix, Query{Q: "quokka", Private: true}), KindDocument); len(got) != 1 {
		t.Errorf("before the opening, private Search(quokka): got %v, want the draft block", got)
	}
	f.openNow(t)
	want := []string{"consulted-note#p1 /documents/consulted-note/versions/1#p-p1"}
	for _, private := range []bool{false, true} {
		if diff := gocmp.Diff(want, hitsOfKind(search(t, f.ix, Query{Q: "quokka", Private: private}), KindDocument)); diff != "" {
			t.Errorf("after the opening, Search(quokka, Private: %v) (-want +got):\n%s", private, diff)
		}
	}
	// A rebuild agrees.
	if err := f.ix.Rebuild(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, hitsOfKind(search(t, f.ix, Query{Q: "quokka"}), KindDocument)); diff != "" {
		t.Errorf("after a rebuild, Search(quokka) (-want +got):\n%s", diff)
	}
}

func TestApprovedCommentsOnly(t *testing.T) {
	ctx := context.Background()
	f := newConsultFixture(t, store.ModerationPre)
	f.openNow(t)
	alice := f.author(t, "alice@example.org", "Alice")
	m := f.comment(t, alice, store.NewComment{Paragraph: "p1", Body: "The wombat clause is too vague.", Proposed: "Say platypus instead."})
	q := f.comment(t, alice, store.NewComment{Question: 1, Body: "Wombat question answer."})
	whole := f.comment(t, alice, store.NewComment{Body: "Wombat overall remark."})
	f.catchUp(t)

	if got := commentHits(t, f.ix, "wombat"); len(got) != 0 {
		t.Fatalf("pending comments found: %v", got)
	}
	for _, c := range []store.Comment{m, q, whole} {
		if _, err := f.db.ModerateComment(ctx, c.ID, "approve", "", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	f.catchUp(t)
	id := func(c store.Comment) string { return itoa(c.ID) }
	tests := []struct {
		q    string
		want []string
	}{
		{"platypus", []string{
			id(m) + " Comment on 2 ¶1 | First round /consultations/round-1/paragraphs/p1#c-" + id(m),
			id(m) + " Comment on 2 ¶1 | First round /consultations/round-1/paragraphs/p1#c-" + id(m),
		}},
		{"question answer", []string{
			id(q) + " Comment on question 1 | First round /consultations/round-1/comments/" + id(q),
			id(q) + " Comment on question 1 | First round /consultations/round-1/comments/" + id(q),
		}},
		{"overall remark", []string{
			id(whole) + " Comment on the whole document | First round /consultations/round-1/comments/" + id(whole),
			id(whole) + " Comment on the whole document | First round /consultations/round-1/comments/" + id(whole),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			if diff := gocmp.Diff(tt.want, commentHits(t, f.ix, tt.q)); diff != "" {
				t.Errorf("approved: Search(%q) comment hits (-want +got):\n%s", tt.q, diff)
			}
		})
	}

	// Hidden, then withdrawn: gone.
	if _, err := f.db.ModerateComment(ctx, m.ID, "hide", "off-topic", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.WithdrawComment(alice, q.ID); err != nil {
		t.Fatal(err)
	}
	f.catchUp(t)
	for _, word := range []string{"platypus", "question answer"} {
		if got := commentHits(t, f.ix, word); len(got) != 0 {
			t.Errorf("hidden or withdrawn comment: Search(%q) got %v, want nothing", word, got)
		}
	}
	if got := commentHits(t, f.ix, "overall remark"); len(got) != 2 {
		t.Errorf("Search(overall remark): got %v, want the approved comment still", got)
	}

	// A new title reaches the comments' records.
	title := "Renamed round"
	if _, err := f.db.UpdateConsultation(ctx, "round-1", store.ConsultationPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	f.catchUp(t)
	res := search(t, f.ix, Query{Q: "overall remark", Kinds: []string{KindComment}})
	if len(res.Hits) != 1 || res.Hits[0].Parent != title {
		t.Errorf("after renaming the consultation: got %+v, want one hit with parent %q", res.Hits, title)
	}
}

func TestAnonymousAuthorNeverIndexed(t *testing.T) {
	ctx := context.Background()
	f := newConsultFixture(t, store.ModerationPost)
	f.openNow(t)
	anon := f.author(t, "zyxquarnel@example.org", "Zyxquarnel")
	named := f.author(t, "blorptavish@example.org", "Blorptavish")
	f.comment(t, anon, store.NewComment{Paragraph: "p2", Body: "Echidna remark.", Display: store.DisplayAnonymous})
	f.comment(t, named, store.NewComment{Paragraph: "p2", Body: "Echidna reply.", Display: store.DisplayNamed})
	f.catchUp(t)
	if got := commentHits(t, f.ix, "echidna"); len(got) != 4 {
		t.Fatalf("Search(echidna): got %v, want both comments, public and private", got)
	}
	check := func(when string) {
		for _, word := range []string{"zyxquarnel", "Zyxquarnel Org", "zyxquarnel@example.org", "blorptavish"} {
			for _, private := range []bool{false, true} {
				if res := search(t, f.ix, Query{Q: word, Private: private}); res.Total != 0 {
					t.Errorf("%s: Search(%q, Private: %v) got %v, want no hit: author names are never indexed", when, word, private, ids(res))
				}
			}
		}
	}
	check("after catch-up")
	if err := f.ix.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	check("after rebuild")
}

func TestRebuildIncludesComments(t *testing.T) {
	ctx := context.Background()
	f := newConsultFixture(t, store.ModerationPost)
	f.openNow(t)
	alice := f.author(t, "alice@example.org", "Alice")
	const n = 3
	for range n {
		f.comment(t, alice, store.NewComment{Paragraph: "p2", Body: "Pangolin remark."})
	}
	pending := f.comment(t, alice, store.NewComment{Paragraph: "p2", Body: "Pangolin hidden remark."})
	if _, err := f.db.ModerateComment(ctx, pending.ID, "hide", "spam", "", nil); err != nil {
		t.Fatal(err)
	}
	// A fresh folder: the index is built from the database.
	ix := mustIndex(t, f.db, filepath.Join(t.TempDir(), "fresh"))
	if got := search(t, ix, Query{Q: "pangolin", Kinds: []string{KindComment}}).Total; got != n {
		t.Errorf("fresh index: Search(pangolin) got %d comments, want %d", got, n)
	}
	var last [2]int
	if err := ix.Rebuild(ctx, func(done, total int) { last = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	stats, err := f.db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Comments != n {
		t.Errorf("Stats.Comments: got %d, want %d", stats.Comments, n)
	}
	if last[1] < stats.Policies+stats.Provisions+n || last[0] != last[1] {
		t.Errorf("last progress %v, want done = total >= policies+provisions+%d comments", last, n)
	}
	if got := search(t, ix, Query{Q: "pangolin", Kinds: []string{KindComment}}).Total; got != n {
		t.Errorf("after Rebuild: Search(pangolin) got %d comments, want %d", got, n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
