package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
)

// newFlags makes a flag set for a command, with --data and its env twin.
func newFlags(e *env, name, synopsis string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", envOr(e, "ACCORD_DATA", "./data"), "data folder holding accord.db and index/ (env ACCORD_DATA)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: accord %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, data
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// parse reads flags that may stand before, between or after the
// positional arguments (accord import a.csv --data /srv/accord), and
// returns the positional ones. "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag.Parse swallows the "--" it stops at; what follows it is
		// positional, even if it looks like a flag.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		// flag.Parse stopped at a positional argument; keep it and go on.
		pos = append(pos, rest[0])
		args = rest[1:]
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			continue
		}
	}
}

func dbPath(data string) string    { return filepath.Join(data, "accord.db") }
func indexPath(data string) string { return filepath.Join(data, "index") }
