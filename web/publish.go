package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// publishing fills what a document page says about publication: the link
// to the outcome once there is an edition, the canonical address it then
// has, and for editors the form that publishes a version as the next
// edition.
func (s *Server) publishing(c echo.Context, page *views.DocumentPage, d store.Document) error {
	editions, err := s.db.Editions(c.Request().Context(), d.Slug)
	if err != nil {
		return fmt.Errorf("editions of %s: %w", d.Slug, err)
	}
	page.Editions = len(editions)
	newest := 0 // the newest edition's version
	if len(editions) > 0 {
		page.Outcome = views.OutcomeURL(d.Slug)
		if page.Latest {
			page.Canonical = s.absURL(c, page.Outcome)
		}
		newest = editions[len(editions)-1].Version
	}
	if !page.CanEdit {
		return nil
	}
	f := &views.PublishForm{Edition: len(editions) + 1}
	for i := len(d.Versions) - 1; i >= 0; i-- {
		vi := d.Versions[i]
		if vi.Published || vi.Number <= newest {
			continue
		}
		label := "Version " + strconv.Itoa(vi.Number)
		if vi.Number == d.Latest {
			label += " (the newest)"
		}
		f.Options = append(f.Options, views.Option{Value: strconv.Itoa(vi.Number), Label: label})
	}
	if len(f.Options) == 0 {
		return nil
	}
	f.Selected = f.Options[0].Value
	page.Publish = f
	return nil
}

// publishDocument publishes the chosen version as the document's next
// edition and shows the outcome; a refusal comes back on the document
// page, naming the field.
func (s *Server) publishDocument(c echo.Context) error {
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(c.FormValue("version"))
	n, ok := store.VersionNumber(raw)
	if !ok {
		return s.publishRefused(c, d, raw, http.StatusUnprocessableEntity, "Choose the version to publish")
	}
	ed, err := s.db.Publish(actorCtx(c), d.Slug, n)
	if err == nil {
		return s.redirectFlash(c, views.OutcomeURL(d.Slug), editionFlash(ed.Number))
	}
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve) && ve.Fields["version"] != "":
		return s.publishRefused(c, d, raw, http.StatusUnprocessableEntity, ve.Fields["version"])
	case errors.Is(err, store.ErrAlreadyPublished):
		return s.publishRefused(c, d, raw, http.StatusConflict, alreadyPublishedText(n))
	case errors.Is(err, store.ErrConsultationOpen):
		msg, merr := s.openConsultationText(c.Request().Context(), d.Slug)
		if merr != nil {
			return merr
		}
		return s.publishRefused(c, d, raw, http.StatusConflict, msg)
	}
	return err
}

// publishRefused shows the document page again with the publishing
// form's problem and the version the editor chose.
func (s *Server) publishRefused(c echo.Context, d store.Document, raw string, status int, msg string) error {
	n := d.LatestVisible(userFrom(c))
	if n == 0 {
		return fmt.Errorf("document %s has no version: %w", d.Slug, store.ErrNotFound)
	}
	page, err := s.versionPage(c, d, n)
	if err != nil {
		return err
	}
	if page.Publish == nil {
		page.Publish = &views.PublishForm{Edition: page.Editions + 1}
	}
	f := page.Publish
	f.Errors = []views.FieldError{{Field: "version", Message: msg}}
	// A version number that was chosen stays chosen, so that the editor
	// sees what the message is about; anything else is not a version, so
	// it is not offered as one and the default choice stays.
	if n, ok := store.VersionNumber(raw); ok {
		chosen := strconv.Itoa(n)
		kept := false
		for _, o := range f.Options {
			kept = kept || o.Value == chosen
		}
		if !kept {
			f.Options = append(f.Options, views.Option{Value: chosen, Label: "Version " + chosen + " (cannot be published)"})
		}
		f.Selected = chosen
	}
	page.Base = page.Base.WithErrors(true)
	return s.render(c, status, views.DocumentView(page))
}

// alreadyPublishedText is the refusal of a version published already.
func alreadyPublishedText(n int) string {
	return fmt.Sprintf("Version %d is published already; save a new version to publish a new edition", n)
}

// openConsultationText names the open consultation that stops publishing
// and when it closes.
func (s *Server) openConsultationText(ctx context.Context, slug string) (string, error) {
	list, err := s.db.Consultations(ctx, slug)
	if err != nil {
		return "", fmt.Errorf("consultations of %s: %w", slug, err)
	}
	now := s.now()
	for _, con := range list {
		if con.State(now) == store.ConsultationOpen {
			return fmt.Sprintf("The consultation %s is open until %s; publish after it closes",
				con.Title, whenText(con.ClosesAt, con.Location())), nil
		}
	}
	return "A consultation on this document is open; publish after it closes", nil
}

// editionFlash is the confirmation code of a published edition; flash.go
// turns it into "Edition N published".
func editionFlash(n int) string { return editionFlashPrefix + strconv.Itoa(n) }

// publishJSON is the body of POST /api/v1/documents/{slug}/publish.
type publishJSON struct {
	Version int `json:"version"`
}

// apiPublish publishes a version as the next edition: 201 with the
// edition and its Location.
func (s *Server) apiPublish(c echo.Context) error {
	var in publishJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	slug := c.Param("slug")
	if _, err := s.db.Document(c.Request().Context(), slug); err != nil {
		return err
	}
	if in.Version < 1 {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Some fields are not valid.",
			Fields: map[string]string{"version": "version must be the number of a version, such as 1"}}
	}
	ed, err := s.db.Publish(actorCtx(c), slug, in.Version)
	switch {
	case errors.Is(err, store.ErrAlreadyPublished):
		return &Error{Status: http.StatusConflict, Code: "already_published", Message: alreadyPublishedText(in.Version) + ".", Err: err}
	case errors.Is(err, store.ErrConsultationOpen):
		msg, merr := s.openConsultationText(c.Request().Context(), slug)
		if merr != nil {
			return merr
		}
		return &Error{Status: http.StatusConflict, Code: "consultation_open", Message: msg + ".", Err: err}
	case err != nil:
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, apiOutcomeURL(slug))
	return c.JSON(http.StatusCreated, map[string]any{"edition": s.editionJSON(c, ed)})
}
