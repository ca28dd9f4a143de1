package store_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"sort"
	"testing"

	"github.com/dc-isss/accord/migrations"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// mustOpen opens a fresh database in a temporary folder, closed when the
// test ends.
func mustOpen(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrationFiles lists the embedded migration files in the order they
// must be applied.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no migration files embedded")
	}
	sort.Strings(names)
	return names
}

// appliedAt reads schema_migrations directly, bypassing the store, so the
// test sees exactly what the runner recorded.
func appliedAt(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT name, applied_at FROM schema_migrations")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, at string
		if err := rows.Scan(&name, &at); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[name]; dup {
			t.Errorf("migration %s recorded twice", name)
		}
		out[name] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrationsFromZero(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open empty folder: %v", err)
	}
	want := migrationFiles(t)
	got, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("applied migrations (-want +got):\n%s", diff)
	}
	// The schema is really there, not only recorded.
	if _, err := db.Stats(ctx); err != nil {
		t.Errorf("stats on a migrated database: %v", err)
	}
	first := appliedAt(t, path)
	if len(first) != len(want) {
		t.Errorf("got %d rows in schema_migrations, want %d", len(first), len(want))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i+1, err)
		}
		got, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("reopen %d: applied migrations (-want +got):\n%s", i+1, diff)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, appliedAt(t, path)); diff != "" {
			t.Errorf("reopen %d applied migrations again (-first +now):\n%s", i+1, diff)
		}
	}
}

// TestPragmasOnEveryConnection holds every reader of the pool at once, and
// the writer, so that a pragma set only on the first connection shows.
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	const readers = 8 // the reader pool's size
	tests := []struct {
		name   string
		want   string
		writer string // when the writer differs
	}{
		{"foreign_keys", "1", ""},
		{"journal_mode", "wal", ""},
		{"busy_timeout", "10000", ""},
		// Readers NORMAL; the writer FULL, so acknowledged writes are
		// durable (see TestCommentWritesAreSynchronousFull).
		{"synchronous", "1", "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Pragma(ctx, tt.name, readers)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != readers+1 {
				t.Fatalf("got %d answers, want %d readers and the writer", len(got), readers+1)
			}
			for i, v := range got {
				who, want := "reader", tt.want
				if i == readers {
					who = "writer"
					if tt.writer != "" {
						want = tt.writer
					}
				}
				if v != want {
					t.Errorf("PRAGMA %s on %s %d = %q, want %q", tt.name, who, i, v, want)
				}
			}
		})
	}
}

func TestMeta(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if v, err := db.Meta(ctx, "k"); err != nil || v != "" {
		t.Errorf("Meta of unset key = %q, %v; want empty, nil", v, err)
	}
	for _, want := range []string{"one", "two"} {
		if err := db.SetMeta(ctx, "k", want); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Meta(ctx, "k"); err != nil || got != want {
			t.Errorf("Meta after SetMeta(%q) = %q, %v", want, got, err)
		}
	}
}
