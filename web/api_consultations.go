package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// consultationJSON is a consultation in the API.
type consultationJSON struct {
	Slug             string             `json:"slug"`
	Title            string             `json:"title"`
	Document         string             `json:"document"`
	Version          int                `json:"version"`
	OpensAt          string             `json:"opens_at"`
	ClosesAt         string             `json:"closes_at"`
	Timezone         string             `json:"timezone"`
	Introduction     string             `json:"introduction"`
	IntroductionHTML string             `json:"introduction_html"`
	Questions        []questionJSON     `json:"questions"`
	Moderation       string             `json:"moderation"`
	State            string             `json:"state"`
	URL              string             `json:"url"`
	Counts           consultationCounts `json:"counts"`
}

// consultationCounts are a consultation's numbers of comments; the ones
// about comments nobody else sees are for editors only, so they are
// pointers left out for others.
type consultationCounts struct {
	Approved            int  `json:"approved"`
	ParagraphsCommented int  `json:"paragraphs_commented"`
	Pending             *int `json:"pending,omitempty"`
	Hidden              *int `json:"hidden,omitempty"`
	Flagged             *int `json:"flagged,omitempty"`
}

// questionJSON is a guiding question. In a request it may also be a bare
// string, the question's text.
type questionJSON struct {
	Text    string  `json:"text"`
	Section *string `json:"section"`
}

// UnmarshalJSON accepts a question as a string or as {"text", "section"}.
func (q *questionJSON) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*q = questionJSON{}
		return json.Unmarshal(b, &q.Text)
	}
	if len(b) == 0 || b[0] != '{' {
		// Reported by decodeJSON as a 422 naming the field.
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeOf(*q)}
	}
	type plain questionJSON // without this method, so no recursion
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*q = questionJSON(p)
	return nil
}

// jsonKind names the kind of a JSON value by its first byte.
func jsonKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	case b[0] == 'n':
		return "null"
	default:
		return "number"
	}
}

func questionsFrom(in []questionJSON) []store.Question {
	out := make([]store.Question, 0, len(in))
	for _, q := range in {
		sq := store.Question{Text: q.Text}
		if q.Section != nil {
			sq.Section = *q.Section
		}
		out = append(out, sq)
	}
	return out
}

// apiTime is a time as the API writes it: RFC 3339 in UTC.
func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// consultationJSON shapes a consultation for the reader of this request.
func (s *Server) consultationJSON(c echo.Context, k store.Consultation) consultationJSON {
	out := consultationJSON{Slug: k.Slug, Title: k.Title, Document: k.Document, Version: k.Version,
		OpensAt: apiTime(k.OpensAt), ClosesAt: apiTime(k.ClosesAt), Timezone: k.Timezone, Introduction: k.Introduction,
		IntroductionHTML: k.IntroductionHTML, Questions: []questionJSON{}, Moderation: k.Moderation,
		State: k.State(s.now()), URL: views.ConsultationURL(k.Slug),
		Counts: consultationCounts{Approved: k.Counts.Approved, ParagraphsCommented: k.Counts.ParagraphsCommented}}
	for _, q := range k.Questions {
		qj := questionJSON{Text: q.Text}
		if q.Section != "" {
			section := q.Section
			qj.Section = &section
		}
		out.Questions = append(out.Questions, qj)
	}
	if userFrom(c).HasRole("editor") {
		counts := k.Counts
		out.Counts.Pending, out.Counts.Hidden, out.Counts.Flagged = &counts.Pending, &counts.Hidden, &counts.Flagged
	}
	return out
}

// readableConsultation reads a consultation the reader may see: an
// upcoming one's text is not public yet, so only editors see it before it
// opens; to anyone else it does not exist.
func (s *Server) readableConsultation(c echo.Context, slug string) (store.Consultation, error) {
	k, err := s.db.Consultation(c.Request().Context(), slug)
	if err != nil {
		return store.Consultation{}, err
	}
	if k.State(s.now()) == store.ConsultationUpcoming && !userFrom(c).HasRole("editor") {
		return store.Consultation{}, fmt.Errorf("consultation %s has not opened: %w", slug, store.ErrNotFound)
	}
	return k, nil
}

// newConsultationJSON is the body of POST /api/v1/consultations. Times are
// strings so that a bad one is a 422 naming its field.
type newConsultationJSON struct {
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	Document     string         `json:"document"`
	Version      int            `json:"version"`
	OpensAt      string         `json:"opens_at"`
	ClosesAt     string         `json:"closes_at"`
	Timezone     string         `json:"timezone"`
	Introduction string         `json:"introduction"`
	Questions    []questionJSON `json:"questions"`
	Moderation   string         `json:"moderation"`
}

// parseAPITimes reads RFC 3339 times by field name; an empty one stays
// zero (the store says it is missing), a malformed one is a field error.
func parseAPITimes(fields map[string]*string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	bad := map[string]string{}
	for name, v := range fields {
		if v == nil || *v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, *v)
		if err != nil {
			bad[name] = "Use an RFC 3339 date and time, such as 2027-01-31T23:59:00+01:00"
			continue
		}
		out[name] = t.UTC()
	}
	if len(bad) > 0 {
		return nil, &store.ValidationError{Fields: bad}
	}
	return out, nil
}

func (s *Server) apiCreateConsultation(c echo.Context) error {
	var in newConsultationJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	times, err := parseAPITimes(map[string]*string{"opens_at": &in.OpensAt, "closes_at": &in.ClosesAt})
	if err != nil {
		return err
	}
	intro, err := s.md.Render(in.Introduction)
	if err != nil {
		return fmt.Errorf("render introduction of %s: %w", in.Slug, err)
	}
	k, err := s.db.CreateConsultation(actorCtx(c), store.Consultation{Slug: in.Slug, Title: in.Title, Document: in.Document,
		Version: in.Version, OpensAt: times["opens_at"], ClosesAt: times["closes_at"], Timezone: in.Timezone,
		Introduction: in.Introduction, IntroductionHTML: string(intro), Questions: questionsFrom(in.Questions),
		Moderation: in.Moderation})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/consultations/"+k.Slug)
	return c.JSON(http.StatusCreated, map[string]any{"consultation": s.consultationJSON(c, k)})
}

// consultationPatchJSON is the body of PATCH /api/v1/consultations/{slug};
// absent fields stay as they are.
type consultationPatchJSON struct {
	Title        *string         `json:"title"`
	OpensAt      *string         `json:"opens_at"`
	ClosesAt     *string         `json:"closes_at"`
	Timezone     *string         `json:"timezone"`
	Introduction *string         `json:"introduction"`
	Questions    *[]questionJSON `json:"questions"`
	Moderation   *string         `json:"moderation"`
}

func (s *Server) apiPatchConsultation(c echo.Context) error {
	slug := c.Param("slug")
	var in consultationPatchJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	times, err := parseAPITimes(map[string]*string{"opens_at": in.OpensAt, "closes_at": in.ClosesAt})
	if err != nil {
		return err
	}
	p := store.ConsultationPatch{Title: in.Title, Timezone: in.Timezone, Moderation: in.Moderation}
	for name, dst := range map[string]**time.Time{"opens_at": &p.OpensAt, "closes_at": &p.ClosesAt} {
		if t, ok := times[name]; ok {
			*dst = &t
		}
	}
	if in.Introduction != nil {
		html, err := s.md.Render(*in.Introduction)
		if err != nil {
			return fmt.Errorf("render introduction of %s: %w", slug, err)
		}
		h := string(html)
		p.Introduction, p.IntroductionHTML = in.Introduction, &h
	}
	if in.Questions != nil {
		qs := questionsFrom(*in.Questions)
		p.Questions = &qs
	}
	k, err := s.db.UpdateConsultation(actorCtx(c), slug, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.consultationJSON(c, k))
}

func (s *Server) apiDeleteConsultation(c echo.Context) error {
	if err := s.db.DeleteConsultation(actorCtx(c), c.Param("slug")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// maxAPIPerPage bounds one page of consultations or comments.
const maxAPIPerPage = 500

// apiPaging reads page and per_page; a bad value is a 400 naming it.
func apiPaging(c echo.Context, defaultPerPage int) (page, perPage int, err error) {
	page, perPage = 1, defaultPerPage
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &page, 1000000}, {"per_page", &perPage, maxAPIPerPage}} {
		v := c.QueryParam(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > p.max {
			return 0, 0, badRequest(p.name, fmt.Sprintf("%s must be a whole number from 1 to %d", p.name, p.max))
		}
		*p.dst = n
	}
	return page, perPage, nil
}

func (s *Server) apiConsultations(c echo.Context) error {
	page, perPage, err := apiPaging(c, 50)
	if err != nil {
		return err
	}
	// ?document= keeps one document's consultations.
	list, err := s.db.Consultations(c.Request().Context(), c.QueryParam("document"))
	if err != nil {
		return err
	}
	// Upcoming consultations are announced to everyone, as on the pages:
	// a consultation in JSON carries no text of the consulted version.
	visible := list
	items := []consultationJSON{}
	for i := (page - 1) * perPage; i < len(visible) && i < page*perPage; i++ {
		// The list leaves out the questions; read each of this page whole.
		k, err := s.db.Consultation(c.Request().Context(), visible[i].Slug)
		if err != nil {
			return err
		}
		items = append(items, s.consultationJSON(c, k))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(visible), "page": page, "per_page": perPage})
}

func (s *Server) apiConsultation(c echo.Context) error {
	k, err := s.db.Consultation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.consultationJSON(c, k))
}
