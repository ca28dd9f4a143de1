package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
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
			Body: "Comment " + string(rune('a'+i)), BodyHTML: "<p>x</p>"}, store.Limits{}, nil); err != nil {
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

// TestGroupCommit posts comments from many goroutines at once, so that
// they share group commits: each succeeds or fails on its own (a bad
// paragraph rolls back only its own savepoint), a rate limit counts the
// comments of the same group, and exactly the acknowledged comments are
// stored.
func TestGroupCommit(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "round-1", store.ModerationPost)
	f.now = t0.Add(2 * 24 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", false)
	bob := f.user(t, "bob@example.org", "academia", false)

	type result struct {
		who string
		id  int64
		err error
	}
	const each = 30
	results := make(chan result, 3*each)
	var wg sync.WaitGroup
	post := func(who string, as context.Context, pid string, lim store.Limits) {
		defer wg.Done()
		m, err := f.db.CreateComment(as, store.NewComment{Consultation: "round-1", Paragraph: pid,
			Body: "Concurrent comment.", BodyHTML: "<p>Concurrent comment.</p>"}, lim, nil)
		results <- result{who, m.ID, err}
	}
	for range each {
		wg.Add(3)
		go post("alice", alice, "p4", store.Limits{})
		go post("alice-bad", alice, "p99", store.Limits{})
		go post("bob", bob, "p2", store.Limits{PerAccount: 10})
	}
	wg.Wait()
	close(results)
	ok := map[string]int{}
	var ids []int64
	for r := range results {
		switch {
		case r.err == nil:
			ok[r.who]++
			ids = append(ids, r.id)
		case r.who == "alice-bad":
			var ve *store.ValidationError
			if !errors.As(r.err, &ve) || ve.Fields["paragraph"] == "" {
				t.Errorf("comment on an unknown paragraph: got %v, want a validation error on paragraph", r.err)
			}
		case r.who == "bob":
			if _, limited := store.IsRateLimited(r.err); !limited {
				t.Errorf("bob past his limit: got %v, want a rate limit error", r.err)
			}
		default:
			t.Errorf("%s: unexpected error %v", r.who, r.err)
		}
	}
	want := map[string]int{"alice": each, "bob": 10}
	if ok["alice"] != want["alice"] || ok["bob"] != want["bob"] || ok["alice-bad"] != 0 {
		t.Errorf("acknowledged comments: got %v, want %v", ok, want)
	}
	for _, id := range ids {
		if _, err := f.db.Comment(f.ctx, id); err != nil {
			t.Errorf("acknowledged comment %d: %v", id, err)
		}
	}
	list, err := f.db.Comments(f.ctx, store.CommentFilter{Consultation: "round-1", PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != len(ids) {
		t.Errorf("stored comments: got %d, want the %d acknowledged", list.Total, len(ids))
	}
}

// TestGroupCommitIgnoresAHangUp: a client that hangs up while its comment
// is being written must not interrupt the shared transaction (SQLite would
// roll all of it back): the comment, once taken into a group, is written
// and committed with the others.
func TestGroupCommitIgnoresAHangUp(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "round-1", store.ModerationPost)
	f.now = t0.Add(2 * 24 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", false)
	ctx, cancel := context.WithCancel(alice)
	defer cancel()
	restore := store.SetCommentTxHook(func(ctx context.Context, tx *sql.Tx) {
		cancel()
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM comments").Scan(&n); err != nil {
			t.Errorf("a statement after the caller hung up: %v", err)
		}
	})
	defer restore()
	m, err := f.db.CreateComment(ctx, store.NewComment{Consultation: "round-1", Paragraph: "p4", Body: "Still here.", BodyHTML: "<p>x</p>"},
		store.Limits{}, nil)
	if err != nil {
		t.Fatalf("comment whose client hung up mid-write: %v", err)
	}
	if _, err := f.db.Comment(context.Background(), m.ID); err != nil {
		t.Errorf("the acknowledged comment is not stored: %v", err)
	}
}
