package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// actorCtx is the request's context carrying who acts, for the audit log.
func actorCtx(c echo.Context) context.Context {
	a := store.Actor{IP: c.RealIP()}
	if u := userFrom(c); u != nil {
		a.UserID, a.Email = u.ID, u.Email
	}
	return store.WithActor(c.Request().Context(), a)
}

// startSession signs a user in: any session the browser had is ended and
// a new id issued (so a planted id is worthless); the CSRF token, bound to
// the session id, changes with it.
func (s *Server) startSession(c echo.Context, u store.User) error {
	ctx := c.Request().Context()
	if old, ok := c.Get(ctxSession).(string); ok && old != "" {
		if err := s.db.DeleteSession(ctx, old); err != nil {
			return err
		}
	} else if v := s.cookieValue(c, sessionCookie); v != "" {
		if err := s.db.DeleteSession(ctx, v); err != nil {
			return err
		}
	}
	secret, err := s.db.CreateSession(ctx, u.ID, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	s.setCookie(c, s.cookieName(c, sessionCookie), secret, int(store.AbsoluteTimeout.Seconds()))
	return nil
}

var loginFields = []string{"email", "password"}

func (s *Server) loginPage(c echo.Context) error {
	if userFrom(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	f := views.NewForm(loginFields...)
	return s.render(c, http.StatusOK, views.LoginView(views.LoginPage{Base: s.noindex(c, "Sign in"), Form: f, Next: safeNext(c.QueryParam("next")),
		ForgotPassword: s.mailOn()}))
}

func (s *Server) noindex(c echo.Context, title string) views.Base {
	b := s.base(c, title)
	b.NoIndex = true
	return b
}

func (s *Server) login(c echo.Context) error {
	f, err := formOf(c, loginFields...)
	if err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"))
	show := func(status int) error {
		return s.render(c, status, views.LoginView(views.LoginPage{Base: s.noindex(c, "Sign in"), Form: f, Next: next,
			ForgotPassword: s.mailOn()}))
	}
	email, password := strings.TrimSpace(f.Get("email")), f.Get("password")
	// The address is checked before it reaches the throttle table or the
	// audit log, so that neither stores what an attacker typed.
	switch {
	case email == "":
		f.Errors["email"] = "Enter your email address"
	case store.CheckEmail(email) != "":
		f.Errors["email"] = store.CheckEmail(email)
		// What was typed is not shown back: it may be megabytes of junk.
		f.Set("email", "")
	}
	if password == "" {
		f.Errors["password"] = "Enter your password"
	}
	if f.Invalid() {
		return show(unprocessable)
	}
	ctx := actorCtx(c)
	keys := store.LoginKeys(email, c.RealIP())
	wait, err := s.db.ReserveAttempt(ctx, keys)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := s.db.RecordEvent(ctx, "login.throttled", "account/"+strings.ToLower(email), ""); err != nil {
			return err
		}
		f.Errors["email"] = fmt.Sprintf("Too many failed attempts to sign in. Wait %s and try again.", retryAfter(c, wait))
		return show(http.StatusTooManyRequests)
	}
	var u store.User
	err = s.hashing(c, func() (err error) {
		u, err = s.db.Authenticate(ctx, email, password)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		// The attempt was counted as a failure when it was reserved.
		// The email is logged to spot attacks on an account; the password never.
		if err := s.db.RecordEvent(ctx, "login.failed", "account/"+strings.ToLower(email), ""); err != nil {
			return err
		}
		f.Errors["email"] = "Enter a correct email address and password; either or both are wrong"
		return show(http.StatusUnauthorized)
	}
	if err != nil {
		return err
	}
	if err := s.db.LoginSucceeded(ctx, keys); err != nil {
		return err
	}
	// An account with a second factor gets the code form, not a session.
	if pending, err := s.mfaChallenge(c, u, next); pending || err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	ctx = store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email, IP: c.RealIP()})
	if err := s.db.RecordEvent(ctx, "login", fmt.Sprintf("user/%d", u.ID), ""); err != nil {
		return err
	}
	return s.redirectFlash(c, next, "signed-in")
}

func (s *Server) logout(c echo.Context) error {
	if secret, ok := c.Get(ctxSession).(string); ok && secret != "" {
		if err := s.db.DeleteSession(c.Request().Context(), secret); err != nil {
			return err
		}
		if u := userFrom(c); u != nil {
			if err := s.db.RecordEvent(actorCtx(c), "logout", fmt.Sprintf("user/%d", u.ID), ""); err != nil {
				return err
			}
		}
	}
	s.clearCookie(c, s.cookieName(c, sessionCookie))
	return s.redirectFlash(c, "/", "signed-out")
}

var registerFields = []string{"email", "password", "name", "organisation", "stakeholder_group", "country", "consent_publish"}

func (s *Server) registerPage(c echo.Context) error {
	return s.showRegister(c, http.StatusOK, views.NewForm(registerFields...))
}

// registerNext is where registration leads: back to the page the
// stakeholder came from (the paragraph they wanted to comment on), else
// their account. "" means the account page.
func registerNext(c echo.Context) string {
	next := c.QueryParam("next")
	if c.Request().Method == http.MethodPost {
		next = c.FormValue("next")
	}
	if next == "" {
		return ""
	}
	if next = safeNext(next); next == "/" {
		return ""
	}
	return next
}

func (s *Server) showRegister(c echo.Context, status int, f views.Form) error {
	countries, err := s.jurisdictionChoices(c, true)
	if err != nil {
		return err
	}
	p := views.RegisterPage{Base: s.noindex(c, "Register"), Form: f,
		Groups: withBlank("Choose your stakeholder group", choices(store.StakeholderGroups)), Countries: withBlank("Choose your country", countries), Next: registerNext(c),
		ByMail: s.mailOn()}
	return s.render(c, status, views.RegisterView(p))
}

func (s *Server) register(c echo.Context) error {
	f, err := formOf(c, registerFields...)
	if err != nil {
		return err
	}
	// With mail, the password is chosen once the address is proved
	// (confirmRegistration): any typed here is ignored.
	if s.mailOn() {
		f.Set("password", "")
	} else if msg := store.CheckPassword(f.Get("password"), f.Get("email"), f.Get("name")); msg != "" {
		f.Errors["password"] = msg
	}
	if f.Get("name") == "" {
		f.Errors["name"] = "Enter your name"
	}
	if f.Get("stakeholder_group") == "" {
		f.Errors["stakeholder_group"] = "Choose your stakeholder group"
	}
	// Stakeholders register to comment, and a comment cannot be made
	// without a country (store.User.ProfileComplete): asking now spares
	// them a detour through their profile at their first comment.
	if f.Get("country") == "" {
		f.Errors["country"] = "Choose your country"
	}
	u := store.User{Email: f.Get("email"), Name: f.Get("name"), Organisation: f.Get("organisation"),
		StakeholderGroup: f.Get("stakeholder_group"), Country: f.Get("country"), Role: "stakeholder",
		ConsentPublish: f.Get("consent_publish") == "1"}
	if err := u.Validate(); err != nil {
		setErrors(f, err, nil)
	}
	if f.Invalid() {
		return s.showRegister(c, unprocessable, f)
	}
	wait, err := s.db.ReserveAttempt(actorCtx(c), store.RegisterKeys(c.RealIP()))
	if err != nil {
		return err
	}
	if wait > 0 {
		f.Errors["email"] = fmt.Sprintf("Many accounts were created from your network today. Wait %s and try again.",
			retryAfter(c, wait))
		return s.showRegister(c, http.StatusTooManyRequests, f)
	}
	if s.mailOn() {
		return s.registerByMail(c, f, u)
	}
	hash, err := s.hashPassword(c, f.Get("password"))
	if err != nil {
		return err
	}
	u, err = s.db.CreateUser(actorCtx(c), u, hash)
	if setErrors(f, err, nil) {
		return s.showRegister(c, unprocessable, f)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	to := registerNext(c)
	if to == "" {
		to = "/account"
	}
	return s.redirectFlash(c, to, "registered")
}

// fromLoopback reports whether the request comes from the machine itself.
// The server reads the address of the connection only (ExtractIPDirect),
// so a client cannot claim to be local with a header.
func fromLoopback(c echo.Context) bool {
	ip := net.ParseIP(c.RealIP())
	return ip != nil && ip.IsLoopback()
}

var setupFields = []string{"email", "name", "password"}

// setupGate refuses /setup once an admin exists (404: there is nothing
// here any more) and from other machines (403).
func (s *Server) setupGate(c echo.Context) error {
	n, err := s.db.CountAdmins(c.Request().Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "Accord is already set up. Sign in, or ask an administrator for an account."}
	}
	if !fromLoopback(c) {
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: "The first administrator can only be created from the machine Accord runs on (open the address on 127.0.0.1)."}
	}
	return nil
}

func (s *Server) setupPage(c echo.Context) error {
	if err := s.setupGate(c); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.SetupView(views.SetupPage{Base: s.noindex(c, "Set up Accord"), Form: views.NewForm(setupFields...)}))
}

func (s *Server) setup(c echo.Context) error {
	if err := s.setupGate(c); err != nil {
		return err
	}
	f, err := formOf(c, setupFields...)
	if err != nil {
		return err
	}
	show := func() error {
		return s.render(c, unprocessable, views.SetupView(views.SetupPage{Base: s.noindex(c, "Set up Accord"), Form: f}))
	}
	// With mail, the password is chosen once the address is proved
	// (confirmRegistration): any typed here is ignored.
	if s.mailOn() {
		f.Set("password", "")
	} else if msg := store.CheckPassword(f.Get("password"), f.Get("email"), f.Get("name")); msg != "" {
		f.Errors["password"] = msg
	}
	if f.Get("name") == "" {
		f.Errors["name"] = "Enter your name"
	}
	u := store.User{Email: f.Get("email"), Name: f.Get("name"), Role: "admin"}
	if err := u.Validate(); err != nil {
		setErrors(f, err, nil)
	}
	if f.Invalid() {
		return show()
	}
	hash, err := s.hashPassword(c, f.Get("password"))
	if err != nil {
		return err
	}
	u, err = s.db.CreateUser(actorCtx(c), u, hash)
	if setErrors(f, err, nil) {
		return show()
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return s.redirectFlash(c, "/account", "setup")
}

var (
	profileFields  = []string{"name", "organisation", "stakeholder_group", "country", "consent_publish"}
	passwordFields = []string{"current_password", "new_password", "revoke_tokens"}
	tokenFields    = []string{"token_name", "token_expires"}
)

// accountPage builds the account page with the given forms; nil forms
// are filled from the stored profile or left empty.
func (s *Server) accountPage(c echo.Context, profile, password, token *views.Form, newToken string) (views.AccountPage, error) {
	u := userFrom(c)
	p := views.AccountPage{Base: s.noindex(c, "Your account"), Email: u.Email, Role: u.Role, NewToken: newToken}
	if profile == nil {
		f := views.NewForm(profileFields...)
		f.Set("name", u.Name)
		f.Set("organisation", u.Organisation)
		f.Set("stakeholder_group", u.StakeholderGroup)
		f.Set("country", u.Country)
		if u.ConsentPublish {
			f.Set("consent_publish", "1")
		}
		profile = &f
	}
	if password == nil {
		f := views.NewForm(passwordFields...)
		// Ending the tokens with the password is the safe default: a
		// password changed because it leaked should not leave a way in.
		f.Set("revoke_tokens", "1")
		password = &f
	}
	if token == nil {
		f := views.NewForm(tokenFields...)
		token = &f
	}
	p.Profile, p.Password, p.TokenForm = *profile, *password, *token
	countries, err := s.jurisdictionChoices(c, true)
	if err != nil {
		return p, err
	}
	p.Groups = withBlank("Not given", choices(store.StakeholderGroups))
	p.Countries = withBlank("Not given", countries)
	tokens, err := s.db.Tokens(c.Request().Context(), u.ID)
	if err != nil {
		return p, err
	}
	now := s.now()
	for _, t := range tokens {
		row := views.TokenRow{ID: t.ID, Name: t.Name, Created: t.Created, Expires: t.Expires, Revoked: t.Revoked, Active: t.Active(now)}
		row.LastUsed, _ = time.Parse(time.RFC3339, t.LastUsed)
		p.Tokens = append(p.Tokens, row)
	}
	if p.SubscribedConsultations, err = s.db.Subscribed(c.Request().Context(), u.ID, store.TopicConsultations); err != nil {
		return p, err
	}
	if p.CommentNews, err = s.db.Subscribed(c.Request().Context(), u.ID, store.TopicCommentNews); err != nil {
		return p, err
	}
	if p.Sessions, err = s.sessionRows(c, u.ID); err != nil {
		return p, err
	}
	return p, nil
}

func (s *Server) account(c echo.Context) error {
	newToken := ""
	if sid := s.cookieValue(c, sessionCookie); sid != "" {
		newToken = s.newTokens.take(sid, s.now())
	}
	p, err := s.accountPage(c, nil, nil, nil, newToken)
	if err != nil {
		return err
	}
	if newToken != "" {
		// The token is shown in this answer only; it must not be cached.
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	return s.render(c, http.StatusOK, views.AccountView(p))
}

func (s *Server) saveProfile(c echo.Context) error {
	f, err := formOf(c, profileFields...)
	if err != nil {
		return err
	}
	u := *userFrom(c)
	u.Name, u.Organisation, u.StakeholderGroup, u.Country = f.Get("name"), f.Get("organisation"), f.Get("stakeholder_group"), f.Get("country")
	u.ConsentPublish = f.Get("consent_publish") == "1"
	if u.Name == "" {
		f.Errors["name"] = "Enter your name"
	}
	if err := u.Validate(); err != nil {
		setErrors(f, err, nil)
	}
	if !f.Invalid() {
		err := s.db.UpdateProfile(actorCtx(c), u)
		if !setErrors(f, err, nil) && err != nil {
			return err
		}
	}
	if f.Invalid() {
		p, err := s.accountPage(c, &f, nil, nil, "")
		if err != nil {
			return err
		}
		return s.render(c, unprocessable, views.AccountView(p))
	}
	return s.redirectFlash(c, "/account", "profile")
}

func (s *Server) changePassword(c echo.Context) error {
	f, err := formOf(c, passwordFields...)
	if err != nil {
		return err
	}
	u := userFrom(c)
	ctx := actorCtx(c)
	status := unprocessable
	if msg := store.CheckPassword(f.Get("new_password"), u.Email, u.Name); msg != "" {
		f.Errors["new_password"] = msg
	}
	// The current password is checked with the sign-in throttle, so this
	// form is no shortcut for guessing it.
	keys := store.LoginKeys(u.Email, c.RealIP())
	var wait time.Duration
	if f.Get("current_password") != "" {
		if wait, err = s.db.ReserveAttempt(ctx, keys); err != nil {
			return err
		}
	}
	switch {
	case wait > 0:
		f.Errors["current_password"] = fmt.Sprintf("Too many failed attempts. Wait %s and try again.", retryAfter(c, wait))
		status = http.StatusTooManyRequests
	case f.Get("current_password") == "":
		f.Errors["current_password"] = "Enter your current password"
	default:
		err := s.hashing(c, func() error {
			_, err := s.db.Authenticate(ctx, u.Email, f.Get("current_password"))
			return err
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Errors["current_password"] = "Your current password is not correct"
		case err != nil:
			return err
		default:
			if err := s.db.LoginSucceeded(ctx, keys); err != nil {
				return err
			}
		}
	}
	if f.Invalid() {
		p, err := s.accountPage(c, nil, &f, nil, "")
		if err != nil {
			return err
		}
		return s.render(c, status, views.AccountView(p))
	}
	hash, err := s.hashPassword(c, f.Get("new_password"))
	if err != nil {
		return err
	}
	keep, _ := c.Get(ctxSession).(string)
	if err := s.db.SetPassword(ctx, u.ID, hash, keep, f.Get("revoke_tokens") == "1"); err != nil {
		return err
	}
	return s.redirectFlash(c, "/account", "password")
}

func (s *Server) createToken(c echo.Context) error {
	f, err := formOf(c, tokenFields...)
	if err != nil {
		return err
	}
	name := f.Get("token_name")
	switch {
	case name == "":
		f.Errors["token_name"] = "Enter a name for the token"
	case len([]rune(name)) > 100:
		f.Errors["token_name"] = "Use at most 100 characters"
	}
	expires, err := store.ParseTokenExpiry(f.Get("token_expires"), s.now())
	if err != nil {
		f.Errors["token_expires"] = "Enter when the token expires: " + err.Error()
	}
	newToken := ""
	status := unprocessable
	if !f.Invalid() {
		newToken, err = s.db.CreateToken(actorCtx(c), userFrom(c).ID, name, expires)
		if setErrors(f, err, func(string) string { return "token_name" }) {
			newToken = ""
		} else if err != nil {
			return err
		} else if sid := s.cookieValue(c, sessionCookie); sid != "" {
			// POST, redirect, GET: the account page shows the token once,
			// and refreshing it creates nothing.
			s.newTokens.put(sid, newToken, s.now())
			return c.Redirect(http.StatusSeeOther, "/account#new-token")
		} else {
			status = http.StatusOK
			f = views.NewForm(tokenFields...)
		}
	}
	p, err := s.accountPage(c, nil, nil, &f, newToken)
	if err != nil {
		return err
	}
	// The token is shown in this answer only; it must not be cached.
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, status, views.AccountView(p))
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	// RevokeToken matches the user too: another's token is not found.
	if err := s.db.RevokeToken(actorCtx(c), userFrom(c).ID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/account#tokens", "token-revoked")
}

// hashPassword hashes a new password in one of the bounded hashing slots.
func (s *Server) hashPassword(c echo.Context, pw string) (string, error) {
	var hash string
	err := s.hashing(c, func() (err error) {
		hash, err = store.HashPassword(pw)
		return err
	})
	return hash, err
}

// retryAfter tells a throttled client when to come back, in the
// Retry-After header, and returns the wait in words for the page.
func retryAfter(c echo.Context, wait time.Duration) string {
	secs := int(math.Ceil(wait.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return views.Plural(secs, "second", "seconds")
}
