package web

import "github.com/labstack/echo/v4"

// consultationFeed answers /consultations/{slug}.atom: the approved
// comments of one consultation. (Filled in with the feeds.)
func (s *Server) consultationFeed(c echo.Context, slug string) error {
	return echo.ErrNotFound
}
