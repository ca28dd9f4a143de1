package web

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiResources name what each /api/v1 route looks up, for its 404: the
// message speaks of the resource ("No policy with slug x"), never of a
// page. Each message is true whichever of the route's parameters named
// nothing. Routes not listed fall back to the address itself.
var apiResources = map[string]func(p func(string) string) string{
	"/api/v1/policies/:slug":            slugOf("policy"),
	"/api/v1/frameworks/:slug":          slugOf("framework"),
	"/api/v1/frameworks/:slug/mappings": slugOf("framework"),
	"/api/v1/mappings/:id":              idOf("mapping"),
	"/api/v1/documents/:slug":           slugOf("document"),
	"/api/v1/documents/:slug/versions":  slugOf("document"),
	"/api/v1/documents/:slug/publish":   slugOf("document"),
	"/api/v1/documents/:slug/versions/:n": func(p func(string) string) string {
		return fmt.Sprintf("No version %s of a document with slug %q.", p("n"), p("slug"))
	},
	"/api/v1/consultations/:slug":          slugOf("consultation"),
	"/api/v1/consultations/:slug/comments": slugOf("consultation"),
	"/api/v1/consultations/:slug/heat":     slugOf("consultation"),
	"/api/v1/consultations/:slug/stats":    slugOf("consultation"),
	"/api/v1/comments/:id":                 idOf("comment"),
	"/api/v1/comments/:id/withdraw":        idOf("comment of yours"),
	"/api/v1/comments/:id/moderation":      idOf("comment"),
	"/api/v1/comments/:id/flags":           idOf("comment"),
	"/api/v1/comments/:id/disposition":     idOf("comment"),
	"/api/v1/comments/:id/dispositions":    idOf("comment"),
	"/api/v1/comments/:id/replies":         idOf("comment"),
	"/api/v1/comments/:id/group": func(p func(string) string) string {
		return fmt.Sprintf("No comment with id %s in a campaign group.", p("id"))
	},
	"/api/v1/comment-groups/:id":             idOf("comment group"),
	"/api/v1/comment-groups/:id/moderation":  idOf("comment group"),
	"/api/v1/comment-groups/:id/disposition": idOf("comment group"),
	"/api/v1/outcomes/:slug":                 slugOf("published document"),
}

func slugOf(kind string) func(func(string) string) string {
	return func(p func(string) string) string { return fmt.Sprintf("No %s with slug %q.", kind, p("slug")) }
}

func idOf(kind string) func(func(string) string) string {
	return func(p func(string) string) string { return fmt.Sprintf("No %s with id %s.", kind, p("id")) }
}

// apiNotFoundMessage is the message of a 404 under /api/: what the route
// looked for and did not find.
func apiNotFoundMessage(c echo.Context) string {
	if name, ok := apiResources[c.Path()]; ok {
		return name(c.Param)
	}
	if strings.HasPrefix(c.Path(), "/api/v1/") && c.Path() != "/api/v1/*" {
		return "Nothing at " + c.Request().URL.Path + "."
	}
	return "No endpoint at " + c.Request().Method + " " + c.Request().URL.Path + "; GET /api/v1 lists them."
}
