package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

var accountDeleteFields = []string{"password", "keep_comments"}

func (s *Server) accountDeletePage(c echo.Context) error {
	p := views.AccountDeletePage{Base: s.base(c, "Delete your account"), Form: views.NewForm(accountDeleteFields...)}
	p.NoIndex = true
	return s.render(c, http.StatusOK, views.AccountDelete(p))
}

// deleteAccount deletes the signed-in account once its password is given
// again (checked under the sign-in throttle, so this form is no way to
// guess it), then signs out: the deletion ends every session.
func (s *Server) deleteAccount(c echo.Context) error {
	f, err := formOf(c, accountDeleteFields...)
	if err != nil {
		return err
	}
	u := userFrom(c)
	ctx := actorCtx(c)
	status := unprocessable
	keys := store.LoginKeys(u.Email, c.RealIP())
	var wait time.Duration
	if f.Get("password") != "" {
		if wait, err = s.db.ReserveAttempt(ctx, keys); err != nil {
			return err
		}
	}
	switch {
	case wait > 0:
		f.Errors["password"] = fmt.Sprintf("Too many failed attempts. Wait %s and try again.", retryAfter(c, wait))
		status = http.StatusTooManyRequests
	case f.Get("password") == "":
		f.Errors["password"] = "Enter your password"
	default:
		err := s.hashing(c, func() error {
			_, err := s.db.Authenticate(ctx, u.Email, f.Get("password"))
			return err
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Errors["password"] = "Your password is not correct"
		case err != nil:
			return err
		default:
			if err := s.db.LoginSucceeded(ctx, keys); err != nil {
				return err
			}
		}
	}
	lastAdmin := false
	if !f.Invalid() {
		err := s.db.DeleteAccount(ctx, u.ID, f.Get("keep_comments") == "1")
		switch {
		case errors.Is(err, store.ErrLastAdmin):
			lastAdmin, status = true, http.StatusConflict
		case err != nil:
			return err
		default:
			s.clearCookie(c, s.cookieName(c, sessionCookie))
			return s.redirectFlash(c, "/", "account-deleted")
		}
	}
	// The password is never shown back; the choice is.
	f.Values["password"] = nil
	p := views.AccountDeletePage{Base: s.base(c, "Delete your account"), Form: f, LastAdmin: lastAdmin}
	p.NoIndex = true
	return s.render(c, status, views.AccountDelete(p))
}
