package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Change is one entry of the changes feed: an object that a write touched.
type Change struct {
	Seq  int64
	Kind string // policy, framework, document...
	Key  string // the object's slug or id
	Op   string // upsert or delete
	At   time.Time
}

// Changes returns up to limit entries of the feed after seq, oldest first.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT seq, kind, key, op, created_at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
	if err != nil {
		return nil, fmt.Errorf("read changes after %d: %w", after, err)
	}
	return collect(rows, func(r *sql.Rows) (Change, error) {
		var c Change
		var at string
		err := r.Scan(&c.Seq, &c.Kind, &c.Key, &c.Op, &at)
		c.At, _ = time.Parse(time.RFC3339, at)
		return c, err
	})
}

// qLastChange is the changes feed's position.
const qLastChange = "SELECT IFNULL(MAX(seq), 0) FROM changes"

// LastChange is the sequence number of the newest change, 0 when none.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.readRowCached(ctx, qLastChange).Scan(&seq); err != nil {
		return 0, fmt.Errorf("last change: %w", err)
	}
	return seq, nil
}
