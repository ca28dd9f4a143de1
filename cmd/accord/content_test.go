package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// earlierDataFolder makes, in dir, the data folder an earlier release
// would have left: the shipped content without its last two policies,
// with two summaries as they once were; then a member edits one of those
// two. It returns the slugs of the missing, the edited and the unedited
// changed policy.
func earlierDataFolder(t *testing.T, dir string) (missing []string, edited, plain string) {
	t.Helper()
	ctx := context.Background()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	n := len(b.Policies)
	for _, p := range b.Policies[n-2:] {
		missing = append(missing, p.Slug)
	}
	old := b
	old.Policies = slices.Clone(b.Policies[:n-2])
	old.Documents = nil // the example cites policies of this release
	old.Policies[0].Summary = "A summary as an earlier release had it."
	old.Policies[1].Summary = "Another summary as an earlier release had it."
	edited, plain = old.Policies[0].Slug, old.Policies[1].Slug

	db, err := openData(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := content.Seed(ctx, db, old); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, store.User{Email: "member@example.org", Name: "Member", Role: "editor"}, "")
	if err != nil {
		t.Fatal(err)
	}
	member := store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email})
	if _, _, err := db.EditPolicy(member, edited, func(p *store.Policy) error {
		p.Notes = "Checked against the gazette by a member."
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return missing, edited, plain
}

// runCmd runs the program with args and no environment, returning what it
// printed.
func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

// serveLog starts serve on dir until it says where it serves, stops it,
// and returns its log.
func serveLog(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" },
			strings.NewReader(""), pw, logs)
		pw.CloseWithError(fmt.Errorf("accord serve returned: %v", err))
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	started := false
	for !started && sc.Scan() {
		started = servingRE.MatchString(sc.Text())
	}
	go io.Copy(io.Discard, pr)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("accord serve: %v\n%s", err, logs.String())
	}
	if !started {
		t.Fatalf("accord serve did not start:\n%s", logs.String())
	}
	return logs.String()
}

// TestContentSync upgrades a data folder made by an earlier release: serve
// says what the database lacks; a dry run reports and writes nothing; the
// sync adds the missing instruments, updates the unedited changed one and
// leaves the member's edit alone, saying why; a second sync adds nothing
// and serve no longer complains.
func TestContentSync(t *testing.T) {
	dir := t.TempDir()
	missing, edited, plain := earlierDataFolder(t, dir)

	if log := serveLog(t, dir); !strings.Contains(log, "2 shipped instruments are not in this database; run `accord content sync`") {
		t.Errorf("serve's log does not say that 2 shipped instruments are missing:\n%s", log)
	}

	lastChange := func() int64 {
		db, err := openData(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		n, err := db.LastChange(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := lastChange()
	wantLines := []string{
		"added      policy " + missing[0] + "\n",
		"added      policy " + missing[1] + "\n",
		"updated    policy " + plain + ": summary\n",
		"left alone policy " + edited + ": edited in this database on ",
		"the shipped version differs in notes, summary\n",
		"Policies: 2 added, 1 updated, 1 left alone, ",
		"Frameworks: 0 added, 0 updated, 0 left alone, 1 already as shipped.",
	}
	out, err := runCmd(t, "content", "sync", "--dry-run", "--data", dir)
	if err != nil {
		t.Fatalf("content sync --dry-run: %v\n%s", err, out)
	}
	for _, want := range append([]string{"Dry run: nothing was written."}, wantLines...) {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if after := lastChange(); after != before {
		t.Errorf("the dry run wrote: last change %d, was %d", after, before)
	}

	out, err = runCmd(t, "content", "sync", "--data", dir)
	if err != nil {
		t.Fatalf("content sync: %v\n%s", err, out)
	}
	for _, want := range wantLines {
		if !strings.Contains(out, want) {
			t.Errorf("sync output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Dry run") {
		t.Errorf("the sync calls itself a dry run:\n%s", out)
	}
	db, err := openData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Policy(context.Background(), edited)
	if err != nil || p.Notes != "Checked against the gazette by a member." {
		t.Errorf("the member's policy after sync: notes %q, err %v", p.Notes, err)
	}
	for _, s := range missing {
		if _, err := db.Policy(context.Background(), s); err != nil {
			t.Errorf("added policy %s: %v", s, err)
		}
	}
	db.Close()

	out, err = runCmd(t, "content", "sync", "--data", dir)
	if err != nil {
		t.Fatalf("second content sync: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Policies: 0 added, 0 updated, 1 left alone") || strings.Contains(out, "added      policy") {
		t.Errorf("second sync did more than leave the edited policy alone:\n%s", out)
	}
	if log := serveLog(t, dir); strings.Contains(log, "not in this database") || strings.Contains(log, "content sync") {
		t.Errorf("serve still asks for a sync after one:\n%s", log)
	}
}

func TestContentSyncArguments(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no subcommand", []string{"content"}, "use content sync"},
		{"unknown subcommand", []string{"content", "pull"}, "use content sync"},
		{"an argument", []string{"content", "sync", "extra", "--data", "DIR"}, "takes no arguments"},
		{"no database", []string{"content", "sync", "--data", "DIR"}, "no database at"},
		{"no database, dry run", []string{"content", "sync", "--dry-run", "--data", "DIR"}, "no database at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := slices.Clone(tt.args)
			for i, a := range args {
				if a == "DIR" {
					args[i] = dir
				}
			}
			out, err := runCmd(t, args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%q) = %v, want an error containing %q\n%s", args, err, tt.wantErr, out)
			}
		})
	}
}

// TestContentSyncKeepsImportedEdit: a shipped record changed with `accord
// import` (an operator's deliberate local edit, whose revision carries no
// user) is an edit too, and content sync leaves it alone.
func TestContentSyncKeepsImportedEdit(t *testing.T) {
	dir := t.TempDir()
	_, _, plain := earlierDataFolder(t, dir)

	db, err := openData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Policy(context.Background(), plain)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "export", "--format", "json", "--out", filepath.Join(dir, "all.json"), "--data", dir)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "all.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []map[string]any
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	var one []map[string]any
	for _, x := range all {
		if x["slug"] == p.Slug {
			x["summary"] = "Summary corrected locally with accord import."
			one = append(one, x)
		}
	}
	b, _ := json.Marshal(one)
	f := filepath.Join(dir, "edit.json")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, "import", f, "--data", dir); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := runCmd(t, "content", "sync", "--data", dir); err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	db, err = openData(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err = db.Policy(context.Background(), plain)
	if err != nil {
		t.Fatal(err)
	}
	if p.Summary != "Summary corrected locally with accord import." {
		t.Errorf("content sync overwrote the summary imported with accord import: now %q", p.Summary)
	}
}
