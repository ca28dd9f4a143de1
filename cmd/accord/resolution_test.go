package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// resolutionData makes a data folder with an open consultation and two
// approved comments, and returns it with the comments' ids.
func resolutionData(t *testing.T) (string, []int64) {
	t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	data := t.TempDir()
	db, err := openSeeded(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	md := content.NewMarkdown()
	d := content.Drafts{DB: db, MD: md, Framework: "dc-isss-iot"}
	if _, err := d.Create(ctx, store.Document{Slug: "doc", Title: "Doc"}, "# 1 Scope\n\nDevices in scope.\n\nAnother paragraph.\n", "first"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := db.CreateConsultation(ctx, store.Consultation{Slug: "round", Title: "Round", Document: "doc", Version: 1,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour), Timezone: "UTC", Moderation: store.ModerationPost}); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, store.User{Email: "w@example.org", Name: "Wanjiru", Organisation: "Org", StakeholderGroup: "civil-society",
		Country: "KE", Role: "stakeholder", ConsentPublish: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	uctx := store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email})
	var ids []int64
	for _, body := range []string{"First comment.", "Second comment."} {
		m, err := db.CreateComment(uctx, store.NewComment{Consultation: "round", Body: body, BodyHTML: "<p>" + body + "</p>"}, store.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.State != store.CommentApproved {
			if _, err := db.ModerateComment(ctx, m.ID, store.ModerateApprove, "", "", nil); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, m.ID)
	}
	return data, ids
}

// tableFile writes the consultation's table, changed by fn, to a file.
func tableFile(t *testing.T, data string, fn func([]content.ResolutionRow)) string {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath(data))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := content.ResolutionTable(context.Background(), db, "round")
	if err != nil {
		t.Fatal(err)
	}
	fn(rows)
	var b bytes.Buffer
	if err := content.WriteResolutionCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "table.csv")
	if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestResolutionImportCLI(t *testing.T) {
	data, ids := resolutionData(t)
	disposition := func(id int64) *store.Disposition {
		db, err := store.Open(context.Background(), dbPath(data))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		m, err := db.Comment(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return m.Disposition
	}

	bad := tableFile(t, data, func(rows []content.ResolutionRow) {
		rows[0].Disposition = "maybe"
		rows[1].Disposition = "noted"
	})
	out, err := runCLI(t, "", "resolution", "import", "round", bad, "--apply", "--data", data)
	if err == nil {
		t.Fatalf("a bad table: got no error, want it refused\n%s", out)
	}
	for _, want := range []string{"row 2, column disposition", "row 3, column observations"} {
		if !strings.Contains(out, want) {
			t.Errorf("bad table output lacks %q:\n%s", want, out)
		}
	}
	if d := disposition(ids[1]); d != nil {
		t.Errorf("a refused table changed comment %d: %+v", ids[1], d)
	}

	good := tableFile(t, data, func(rows []content.ResolutionRow) {
		rows[0].Disposition, rows[0].Observations = "Accepted", "Agreed."
	})
	out, err = runCLI(t, "", "resolution", "import", "round", good, "--data", data)
	if err != nil {
		t.Fatalf("preview: %v\n%s", err, out)
	}
	if !strings.Contains(out, "none -> accepted") || !strings.Contains(out, "1 changes; nothing applied (run again with --apply)") {
		t.Errorf("preview output:\n%s", out)
	}
	if d := disposition(ids[0]); d != nil {
		t.Errorf("the preview changed comment %d: %+v", ids[0], d)
	}
	out, err = runCLI(t, "", "resolution", "import", "round", good, "--apply", "--data", data)
	if err != nil || !strings.Contains(out, "applied 1 changes") {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	// The answer is public: it is signed as the group's, never "cli" (the
	// audit log says which process gave it).
	if d := disposition(ids[0]); d == nil || d.Value != "accepted" || d.By != "A working-group member" {
		t.Errorf("after apply comment %d: got %+v, want accepted, signed as a working-group member", ids[0], d)
	}
	// The commenter is told, with links to the site's public address.
	db, err := store.Open(context.Background(), dbPath(data))
	if err != nil {
		t.Fatal(err)
	}
	msgs, _, err := db.Outbox(context.Background(), 1, 50)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range msgs {
		if m.Kind == "comment-disposition" && m.To == "w@example.org" && strings.Contains(m.Body, "http://127.0.0.1:8080/consultations/round/comments/") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("after apply: %d disposition messages to the commenter with absolute links, want 1: %+v", told, msgs)
	}
	// Applying the same file again changes nothing.
	out, err = runCLI(t, "", "resolution", "import", "round", good, "--apply", "--data", data)
	if err != nil || !strings.Contains(out, "applied 0 changes") {
		t.Errorf("apply again: %v\n%s", err, out)
	}
}
