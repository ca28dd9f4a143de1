package web

// Two-factor sign-in with time-based one-time passwords (TOTP, RFC 6238),
// the path that needs no JavaScript (DECISIONS §7). After the password, an
// account with TOTP gets no session: it gets a short-lived signed pending
// sign-in, carried in the form of /login/mfa, and the session only once a
// code (or a recovery code) is right. With --require-mfa, editors and
// admins without a second factor can reach nothing but /account/mfa.

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const (
	// mfaLoginKeyName names the secret that signs pending sign-ins.
	mfaLoginKeyName = "mfa_login_key"
	// mfaLoginTTL is how long after the password the code may come.
	mfaLoginTTL = 5 * time.Minute
	// totpIssuer is the name authenticator apps show for the account.
	totpIssuer = "Accord"
)

func init() {
	// The confirmations of this file, kept here beside their handlers.
	flashes["mfa-reset"] = "The account's two-factor sign-in is removed; it can sign in with its password alone and enrol again."
}

// mfaLoginToken signs "user id . expiry" for the second step of sign-in.
func (s *Server) mfaLoginToken(c echo.Context, userID int64) (string, error) {
	msg := strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(s.now().Add(mfaLoginTTL).Unix(), 10)
	sig, err := s.sign(c.Request().Context(), mfaLoginKeyName, "mfa-login:"+msg)
	if err != nil {
		return "", err
	}
	return msg + "." + sig, nil
}

// mfaLoginUser checks a pending sign-in token and returns its user id;
// false when it is forged, malformed or expired.
func (s *Server) mfaLoginUser(c echo.Context, token string) (int64, bool, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, false, nil
	}
	ok, err := s.verify(c.Request().Context(), mfaLoginKeyName, "mfa-login:"+parts[0]+"."+parts[1], parts[2])
	if err != nil || !ok {
		return 0, false, err
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || s.now().Unix() > exp {
		return 0, false, nil
	}
	return id, true, nil
}

// mfaChallenge is called by the login handler once the password is right.
// For an account with a second factor it answers with the code form
// instead of a session, and reports true. Wrong codes are counted on a
// key of their own (store.MFAKeys) that the right password does not clear.
func (s *Server) mfaChallenge(c echo.Context, u store.User, next string) (bool, error) {
	ctx := actorCtx(c)
	has, err := s.db.HasMFA(ctx, u.ID)
	if err != nil || !has {
		return false, err
	}
	token, err := s.mfaLoginToken(c, u.ID)
	if err != nil {
		return true, err
	}
	ctx = store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email, IP: c.RealIP()})
	if err := s.db.RecordEvent(ctx, "login.password", fmt.Sprintf("user/%d", u.ID), "awaiting second factor"); err != nil {
		return true, err
	}
	return true, s.showMFALogin(c, http.StatusOK, views.NewForm("code"), token, next, u.ID)
}

// showMFALogin shows the second step with the factors the account has:
// the code form for an authenticator app, the passkey button (for the
// script to reveal) for a passkey.
func (s *Server) showMFALogin(c echo.Context, status int, f views.Form, token, next string, userID int64) error {
	// The page carries the pending sign-in: no cache may keep it.
	c.Response().Header().Set("Cache-Control", "no-store")
	p := views.MFALoginPage{Base: s.noindex(c, "Two-factor sign-in"), Form: f, Token: token, Next: next}
	ctx := c.Request().Context()
	var err error
	if p.TOTP, err = s.db.HasTOTP(ctx, userID); err != nil {
		return err
	}
	keys, err := s.db.Passkeys(ctx, userID)
	if err != nil {
		return err
	}
	if len(keys) > 0 {
		rp, err := s.relyingParty(c)
		if err != nil {
			return err
		}
		p.Passkey = rp != nil
		if rp == nil {
			p.PasskeyOff = passkeysUnavailable
		}
	}
	return s.render(c, status, views.MFALoginView(p))
}

// mfaLoginPage: the second step has nothing to show without the pending
// sign-in, which travels only in the form (never in a URL, where it would
// reach logs and Referer headers).
func (s *Server) mfaLoginPage(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/login")
}

// checkSecondFactor takes a TOTP code (six digits) or, failing the
// shape, a recovery code; it says which was used.
func (s *Server) checkSecondFactor(c echo.Context, userID int64, code string) (string, error) {
	ctx := actorCtx(c)
	digits := strings.Join(strings.Fields(code), "")
	if len(digits) == 6 && strings.Trim(digits, "0123456789") == "" {
		err := s.db.VerifyTOTP(ctx, userID, digits, s.now())
		if errors.Is(err, store.ErrNotFound) {
			err = store.ErrBadCode
		}
		return "totp", err
	}
	return "recovery code", s.db.UseRecoveryCode(ctx, userID, code)
}

func (s *Server) mfaLogin(c echo.Context) error {
	f, err := formOf(c, "code", "token", "next")
	if err != nil {
		return err
	}
	next := safeNext(f.Get("next"))
	token := f.Get("token")
	id, ok, err := s.mfaLoginUser(c, token)
	if err != nil {
		return err
	}
	var u store.User
	if ok {
		u, err = s.db.User(c.Request().Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			ok = false
		} else if err != nil {
			return err
		}
	}
	if !ok || u.Disabled {
		lf := views.NewForm(loginFields...)
		lf.Errors["email"] = "Your sign-in took too long or was interrupted. Sign in again with your email address and password."
		return s.render(c, http.StatusUnauthorized, views.LoginView(views.LoginPage{Base: s.noindex(c, "Sign in"), Form: lf, Next: next}))
	}
	code := f.Get("code")
	if code == "" {
		f.Errors["code"] = "Enter the 6-digit code from your authenticator app, or a recovery code"
		return s.showMFALogin(c, unprocessable, f, token, next, u.ID)
	}
	ctx := store.WithActor(actorCtx(c), store.Actor{UserID: u.ID, Email: u.Email, IP: c.RealIP()})
	// Wrong codes count against the sign-in throttle: the account, the
	// address, and the account's second factor.
	keys := store.MFAKeys(u.ID, u.Email, c.RealIP())
	wait, err := s.db.ReserveAttempt(ctx, keys)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := s.db.RecordEvent(ctx, "login.throttled", "account/"+strings.ToLower(u.Email), "second factor"); err != nil {
			return err
		}
		f.Errors["code"] = fmt.Sprintf("Too many failed attempts to sign in. Wait %s and try again.", retryAfter(c, wait))
		return s.showMFALogin(c, http.StatusTooManyRequests, f, token, next, u.ID)
	}
	how, err := s.checkSecondFactor(c, u.ID, code)
	if errors.Is(err, store.ErrBadCode) {
		if err := s.db.RecordEvent(ctx, "login.mfa_failed", fmt.Sprintf("user/%d", u.ID), how); err != nil {
			return err
		}
		f.Errors["code"] = "Enter a correct code: this one is wrong, expired or already used"
		return s.showMFALogin(c, http.StatusUnauthorized, f, token, next, u.ID)
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
	if err := s.db.RecordEvent(ctx, "login.mfa", fmt.Sprintf("user/%d", u.ID), how); err != nil {
		return err
	}
	return s.redirectFlash(c, next, "signed-in")
}

// totpKey is the otpauth key of a base32 secret, for the QR code.
func totpKey(secret, account string) (*otp.Key, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("TOTP secret: %w", err)
	}
	return totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: account, Secret: raw,
		Period: store.TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// qrDataURL draws the key's otpauth:// URL as a PNG in a data: URL (the
// CSP allows img-src data:), so enrolment needs no script and no request
// that could leak the secret.
func qrDataURL(k *otp.Key) (string, error) {
	img, err := k.Image(200, 200)
	if err != nil {
		return "", fmt.Errorf("draw QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("encode QR code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// mfaPage shows /account/mfa in the state the account is in: enabled (the
// form to turn it off) or not (a pending enrolment, made on first view).
func (s *Server) mfaPage(c echo.Context) error {
	return s.showMFA(c, http.StatusOK, views.MFAPage{Form: views.NewForm("code")})
}

func (s *Server) showMFA(c echo.Context, status int, p views.MFAPage) error {
	u := userFrom(c)
	ctx := c.Request().Context()
	// The page shows the TOTP secret: no cache may keep it.
	c.Response().Header().Set("Cache-Control", "no-store")
	p.Base = s.noindex(c, "Two-factor sign-in")
	keys, err := s.db.Passkeys(ctx, u.ID)
	if err != nil {
		return err
	}
	p.Passkeys = passkeyRows(keys)
	rp, err := s.relyingParty(c)
	if err != nil {
		return err
	}
	if rp == nil {
		p.PasskeyOff = passkeysUnavailable
	}
	if p.Enabled, err = s.db.HasTOTP(ctx, u.ID); err != nil {
		return err
	}
	if p.Enabled {
		if p.RecoveryLeft, err = s.db.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return err
		}
		return s.render(c, status, views.MFAView(p))
	}
	p.Required = s.requireMFA && u.HasRole("editor") && len(keys) == 0
	fresh, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email})
	if err != nil {
		return fmt.Errorf("make TOTP secret: %w", err)
	}
	if p.Secret, err = s.db.StartTOTP(actorCtx(c), u.ID, fresh.Secret()); err != nil {
		return err
	}
	k, err := totpKey(p.Secret, u.Email)
	if err != nil {
		return err
	}
	if p.QR, err = qrDataURL(k); err != nil {
		return err
	}
	return s.render(c, status, views.MFAView(p))
}

// confirmMFA turns TOTP on once a first code proves the app has the
// secret, and shows the recovery codes, once.
func (s *Server) confirmMFA(c echo.Context) error {
	f, err := formOf(c, "code")
	if err != nil {
		return err
	}
	u := userFrom(c)
	if f.Get("code") == "" {
		f.Errors["code"] = "Enter the 6-digit code your app shows"
		return s.showMFA(c, unprocessable, views.MFAPage{Form: f})
	}
	codes, err := s.db.ConfirmTOTP(actorCtx(c), u.ID, f.Get("code"), s.now())
	if errors.Is(err, store.ErrBadCode) {
		f.Errors["code"] = "Enter the code your app shows now: this one is wrong or expired. Check that the phone's clock is right."
		return s.showMFA(c, unprocessable, views.MFAPage{Form: f})
	}
	if errors.Is(err, store.ErrNotFound) {
		// Already on (a second tab), or not started: show the state.
		return c.Redirect(http.StatusSeeOther, "/account/mfa")
	}
	if err != nil {
		return err
	}
	if err := s.factorNotice(c, *u, "Two-factor sign-in was turned on for your Accord account",
		"Two-factor sign-in with an authenticator app was turned on for your account"); err != nil {
		return err
	}
	// The recovery codes are in this answer only; no cache may keep them.
	c.Response().Header().Set("Cache-Control", "no-store")
	p := views.MFAPage{Base: s.noindex(c, "Two-factor sign-in"), Form: f, Enabled: true, RecoveryCodes: codes}
	return s.render(c, http.StatusOK, views.MFAView(p))
}

// disableMFA turns the second factor off; it takes the password and a
// current code, so that a borrowed session alone cannot remove it. Wrong
// answers count against the sign-in throttle.
func (s *Server) disableMFA(c echo.Context) error {
	f, err := formOf(c, "password", "code")
	if err != nil {
		return err
	}
	u := userFrom(c)
	show := func(status int) error { return s.showMFA(c, status, views.MFAPage{Form: f}) }
	if f.Get("password") == "" {
		f.Errors["password"] = "Enter your password"
	}
	if f.Get("code") == "" {
		f.Errors["code"] = "Enter a code from your app, or a recovery code"
	}
	if f.Invalid() {
		return show(unprocessable)
	}
	ctx := actorCtx(c)
	keys := store.MFAKeys(u.ID, u.Email, c.RealIP())
	wait, err := s.db.ReserveAttempt(ctx, keys)
	if err != nil {
		return err
	}
	if wait > 0 {
		f.Errors["password"] = fmt.Sprintf("Too many failed attempts. Wait %s and try again.", retryAfter(c, wait))
		return show(http.StatusTooManyRequests)
	}
	err = s.hashing(c, func() error {
		_, err := s.db.Authenticate(ctx, u.Email, f.Get("password"))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		f.Errors["password"] = "Enter your correct password"
		return show(unprocessable)
	}
	if err != nil {
		return err
	}
	if _, err := s.checkSecondFactor(c, u.ID, f.Get("code")); errors.Is(err, store.ErrBadCode) {
		f.Errors["code"] = "Enter a correct code: this one is wrong, expired or already used"
		return show(unprocessable)
	} else if err != nil {
		return err
	}
	if err := s.db.LoginSucceeded(ctx, keys); err != nil {
		return err
	}
	if err := s.db.DisableMFA(ctx, u.ID); err != nil {
		return err
	}
	if err := s.factorNotice(c, *u, "Two-factor sign-in was turned off for your Accord account",
		"Two-factor sign-in with an authenticator app was turned off for your account"); err != nil {
		return err
	}
	return s.showMFA(c, http.StatusOK, views.MFAPage{Form: views.NewForm("code"), Disabled: true})
}

// resetUserMFA is an admin's removal of another account's second factor,
// for someone who lost both their app and their recovery codes (audited
// as mfa.reset).
func (s *Server) resetUserMFA(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	if err := s.db.ResetMFA(actorCtx(c), u.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/users", "mfa-reset")
}

// mfaGate, with --require-mfa, keeps editors and admins without a second
// factor to enrolling: pages send them to /account/mfa, and the API
// (tokens included: they could not be made without MFA) answers 403
// mfa_required. Signing out stays possible.
func (s *Server) mfaGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := userFrom(c)
		if !s.requireMFA || u == nil || !u.HasRole("editor") {
			return next(c)
		}
		p := c.Request().URL.Path
		if p == "/account/mfa" || strings.HasPrefix(p, "/account/mfa/") || p == "/logout" || strings.HasPrefix(p, "/static/") {
			return next(c)
		}
		has, err := s.db.HasMFA(c.Request().Context(), u.ID)
		if err != nil {
			return err
		}
		if has {
			return next(c)
		}
		if isAPI(c) {
			return &Error{Status: http.StatusForbidden, Code: "mfa_required",
				Message: "This site requires two-factor sign-in for editors and administrators. Set it up at /account/mfa, then try again."}
		}
		return c.Redirect(http.StatusSeeOther, "/account/mfa")
	}
}
