package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ErrStaleImport refuses a staged resolution table once a disposition was
// given after it was checked: applying it would overwrite that answer.
var ErrStaleImport = fmt.Errorf("a newer disposition was given since the table was checked: %w", ErrConflict)

// stagedImportLife is how long a checked table waits to be applied.
const stagedImportLife = time.Hour

// ResolutionChange is one comment's new disposition from an imported
// resolution table. RationaleHTML is the rendered rationale.
type ResolutionChange struct {
	CommentID   int64
	Disposition Disposition
}

// ResolutionError lists, by comment, the changes of an imported table the
// store refuses (a version or paragraph that does not exist, a comment
// no longer approved); nothing was applied.
type ResolutionError struct {
	Comments map[int64]*ValidationError
}

func (e *ResolutionError) Error() string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(e.Comments)) {
		parts = append(parts, fmt.Sprintf("comment %d: %v", id, e.Comments[id]))
	}
	return "resolution table refused: " + strings.Join(parts, "; ")
}

// ResolutionComments lists every approved comment of a consultation in
// document order, with its disposition: the rows of the resolution table.
func (db *DB) ResolutionComments(ctx context.Context, slug string) ([]Comment, error) {
	if _, err := db.Consultation(ctx, slug); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+commentCols+commentFrom+
		" WHERE c.slug = ? AND m.state = 'approved' ORDER BY m.position, m.id", slug)
	if err != nil {
		return nil, fmt.Errorf("resolution table of %s: %w", slug, err)
	}
	out, err := collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
	if err != nil {
		return nil, fmt.Errorf("resolution table of %s: %w", slug, err)
	}
	return out, nil
}

// ApplyResolution gives the dispositions of an imported resolution table,
// all in one transaction: every change or none. basedOn is
// LatestDisposition when the table was checked; if a newer disposition was
// given since, it returns ErrStaleImport. A change the store refuses makes
// a *ResolutionError naming every refused comment. notify, if not nil,
// composes the message to each author.
func (db *DB) ApplyResolution(ctx context.Context, slug string, changes []ResolutionChange, basedOn string, notify Notifier) (int, error) {
	err := db.update(ctx, func(t *Tx) error {
		return t.applyResolution(ctx, slug, changes, basedOn, notify)
	})
	if err != nil {
		return 0, err
	}
	return len(changes), nil
}

// errDryRun rolls back CheckResolution's transaction.
var errDryRun = errors.New("dry run")

// CheckResolution runs the changes of an imported table as ApplyResolution
// would, and rolls them back: nil when they would all apply, else a
// *ResolutionError (or ErrStaleImport).
func (db *DB) CheckResolution(ctx context.Context, slug string, changes []ResolutionChange, basedOn string) error {
	err := db.update(ctx, func(t *Tx) error {
		if err := t.applyResolution(ctx, slug, changes, basedOn, nil); err != nil {
			return err
		}
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

func (t *Tx) applyResolution(ctx context.Context, slug string, changes []ResolutionChange, basedOn string, notify Notifier) error {
	latest, err := latestDisposition(ctx, t.tx, slug)
	if err != nil {
		return err
	}
	if latest > basedOn {
		return fmt.Errorf("apply resolution table of %s (checked at %q, newest disposition %s): %w", slug, basedOn, latest, ErrStaleImport)
	}
	refused := &ResolutionError{Comments: map[int64]*ValidationError{}}
	for _, ch := range changes {
		d := ch.Disposition
		if err := d.validate().err(); err != nil {
			refused.Comments[ch.CommentID] = err.(*ValidationError)
			continue
		}
		m, err := commentIn(ctx, t.tx, ch.CommentID)
		if errors.Is(err, ErrNotFound) || (err == nil && m.Consultation != slug) {
			refused.Comments[ch.CommentID] = &ValidationError{Fields: map[string]string{"id": "No such comment in this consultation"}}
			continue
		}
		if err != nil {
			return err
		}
		// A message queued here goes out only if the whole table commits.
		_, err = t.disposeOne(ctx, m, d, notify)
		var ve *ValidationError
		if errors.As(err, &ve) {
			refused.Comments[ch.CommentID] = ve
			continue
		}
		if err != nil {
			return err
		}
	}
	if len(refused.Comments) > 0 {
		return refused
	}
	return t.audit(ctx, "resolution.import", "consultation:"+slug, fmt.Sprintf("%d dispositions from a resolution table", len(changes)))
}

// StagedImport is a checked resolution table waiting to be applied.
type StagedImport struct {
	Token        string
	Consultation string // slug
	Filename     string
	// Changes is the JSON of the changes, as the caller staged them.
	Changes   []byte
	BasedOn   string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// StageImport keeps a checked resolution table for an hour and returns the
// token that applies it.
func (db *DB) StageImport(ctx context.Context, slug, filename string, changes []byte, basedOn string) (string, error) {
	token, err := newSecret()
	if err != nil {
		return "", err
	}
	err = db.update(ctx, func(t *Tx) error {
		k, err := t.consultationRow(ctx, slug)
		if err != nil {
			return err
		}
		// Expired stages of every consultation go with each new one.
		if _, err := t.exec(ctx, "DELETE FROM resolution_imports WHERE expires_at <= ?", t.stamp()); err != nil {
			return fmt.Errorf("drop expired imports: %w", err)
		}
		var uid any
		if a := ActorFrom(ctx); a.UserID != 0 {
			uid = a.UserID
		}
		_, err = t.exec(ctx, `INSERT INTO resolution_imports (token, consultation_id, created_by, created_at, expires_at, based_on, filename, changes)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, token, k.id, uid, t.stamp(), stampOf(t.now.Add(stagedImportLife)), basedOn, filename, string(changes))
		if err != nil {
			return fmt.Errorf("stage import for %s: %w", slug, err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// StagedImport reads a staged table by its token; ErrNotFound once it has
// expired.
func (db *DB) StagedImport(ctx context.Context, token string) (StagedImport, error) {
	var s StagedImport
	var changes, created, expires string
	err := db.read.QueryRowContext(ctx, `SELECT i.token, c.slug, i.filename, i.changes, i.based_on, i.created_at, i.expires_at
		FROM resolution_imports i JOIN consultations c ON c.id = i.consultation_id WHERE i.token = ?`, token).
		Scan(&s.Token, &s.Consultation, &s.Filename, &changes, &s.BasedOn, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("staged import: %w", ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("read staged import: %w", err)
	}
	s.Changes, s.CreatedAt, s.ExpiresAt = []byte(changes), parseTime(created), parseTime(expires)
	if !db.Now().Before(s.ExpiresAt) {
		return StagedImport{}, fmt.Errorf("staged import expired at %s: %w", expires, ErrNotFound)
	}
	return s, nil
}

// DeleteStagedImport drops a staged table, applied or abandoned.
func (db *DB) DeleteStagedImport(ctx context.Context, token string) error {
	return db.update(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, "DELETE FROM resolution_imports WHERE token = ?", token); err != nil {
			return fmt.Errorf("delete staged import: %w", err)
		}
		return nil
	})
}
