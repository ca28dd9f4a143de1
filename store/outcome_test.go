package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// seededDB is a database holding the shipped content: its policies, the
// research framework and the example document, whose version 2 has six
// recommendations under a "Recommendations" heading.
func seededDB(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(context.Background(), db, b); err != nil {
		t.Fatal(err)
	}
	return db, path
}

const example = "iot-security-by-design"

func TestRecommendationsRule(t *testing.T) {
	h := func(id, section, text string) store.Paragraph {
		return store.Paragraph{ID: id, Section: section, Kind: "heading", Text: text}
	}
	p := func(id, section, text string) store.Paragraph {
		return store.Paragraph{ID: id, Section: section, Ordinal: 1, Kind: "paragraph", Text: text}
	}
	tests := []struct {
		name      string
		ps        []store.Paragraph
		want      []string // the first paragraph id of each recommendation
		wantSpans [][]string
	}{
		{"sections below the heading", []store.Paragraph{
			h("p1", "1", "Scope"), p("p2", "1", "Recommendation 0 is not one here."),
			h("p3", "2", "Recommendations"), p("p4", "2", "Intro."),
			h("p5", "2.1", "First"), p("p6", "2.1", "Text."), h("p7", "2.1.1", "Detail"), p("p8", "2.1.1", "More."),
			h("p9", "2.2", "Second"), p("p10", "2.2", "Text."),
			h("p11", "3", "Next steps"), p("p12", "3", "Later."),
		}, []string{"p5", "p9"}, [][]string{{"p5", "p6", "p7", "p8"}, {"p9", "p10"}}},
		{"blocks that begin Recommendation", []store.Paragraph{
			h("p1", "1", "Scope"), p("p2", "1", "Recommendation 1: do this."), p("p3", "1", "A note."),
			p("p4", "1", "recommendation 2 — and that."),
		}, []string{"p2", "p4"}, [][]string{{"p2"}, {"p4"}}},
		{"a Recommendations heading without subsections falls back", []store.Paragraph{
			h("p1", "1", "Recommendations"), p("p2", "1", "Recommendation A: one."),
		}, []string{"p2"}, [][]string{{"p2"}}},
		{"none", []store.Paragraph{h("p1", "1", "Scope"), p("p2", "1", "Text.")}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := store.Recommendations(tt.ps)
			var got []string
			var gotSpans [][]string
			for _, s := range spans {
				got = append(got, s.Heading.ID)
				var ids []string
				for _, q := range s.Paragraphs {
					ids = append(ids, q.ID)
				}
				gotSpans = append(gotSpans, ids)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("recommendations start at %v, want %v", got, tt.want)
			}
			if !slices.EqualFunc(gotSpans, tt.wantSpans, slices.Equal[[]string]) {
				t.Errorf("spans %v, want %v", gotSpans, tt.wantSpans)
			}
		})
	}
	if got := (store.RecommendationSpan{Heading: p("p1", "1", "Recommendation 3: labels should be mutually recognised. More text.")}).Title(); got != "Recommendation 3" {
		t.Errorf("title of a block recommendation: got %q, want %q", got, "Recommendation 3")
	}
}

// TestPublishedTraceabilityMatchesCitations publishes the example's second
// version and checks each recommendation's evidence against the citations
// the version itself records, paragraph by paragraph.
func TestPublishedTraceabilityMatchesCitations(t *testing.T) {
	db, _ := seededDB(t)
	ctx := context.Background()
	e, err := db.Publish(ctx, example, 2)
	if err != nil {
		t.Fatal(err)
	}
	if e.Number != 1 || e.Version != 2 || e.Title == "" || e.PublishedAt.IsZero() {
		t.Fatalf("edition: got %+v, want edition 1 of version 2 with title and date", e)
	}
	v, err := db.Version(ctx, example, 2)
	if err != nil {
		t.Fatal(err)
	}
	recs := e.Record.Recommendations
	if len(recs) != 6 {
		t.Fatalf("got %d recommendations, want the example's 6", len(recs))
	}
	for _, r := range recs {
		var wantPolicies, wantItems []string
		for _, c := range v.Citations {
			if !slices.Contains(r.Paragraphs, c.Paragraph) {
				continue
			}
			switch {
			case c.Kind == "policy" && !slices.Contains(wantPolicies, c.Target):
				wantPolicies = append(wantPolicies, c.Target)
			case c.Kind == "item" && !slices.Contains(wantItems, c.Target):
				wantItems = append(wantItems, c.Target)
			}
		}
		var gotPolicies, gotItems []string
		for _, p := range r.Policies {
			gotPolicies = append(gotPolicies, p.Slug)
			if p.Missing || p.Title == "" || len(p.Jurisdictions) == 0 {
				t.Errorf("recommendation %d: policy %+v lacks its title or jurisdiction", r.Number, p)
			}
		}
		for _, it := range r.Items {
			gotItems = append(gotItems, it.Code)
			if it.Title == "" || it.Kind == "" {
				t.Errorf("recommendation %d: item %+v lacks its title or kind", r.Number, it)
			}
		}
		if !slices.Equal(gotPolicies, wantPolicies) || len(wantPolicies) == 0 {
			t.Errorf("recommendation %d (%s): policies %v, want the cited %v", r.Number, r.Title, gotPolicies, wantPolicies)
		}
		if !slices.Equal(gotItems, wantItems) || len(wantItems) == 0 {
			t.Errorf("recommendation %d (%s): items %v, want the cited %v", r.Number, r.Title, gotItems, wantItems)
		}
		for _, m := range r.Mapped {
			if slices.Contains(wantItems, m.Code) {
				t.Errorf("recommendation %d: mapped challenge %s is also cited; it should be shown only as cited", r.Number, m.Code)
			}
			for _, p := range m.Policies {
				if !slices.Contains(wantPolicies, p) {
					t.Errorf("recommendation %d: mapped challenge %s comes from %s, which it does not cite", r.Number, m.Code, p)
				}
			}
		}
	}
	if recs[0].Title != "Close the gaps of architecture" || recs[0].Items[0].Code != "C1" {
		t.Errorf("first recommendation: got %q addressing %v, want the architecture section addressing C1", recs[0].Title, recs[0].Items)
	}
	if len(e.Record.Consultations) != 0 || recs[0].Consultation != "" {
		t.Errorf("a document never consulted has a consultation record: %+v", e.Record.Consultations)
	}
}

func TestPublishRules(t *testing.T) {
	db, _ := seededDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	// wantVersionMessage checks that publishing version n is refused with
	// a message on "version" naming the versions that can be published.
	wantVersionMessage := func(n int, want string) {
		t.Helper()
		var ve *store.ValidationError
		if _, err := db.Publish(ctx, example, n); !errors.As(err, &ve) || ve.Fields["version"] != want {
			t.Errorf("publish version %d: got %v, want %q on version", n, err, want)
		}
	}
	for _, n := range []int{0, 3} {
		wantVersionMessage(n, "Choose one of versions 1 and 2")
	}
	if _, err := db.Publish(ctx, "no-such-document", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("publish an unknown document: got %v, want not found", err)
	}
	// A consultation open on version 1 refuses publishing until it closes.
	if _, err := db.CreateConsultation(ctx, store.Consultation{Slug: "c1", Title: "First round", Document: example, Version: 1,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(48 * time.Hour), Timezone: "UTC", Moderation: store.ModerationPost}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Publish(ctx, example, 2); !errors.Is(err, store.ErrConsultationOpen) {
		t.Errorf("publish while a consultation is open: got %v, want ErrConsultationOpen", err)
	}
	if outs, _ := db.Outcomes(ctx); len(outs) != 0 {
		t.Errorf("refused publication left outcomes %+v", outs)
	}
	now = now.Add(72 * time.Hour)
	first, err := db.Publish(ctx, example, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Publish(ctx, example, 1); !errors.Is(err, store.ErrAlreadyPublished) {
		t.Errorf("publish the same version again: got %v, want ErrAlreadyPublished", err)
	}
	wantVersionMessage(3, "Choose version 2")
	now = now.Add(time.Hour)
	second, err := db.Publish(ctx, example, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantVersionMessage(3, "Every version is published already; save a new version to publish a new edition")
	if first.Number != 1 || second.Number != 2 || second.Version != 2 {
		t.Errorf("editions: got %d (v%d) then %d (v%d), want 1 (v1) then 2 (v2)", first.Number, first.Version, second.Number, second.Version)
	}
	d, err := db.Document(ctx, example)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != store.StatusPublished || d.LatestPublic != 2 {
		t.Errorf("document after publishing: status %s, latest public %d; want published, 2", d.Status, d.LatestPublic)
	}
	eds, err := db.Editions(ctx, example)
	if err != nil || len(eds) != 2 || eds[0].Number != 1 || eds[1].Number != 2 {
		t.Fatalf("editions: got %+v, %v; want 1 and 2, oldest first", eds, err)
	}
	if st, err := db.OutcomeState(ctx, example); err != nil || st.Newest != 2 || st.Status != store.StatusPublished || st.GroupName == "" {
		t.Errorf("outcome state: got %+v, %v; want newest edition 2, published, with the group's name", st, err)
	}
	if st, err := db.OutcomeState(ctx, "no-such-document"); err != nil || st.Newest != 0 {
		t.Errorf("outcome state of nothing: got %+v, %v; want newest 0", st, err)
	}
	if e, err := db.Edition(ctx, example, 1); err != nil || e.Version != 1 || len(e.Record.Recommendations) == 0 {
		t.Errorf("edition 1: got %+v, %v; want version 1 with its recommendations", e, err)
	}
	if _, err := db.Edition(ctx, example, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("edition 3: got %v, want not found", err)
	}
	outs, err := db.Outcomes(ctx)
	if err != nil || len(outs) != 1 || outs[0].Latest.Number != 2 || outs[0].Editions != 2 || !outs[0].Consulted {
		t.Errorf("outcomes: got %+v, %v; want the example at edition 2 of 2, after a consultation", outs, err)
	}
	if all := outs[0].All; len(all) != 2 || all[0].Number != 1 || all[1].Number != 2 {
		t.Errorf("the outcome's editions: got %+v; want edition 1 then 2", all)
	}
	// Archiving keeps the outcome, marked.
	if err := db.SetDocumentStatus(ctx, example, store.StatusArchived); err != nil {
		t.Fatal(err)
	}
	if outs, _ := db.Outcomes(ctx); len(outs) != 1 || !outs[0].Archived() {
		t.Errorf("archived outcome: got %+v, want it listed and marked archived", outs)
	}
}

// TestRecordFrozenAtPublication checks that the consultation record and
// each recommendation's comments are those of the moment of publishing:
// later dispositions and later edits of the cited policies do not change
// the edition.
func TestRecordFrozenAtPublication(t *testing.T) {
	db, _ := seededDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	if _, err := db.CreateConsultation(ctx, store.Consultation{Slug: "round-1", Title: "First round", Document: example, Version: 1,
		OpensAt: now.Add(time.Hour), ClosesAt: now.Add(48 * time.Hour), Timezone: "Europe/Paris", Moderation: store.ModerationPost}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	v1, err := db.Version(ctx, example, 1)
	if err != nil {
		t.Fatal(err)
	}
	spans := store.Recommendations(v1.Paragraphs)
	target := spans[0].Paragraphs[1].ID // the first recommendation's first block
	u, err := db.CreateUser(ctx, store.User{Email: "a@example.org", Name: "Ada", Organisation: "Org", StakeholderGroup: "civil-society",
		Country: "KE", Role: "stakeholder"}, "")
	if err != nil {
		t.Fatal(err)
	}
	uctx := store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email})
	var ids []int64
	for _, body := range []string{"Name the reference architecture you mean.", "Say which layer a rule covers."} {
		m, err := db.CreateComment(uctx, store.NewComment{Consultation: "round-1", Paragraph: target, Type: "technical", Body: body,
			BodyHTML: "<p>" + body + "</p>", Display: store.DisplayNamed, Signature: content.MinHash(body)}, store.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if _, err := db.SetDisposition(ctx, ids[0], store.Disposition{Value: "accepted", Rationale: "The text now names it."}, nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(72 * time.Hour)
	e, err := db.Publish(ctx, example, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Afterwards: a second disposition, and the first cited policy renamed.
	if _, err := db.SetDisposition(ctx, ids[1], store.Disposition{Value: "noted", Rationale: "Later."}, nil); err != nil {
		t.Fatal(err)
	}
	cited := e.Record.Recommendations[0].Policies[0]
	if _, _, err := db.EditPolicy(ctx, cited.Slug, func(p *store.Policy) error { p.Title = "Renamed later"; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := db.Edition(ctx, example, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Record.LastConsultation()
	if c == nil || c.Slug != "round-1" || c.Version != 1 || c.Stats.Approved != 2 || c.Stats.Answered != 1 || c.Stats.ByGroup["civil-society"] != 2 {
		t.Fatalf("consultation record: got %+v, want round-1 on version 1 with 2 comments, 1 answered, both civil society", c)
	}
	r := got.Record.Recommendations[0]
	if r.Consultation != "round-1" || r.ConsultedVersion != 1 || r.CommentTotal != 2 || len(r.Comments) != 2 {
		t.Fatalf("first recommendation's comments: got %+v, want both comments of round-1", r)
	}
	if r.Comments[0].Disposition != "accepted" || r.Comments[0].Rationale != "The text now names it." || r.Comments[1].Disposition != "" {
		t.Errorf("dispositions in the record: got %q/%q and %q, want accepted with its rationale, then none (given after publishing)",
			r.Comments[0].Disposition, r.Comments[0].Rationale, r.Comments[1].Disposition)
	}
	if strings.Contains(r.Comments[0].Excerpt, "Ada") || r.Comments[0].Group != "civil-society" || r.Comments[0].Country != "KE" {
		t.Errorf("record comment: got %+v, want group and country, never the name", r.Comments[0])
	}
	if r.Policies[0].Title == "Renamed later" || r.Policies[0].Title != cited.Title {
		t.Errorf("cited policy title: got %q, want the title at publication %q", r.Policies[0].Title, cited.Title)
	}
	// A moderator hides the answered comment later: the pages leave it
	// out (OutcomeView), and the state that caches revalidate with moves.
	before, err := db.OutcomeState(ctx, example)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ModerateComment(ctx, ids[0], store.ModerateHide, "personal-data", "", nil); err != nil {
		t.Fatal(err)
	}
	view, err := db.OutcomeView(ctx, example, 1)
	if err != nil {
		t.Fatal(err)
	}
	vr := view.Edition.Record.Recommendations[0]
	if len(vr.Comments) != 1 || vr.Comments[0].ID != ids[1] || vr.CommentTotal != 1 {
		t.Errorf("after hiding comment %d: the view keeps %+v (total %d), want only comment %d", ids[0], vr.Comments, vr.CommentTotal, ids[1])
	}
	if after, _ := db.OutcomeState(ctx, example); after == before {
		t.Errorf("outcome state did not move when a recorded comment was hidden: %+v", after)
	}
	if view.Version.Number != 2 || view.Consulted[1].Number != 1 || len(view.Editions) != 1 || view.Status != store.StatusPublished || view.GroupName == "" {
		t.Errorf("outcome view: version %d, consulted %v, %d editions, status %q, group %q", view.Version.Number,
			len(view.Consulted), len(view.Editions), view.Status, view.GroupName)
	}
	for _, other := range got.Record.Recommendations[1:] {
		if other.CommentTotal != 0 {
			t.Errorf("recommendation %d got %d comments made on recommendation 1", other.Number, other.CommentTotal)
		}
	}
}

// TestEditionsForVersionsPublishedBefore checks that a data folder whose
// versions were published before editions existed gets an edition for
// each when it is opened.
func TestEditionsForVersionsPublishedBefore(t *testing.T) {
	db, path := seededDB(t)
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE document_versions SET published_at = '2025-05-01T10:00:00Z' WHERE number = 1`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err = store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := db.Edition(context.Background(), example, 0)
	if err != nil {
		t.Fatal(err)
	}
	if e.Number != 1 || e.Version != 1 || !e.PublishedAt.Equal(time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)) || len(e.Record.Recommendations) == 0 {
		t.Errorf("edition made on opening: got %+v, want edition 1 of version 1 dated when the version was published, with its record", e)
	}
}

func TestConsultationRecordLocation(t *testing.T) {
	for _, tc := range []struct{ zone, want string }{
		{"Europe/Berlin", "Europe/Berlin"},
		{"", "UTC"},
		{"Nowhere/Else", "UTC"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			if got := (store.ConsultationRecord{Timezone: tc.zone}).Location().String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
