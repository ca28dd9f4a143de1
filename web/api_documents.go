package web

import (
	"net/http"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// documentJSON is a document in the API: what the reader may see of it.
type documentJSON struct {
	Slug          string            `json:"slug"`
	Title         string            `json:"title"`
	Summary       string            `json:"summary"`
	Status        string            `json:"status"`
	Owners        []string          `json:"owners"`
	CreatedBy     string            `json:"created_by"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	LatestVersion int               `json:"latest_version"`
	URL           string            `json:"url"`
	Versions      []versionInfoJSON `json:"versions,omitempty"`
}

type versionInfoJSON struct {
	Number    int       `json:"number"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	Published bool      `json:"published"`
	// Consulted is set for a version put to a consultation that has opened.
	Consulted bool `json:"consulted"`
}

// versionJSON is one version with its paragraphs.
type versionJSON struct {
	Document   string          `json:"document"`
	Number     int             `json:"number"`
	Author     string          `json:"author"`
	Note       string          `json:"note"`
	CreatedAt  time.Time       `json:"created_at"`
	Published  bool            `json:"published"`
	Body       string          `json:"body"`
	HTML       string          `json:"html"`
	URL        string          `json:"url"`
	Paragraphs []paragraphJSON `json:"paragraphs"`
	Citations  []citationJSON  `json:"citations"`
	Map        []mappingJSON   `json:"map_from_previous"`
}

type paragraphJSON struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	Label   string `json:"label"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	URL     string `json:"url"`
}

type citationJSON struct {
	Paragraph string `json:"paragraph"`
	Kind      string `json:"kind"`
	Target    string `json:"target"`
	Provision string `json:"provision,omitempty"`
	Framework string `json:"framework,omitempty"`
	Line      int    `json:"line"`
}

type mappingJSON struct {
	Old        string  `json:"old"`
	New        string  `json:"new"`
	Relation   string  `json:"relation"`
	Similarity float64 `json:"similarity"`
}

func (s *Server) documentJSON(c echo.Context, d store.Document) documentJSON {
	u := userFrom(c)
	out := documentJSON{Slug: d.Slug, Title: d.Title, Summary: d.Summary, Status: d.Status, Owners: d.Owners,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, LatestVersion: d.LatestVisible(u),
		URL: views.DocumentURL(d.Slug)}
	if out.Owners == nil {
		out.Owners = []string{}
	}
	for _, v := range d.Versions {
		if d.VersionVisibleTo(u, v.Number) {
			out.Versions = append(out.Versions, versionInfoJSON{Number: v.Number, Author: v.Author, Note: v.Note,
				CreatedAt: v.CreatedAt, Published: v.Published, Consulted: v.Consulted})
		}
	}
	return out
}

func toVersionJSON(v store.Version) versionJSON {
	out := versionJSON{Document: v.Document, Number: v.Number, Author: v.Author, Note: v.Note, CreatedAt: v.CreatedAt,
		Published: v.Published, Body: v.Source, HTML: v.HTML, URL: views.VersionURL(v.Document, v.Number),
		Paragraphs: []paragraphJSON{}, Citations: []citationJSON{}, Map: []mappingJSON{}}
	for _, p := range v.Paragraphs {
		out.Paragraphs = append(out.Paragraphs, paragraphJSON{ID: p.ID, Section: p.Section, Label: p.Label(), Kind: p.Kind,
			Text: p.Text, HTML: p.HTML, URL: out.URL + "#p-" + p.ID})
	}
	for _, ct := range v.Citations {
		out.Citations = append(out.Citations, citationJSON{Paragraph: ct.Paragraph, Kind: ct.Kind, Target: ct.Target,
			Provision: ct.Ref, Framework: ct.Framework, Line: ct.Line})
	}
	for _, m := range v.Map {
		out.Map = append(out.Map, mappingJSON(m))
	}
	return out
}

func (s *Server) apiDocuments(c echo.Context) error {
	u := userFrom(c)
	list, err := s.db.Documents(c.Request().Context(), !u.HasRole("editor"))
	if err != nil {
		return err
	}
	items := []documentJSON{}
	for _, d := range list {
		items = append(items, s.documentJSON(c, d))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items)})
}

func (s *Server) apiDocument(c echo.Context) error {
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.documentJSON(c, d))
}

func (s *Server) apiDocumentVersion(c echo.Context) error {
	d, n, err := s.visibleVersion(c)
	if err != nil {
		return err
	}
	v, err := s.db.Version(c.Request().Context(), d.Slug, n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toVersionJSON(v))
}

// newDocumentJSON is the body of POST /api/v1/documents.
type newDocumentJSON struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Body    string `json:"body"`
	Note    string `json:"note"`
}

func (s *Server) apiCreateDocument(c echo.Context) error {
	var in newDocumentJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.drafts().Create(actorCtx(c), store.Document{Slug: in.Slug, Title: in.Title, Summary: in.Summary}, in.Body, in.Note)
	if err != nil {
		return err
	}
	v, err := s.db.Version(c.Request().Context(), d.Slug, d.Latest)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, views.DocumentURL(d.Slug))
	return c.JSON(http.StatusCreated, map[string]any{"document": s.documentJSON(c, d), "version": toVersionJSON(v)})
}

// newVersionJSON is the body of POST /api/v1/documents/{slug}/versions.
// Base, when given, is the version the text was edited from; a newer
// version saved meanwhile makes the answer a 409.
type newVersionJSON struct {
	Body string `json:"body"`
	Note string `json:"note"`
	Base int    `json:"base"`
}

func (s *Server) apiReviseDocument(c echo.Context) error {
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	var in newVersionJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.drafts().Revise(actorCtx(c), d.Slug, in.Base, in.Body, in.Note)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, views.VersionURL(d.Slug, v.Number))
	return c.JSON(http.StatusCreated, toVersionJSON(v))
}
