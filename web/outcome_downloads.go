package web

import "github.com/labstack/echo/v4"

func (s *Server) outcomeDownload(c echo.Context, slug string, edition int, format string) error {
	return echo.ErrNotFound
}
func (s *Server) outcomesFeed(c echo.Context) error { return echo.ErrNotFound }
