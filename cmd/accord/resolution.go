package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/web"
)

// defaultCLIBaseURL is the address of a server started with the defaults,
// for the links in messages when no --base-url is given.
const defaultCLIBaseURL = "http://127.0.0.1:8080"

// resolutionCmd dispatches "accord resolution SUBCOMMAND".
func resolutionCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("resolution: use import; run accord resolution import --help")
	}
	return resolutionImport(ctx, e, args[1:])
}

// resolutionImport checks a filled resolution table (CSV or XLSX) against
// a consultation and prints the changes it makes; with --apply it gives
// them, all in one transaction. A table with any problem is refused whole,
// every problem named by row and column.
func resolutionImport(ctx context.Context, e *env, args []string) error {
	fs, data := newFlags(e, "resolution import", "resolution import SLUG FILE [--apply] [--base-url URL] [--data DIR]")
	apply := fs.Bool("apply", false, "apply the changes; without it, only print them")
	baseURL := fs.String("base-url", envOr(e, "ACCORD_BASE_URL", defaultCLIBaseURL),
		"public address of the site, for the links in the messages that tell each commenter the answer (env ACCORD_BASE_URL)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	base, err := parseBaseURL(*baseURL)
	if err != nil {
		return fmt.Errorf("--base-url: %w", err)
	}
	if len(pos) != 2 {
		return fmt.Errorf("resolution import: give the consultation's SLUG and the FILE")
	}
	slug, name := pos[0], pos[1]
	b, err := readLimited(name, content.MaxImportFile)
	if err != nil {
		return fmt.Errorf("resolution import: %w", err)
	}
	db, err := openSeeded(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)
	md := content.NewMarkdown()
	changes, basedOn, err := content.PrepareResolution(ctx, db, md, slug, name, b)
	var re *content.ResolutionError
	if errors.As(err, &re) {
		for _, p := range re.Problems {
			fmt.Fprintln(e.stderr, p.String())
		}
		return fmt.Errorf("resolution import: %s rejected with %d problems; nothing was changed", name, len(re.Problems))
	}
	if err != nil {
		return fmt.Errorf("resolution import: %w", err)
	}
	for _, ch := range changes {
		printChange(e.stdout, ch)
	}
	if !*apply {
		fmt.Fprintf(e.stdout, "%d changes; nothing applied (run again with --apply)\n", len(changes))
		return nil
	}
	n := 0
	if len(changes) > 0 {
		// Each commenter is told the answer, as from the web: the server's
		// messages are composed by the web package, which owns the URLs.
		app := web.NewServer(web.Deps{Store: db, Markdown: md, BaseURL: base})
		if n, err = db.ApplyResolution(ctx, slug, content.StoreChanges(md, changes), basedOn, app.DispositionNotifier()); err != nil {
			return fmt.Errorf("resolution import: %w", err)
		}
	}
	fmt.Fprintf(e.stdout, "applied %d changes\n", n)
	return nil
}

// printChange writes one line of the preview.
func printChange(w io.Writer, ch content.ResolutionChange) {
	parts := []string{fmt.Sprintf("comment %d (row %d): %s -> %s", ch.ID, ch.Row, orNone(ch.OldDisposition), ch.Disposition)}
	if ch.ObservationsChanged() {
		parts = append(parts, "rationale changed")
	}
	if ch.AddressedChanged() {
		parts = append(parts, fmt.Sprintf("addressed_in %s -> %s", orNone(ch.OldAddressedIn), orNone(ch.AddressedIn.String())))
	}
	fmt.Fprintln(w, strings.Join(parts, "; "))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
