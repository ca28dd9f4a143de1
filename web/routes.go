package web

import (
	"net/http"

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
	e.GET("/coverage", s.coverage)
	e.GET("/map", s.worldMap)
	e.GET("/search", s.searchPage)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metrics.handler())
	e.GET("/robots.txt", s.robots)
	e.GET("/sitemap.xml", s.sitemap)
	e.GET("/policies.atom", s.policiesAtom)

	st := e.Group("/static", cacheStatic)
	st.StaticFS("/", static.FS)

	api := e.Group("/api/v1")
	api.GET("/policies", s.apiPolicies)
	api.GET("/policies/:slug", s.apiPolicy)
	api.GET("/frameworks", s.apiFrameworks)
	api.GET("/frameworks/:slug", s.apiFramework)
	api.GET("/frameworks/:slug/mappings", s.apiMappings)
	api.GET("/coverage", s.apiCoverage)
	api.GET("/jurisdictions", s.apiJurisdictions)

	// Documents (drafting): recommendation documents, their versions and
	// redlines. Drafts are for members; handlers answer 404 to others.
	editor := requireRole("editor")
	e.GET("/documents", s.documents)
	e.GET("/documents/new", s.newDocument, editor)
	e.POST("/documents/new", s.createDocument, editor)
	e.GET("/documents/:slug", s.document)
	e.GET("/documents/:slug/edit", s.editDocument, editor)
	e.POST("/documents/:slug/edit", s.reviseDocument, editor)
	e.POST("/documents/:slug/status", s.documentStatus, editor)
	e.GET("/documents/:slug/versions/:n", s.documentVersion)
	e.GET("/documents/:slug/diff", s.documentDiff)
	api.GET("/documents", s.apiDocuments)
	api.POST("/documents", s.apiCreateDocument, editor)
	api.GET("/documents/:slug", s.apiDocument)
	api.POST("/documents/:slug/versions", s.apiReviseDocument, editor)
	api.GET("/documents/:slug/versions/:n", s.apiDocumentVersion)

	api.GET("/search", s.apiSearch)
	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// cacheStatic lets browsers keep the embedded assets for a day.
func cacheStatic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		return next(c)
	}
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.db.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "not answering"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
