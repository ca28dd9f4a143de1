package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// apiOutcomeURL is the API address of a published document.
func apiOutcomeURL(slug string) string { return "/api/v1/outcomes/" + url.PathEscape(slug) }

// outcomeLinksJSON are the addresses of an edition: its page and its
// downloads, absolute.
type outcomeLinksJSON struct {
	Page     string `json:"page"`
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	PDF      string `json:"pdf"`
}

// editionJSON is an edition as the API shows it; Record is set for one
// outcome, not in lists.
type editionJSON struct {
	Slug        string           `json:"slug"`
	Title       string           `json:"title"`
	Summary     string           `json:"summary"`
	Edition     int              `json:"edition"`
	Version     int              `json:"version"`
	PublishedAt time.Time        `json:"published_at"`
	Publisher   string           `json:"publisher"`
	URL         string           `json:"url"`
	Links       outcomeLinksJSON `json:"links"`
}

// outcomeItemJSON is one published document in GET /api/v1/outcomes.
type outcomeItemJSON struct {
	editionJSON
	Editions int    `json:"editions"`
	Status   string `json:"status"`
	Comments int    `json:"comments"`
}

// outcomeJSON is one edition with its record and the list of editions.
type outcomeJSON struct {
	outcomeItemJSON
	Record       recordJSON    `json:"record"`
	EditionsList []editionJSON `json:"editions_list"`
	Current      int           `json:"current_edition"`
}

// recordJSON is an edition's frozen record in snake_case.
type recordJSON struct {
	Recommendations []store.Recommendation   `json:"recommendations"`
	Consultations   []consultationRecordJSON `json:"consultations"`
}

// consultationRecordJSON is a consultation as the record keeps it.
type consultationRecordJSON struct {
	Slug       string          `json:"slug"`
	Title      string          `json:"title"`
	Version    int             `json:"version"`
	OpensAt    time.Time       `json:"opens_at"`
	ClosesAt   time.Time       `json:"closes_at"`
	Timezone   string          `json:"timezone"`
	Stats      recordStatsJSON `json:"stats"`
	URL        string          `json:"url"`
	Resolution string          `json:"resolution"`
}

// recordStatsJSON counts a recorded consultation's approved comments.
type recordStatsJSON struct {
	Approved      int            `json:"approved"`
	ByGroup       map[string]int `json:"by_group"`
	ByCountry     map[string]int `json:"by_country"`
	ByType        map[string]int `json:"by_type"`
	ByDisposition map[string]int `json:"by_disposition"`
	Answered      answeredJSON   `json:"answered"`
}

// toRecordJSON shapes a record; lists are never null.
func (s *Server) toRecordJSON(c echo.Context, r store.Record) recordJSON {
	out := recordJSON{Recommendations: []store.Recommendation{}, Consultations: []consultationRecordJSON{}}
	for _, rec := range r.Recommendations {
		rec.Paragraphs = orEmpty(rec.Paragraphs)
		rec.Policies = orEmpty(rec.Policies)
		rec.Items = orEmpty(rec.Items)
		rec.Mapped = orEmpty(rec.Mapped)
		rec.Comments = orEmpty(rec.Comments)
		out.Recommendations = append(out.Recommendations, rec)
	}
	for _, cr := range r.Consultations {
		st := recordStatsJSON{Approved: cr.Stats.Approved, ByGroup: cr.Stats.ByGroup, ByCountry: map[string]int{},
			ByType: cr.Stats.ByType, ByDisposition: map[string]int{},
			Answered: answeredJSON{Count: cr.Stats.Answered, Share: cr.Stats.Share()}}
		for _, cc := range cr.Stats.ByCountry {
			st.ByCountry[cc.Country] = cc.Count
		}
		for d, n := range cr.Stats.ByDisposition {
			if d == "" {
				d = "none"
			}
			st.ByDisposition[d] = n
		}
		out.Consultations = append(out.Consultations, consultationRecordJSON{Slug: cr.Slug, Title: cr.Title, Version: cr.Version,
			OpensAt: cr.OpensAt.UTC(), ClosesAt: cr.ClosesAt.UTC(), Timezone: cr.Timezone, Stats: st,
			URL: s.absURL(c, views.ConsultationURL(cr.Slug)), Resolution: s.absURL(c, views.ResolutionURL(cr.Slug))})
	}
	return out
}

// editionJSON shapes an edition, with absolute links to its stable page
// and downloads.
func (s *Server) editionJSON(c echo.Context, ed store.Edition) editionJSON {
	page := s.absURL(c, views.EditionURL(ed.Document, ed.Number))
	return editionJSON{Slug: ed.Document, Title: ed.Title, Summary: ed.Summary, Edition: ed.Number, Version: ed.Version,
		PublishedAt: ed.PublishedAt.UTC(), Publisher: ed.Publisher, URL: page,
		Links: outcomeLinksJSON{Page: page,
			Markdown: s.absURL(c, views.EditionDownloadURL(ed.Document, ed.Number, formatMarkdown)),
			HTML:     s.absURL(c, views.EditionDownloadURL(ed.Document, ed.Number, formatHTML)),
			PDF:      s.absURL(c, views.EditionDownloadURL(ed.Document, ed.Number, formatPDF))}}
}

// apiOutcomes lists the published documents, newest first, paged.
func (s *Server) apiOutcomes(c echo.Context) error {
	page, perPage, err := apiPaging(c, 50)
	if err != nil {
		return err
	}
	list, err := s.db.Outcomes(c.Request().Context())
	if err != nil {
		return err
	}
	items := []outcomeItemJSON{}
	for i := (page - 1) * perPage; i < len(list) && i < page*perPage; i++ {
		o := list[i]
		item := outcomeItemJSON{editionJSON: s.editionJSON(c, o.Latest), Editions: o.Editions,
			Status: o.Status, Comments: o.Comments}
		// The list points at each outcome's current page; links.page is
		// the stable address of the edition listed.
		item.URL = s.absURL(c, views.OutcomeURL(o.Latest.Document))
		items = append(items, item)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(list), "page": page, "per_page": perPage})
}

// apiOutcome is the current edition of a published document, or the one
// ?edition=N names, with its frozen record and the list of editions.
func (s *Server) apiOutcome(c echo.Context) error {
	ctx := c.Request().Context()
	slug := c.Param("slug")
	n := 0
	if c.QueryParam("edition") != "" {
		var ok bool
		if n, ok = store.VersionNumber(c.QueryParam("edition")); !ok {
			return badRequest("edition", "edition must be an edition number, such as 1")
		}
	}
	ed, err := s.db.Edition(ctx, slug, n)
	if err != nil {
		return err
	}
	editions, err := s.db.Editions(ctx, slug)
	if err != nil {
		return err
	}
	d, err := s.db.Document(ctx, slug)
	if err != nil {
		return err
	}
	out := outcomeJSON{outcomeItemJSON: outcomeItemJSON{editionJSON: s.editionJSON(c, ed), Editions: len(editions),
		Status: d.Status, Comments: ed.Record.Comments()}, Record: s.toRecordJSON(c, ed.Record), EditionsList: []editionJSON{}}
	for _, e := range editions {
		out.EditionsList = append(out.EditionsList, s.editionJSON(c, e))
		out.Current = max(out.Current, e.Number)
	}
	return c.JSON(http.StatusOK, out)
}

// orEmpty makes a nil list an empty one, so that JSON says [] not null.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
