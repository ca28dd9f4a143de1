package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// contentCmd runs "content sync": bring the content this binary ships
// into a data folder made by an earlier release.
func contentCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "sync" {
		return errors.New("content: use content sync [--dry-run] [--data DIR]")
	}
	fs, data := newFlags(e, "content sync", "content sync [--dry-run] [--data DIR]")
	dry := fs.Bool("dry-run", false, "report what the sync would do and write nothing")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("content sync takes no arguments, got %q", pos)
	}
	path := dbPath(*data)
	if _, err := os.Stat(path); err != nil {
		// A new data folder gets everything shipped when serve first
		// starts; a missing file here is more likely a wrong --data.
		return fmt.Errorf("content sync: no database at %s; check --data (serve loads the shipped content into a new data folder by itself)", path)
	}
	bundle, err := content.ReadBundle(content.Builtin())
	if err != nil {
		return fmt.Errorf("read shipped content: %w", err)
	}
	var rep content.SyncReport
	if *dry {
		rep, err = content.DryRun(ctx, path, bundle)
	} else {
		var db *store.DB
		if db, err = openData(ctx, *data); err != nil {
			return err
		}
		defer db.Close()
		rep, err = content.Sync(ctx, db, bundle)
	}
	if err != nil {
		return fmt.Errorf("content sync: %w", err)
	}
	printSync(e.stdout, rep, *dry)
	return nil
}

// printSync writes the report: one line for each record added, updated or
// left alone, then the totals.
func printSync(w io.Writer, rep content.SyncReport, dry bool) {
	if dry {
		fmt.Fprintln(w, "Dry run: nothing was written. A sync would do this:")
	}
	if rep.Loaded {
		fmt.Fprintln(w, "This database held no shipped content: loaded all of it, as serve does on its first start.")
	}
	// Grouped by what was done, each group in the bundle's order
	// (frameworks, then policies by slug).
	for _, action := range []store.SyncAction{store.SyncAdded, store.SyncUpdated, store.SyncLeftAlone} {
		for _, r := range rep.Results {
			if r.Action != action {
				continue
			}
			line := fmt.Sprintf("%-10s %s %s", r.Action, r.Kind, r.Slug)
			switch r.Action {
			case store.SyncUpdated:
				line += ": " + strings.Join(r.Fields, ", ")
				if r.KeptReviews > 0 {
					line += fmt.Sprintf(" (kept %s as members reviewed them)", plural(r.KeptReviews, "mapping", "mappings"))
				}
			case store.SyncLeftAlone:
				line += ": " + r.Why
				if len(r.Fields) > 0 {
					line += "; the shipped version differs in " + strings.Join(r.Fields, ", ")
				}
			}
			fmt.Fprintln(w, line)
		}
	}
	for _, kind := range []struct{ kind, title string }{{"policy", "Policies"}, {"framework", "Frameworks"}} {
		n := map[store.SyncAction]int{}
		for _, r := range rep.Results {
			if r.Kind == kind.kind {
				n[r.Action]++
			}
		}
		fmt.Fprintf(w, "%s: %d added, %d updated, %d left alone, %d already as shipped.\n", kind.title,
			n[store.SyncAdded], n[store.SyncUpdated], n[store.SyncLeftAlone], n[store.SyncUnchanged])
	}
}

// plural says "1 mapping" or "3 mappings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
