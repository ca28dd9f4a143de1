package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

func TestApplyResolution(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPost)
	f.now = t0.Add(48 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", true)
	var ids []int64
	for _, body := range []string{"First.", "Second."} {
		m, err := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Paragraph: "p4", Body: body}, store.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	f.saveVersion(t, 1, []store.Paragraph{para("p2", 1, "One."), para("p4", 2, "Two, checked.")},
		[]store.IDMapping{{Old: "p4", New: "p4", Relation: store.RelEdited}})

	rows, err := f.db.ResolutionComments(f.ctx, "r")
	if err != nil || len(rows) != 2 || rows[0].ID != ids[0] {
		t.Fatalf("ResolutionComments: got %d rows (%v), want both comments in order", len(rows), err)
	}
	based, _ := f.db.LatestDisposition(f.ctx, "r")
	good := store.Disposition{Value: "accepted", Rationale: "Done.", AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"p4"}}}
	bad := store.Disposition{Value: "noted", Rationale: "x", AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"zz"}}}

	// One bad change: nothing applies, and the bad comment is named.
	changes := []store.ResolutionChange{{CommentID: ids[0], Disposition: good}, {CommentID: ids[1], Disposition: bad}}
	if err := f.db.CheckResolution(f.ctx, "r", changes, based); err == nil {
		t.Error("CheckResolution with a bad paragraph: got nil, want an error")
	}
	_, err = f.db.ApplyResolution(f.ctx, "r", changes, based, nil)
	var re *store.ResolutionError
	if !errors.As(err, &re) || re.Comments[ids[1]] == nil || len(re.Comments) != 1 {
		t.Fatalf("bad change: got %v, want a ResolutionError naming comment %d", err, ids[1])
	}
	if m, _ := f.db.Comment(f.ctx, ids[0]); m.Disposition != nil {
		t.Errorf("after a refused table comment %d has disposition %+v, want none", ids[0], m.Disposition)
	}

	changes[1].Disposition.AddressedIn = store.Addressed{}
	if err := f.db.CheckResolution(f.ctx, "r", changes, based); err != nil {
		t.Errorf("CheckResolution: %v", err)
	}
	told := 0
	notify := func(store.Comment, store.User) []store.Message { told++; return nil }
	n, err := f.db.ApplyResolution(f.ctx, "r", changes, based, notify)
	if err != nil || n != 2 || told != 2 {
		t.Fatalf("ApplyResolution: got %d, %v (told %d), want 2 applied and told", n, err, told)
	}
	if m, _ := f.db.Comment(f.ctx, ids[1]); m.Disposition == nil || m.Disposition.Value != "noted" {
		t.Errorf("comment %d: got %+v, want noted", ids[1], m.Disposition)
	}
	// The same table again is stale: dispositions were given since.
	f.now = f.now.Add(time.Minute)
	if _, err := f.db.ApplyResolution(f.ctx, "r", changes, based, nil); !errors.Is(err, store.ErrStaleImport) || !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale table: got %v, want ErrStaleImport", err)
	}
}

func TestStagedImports(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPost)
	tok, err := f.db.StageImport(f.ctx, "r", "table.csv", []byte(`[{"id":1}]`), "2026-01-01T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.db.StagedImport(f.ctx, tok)
	if err != nil || s.Consultation != "r" || s.Filename != "table.csv" || string(s.Changes) != `[{"id":1}]` || s.BasedOn != "2026-01-01T00:00:00Z" {
		t.Fatalf("StagedImport: got %+v, %v", s, err)
	}
	f.now = f.now.Add(time.Hour)
	if _, err := f.db.StagedImport(f.ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after an hour: got %v, want ErrNotFound", err)
	}
	f.now = t0
	if err := f.db.DeleteStagedImport(f.ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.StagedImport(f.ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: got %v, want ErrNotFound", err)
	}
	if _, err := f.db.StageImport(f.ctx, "nope", "x.csv", []byte("[]"), ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown consultation: got %v, want ErrNotFound", err)
	}
}
