package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Prepared statements of the hot write path. modernc's driver parses every
// statement it is given anew, and a comment's transaction runs about ten
// (savepoint, consultation, author, paragraph, insert, receipt, change,
// audit, release); under load the parsing was a fifth of the server's CPU,
// spent on the single writer goroutine that every comment waits for. The
// writer pool holds one connection, so each statement is prepared once on
// it, when the database opens (later, a transaction holds that one
// connection and a preparation on the pool would wait for it forever), and
// reused by every transaction: database/sql's Tx.StmtContext reuses a
// statement already prepared on the transaction's connection, and prepares
// it again there if the connection was replaced.

// hotStatements are prepared when the database opens. Statements built at
// run time keep the plain path (Tx.exec), so the cache stays as small as
// this list.
var hotStatements = []string{
	qSavepoint, qRollbackTo, qRelease,
	qConsultationRow, qUserByID, qParagraph, qInsertComment,
	qEnqueue, qInsertChange, qInsertAudit,
}

// stmtCache holds prepared statements: the writer's, prepared when the
// database opens, and the readers' (see readRowCached), prepared on first
// use.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// readStatements are the fixed reads of every API request and of every
// page the page cache answers (the changes feed's position, its key),
// prepared on the read pool on first use (database/sql prepares them again
// on each pooled connection as needed); see readRowCached. Parsing the
// feed's query anew was most of the cost of a cached page.
var readStatements = map[string]bool{qTokenUser: true, qLastChange: true}

// readRowCached reads one row on the read pool with q, prepared once when
// q is one of readStatements, else as QueryRowContext would. Preparing on
// the pool is safe at any time: no transaction holds its connections.
func (db *DB) readRowCached(ctx context.Context, q string, args ...any) *sql.Row {
	if !readStatements[q] {
		return db.read.QueryRowContext(ctx, q, args...)
	}
	db.readStmts.mu.Lock()
	s, ok := db.readStmts.m[q]
	if !ok {
		var err error
		s, err = db.read.PrepareContext(ctx, q)
		if err != nil {
			db.readStmts.mu.Unlock()
			return db.read.QueryRowContext(ctx, q, args...)
		}
		if db.readStmts.m == nil {
			db.readStmts.m = map[string]*sql.Stmt{}
		}
		db.readStmts.m[q] = s
	}
	db.readStmts.mu.Unlock()
	return s.QueryRowContext(ctx, args...)
}

// prepare prepares every hot statement on the writer; no transaction may
// be open.
func (c *stmtCache) prepare(ctx context.Context, w *sql.DB) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = make(map[string]*sql.Stmt, len(hotStatements))
	for _, q := range hotStatements {
		s, err := w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		c.m[q] = s
	}
	return nil
}

// get returns the prepared statement for q, or nil if q is not one.
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[q]
}

// close closes every prepared statement; the DB is closing.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.m {
		if err := s.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close statement %q: %w", q, err))
		}
	}
	c.m = nil
	return errors.Join(errs...)
}

// execCached runs a statement of hotStatements prepared beforehand; any
// other runs as Tx.exec would.
func (t *Tx) execCached(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := t.db.stmts.get(q); s != nil {
		return t.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// queryRowCached reads one row with a statement of hotStatements prepared
// beforehand; any other runs as Tx.QueryRowContext would.
func (t *Tx) queryRowCached(ctx context.Context, q string, args ...any) *sql.Row {
	if s := t.db.stmts.get(q); s != nil {
		return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}
