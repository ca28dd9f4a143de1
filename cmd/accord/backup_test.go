package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestCLIBackupRestores backs up a data folder whose database another
// handle keeps open (as a running server does), then serves the copy as a
// restored data folder: everything is there.
func TestCLIBackupRestores(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if out, err := runCLI(t, "", "user", "add", "ed@example.org", "--role", "editor", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	server, err := store.Open(ctx, filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	want, _ := server.Stats(ctx)

	restored := t.TempDir()
	out, err := runCLI(t, "", "backup", filepath.Join(restored, "accord.db"), "--data", data)
	if err != nil || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", "backup", filepath.Join(restored, "accord.db"), "--data", data); err == nil {
		t.Error("a second backup over the same file succeeded; want it refused")
	}
	if _, err := runCLI(t, "", "backup", "--data", data); err == nil {
		t.Error("backup without a path succeeded")
	}
	copyDB, err := store.Open(ctx, filepath.Join(restored, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	got, _ := copyDB.Stats(ctx)
	if got != want || got.Policies == 0 {
		t.Errorf("restored stats %+v, want %+v", got, want)
	}
	if _, err := copyDB.UserByEmail(ctx, "ed@example.org"); err != nil {
		t.Errorf("restored copy lost the user: %v", err)
	}
}
