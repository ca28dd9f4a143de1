package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestWorkspace reads /workspace as each role: an editor finds their own
// draft (not another editor's), the count of unreviewed mappings, the
// other editor's change and an import; an admin also the ways to users and
// the audit log; a stakeholder their comments only; an anonymous reader is
// sent to sign in. Every signed-in page's header links to the workspace.
func TestWorkspace(t *testing.T) {
	e := newEnv(t)
	editor := e.signedIn("editor")
	admin := e.signedIn("admin")
	w := editor.post("/documents/new", url.Values{"slug": {"editors-draft"}, "title": {"Editor's draft"}, "body": {"Some text.\n"}})
	wantStatus(t, "create the editor's draft", w, http.StatusSeeOther)
	w = admin.post("/documents/new", url.Values{"slug": {"admins-draft"}, "title": {"Admin's draft"}, "body": {"Other text.\n"}})
	wantStatus(t, "create the admin's draft", w, http.StatusSeeOther)
	csv := "slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary\nworkspace-test,Workspace test act,,GB,Parliament,law,published,,,,,en,,,A test.\n"
	w = admin.upload("/policies/import", map[string][]byte{"workspace.csv": []byte(csv)})
	if w.Code != http.StatusOK {
		t.Fatalf("import: got %d: %s", w.Code, w.Body)
	}

	anon := e.client().get("/workspace")
	if anon.Code != http.StatusSeeOther || !strings.HasPrefix(anon.Header().Get("Location"), "/login") {
		t.Errorf("anonymous /workspace: got %d to %q, want 303 to /login", anon.Code, anon.Header().Get("Location"))
	}

	d := doc(t, editor.get("/"))
	if got, _ := d.Find(`header a[href="/workspace"]`).Attr("href"); got != "/workspace" {
		t.Errorf("signed-in home: no link to /workspace in the header")
	}
	w = editor.get("/workspace")
	wantStatus(t, "editor /workspace", w, http.StatusOK)
	d = doc(t, w)
	if got := d.Find(`[data-testid=ws-drafts] a[href="/documents/editors-draft"]`).Length(); got != 1 {
		t.Errorf("editor's drafts: own draft listed %d times, want 1", got)
	}
	if d.Find(`[data-testid=ws-drafts] a[href="/documents/admins-draft"]`).Length() != 0 {
		t.Errorf("editor's drafts: lists another's draft")
	}
	ws, err := e.db.Workspace(context.Background(), e.users["editor"].ID)
	if err != nil {
		t.Fatal(err)
	}
	unreviewed := ws.Unreviewed
	if unreviewed == 0 {
		t.Fatal("the shipped content has no unreviewed mapping; the count below would prove nothing")
	}
	if got := d.Find(`[data-testid=ws-review]`).Text(); !strings.Contains(got, itoa(int64(unreviewed))+" mappings have not been reviewed") {
		t.Errorf("editor's mappings to review: got %q, want the count %d", got, unreviewed)
	}
	if d.Find(`[data-testid=ws-review] a[href="/review"]`).Length() != 1 {
		t.Errorf("editor's mappings to review: no link to the review queue")
	}
	queue, err := e.db.UnreviewedMappings(context.Background(), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if queue.Total != unreviewed {
		t.Errorf("workspace counts %d mappings to review, the queue %d", unreviewed, queue.Total)
	}
	recent := d.Find(`[data-testid=ws-recent]`).Text()
	if !strings.Contains(recent, "document:admins-draft") || !strings.Contains(recent, "admin@example.org") {
		t.Errorf("editor's recent changes by others: want the admin's draft, got %q", recent)
	}
	d.Find(`[data-testid=ws-recent] tbody tr td:nth-child(2)`).Each(func(_ int, s *goquery.Selection) {
		if s.Text() == "editor@example.org" {
			t.Errorf("editor's recent changes by others lists the editor's own")
		}
	})
	if got := d.Find(`[data-testid=ws-imports]`).Text(); !strings.Contains(got, "workspace.csv") || !strings.Contains(got, "1 created") {
		t.Errorf("editor's last imports: got %q", got)
	}
	if d.Find(`[data-testid=ws-admin]`).Length() != 0 {
		t.Errorf("editor's workspace shows administration")
	}

	d = doc(t, admin.get("/workspace"))
	for _, href := range []string{"/admin/users", "/admin/audit"} {
		if d.Find(`[data-testid=ws-admin] a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("admin's workspace: no link to %s", href)
		}
	}

	w = e.signedIn("stakeholder").get("/workspace")
	wantStatus(t, "stakeholder /workspace", w, http.StatusOK)
	d = doc(t, w)
	if d.Find(`[data-testid=ws-drafts], [data-testid=ws-review], [data-testid=ws-recent]`).Length() != 0 {
		t.Errorf("stakeholder's workspace shows editors' sections")
	}
	if d.Find(`[data-testid=ws-comments] a[href="/account/comments"]`).Length() != 1 {
		t.Errorf("stakeholder's workspace: no link to their comments")
	}
}
