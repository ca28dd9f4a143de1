package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Workspace is what a member's start page shows: their documents in the
// works, the mappings no one has reviewed, what others changed lately, the
// last imports, and their own comments.
type Workspace struct {
	// Drafts are documents not yet published or archived that the member
	// owns, created or wrote a version of, most recently updated first.
	Drafts []WorkspaceDoc
	// Unreviewed counts the mappings no member has approved or rejected
	// yet, as the review queue does (UnreviewedMappings).
	Unreviewed int
	// Recent are the latest changes by others (the audit log, sign-ins
	// left out), newest first.
	Recent []AuditEvent
	// Imports are the latest imports of policies and resolution tables.
	Imports []AuditEvent
	// Comments counts the member's own comments on consultations.
	Comments int
}

// WorkspaceDoc is a document on a member's workspace.
type WorkspaceDoc struct {
	Slug, Title, Status string
	Updated             time.Time
}

// ImportActions are the audit actions that record an import.
var ImportActions = []string{"policy.import", "resolution.import"}

// Workspace reads a member's start page in one read transaction, so that
// its parts agree with each other.
func (db *DB) Workspace(ctx context.Context, userID int64) (Workspace, error) {
	var w Workspace
	err := db.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT slug, title, status, updated_at FROM documents d
			WHERE status NOT IN ('published', 'archived') AND (created_by = ?1
				OR EXISTS (SELECT 1 FROM document_owners o WHERE o.document_id = d.id AND o.user_id = ?1)
				OR EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.author_id = ?1))
			ORDER BY updated_at DESC, slug LIMIT 20`, userID)
		if err != nil {
			return fmt.Errorf("list drafts: %w", err)
		}
		if w.Drafts, err = collect(rows, func(r *sql.Rows) (WorkspaceDoc, error) {
			var d WorkspaceDoc
			var at string
			err := r.Scan(&d.Slug, &d.Title, &d.Status, &at)
			d.Updated = parseTime(at)
			return d, err
		}); err != nil {
			return fmt.Errorf("list drafts: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mappings WHERE NOT reviewed AND NOT rejected`).Scan(&w.Unreviewed); err != nil {
			return fmt.Errorf("count unreviewed mappings: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE author_id = ?`, userID).Scan(&w.Comments); err != nil {
			return fmt.Errorf("count own comments: %w", err)
		}
		if w.Recent, err = auditIn(ctx, tx, `(user_id IS NULL OR user_id <> ?) AND substr(action, 1, 6) <> 'login.' AND action <> 'login'
			AND action NOT IN ('session.end', 'token.create', 'token.revoke') AND substr(action, 1, 4) <> 'mfa.'`, 10, userID); err != nil {
			return fmt.Errorf("list recent changes: %w", err)
		}
		if w.Imports, err = auditIn(ctx, tx, `action IN (?, ?)`, 5, ImportActions[0], ImportActions[1]); err != nil {
			return fmt.Errorf("list imports: %w", err)
		}
		return nil
	})
	return w, err
}

// auditIn lists at most limit audit events matching where, newest first.
func auditIn(ctx context.Context, q querier, where string, limit int, args ...any) ([]AuditEvent, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, at, IFNULL(user_id, 0), actor, action, object, detail, ip FROM audit WHERE "+
		where+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (AuditEvent, error) {
		var e AuditEvent
		var at string
		err := r.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.IP)
		e.At = parseTime(at)
		return e, err
	})
}
