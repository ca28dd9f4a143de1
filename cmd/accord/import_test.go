package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
)

// writeBulkJSON writes a JSON array of at least size bytes: the shipped
// policy with the most provisions, repeated with distinct slugs (and
// titles, so each is a policy of its own), as `accord export` would
// write it. It returns how many policies it wrote.
func writeBulkJSON(t testing.TB, path string, size int64) int {
	t.Helper()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	model := b.Policies[0]
	for _, p := range b.Policies {
		if len(p.Provisions) > len(model.Provisions) {
			model = p
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var written int64
	n := 0
	f.WriteString("[\n")
	for written < size {
		p := model
		p.Slug = fmt.Sprintf("bulk-%06d-%s", n, model.Slug)
		p.Title = fmt.Sprintf("%s (copy %d)", model.Title, n)
		rec, err := json.MarshalIndent(p, "  ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			f.WriteString(",\n")
		}
		f.WriteString("  ")
		k, err := f.Write(rec)
		if err != nil {
			t.Fatal(err)
		}
		written += int64(k)
		n++
	}
	f.WriteString("\n]\n")
	return n
}

// TestCLIImportProgress imports a file of some 3 MB of policies with
// standard error not a terminal: progress comes as plain lines, without
// the control characters of a bar, and --quiet leaves them out.
func TestCLIImportProgress(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bulk.json")
	n := writeBulkJSON(t, file, 3<<20)
	data := filepath.Join(dir, "data")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"import", file, "--data", data}, func(string) string { return "" }, nil, &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s%s", err, out.String(), errOut.String())
	}
	if want := fmt.Sprintf("%s: %d created, 0 updated, 0 unchanged\n", file, n); !strings.HasPrefix(out.String(), want) {
		t.Errorf("stdout starts %.200q, want %q", out.String(), want)
	}
	log := errOut.String()
	// The file ends after the record that passes 3 MB.
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	whole := fmt.Sprintf("%.1f MB of %.1f MB (100%%)", float64(st.Size())/(1<<20), float64(st.Size())/(1<<20))
	for _, want := range []string{"import " + file + ": checking, 0.0 MB of", "checking, " + whole,
		"import " + file + ": staging, ", "staging, " + whole, "import " + file + ": saving\n", "import " + file + ": saved in "} {
		if !strings.Contains(log, want) {
			t.Errorf("standard error lacks %q:\n%s", want, log)
		}
	}
	if strings.ContainsAny(log, "\r\x1b") {
		t.Errorf("progress for a log has control characters: %q", log)
	}
	if lines := strings.Count(log, "\n"); lines > 25 {
		t.Errorf("%d lines of progress, want a line per tenth of each pass", lines)
	}
	out.Reset()
	errOut.Reset()
	if err := run(context.Background(), []string{"import", "--quiet", file, "--data", data}, func(string) string { return "" }, nil, &out, &errOut); err != nil {
		t.Fatalf("import --quiet: %v\n%s", err, errOut.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("--quiet wrote %q", errOut.String())
	}
	// Nothing new; the policies come back as updated or unchanged (the
	// store compares mappings in stored order, not the file's).
	if want := fmt.Sprintf("%s: 0 created, ", file); !strings.HasPrefix(out.String(), want) {
		t.Errorf("second import: %.200q, want it to start %q", out.String(), want)
	}
}

// TestImportLarge is the measurement behind BENCHMARKS.md: it builds
// accord, imports a 50 MB JSON file into a new data folder and reports
// the peak resident memory and time of the process; ACCORD_IMPORT_BASELINE
// may name another accord binary to run on a file small enough for it
// (under 4 MB). It is a measurement for BENCHMARKS.md (a minute and a half on two
// cores), so it runs when asked for with ACCORD_IMPORT_BENCH=1, not in the
// browser stage of CI; TestCLIImportProgress proves the streaming import
// works on every run.
func TestImportLarge(t *testing.T) {
	if os.Getenv("ACCORD_IMPORT_BENCH") == "" {
		t.Skip("set ACCORD_IMPORT_BENCH=1 to measure a 50 MB import")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "accord")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	measure := func(bin, file string) (time.Duration, int64, string, string) {
		t.Helper()
		data := filepath.Join(dir, fmt.Sprintf("data-%d", time.Now().UnixNano()))
		// Seed first, so that the measure is of the import alone.
		seed := exec.Command(bin, "user", "add", "seed@example.org", "--role", "editor", "--data", data)
		if out, err := seed.CombinedOutput(); err != nil {
			t.Fatalf("seed: %v\n%s", err, out)
		}
		cmd := exec.Command(bin, "import", file, "--data", data)
		var out, progress bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &progress
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		if err != nil {
			t.Fatalf("%s import %s: %v\n%.2000s%.2000s", bin, file, err, out.String(), progress.String())
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		saved := "no saving time reported"
		for _, l := range strings.Split(progress.String(), "\n") {
			if strings.Contains(l, ": saved in ") {
				saved = l[strings.Index(l, "saved in "):]
			}
		}
		return took, ru.Maxrss, strings.SplitN(out.String(), "\n", 2)[0], saved
	}
	small := filepath.Join(dir, "small.json")
	nSmall := writeBulkJSON(t, small, 3900<<10)
	big := filepath.Join(dir, "big.json")
	nBig := writeBulkJSON(t, big, 50<<20)
	for _, f := range []struct {
		path string
		n    int
	}{{small, nSmall}, {big, nBig}} {
		st, _ := os.Stat(f.path)
		took, rss, summary, saved := measure(bin, f.path)
		t.Logf("streaming import: %.1f MB, %d policies: %s, peak RSS %d MB, %s (%.120s)", float64(st.Size())/(1<<20), f.n, took.Round(100*time.Millisecond), rss>>10, saved, summary)
		if f.path == big && rss > 400<<10 {
			t.Errorf("peak RSS %d MB importing %.0f MB: memory does not look bounded", rss>>10, float64(st.Size())/(1<<20))
		}
	}
	if old := os.Getenv("ACCORD_IMPORT_BASELINE"); old != "" {
		took, rss, summary, _ := measure(old, small)
		t.Logf("baseline import: %d policies: %s, peak RSS %d MB (%.120s)", nSmall, took.Round(100*time.Millisecond), rss>>10, summary)
	}
}
