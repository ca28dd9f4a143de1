package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// TestCLIImportWhileServerHasDatabaseOpen imports from "another process"
// (a second *store.DB on the same file) while the first stays open, as
// the server would.
func TestCLIImportWhileServerHasDatabaseOpen(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if out, err := runCLI(t, "", "user", "add", "ed@example.org", "--role", "editor", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	server, err := store.Open(ctx, filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	before, _ := server.Stats(ctx)

	file := filepath.Join(t.TempDir(), "new.csv")
	csv := "slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary\n" +
		"in-dpdp-2023,Digital Personal Data Protection Act 2023,DPDP Act,IN,Parliament of India,law,adopted,mandatory,2023-08-11,,https://www.meity.gov.in/,en,personal-data,service,Data protection law.\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "", "import", file, "--data", data)
	if err != nil || !strings.Contains(out, "1 created") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	p, err := server.Policy(ctx, "in-dpdp-2023")
	if err != nil || p.Title != "Digital Personal Data Protection Act 2023" || p.Adopted != "2023-08-11" || p.Jurisdictions[0] != "IN" {
		t.Fatalf("the open handle sees %+v, %v", p, err)
	}
	after, _ := server.Stats(ctx)
	if after.Policies != before.Policies+1 {
		t.Errorf("got %d policies, want exactly one more than %d", after.Policies, before.Policies)
	}
	out, err = runCLI(t, "", "import", "--data", data, file)
	if err != nil || !strings.Contains(out, "0 created, 0 updated, 1 unchanged") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	events, _, _ := server.Audit(ctx, store.AuditFilter{Action: "policy.create"})
	if len(events) == 0 || events[0].Actor != "cli" {
		t.Errorf("got audit %+v, want the import attributed to cli", events)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("[\n {\"slug\": \"x-y\", \"title\": \"X\", \"jurisdictions\": [\"GB\"], \"type\": \"act\"}\n]"), 0o600)
	out, err = runCLI(t, "", "import", bad, "--data", data)
	if err == nil || !strings.Contains(out, "line 2") || !strings.Contains(out, "type") {
		t.Errorf("bad import: %v\n%s", err, out)
	}
	if _, err := server.Policy(ctx, "x-y"); err == nil {
		t.Error("a rejected file was saved")
	}
}

func TestCLIExportUsersTokens(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	out, err := runCLI(t, "correct horse battery\n", "user", "add", "Admin@Example.org", "--role", "admin", "--password-stdin", "--data", data)
	if err != nil || strings.Contains(out, "password (shown once)") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "password\n", "user", "add", "weak@example.org", "--password-stdin", "--data", data); err == nil {
		t.Error("a common password was accepted")
	}
	out, err = runCLI(t, "", "user", "add", "sam@example.org", "--data", data)
	if err != nil || !strings.Contains(out, "password (shown once)") {
		t.Fatalf("user add with generated password: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "", "user", "role", "sam@example.org", "editor", "--data", data); err != nil {
		t.Fatalf("user role: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", "user", "role", "sam@example.org", "owner", "--data", data); err == nil {
		t.Error("unknown role accepted")
	}
	var tokOut bytes.Buffer
	if err := run(ctx, []string{"token", "create", "sam@example.org", "--data", data}, func(string) string { return "" }, nil, &tokOut, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(tokOut.String())
	if !strings.HasPrefix(token, store.TokenPrefix) {
		t.Fatalf("got token %q", token)
	}
	db, err := store.Open(ctx, filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.TokenUser(ctx, token); err != nil || u.Role != "editor" {
		t.Fatalf("token user %+v, %v", u, err)
	}
	if out, err := runCLI(t, "", "user", "disable", "sam@example.org", "--data", data); err != nil {
		t.Fatalf("disable: %v\n%s", err, out)
	}
	if _, err := db.TokenUser(ctx, token); err == nil {
		t.Error("token of a disabled user still works")
	}

	for _, format := range []string{"json", "csv", "markdown"} {
		path := filepath.Join(t.TempDir(), "out."+format)
		if out, err := runCLI(t, "", "export", "--format", format, "--out", path, "--data", data); err != nil {
			t.Fatalf("export %s: %v\n%s", format, err, out)
		}
		b, _ := os.ReadFile(path)
		if len(b) < 1000 {
			t.Errorf("export %s: %d bytes", format, len(b))
		}
	}
	if _, err := runCLI(t, "", "export", "--format", "xml", "--data", data); err == nil {
		t.Error("unknown format accepted")
	}
	// The JSON export imports back with nothing to change.
	path := filepath.Join(t.TempDir(), "all.json")
	runCLI(t, "", "export", "--out", path, "--data", data)
	out, err = runCLI(t, "", "import", path, "--data", data)
	if err != nil || !strings.Contains(out, "0 created, 0 updated, 194 unchanged") {
		t.Errorf("re-import of export: %v\n%s", err, out)
	}
}
