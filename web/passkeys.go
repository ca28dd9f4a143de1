package web

// Passkeys (WebAuthn) as a second factor beside TOTP (DECISIONS §7). TOTP
// stays the path that needs no JavaScript; passkeys are an enhancement:
// static/js/passkey.js runs the browser's side of each ceremony and posts
// JSON here. The challenge of a ceremony is kept in the database, bound
// to the session (registration) or to the pending sign-in (the second
// step), and taken by the first answer: it never travels in a cookie.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/labstack/echo/v4"
)

const (
	// passkeyRegister and passkeyLogin are the purposes of a kept challenge.
	passkeyRegister = "register"
	passkeyLogin    = "login"
)

func init() {
	flashes["passkey-added"] = "The passkey is added. Accord will offer it after your password."
	flashes["passkey-removed"] = "The passkey is removed."
}

// relyingParty is the WebAuthn relying party of this request: the host
// of the base URL and its origin. An IP address cannot be an RP ID
// (browsers and go-webauthn refuse it), and a base URL of one is what
// `accord serve` makes up without --base-url (the address it bound); then
// the request's own host is used when it is localhost, which browsers
// treat as secure, and otherwise passkeys are not offered (nil): an RP ID
// taken from an arbitrary Host header would tie credentials to whatever
// name the request happened to use.
func (s *Server) relyingParty(c echo.Context) (*webauthn.WebAuthn, error) {
	var rpID, origin string
	if u, err := url.Parse(s.baseURL); err == nil && s.baseURL != "" && u.Hostname() != "" {
		rpID, origin = u.Hostname(), u.Scheme+"://"+u.Host
	}
	if rpID == "" || net.ParseIP(rpID) != nil {
		host := c.Request().Host
		name := host
		if h, _, err := net.SplitHostPort(host); err == nil {
			name = h
		}
		if name != "localhost" {
			return nil, nil
		}
		rpID, origin = name, c.Scheme()+"://"+host
	}
	w, err := webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: "Accord", RPOrigins: []string{origin}})
	if err != nil {
		return nil, fmt.Errorf("WebAuthn relying party %s: %w", rpID, err)
	}
	return w, nil
}

// passkeysUnavailable is what the pages say when relyingParty is nil.
const passkeysUnavailable = "Passkeys are not available at this address: the site has no public name set (--base-url) for browsers to tie a passkey to. Use an authenticator app instead."

// passkeyUser is a user as go-webauthn sees them.
type passkeyUser struct {
	u     store.User
	creds []webauthn.Credential
}

// WebAuthnID is the user handle: the account's number, which names no one.
func (p passkeyUser) WebAuthnID() []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(p.u.ID))
	return b
}

// WebAuthnName is the name the authenticator shows for the account.
func (p passkeyUser) WebAuthnName() string { return p.u.Email }

// WebAuthnDisplayName is the person's name, or the email without one.
func (p passkeyUser) WebAuthnDisplayName() string {
	if p.u.Name != "" {
		return p.u.Name
	}
	return p.u.Email
}

// WebAuthnCredentials are the account's registered passkeys.
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// loadPasskeyUser reads the user's passkeys into the shape go-webauthn takes.
func (s *Server) loadPasskeyUser(c echo.Context, u store.User) (passkeyUser, []store.Passkey, error) {
	keys, err := s.db.Passkeys(c.Request().Context(), u.ID)
	if err != nil {
		return passkeyUser{}, nil, err
	}
	pu := passkeyUser{u: u}
	for _, k := range keys {
		cred := webauthn.Credential{ID: k.CredentialID, PublicKey: k.PublicKey,
			Flags: webauthn.CredentialFlags{
				UserPresent:    k.Flags&store.PasskeyUserPresent != 0,
				UserVerified:   k.Flags&store.PasskeyUserVerified != 0,
				BackupEligible: k.Flags&store.PasskeyBackupEligible != 0,
				BackupState:    k.Flags&store.PasskeyBackedUp != 0,
			},
			Authenticator: webauthn.Authenticator{AAGUID: k.AAGUID, SignCount: k.SignCount}}
		for _, t := range k.Transports {
			cred.Transport = append(cred.Transport, protocol.AuthenticatorTransport(t))
		}
		pu.creds = append(pu.creds, cred)
	}
	return pu, keys, nil
}

// passkeyFlags packs a credential's flags for the store.
func passkeyFlags(f webauthn.CredentialFlags) int {
	n := 0
	for bit, on := range map[int]bool{store.PasskeyUserPresent: f.UserPresent, store.PasskeyUserVerified: f.UserVerified,
		store.PasskeyBackupEligible: f.BackupEligible, store.PasskeyBackedUp: f.BackupState} {
		if on {
			n |= bit
		}
	}
	return n
}

// passkeyError answers a ceremony call that failed, in JSON for the
// script, with the words it shows the person.
func passkeyError(c echo.Context, status int, code, message string) error {
	return c.JSON(status, map[string]string{"code": code, "message": message})
}

// sessionBinding ties a registration challenge to the session asking.
func sessionBinding(c echo.Context) string {
	sid, _ := c.Get(ctxSession).(string)
	return "session:" + sid
}

// passkeyRegisterOptions starts adding a passkey: once the account's
// password is given again, it keeps a fresh challenge for this session
// and answers the options for navigator.credentials.create.
func (s *Server) passkeyRegisterOptions(c echo.Context) error {
	rp, a, err := s.passkeyCeremony(c)
	if err != nil {
		return err
	}
	// A borrowed session alone must not add a factor: the password is
	// asked before the ceremony starts.
	if msg, status, err := s.confirmOwnPassword(c, a.Password); err != nil {
		return err
	} else if msg != "" {
		return c.JSON(status, map[string]any{"code": "invalid", "message": msg, "fields": map[string]string{"password": msg}})
	}
	u := userFrom(c)
	pu, _, err := s.loadPasskeyUser(c, *u)
	if err != nil {
		return err
	}
	var exclude []protocol.CredentialDescriptor
	for i := range pu.creds {
		exclude = append(exclude, pu.creds[i].Descriptor())
	}
	creation, session, err := rp.BeginRegistration(pu,
		webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
	if err != nil {
		return fmt.Errorf("begin passkey registration of user %d: %w", u.ID, err)
	}
	if err := s.keepChallenge(c, sessionBinding(c), passkeyRegister, u.ID, session); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, creation)
}

func (s *Server) keepChallenge(c echo.Context, binding, purpose string, userID int64, session *webauthn.SessionData) error {
	data, err := json.Marshal(session)
	if err != nil {
		return fmt.Errorf("encode WebAuthn session: %w", err)
	}
	return s.db.SaveChallenge(c.Request().Context(), binding, purpose, userID, string(data), s.now().Add(mfaLoginTTL))
}

// takeChallenge returns the kept ceremony state, deleting it; false when
// there is none (never asked, already answered, or expired).
func (s *Server) takeChallenge(c echo.Context, binding, purpose string, userID int64) (webauthn.SessionData, bool, error) {
	var session webauthn.SessionData
	data, err := s.db.TakeChallenge(c.Request().Context(), binding, purpose, userID)
	if errors.Is(err, store.ErrNotFound) {
		return session, false, nil
	}
	if err != nil {
		return session, false, err
	}
	if err := json.Unmarshal([]byte(data), &session); err != nil {
		return session, false, fmt.Errorf("decode WebAuthn session: %w", err)
	}
	return session, true, nil
}

// passkeyAnswer is what the script posts to finish a ceremony.
type passkeyAnswer struct {
	Name       string          `json:"name"`
	Token      string          `json:"token"`
	Password   string          `json:"password"`
	Next       string          `json:"next"`
	Credential json.RawMessage `json:"credential"`
}

// passkeyCeremony opens every step of a passkey ceremony: the relying
// party for this request (409 when passkeys cannot work on this address)
// and the browser's JSON answer.
func (s *Server) passkeyCeremony(c echo.Context) (*webauthn.WebAuthn, passkeyAnswer, error) {
	rp, err := s.relyingParty(c)
	if err != nil {
		return nil, passkeyAnswer{}, err
	}
	if rp == nil {
		return nil, passkeyAnswer{}, passkeyError(c, http.StatusConflict, "unavailable", passkeysUnavailable)
	}
	a, err := readPasskeyAnswer(c)
	if err != nil {
		return nil, a, err
	}
	return rp, a, nil
}

func readPasskeyAnswer(c echo.Context) (passkeyAnswer, error) {
	var a passkeyAnswer
	if err := json.NewDecoder(c.Request().Body).Decode(&a); err != nil {
		return a, passkeyError(c, http.StatusBadRequest, "bad_request", "The browser's answer could not be read. Reload the page and try again.")
	}
	return a, nil
}

// challengeGone is the answer to a ceremony whose challenge is not kept.
func challengeGone(c echo.Context) error {
	return passkeyError(c, http.StatusBadRequest, "challenge",
		"This passkey request has expired or was already used. Reload the page and try again.")
}

// addPasskey finishes adding a passkey: the name, then the browser's
// attestation checked against the challenge this session was given.
func (s *Server) addPasskey(c echo.Context) error {
	rp, a, err := s.passkeyCeremony(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" || utf8.RuneCountInString(name) > store.PasskeyNameMax {
		return passkeyError(c, unprocessable, "invalid",
			fmt.Sprintf("Enter a name for the passkey, such as Laptop (at most %d characters)", store.PasskeyNameMax))
	}
	u := userFrom(c)
	session, ok, err := s.takeChallenge(c, sessionBinding(c), passkeyRegister, u.ID)
	if err != nil {
		return err
	}
	if !ok {
		return challengeGone(c)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(a.Credential)
	if err != nil {
		return passkeyError(c, http.StatusBadRequest, "bad_credential", "The browser's answer is not a passkey. Try again.")
	}
	pu, _, err := s.loadPasskeyUser(c, *u)
	if err != nil {
		return err
	}
	cred, err := rp.CreateCredential(pu, session, parsed)
	if err != nil {
		return passkeyError(c, http.StatusBadRequest, "bad_credential", "The passkey could not be checked (wrong site or an old request). Reload the page and try again.")
	}
	p := store.Passkey{UserID: u.ID, CredentialID: cred.ID, PublicKey: cred.PublicKey, SignCount: cred.Authenticator.SignCount,
		AAGUID: cred.Authenticator.AAGUID, Flags: passkeyFlags(cred.Flags), Name: name}
	for _, t := range cred.Transport {
		p.Transports = append(p.Transports, string(t))
	}
	if _, err := s.db.AddPasskey(actorCtx(c), p); errors.Is(err, store.ErrConflict) {
		return passkeyError(c, http.StatusConflict, "exists", "This passkey is already registered.")
	} else if err != nil {
		return err
	}
	if err := s.factorNotice(c, *u, "A passkey was added to your Accord account",
		fmt.Sprintf("The passkey %q was added to your account", name)); err != nil {
		return err
	}
	s.setCookie(c, flashCookie, "passkey-added", 60)
	return c.JSON(http.StatusOK, map[string]string{"redirect": "/account/mfa"})
}

// removePasskey deletes one of the account's own passkeys (a plain form
// that also asks for the password, so that a borrowed session alone
// cannot remove a factor).
func (s *Server) removePasskey(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("passkey %q: %w", c.Param("id"), store.ErrNotFound)
	}
	f, err := formOf(c, "password")
	if err != nil {
		return err
	}
	if msg, status, err := s.confirmOwnPassword(c, f.Get("password")); err != nil {
		return err
	} else if msg != "" {
		f.Errors["password"] = msg
		f.Anchors["password"] = views.PasskeyPasswordID(id)
		return s.showMFA(c, status, views.MFAPage{Form: views.NewForm("code"), Remove: f, RemoveID: id})
	}
	u := userFrom(c)
	// Another account's passkey is not found, like one that never was.
	if err := s.db.RemovePasskey(actorCtx(c), u.ID, id); err != nil {
		return err
	}
	if err := s.factorNotice(c, *u, "A passkey was removed from your Accord account",
		"A passkey was removed from your account"); err != nil {
		return err
	}
	return s.redirectFlash(c, "/account/mfa", "passkey-removed")
}

// confirmOwnPassword checks the signed-in account's password, asked again
// before a change to its second factors, with the sign-in throttle (as
// the password change does, so this is no shortcut for guessing it). It
// returns the message for the password field and the status to answer,
// or "" when the password is right.
func (s *Server) confirmOwnPassword(c echo.Context, pw string) (string, int, error) {
	if pw == "" {
		return "Enter your password", unprocessable, nil
	}
	u := userFrom(c)
	ctx := actorCtx(c)
	keys := store.LoginKeys(u.Email, c.RealIP())
	wait, err := s.db.ReserveAttempt(ctx, keys)
	if err != nil {
		return "", 0, err
	}
	if wait > 0 {
		return fmt.Sprintf("Too many failed attempts. Wait %s and try again.", retryAfter(c, wait)), http.StatusTooManyRequests, nil
	}
	err = s.hashing(c, func() error {
		_, err := s.db.Authenticate(ctx, u.Email, pw)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "Enter your correct password", unprocessable, nil
	}
	if err != nil {
		return "", 0, err
	}
	return "", 0, s.db.LoginSucceeded(ctx, keys)
}

// factorNotice tells the owner by email, when this site sends mail, that
// a second factor of their account was added or removed: someone using
// a borrowed session and a stolen password would otherwise change it
// unseen.
func (s *Server) factorNotice(c echo.Context, u store.User, subject, what string) error {
	if !s.mailOn() {
		return nil
	}
	return s.db.Enqueue(actorCtx(c), store.Message{UserID: u.ID, To: u.Email, Kind: "mfa-changed", Subject: subject,
		Body: fmt.Sprintf(`%s (%s) on %s UTC.

If it was you, there is nothing to do. If it was not, choose a new password at once, which signs the account out everywhere:

%s

then check its two-factor sign-in:

%s
`, what, u.Email, s.now().UTC().Format("2 January 2006 at 15:04"), s.siteURL(views.ForgotURL), s.siteURL("/account/mfa"))})
}

// pendingUser is the account of a pending sign-in token, if it is valid
// and the account may still sign in.
func (s *Server) pendingUser(c echo.Context, token string) (store.User, bool, error) {
	id, ok, err := s.mfaLoginUser(c, token)
	if err != nil || !ok {
		return store.User{}, false, err
	}
	u, err := s.db.User(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	return u, !u.Disabled, nil
}

// signInExpired is the answer when the pending sign-in is not valid.
func signInExpired(c echo.Context) error {
	return passkeyError(c, http.StatusUnauthorized, "expired",
		"Your sign-in took too long or was interrupted. Sign in again with your email address and password.")
}

// passkeyLoginOptions starts the second step with a passkey: a challenge
// kept for this pending sign-in, and the options for
// navigator.credentials.get listing the account's passkeys.
func (s *Server) passkeyLoginOptions(c echo.Context) error {
	rp, a, err := s.passkeyCeremony(c)
	if err != nil {
		return err
	}
	u, ok, err := s.pendingUser(c, a.Token)
	if err != nil {
		return err
	}
	if !ok {
		return signInExpired(c)
	}
	pu, _, err := s.loadPasskeyUser(c, u)
	if err != nil {
		return err
	}
	if len(pu.creds) == 0 {
		return passkeyError(c, http.StatusConflict, "no_passkey", "This account has no passkey. Enter a code instead.")
	}
	assertion, session, err := rp.BeginLogin(pu)
	if err != nil {
		return fmt.Errorf("begin passkey sign-in of user %d: %w", u.ID, err)
	}
	if err := s.keepChallenge(c, "mfa-login:"+a.Token, passkeyLogin, u.ID, session); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, assertion)
}

// passkeyLogin finishes the second step with a passkey: the assertion
// checked against the kept challenge and the stored public key, and the
// signature counter moving forward. Failures count against the sign-in
// throttle like wrong codes.
func (s *Server) passkeyLogin(c echo.Context) error {
	rp, a, err := s.passkeyCeremony(c)
	if err != nil {
		return err
	}
	u, ok, err := s.pendingUser(c, a.Token)
	if err != nil {
		return err
	}
	if !ok {
		return signInExpired(c)
	}
	ctx := store.WithActor(actorCtx(c), store.Actor{UserID: u.ID, Email: u.Email, IP: c.RealIP()})
	keys := store.MFAKeys(u.ID, u.Email, c.RealIP())
	wait, err := s.db.ReserveAttempt(ctx, keys)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := s.db.RecordEvent(ctx, "login.throttled", "account/"+strings.ToLower(u.Email), "second factor"); err != nil {
			return err
		}
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return passkeyError(c, http.StatusTooManyRequests, "throttled",
			fmt.Sprintf("Too many failed attempts to sign in. Wait %s and try again.", retryAfter(c, wait)))
	}
	fail := func(detail string) error {
		if err := s.db.RecordEvent(ctx, "login.mfa_failed", fmt.Sprintf("user/%d", u.ID), "passkey: "+detail); err != nil {
			return err
		}
		return passkeyError(c, http.StatusUnauthorized, "refused", "That passkey was not accepted. Try again, or enter a code.")
	}
	session, ok, err := s.takeChallenge(c, "mfa-login:"+a.Token, passkeyLogin, u.ID)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.db.RecordEvent(ctx, "login.mfa_failed", fmt.Sprintf("user/%d", u.ID), "passkey: no challenge"); err != nil {
			return err
		}
		return challengeGone(c)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(a.Credential)
	if err != nil {
		return fail("unreadable answer")
	}
	pu, _, err := s.loadPasskeyUser(c, u)
	if err != nil {
		return err
	}
	cred, err := rp.ValidateLogin(pu, session, parsed)
	if err != nil {
		return fail("not verified")
	}
	if cred.Authenticator.CloneWarning {
		return fail("signature counter did not increase")
	}
	err = s.db.UsePasskey(ctx, u.ID, cred.ID, parsed.Response.AuthenticatorData.Counter, passkeyFlags(cred.Flags))
	if errors.Is(err, store.ErrCounter) {
		return fail("signature counter did not increase")
	}
	if errors.Is(err, store.ErrNotFound) {
		return fail("unknown credential")
	}
	if err != nil {
		return err
	}
	if err := s.db.LoginSucceeded(ctx, keys); err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if err := s.db.RecordEvent(ctx, "login.mfa", fmt.Sprintf("user/%d", u.ID), "passkey"); err != nil {
		return err
	}
	s.setCookie(c, flashCookie, "signed-in", 60)
	return c.JSON(http.StatusOK, map[string]string{"redirect": safeNext(a.Next)})
}

// passkeyRows are the account's passkeys as the page lists them.
func passkeyRows(keys []store.Passkey) []views.PasskeyRow {
	rows := make([]views.PasskeyRow, 0, len(keys))
	for _, k := range keys {
		r := views.PasskeyRow{ID: k.ID, Name: k.Name, Created: views.UTC(k.CreatedAt), LastUsed: "Never"}
		if !k.LastUsedAt.IsZero() {
			r.LastUsed = views.UTC(k.LastUsedAt)
		}
		rows = append(rows, r)
	}
	return rows
}
