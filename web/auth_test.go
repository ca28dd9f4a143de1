package web_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/dc-isss/accord/web/views"
)

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	w := c.post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}, "next": {"/policies/eu-cra"}})
	wantStatus(t, "sign in", w, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != "/policies/eu-cra" {
		t.Errorf("got redirect to %q, want /policies/eu-cra", got)
	}
	var session *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == "accord_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie set")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Errorf("got cookie HttpOnly=%v SameSite=%v Path=%q, want HttpOnly, Lax, /", session.HttpOnly, session.SameSite, session.Path)
	}
	if session.Secure {
		t.Error("got a Secure cookie over plain HTTP, want Secure only over TLS")
	}
	wantStatus(t, "account when signed in", c.get("/account"), http.StatusOK)
	if got := doc(t, c.get("/")).Find(`.account-links a[href="/account"]`).Text(); got != "Test editor" {
		t.Errorf("header shows %q, want the user's name", got)
	}

	old := c.cookies["accord_session"]
	wantStatus(t, "sign out", c.post("/logout", nil), http.StatusSeeOther)
	if _, ok := c.cookies["accord_session"]; ok {
		t.Error("session cookie still set after sign-out")
	}
	if _, err := e.db.SessionUser(context.Background(), old); err == nil {
		t.Error("session still valid in the database after sign-out")
	}
	c.cookies["accord_session"] = old
	w = c.get("/account")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
		t.Errorf("old session after sign-out: got %d to %q, want 303 to /login", w.Code, w.Header().Get("Location"))
	}
}

func TestSignInSecureCookieOverTLS(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	page := httptest.NewRequest(http.MethodGet, "https://accord.example/login", nil)
	page.TLS = &tls.ConnectionState{}
	c.do(page)
	if c.cookies["__Host-accord_csrf"] == "" || c.cookies["accord_csrf"] != "" {
		t.Fatalf("got cookies %v over TLS, want the CSRF cookie named __Host-accord_csrf", c.cookies)
	}
	form := c.token(url.Values{"email": {"editor@example.org"}, "password": {testPassword}})
	req := httpsRequest(form)
	w := c.do(req)
	wantStatus(t, "sign in over TLS", w, http.StatusSeeOther)
	var session *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == "__Host-accord_session" {
			session = ck
		}
	}
	if session == nil || !session.Secure || session.Path != "/" || session.Domain != "" {
		t.Fatalf("got session cookie %+v over TLS, want a Secure __Host-accord_session for path /", session)
	}
	// The session works over TLS under its prefixed name.
	acct := httptest.NewRequest(http.MethodGet, "https://accord.example/account", nil)
	acct.TLS = &tls.ConnectionState{}
	wantStatus(t, "account over TLS", c.do(acct), http.StatusOK)
}

func TestSessionRotation(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	c.cookies["accord_session"] = "planted-by-an-attacker"
	c.post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}})
	first := c.cookies["accord_session"]
	if first == "" || first == "planted-by-an-attacker" {
		t.Fatalf("got session %q after sign-in, want a new id", first)
	}
	c.post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}})
	second := c.cookies["accord_session"]
	if second == first {
		t.Fatal("signing in again kept the same session id")
	}
	if _, err := e.db.SessionUser(context.Background(), first); err == nil {
		t.Error("the session replaced at sign-in still works")
	}
}

func TestDisabledUserLosesAccess(t *testing.T) {
	e := newEnv(t)
	s := e.signedIn("editor")
	admin := e.signedIn("admin")
	id := e.users["editor"].ID
	wantStatus(t, "disable", admin.post("/admin/users/"+itoa(id)+"/disable", url.Values{"disabled": {"1"}}), http.StatusSeeOther)
	w := s.get("/policies/new")
	if w.Code != http.StatusSeeOther {
		t.Errorf("disabled user's session: got %d, want 303 to sign in", w.Code)
	}
	w = e.signedIn("").post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}})
	wantStatus(t, "disabled user signs in", w, http.StatusUnauthorized)
	wantStatus(t, "enable", admin.post("/admin/users/"+itoa(id)+"/disable", url.Values{"disabled": {"0"}}), http.StatusSeeOther)
	e.signedIn("editor")
}

func TestIdleAndAbsoluteTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []time.Duration
		alive bool
	}{
		{"used within the idle time", []time.Duration{time.Hour}, true},
		{"idle too long", []time.Duration{store.IdleTimeout + time.Minute}, false},
		{"in use but past the absolute limit", func() []time.Duration {
			var s []time.Duration
			for d := time.Duration(0); d <= store.AbsoluteTimeout; d += 20 * time.Hour {
				s = append(s, 20*time.Hour)
			}
			return s
		}(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.signedIn("stakeholder")
			var w = c.get("/account")
			for _, d := range tc.steps {
				e.advance(d)
				w = c.get("/account")
			}
			if got := w.Code == http.StatusOK; got != tc.alive {
				t.Errorf("got status %d, want session alive=%v", w.Code, tc.alive)
			}
		})
	}
}

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	bad := url.Values{"email": {"editor@example.org"}, "password": {"wrong password"}}
	good := url.Values{"email": {"editor@example.org"}, "password": {testPassword}}
	c := e.signedIn("")
	for i := 0; i < store.AccountThrottle.Free; i++ {
		wantStatus(t, "failed sign-in", c.post("/login", bad), http.StatusUnauthorized)
	}
	// Even the right password waits: the throttle answers before checking.
	w := c.post("/login", good)
	wantStatus(t, "throttled sign-in", w, http.StatusTooManyRequests)
	if w.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if msg := doc(t, w).Find(".error-summary").Text(); !strings.Contains(msg, "Wait") {
		t.Errorf("got message %q, want one saying how long to wait", msg)
	}
	// From another address the account is throttled too (per account)...
	other := e.signedIn("")
	other.ip = "198.51.100.7"
	wantStatus(t, "other address, same account", other.post("/login", good), http.StatusTooManyRequests)
	// ...but never for long: the wait is capped.
	e.advance(store.AccountThrottle.Max)
	wantStatus(t, "after the wait", c.post("/login", good), http.StatusSeeOther)

	// Per address: many accounts guessed from one address.
	e2 := newEnv(t)
	g := e2.signedIn("")
	for i := 0; i < store.AddressThrottle.Free; i++ {
		g.post("/login", url.Values{"email": {"user" + itoa(int64(i)) + "@example.org"}, "password": {"guess"}})
	}
	wantStatus(t, "address throttled", g.post("/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}}), http.StatusTooManyRequests)
	h := e2.signedIn("")
	h.ip = "203.0.113.9"
	wantStatus(t, "another address", h.post("/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}}), http.StatusSeeOther)
}

func TestThrottleIsSharedAcrossProcesses(t *testing.T) {
	e := newEnv(t)
	keys := store.LoginKeys("editor@example.org", "192.0.2.10")
	// Another process (the CLI, a second server) records failures in the
	// same database; this server must see them.
	for i := 0; i < store.AccountThrottle.Free; i++ {
		if err := e.db.RecordLoginFailure(context.Background(), keys); err != nil {
			t.Fatal(err)
		}
	}
	c := e.signedIn("")
	wantStatus(t, "sign in", c.post("/login", url.Values{"email": {"Editor@Example.org"}, "password": {testPassword}}), http.StatusTooManyRequests)
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name    string
		noCSRF  bool
		badCSRF bool
		want    int
	}{
		{"missing token", true, false, http.StatusForbidden},
		{"wrong token", false, true, http.StatusForbidden},
		{"right token", false, false, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.signedIn("editor")
			c.noCSRF, c.badCSRF = tc.noCSRF, tc.badCSRF
			w := c.post("/policies/eu-cra/delete", nil)
			wantStatus(t, "delete", w, tc.want)
			_, err := e.db.Policy(context.Background(), "eu-cra")
			if got := err == nil; got != (tc.want != http.StatusSeeOther) {
				t.Errorf("policy exists=%v after %s, want %v", got, tc.name, tc.want != http.StatusSeeOther)
			}
			if tc.want == http.StatusForbidden {
				if !strings.Contains(w.Body.String(), "nothing was saved") {
					t.Errorf("403 page does not explain: %s", w.Body)
				}
			}
		})
	}
	// A forged login (no token) is refused too.
	c := e.client()
	c.noCSRF = true
	wantStatus(t, "login without token", c.post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}}), http.StatusForbidden)
}

func TestSetup(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	// newEnv made an admin; take it away so that setup is open.
	if err := e.db.SetRole(ctx, e.users["admin"].ID, "editor"); err != nil {
		t.Fatal(err)
	}
	remote := e.client()
	wantStatus(t, "setup from another machine", remote.get("/setup"), http.StatusForbidden)
	local := e.client()
	local.ip = "127.0.0.1"
	wantStatus(t, "setup page from loopback", local.get("/setup"), http.StatusOK)
	// X-Forwarded-For or X-Real-IP cannot make a remote client local.
	req := httpGet("/setup")
	req.Header.Set("X-Real-IP", "127.0.0.1")
	req.Header.Set("X-Forwarded-For", "127.0.0.1")
	wantStatus(t, "spoofed header", remote.do(req), http.StatusForbidden)

	w := local.post("/setup", url.Values{"email": {"root@example.org"}, "name": {"Root"}, "password": {"password"}})
	wantStatus(t, "common password", w, http.StatusUnprocessableEntity)
	w = local.post("/setup", url.Values{"email": {"root@example.org"}, "name": {"Root"}, "password": {testPassword}})
	wantStatus(t, "setup", w, http.StatusSeeOther)
	u, err := e.db.UserByEmail(ctx, "root@example.org")
	if err != nil || u.Role != "admin" {
		t.Fatalf("got %+v, %v; want an admin", u, err)
	}
	wantStatus(t, "admin pages for the new admin", local.get("/admin/users"), http.StatusOK)
	wantStatus(t, "setup after an admin exists", local.get("/setup"), http.StatusNotFound)
	wantStatus(t, "setup post after an admin exists", local.post("/setup", url.Values{"email": {"x@example.org"}, "name": {"X"}, "password": {testPassword}}), http.StatusNotFound)
}

func TestRegisterAndAccount(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.signedIn("")
	w := c.post("/register", url.Values{"email": {"not an email"}, "password": {"short"}, "name": {"Sam"}, "organisation": {"ACME"}})
	wantStatus(t, "bad registration", w, http.StatusUnprocessableEntity)
	d := doc(t, w)
	for _, id := range []string{"f-email", "f-password", "f-stakeholder-group", "f-country"} {
		if d.Find("#"+id+"[aria-invalid=true]").Length() == 0 {
			t.Errorf("field %s not marked invalid", id)
		}
	}
	if got, _ := d.Find("#f-organisation").Attr("value"); got != "ACME" {
		t.Errorf("organisation kept as %q, want ACME", got)
	}
	if got := d.Find("#f-email").AttrOr("autocomplete", ""); got != "email" {
		t.Errorf("email autocomplete %q, want email", got)
	}
	w = c.post("/register", url.Values{"email": {"sam@example.org"}, "password": {testPassword}, "name": {"Sam"},
		"stakeholder_group": {"civil-society"}, "country": {"KE"}, "consent_publish": {"1"}})
	wantStatus(t, "registration", w, http.StatusSeeOther)
	u, err := e.db.UserByEmail(ctx, "sam@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != "stakeholder" || u.Country != "KE" || !u.ConsentPublish || u.StakeholderGroup != "civil-society" {
		t.Errorf("got %+v, want a consenting Kenyan civil-society stakeholder", u)
	}
	wantStatus(t, "same email again", e.signedIn("").post("/register", url.Values{"email": {"sam@example.org"}, "password": {testPassword}, "name": {"Sam"},
		"stakeholder_group": {"other"}}), http.StatusUnprocessableEntity)

	wantStatus(t, "profile", c.post("/account", url.Values{"name": {"Samira"}, "organisation": {"NGO"}, "stakeholder_group": {"academia"}}), http.StatusSeeOther)
	if u, _ = e.db.UserByEmail(ctx, "sam@example.org"); u.Name != "Samira" || u.ConsentPublish {
		t.Errorf("got %+v after profile change, want Samira without consent", u)
	}
	wantStatus(t, "wrong current password", c.post("/account/password", url.Values{"current_password": {"nope nope"}, "new_password": {"another good passphrase"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "password change", c.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"another good passphrase"}}), http.StatusSeeOther)
	wantStatus(t, "still signed in after own password change", c.get("/account"), http.StatusOK)
	wantStatus(t, "sign in with new password", e.signedIn("").post("/login", url.Values{"email": {"sam@example.org"}, "password": {"another good passphrase"}}), http.StatusSeeOther)
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.signedIn("editor")
	// POST, redirect, GET: the answer is a 303 that carries no token;
	// the page after it shows the token once; a refresh shows it no more.
	w := c.post("/account/tokens", url.Values{"token_name": {"my script"}})
	wantStatus(t, "create token", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/account#new-token" {
		t.Errorf("create token redirects to %q, want /account#new-token", loc)
	}
	if strings.Contains(w.Body.String(), store.TokenPrefix) || strings.Contains(w.Header().Get("Location"), store.TokenPrefix) {
		t.Error("the redirect carries the token")
	}
	w = c.get("/account")
	wantStatus(t, "account after creating a token", w, http.StatusOK)
	secret := doc(t, w).Find("[data-testid=new-token] code.token").Text()
	if !strings.HasPrefix(secret, store.TokenPrefix) {
		t.Fatalf("got token %q, want one starting with %s", secret, store.TokenPrefix)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("token page Cache-Control %q, want no-store", got)
	}
	if strings.Contains(c.get("/account").Body.String(), secret) {
		t.Error("token shown again on the second load")
	}
	// Another session of another user never sees it.
	if strings.Contains(e.signedIn("stakeholder").get("/account").Body.String(), secret) {
		t.Error("token shown to another session")
	}
	api := e.client()
	api.bearer = secret
	wantStatus(t, "API write with token", api.json(http.MethodDelete, "/api/v1/policies/eu-cra", ""), http.StatusNoContent)

	tokens, err := e.db.Tokens(ctx, e.users["editor"].ID)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("got %v, %v; want one token", tokens, err)
	}
	// Another user cannot revoke it.
	wantStatus(t, "revoke another's token", e.signedIn("stakeholder").post("/account/tokens/"+itoa(tokens[0].ID)+"/revoke", nil), http.StatusNotFound)
	wantStatus(t, "revoke own token", c.post("/account/tokens/"+itoa(tokens[0].ID)+"/revoke", nil), http.StatusSeeOther)
	wantStatus(t, "API with revoked token", api.json(http.MethodDelete, "/api/v1/policies/eu-gdpr", ""), http.StatusUnauthorized)
}

// TestLoginThrottleHoldsUnderParallelAttempts: attempts made at the same
// moment are counted before any is checked, so no more than the free
// allowance ever reaches the password check.
func TestLoginThrottleHoldsUnderParallelAttempts(t *testing.T) {
	e := newEnv(t)
	const n = 16
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = e.signedIn("")
		clients[i].ip = "198.51.100." + itoa(int64(i+1))
	}
	codes := make([]int, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A form each: post adds the client's own CSRF token to it.
			bad := url.Values{"email": {"editor@example.org"}, "password": {"wrong password"}}
			w := clients[i].post("/login", bad)
			codes[i] = w.Code
			if w.Code != http.StatusUnauthorized && w.Code != http.StatusTooManyRequests {
				bodies[i] = doc(t, w).Find("main").Text()
			}
		}()
	}
	wg.Wait()
	checked := 0
	for i, code := range codes {
		switch code {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("got status %d, want 401 or 429: %s", code, bodies[i])
		}
	}
	if checked > store.AccountThrottle.Free {
		t.Errorf("%d parallel attempts reached the password check, want at most %d", checked, store.AccountThrottle.Free)
	}
}

// TestRegisterThrottle: one address can create a few accounts a day,
// then is asked to wait, keeping what it typed.
func TestRegisterThrottle(t *testing.T) {
	e := newEnv(t)
	form := func(i int) url.Values {
		return url.Values{"email": {"person" + itoa(int64(i)) + "@example.org"}, "password": {testPassword}, "name": {"Person"},
			"organisation": {"Org"}, "stakeholder_group": {"academia"}, "country": {"KE"}}
	}
	for i := 0; i < store.RegisterThrottle.Free; i++ {
		wantStatus(t, "registration", e.signedIn("").post("/register", form(i)), http.StatusSeeOther)
	}
	w := e.signedIn("").post("/register", form(99))
	wantStatus(t, "one registration too many", w, http.StatusTooManyRequests)
	if got := doc(t, w).Find("#f-organisation").AttrOr("value", ""); got != "Org" {
		t.Errorf("organisation kept as %q, want Org", got)
	}
	other := e.signedIn("")
	other.ip = "203.0.113.50"
	wantStatus(t, "another address", other.post("/register", form(100)), http.StatusSeeOther)
}

// TestBehindTrustedProxy: with a proxy configured, the client's address is
// the one the proxy reports (so /setup stays closed to the world even when
// the proxy runs on loopback), and cookies are Secure when the proxy says
// the client used https; the same headers from anyone else change nothing.
func TestBehindTrustedProxy(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if err := e.db.SetRole(ctx, e.users["admin"].ID, "editor"); err != nil {
		t.Fatal(err)
	}
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	h := web.New(web.Deps{Store: e.db, Now: e.clock, TrustedProxies: []*net.IPNet{loopback}})
	proxied := func(realIP, proto string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/setup", nil)
		req.RemoteAddr = "127.0.0.1:50000"
		req.Header.Set("X-Real-IP", realIP)
		req.Header.Set("X-Forwarded-Proto", proto)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	wantStatus(t, "setup from a remote client through the proxy", proxied("203.0.113.5", "https"), http.StatusForbidden)
	w := proxied("127.0.0.1", "https")
	wantStatus(t, "setup from the machine itself through the proxy", w, http.StatusOK)
	for _, ck := range w.Result().Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s not Secure although the proxy reports https", ck.Name)
		}
	}
	if w.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS although the proxy reports https")
	}
	// The same headers straight from a client are not believed.
	req := httptest.NewRequest(http.MethodGet, "/setup", nil)
	req.RemoteAddr = "198.51.100.9:50000"
	req.Header.Set("X-Forwarded-Proto", "https")
	direct := httptest.NewRecorder()
	h.ServeHTTP(direct, req)
	for _, ck := range direct.Result().Cookies() {
		if ck.Secure {
			t.Errorf("cookie %s Secure on a plain connection from a client claiming https", ck.Name)
		}
	}
}

// TestRefusedFormKeepsWhatWasTyped: a form refused for an expired page
// (CSRF) or an ended session shows back what it carried, passwords aside.
func TestRefusedFormKeepsWhatWasTyped(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	body := "## A long draft\n\nTyped for an hour before the page expired."
	form := url.Values{"slug": {"draft"}, "title": {"Draft"}, "body": {body}, "_csrf": {"stale-token"}, "password": {"secret"}}
	req := httptest.NewRequest(http.MethodPost, "/documents/new", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := c.do(req)
	wantStatus(t, "stale form", w, http.StatusForbidden)
	d := doc(t, w)
	var kept []string
	d.Find("textarea[readonly]").Each(func(_ int, s *goquery.Selection) { kept = append(kept, s.Text()) })
	if !slices.Contains(kept, body) {
		t.Errorf("kept %q, want the body among them", kept)
	}
	if slices.Contains(kept, "secret") || slices.Contains(kept, "stale-token") {
		t.Errorf("kept %q, which shows a password or the token", kept)
	}

	// The session ends while writing: the next save is a 401 that keeps it.
	e.advance(store.IdleTimeout + time.Minute)
	w = c.post("/documents/new", url.Values{"slug": {"draft"}, "title": {"Draft"}, "body": {body}})
	wantStatus(t, "expired session", w, http.StatusUnauthorized)
	if !strings.Contains(doc(t, w).Find("textarea[readonly]").Text(), "Typed for an hour") {
		t.Error("the 401 page does not show the body back")
	}
}

// TestRegisterComesBack checks that a stakeholder who registers from a
// page they wanted to comment on is brought back to it, and that only a
// local path is followed.
func TestRegisterComesBack(t *testing.T) {
	e := newEnv(t)
	for i, tc := range []struct {
		name, next, hidden, want string
	}{
		{"from a paragraph", "/consultations/c/paragraphs/pa", "/consultations/c/paragraphs/pa", "/consultations/c/paragraphs/pa"},
		{"no next", "", "", "/account"},
		{"another site", "//evil.example/x", "", "/account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.signedIn("")
			w := c.get(views.RegisterURL(tc.next))
			wantStatus(t, "register page", w, http.StatusOK)
			d := doc(t, w)
			if got := d.Find(`form input[name=next]`).AttrOr("value", ""); got != tc.hidden {
				t.Errorf("hidden next = %q, want %q", got, tc.hidden)
			}
			if got, want := d.Find(`main a[href^="/login"]`).AttrOr("href", ""), views.LoginURL(tc.hidden); got != want {
				t.Errorf("sign-in link = %q, want %q", got, want)
			}
			w = c.post("/register", url.Values{"email": {fmt.Sprintf("back%d@example.org", i)}, "password": {testPassword}, "name": {"Sam"},
				"stakeholder_group": {"civil-society"}, "country": {"KE"}, "next": {tc.next}})
			wantStatus(t, "registration", w, http.StatusSeeOther)
			if got := w.Header().Get("Location"); got != tc.want {
				t.Errorf("after registering, sent to %q, want %q", got, tc.want)
			}
		})
	}
}
