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

// StagingTables lists the tables an import stages rows in, each with the
// live table whose rows it holds ("" for none).
func StagingTables() [][2]string {
	out := make([][2]string, len(stagingTables))
	for i, st := range stagingTables {
		out[i] = [2]string{st.staging, st.live}
	}
	return out
}
