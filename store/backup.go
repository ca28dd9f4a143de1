package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the whole database to path with
// VACUUM INTO. It reads one snapshot, so writers carry on meanwhile (WAL
// mode) and the copy is a single compact file with no -wal beside it.
// An existing file at path is refused rather than overwritten.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup to %s: the file exists; choose a new name: %w", path, ErrConflict)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// The writer connection runs it because the readers are query_only;
	// VACUUM INTO only reads the source, so it takes no write lock.
	if _, err := db.write.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
