package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/dc-isss/accord/search"
	"github.com/schollz/progressbar/v3"
)

// reindex rebuilds the search index from the database, offline.
func reindex(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "reindex", "reindex [--data ./data]")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("reindex takes no arguments, got %q", pos)
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	idx, err := search.Open(indexPath(*data), db, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if errors.Is(err, search.ErrInUse) {
		return fmt.Errorf("%w: a running server keeps its index current by itself; stop it first to rebuild from scratch", err)
	}
	if err != nil {
		return err
	}
	defer idx.Close()
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("indexing policies"),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("policies"),
		progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
	err = idx.Rebuild(ctx, func(done, total int) {
		if bar.GetMax() != total {
			bar.ChangeMax(total)
		}
		_ = bar.Set(done)
	})
	_ = bar.Finish()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(e.stdout, "Rebuilt the search index in %s\n", indexPath(*data))
	return nil
}
