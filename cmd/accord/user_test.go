package main

import (
	"context"
	"path/filepath"
	"testing"

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
