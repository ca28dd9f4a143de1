// Package web is Accord's HTTP server: routes, handlers by area, middleware,
// forms and validation. Pages are complete HTML from the server; the JSON
// API lives under /api/v1.
package web

import (
	"log/slog"
	"runtime"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/mapdata"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
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
}

// Server holds the handlers' dependencies.
type Server struct {
	db         *store.DB
	md         *content.Markdown
	log        *slog.Logger
	fwSlug     string
	now        func() time.Time
	metrics    *metrics
	search     Searcher
	pages      pageCache
	hashSlots  chan struct{}
	labelCache labelCache
	// world is the map /map draws; worldErr, if the embedded map does not
	// parse, is what /map answers instead.
	world    mapdata.World
	worldErr error
}

// New builds the echo router with every route and middleware.
func New(d Deps) *echo.Echo {
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
	s := &Server{db: d.Store, md: d.Markdown, log: d.Log, fwSlug: d.Framework, now: d.Now,
		metrics: newMetrics(prometheus.NewRegistry()), search: d.Search,
		hashSlots: make(chan struct{}, runtime.NumCPU())}
	s.world, s.worldErr = mapdata.Load()
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	// The server answers on loopback or behind a proxy that sets X-Real-IP;
	// never trust a client's own X-Forwarded-For for rate limits or logs.
	e.IPExtractor = echo.ExtractIPDirect()
	s.middleware(e)
	s.routes(e)
	return e
}
