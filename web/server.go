// Package web is Accord's HTTP server: routes, handlers by area, middleware,
// forms and validation. Pages are complete HTML from the server; the JSON
// API lives under /api/v1.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/mail"
	"github.com/dc-isss/accord/web/mapdata"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Deps are what the server needs from the rest of the program.
type Deps struct {
	Store    *store.DB
	Markdown *content.Markdown
	Log      *slog.Logger
	// Search answers /search and /api/v1/search; nil leaves search off.
	Search Searcher
	// Framework is the slug of the framework the pages lead with.
	Framework string
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// TrustedProxies are the address ranges of reverse proxies in front of
	// the server. Only from them are X-Real-IP (the client's address) and
	// X-Forwarded-Proto (https) believed; with none, the connection's own
	// address and TLS state are all that count.
	TrustedProxies []*net.IPNet
	// BaseURL is the public address of the site, such as
	// "https://accord.example.org" (no trailing slash): every absolute URL
	// (feeds, sitemap, mail links) starts with it. Empty, pages use the
	// address the request came to.
	BaseURL string
	// Mail sends the outbox's messages; nil when no SMTP server is
	// configured, and messages then stay in the outbox for admins to read.
	Mail *mail.Sender
	// UploadLimit bounds an import upload's request body in bytes; 0 is
	// DefaultUploadLimit.
	UploadLimit int64
	// Comments are the limits on commenting; the zero value turns every
	// limit off (tests); accord serve sets the defaults.
	Comments CommentLimits
	// MetricsAllow are the address ranges, besides loopback, that may read
	// /metrics on the main listener; everyone else gets a 404, as if the
	// route did not exist. The address is the client's (X-Real-IP from a
	// trusted proxy), so a proxy on the same machine does not open it.
	MetricsAllow []*net.IPNet
	// MetricsElsewhere takes /metrics off the main listener: the metrics
	// are then served only by MetricsHandler, on a listener of its own.
	MetricsElsewhere bool
	// RequireMFA keeps editors and admins without a second factor to
	// enrolling (--require-mfa; see mfa.go).
	RequireMFA bool
	// ContactEmail is the operator's address shown on /contact and
	// /privacy (--contact-email); "" shows "not set".
	ContactEmail string
	// PrivacyFile is the operator's part of the privacy notice, Markdown
	// read at each request so that an edit shows without a restart; ""
	// or a missing file shows "not set".
	PrivacyFile string
}

// CommentLimits bound commenting without puzzles.
type CommentLimits struct {
	// PerAccount and PerIP are comments per hour; 0 turns either off.
	PerAccount int
	PerIP      int
	// MinFormTime is the least time between showing a comment form and
	// its submission; a faster one is taken for a machine. HTML forms only.
	MinFormTime time.Duration
}

// Server holds the handlers' dependencies.
type Server struct {
	db        *store.DB
	md        *content.Markdown
	log       *slog.Logger
	fwSlug    string
	now       func() time.Time
	metrics   *metrics
	search    Searcher
	pages     pageCache
	editions  editionCache
	hashSlots chan struct{}
	// renderSlots bounds the downloads of editions made at once (a PDF
	// takes a CPU for a while).
	renderSlots chan struct{}
	proxies     []*net.IPNet
	labelCache  labelCache
	// outcomeFiles keeps the generated downloads of editions.
	outcomeFiles outcomeFiles
	comments     CommentLimits
	// world is the map /map draws; worldErr, if the embedded map does not
	// parse, is what /map answers instead.
	world    mapdata.World
	worldErr error
	baseURL  string
	// metricsAllow are the ranges besides loopback that may read /metrics.
	metricsAllow []*net.IPNet
	mail         *mail.Sender
	keys         secrets
	echo         *echo.Echo
	// requireMFA is Deps.RequireMFA.
	requireMFA bool
	// uploadLimit bounds an import upload's body (Deps.UploadLimit).
	uploadLimit int64
	// contactEmail and privacyFile are the operator's settings
	// (Deps.ContactEmail, Deps.PrivacyFile).
	contactEmail string
	privacyFile  string
	// newTokens carries a created API token across the redirect to the
	// account page that shows it once.
	newTokens *newTokens
	// apiDoc is the OpenAPI document of /api/v1 (api_index.go); apiDocErr
	// says why it could not be read, which only a broken build can cause.
	apiDoc    apiDescription
	apiDocErr error
}

// New builds the echo router with every route and middleware.
func New(d Deps) *echo.Echo { return NewServer(d).echo }

// NewServer builds the server: its router, and the scheduled work that
// Run does beside it.
func NewServer(d Deps) *Server {
	if d.Framework == "" {
		d.Framework = "dc-isss-iot"
	}
	if d.Now == nil {
		d.Now = func() time.Time { return time.Now().UTC() }
	}
	if d.Markdown == nil {
		d.Markdown = content.NewMarkdown()
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{newTokens: newNewTokens(), db: d.Store, md: d.Markdown, log: d.Log, fwSlug: d.Framework, now: d.Now,
		metrics: newMetrics(prometheus.NewRegistry()), search: d.Search,
		hashSlots: make(chan struct{}, runtime.NumCPU()), renderSlots: make(chan struct{}, runtime.NumCPU()), proxies: d.TrustedProxies, comments: d.Comments,
		baseURL: strings.TrimSuffix(d.BaseURL, "/"), mail: d.Mail, metricsAllow: d.MetricsAllow, requireMFA: d.RequireMFA,
		uploadLimit: d.UploadLimit, contactEmail: d.ContactEmail, privacyFile: d.PrivacyFile}
	if s.uploadLimit <= 0 {
		s.uploadLimit = DefaultUploadLimit
	}
	s.world, s.worldErr = mapdata.Load()
	s.apiDoc, s.apiDocErr = loadAPIDescription()
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	// A client's own X-Real-IP or X-Forwarded-For is never believed (it
	// would dodge the sign-in throttle, or pass as loopback for /setup);
	// only a configured proxy's is.
	// Likewise the scheme: echo's default believes X-Forwarded-Proto from
	// any loopback or private address, not just the configured proxies.
	e.IPExtractor = echo.ExtractIPDirect()
	e.SchemeExtractor = echo.ExtractSchemeDirect()
	if len(d.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range d.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromRealIPHeader(opts...)
		e.SchemeExtractor = echo.ExtractSchemeFromHeaders(opts...)
	}
	s.middleware(e)
	s.routes(e)
	if !d.MetricsElsewhere {
		e.GET("/metrics", s.metrics.handler(), s.metricsGuard)
	}
	s.echo = e
	// The signing keys are read (or made) now: messages are composed
	// inside store transactions, where making a key, a write of its own,
	// would wait for the one writer connection held by that transaction.
	for _, name := range []string{unsubscribeKeyName, formTimeKeyName} {
		if _, err := s.secret(context.Background(), name); err != nil {
			s.log.Error("read a signing key", "name", name, "err", err)
		}
	}
	return s
}

// Handler is the server's router, for an http.Server.
func (s *Server) Handler() http.Handler { return s.echo }

// MetricsHandler serves the Prometheus metrics to anyone who reaches it:
// for a listener of its own (--metrics-addr), whose address is the
// operator's choice of who may.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

// viaTLS reports whether the client reached us over TLS: directly, or
// through a trusted proxy that says so.
func (s *Server) viaTLS(c echo.Context) bool {
	if c.IsTLS() {
		return true
	}
	return c.Request().Header.Get("X-Forwarded-Proto") == "https" && s.fromTrustedProxy(c)
}

// fromTrustedProxy reports whether the connection's peer is one of the
// trusted reverse proxies, whose forwarded headers are believed.
func (s *Server) fromTrustedProxy(c echo.Context) bool {
	if len(s.proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return false
	}
	peer := net.ParseIP(host)
	for _, n := range s.proxies {
		if n.Contains(peer) {
			return true
		}
	}
	return false
}
