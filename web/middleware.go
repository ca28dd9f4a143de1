package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// csp allows nothing inline and nothing from elsewhere.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Request body limits by kind of route (DECISIONS §7). A body over its
// route's limit is a 413 before anything, the CSRF check included, reads
// it.
const (
	// commentBodyLimit: a comment is at most 10,000 characters of body and
	// as many of proposed text; 64 KB leaves room for both in any script.
	// Replies and dispositions (10,000 characters of rationale) share it.
	commentBodyLimit = 64 << 10
	// formBodyLimit is for every other form: sign-in, registration,
	// account, tokens, admin, flags, status changes.
	formBodyLimit = 16 << 10
	// documentBodyLimit is for editing content: documents (500,000
	// characters of source), policies and provisions (notes of 50,000),
	// consultations, and the JSON API's writes (decodeJSON's 2 MB).
	documentBodyLimit = 2 << 20
	// DefaultUploadLimit bounds an import upload unless accord serve's
	// --upload-limit says otherwise.
	DefaultUploadLimit = 8 << 20
)

// commentRoutes are the routes that post or edit a comment.
var commentRoutes = map[string]bool{
	"/consultations/:slug/paragraphs/:pid":      true,
	"/consultations/:slug/comment":              true,
	"/consultations/:slug/comments/:id/edit":    true,
	"/api/v1/consultations/:slug/comments":      true,
	"/api/v1/comments/:id":                      true,
	"/api/v1/comments/:id/replies":              true,
	"/consultations/:slug/comments/:id/replies": true,
}

// importRoutes take file uploads of the size --upload-limit allows.
var importRoutes = map[string]bool{
	"/policies/import":                              true,
	"/consultations/:slug/resolution/import":        true,
	"/consultations/:slug/resolution/import/:token": true,
}

// bodyLimitFor is the largest body the route may carry.
func bodyLimitFor(route string, upload int64) int64 {
	switch {
	case importRoutes[route]:
		return upload
	case commentRoutes[route],
		strings.HasPrefix(route, "/consultations/:slug/comments/"),
		strings.HasPrefix(route, "/consultations/:slug/groups/"):
		return commentBodyLimit
	case strings.HasPrefix(route, "/api/"),
		strings.HasPrefix(route, "/documents/"),
		strings.HasPrefix(route, "/policies/"),
		route == "/consultations/new", route == "/consultations/:slug/edit":
		return documentBodyLimit
	default:
		return formBodyLimit
	}
}

// bodyLimits bounds request bodies by route (see bodyLimitFor). It runs
// after routing (c.Path is the route) and before the CSRF check reads a
// form.
//
// echo applies e.Use middleware to the route's handler on every request,
// so the limits are parsed into middleware here, once, and only the one
// that applies wraps the handler per request.
func bodyLimits(upload int64) echo.MiddlewareFunc {
	limits := map[int64]echo.MiddlewareFunc{}
	for _, n := range []int64{upload, commentBodyLimit, documentBodyLimit, formBodyLimit} {
		limits[n] = middleware.BodyLimit(strconv.FormatInt(n, 10) + "B")
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			return limits[bodyLimitFor(c.Path(), upload)](next)(c)
		}
	}
}

func (s *Server) middleware(e *echo.Echo) {
	// The request id, the log line, panic recovery and the security
	// headers come before the trailing-slash redirect, which answers
	// without reaching the router: redirects are answers too.
	e.Pre(s.requestID)
	e.Pre(s.logRequests())
	e.Pre(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "err", err, "path", c.Request().URL.Path, "stack", string(stack))
			return err
		},
	}))
	e.Pre(s.securityHeaders)
	e.Pre(headAsGet)
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	// Published editions never change: anonymous readers get them from
	// memory before the work below (see outcome_cache.go).
	e.Pre(s.serveEditions)
	// Only pages and reads are compressed: writes answer a redirect or a
	// small JSON object, and echo's gzip resets its compressor (hundreds of
	// KB cleared) on every request it handles, even those it then sends
	// unpacked; under a flow of comment POSTs that was a tenth of the CPU.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024, Skipper: func(c echo.Context) bool {
		m := c.Request().Method
		return m != http.MethodGet && m != http.MethodHead
	}}))
	e.Use(bodyLimits(s.uploadLimit))
	e.Use(s.metrics.middleware)
	e.Use(s.authenticate)
	e.Use(noStore)
	e.Use(s.csrf)
}

// noStore keeps every answer to a signed-in user or an API token request
// out of every cache, the browser's included: such answers carry the
// user's name, drafts, tokens or admin data, and a shared or back-button
// copy would show them to the next person at the machine. It overrides
// whatever a handler chose, just before the header is sent. /static/ is
// never authenticated, so its caching stays.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if bearer, _ := c.Get(ctxBearer).(bool); bearer || userFrom(c) != nil {
			res := c.Response()
			res.Before(func() { res.Header().Set("Cache-Control", "no-store") })
		}
		return next(c)
	}
}

// requestID gives every request an id for its log line and answer. A
// client-chosen X-Request-ID is taken only from a trusted proxy (which
// tied it to its own logs), and only when it is a short plain token;
// anyone else could use it to forge or blur log lines.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		rid := req.Header.Get(echo.HeaderXRequestID)
		if rid == "" || !plainRequestID(rid) || !s.fromTrustedProxy(c) {
			b := make([]byte, 16)
			if _, err := rand.Read(b); err != nil {
				return fmt.Errorf("request id: %w", err)
			}
			rid = hex.EncodeToString(b)
		}
		// The logger reads the request's header: it must see this id.
		req.Header.Set(echo.HeaderXRequestID, rid)
		c.Response().Header().Set(echo.HeaderXRequestID, rid)
		return next(c)
	}
}

// plainRequestID reports whether a forwarded request id is at most 128
// letters, digits, '-', '_', '.' or ':'.
func plainRequestID(id string) bool {
	if len(id) > 128 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// securityHeaders sets the headers every answer carries.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.viaTLS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// logRequests writes one structured line per request. It never logs query
// strings of sign-in forms, cookies or authorisation headers.
func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, LogRequestID: true,
		LogRemoteIP: true, LogResponseSize: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			switch {
			case v.Status == StatusClientClosedRequest:
				// A client that hung up is routine (a closed tab, a
				// load tester's timeout), not an error of ours.
				level = slog.LevelDebug
			case v.Status >= 500:
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("duration", v.Latency), slog.String("request_id", v.RequestID),
				slog.String("ip", v.RemoteIP), slog.Int64("bytes", v.ResponseSize),
			}
			if v.Error != nil && v.Status >= 500 {
				attrs = append(attrs, slog.String("err", v.Error.Error()))
			}
			s.log.LogAttrs(context.Background(), level, "request", attrs...)
			return nil
		},
	})
}

// isAPI reports whether the request is for the JSON API.
func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	// Only what is under /api/: /api itself is the page for people.
	return strings.HasPrefix(p, "/api/")
}

// headAsGet answers HEAD as GET without the body: echo routes HEAD to
// nothing by itself, and monitors and link checkers use it.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodHead {
			return next(c)
		}
		c.Request().Method = http.MethodGet
		c.Response().Writer = bodyless{c.Response().Writer}
		return next(c)
	}
}

// bodyless sends the status and headers of an answer but not its body.
type bodyless struct{ http.ResponseWriter }

func (bodyless) Write(b []byte) (int, error) { return len(b), nil }
