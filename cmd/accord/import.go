package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// openSeeded opens the data folder's database for a command that writes
// to it, loading the shipped vocabularies and content the first time just
// as serve does, so that a server started later does not load the shipped
// policies over imported ones.
func openSeeded(ctx context.Context, data string) (*store.DB, error) {
	db, err := openData(ctx, data)
	if err != nil {
		return nil, err
	}
	bundle, err := content.ReadBundle(content.Builtin())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read shipped content: %w", err)
	}
	if _, err := content.Seed(ctx, db, bundle); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// cliContext attributes the command's writes to the command line.
func cliContext(ctx context.Context) context.Context {
	return store.WithActor(ctx, store.Actor{Process: "cli"})
}

func importCmd(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "import", "import FILE... [--quiet] [--data DIR]")
	quiet := fs.Bool("quiet", false, "do not show progress on standard error")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("import: name at least one .csv, .json, .md or .zip file")
	}
	db, err := openSeeded(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)
	rejected := 0
	for _, name := range files {
		rep, err := importFile(ctx, e, db, name, *quiet)
		if err != nil {
			return err
		}
		printReport(e.stdout, rep)
		if rep.Rejected {
			rejected++
		}
	}
	if rejected > 0 {
		return fmt.Errorf("import: %d of %d files rejected; nothing of them was saved", rejected, len(files))
	}
	return nil
}

// importFile streams one file into the database, showing progress on
// standard error unless quiet.
func importFile(ctx context.Context, e *env, db *store.DB, name string, quiet bool) (content.FileReport, error) {
	f, err := os.Open(name)
	if err != nil {
		return content.FileReport{}, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return content.FileReport{}, fmt.Errorf("import: %w", err)
	}
	var opt content.ImportOptions
	var p *progress
	var saving time.Time
	var swap time.Duration
	if !quiet {
		p = newProgress(e.stderr, name, st.Size())
		opt.Progress = p.wrap
		opt.Applying = func() {
			saving = time.Now()
			p.line("saving")
		}
		opt.Swapped = func(took time.Duration) { swap = took }
	}
	rep, err := content.ImportFrom(ctx, db, name, f, st.Size(), opt)
	if err == nil && !rep.Rejected && p != nil && !saving.IsZero() {
		// How long the write transaction held the database, for whoever
		// watches a server running beside the import: the swap of a
		// staged import, or the one save of a small file.
		took := swap
		if took == 0 {
			took = time.Since(saving)
		}
		p.line("saved in " + took.Round(time.Millisecond).String())
	}
	return rep, err
}

// readLimited reads a file, refusing one larger than max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d MB", name, max>>20)
	}
	return b, nil
}

// printReport writes what an import did, one file at a time.
func printReport(w io.Writer, rep content.FileReport) {
	if rep.Rejected {
		fmt.Fprintf(w, "%s: rejected, nothing saved\n", rep.File)
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
		return
	}
	fmt.Fprintf(w, "%s: %d created, %d updated, %d unchanged\n", rep.File, len(rep.Created), len(rep.Updated), len(rep.Unchanged))
	for _, l := range []struct {
		label string
		slugs []string
	}{{"created", rep.Created}, {"updated", rep.Updated}} {
		if len(l.slugs) > 0 {
			fmt.Fprintf(w, "  %s: %s\n", l.label, strings.Join(l.slugs, ", "))
		}
	}
}

func exportCmd(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "export", "export --format json|csv|markdown [--out PATH] [--data DIR]\n"+
		"       accord export --site DIR --base-url URL [--force] [--data DIR]")
	format := fs.String("format", "json", "json, csv or markdown (a zip of .md files)")
	out := fs.String("out", "", "file to write; standard output when empty")
	site := fs.String("site", "", "write every public page into this folder as a static site (absent or empty folder)")
	force := fs.Bool("force", false, "with --site, replace a folder that is not empty")
	baseURL := fs.String("base-url", envOr(e, "ACCORD_BASE_URL", ""),
		"needed with --site: the public address of the site, such as https://accord.example.org: canonical links and feeds point to it (env ACCORD_BASE_URL)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("export takes no arguments, got %q; use --out or --site", pos)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *site != "" || set["site"] {
		if set["format"] || set["out"] {
			return fmt.Errorf("export: --site writes a whole folder and cannot go with --format or --out")
		}
		return exportSite(ctx, e, *data, *site, *baseURL, *force)
	}
	if set["force"] {
		return fmt.Errorf("export: --force goes with --site only")
	}
	if !slices.Contains(content.ExportFormats, *format) {
		return fmt.Errorf("--format must be json, csv or markdown, not %q", *format)
	}
	db, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	ps, err := db.AllPolicies(ctx)
	if err != nil {
		return err
	}
	if *out == "" {
		w := bufio.NewWriter(e.stdout)
		if err := content.Export(w, ps, *format); err != nil {
			return err
		}
		return w.Flush()
	}
	// Write beside the target and rename, so a failed export never leaves
	// half a file where a good one was.
	tmp, err := os.CreateTemp(dirOf(*out), ".accord-export-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := content.Export(w, ps, *format); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(e.stderr, "exported %d policies to %s\n", len(ps), *out)
	return nil
}

func dirOf(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[:i+1]
	}
	return "."
}
