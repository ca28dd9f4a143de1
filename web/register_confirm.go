package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// registerByMail answers a registration while this site can send mail:
// nothing is created until the address is confirmed, and the answer is
// the same whether or not the address has an account. A new address gets
// a confirmation link; a known one gets a notice to its owner. No
// password is asked here: the account's password is chosen on the page
// the link opens, by whoever proved they read the address's mail, so that
// registering someone else's address gives no hold on their account.
func (s *Server) registerByMail(c echo.Context, f views.Form, u store.User) error {
	ctx := actorCtx(c)
	wait, err := s.db.ReserveAttempt(ctx, store.RegisterMailKeys(u.Email))
	if err != nil {
		return err
	}
	if wait > 0 {
		f.Errors["email"] = fmt.Sprintf("Many registrations were made with this address today. Wait %s and try again.", retryAfter(c, wait))
		return s.showRegister(c, http.StatusTooManyRequests, f)
	}
	reg := store.Registration{User: u, Next: registerNext(c)}
	_, err = s.db.RequestRegistration(ctx, reg, func(token string) store.Message {
		return store.Message{Kind: "register-confirm", Subject: "Confirm your registration with Accord",
			Body: fmt.Sprintf(`Someone, probably you, registered with Accord using this address (%s).

To confirm it and create the account, open this link within 24 hours:

%s

The link works once. If it was not you, ignore this message: no account is created.
`, u.Email, s.siteURL(views.ConfirmRegistrationURL(token)))}
	}, func(existing store.User) store.Message {
		return store.Message{Kind: "register-existing", Subject: "Someone tried to register with your address",
			Body: fmt.Sprintf(`Someone tried to register with Accord using your address (%s), which already has an account.

If it was you, sign in instead:

%s

If you have forgotten your password, choose a new one here:

%s

If it was not you, ignore this message: nothing was changed.
`, existing.Email, s.siteURL(views.LoginURL("")), s.siteURL(views.ForgotURL))}
	})
	if setErrors(f, err, nil) {
		return s.showRegister(c, unprocessable, f)
	}
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.RegisterSentView(views.RegisterSentPage{Base: s.noindex(c, "Check your email"), Email: u.Email}))
}

func (s *Server) confirmInvalid(c echo.Context) error {
	return s.linkInvalid(c, "This link does not work",
		"This confirmation link does not work: it was used already, it is more than 24 hours old, or a newer registration replaced it.",
		views.RegisterURL(""), "Register again")
}

var confirmFields = []string{"token", "password"}

// confirmView shows the form that chooses the password and creates the
// account. The page carries the token, so it is neither cached nor named
// in the Referer of a link followed from it.
func (s *Server) confirmView(c echo.Context, status int, f views.Form, r store.Registration) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.render(c, status, views.ConfirmRegistrationView(views.ConfirmRegistrationPage{
		Base: s.noindex(c, "Confirm your registration"), Form: f, Token: f.Get("token"), Email: r.User.Email}))
}

// confirmRegistrationPage shows the form that creates the account; the
// GET itself changes nothing.
func (s *Server) confirmRegistrationPage(c echo.Context) error {
	token := c.QueryParam("token")
	r, err := s.db.PendingRegistration(c.Request().Context(), token)
	if errors.Is(err, store.ErrLinkInvalid) {
		return s.confirmInvalid(c)
	}
	if err != nil {
		return err
	}
	f := views.NewForm(confirmFields...)
	f.Set("token", token)
	return s.confirmView(c, http.StatusOK, f, r)
}

// confirmRegistration creates the account a confirmation link holds, with
// the password chosen here, and signs its owner in.
func (s *Server) confirmRegistration(c echo.Context) error {
	f, err := formOf(c, confirmFields...)
	if err != nil {
		return err
	}
	r, err := s.db.PendingRegistration(c.Request().Context(), f.Get("token"))
	if errors.Is(err, store.ErrLinkInvalid) {
		return s.confirmInvalid(c)
	}
	if err != nil {
		return err
	}
	if f.Get("password") == "" {
		f.Errors["password"] = "Choose a password"
	} else if msg := store.CheckPassword(f.Get("password"), r.User.Email, r.User.Name); msg != "" {
		f.Errors["password"] = msg
	}
	if f.Invalid() {
		return s.confirmView(c, unprocessable, f, r)
	}
	hash, err := s.hashPassword(c, f.Get("password"))
	if err != nil {
		return err
	}
	u, next, err := s.db.ConfirmRegistration(actorCtx(c), f.Get("token"), hash)
	if errors.Is(err, store.ErrLinkInvalid) {
		return s.confirmInvalid(c)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if next = safeNext(next); next == "/" || next == "" {
		next = "/account"
	}
	return s.redirectFlash(c, next, "registered")
}
