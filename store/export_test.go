package store

import (
	"context"
	"database/sql"
)

// SetCommentTxHook makes fn run inside every transaction that saves a new
// comment, until the returned function restores the previous hook.
func SetCommentTxHook(fn func(ctx context.Context, tx *sql.Tx)) (restore func()) {
	old := testHookCommentTx
	testHookCommentTx = fn
	return func() { testHookCommentTx = old }
}
