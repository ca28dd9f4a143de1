package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// apiMappings exports every mapping to one framework's items: as JSON
// (the default), as CSV, or as an OSCAL 1.2 mapping-collection.
func (s *Server) apiMappings(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" && format != "oscal" {
		return badRequest("format", "format must be json, csv or oscal")
	}
	set, err := s.db.FrameworkMappings(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "There is no framework " + c.Param("slug") + ".", Err: err}
	}
	if err != nil {
		return err
	}
	slug := set.Framework.Slug
	h := c.Response().Header()
	switch format {
	case "csv":
		var buf bytes.Buffer
		if err := content.WriteMappingsCSV(&buf, set); err != nil {
			return err
		}
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-mappings.csv"`, slug))
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	case "oscal":
		if len(set.Mappings) == 0 {
			return &Error{Status: http.StatusNotFound, Code: "not_found",
				Message: "Framework " + slug + " has no mappings yet; an OSCAL mapping collection needs at least one."}
		}
		doc, err := content.OSCALMappings(set, s.absURL(c, ""))
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return fmt.Errorf("encode OSCAL mappings of %s: %w", slug, err)
		}
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-mappings.oscal.json"`, slug))
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, append(b, '\n'))
	default:
		return c.JSON(http.StatusOK, struct {
			Framework string          `json:"framework"`
			Items     []store.Mapping `json:"items"`
			Total     int             `json:"total"`
		}{slug, set.Mappings, len(set.Mappings)})
	}
}
