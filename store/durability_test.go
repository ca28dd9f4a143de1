package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestCommentWritesAreSynchronousFull reads PRAGMA synchronous inside the
// very transaction that saves a comment: FULL (2) means SQLite fsyncs the
// write-ahead log at its commit, so an acknowledged comment survives a
// power cut. The readers' pool keeps NORMAL (1), which is all a connection
// that never writes needs.
func TestCommentWritesAreSynchronousFull(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "round-1", store.ModerationPost)
	f.now = t0.Add(2 * 24 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", false)

	var got []int
	restore := store.SetCommentTxHook(func(ctx context.Context, tx *sql.Tx) {
		var n int
		if err := tx.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&n); err != nil {
			t.Errorf("read PRAGMA synchronous in the comment transaction: %v", err)
		}
		got = append(got, n)
	})
	defer restore()
	for i := range 3 {
		if _, err := f.db.CreateComment(alice, store.NewComment{Consultation: "round-1", Paragraph: "p4",
			Body: "Comment " + string(rune('a'+i)), BodyHTML: "<p>x</p>"}, store.Limits{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 3 {
		t.Fatalf("the hook ran %d times, want 3 (once per comment transaction)", len(got))
	}
	for i, n := range got {
		if n != 2 {
			t.Errorf("comment %d: got PRAGMA synchronous = %d inside its transaction, want 2 (FULL)", i+1, n)
		}
	}
}
