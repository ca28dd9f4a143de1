package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestUserAddProfile checks that `accord user add` fills the profile a
// commenter needs, and refuses a stakeholder group it does not know.
func TestUserAddProfile(t *testing.T) {
	data := t.TempDir()
	out, err := runCLI(t, "", "user", "add", "wanjiru@example.org", "--name", "Wanjiru K", "--organisation", "Open Kenya",
		"--group", "civil-society", "--country", "ke", "--data", data)
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", "user", "add", "x@example.org", "--group", "pirates", "--data", data); err == nil {
		t.Error("user add --group pirates: got no error, want the group refused")
	}
	db, err := store.Open(context.Background(), filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByEmail(context.Background(), "wanjiru@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if u.Organisation != "Open Kenya" || u.StakeholderGroup != "civil-society" || u.Country != "KE" || !u.ProfileComplete() {
		t.Errorf("got profile %q %q %q (complete %v), want Open Kenya, civil-society, KE, complete",
			u.Organisation, u.StakeholderGroup, u.Country, u.ProfileComplete())
	}
	if _, err := db.UserByEmail(context.Background(), "x@example.org"); err == nil {
		t.Error("the user with an unknown group was created")
	}
}

// TestTokenCreateExpiresAndLimit: `token create --expires` sets the
// expiry, a bad one is refused, and the 21st active token is refused.
func TestTokenCreateExpiresAndLimit(t *testing.T) {
	data := t.TempDir()
	if out, err := runCLI(t, "", "user", "add", "ci@example.org", "--role", "editor", "--data", data); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", "token", "create", "ci@example.org", "--expires", "tomorrow", "--data", data); err == nil {
		t.Error("--expires tomorrow: got no error")
	}
	for i := range store.MaxTokens {
		expires := "90d"
		if i == 0 {
			expires = "2099-01-31"
		}
		if out, err := runCLI(t, "", "token", "create", "ci@example.org", "--expires", expires, "--data", data); err != nil {
			t.Fatalf("token %d: %v\n%s", i+1, err, out)
		}
	}
	_, err := runCLI(t, "", "token", "create", "ci@example.org", "--data", data)
	if err == nil || !strings.Contains(err.Error(), "revoke") {
		t.Errorf("token %d: got %v, want a refusal asking to revoke one", store.MaxTokens+1, err)
	}
	db, err := store.Open(context.Background(), filepath.Join(data, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, _ := db.UserByEmail(context.Background(), "ci@example.org")
	toks, err := db.Tokens(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldest := toks[len(toks)-1]
	if want := time.Date(2099, 1, 31, 0, 0, 0, 0, time.UTC); !oldest.Expires.Equal(want) {
		t.Errorf("first token expires %v, want %v", oldest.Expires, want)
	}
	if d := time.Until(toks[0].Expires); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("a 90d token expires in %v", d)
	}
}
