package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

const (
	firefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	safariPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

// signInWith signs a role's account in from an address with a user agent.
func (e *env) signInWith(role, ip, agent string) *client {
	e.t.Helper()
	c := e.client()
	c.ip = ip
	c.get("/login")
	form := c.token(url.Values{"email": {role + "@example.org"}, "password": {testPassword}})
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", agent)
	if w := c.do(req); w.Code != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: %d", role, w.Code)
	}
	return c
}

// sessionIDs reads the account page's session rows: device text by the
// row's session id, and the id of the row marked "This session".
func sessionIDs(t *testing.T, c *client) (rows map[string]string, current string) {
	t.Helper()
	w := c.get("/account")
	wantStatus(t, "/account", w, http.StatusOK)
	rows = map[string]string{}
	doc(t, w).Find(`#sessions ~ .table-wrap tr[data-testid^="session-"]`).Each(func(_ int, s *goquery.Selection) {
		id := strings.TrimPrefix(s.AttrOr("data-testid", ""), "session-")
		rows[id] = strings.Join(strings.Fields(s.Text()), " ")
		if strings.Contains(s.Text(), "This session") {
			current = id
		}
	})
	return rows, current
}

func TestAccountListsAndEndsSessions(t *testing.T) {
	e := newEnv(t)
	laptop := e.signInWith("stakeholder", "192.0.2.10", firefoxLinux)
	phone := e.signInWith("stakeholder", "198.51.100.20", safariPhone)

	rows, current := sessionIDs(t, laptop)
	if len(rows) != 2 {
		t.Fatalf("the account lists %d sessions, want 2: %v", len(rows), rows)
	}
	var phoneID string
	for id, text := range rows {
		switch {
		case id == current:
			if !strings.Contains(text, "Firefox on Linux") || !strings.Contains(text, "192.0.2.10") {
				t.Errorf("this session's row: %q", text)
			}
		default:
			phoneID = id
			if !strings.Contains(text, "Safari on iOS") || !strings.Contains(text, "198.51.100.20") {
				t.Errorf("the phone's row: %q", text)
			}
		}
	}
	if current == "" || phoneID == "" {
		t.Fatalf("no row marked as this session, or no other: %v", rows)
	}

	// Without the CSRF token, nothing ends.
	laptop.noCSRF = true
	if w := laptop.post("/account/sessions/"+phoneID+"/end", nil); w.Code != http.StatusForbidden {
		t.Errorf("ending without CSRF: %d, want 403", w.Code)
	}
	laptop.noCSRF = false

	// Another user cannot end it: not found, and the session lives on.
	other := e.signedIn("editor")
	if w := other.post("/account/sessions/"+phoneID+"/end", nil); w.Code != http.StatusNotFound {
		t.Errorf("another user ending the session: %d, want 404", w.Code)
	}
	if w := phone.get("/account"); w.Code != http.StatusOK {
		t.Fatalf("the phone after another user's try: %d, want 200", w.Code)
	}

	// The owner ends it: the phone is signed out, the laptop is not.
	w := laptop.post("/account/sessions/"+phoneID+"/end", nil)
	wantStatus(t, "end the phone's session", w, http.StatusSeeOther)
	if w := phone.get("/account"); w.Code == http.StatusOK {
		t.Error("the phone is still signed in after its session was ended")
	}
	if rows, _ := sessionIDs(t, laptop); len(rows) != 1 {
		t.Errorf("after ending the phone's: %v", rows)
	}
	events, _, err := e.db.Audit(context.Background(), store.AuditFilter{Action: "session.end", Limit: 10})
	if err != nil || len(events) != 1 {
		t.Errorf("audit of session.end: %v, %v", events, err)
	}

	// Ending this session signs out here.
	w = laptop.post("/account/sessions/"+current+"/end", nil)
	wantStatus(t, "end this session", w, http.StatusSeeOther)
	if w := laptop.get("/account"); w.Code == http.StatusOK {
		t.Error("still signed in after ending this session")
	}
}

func TestAdminEndsAllSessionsOfAUser(t *testing.T) {
	e := newEnv(t)
	target := e.users["stakeholder"]
	a := e.signInWith("stakeholder", "192.0.2.10", firefoxLinux)
	b := e.signInWith("stakeholder", "198.51.100.20", safariPhone)
	path := fmt.Sprintf("/admin/users/%d/sessions/end", target.ID)

	if w := e.signedIn("editor").post(path, nil); w.Code != http.StatusForbidden {
		t.Errorf("an editor ending a user's sessions: %d, want 403", w.Code)
	}
	admin := e.signedIn("admin")
	page := admin.get("/admin/users")
	wantStatus(t, "/admin/users", page, http.StatusOK)
	if doc(t, page).Find(`form[action="`+path+`"] button`).Length() != 1 {
		t.Errorf("/admin/users has no sign-out-everywhere button for user %d", target.ID)
	}
	w := admin.post(path, nil)
	wantStatus(t, "end all sessions", w, http.StatusSeeOther)
	for name, c := range map[string]*client{"first": a, "second": b} {
		if w := c.get("/account"); w.Code == http.StatusOK {
			t.Errorf("the %s browser is still signed in", name)
		}
	}
	// The account is not disabled: its owner signs in again.
	e.signInWith("stakeholder", "192.0.2.10", firefoxLinux)
	events, _, err := e.db.Audit(context.Background(), store.AuditFilter{Action: "session.end_all", Limit: 10})
	if err != nil || len(events) != 1 || events[0].Object != fmt.Sprintf("user/%d", target.ID) || events[0].Actor != "admin@example.org" {
		t.Errorf("audit of session.end_all: %+v, %v", events, err)
	}
	// The admin's own session was untouched.
	if w := admin.get("/admin/users"); w.Code != http.StatusOK {
		t.Errorf("the admin after ending another's sessions: %d", w.Code)
	}
}
