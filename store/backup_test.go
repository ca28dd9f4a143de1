package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestBackupWhileWriting takes a backup while another goroutine saves
// policies: the copy opens, passes an integrity check, and holds a prefix of
// the writes (never a half-written policy).
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	var wg sync.WaitGroup
	wg.Add(1)
	const n = 40
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			p := validPolicy(fmt.Sprintf("policy-%02d", i))
			if _, err := db.SavePolicy(ctx, p, store.Upsert); err != nil {
				t.Errorf("save %d: %v", i, err)
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	copyDB, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer copyDB.Close()
	if got, err := copyDB.Pragma(ctx, "integrity_check", 1); err != nil || got[0] != "ok" {
		t.Fatalf("integrity_check = %v, %v; want ok", got, err)
	}
	stats, err := copyDB.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < stats.Policies; i++ {
		p, err := copyDB.Policy(ctx, fmt.Sprintf("policy-%02d", i))
		if err != nil {
			t.Fatalf("backup holds %d policies but not policy %d: %v", stats.Policies, i, err)
		}
		if len(p.Jurisdictions) == 0 {
			t.Errorf("policy %d lost its jurisdictions in the copy", i)
		}
	}
	if err := db.Backup(ctx, path); !errors.Is(err, store.ErrConflict) {
		t.Errorf("backup over an existing file: err = %v, want ErrConflict", err)
	}
}
