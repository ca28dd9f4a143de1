package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

func registration(email string) url.Values {
	return url.Values{"email": {email}, "password": {"a long new passphrase"}, "name": {"Wanjiru Kamau"},
		"stakeholder_group": {"civil-society"}, "country": {"KE"}, "next": {"/map"}}
}

func TestRegistrationConfirmedByEmail(t *testing.T) {
	e := newEnv(t).withMail()
	c := e.signedIn("")

	// A known and an unknown address get the same answer.
	answers := map[string]string{}
	for _, addr := range []string{"stakeholder@example.org", "new@example.org"} {
		w := c.post("/register", registration(addr))
		wantStatus(t, "register "+addr, w, http.StatusOK)
		answers[addr] = strings.ReplaceAll(doc(t, w).Find("main").Text(), addr, "ADDR")
		if _, ok := c.cookies["accord_session"]; ok {
			t.Fatalf("register %s signed the visitor in before confirmation", addr)
		}
	}
	if answers["stakeholder@example.org"] != answers["new@example.org"] {
		t.Errorf("answers differ:\n%s\n---\n%s", answers["stakeholder@example.org"], answers["new@example.org"])
	}
	// Nothing exists, and nothing can sign in, until the link is followed.
	if _, err := e.db.UserByEmail(context.Background(), "new@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("account before confirmation: %v", err)
	}
	other := e.client()
	other.get("/login")
	wantStatus(t, "sign in unconfirmed", other.post("/login", url.Values{"email": {"new@example.org"}, "password": {"a long new passphrase"}}), http.StatusUnauthorized)

	notice, ok := lastMail(t, e.db, "register-existing", "stakeholder@example.org")
	if !ok {
		t.Fatal("the owner of the known address was not told")
	}
	if !strings.Contains(notice.Body, testBaseURL+"/password/forgot") || !strings.Contains(notice.Body, testBaseURL+"/login") {
		t.Errorf("notice lacks sign-in and reset links on the base URL:\n%s", notice.Body)
	}
	if _, ok := lastMail(t, e.db, "register-confirm", "stakeholder@example.org"); ok {
		t.Error("a known address was sent a confirmation link")
	}

	// Registering again replaces the pending registration's link.
	first, _ := lastMail(t, e.db, "register-confirm", "new@example.org")
	firstLink := linkIn(t, first.Body, "/register/confirm")
	wantStatus(t, "register again", c.post("/register", registration("new@example.org")), http.StatusOK)
	m, _ := lastMail(t, e.db, "register-confirm", "new@example.org")
	link := linkIn(t, m.Body, "/register/confirm")
	wantStatus(t, "replaced link", c.get(firstLink), http.StatusGone)

	// The GET only shows a button (mail scanners follow links).
	w := c.get(link)
	wantStatus(t, "confirm page", w, http.StatusOK)
	tok := doc(t, w).Find("form[action='/register/confirm'] input[name=token]").AttrOr("value", "")
	if tok == "" {
		t.Fatal("confirm page has no form with the token")
	}
	if _, err := e.db.UserByEmail(context.Background(), "new@example.org"); err == nil {
		t.Fatal("the GET of the confirmation link created the account")
	}
	w = c.post("/register/confirm", url.Values{"token": {tok}})
	wantStatus(t, "confirm", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/map" {
		t.Errorf("confirmation leads to %q, want the page registration came from", loc)
	}
	wantStatus(t, "account after confirmation", c.get("/account"), http.StatusOK)
	u, err := e.db.UserByEmail(context.Background(), "new@example.org")
	if err != nil || u.Role != "stakeholder" || u.Country != "KE" || u.Name != "Wanjiru Kamau" {
		t.Fatalf("confirmed account = %+v, %v", u, err)
	}
	wantStatus(t, "used link", c.post("/register/confirm", url.Values{"token": {tok}}), http.StatusGone)
	if d := doc(t, c.get(link)); d.Find("a[href='/register']").Length() != 1 {
		t.Error("the invalid-link page does not offer to register again")
	}
}

func TestRegistrationLinkExpires(t *testing.T) {
	e := newEnv(t).withMail()
	c := e.signedIn("")
	wantStatus(t, "register", c.post("/register", registration("late@example.org")), http.StatusOK)
	m, _ := lastMail(t, e.db, "register-confirm", "late@example.org")
	link := linkIn(t, m.Body, "/register/confirm")
	e.advance(store.RegisterLinkTTL + time.Minute)
	wantStatus(t, "expired link", c.get(link), http.StatusGone)
}

func TestRegistrationMailThrottled(t *testing.T) {
	e := newEnv(t).withMail()
	for i := 0; i < store.MailAddressThrottle.Free; i++ {
		c := e.signedIn("")
		c.ip = "192.0.2." + itoa(int64(20+i))
		wantStatus(t, "register", c.post("/register", registration("stakeholder@example.org")), http.StatusOK)
	}
	c := e.signedIn("")
	c.ip = "192.0.2.90"
	w := c.post("/register", registration("stakeholder@example.org"))
	wantStatus(t, "register once too often", w, http.StatusTooManyRequests)
	d := doc(t, w)
	if got := d.Find("input[name=name]").AttrOr("value", ""); got != "Wanjiru Kamau" {
		t.Errorf("name after refusal = %q, want kept", got)
	}
	if n := outboxCount(t, e.db, "register-existing"); n != store.MailAddressThrottle.Free {
		t.Errorf("%d notices sent, want %d", n, store.MailAddressThrottle.Free)
	}
}

func TestRegistrationWithoutMailSignsInAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("")
	w := c.post("/register", registration("direct@example.org"))
	wantStatus(t, "register", w, http.StatusSeeOther)
	if _, err := e.db.UserByEmail(context.Background(), "direct@example.org"); err != nil {
		t.Fatalf("account not created at once without mail: %v", err)
	}
	if n := len(outbox(t, e.db)); n != 0 {
		t.Errorf("%d messages queued without mail", n)
	}
}
