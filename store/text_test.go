package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestEveryWriteChecksText sends NUL, an ANSI escape and invalid UTF-8
// through each write that stores typed text, and wants a validation error
// naming the field: such bytes would reach public pages and break the JSON
// export's byte-for-byte round trip.
func TestEveryWriteChecksText(t *testing.T) {
	bad := map[string]string{
		"NUL":           "a\x00b",
		"ESC":           "a\x1b[31mb",
		"invalid UTF-8": "a\xffb",
	}
	policy := func(edit func(p *store.Policy, s string)) func(f *textFixture, s string) error {
		return func(f *textFixture, s string) error {
			p := validPolicy("text-act")
			edit(&p, s)
			_, err := f.db.SavePolicy(f.ctx, p, store.Upsert)
			return err
		}
	}
	tests := []struct {
		name  string
		field string
		write func(f *textFixture, s string) error
	}{
		{"policy title", "title", policy(func(p *store.Policy, s string) { p.Title = s })},
		{"policy summary", "summary", policy(func(p *store.Policy, s string) { p.Summary = s })},
		{"provision ref", "provisions[0].ref", policy(func(p *store.Policy, s string) {
			p.Provisions[0].Ref = s
			p.Mappings = p.Mappings[:1]
		})},
		{"provision title", "provisions[0].title", policy(func(p *store.Policy, s string) { p.Provisions[0].Title = s })},
		{"provision text", "provisions[0].text", policy(func(p *store.Policy, s string) { p.Provisions[0].Text = s })},
		{"mapping rationale", "mappings[0].rationale", policy(func(p *store.Policy, s string) { p.Mappings[0].Rationale = s })},
		{"mapping evidence", "mappings[0].evidence", policy(func(p *store.Policy, s string) { p.Mappings[0].Evidence = s })},
		{"mapping item", "mappings[0].item", policy(func(p *store.Policy, s string) { p.Mappings[0].Item = s })},
		{"added mapping rationale", "rationale", func(f *textFixture, s string) error {
			_, err := f.db.AddMapping(f.ctx, store.Mapping{Policy: "base-act", Framework: "fw", Item: "C2",
				Relationship: "intersects-with", Rationale: s})
			return err
		}},
		{"token name", "name", func(f *textFixture, s string) error {
			_, err := f.db.CreateToken(f.ctx, f.user.ID, s, time.Time{})
			return err
		}},
		{"user name", "name", func(f *textFixture, s string) error {
			u := f.user
			u.Name = s
			return f.db.UpdateProfile(f.ctx, u)
		}},
		{"user organisation", "organisation", func(f *textFixture, s string) error {
			u := f.user
			u.Organisation = s
			return f.db.UpdateProfile(f.ctx, u)
		}},
		{"document title", "title", func(f *textFixture, s string) error {
			_, err := f.db.CreateDocument(f.ctx, store.Document{Slug: "doc-2", Title: s}, oneParagraph(0, "p1", "one"))
			return err
		}},
		{"document summary", "summary", func(f *textFixture, s string) error {
			_, err := f.db.CreateDocument(f.ctx, store.Document{Slug: "doc-2", Title: "T", Summary: s}, oneParagraph(0, "p1", "one"))
			return err
		}},
		{"version note", "note", func(f *textFixture, s string) error {
			v := oneParagraph(1, "p1", "one")
			v.Note = s
			_, err := f.db.SaveVersion(f.ctx, "doc", v)
			return err
		}},
		{"consultation title", "title", func(f *textFixture, s string) error {
			_, err := f.db.UpdateConsultation(f.ctx, "c", store.ConsultationPatch{Title: &s})
			return err
		}},
		{"consultation introduction", "introduction", func(f *textFixture, s string) error {
			_, err := f.db.UpdateConsultation(f.ctx, "c", store.ConsultationPatch{Introduction: &s})
			return err
		}},
		{"consultation question section", "questions[0].section", func(f *textFixture, s string) error {
			c := store.Consultation{Slug: "c-2", Title: "T", Document: "doc", Version: 1, OpensAt: t0.Add(time.Hour),
				ClosesAt: t0.Add(2 * time.Hour), Questions: []store.Question{{Text: "Why?", Section: s}}}
			return c.Validate()
		}},
		{"comment body", "body", func(f *textFixture, s string) error {
			_, err := f.db.CreateComment(f.alice, store.NewComment{Consultation: "c", Body: s}, store.Limits{}, nil)
			return err
		}},
		{"comment proposed text", "proposed_text", func(f *textFixture, s string) error {
			_, err := f.db.CreateComment(f.alice, store.NewComment{Consultation: "c", Paragraph: "p1", Body: "b", Proposed: s}, store.Limits{}, nil)
			return err
		}},
		{"flag note", "note", func(f *textFixture, s string) error {
			return f.db.FlagComment(f.alice, f.comment.ID, "spam", s)
		}},
		{"moderation note", "note", func(f *textFixture, s string) error {
			_, err := f.db.ModerateComment(f.ctx, f.comment.ID, "hide", "spam", s, nil)
			return err
		}},
		{"reply", "body", func(f *textFixture, s string) error {
			_, err := f.db.AddReply(f.ctx, f.comment.ID, s, "<p>x</p>", nil)
			return err
		}},
		{"disposition rationale", "rationale", func(f *textFixture, s string) error {
			_, err := f.db.SetDisposition(f.ctx, f.comment.ID, store.Disposition{Value: "noted", Rationale: s}, nil)
			return err
		}},
	}
	f := newTextFixture(t)
	for _, tt := range tests {
		for kind, s := range bad {
			t.Run(fmt.Sprintf("%s/%s", tt.name, kind), func(t *testing.T) {
				err := tt.write(f, s)
				var ve *store.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("%s = %q: got %v, want a validation error", tt.field, s, err)
				}
				if _, ok := ve.Fields[tt.field]; !ok {
					t.Errorf("%s = %q: got fields %v, want one naming %s", tt.field, s, ve.Fields, tt.field)
				}
			})
		}
	}
}

// textFixture has one of each object a write can refer to: a policy, a
// user, a document with an open consultation and a comment in it.
type textFixture struct {
	*consultFixture
	user    store.User
	alice   context.Context
	comment store.Comment
}

func newTextFixture(t *testing.T) *textFixture {
	t.Helper()
	f := &textFixture{consultFixture: newConsultFixture(t)}
	ctx := f.ctx
	if err := f.db.UpsertJurisdictions(ctx, []store.Jurisdiction{{Code: "GB", Name: "United Kingdom", Kind: "country"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.UpsertTopics(ctx, store.DefaultTopics); err != nil {
		t.Fatal(err)
	}
	fw := store.Framework{Slug: "fw", Title: "Test framework", Items: []*store.Item{
		{Code: "C1", Kind: "challenge", Title: "Challenge one"},
		{Code: "C2", Kind: "challenge", Title: "Challenge two"},
	}}
	if err := f.db.UpsertFramework(ctx, fw); err != nil {
		t.Fatal(err)
	}
	p := validPolicy("base-act")
	p.Mappings = p.Mappings[:1]
	if _, err := f.db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	f.alice = f.consultFixture.user(t, "alice@example.org", "civil-society", true)
	u, err := f.db.UserByEmail(ctx, "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	f.user = u
	f.open(t, "c", "post")
	f.now = t0.Add(2 * 24 * time.Hour)
	if f.comment, err = f.db.CreateComment(f.alice, store.NewComment{Consultation: "c", Body: "Fine."}, store.Limits{}, nil); err != nil {
		t.Fatal(err)
	}
	return f
}
