package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/dc-isss/accord/store"
)

func openDocDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func oneParagraph(base int, id, text string) store.NewVersion {
	return store.NewVersion{Base: base, Source: text, HTML: "<p>" + text + "</p>", NextParagraph: 2,
		Paragraphs: []store.Paragraph{{ID: id, Section: "0", Ordinal: 1, Kind: "paragraph", Text: text, HTML: "<p>" + text + "</p>"}}}
}

func TestDocumentLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openDocDB(t)
	before, _ := db.LastChange(ctx)
	d, err := db.CreateDocument(ctx, store.Document{Slug: "doc", Title: "Doc"}, oneParagraph(0, "p1", "one"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != store.StatusDraft || d.Latest != 1 || d.LatestPublic != 0 || d.VisibleTo(nil) {
		t.Errorf("new document: got %+v, want an invisible draft with version 1", d)
	}
	if _, err := db.CreateDocument(ctx, store.Document{Slug: "doc", Title: "Again"}, oneParagraph(0, "p1", "x")); err == nil {
		t.Errorf("second document with slug doc: want an error")
	}
	if _, err := db.SaveVersion(ctx, "doc", oneParagraph(0, "p1", "stale")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale base: got %v, want ErrConflict", err)
	}
	v2, err := db.SaveVersion(ctx, "doc", oneParagraph(1, "p1", "one, edited"))
	if err != nil || v2.Number != 2 {
		t.Fatalf("version 2: got %+v, %v", v2, err)
	}
	changes, _ := db.Changes(ctx, before, 100)
	if len(changes) != 2 || changes[0].Kind != "document" || changes[0].Key != "doc" {
		t.Errorf("changes: got %+v, want two on document doc", changes)
	}

	tests := []struct {
		to      string
		wantErr bool
	}{
		{store.StatusArchived, false}, {store.StatusPublished, true}, {store.StatusDraft, false},
		{store.StatusConsultation, false}, {store.StatusPublished, true}, {store.StatusReview, false},
		{store.StatusPublished, false}, {store.StatusDraft, true}, {"bogus", true},
	}
	for _, tc := range tests {
		err := db.SetDocumentStatus(ctx, "doc", tc.to)
		if (err != nil) != tc.wantErr {
			t.Errorf("move to %s: got error %v, want error %v", tc.to, err, tc.wantErr)
		}
	}
	d, _ = db.Document(ctx, "doc")
	if !d.VisibleTo(nil) || d.LatestPublic != 2 || d.VersionVisibleTo(nil, 1) || !d.VersionVisibleTo(nil, 2) {
		t.Errorf("published: got %+v, want version 2 public and 1 not", d)
	}
	if _, v, err := db.PublicVersion(ctx, "doc"); err != nil || v.Number != 2 || len(v.Paragraphs) != 1 {
		t.Errorf("PublicVersion: got %+v, %v", v, err)
	}
	if err := db.SetDocumentStatus(ctx, "missing", store.StatusReview); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("status of a missing document: got %v, want ErrNotFound", err)
	}
}

// TestDocumentNeverShowsEmails: a member without a name is shown as a
// member in owners, creator and version author, never by email, since
// published documents are public.
func TestDocumentNeverShowsEmails(t *testing.T) {
	ctx := context.Background()
	db := openDocDB(t)
	u, err := db.CreateUser(ctx, store.User{Email: "nameless@example.org", Role: "editor"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	ctx = store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email})
	if _, err := db.CreateDocument(ctx, store.Document{Slug: "doc", Title: "Doc"}, oneParagraph(0, "p1", "one")); err != nil {
		t.Fatal(err)
	}
	d, err := db.Document(ctx, "doc")
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.Version(ctx, "doc", 1)
	if err != nil {
		t.Fatal(err)
	}
	shown := append([]string{d.CreatedBy, v.Author}, d.Owners...)
	for _, s := range shown {
		if s != "A working-group member" {
			t.Errorf("shown as %q, want A working-group member", s)
		}
	}
}
