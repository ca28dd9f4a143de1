package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dc-isss/accord/web"
)

// exportSite writes the public pages into dir as a static site, rendered by
// the same server serve runs (without search, which needs the server).
func exportSite(ctx context.Context, e *env, data, dir, baseURL string, force bool) error {
	if dir == "" {
		return errors.New("export: --site needs a folder")
	}
	if err := guardSiteDir(dir, data); err != nil {
		return err
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

// guardSiteDir refuses a site folder that --force would wrongly replace:
// the root, the current or home folder, or one holding the data folder.
func guardSiteDir(dir, data string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	precious := []string{filepath.VolumeName(abs) + string(filepath.Separator)}
	if wd, err := os.Getwd(); err == nil {
		precious = append(precious, wd)
	}
	if home, err := os.UserHomeDir(); err == nil {
		precious = append(precious, home)
	}
	for _, p := range precious {
		if abs == filepath.Clean(p) {
			return fmt.Errorf("export: --site %s would replace %s; name a folder of its own", dir, p)
		}
	}
	if d, err := filepath.Abs(data); err == nil {
		if rel, err := filepath.Rel(abs, d); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("export: --site %s holds the data folder %s; name a folder of its own", dir, data)
		}
	}
	return nil
}
