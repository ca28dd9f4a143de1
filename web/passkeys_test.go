package web_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dc-isss/accord/web"
	"github.com/dc-isss/accord/web/mail"
	"github.com/fxamacker/cbor/v2"
)

// passkeyOrigin is the base URL of the passkey tests; its host is the RP ID.
const passkeyOrigin = "http://localhost"

// newPasskeyEnv is newEnv with a base URL on which passkeys work.
func newPasskeyEnv(t *testing.T, requireMFA bool) *env {
	e := newEnv(t)
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, BaseURL: passkeyOrigin, RequireMFA: requireMFA})
	return e
}

// softKey is a software authenticator: one ES256 credential that answers
// the ceremonies as a browser would pass them on (attestation "none").
type softKey struct {
	t     *testing.T
	priv  *ecdsa.PrivateKey
	id    []byte
	count uint32
}

func newSoftKey(t *testing.T) *softKey {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{t: t, priv: priv, id: id}
}

var b64 = base64.RawURLEncoding

func clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]string{"type": typ, "challenge": challenge, "origin": passkeyOrigin})
	return b
}

func (k *softKey) authData(flags byte, attested []byte) []byte {
	rp := sha256.Sum256([]byte("localhost"))
	out := append(rp[:], flags)
	out = binary.BigEndian.AppendUint32(out, k.count)
	return append(out, attested...)
}

// register answers creation options (the JSON the server sent) with the
// credential JSON the script would post; challenge overrides theirs.
func (k *softKey) register(options []byte, challenge string) json.RawMessage {
	k.t.Helper()
	if challenge == "" {
		challenge = optionChallenge(k.t, options)
	}
	pub, err := k.priv.PublicKey.ECDH()
	if err != nil {
		k.t.Fatal(err)
	}
	raw := pub.Bytes() // 0x04 || x || y
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: raw[1:33], -3: raw[33:65]})
	if err != nil {
		k.t.Fatal(err)
	}
	attested := make([]byte, 16) // AAGUID
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(k.id)))
	attested = append(append(attested, k.id...), cose...)
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(0x45, attested)})
	if err != nil {
		k.t.Fatal(err)
	}
	cred, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(clientData("webauthn.create", challenge)),
			"attestationObject": b64.EncodeToString(att), "transports": []string{"internal"}}})
	return cred
}

// sign answers request options with an assertion, its counter one up.
func (k *softKey) sign(options []byte, userID int64) json.RawMessage {
	k.t.Helper()
	k.count++
	cd := clientData("webauthn.get", optionChallenge(k.t, options))
	ad := k.authData(0x05, nil)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, ad...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		k.t.Fatal(err)
	}
	handle := binary.BigEndian.AppendUint64(nil, uint64(userID))
	cred, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(ad),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(handle)}})
	return cred
}

func optionChallenge(t *testing.T, options []byte) string {
	t.Helper()
	var o struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal(options, &o); err != nil || o.PublicKey.Challenge == "" {
		t.Fatalf("options without a challenge: %s", options)
	}
	return o.PublicKey.Challenge
}

// withPassword is the body that starts adding a passkey: the account's
// password, asked again.
var withPassword = jsonOf(map[string]any{"password": testPassword})

func jsonOf(fields map[string]any) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

// addPasskey runs the registration ceremony to its end.
func (e *env) addPasskey(c *client, k *softKey, name string) {
	e.t.Helper()
	w := c.json(http.MethodPost, "/account/mfa/passkeys/options", withPassword)
	wantStatus(e.t, "registration options", w, http.StatusOK)
	w = c.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": name, "credential": k.register(w.Body.Bytes(), "")}))
	wantStatus(e.t, "add passkey", w, http.StatusOK)
}

func (e *env) passkeyCount(role string) int {
	e.t.Helper()
	keys, err := e.db.Passkeys(context.Background(), e.users[role].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(keys)
}

func TestPasskeyRegistrationRefusals(t *testing.T) {
	e := newPasskeyEnv(t, false)
	ed := e.signedIn("editor")
	k := newSoftKey(t)

	anon := e.signedIn("")
	if w := anon.json(http.MethodPost, "/account/mfa/passkeys/options", withPassword); w.Code == http.StatusOK {
		t.Fatalf("options without a session: %d, want a refusal", w.Code)
	}
	ed.noCSRF = true
	wantStatus(t, "options without CSRF", ed.json(http.MethodPost, "/account/mfa/passkeys/options", withPassword), http.StatusForbidden)
	ed.noCSRF = false

	// A name is required, and checked before the challenge is spent.
	w := ed.json(http.MethodPost, "/account/mfa/passkeys/options", withPassword)
	wantStatus(t, "options", w, http.StatusOK)
	opts := w.Body.Bytes()
	cred := k.register(opts, "")
	wantStatus(t, "no name", ed.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": " ", "credential": cred})), http.StatusUnprocessableEntity)

	// Another session's answer is refused: the challenge is bound to the
	// session that asked for it.
	other := e.signedIn("editor")
	wantStatus(t, "answer from another session", other.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": "Laptop", "credential": cred})), http.StatusBadRequest)

	wantStatus(t, "add", ed.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": "Laptop", "credential": cred})), http.StatusOK)
	wantStatus(t, "replayed answer", ed.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": "Laptop", "credential": cred})), http.StatusBadRequest)
	if n := e.passkeyCount("editor"); n != 1 {
		t.Fatalf("%d passkeys, want 1", n)
	}

	// An answer to a challenge the server did not give is refused, and
	// spends the real one.
	k2 := newSoftKey(t)
	w = ed.json(http.MethodPost, "/account/mfa/passkeys/options", withPassword)
	wantStatus(t, "options", w, http.StatusOK)
	wrong := k2.register(w.Body.Bytes(), b64.EncodeToString([]byte("a challenge of the attacker's own choosing")))
	wantStatus(t, "wrong challenge", ed.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": "Key", "credential": wrong})), http.StatusBadRequest)
	wantStatus(t, "right answer after the wrong one", ed.json(http.MethodPost, "/account/mfa/passkeys", jsonOf(map[string]any{"name": "Key", "credential": k2.register(w.Body.Bytes(), "")})), http.StatusBadRequest)
	if n := e.passkeyCount("editor"); n != 1 {
		t.Fatalf("%d passkeys after refusals, want 1", n)
	}
	if !e.audited("mfa.passkey_add") {
		t.Error("adding a passkey not audited")
	}

	// The page lists it; removal is the owner's, by a CSRF-checked form.
	d := doc(t, ed.get("/account/mfa"))
	if got := d.Find("table[data-testid=passkeys] tbody th").Text(); got != "Laptop" {
		t.Fatalf("listed passkey %q, want Laptop", got)
	}
	action, _ := d.Find("table[data-testid=passkeys] form").Attr("action")
	if action == "" {
		t.Fatal("no remove form")
	}
	pw := url.Values{"password": {testPassword}}
	wantStatus(t, "someone else's passkey", e.signedIn("admin").post(action, pw), http.StatusNotFound)
	ed.badCSRF = true
	wantStatus(t, "remove with a bad CSRF token", ed.post(action, pw), http.StatusForbidden)
	ed.badCSRF = false
	// The session alone does not remove a factor: the password is asked.
	for _, bad := range []string{"", "not the password"} {
		w := ed.post(action, url.Values{"password": {bad}})
		wantStatus(t, "remove with password "+bad, w, http.StatusUnprocessableEntity)
		d := doc(t, w)
		field := d.Find("table[data-testid=passkeys] form input[name=password]")
		id, _ := field.Attr("id")
		if id == "" || d.Find("#error-summary a[href='#"+id+"']").Length() != 1 || field.AttrOr("aria-invalid", "") != "true" {
			t.Errorf("remove with password %q: the error does not name the password field", bad)
		}
		if n := e.passkeyCount("editor"); n != 1 {
			t.Fatalf("remove with password %q: %d passkeys left, want 1", bad, n)
		}
	}
	wantStatus(t, "remove", ed.post(action, pw), http.StatusSeeOther)
	wantStatus(t, "remove again", ed.post(action, pw), http.StatusNotFound)
	if n := e.passkeyCount("editor"); n != 0 || !e.audited("mfa.passkey_remove") {
		t.Fatalf("%d passkeys after removal (want 0), or removal not audited", n)
	}
}

// passkeyPasswordStep signs in with the password; the page then offers
// the passkey, whose form carries the pending sign-in.
func (e *env) passkeyPasswordStep(c *client, role string) string {
	e.t.Helper()
	c.get("/login")
	w := c.post("/login", url.Values{"email": {role + "@example.org"}, "password": {testPassword}, "next": {"/account"}})
	wantStatus(e.t, "password step", w, http.StatusOK)
	d := doc(e.t, w)
	token, _ := d.Find("form[data-passkey-login] input[name=token]").Attr("value")
	if token == "" {
		e.t.Fatalf("no passkey form after the password: %s", w.Body)
	}
	if d.Find("form[action='/login/mfa']").Length() != 0 {
		e.t.Error("a code form for an account with no authenticator app")
	}
	return token
}

func TestPasskeySignIn(t *testing.T) {
	e := newPasskeyEnv(t, false)
	k := newSoftKey(t)
	e.addPasskey(e.signedIn("editor"), k, "Laptop")
	id := e.users["editor"].ID

	c := e.client()
	token := e.passkeyPasswordStep(c, "editor")
	options := func(tok string) []byte {
		w := c.json(http.MethodPost, "/login/mfa/passkey/options", jsonOf(map[string]any{"token": tok}))
		wantStatus(t, "login options", w, http.StatusOK)
		return w.Body.Bytes()
	}
	finish := func(cred json.RawMessage) *httptest.ResponseRecorder {
		return c.json(http.MethodPost, "/login/mfa/passkey", jsonOf(map[string]any{"token": token, "next": "/account", "credential": cred}))
	}
	wantStatus(t, "options with a forged token", c.json(http.MethodPost, "/login/mfa/passkey/options", jsonOf(map[string]any{"token": "1.99999999999.x"})), http.StatusUnauthorized)
	unsent := k.sign(options(token), id)
	c.noCSRF = true
	wantStatus(t, "finish without CSRF", finish(unsent), http.StatusForbidden)
	c.noCSRF = false
	k.count--

	// That answer's challenge was not taken; a wrong one is refused.
	cred := k.sign(options(token), id)
	other := newSoftKey(t)
	other.id = k.id // the same credential id, another key: the signature fails
	wantStatus(t, "wrong signature", finish(other.sign(options(token), id)), http.StatusUnauthorized)
	if !e.audited("login.mfa_failed") {
		t.Error("a refused passkey not audited")
	}
	wantStatus(t, "answer to a spent challenge", finish(cred), http.StatusBadRequest)

	w := finish(k.sign(options(token), id))
	wantStatus(t, "passkey", w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `"redirect":"/account"`) {
		t.Errorf("answer %s, want a redirect to /account", w.Body)
	}
	wantStatus(t, "signed in", c.get("/account"), http.StatusOK)
	if !e.audited("login.mfa") {
		t.Error("signing in with a passkey not audited")
	}
	keys, _ := e.db.Passkeys(context.Background(), id)
	if keys[0].LastUsedAt.IsZero() {
		t.Error("last use not recorded")
	}

	// A counter that goes back (a cloned authenticator) is refused.
	c2 := e.client()
	token = e.passkeyPasswordStep(c2, "editor")
	c = c2
	k.count -= 2
	wantStatus(t, "counter gone back", finish(k.sign(options(token), id)), http.StatusUnauthorized)
	if _, ok := c2.cookies["accord_session"]; ok {
		t.Fatal("a refused passkey gave a session")
	}
}

func TestPasskeysNotOfferedWithoutAName(t *testing.T) {
	e := newEnv(t) // no base URL; requests come to example.com
	ed := e.signedIn("editor")
	d := doc(t, ed.get("/account/mfa"))
	if d.Find("[data-testid=passkey-off]").Length() != 1 || d.Find("form[data-passkey-register]").Length() != 0 {
		t.Fatal("the passkey form is offered where passkeys cannot work")
	}
	wantStatus(t, "options", ed.json(http.MethodPost, "/account/mfa/passkeys/options", withPassword), http.StatusConflict)

	// A request to localhost itself may use them.
	r := httptest.NewRequest(http.MethodGet, "http://localhost:8080/account/mfa", nil)
	d = doc(t, ed.do(r))
	if d.Find("form[data-passkey-register]").Length() != 1 {
		t.Fatal("no passkey form on localhost")
	}
	// Without JavaScript the form cannot work: it stays hidden until the
	// script shows it, and the page says why.
	if _, hidden := d.Find("form[data-passkey-register]").Parent().Attr("hidden"); !hidden {
		t.Error("the passkey form is shown before the script runs")
	}
	if !strings.Contains(d.Find("noscript").Text(), "needs JavaScript") {
		t.Error("no word for readers without JavaScript")
	}
}

func TestPasskeyCountsForRequireMFAAndReset(t *testing.T) {
	e := newPasskeyEnv(t, true)
	ed := e.signedIn("editor")
	if w := ed.get("/policies/new"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account/mfa" {
		t.Fatalf("editor without a factor: %d to %q, want 303 to /account/mfa", w.Code, w.Header().Get("Location"))
	}
	e.addPasskey(ed, newSoftKey(t), "Laptop")
	wantStatus(t, "editor with a passkey", ed.get("/policies/new"), http.StatusOK)

	adm := e.signedIn("admin")
	e.addPasskey(adm, newSoftKey(t), "Admin key")
	path := "/admin/users/" + itoa(e.users["editor"].ID) + "/mfa/reset"
	wantStatus(t, "admin resets", adm.post(path, nil), http.StatusSeeOther)
	if n := e.passkeyCount("editor"); n != 0 {
		t.Fatalf("%d passkeys after the reset, want 0", n)
	}
	if !e.audited("mfa.reset") {
		t.Error("reset not audited")
	}
}

// TestPasskeyAddAsksPassword: the ceremony that adds a passkey starts
// only once the account's password is given again.
func TestPasskeyAddAsksPassword(t *testing.T) {
	e := newPasskeyEnv(t, false)
	ed := e.signedIn("editor")
	for _, body := range []string{"{}", jsonOf(map[string]any{"password": "not the password"})} {
		w := ed.json(http.MethodPost, "/account/mfa/passkeys/options", body)
		wantStatus(t, "options with "+body, w, http.StatusUnprocessableEntity)
		var got struct {
			Fields map[string]string `json:"fields"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Fields["password"] == "" {
			t.Errorf("options with %s: %s, want an error naming the password", body, w.Body)
		}
	}
	k := newSoftKey(t)
	e.addPasskey(ed, k, "Laptop")
	if n := e.passkeyCount("editor"); n != 1 {
		t.Fatalf("%d passkeys with the password, want 1", n)
	}
}

// TestFactorChangesTellTheOwner: with mail, adding or removing a passkey
// and turning the authenticator app on or off each send the owner a
// notice; without mail nothing is queued.
func TestFactorChangesTellTheOwner(t *testing.T) {
	e := newEnv(t)
	cfg, err := mail.ParseURL("smtp://mail.example.org:2587?from=accord@example.org")
	if err != nil {
		t.Fatal(err)
	}
	snd, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Mail: snd, BaseURL: passkeyOrigin})
	ed := e.signedIn("editor")
	notices := func() []string {
		var subjects []string
		for _, m := range outbox(t, e.db) {
			if m.Kind == "mfa-changed" && m.To == "editor@example.org" {
				subjects = append(subjects, m.Subject)
			}
		}
		return subjects
	}
	k := newSoftKey(t)
	e.addPasskey(ed, k, "Laptop")
	if got := notices(); len(got) != 1 || !strings.Contains(got[0], "passkey was added") {
		t.Fatalf("after adding a passkey, notices %q", got)
	}
	action, _ := doc(t, ed.get("/account/mfa")).Find("table[data-testid=passkeys] form").Attr("action")
	wantStatus(t, "remove", ed.post(action, url.Values{"password": {testPassword}}), http.StatusSeeOther)
	if got := notices(); len(got) != 2 || !strings.Contains(got[1], "passkey was removed") {
		t.Fatalf("after removing it, notices %q", got)
	}
	secret, _ := e.enrolMFA(ed)
	if got := notices(); len(got) != 3 || !strings.Contains(got[2], "turned on") {
		t.Fatalf("after turning the app on, notices %q", got)
	}
	wantStatus(t, "disable", ed.post("/account/mfa/disable", url.Values{"password": {testPassword}, "code": {e.totpCode(secret)}}), http.StatusOK)
	if got := notices(); len(got) != 4 || !strings.Contains(got[3], "turned off") {
		t.Fatalf("after turning the app off, notices %q", got)
	}

	quiet := newPasskeyEnv(t, false)
	qc := quiet.signedIn("editor")
	quiet.addPasskey(qc, newSoftKey(t), "Laptop")
	if n := len(outbox(t, quiet.db)); n != 0 {
		t.Errorf("%d messages queued without mail", n)
	}
}
