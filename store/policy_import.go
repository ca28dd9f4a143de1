package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// stagingLife is how long the rows of an import that never finished are
// kept before the next import clears them.
const stagingLife = 24 * time.Hour

// StagedPolicy is one checked policy waiting in the import staging table.
type StagedPolicy struct {
	Policy Policy
	// Line is where the policy starts in its file, for messages.
	Line int
	// KeepNotes keeps a stored policy's status note and notes, for formats
	// that carry neither (CSV).
	KeepNotes bool
}

// StagedError says which staged policy the store refused when applying an
// import; nothing of the import was applied.
type StagedError struct {
	Line int
	Slug string
	Err  error
}

func (e *StagedError) Error() string {
	return fmt.Sprintf("line %d (%s): %v", e.Line, e.Slug, e.Err)
}

func (e *StagedError) Unwrap() error { return e.Err }

// PolicyImport is a large import in progress: policies are staged in
// small transactions (Stage), then applied in one (Apply), so that another
// process writing to the database waits only for that last one.
type PolicyImport struct {
	db    *DB
	token string
	n     int
}

// BeginPolicyImport starts a staged import, first clearing what imports
// that died long ago left behind.
func (db *DB) BeginPolicyImport(ctx context.Context) (*PolicyImport, error) {
	token, err := newSecret()
	if err != nil {
		return nil, err
	}
	err = db.update(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "DELETE FROM import_staging WHERE created_at < ?", stampOf(t.now.Add(-stagingLife)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("clear old import staging: %w", err)
	}
	return &PolicyImport{db: db, token: token}, nil
}

// Stage writes a batch of checked policies to the staging table in one
// short transaction. Nothing reads them until Apply.
func (pi *PolicyImport) Stage(ctx context.Context, batch []StagedPolicy) error {
	err := pi.db.update(ctx, func(t *Tx) error {
		for i, s := range batch {
			b, err := json.Marshal(s.Policy)
			if err != nil {
				return fmt.Errorf("encode %s: %w", s.Policy.Slug, err)
			}
			keep := 0
			if s.KeepNotes {
				keep = 1
			}
			if _, err := t.execCached(ctx, `INSERT INTO import_staging (token, seq, line, keep_notes, policy, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, pi.token, pi.n+i, s.Line, keep, string(b), t.stamp()); err != nil {
				return fmt.Errorf("stage %s: %w", s.Policy.Slug, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	pi.n += len(batch)
	return nil
}

// applyPage is how many staged rows Apply reads at a time, bounding its
// memory whatever the size of the import.
const applyPage = 500

// Apply upserts every staged policy by slug in one write transaction, with
// the revisions, changes feed entries and audit events of SavePolicies.
// done (may be nil) hears of each outcome in staging order as it goes, so
// a caller discards what it heard when Apply fails. A refused policy is a
// *StagedError and nothing is applied.
func (pi *PolicyImport) Apply(ctx context.Context, done func(slug string, res SaveResult)) error {
	return pi.db.update(ctx, func(t *Tx) error {
		for from := 0; from < pi.n; from += applyPage {
			rows, err := t.tx.QueryContext(ctx, `SELECT line, keep_notes, policy FROM import_staging
				WHERE token = ? AND seq >= ? AND seq < ? ORDER BY seq`, pi.token, from, from+applyPage)
			if err != nil {
				return fmt.Errorf("read import staging: %w", err)
			}
			page, err := collect(rows, func(r *sql.Rows) (StagedPolicy, error) {
				var s StagedPolicy
				var raw string
				if err := r.Scan(&s.Line, &s.KeepNotes, &raw); err != nil {
					return s, err
				}
				return s, json.Unmarshal([]byte(raw), &s.Policy)
			})
			if err != nil {
				return fmt.Errorf("read import staging: %w", err)
			}
			if err := t.applyStaged(ctx, page, done); err != nil {
				return err
			}
		}
		return nil
	})
}

// ApplyPolicies upserts a batch small enough to hold in memory in one
// write transaction, as Apply does a staged import, without the staging.
func (db *DB) ApplyPolicies(ctx context.Context, batch []StagedPolicy, done func(slug string, res SaveResult)) error {
	return db.update(ctx, func(t *Tx) error { return t.applyStaged(ctx, batch, done) })
}

func (t *Tx) applyStaged(ctx context.Context, batch []StagedPolicy, done func(slug string, res SaveResult)) error {
	for _, s := range batch {
		res, err := t.savePolicyKeeping(ctx, s.Policy, Upsert, s.KeepNotes)
		if err != nil {
			return &StagedError{Line: s.Line, Slug: s.Policy.Slug, Err: err}
		}
		if done != nil {
			done(s.Policy.Slug, res)
		}
	}
	return nil
}

// Discard deletes the import's staged rows, applied or not.
func (pi *PolicyImport) Discard(ctx context.Context) error {
	err := pi.db.update(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "DELETE FROM import_staging WHERE token = ?", pi.token)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear import staging: %w", err)
	}
	return nil
}
