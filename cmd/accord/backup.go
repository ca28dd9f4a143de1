package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// backup writes a consistent copy of the database while the server may be
// running and taking writes.
func backup(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "backup", "backup PATH [--data ./data]")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("backup takes one argument, the file to write")
	}
	if _, err := os.Stat(dbPath(*data)); err != nil {
		return fmt.Errorf("no database to back up in %s: %w", *data, err)
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, pos[0]); err != nil {
		return err
	}
	abs, _ := filepath.Abs(pos[0])
	info, err := os.Stat(pos[0])
	if err != nil {
		return fmt.Errorf("backup written but not readable: %w", err)
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s (%d KB)\n", dbPath(*data), abs, (info.Size()+1023)/1024)
	return nil
}
