package web

import (
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// Outcome formats: the page itself, and its downloads.
const (
	formatPage     = ""
	formatMarkdown = "md"
	formatHTML     = "html"
	formatPDF      = "pdf"
)

// outcomeRoutes registers the published outcomes: the list and its feed,
// each outcome's current edition and every edition by number, each as a
// page and as downloads (.md, .html, .pdf), publishing, and the JSON API.
// echo's :slug takes "x.pdf" whole, so the two outcome routes split the
// format off the last segment themselves.
func (s *Server) outcomeRoutes(e *echo.Echo, api *echo.Group, editor echo.MiddlewareFunc) {
	e.GET("/outcomes", s.outcomes)
	e.GET("/outcomes.atom", s.outcomesFeed)
	e.GET("/outcomes/:slug", func(c echo.Context) error {
		slug, format, ok := splitFormat(c.Param("slug"))
		if !ok || !store.ValidSlug(slug) {
			return echo.ErrNotFound
		}
		return s.outcome(c, slug, 0, format)
	})
	e.GET("/outcomes/:slug/editions/:n", func(c echo.Context) error {
		n, format, ok := splitFormat(c.Param("n"))
		number, valid := store.VersionNumber(n)
		// One address per edition: "01" or "+1" is not another page (nor
		// another entry of the edition cache).
		if !ok || !valid || strconv.Itoa(number) != n || !store.ValidSlug(c.Param("slug")) {
			return echo.ErrNotFound
		}
		return s.outcome(c, c.Param("slug"), number, format)
	})
	e.POST("/documents/:slug/publish", s.publishDocument, editor)
	api.POST("/documents/:slug/publish", s.apiPublish, editor)
	api.GET("/outcomes", s.apiOutcomes)
	api.GET("/outcomes/:slug", s.apiOutcome)
}

// splitFormat splits "name.pdf" into "name" and "pdf"; a name without a
// known extension is the page. ok is false for an unknown extension.
func splitFormat(seg string) (name, format string, ok bool) {
	i := strings.LastIndexByte(seg, '.')
	if i < 0 {
		return seg, formatPage, true
	}
	switch f := seg[i+1:]; f {
	case formatMarkdown, formatHTML, formatPDF:
		return seg[:i], f, true
	}
	return "", "", false
}

// outcome answers an edition (0: the current one) of a published
// document in one format.
func (s *Server) outcome(c echo.Context, slug string, edition int, format string) error {
	if format == formatPage {
		return s.outcomePage(c, slug, edition)
	}
	return s.outcomeDownload(c, slug, edition, format)
}
