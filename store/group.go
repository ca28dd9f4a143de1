package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Group commit. The writer connection runs synchronous=FULL (see db.go),
// so every commit waits for an fsync of the write-ahead log. Comments
// come in bursts from many clients at once; committing each in its own
// transaction would make each wait for its own fsync in turn. Instead,
// updateGrouped hands the work to one goroutine that runs the writes
// waiting at that moment in one transaction, each in its own savepoint,
// commits once, and only then answers each caller: a write is
// acknowledged only after the commit that made it durable. A write that
// fails rolls back to its savepoint alone; the others still commit.

// maxGroup bounds the writes of one group commit, so that a long queue
// does not make one transaction hold the writer for long.
const maxGroup = 64

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("database closed")

// The savepoint of each write in a group.
const (
	qSavepoint  = "SAVEPOINT grouped"
	qRollbackTo = "ROLLBACK TO grouped"
	qRelease    = "RELEASE grouped"
)

// groupWrite is one caller's write waiting for the group's commit.
type groupWrite struct {
	ctx  context.Context
	fn   func(context.Context, *Tx) error
	done chan error
}

// grouper runs the group commits of one DB.
type grouper struct {
	// mu makes enqueueing and Close exclusive, so that no write is queued
	// after the loop stopped reading the queue.
	mu     sync.RWMutex
	closed bool
	start  sync.Once
	queue  chan *groupWrite
	quit   chan struct{}
	ended  chan struct{}
	stop   sync.Once
}

func newGrouper() *grouper {
	return &grouper{queue: make(chan *groupWrite, maxGroup), quit: make(chan struct{}), ended: make(chan struct{})}
}

// updateGrouped runs fn in a write transaction shared with other writes
// waiting at the same moment, and returns once that transaction has
// committed (nil) or fn's own error, or the commit's error. fn must only
// use the Tx and the context it is given: it runs on the group's
// goroutine, after any number of other writes in the same transaction, so
// it sees what they wrote. Its context carries the caller's values but not
// its cancellation: a statement interrupted by one client hanging up would
// roll back the whole shared transaction.
func (db *DB) updateGrouped(ctx context.Context, fn func(context.Context, *Tx) error) error {
	g := db.group
	g.start.Do(func() { go db.groupLoop() })
	w := &groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return errClosed
	}
	select {
	case g.queue <- w:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, the write may be committed whatever ctx says: wait for
	// the answer, so that the caller never reports a failure for a write
	// that is in the database.
	return <-w.done
}

// groupLoop takes the writes waiting and commits them together, until
// Close.
func (db *DB) groupLoop() {
	g := db.group
	defer close(g.ended)
	for {
		var batch []*groupWrite
		select {
		case w := <-g.queue:
			batch = append(batch, w)
		case <-g.quit:
			db.failQueued(errClosed)
			return
		}
	more:
		for len(batch) < maxGroup {
			select {
			case w := <-g.queue:
				batch = append(batch, w)
			default:
				break more
			}
		}
		db.commitGroup(batch)
	}
}

// failQueued answers every write still queued at Close.
func (db *DB) failQueued(err error) {
	for {
		select {
		case w := <-db.group.queue:
			w.done <- err
		default:
			return
		}
	}
}

// commitGroup runs a batch of writes in one transaction, each in a
// savepoint, commits, and answers each caller.
func (db *DB) commitGroup(batch []*groupWrite) {
	results := make([]error, len(batch))
	failed, err := db.runGroup(batch, results)
	if err == nil {
		for i, w := range batch {
			w.done <- results[i]
		}
		return
	}
	if failed < 0 {
		// The transaction itself failed (begin or commit): nobody's write is
		// in the database.
		for _, w := range batch {
			w.done <- err
		}
		return
	}
	// One write left the transaction unusable (its savepoint could not be
	// rolled back): it fails alone, and the others run again in a new
	// transaction.
	if results[failed] == nil {
		results[failed] = err
	}
	batch[failed].done <- results[failed]
	rest := append(batch[:failed:failed], batch[failed+1:]...)
	if len(rest) > 0 {
		db.commitGroup(rest)
	}
}

// runGroup runs the batch in one transaction and commits it, filling
// results with each write's own error. It returns the index of a write
// after which the transaction could not go on (-1 when the transaction
// failed otherwise), with that error; nil when it committed.
func (db *DB) runGroup(batch []*groupWrite, results []error) (int, error) {
	// The transaction is not tied to any one caller's context: one
	// client hanging up must not roll back the others' writes.
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return -1, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	t := &Tx{tx: tx, db: db, now: db.Now().UTC()}
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := t.execCached(ctx, qSavepoint); err != nil {
			return -1, fmt.Errorf("savepoint: %w", err)
		}
		if err := runWrite(w, t); err != nil {
			results[i] = err
			if _, rerr := t.execCached(ctx, qRollbackTo); rerr != nil {
				return i, fmt.Errorf("roll back a failed write: %w", rerr)
			}
		}
		if _, err := t.execCached(ctx, qRelease); err != nil {
			return i, fmt.Errorf("release savepoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return -1, fmt.Errorf("commit: %w", err)
	}
	return 0, nil
}

// runWrite runs one caller's write, turning a panic into that write's
// error so that the group's goroutine, and the others' writes, survive it.
func runWrite(w *groupWrite, t *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v", r)
		}
	}()
	return w.fn(context.WithoutCancel(w.ctx), t)
}

// closeGroup stops the group's goroutine after its current commit, and
// fails writes still queued.
func (db *DB) closeGroup() {
	g := db.group
	g.stop.Do(func() {
		g.mu.Lock()
		g.closed = true
		g.mu.Unlock()
		close(g.quit)
		started := true
		g.start.Do(func() { started = false })
		if started {
			<-g.ended
		}
	})
}
