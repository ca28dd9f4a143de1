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

	// With mail, the registration form asks no password: whoever
	// registers an address does not choose its account's password.
	if n := doc(t, c.get("/register")).Find("input[name=password]").Length(); n != 0 {
		t.Errorf("the registration form asks for a password with mail on")
	}
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
	// The password is chosen here, checked like any new password; a
	// refusal keeps the page and its token, never the password.
	if d := doc(t, w); d.Find("form[action='/register/confirm'] input[name=password][type=password]").Length() != 1 {
		t.Fatal("confirm page does not ask for the password")
	}
	for _, pw := range []string{"", "short", "password1234"} {
		w = c.post("/register/confirm", url.Values{"token": {tok}, "password": {pw}})
		wantStatus(t, "confirm with password "+pw, w, http.StatusUnprocessableEntity)
		d := doc(t, w)
		if d.Find("#error-summary a[href='#f-password']").Length() != 1 {
			t.Errorf("password %q: no error naming the password field", pw)
		}
		if d.Find("input[name=token]").AttrOr("value", "") != tok || d.Find("input[name=password]").AttrOr("value", "") != "" {
			t.Errorf("password %q: the refused form lost its token or shows the password", pw)
		}
	}
	if _, err := e.db.UserByEmail(context.Background(), "new@example.org"); err == nil {
		t.Fatal("a refused password created the account")
	}
	w = c.post("/register/confirm", url.Values{"token": {tok}, "password": {"chosen after the link"}})
	wantStatus(t, "confirm", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/map" {
		t.Errorf("confirmation leads to %q, want the page registration came from", loc)
	}
	wantStatus(t, "account after confirmation", c.get("/account"), http.StatusOK)
	u, err := e.db.UserByEmail(context.Background(), "new@example.org")
	if err != nil || u.Role != "stakeholder" || u.Country != "KE" || u.Name != "Wanjiru Kamau" {
		t.Fatalf("confirmed account = %+v, %v", u, err)
	}
	// The account has the password chosen on confirmation, not the one
	// the registration carried.
	for pw, want := range map[string]int{"a long new passphrase": http.StatusUnauthorized, "chosen after the link": http.StatusSeeOther} {
		cl := e.client()
		cl.get("/login")
		wantStatus(t, "sign in with "+pw, cl.post("/login", url.Values{"email": {"new@example.org"}, "password": {pw}}), want)
	}
	wantStatus(t, "used link", c.post("/register/confirm", url.Values{"token": {tok}, "password": {"chosen after the link"}}), http.StatusGone)
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

// TestRegistrationInvalidAlikeForKnownAddress: with mail, an invalid
// registration gets the same status and page whether or not its address
// has an account: every field is checked before the address is looked up.
func TestRegistrationInvalidAlikeForKnownAddress(t *testing.T) {
	e := newEnv(t).withMail()
	for _, tc := range []struct {
		name  string
		field string
		value string
	}{
		{"unknown country", "country", "ZZ"},
		{"malformed country", "country", "nowhere"},
		{"no country", "country", ""},
		{"no name", "name", ""},
		{"unknown group", "stakeholder_group", "pirates"},
		{"no group", "stakeholder_group", ""},
		{"long organisation", "organisation", strings.Repeat("o", 201)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var statuses []int
			var bodies []string
			for i, addr := range []string{"stakeholder@example.org", "nobody-yet@example.org"} {
				c := e.signedIn("")
				c.ip = "192.0.2." + itoa(int64(100+i))
				f := registration(addr)
				f.Set(tc.field, tc.value)
				w := c.post("/register", f)
				statuses = append(statuses, w.Code)
				main := doc(t, w).Find("main")
				main.Find("input[name=csrf], input[name=_csrf]").Remove()
				html, _ := main.Html()
				bodies = append(bodies, strings.ReplaceAll(html, addr, "ADDR"))
			}
			if statuses[0] != statuses[1] || statuses[0] == http.StatusOK {
				t.Errorf("statuses: known %d, unknown %d; want the same refusal", statuses[0], statuses[1])
			}
			if bodies[0] != bodies[1] {
				t.Errorf("pages differ:\n%s\n---\n%s", bodies[0], bodies[1])
			}
		})
	}
	if n := len(outbox(t, e.db)); n != 0 {
		t.Errorf("%d messages queued for invalid registrations, want none", n)
	}
}
