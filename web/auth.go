package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// Cookie names.
const (
	sessionCookie = "accord_session"
	csrfCookie    = "accord_csrf"
)

// context keys for what the middleware learns about a request.
const (
	ctxUser    = "accord.user"
	ctxCSRF    = "accord.csrf"
	ctxSession = "accord.session"
	ctxBearer  = "accord.bearer"
)

// userFrom returns the signed-in user, or nil for an anonymous reader.
func userFrom(c echo.Context) *store.User {
	u, _ := c.Get(ctxUser).(*store.User)
	return u
}

// csrfToken is the token forms must send back in the _csrf field.
func csrfToken(c echo.Context) string {
	if issue, ok := c.Get(ctxCSRF).(func() string); ok {
		return issue()
	}
	return ""
}

// authenticate finds who is asking: a Bearer API token (for the JSON API)
// or a session cookie. A bad token is a 401 at once; a stale cookie only
// makes the reader anonymous.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		// Only the API reads Authorization: a proxy's own Basic credentials
		// passed on to pages must not turn every page into a 401.
		if h := c.Request().Header.Get("Authorization"); h != "" && isAPI(c) {
			scheme, secret, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
				return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "Use Authorization: Bearer <token>."}
			}
			u, err := s.db.TokenUser(ctx, strings.TrimSpace(secret))
			if errors.Is(err, store.ErrNotFound) {
				return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "The API token is not valid or was revoked."}
			}
			if err != nil {
				return err
			}
			c.Set(ctxUser, &u)
			c.Set(ctxBearer, true)
			return next(c)
		}
		if v := s.cookieValue(c, sessionCookie); v != "" {
			sess, err := s.db.SessionUser(ctx, v)
			switch {
			case err == nil:
				c.Set(ctxUser, &sess.User)
				c.Set(ctxSession, v)
			case errors.Is(err, store.ErrNotFound):
				s.clearCookie(c, s.cookieName(c, sessionCookie))
			default:
				return err
			}
		}
		return next(c)
	}
}

// csrf protects every state-changing request made with cookies: the form
// field _csrf (or the X-CSRF-Token header) must carry a token bound to the
// sender. The token is an HMAC, under a key kept in the database, of the
// session id, or for a visitor not signed in of a random pre-session id
// kept in the CSRF cookie; a value planted in a cookie is worth nothing
// without the key, and one session's token does not pass for another.
// Each page gets the token masked afresh (see maskToken), so compression
// cannot reveal it next to reflected text (BREACH). Requests with a Bearer
// token carry no ambient credentials and need no token. Unlike echo's own
// middleware, this one never waives the check on Sec-Fetch-Site alone, so
// a forged POST is always a 403.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if bearer, _ := c.Get(ctxBearer).(bool); bearer || noCookies(c) {
			return next(c)
		}
		// A signed unsubscribe link carries its own credential, valid for
		// that one subscription; a forger gains nothing, and mail clients'
		// one-click POST (RFC 8058) has no cookie to send.
		if c.Request().Method == http.MethodPost && c.Request().URL.Path == "/unsubscribe" {
			return next(c)
		}
		// An API call with neither token nor session carries no credentials
		// a forger could borrow; let it reach the role check, which answers
		// 401 and says how to authenticate.
		if isAPI(c) && userFrom(c) == nil {
			return next(c)
		}
		binding := ""
		if sid, _ := c.Get(ctxSession).(string); sid != "" {
			binding = "session:" + sid
		} else if v := s.cookieValue(c, csrfCookie); len(v) == 43 {
			binding = "visitor:" + v
		}
		// A pre-session id is issued only when a page asks for a token (to
		// put in a form), so that a page served from the cache costs no
		// random bytes and carries no Set-Cookie.
		c.Set(ctxCSRF, func() string {
			if binding == "" {
				id, err := newToken()
				if err != nil {
					// crypto/rand does not fail on supported systems; a form
					// without a token is refused on submit, nothing worse.
					return ""
				}
				binding = "visitor:" + id
				s.setCookie(c, s.cookieName(c, csrfCookie), id, 0)
			}
			t, err := s.csrfTokenFor(c.Request().Context(), binding)
			if err != nil {
				s.log.Error("issue CSRF token", "err", err)
				return ""
			}
			return t
		})
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		// Without a session or a CSRF cookie no token can be valid: refuse
		// before reading the body, which may be megabytes of nothing.
		if binding == "" {
			return csrfRefused()
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("_csrf")
		}
		ok, err := s.checkCSRF(c.Request().Context(), binding, sent)
		if err != nil {
			return err
		}
		if !ok {
			return csrfRefused()
		}
		return next(c)
	}
}

func csrfRefused() *Error {
	return &Error{Status: http.StatusForbidden, Code: "csrf",
		Message: "This form has expired or did not come from Accord. Go back, reload the page and try again; nothing was saved."}
}

// csrfMAC is the unmasked CSRF token of a binding ("session:<id>" or
// "visitor:<id>") under key.
func csrfMAC(key []byte, binding string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("csrf\x00" + binding))
	return m.Sum(nil)
}

// maskToken returns a fresh random mask followed by the token XORed with
// it, base64url: the same token looks different in every answer, so a
// compression side channel (BREACH) has no fixed secret to guess at.
func maskToken(raw []byte) (string, error) {
	buf := make([]byte, 2*len(raw))
	if _, err := rand.Read(buf[:len(raw)]); err != nil {
		return "", fmt.Errorf("mask CSRF token: %w", err)
	}
	for i, b := range raw {
		buf[len(raw)+i] = buf[i] ^ b
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// unmaskToken undoes maskToken; nil when sent is not a masked token.
func unmaskToken(sent string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(sent)
	if err != nil || len(b) != 2*sha256.Size {
		return nil
	}
	out := make([]byte, sha256.Size)
	for i := range out {
		out[i] = b[i] ^ b[sha256.Size+i]
	}
	return out
}

// csrfTokenFor is a freshly masked token for binding.
func (s *Server) csrfTokenFor(ctx context.Context, binding string) (string, error) {
	key, err := s.secret(ctx, csrfKeyName)
	if err != nil {
		return "", fmt.Errorf("CSRF key: %w", err)
	}
	return maskToken(csrfMAC(key, binding))
}

// checkCSRF reports whether sent is a masked token for binding.
func (s *Server) checkCSRF(ctx context.Context, binding, sent string) (bool, error) {
	raw := unmaskToken(sent)
	if raw == nil {
		return false, nil
	}
	key, err := s.secret(ctx, csrfKeyName)
	if err != nil {
		return false, fmt.Errorf("CSRF key: %w", err)
	}
	return hmac.Equal(raw, csrfMAC(key, binding)), nil
}

// cookieName is the name a credential cookie has on this request: over
// TLS the __Host- prefix makes browsers refuse it unless it is Secure,
// for the whole site and set by this host, so a sibling subdomain or a
// plain-HTTP answer cannot plant or overwrite it.
func (s *Server) cookieName(c echo.Context, name string) string {
	if s.viaTLS(c) {
		return "__Host-" + name
	}
	return name
}

// cookieValue is the value of the credential cookie called name (see
// cookieName), or "".
func (s *Server) cookieValue(c echo.Context, name string) string {
	if ck, err := c.Cookie(s.cookieName(c, name)); err == nil {
		return ck.Value
	}
	return ""
}

// hasSessionCookie reports whether a request carries a session cookie by
// either name, for the caches that serve only anonymous readers.
func hasSessionCookie(req *http.Request) bool {
	for _, name := range []string{sessionCookie, "__Host-" + sessionCookie} {
		if ck, err := req.Cookie(name); err == nil && ck.Value != "" {
			return true
		}
	}
	return false
}

// requireRole lets through only users with at least the given role:
// anonymous readers are sent to sign in (or get a 401 from the API), the
// signed-in without the role get a 403.
func requireRole(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := userFrom(c)
			if u == nil {
				if isAPI(c) || c.Request().Method != http.MethodGet {
					return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "Sign in, or send an API token, to do this."}
				}
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if !u.HasRole(role) {
				return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "Your account does not have permission to do this."}
			}
			return next(c)
		}
	}
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.viaTLS(c), MaxAge: maxAge})
}

func (s *Server) clearCookie(c echo.Context, name string) {
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.viaTLS(c), MaxAge: -1})
}

// newToken returns 32 random bytes as 43 base64url characters.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// noCookies reports whether a request is one that never needs a CSRF
// cookie: assets, probes, and safe API reads. Keeping Set-Cookie off them
// keeps them cacheable.
func noCookies(c echo.Context) bool {
	p := c.Request().URL.Path
	safe := c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead
	return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/metrics" || p == "/robots.txt" ||
		p == "/sitemap.xml" || p == "/policies.atom" || (safe && isAPI(c))
}

// hashing runs a password hash or check once a slot is free. Each argon2id
// run holds 19 MiB for tens of milliseconds; without a bound, a burst of
// sign-in attempts would take memory without limit. A request that waits
// too long gets a 503 and can try again.
func (s *Server) hashing(c echo.Context, fn func() error) error {
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
	case <-c.Request().Context().Done():
		return c.Request().Context().Err()
	case <-t.C:
		c.Response().Header().Set("Retry-After", "5")
		return &Error{Status: http.StatusServiceUnavailable, Code: "busy", Message: "The server is busy signing people in. Try again in a few seconds."}
	}
	defer func() { <-s.hashSlots }()
	return fn()
}
