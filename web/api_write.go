package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// maxJSONBody bounds one JSON request: a policy with hundreds of
// provisions fits well within it.
const maxJSONBody = 2 << 20

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]*)"`)

// decodeJSON reads a request body into v: malformed JSON (invalid UTF-8
// included) is a 400; a well-formed body with an unknown field or a value
// of the wrong type is a 422 naming the field.
func decodeJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fmt.Sprintf("The body is larger than %d MB.", maxJSONBody>>20)}
	}
	if err != nil {
		return badRequest("", "The request body could not be read.")
	}
	if !utf8.Valid(body) {
		return badRequest("", "The body is not valid UTF-8.")
	}
	if !json.Valid(body) {
		// json.Valid does not say where; a decode does.
		var se *json.SyntaxError
		if err := json.Unmarshal(body, new(any)); errors.As(err, &se) {
			return badRequest("", fmt.Sprintf("Malformed JSON at byte %d: %v.", se.Offset, se))
		}
		return badRequest("", "Malformed JSON.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Some fields are not valid.",
			Fields: map[string]string{te.Field: fmt.Sprintf("must not be a JSON %s", te.Value)}}
	case unknownFieldRE.MatchString(err.Error()):
		f := unknownFieldRE.FindStringSubmatch(err.Error())[1]
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Some fields are not valid.",
			Fields: map[string]string{f: "is not a field of this object"}}
	default:
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: err.Error()}
	}
}

func (s *Server) apiCreatePolicy(c echo.Context) error {
	var p store.Policy
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	if _, err := s.db.SavePolicy(actorCtx(c), p, store.CreateOnly); err != nil {
		return err
	}
	saved, err := s.db.Policy(c.Request().Context(), p.Slug)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/policies/"+p.Slug)
	return c.JSON(http.StatusCreated, saved)
}

func (s *Server) apiPutPolicy(c echo.Context) error {
	slug := c.Param("slug")
	var p store.Policy
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	switch p.Slug {
	case "":
		p.Slug = slug
	case slug:
	default:
		return &store.ValidationError{Fields: map[string]string{"slug": fmt.Sprintf("The body's slug %q differs from the address's %q", p.Slug, slug)}}
	}
	res, err := s.db.SavePolicy(actorCtx(c), p, store.Upsert)
	if err != nil {
		return err
	}
	saved, err := s.db.Policy(c.Request().Context(), p.Slug)
	if err != nil {
		return err
	}
	if res == store.Created {
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/policies/"+p.Slug)
		return c.JSON(http.StatusCreated, saved)
	}
	return c.JSON(http.StatusOK, saved)
}

func (s *Server) apiDeletePolicy(c echo.Context) error {
	if err := s.db.DeletePolicy(actorCtx(c), c.Param("slug")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// mappingRequest is the body of POST /api/v1/mappings.
type mappingRequest struct {
	Policy       string          `json:"policy"`
	Provision    *string         `json:"provision"`
	Framework    string          `json:"framework"`
	Item         string          `json:"item"`
	Relationship string          `json:"relationship"`
	Strength     json.RawMessage `json:"strength"`
	Rationale    string          `json:"rationale"`
	Evidence     string          `json:"evidence"`
	Reviewed     bool            `json:"reviewed"`
}

func (s *Server) apiCreateMapping(c echo.Context) error {
	var r mappingRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	m := store.Mapping{Policy: r.Policy, Framework: r.Framework, Item: r.Item, Relationship: r.Relationship,
		Rationale: r.Rationale, Evidence: r.Evidence, Reviewed: r.Reviewed}
	if m.Framework == "" {
		m.Framework = s.fwSlug
	}
	if r.Provision != nil {
		m.Provision = *r.Provision
	}
	if len(r.Strength) > 0 && string(r.Strength) != "null" {
		n, err := strconv.Atoi(string(r.Strength))
		if err != nil || n < 1 || n > 10 {
			return &store.ValidationError{Fields: map[string]string{"strength": "Give a strength from 1 to 10, or null"}}
		}
		m.Strength = n
	}
	saved, err := s.db.AddMapping(actorCtx(c), m)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/mappings/"+strconv.FormatInt(saved.ID, 10))
	return c.JSON(http.StatusCreated, saved)
}

func (s *Server) apiMapping(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	m, err := s.db.Mapping(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (s *Server) apiDeleteMapping(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	if err := s.db.DeleteMapping(actorCtx(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiReviewMapping records a member's approval or rejection of a mapping
// and answers the mapping as it now stands: the review makes no new object
// with an address of its own, so it is 200, not 201. The mapping's own
// authors are refused with 422 on the field "reviewed".
func (s *Server) apiReviewMapping(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	var r store.Review
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	m, err := s.db.ReviewMapping(actorCtx(c), id, r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}
