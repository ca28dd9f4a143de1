// Package store holds Accord's domain types, their rules, and *DB, the
// repository over SQLite that keeps them. It imports no other package of
// Accord's but the embedded migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dc-isss/accord/migrations"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is the SQLite repository. Writes go through a single connection so that
// SQLite never has to arbitrate between writers of ours; reads use a pool.
type DB struct {
	write     *sql.DB
	read      *sql.DB
	path      string
	group     *grouper  // see group.go
	stmts     stmtCache // the writer's prepared statements; see stmt.go
	readStmts stmtCache // the readers'
	// commits counts the transactions of update this process committed:
	// caches of what rarely changes compare it to see their own writes at
	// once (other processes' writes they see by asking again).
	commits atomic.Uint64

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// pragmas are set on every pooled connection through the connection string.
var pragmas = []string{
	"busy_timeout(10000)",
	"foreign_keys(1)",
	"journal_mode(WAL)",
}

// The synchronous setting differs by pool. The single writer connection
// runs with synchronous=FULL: in WAL mode that fsyncs the log at every
// commit, so a write acknowledged to a client (a stakeholder's comment
// above all) survives a power cut, not only a crash of the process. It
// costs one fsync per write transaction, which the comment benchmark in
// BENCHMARKS.md measures. The readers never write, so NORMAL (the
// cheaper setting, safe from corruption in WAL mode) is all they need.
const (
	writerSynchronous = "synchronous(FULL)"
	readerSynchronous = "synchronous(NORMAL)"
)

func dsn(path string, readOnly bool) string {
	v := url.Values{}
	for _, p := range pragmas {
		v.Add("_pragma", p)
	}
	if readOnly {
		v.Add("_pragma", readerSynchronous)
		v.Add("_pragma", "query_only(1)")
	} else {
		v.Add("_pragma", writerSynchronous)
		v.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + v.Encode()
}

// Open opens (creating if needed) the database at path and applies any
// migration not yet applied.
func Open(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{write: w, path: path, group: newGrouper(), Now: func() time.Time { return time.Now().UTC() }}
	if err := db.migrate(ctx, migrations.FS); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.backfillEditions(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.stmts.prepare(ctx, w); err != nil {
		db.stmts.close()
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		db.stmts.close()
		w.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db.read = r
	return db, nil
}

// Close closes both connection pools.
func (db *DB) Close() error {
	db.closeGroup()
	return errors.Join(db.stmts.close(), db.readStmts.close(), db.read.Close(), db.write.Close())
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers a read.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// migrate applies, in name order, every *.sql file of fsys not yet recorded
// in schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, fsys, name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, fsys fs.FS, name string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE name = ?", name).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
		name, db.Now().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("record migration %s: %w", name, err)
	}
	return tx.Commit()
}

// Migrations lists the names of the applied migrations, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT name FROM schema_migrations ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list applied migrations: %w", err)
	}
	return collect(rows, scanString)
}

// Pragma reads one pragma on n distinct pooled read connections, so tests
// can show that every connection got the connection string's settings.
func (db *DB) Pragma(ctx context.Context, name string, n int) ([]string, error) {
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var out []string
	for i := 0; i < n; i++ {
		c, err := db.read.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("pragma %s: %w", name, err)
		}
		conns = append(conns, c)
		var v string
		if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			return nil, fmt.Errorf("pragma %s: %w", name, err)
		}
		out = append(out, v)
	}
	var v string
	if err := db.write.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
		return nil, fmt.Errorf("pragma %s on writer: %w", name, err)
	}
	return append(out, v), nil
}

// Tx is a write transaction: the statements run on it and, before commit,
// the changes it records for the feed and the audit log.
type Tx struct {
	tx  *sql.Tx
	db  *DB
	now time.Time
}

// update runs fn in one write transaction (BEGIN IMMEDIATE through the
// connection string) and commits if fn returns nil.
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	t := &Tx{tx: tx, db: db, now: db.Now().UTC()}
	if err := fn(t); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.commits.Add(1)
	return nil
}

// LocalCommits is the number of write transactions (comments aside, which
// commit in groups) this process has committed since it opened the
// database.
func (db *DB) LocalCommits() uint64 { return db.commits.Load() }

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) stamp() string { return t.now.Format(time.RFC3339) }

// qInsertChange appends to the changes feed.
const qInsertChange = "INSERT INTO changes (kind, key, op, created_at) VALUES (?, ?, ?, ?)"

// change appends one object to the changes feed.
func (t *Tx) change(ctx context.Context, kind, key, op string) error {
	_, err := t.execCached(ctx, qInsertChange,
		kind, key, op, t.stamp())
	if err != nil {
		return fmt.Errorf("record change of %s %s: %w", kind, key, err)
	}
	return nil
}

// qInsertAudit appends to the audit log.
const qInsertAudit = "INSERT INTO audit (at, user_id, actor, action, object, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)"

// audit appends one event, attributed to the actor carried by ctx.
func (t *Tx) audit(ctx context.Context, action, object, detail string) error {
	a := ActorFrom(ctx)
	var uid any
	if a.UserID != 0 {
		uid = a.UserID
	}
	// Every field may carry text a visitor typed (an email, a name), so
	// each is bounded and its control characters escaped.
	_, err := t.execCached(ctx, qInsertAudit,
		t.stamp(), uid, auditText(a.Name()), auditText(action), auditText(object), auditText(detail), auditText(a.IP))
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, object, err)
	}
	return nil
}

// collect scans every row with scan and closes rows.
// scanString reads a row of one text column, for collect.
func scanString(r *sql.Rows) (string, error) {
	var s string
	return s, r.Scan(&s)
}

func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Meta reads a value from the meta table; "" when unset.
func (db *DB) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta writes a value to the meta table.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	return db.update(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
		if err != nil {
			return fmt.Errorf("write meta %s: %w", key, err)
		}
		return nil
	})
}
