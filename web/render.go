package web

import (
	"fmt"

	"github.com/a-h/templ"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// render writes a component into a buffer first, so that a failed render
// becomes a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, cmp templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := cmp.Render(c.Request().Context(), buf); err != nil {
		return fmt.Errorf("render %s: %w", c.Path(), err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// base is the chrome of a page for this request.
func (s *Server) base(c echo.Context, title string) views.Base {
	b := views.Base{Title: title, Path: c.Request().URL.Path, Query: c.QueryParam("q"), CSRF: csrfToken(c),
		Static: isStaticExport(c.Request().Context())}
	if u := userFrom(c); u != nil {
		b.User = &views.User{Name: u.DisplayName(), Role: u.Role}
	}
	b.Flash = s.takeFlash(c)
	return b
}
