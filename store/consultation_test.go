package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// consultFixture is a database with a two-section document and a clock the
// test moves.
type consultFixture struct {
	db  *store.DB
	now time.Time
	ctx context.Context
}

var t0 = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)

func newConsultFixture(t *testing.T) *consultFixture {
	t.Helper()
	f := &consultFixture{db: openDocDB(t), now: t0, ctx: context.Background()}
	f.db.Now = func() time.Time { return f.now }
	text := "## 1 Scope\n\nOne.\n\n## 2 Rules\n\nTwo.\n\n- a list item"
	v := store.NewVersion{Source: text, HTML: "<p>x</p>", NextParagraph: 6, Paragraphs: []store.Paragraph{
		{ID: "p1", Section: "1", Kind: "heading", Text: "1 Scope"},
		{ID: "p2", Section: "1", Ordinal: 1, Kind: "paragraph", Text: "One.", Position: 1},
		{ID: "p3", Section: "2", Kind: "heading", Text: "2 Rules", Position: 2},
		{ID: "p4", Section: "2", Ordinal: 1, Kind: "paragraph", Text: "Two.", Position: 3},
		{ID: "p5", Section: "2", Ordinal: 2, Kind: "list-item", Text: "a list item", Position: 4},
	}}
	if _, err := f.db.CreateDocument(f.ctx, store.Document{Slug: "doc", Title: "Doc"}, v); err != nil {
		t.Fatal(err)
	}
	if err := f.db.UpsertJurisdictions(f.ctx, []store.Jurisdiction{{Code: "KE", Name: "Kenya", Kind: "country"}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// user adds an account with a complete profile and returns a context
// acting as it.
func (f *consultFixture) user(t *testing.T, email, group string, consent bool) context.Context {
	t.Helper()
	u, err := f.db.CreateUser(f.ctx, store.User{Email: email, Name: "Name of " + email, Organisation: "Org",
		StakeholderGroup: group, Country: "KE", Role: "stakeholder", ConsentPublish: consent}, "")
	if err != nil {
		t.Fatal(err)
	}
	return store.WithActor(f.ctx, store.Actor{UserID: u.ID, Email: u.Email})
}

func (f *consultFixture) open(t *testing.T, slug, moderation string) store.Consultation {
	t.Helper()
	c, err := f.db.CreateConsultation(f.ctx, store.Consultation{Slug: slug, Title: "Consult", Document: "doc", Version: 1,
		OpensAt: t0.Add(24 * time.Hour), ClosesAt: t0.Add(10 * 24 * time.Hour), Timezone: "Europe/Paris", Moderation: moderation,
		Questions: []store.Question{{Text: "Is scope right?", Section: "1"}, {Text: "Anything missing?"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConsultationValidation(t *testing.T) {
	f := newConsultFixture(t)
	base := store.Consultation{Slug: "c", Title: "T", Document: "doc", Version: 1, OpensAt: t0, ClosesAt: t0.Add(time.Hour)}
	tests := []struct {
		name  string
		edit  func(*store.Consultation)
		field string
	}{
		{"reserved slug", func(c *store.Consultation) { c.Slug = "new" }, "slug"},
		{"closes before opens", func(c *store.Consultation) { c.ClosesAt = t0.Add(-time.Hour) }, "closes_at"},
		{"bad zone", func(c *store.Consultation) { c.Timezone = "Mars/Olympus" }, "timezone"},
		{"bad moderation", func(c *store.Consultation) { c.Moderation = "never" }, "moderation"},
		{"unknown version", func(c *store.Consultation) { c.Version = 9 }, "version"},
		{"unknown document", func(c *store.Consultation) { c.Document = "nope" }, "document"},
		{"empty question", func(c *store.Consultation) { c.Questions = []store.Question{{Text: " "}} }, "questions[0]"},
		{"unknown section", func(c *store.Consultation) { c.Questions = []store.Question{{Text: "q", Section: "7"}} }, "questions[0].section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.edit(&c)
			_, err := f.db.CreateConsultation(f.ctx, c)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tt.field] == "" {
				t.Errorf("got %v, want a validation error on %s", err, tt.field)
			}
		})
	}
}

func TestConsultationWindowAndVisibility(t *testing.T) {
	f := newConsultFixture(t)
	c := f.open(t, "round-1", store.ModerationPost)
	if c.State(f.now) != store.ConsultationUpcoming || len(c.Questions) != 2 || c.Questions[1].Number != 2 {
		t.Fatalf("new consultation: got %+v", c)
	}
	if _, err := f.db.CreateConsultation(f.ctx, store.Consultation{Slug: "round-2", Title: "x", Document: "doc", Version: 1,
		OpensAt: t0, ClosesAt: t0.Add(time.Hour)}); !errors.Is(err, store.ErrConsultationExists) {
		t.Errorf("second unclosed consultation: got %v, want ErrConsultationExists", err)
	}
	alice := f.user(t, "alice@example.org", "civil-society", true)
	n := store.NewComment{Consultation: "round-1", Paragraph: "p4", Body: "Too vague.", BodyHTML: "<p>Too vague.</p>", Proposed: "Two, precisely."}

	d, _ := f.db.Document(f.ctx, "doc")
	if d.VisibleTo(nil) || d.VersionVisibleTo(nil, 1) {
		t.Errorf("before opening: the draft is public")
	}
	if _, err := f.db.CreateComment(alice, n, store.Limits{}, nil); !errors.Is(err, store.ErrConsultationNotOpen) {
		t.Errorf("before opening: got %v, want ErrConsultationNotOpen", err)
	}

	f.now = t0.Add(2 * 24 * time.Hour)
	d, _ = f.db.Document(f.ctx, "doc")
	if !d.VisibleTo(nil) || !d.VersionVisibleTo(nil, 1) || d.Status != store.StatusConsultation || d.LatestVisible(nil) != 1 {
		t.Errorf("while open: got status %s, visible %v", d.Status, d.VersionVisibleTo(nil, 1))
	}
	m, err := f.db.CreateComment(alice, n, store.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.State != store.CommentApproved || m.Label != "2 ¶1" || m.Display != store.DisplayNamed || m.Section != "2" {
		t.Errorf("post-moderated comment: got %+v", m)
	}

	f.now = t0.Add(11 * 24 * time.Hour)
	before, _ := f.db.Comments(f.ctx, store.CommentFilter{Consultation: "round-1", States: []string{"approved", "pending", "hidden", "withdrawn"}})
	if _, err := f.db.CreateComment(alice, n, store.Limits{}, nil); !errors.Is(err, store.ErrConsultationClosed) {
		t.Errorf("after closing: got %v, want ErrConsultationClosed", err)
	}
	after, _ := f.db.Comments(f.ctx, store.CommentFilter{Consultation: "round-1", States: []string{"approved", "pending", "hidden", "withdrawn"}})
	if after.Total != before.Total {
		t.Errorf("a refused comment was stored: %d comments, want %d", after.Total, before.Total)
	}
	d, _ = f.db.Document(f.ctx, "doc")
	if d.Status != store.StatusReview || !d.VersionVisibleTo(nil, 1) {
		t.Errorf("after closing: got status %s, want review with version 1 still public", d.Status)
	}

	// Extending the close reopens it.
	closes := t0.Add(20 * 24 * time.Hour)
	if _, err := f.db.UpdateConsultation(f.ctx, "round-1", store.ConsultationPatch{ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateComment(alice, n, store.Limits{}, nil); err != nil {
		t.Errorf("after the extension: %v", err)
	}
	opens := t0
	if _, err := f.db.UpdateConsultation(f.ctx, "round-1", store.ConsultationPatch{OpensAt: &opens}); !errors.Is(err, store.ErrConsultationOpen) {
		t.Errorf("moving the opening of an open consultation: got %v, want ErrConsultationOpen", err)
	}
	if err := f.db.DeleteConsultation(f.ctx, "round-1"); !errors.Is(err, store.ErrConsultationOpen) {
		t.Errorf("deleting an open consultation: got %v, want ErrConsultationOpen", err)
	}
}

func TestCommentTargets(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPost)
	f.now = t0.Add(48 * time.Hour)
	bob := f.user(t, "bob@example.org", "academia", false)
	tests := []struct {
		name  string
		n     store.NewComment
		field string
	}{
		{"heading", store.NewComment{Paragraph: "p1", Body: "x"}, "paragraph"},
		{"unknown paragraph", store.NewComment{Paragraph: "zz", Body: "x"}, "paragraph"},
		{"paragraph and question", store.NewComment{Paragraph: "p2", Question: 1, Body: "x"}, "question"},
		{"unknown question", store.NewComment{Question: 3, Body: "x"}, "question"},
		{"empty body", store.NewComment{Paragraph: "p2", Body: "  "}, "body"},
		{"bad type", store.NewComment{Paragraph: "p2", Body: "x", Type: "rant"}, "type"},
		{"proposal without paragraph", store.NewComment{Body: "x", Proposed: "y"}, "proposed_text"},
		{"too long", store.NewComment{Paragraph: "p2", Body: string(make([]rune, store.MaxCommentBody+1))}, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.n.Consultation = "r"
			_, err := f.db.CreateComment(bob, tt.n, store.Limits{}, nil)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tt.field] == "" {
				t.Errorf("got %v, want a validation error on %s", err, tt.field)
			}
		})
	}
	q, err := f.db.CreateComment(bob, store.NewComment{Consultation: "r", Question: 2, Body: "An answer"}, store.Limits{}, nil)
	if err != nil || q.Question != 2 || q.Display != store.DisplayAnonymous || q.Target() != "Question 2" {
		t.Errorf("question comment: got %+v, %v", q, err)
	}
	if pub := q.Public(); pub.Name != "" || pub.Organisation != "" || pub.Group != "academia" || pub.Country != "KE" {
		t.Errorf("anonymous comment's public author: got %+v", pub)
	}
	// An incomplete profile cannot comment.
	u, _ := f.db.CreateUser(f.ctx, store.User{Email: "x@example.org", Role: "stakeholder"}, "")
	_, err = f.db.CreateComment(store.WithActor(f.ctx, store.Actor{UserID: u.ID}), store.NewComment{Consultation: "r", Body: "x"}, store.Limits{}, nil)
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["profile"] == "" {
		t.Errorf("incomplete profile: got %v, want a validation error on profile", err)
	}
}

func TestModerationFlagsAndHeat(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPre)
	f.now = t0.Add(48 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", true)
	bob := f.user(t, "bob@example.org", "government", false)
	a1, err := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Paragraph: "p2", Body: "one"}, store.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := f.db.CreateComment(bob, store.NewComment{Consultation: "r", Paragraph: "p2", Body: "two"}, store.Limits{}, nil)
	b2, _ := f.db.CreateComment(bob, store.NewComment{Consultation: "r", Body: "whole"}, store.Limits{}, nil)
	if a1.State != store.CommentPending {
		t.Fatalf("pre-moderated comment: state %s, want pending", a1.State)
	}
	public, _ := f.db.Comments(f.ctx, store.CommentFilter{Consultation: "r"})
	c, _ := f.db.Consultation(f.ctx, "r")
	if public.Total != 0 || c.Counts.Approved != 0 || c.Counts.Pending != 3 {
		t.Errorf("before approval: %d public, counts %+v", public.Total, c.Counts)
	}
	queue, _ := f.db.ModerationQueue(f.ctx, "r")
	if len(queue) != 3 || queue[0].AuthorEmail != "alice@example.org" {
		t.Errorf("queue: got %d entries", len(queue))
	}
	for _, id := range []int64{a1.ID, b1.ID, b2.ID} {
		if _, err := f.db.ModerateComment(f.ctx, id, store.ModerateApprove, "", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.ModerateComment(f.ctx, b1.ID, store.ModerateHide, "", "", nil); err == nil {
		t.Errorf("hiding without a reason: want an error")
	}
	if _, err := f.db.ModerateComment(f.ctx, b1.ID, store.ModerateHide, "off-topic", "about something else", nil); err != nil {
		t.Fatal(err)
	}
	heat, err := f.db.Heat(f.ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	// p2, p4, p5, general, questions.
	if len(heat) != 5 || heat[0].Key != "p2" || heat[0].Total != 1 || heat[0].Counts["civil-society"] != 1 ||
		heat[0].Counts["government"] != 0 || heat[3].Key != "general" || heat[3].Counts["government"] != 1 || heat[1].Total != 0 {
		t.Errorf("heat: got %+v", heat)
	}
	// Flags: once per account; a flagged comment stays public and queues.
	if err := f.db.FlagComment(bob, a1.ID, "abusive", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.db.FlagComment(bob, a1.ID, "abusive", ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second flag: got %v, want ErrConflict", err)
	}
	queue, _ = f.db.ModerationQueue(f.ctx, "r")
	if len(queue) != 1 || !queue[0].Flagged || len(queue[0].Flags) != 1 {
		t.Errorf("queue after the flag: got %+v", queue)
	}
	public, _ = f.db.Comments(f.ctx, store.CommentFilter{Consultation: "r"})
	if public.Total != 2 {
		t.Errorf("public comments: got %d, want 2", public.Total)
	}
	// Withdrawing consent anonymises named comments.
	u, _ := f.db.UserByEmail(f.ctx, "alice@example.org")
	u.ConsentPublish = false
	if err := f.db.UpdateProfile(f.ctx, u); err != nil {
		t.Fatal(err)
	}
	if m, _ := f.db.Comment(f.ctx, a1.ID); m.Display != store.DisplayAnonymous {
		t.Errorf("after consent withdrawn: display %s, want anonymous", m.Display)
	}
}

func TestEditWithdrawAndRateLimits(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPre)
	f.now = t0.Add(48 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", true)
	bob := f.user(t, "bob@example.org", "government", false)
	m, _ := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Paragraph: "p2", Body: "first"}, store.Limits{}, nil)
	f.db.ModerateComment(f.ctx, m.ID, store.ModerateApprove, "", "", nil)
	if _, err := f.db.EditComment(bob, m.ID, store.NewComment{Body: "hijack"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("editing another's comment: got %v, want ErrNotFound", err)
	}
	e, err := f.db.EditComment(alice, m.ID, store.NewComment{Body: "second"})
	if err != nil || e.Body != "second" || e.State != store.CommentPending || e.EditedAt.IsZero() {
		t.Errorf("edit: got %+v, %v", e, err)
	}
	revs, _ := f.db.CommentRevisions(f.ctx, m.ID)
	if len(revs) != 1 || revs[0].Body != "first" {
		t.Errorf("revisions: got %+v", revs)
	}
	if w, err := f.db.WithdrawComment(alice, m.ID); err != nil || w.State != store.CommentWithdrawn {
		t.Errorf("withdraw: got %+v, %v", w, err)
	}

	lim := store.Limits{PerAccount: 2, PerIP: 3, IP: "192.0.2.1"}
	for i := 0; i < 2; i++ {
		if _, err := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Body: "c"}, lim, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.db.CreateComment(alice, store.NewComment{Consultation: "r", Body: "c"}, lim, nil)
	if rl, ok := store.IsRateLimited(err); !ok || rl.Wait <= 0 || rl.Wait > time.Hour {
		t.Errorf("third comment in the hour: got %v, want a rate limit", err)
	}
	if _, err := f.db.CreateComment(bob, store.NewComment{Consultation: "r", Body: "c"}, lim, nil); err != nil {
		t.Errorf("another account from the same address: %v", err)
	}
	if _, err := f.db.CreateComment(bob, store.NewComment{Consultation: "r", Body: "c"}, lim, nil); err == nil {
		t.Errorf("fourth comment from one address: want a rate limit")
	}
	f.now = f.now.Add(61 * time.Minute)
	if _, err := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Body: "c"}, lim, nil); err != nil {
		t.Errorf("after the hour: %v", err)
	}
}

func TestCommentNotificationsQueuedWithTheChange(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPre)
	f.now = t0.Add(48 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", true)
	notify := func(m store.Comment, u store.User) []store.Message {
		return []store.Message{{UserID: u.ID, To: u.Email, Kind: "comment-" + m.State, Subject: "About comment " + m.Label}}
	}
	m, err := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Paragraph: "p2", Body: "one"}, store.Limits{}, notify)
	if err != nil {
		t.Fatal(err)
	}
	// A refused comment queues nothing.
	f.db.CreateComment(alice, store.NewComment{Consultation: "r", Paragraph: "p1", Body: "on a heading"}, store.Limits{}, notify)
	f.db.ModerateComment(f.ctx, m.ID, store.ModerateApprove, "", "", notify)
	// Approving again changes nothing and tells nobody.
	f.db.ModerateComment(f.ctx, m.ID, store.ModerateApprove, "", "", notify)
	f.db.ModerateComment(f.ctx, m.ID, store.ModerateHide, "spam", "", notify)
	msgs, total, err := f.db.Outbox(f.ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(msgs) - 1; i >= 0; i-- {
		kinds = append(kinds, msgs[i].Kind)
		if msgs[i].To != "alice@example.org" {
			t.Errorf("message %d goes to %s, want the author", msgs[i].ID, msgs[i].To)
		}
	}
	want := []string{"comment-pending", "comment-approved", "comment-hidden"}
	if total != 3 || strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Errorf("outbox: got %d messages %v, want %v", total, kinds, want)
	}
}

func TestCommentsByID(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPre)
	f.now = t0.Add(48 * time.Hour)
	bob := f.user(t, "bob@example.org", "academia", false)
	var ids []int64
	for _, body := range []string{"one", "two", "three"} {
		m, err := f.db.CreateComment(bob, store.NewComment{Consultation: "r", Paragraph: "p2", Body: body}, store.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	tests := []struct {
		name string
		ids  []int64
		want map[int64]string // id -> body
	}{
		{"none", nil, map[int64]string{}},
		{"all, pending ones too", ids, map[int64]string{ids[0]: "one", ids[1]: "two", ids[2]: "three"}},
		{"unknown ids left out", []int64{ids[1], 999999}, map[int64]string{ids[1]: "two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.db.CommentsByID(f.ctx, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %d comments, want %d", len(got), len(tt.want))
			}
			for id, body := range tt.want {
				if m := got[id]; m.Body != body || m.Consultation != "r" || m.State != store.CommentPending {
					t.Errorf("comment %d: got body %q consultation %q state %s, want %q r pending", id, m.Body, m.Consultation, m.State, body)
				}
			}
		})
	}
}
