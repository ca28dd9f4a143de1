package web

import (
	"net/http"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// policyListJSON is the answer of GET /api/v1/policies.
type policyListJSON struct {
	Items   []store.Policy                `json:"items"`
	Total   int                           `json:"total"`
	Page    int                           `json:"page"`
	PerPage int                           `json:"per_page"`
	Facets  map[string][]store.FacetCount `json:"facets"`
}

func (s *Server) apiPolicies(c echo.Context) error {
	f, err := s.parsePolicyFilter(c, 20)
	if err != nil {
		return err
	}
	list, err := s.policyList(c, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, policyListJSON{Items: list.Items, Total: list.Total, Page: list.Page,
		PerPage: list.PerPage, Facets: list.Facets})
}

func (s *Server) apiPolicy(c echo.Context) error {
	p, err := s.db.Policy(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiFrameworks(c echo.Context) error {
	fws, err := s.db.Frameworks(c.Request().Context())
	if err != nil {
		return err
	}
	for i := range fws {
		fws[i].Items = nil
	}
	return c.JSON(http.StatusOK, map[string]any{"items": fws})
}

func (s *Server) apiFramework(c echo.Context) error {
	fw, err := s.db.Framework(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, fw)
}

func (s *Server) apiJurisdictions(c echo.Context) error {
	js, err := s.db.Jurisdictions(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": js})
}
