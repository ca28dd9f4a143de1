package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
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

// CopyFile writes a consistent copy of the database file at src to the new
// file dst without opening src for writing: no migration runs and nothing
// in src changes, so a dry run can work on the copy of a database from an
// older release.
func CopyFile(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Set("mode", "ro")
	c, err := sql.Open("sqlite", "file:"+filepath.ToSlash(src)+"?"+v.Encode())
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}
