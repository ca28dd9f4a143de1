package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/pquerna/otp/totp"
)

// totpCode is the code an authenticator app shows at the test clock.
func (e *env) totpCode(secret string) string {
	e.t.Helper()
	c, err := totp.GenerateCode(secret, e.clock())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// enrolMFA turns TOTP on for the signed-in client's account and returns
// the secret and the recovery codes; the clock moves on a step, so that
// the next code is a new one.
func (e *env) enrolMFA(c *client) (string, []string) {
	e.t.Helper()
	w := c.get("/account/mfa")
	wantStatus(e.t, "enrolment page", w, http.StatusOK)
	d := doc(e.t, w)
	secret := strings.TrimSpace(d.Find("[data-testid=mfa-secret]").Text())
	if secret == "" {
		e.t.Fatalf("enrolment page shows no secret: %s", w.Body)
	}
	img := d.Find("img[src^='data:image/png;base64,']")
	if alt, _ := img.Attr("alt"); img.Length() != 1 || alt == "" {
		e.t.Fatalf("enrolment page has no QR code image with alt text")
	}
	w = c.post("/account/mfa", url.Values{"code": {e.totpCode(secret)}})
	wantStatus(e.t, "confirm enrolment", w, http.StatusOK)
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		e.t.Errorf("recovery codes with Cache-Control %q, want no-store", cc)
	}
	var codes []string
	doc(e.t, w).Find("[data-testid=recovery-codes] li code").Each(func(_ int, s *goquery.Selection) {
		codes = append(codes, s.Text())
	})
	if len(codes) != store.RecoveryCodeCount {
		e.t.Fatalf("got %d recovery codes, want %d", len(codes), store.RecoveryCodeCount)
	}
	e.advance(30 * time.Second)
	return secret, codes
}

// passwordStep signs in with the password and returns the pending
// sign-in token from the code form.
func (e *env) passwordStep(c *client, role string) string {
	e.t.Helper()
	c.get("/login")
	w := c.post("/login", url.Values{"email": {role + "@example.org"}, "password": {testPassword}, "next": {"/account"}})
	wantStatus(e.t, "password step", w, http.StatusOK)
	if _, ok := c.cookies["accord_session"]; ok {
		e.t.Fatal("the password alone gave a session")
	}
	token, _ := doc(e.t, w).Find("form[action='/login/mfa'] input[name=token]").Attr("value")
	if token == "" {
		e.t.Fatalf("no code form after the password: %s", w.Body)
	}
	return token
}

func (e *env) audited(action string) bool {
	e.t.Helper()
	events, _, err := e.db.Audit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(events) > 0
}

func TestMFAEnrolAndSignIn(t *testing.T) {
	e := newEnv(t)
	ed := e.signedIn("editor")

	// A wrong first code does not turn MFA on.
	w := ed.get("/account/mfa")
	secret := strings.TrimSpace(doc(t, w).Find("[data-testid=mfa-secret]").Text())
	bad := e.totpCode(secret)
	bad = bad[:5] + string('0'+(bad[5]-'0'+1)%10)
	w = ed.post("/account/mfa", url.Values{"code": {bad}})
	wantStatus(t, "wrong enrolment code", w, http.StatusUnprocessableEntity)
	if has, _ := e.db.HasMFA(context.Background(), e.users["editor"].ID); has {
		t.Fatal("a wrong code turned MFA on")
	}
	_, codes := e.enrolMFA(ed)
	if !e.audited("mfa.enable") {
		t.Error("enrolment not audited")
	}

	// Sign-in now needs the code.
	c := e.client()
	token := e.passwordStep(c, "editor")
	wantStatus(t, "account without the code", c.get("/account"), http.StatusSeeOther)
	w = c.post("/login/mfa", url.Values{"token": {token}, "code": {bad}, "next": {"/account"}})
	wantStatus(t, "wrong code", w, http.StatusUnauthorized)
	code := e.totpCode(secret)
	w = c.post("/login/mfa", url.Values{"token": {token}, "code": {code}, "next": {"/account"}})
	wantStatus(t, "right code", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/account" {
		t.Errorf("after the code: Location %q, want /account", loc)
	}
	wantStatus(t, "account after the code", c.get("/account"), http.StatusOK)
	if !e.audited("login.mfa") {
		t.Error("sign-in with the second factor not audited as login.mfa")
	}

	// The same code, seen over a shoulder, does not sign in again.
	c2 := e.client()
	token = e.passwordStep(c2, "editor")
	w = c2.post("/login/mfa", url.Values{"token": {token}, "code": {code}})
	wantStatus(t, "reused code", w, http.StatusUnauthorized)

	// A recovery code works, once.
	w = c2.post("/login/mfa", url.Values{"token": {token}, "code": {strings.ToUpper(codes[0])}})
	wantStatus(t, "recovery code", w, http.StatusSeeOther)
	c3 := e.client()
	token = e.passwordStep(c3, "editor")
	w = c3.post("/login/mfa", url.Values{"token": {token}, "code": {codes[0]}})
	wantStatus(t, "recovery code again", w, http.StatusUnauthorized)

	// Forged, tampered and expired pending sign-ins are refused.
	id := itoa(e.users["editor"].ID)
	admin := itoa(e.users["admin"].ID)
	for _, tt := range []struct{ name, token string }{
		{"empty", ""},
		{"garbage", "x.y.z"},
		{"another user's id", strings.Replace(token, id+".", admin+".", 1)},
	} {
		w = c3.post("/login/mfa", url.Values{"token": {tt.token}, "code": {e.totpCode(secret)}})
		wantStatus(t, tt.name+" token", w, http.StatusUnauthorized)
	}
	e.advance(6 * time.Minute)
	w = c3.post("/login/mfa", url.Values{"token": {token}, "code": {e.totpCode(secret)}})
	wantStatus(t, "expired token", w, http.StatusUnauthorized)
	if _, ok := c3.cookies["accord_session"]; ok {
		t.Fatal("a refused second step gave a session")
	}
	wantStatus(t, "GET /login/mfa", c3.get("/login/mfa"), http.StatusSeeOther)

	// Accounts without MFA sign in as before.
	e.signedIn("stakeholder")
}

func TestMFAWrongCodesAreThrottled(t *testing.T) {
	e := newEnv(t)
	secret, _ := e.enrolMFA(e.signedIn("editor"))
	c := e.client()
	token := e.passwordStep(c, "editor")
	right := e.totpCode(secret)
	bad := right[:5] + string('0'+(right[5]-'0'+1)%10)
	throttled := false
	for i := 0; i < 10 && !throttled; i++ {
		w := c.post("/login/mfa", url.Values{"token": {token}, "code": {bad}})
		switch w.Code {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			throttled = true
		default:
			t.Fatalf("wrong code %d: status %d", i+1, w.Code)
		}
	}
	if !throttled {
		t.Fatal("10 wrong codes in a row were never throttled")
	}
	// Neither the right code nor a new password step gets past the wait.
	w := c.post("/login/mfa", url.Values{"token": {token}, "code": {right}})
	wantStatus(t, "right code while throttled", w, http.StatusTooManyRequests)
	w = c.post("/login", url.Values{"email": {"editor@example.org"}, "password": {testPassword}})
	wantStatus(t, "password while throttled", w, http.StatusTooManyRequests)
	// The right password does not wipe the count of wrong codes: after
	// the wait, one more wrong code is enough to wait again.
	e.advance(2 * time.Minute)
	token = e.passwordStep(c, "editor")
	w = c.post("/login/mfa", url.Values{"token": {token}, "code": {bad}})
	wantStatus(t, "wrong code after the wait", w, http.StatusUnauthorized)
	w = c.post("/login/mfa", url.Values{"token": {token}, "code": {e.totpCode(secret)}})
	wantStatus(t, "right code just after a wrong one", w, http.StatusTooManyRequests)
	if !e.audited("login.mfa_failed") {
		t.Error("wrong codes not audited")
	}
	// Once the wait is over, the right code signs in.
	e.advance(5 * time.Minute)
	token = e.passwordStep(c, "editor")
	w = c.post("/login/mfa", url.Values{"token": {token}, "code": {e.totpCode(secret)}})
	wantStatus(t, "right code after the wait", w, http.StatusSeeOther)
}

func TestMFADisableAndAdminReset(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ed := e.signedIn("editor")
	secret, _ := e.enrolMFA(ed)
	wantStatus(t, "MFA page when on", ed.get("/account/mfa"), http.StatusOK)

	tests := []struct {
		name, password, code string
		want                 int
	}{
		{"no password", "", e.totpCode(secret), http.StatusUnprocessableEntity},
		{"wrong password", "not the password", e.totpCode(secret), http.StatusUnprocessableEntity},
		{"wrong code", testPassword, "000000x", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		w := ed.post("/account/mfa/disable", url.Values{"password": {tt.password}, "code": {tt.code}})
		wantStatus(t, tt.name, w, tt.want)
		if has, _ := e.db.HasMFA(ctx, e.users["editor"].ID); !has {
			t.Fatalf("%s: MFA was turned off", tt.name)
		}
	}
	w := ed.post("/account/mfa/disable", url.Values{"password": {testPassword}, "code": {e.totpCode(secret)}})
	wantStatus(t, "disable", w, http.StatusOK)
	if doc(t, w).Find("[data-testid=mfa-off]").Length() != 1 {
		t.Error("no confirmation that MFA is off")
	}
	if has, _ := e.db.HasMFA(ctx, e.users["editor"].ID); has {
		t.Fatal("MFA still on after disabling")
	}
	if !e.audited("mfa.disable") {
		t.Error("disabling not audited")
	}
	e.signedIn("editor") // the password alone signs in again

	// An admin resets the factor of a user who lost it.
	e.enrolMFA(ed)
	adm := e.signedIn("admin")
	w = adm.get("/admin/users")
	form := doc(t, w).Find("form[action='/admin/users/" + itoa(e.users["editor"].ID) + "/mfa/reset']")
	if form.Length() != 1 {
		t.Fatal("no Reset two-factor button for the editor with MFA")
	}
	if n := doc(t, w).Find("form[action$='/mfa/reset']").Length(); n != 1 {
		t.Errorf("%d reset buttons, want 1 (only the editor has MFA)", n)
	}
	path := "/admin/users/" + itoa(e.users["editor"].ID) + "/mfa/reset"
	wantStatus(t, "editor resets", ed.post(path, nil), http.StatusForbidden)
	adm.noCSRF = true
	wantStatus(t, "reset without CSRF", adm.post(path, nil), http.StatusForbidden)
	adm.noCSRF = false
	wantStatus(t, "admin resets", adm.post(path, nil), http.StatusSeeOther)
	if has, _ := e.db.HasMFA(ctx, e.users["editor"].ID); has {
		t.Fatal("MFA still on after the admin's reset")
	}
	if !e.audited("mfa.reset") {
		t.Error("admin reset not audited")
	}
	wantStatus(t, "reset of nothing", adm.post(path, nil), http.StatusNotFound)
}

func TestRequireMFA(t *testing.T) {
	e := newEnv(t)
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, RequireMFA: true})
	ctx := context.Background()
	ed := e.signedIn("editor")
	for _, p := range []string{"/", "/account", "/policies/new", "/admin/users"} {
		w := ed.get(p)
		wantStatus(t, "editor without MFA: GET "+p, w, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); loc != "/account/mfa" {
			t.Errorf("GET %s: Location %q, want /account/mfa", p, loc)
		}
	}
	w := ed.get("/account/mfa")
	wantStatus(t, "enrolment page", w, http.StatusOK)
	if doc(t, w).Find("[data-testid=mfa-required]").Length() != 1 {
		t.Error("the enrolment page does not say MFA is required")
	}
	w = ed.post("/account/tokens", url.Values{"token_name": {"laptop"}})
	wantStatus(t, "token without MFA", w, http.StatusSeeOther)
	if toks, _ := e.db.Tokens(ctx, e.users["editor"].ID); len(toks) != 0 {
		t.Fatalf("a token was made without MFA: %v", toks)
	}
	// A token made before the flag was set stops working for writes and reads.
	secretTok, err := e.db.CreateToken(ctx, e.users["editor"].ID, "old", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	api := e.client()
	api.bearer = secretTok
	w = api.get("/api/v1/policies")
	wantStatus(t, "API without MFA", w, http.StatusForbidden)
	if !strings.Contains(w.Body.String(), `"mfa_required"`) {
		t.Errorf("API answer without the code mfa_required: %s", w.Body)
	}
	// Stakeholders are not held; the editor can still sign out.
	wantStatus(t, "stakeholder's account", e.signedIn("stakeholder").get("/account"), http.StatusOK)
	wantStatus(t, "static", ed.get("/static/css/site.css"), http.StatusOK)

	// Once enrolled, the editor works as before.
	e.enrolMFA(ed)
	wantStatus(t, "account after enrolling", ed.get("/account"), http.StatusOK)
	wantStatus(t, "API after enrolling", api.get("/api/v1/policies"), http.StatusOK)
	w = ed.post("/account/tokens", url.Values{"token_name": {"laptop"}})
	if toks, _ := e.db.Tokens(ctx, e.users["editor"].ID); len(toks) != 2 {
		t.Fatalf("after enrolling: %d tokens, want 2 (status %d)", len(toks), w.Code)
	}
	wantStatus(t, "logout", ed.post("/logout", nil), http.StatusSeeOther)
}
