package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/dc-isss/accord/web/mail"
)

const testBaseURL = "https://accord.example.org"

// withMail makes the env's server one that can send mail (--smtp-url)
// and has a base URL, as a site offering reset by email does.
func (e *env) withMail() *env {
	e.t.Helper()
	cfg, err := mail.ParseURL("smtp://mail.example.org:2587?from=accord@example.org")
	if err != nil {
		e.t.Fatal(err)
	}
	snd, err := mail.NewSender(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Mail: snd, BaseURL: testBaseURL})
	return e
}

// lastMail is the newest queued message of a kind to an address.
func lastMail(t *testing.T, db *store.DB, kind, to string) (store.Message, bool) {
	t.Helper()
	msgs := outbox(t, db)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Kind == kind && strings.EqualFold(msgs[i].To, to) {
			return msgs[i], true
		}
	}
	return store.Message{}, false
}

// linkIn finds the link to path in a message body: it must start with the
// base URL, whatever Host the request came with.
func linkIn(t *testing.T, body, path string) string {
	t.Helper()
	m := regexp.MustCompile(`https?://\S+` + regexp.QuoteMeta(path) + `\?token=\S+`).FindString(body)
	if m == "" {
		t.Fatalf("no %s link in the message:\n%s", path, body)
	}
	if !strings.HasPrefix(m, testBaseURL+path+"?token=") {
		t.Fatalf("link %s does not start with the base URL %s", m, testBaseURL)
	}
	return strings.TrimPrefix(m, testBaseURL)
}

func TestForgotPasswordWithoutMail(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("")
	w := c.get("/login")
	if doc(t, w).Find("a[href='/password/forgot']").Length() != 0 {
		t.Error("sign-in page offers a reset by email on a site that cannot send mail")
	}
	w = c.get("/password/forgot")
	wantStatus(t, "forgot page", w, http.StatusOK)
	d := doc(t, w)
	if d.Find("form[action='/password/forgot']").Length() != 0 {
		t.Error("forgot page has a form on a site that cannot send mail")
	}
	if !strings.Contains(d.Find("main").Text(), "accord user password") {
		t.Error("forgot page does not say how an administrator sets a new password")
	}
	w = c.post("/password/forgot", url.Values{"email": {"stakeholder@example.org"}})
	wantStatus(t, "forgot post", w, http.StatusNotFound)
	if n := len(outbox(t, e.db)); n != 0 {
		t.Errorf("%d messages queued without mail", n)
	}
}

func TestForgotPasswordAnswersAlike(t *testing.T) {
	e := newEnv(t).withMail()
	c := e.signedIn("")
	if doc(t, c.get("/login")).Find("a[href='/password/forgot']").Length() != 1 {
		t.Error("sign-in page lacks the Forgot your password? link")
	}
	answers := map[string]string{}
	for _, addr := range []string{"stakeholder@example.org", "nobody@example.org"} {
		w := c.post("/password/forgot", url.Values{"email": {addr}})
		wantStatus(t, "forgot "+addr, w, http.StatusOK)
		answers[addr] = strings.ReplaceAll(doc(t, w).Find("main").Text(), addr, "ADDR")
	}
	if answers["stakeholder@example.org"] != answers["nobody@example.org"] {
		t.Errorf("answers differ for a known and an unknown address:\n%s\n---\n%s", answers["stakeholder@example.org"], answers["nobody@example.org"])
	}
	msgs := outbox(t, e.db)
	if len(msgs) != 1 || msgs[0].To != "stakeholder@example.org" || msgs[0].Kind != "password-reset" {
		t.Fatalf("outbox = %+v, want one reset message to the known address", msgs)
	}
	linkIn(t, msgs[0].Body, "/password/reset")
	if strings.Contains(msgs[0].Body, "example.com") {
		t.Error("the message uses the request's Host header")
	}
	// An admin reading the outbox does not see the link's token.
	tok := strings.TrimPrefix(linkIn(t, msgs[0].Body, "/password/reset"), "/password/reset?token=")
	if body := e.signedIn("admin").get("/admin/outbox").Body.String(); strings.Contains(body, tok) || !strings.Contains(body, "token=(removed)") {
		t.Error("the admins' outbox shows the reset token")
	}
}

func TestForgotPasswordFormErrors(t *testing.T) {
	e := newEnv(t).withMail()
	c := e.signedIn("")
	for _, tc := range []struct{ email, want string }{
		{"", "Enter your email address"},
		{"not an address", "email"},
	} {
		w := c.post("/password/forgot", url.Values{"email": {tc.email}})
		wantStatus(t, "forgot "+tc.email, w, http.StatusUnprocessableEntity)
		if got := doc(t, w).Find("#f-email-error").Text(); !strings.Contains(strings.ToLower(got), strings.ToLower(tc.want)) {
			t.Errorf("email %q: error %q, want it to contain %q", tc.email, got, tc.want)
		}
		if got := doc(t, w).Find("input[name=email]").AttrOr("value", ""); got != tc.email {
			t.Errorf("email %q shown back as %q, want as typed", tc.email, got)
		}
	}
}

func TestForgotPasswordThrottled(t *testing.T) {
	e := newEnv(t).withMail()
	c := e.signedIn("")
	free := store.MailAddressThrottle.Free
	for i := 0; i < free; i++ {
		wantStatus(t, "forgot", c.post("/password/forgot", url.Values{"email": {"stakeholder@example.org"}}), http.StatusOK)
	}
	w := c.post("/password/forgot", url.Values{"email": {"stakeholder@example.org"}})
	wantStatus(t, "forgot once too often", w, http.StatusTooManyRequests)
	if w.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After on a throttled request")
	}
	// An unknown address is throttled alike: the limit says nothing of
	// whether an account exists.
	for i := 0; i < free; i++ {
		c.post("/password/forgot", url.Values{"email": {"nobody@example.org"}})
	}
	wantStatus(t, "unknown address once too often", c.post("/password/forgot", url.Values{"email": {"nobody@example.org"}}), http.StatusTooManyRequests)
	if n := outboxCount(t, e.db, "password-reset"); n != free {
		t.Errorf("%d reset messages queued, want %d", n, free)
	}
	// The client is limited too, whatever the address.
	other := e.client()
	other.ip = "192.0.2.99"
	other.get("/login")
	for i := 0; i < store.MailClientThrottle.Free; i++ {
		other.post("/password/forgot", url.Values{"email": {"someone" + itoa(int64(i)) + "@example.org"}})
	}
	wantStatus(t, "client once too often", other.post("/password/forgot", url.Values{"email": {"fresh@example.org"}}), http.StatusTooManyRequests)
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t).withMail()
	ctx := context.Background()
	u := e.users["editor"]
	// The account has sessions, tokens and a throttle to clear.
	elsewhere := e.signedIn("editor")
	token, err := e.db.CreateToken(ctx, u.ID, "ci", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.RecordLoginFailure(ctx, store.LoginKeys(u.Email, "198.51.100.1")); err != nil {
		t.Fatal(err)
	}

	c := e.signedIn("")
	wantStatus(t, "forgot", c.post("/password/forgot", url.Values{"email": {"EDITOR@example.org"}}), http.StatusOK)
	first, _ := lastMail(t, e.db, "password-reset", u.Email)
	firstLink := linkIn(t, first.Body, "/password/reset")
	wantStatus(t, "forgot again", c.post("/password/forgot", url.Values{"email": {u.Email}}), http.StatusOK)
	second, _ := lastMail(t, e.db, "password-reset", u.Email)
	link := linkIn(t, second.Body, "/password/reset")
	if link == firstLink {
		t.Fatal("a second request gave the same link")
	}
	// A newer request replaces the older link.
	wantStatus(t, "superseded link", c.get(firstLink), http.StatusGone)

	w := c.get(link)
	wantStatus(t, "reset page", w, http.StatusOK)
	if got := w.Header().Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Errorf("reset page Cache-Control = %q", got)
	}
	tok := strings.TrimPrefix(link, "/password/reset?token=")
	tok, _ = url.QueryUnescape(tok)

	// A weak password is refused, naming the field; the token stays, the
	// password is not shown back.
	w = c.post("/password/reset", url.Values{"token": {tok}, "new_password": {"password"}})
	wantStatus(t, "weak password", w, http.StatusUnprocessableEntity)
	d := doc(t, w)
	if d.Find("#f-new-password-error").Length() == 0 {
		t.Errorf("no error on the new_password field: %s", d.Find("main").Text())
	}
	if got := d.Find("input[name=token]").AttrOr("value", ""); got != tok {
		t.Errorf("token after an error = %q, want it kept", got)
	}
	if got := d.Find("input[name=new_password]").AttrOr("value", ""); got != "" {
		t.Errorf("password shown back: %q", got)
	}

	w = c.post("/password/reset", url.Values{"token": {tok}, "new_password": {"a brand new passphrase"}})
	wantStatus(t, "reset", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/login" {
		t.Errorf("reset leads to %q, want /login", loc)
	}
	if got := doc(t, c.get("/login")).Find("[data-testid=flash]").Text(); !strings.Contains(got, "Sign in with the new password") {
		t.Errorf("flash after reset = %q", got)
	}
	// Single use.
	wantStatus(t, "used link", c.get(link), http.StatusGone)
	wantStatus(t, "used link post", c.post("/password/reset", url.Values{"token": {tok}, "new_password": {"another new passphrase"}}), http.StatusGone)
	if d := doc(t, c.get(link)); d.Find("a[href='/password/forgot']").Length() != 1 {
		t.Error("the invalid-link page does not offer to ask again")
	}

	// Sessions ended, tokens revoked, throttle cleared, audited.
	if w := elsewhere.get("/account"); w.Code != http.StatusSeeOther {
		t.Errorf("the editor's other session still works: %d", w.Code)
	}
	if _, err := e.db.TokenUser(ctx, token); err == nil {
		t.Error("the API token still works after a reset")
	}
	failures, err := e.db.LoginFailures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := failures["account:"+u.Email]; n != 0 {
		t.Errorf("account throttle after reset = %d, want cleared", n)
	}
	events, _, err := e.db.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range events {
		found = found || ev.Action == "user.password.reset"
	}
	if !found {
		t.Error("the reset is not in the audit log")
	}
	// The new password signs in; the old one does not.
	fresh := e.client()
	fresh.get("/login")
	wantStatus(t, "old password", fresh.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}}), http.StatusUnauthorized)
	wantStatus(t, "new password", fresh.post("/login", url.Values{"email": {u.Email}, "password": {"a brand new passphrase"}}), http.StatusSeeOther)
}

func TestPasswordResetExpires(t *testing.T) {
	e := newEnv(t).withMail()
	c := e.signedIn("")
	c.post("/password/forgot", url.Values{"email": {"stakeholder@example.org"}})
	m, ok := lastMail(t, e.db, "password-reset", "stakeholder@example.org")
	if !ok {
		t.Fatal("no reset message")
	}
	link := linkIn(t, m.Body, "/password/reset")
	wantStatus(t, "fresh link", c.get(link), http.StatusOK)
	e.advance(store.ResetLinkTTL + time.Second)
	wantStatus(t, "expired link", c.get(link), http.StatusGone)
	wantStatus(t, "unknown token", c.get("/password/reset?token=nonsense"), http.StatusGone)
	wantStatus(t, "no token", c.get("/password/reset"), http.StatusGone)
}
