package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AuditEvent is one entry of the audit log: who did what to which object,
// when (UTC) and from where. It never holds a secret.
type AuditEvent struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id,omitempty"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Object string    `json:"object"`
	Detail string    `json:"detail"`
	IP     string    `json:"ip"`
}

// RecordEvent writes an audit event that goes with no data change, such
// as a sign-in, attributed to the actor carried by ctx.
func (db *DB) RecordEvent(ctx context.Context, action, object, detail string) error {
	return db.update(ctx, func(t *Tx) error { return t.audit(ctx, action, object, detail) })
}

// AuditFilter selects audit events; empty fields match everything.
type AuditFilter struct {
	Actor  string // substring of the actor's email or process name
	Action string // exact action, or a prefix ending in "." such as "policy."
	Object string // substring of the object, such as "policy/eu-cra"
	From   time.Time
	To     time.Time // exclusive
	Limit  int
	Offset int
}

// Audit lists events newest first, and how many match in all.
func (db *DB) Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, int, error) {
	conds := []string{"1"}
	var args []any
	like := func(s string) string {
		return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
	}
	if f.Actor != "" {
		conds = append(conds, `actor LIKE ? ESCAPE '\'`)
		args = append(args, like(f.Actor))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			conds = append(conds, "substr(action, 1, ?) = ?")
			args = append(args, len(f.Action), f.Action)
		} else {
			conds = append(conds, "action = ?")
			args = append(args, f.Action)
		}
	}
	if f.Object != "" {
		conds = append(conds, `object LIKE ? ESCAPE '\'`)
		args = append(args, like(f.Object))
	}
	if !f.From.IsZero() {
		conds = append(conds, "at >= ?")
		args = append(args, f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		conds = append(conds, "at < ?")
		args = append(args, f.To.UTC().Format(time.RFC3339))
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := db.read.QueryContext(ctx, "SELECT id, at, IFNULL(user_id, 0), actor, action, object, detail, ip FROM audit WHERE "+
		where+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit events: %w", err)
	}
	events, err := collect(rows, func(r *sql.Rows) (AuditEvent, error) {
		var e AuditEvent
		var at string
		err := r.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.IP)
		e.At, _ = time.Parse(time.RFC3339, at)
		return e, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list audit events: %w", err)
	}
	return events, total, nil
}

// AuditActions lists the distinct actions in the log, for a filter menu.
func (db *DB) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT DISTINCT action FROM audit ORDER BY action")
	if err != nil {
		return nil, fmt.Errorf("list audit actions: %w", err)
	}
	return collect(rows, scanString)
}
