package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/dc-isss/accord/static"
	"github.com/labstack/echo/v4"
)

func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/policies", s.policies)
	e.GET("/policies/:slug", s.policy)
	e.GET("/jurisdictions/:code", s.jurisdiction)
	e.GET("/frameworks/:slug", s.framework)
	e.GET("/frameworks/:slug/items/:code", s.item)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metrics.handler())
	e.GET("/robots.txt", s.robots)
	e.GET("/sitemap.xml", s.sitemap)

	e.GET("/static/*", staticFiles(static.FS))

	api := e.Group("/api/v1")
	api.GET("/policies", s.apiPolicies)
	api.GET("/policies/:slug", s.apiPolicy)
	api.GET("/frameworks", s.apiFrameworks)
	api.GET("/frameworks/:slug", s.apiFramework)
	api.GET("/jurisdictions", s.apiJurisdictions)
	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// staticFiles serves the files of fsys, which browsers may keep for a day,
// and answers 404 for anything else, folders included: echo's own handler
// redirects a folder to its name with a trailing slash, which the
// trailing-slash rule redirects back, a loop.
func staticFiles(fsys fs.FS) echo.HandlerFunc {
	serve := echo.StaticDirectoryHandler(fsys, false)
	return func(c echo.Context) error {
		name, err := url.PathUnescape(c.Param("*"))
		if err != nil {
			return echo.ErrNotFound
		}
		// fs.ValidPath refuses dot and empty segments, so nothing climbs.
		name = strings.TrimPrefix(name, "/")
		if !fs.ValidPath(name) {
			return echo.ErrNotFound
		}
		if fi, err := fs.Stat(fsys, name); err != nil || fi.IsDir() {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		return serve(c)
	}
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.db.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "not answering"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
