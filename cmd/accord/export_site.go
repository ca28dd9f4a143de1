package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dc-isss/accord/web"
)

// exportSite writes the public pages into dir as a static site, rendered by
// the same server serve runs (without search, which needs the server).
func exportSite(ctx context.Context, e *env, data, dir, baseURL string, force bool) error {
	if dir == "" {
		return errors.New("export: --site needs a folder")
	}
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return fmt.Errorf("--base-url: %w", err)
	}
	if base == "" {
		return errors.New("export: --site needs --base-url (or ACCORD_BASE_URL), the public address canonical links and feeds point to")
	}
	db, err := openSeeded(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	app := web.NewServer(web.Deps{Store: db, BaseURL: base})
	rep, err := app.ExportSite(ctx, dir, web.SiteOptions{Force: force})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported %d pages and %d files (%.1f MB) to %s in %.1fs; %d URLs left out (not public, query strings, not found)\n",
		rep.Pages, rep.Files, float64(rep.Bytes)/(1<<20), dir, time.Since(start).Seconds(), rep.Skipped)
	return nil
}
