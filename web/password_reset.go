package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// mailOn reports whether this site can send mail (--smtp-url): the reset
// by email and the confirmed registration depend on it, and without it
// the pages never offer them.
func (s *Server) mailOn() bool { return s.mail != nil }

var forgotFields = []string{"email"}

func (s *Server) forgotView(c echo.Context, status int, f views.Form, sentTo string) error {
	return s.render(c, status, views.ForgotView(views.ForgotPage{Base: s.noindex(c, "Forgotten password"), Form: f,
		Available: s.mailOn(), SentTo: sentTo}))
}

func (s *Server) forgotPage(c echo.Context) error {
	return s.forgotView(c, http.StatusOK, views.NewForm(forgotFields...), "")
}

// forgot sends a reset link to the address if an account has it, and
// answers the same either way, so that the form tells no one which
// addresses have accounts. Both the address and the client are
// throttled, so the form cannot flood a mailbox.
func (s *Server) forgot(c echo.Context) error {
	if !s.mailOn() {
		return s.forgotView(c, http.StatusNotFound, views.NewForm(forgotFields...), "")
	}
	f, err := formOf(c, forgotFields...)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(f.Get("email"))
	switch {
	case email == "":
		f.Errors["email"] = "Enter your email address"
	case store.CheckEmail(email) != "":
		// Shown back as typed, to be corrected; it reaches neither the
		// throttle table nor the audit log.
		f.Errors["email"] = store.CheckEmail(email)
	}
	if f.Invalid() {
		return s.forgotView(c, unprocessable, f, "")
	}
	ctx := actorCtx(c)
	wait, err := s.db.ReserveAttempt(ctx, store.ResetKeys(email, c.RealIP()))
	if err != nil {
		return err
	}
	if wait > 0 {
		f.Errors["email"] = fmt.Sprintf("Many links were asked for this address or from your network. Wait %s and try again.", retryAfter(c, wait))
		return s.forgotView(c, http.StatusTooManyRequests, f, "")
	}
	_, err = s.db.RequestPasswordReset(ctx, email, func(u store.User, token string) store.Message {
		return store.Message{Kind: "password-reset", Subject: "Choose a new password for Accord",
			Body: fmt.Sprintf(`Someone, probably you, asked to choose a new password for the Accord account %s.

To choose one, open this link within one hour:

%s

The link works once. Choosing a new password signs the account out everywhere and revokes its API tokens.

If it was not you, ignore this message: your password stays as it is.
`, u.Email, s.siteURL(views.ResetURL(token)))}
	})
	if err != nil {
		return err
	}
	return s.forgotView(c, http.StatusOK, views.NewForm(forgotFields...), email)
}

// linkInvalid answers a link that no longer works: 410 Gone, with the way
// to ask for a new one.
func (s *Server) linkInvalid(c echo.Context, title, message, again, label string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, http.StatusGone, views.LinkInvalidView(views.LinkInvalidPage{Base: s.noindex(c, title),
		Message: message, AgainURL: again, AgainLabel: label}))
}

func (s *Server) resetInvalid(c echo.Context) error {
	return s.linkInvalid(c, "This link does not work",
		"This password reset link does not work: it was used already, it is more than an hour old, or a newer link replaced it.",
		views.ForgotURL, "Ask for a new link")
}

var resetFields = []string{"token", "new_password"}

// resetView shows the new-password form. The page carries the token, so
// it is neither cached nor named in the Referer of a link followed from it.
func (s *Server) resetView(c echo.Context, status int, f views.Form, u store.User) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.render(c, status, views.ResetView(views.ResetPage{Base: s.noindex(c, "Choose a new password"), Form: f,
		Token: f.Get("token"), Email: u.Email}))
}

func (s *Server) resetPage(c echo.Context) error {
	token := c.QueryParam("token")
	u, err := s.db.ResetLinkUser(c.Request().Context(), token)
	if errors.Is(err, store.ErrLinkInvalid) {
		return s.resetInvalid(c)
	}
	if err != nil {
		return err
	}
	f := views.NewForm(resetFields...)
	f.Set("token", token)
	return s.resetView(c, http.StatusOK, f, u)
}

// reset sets the new password of a reset link. Everything else the
// account had ends with the old password: sessions and API tokens; the
// sign-in throttle is cleared. The owner then signs in with the new
// password, which keeps any second factor in force.
func (s *Server) reset(c echo.Context) error {
	f, err := formOf(c, resetFields...)
	if err != nil {
		return err
	}
	ctx := actorCtx(c)
	u, err := s.db.ResetLinkUser(ctx, f.Get("token"))
	if errors.Is(err, store.ErrLinkInvalid) {
		return s.resetInvalid(c)
	}
	if err != nil {
		return err
	}
	if f.Get("new_password") == "" {
		f.Errors["new_password"] = "Enter a new password"
	} else if msg := store.CheckPassword(f.Get("new_password"), u.Email, u.Name); msg != "" {
		f.Errors["new_password"] = msg
	}
	if f.Invalid() {
		return s.resetView(c, unprocessable, f, u)
	}
	hash, err := s.hashPassword(c, f.Get("new_password"))
	if err != nil {
		return err
	}
	ctx = store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email, IP: c.RealIP()})
	if _, err := s.db.ResetPassword(ctx, f.Get("token"), hash); errors.Is(err, store.ErrLinkInvalid) {
		return s.resetInvalid(c)
	} else if err != nil {
		return err
	}
	// Whatever session this browser had was ended with the others, if it
	// was the account's; any other one is ended too, so that the next
	// sign-in starts clean.
	if sid, _ := c.Get(ctxSession).(string); sid != "" {
		if err := s.db.DeleteSession(ctx, sid); err != nil {
			return err
		}
	}
	s.clearCookie(c, s.cookieName(c, sessionCookie))
	return s.redirectFlash(c, views.LoginURL(""), "password-reset")
}
