package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIExportSite runs accord export --site on a fresh data folder (the
// shipped content) and checks its refusals: --format or --out beside
// --site, no base URL, a folder that is not empty without --force.
func TestCLIExportSite(t *testing.T) {
	data := t.TempDir()
	site := filepath.Join(t.TempDir(), "site")
	base := "--base-url=https://accord.example.org"

	out, err := runCLI(t, "", "export", "--site", site, base, "--data", data)
	if err != nil || !strings.Contains(out, "exported ") || !strings.Contains(out, " pages ") {
		t.Fatalf("export --site: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(site, "policies", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `href="../coverage/index.html"`) {
		t.Error("policies/index.html does not link to ../coverage/index.html")
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"with --format", []string{"--site", filepath.Join(t.TempDir(), "a"), base, "--format", "csv"}, "--format or --out"},
		{"with --out", []string{"--site", filepath.Join(t.TempDir(), "b"), base, "--out", "x.json"}, "--format or --out"},
		{"without a base URL", []string{"--site", filepath.Join(t.TempDir(), "c")}, "--base-url"},
		{"into a folder with files", []string{"--site", site, base}, "not empty"},
		{"onto the data folder", []string{"--site", data, base, "--force"}, "data folder"},
		{"onto a folder holding the data folder", []string{"--site", filepath.Dir(data), base, "--force"}, "data folder"},
		{"onto the current folder", []string{"--site", ".", base, "--force"}, "of its own"},
		{"--force without --site", []string{"--force", "--format", "json"}, "--site"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(t, "", append([]string{"export", "--data", data}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v (%s), want an error mentioning %q", err, out, tc.want)
			}
		})
	}

	mine := filepath.Join(site, "mine.txt")
	if err := os.WriteFile(mine, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "", "export", "--site", site, base, "--force", "--data", data); err != nil {
		t.Fatalf("export --site --force: %v\n%s", err, out)
	}
	if _, err := os.Stat(mine); err == nil {
		t.Error("--force kept a file of the old folder; want the folder replaced")
	}
	if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
		t.Errorf("after --force: %v", err)
	}
}

// TestCLIExportUsage checks that export's usage shows --base-url as
// needed with --site, as accord help does and as the command demands.
func TestCLIExportUsage(t *testing.T) {
	out, err := runCLI(t, "", "export", "--help")
	if err == nil || !strings.Contains(err.Error(), "help requested") {
		t.Fatalf("export --help: got %v, want help requested", err)
	}
	if !strings.Contains(out, "accord export --site DIR --base-url URL") || strings.Contains(out, "[--base-url URL]") {
		t.Errorf("export usage: got\n%s\nwant --base-url shown as needed with --site", out)
	}
}
