package web

import "github.com/labstack/echo/v4"

func (s *Server) outcomes(c echo.Context) error                              { return echo.ErrNotFound }
func (s *Server) outcomePage(c echo.Context, slug string, edition int) error { return echo.ErrNotFound }
func (s *Server) publishDocument(c echo.Context) error                       { return echo.ErrNotFound }
func (s *Server) apiPublish(c echo.Context) error                            { return echo.ErrNotFound }
func (s *Server) apiOutcomes(c echo.Context) error                           { return echo.ErrNotFound }
func (s *Server) apiOutcome(c echo.Context) error                            { return echo.ErrNotFound }
