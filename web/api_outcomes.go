package web

import (
	"fmt"
	"maps"
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
// downloads, absolute, so that they work wherever the answer is read.
type outcomeLinksJSON struct {
	Page     string `json:"page"`
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	PDF      string `json:"pdf"`
}

// editionJSON is an edition as the API shows it. URL is relative, as in
// the documents and consultations APIs.
type editionJSON struct {
	Slug        string           `json:"slug"`
	Title       string           `json:"title"`
	Summary     string           `json:"summary"`
	Edition     int              `json:"edition"`
	Version     int              `json:"version"`
	PublishedAt time.Time        `json:"published_at"`
	PublishedBy string           `json:"published_by"`
	URL         string           `json:"url"`
	Links       outcomeLinksJSON `json:"links"`
}

// outcomeItemJSON is one published document in GET /api/v1/outcomes:
// its current edition, with every edition oldest first.
type outcomeItemJSON struct {
	editionJSON
	Editions     []editionJSON `json:"editions"`
	EditionCount int           `json:"edition_count"`
	Status       string        `json:"status"`
	Comments     int           `json:"comments"`
}

// outcomeJSON is one edition with its record and the list of editions.
type outcomeJSON struct {
	outcomeItemJSON
	Record  recordJSON `json:"record"`
	Current int        `json:"current_edition"`
}

// recordJSON is an edition's frozen record.
type recordJSON struct {
	Recommendations []recommendationJSON     `json:"recommendations"`
	Consultations   []consultationRecordJSON `json:"consultations"`
}

// recommendationJSON is a recommendation with the evidence frozen for it.
// Consultation and ConsultedVersion are null when no consultation's
// version is the start of its redline.
type recommendationJSON struct {
	Number           int                 `json:"number"`
	Paragraph        string              `json:"paragraph"`
	Section          string              `json:"section"`
	Label            string              `json:"label"`
	Title            string              `json:"title"`
	Paragraphs       []string            `json:"paragraphs"`
	Policies         []citedPolicyJSON   `json:"policies"`
	Items            []citedItemJSON     `json:"items"`
	Mapped           []mappedItemJSON    `json:"mapped"`
	Comments         []recordCommentJSON `json:"comments"`
	CommentTotal     int                 `json:"comment_total"`
	Consultation     *string             `json:"consultation"`
	ConsultedVersion *int                `json:"consulted_version"`
}

// citedPolicyJSON is a cited policy as it stood at publication, shaped as
// the policies API shapes a policy: unknown values (status, year, the
// policy's own url; title and type of a slug that named no policy) are
// null.
type citedPolicyJSON struct {
	Slug          string               `json:"slug"`
	Title         *string              `json:"title"`
	Type          *string              `json:"type"`
	Status        *string              `json:"status"`
	Year          *int                 `json:"year"`
	URL           *string              `json:"url"`
	Jurisdictions []jurisdictionAtJSON `json:"jurisdictions"`
	Provisions    []citedProvisionJSON `json:"provisions"`
	Missing       bool                 `json:"missing"`
}

// jurisdictionAtJSON is a jurisdiction's code and name.
type jurisdictionAtJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// citedProvisionJSON is a provision a recommendation cites.
type citedProvisionJSON struct {
	Ref   string `json:"ref"`
	Title string `json:"title"`
}

// citedItemJSON is a framework item a recommendation cites.
type citedItemJSON struct {
	Framework string `json:"framework"`
	Code      string `json:"code"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
}

// mappedItemJSON is a challenge the cited policies are mapped to.
type mappedItemJSON struct {
	Framework string   `json:"framework"`
	Code      string   `json:"code"`
	Title     string   `json:"title"`
	Reviewed  bool     `json:"reviewed"`
	Policies  []string `json:"policies"`
}

// recordCommentJSON is an approved comment as the record keeps it; what
// is unknown (no disposition yet, no group or country given) is null.
type recordCommentJSON struct {
	ID           int64   `json:"id"`
	Consultation string  `json:"consultation"`
	Paragraph    string  `json:"paragraph"`
	Label        string  `json:"label"`
	Type         string  `json:"type"`
	Group        *string `json:"group"`
	Country      *string `json:"country"`
	Excerpt      string  `json:"excerpt"`
	Disposition  *string `json:"disposition"`
	Rationale    *string `json:"rationale"`
	Copies       int     `json:"copies"`
	URL          string  `json:"url"`
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

// nullString is s, or nil (null in JSON) when s is empty: unknown.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nullInt is n, or nil (null in JSON) when n is zero: unknown.
func nullInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// toRecommendationJSON shapes a recommendation; lists are never null.
func toRecommendationJSON(rec store.Recommendation) recommendationJSON {
	out := recommendationJSON{Number: rec.Number, Paragraph: rec.Paragraph, Section: rec.Section, Label: rec.Label,
		Title: rec.Title, Paragraphs: orEmpty(rec.Paragraphs), Policies: []citedPolicyJSON{}, Items: []citedItemJSON{},
		Mapped: []mappedItemJSON{}, Comments: []recordCommentJSON{}, CommentTotal: rec.CommentTotal,
		Consultation: nullString(rec.Consultation), ConsultedVersion: nullInt(rec.ConsultedVersion)}
	for _, p := range rec.Policies {
		cp := citedPolicyJSON{Slug: p.Slug, Title: nullString(p.Title), Type: nullString(p.Type),
			Status: nullString(p.Status), Year: nullInt(p.Year), URL: nullString(p.URL),
			Jurisdictions: []jurisdictionAtJSON{}, Provisions: []citedProvisionJSON{}, Missing: p.Missing}
		for _, j := range p.Jurisdictions {
			cp.Jurisdictions = append(cp.Jurisdictions, jurisdictionAtJSON(j))
		}
		for _, pr := range p.Provisions {
			cp.Provisions = append(cp.Provisions, citedProvisionJSON(pr))
		}
		out.Policies = append(out.Policies, cp)
	}
	for _, it := range rec.Items {
		out.Items = append(out.Items, citedItemJSON(it))
	}
	for _, m := range rec.Mapped {
		out.Mapped = append(out.Mapped, mappedItemJSON{Framework: m.Framework, Code: m.Code, Title: m.Title,
			Reviewed: m.Reviewed, Policies: orEmpty(m.Policies)})
	}
	for _, cm := range rec.Comments {
		out.Comments = append(out.Comments, recordCommentJSON{ID: cm.ID, Consultation: cm.Consultation,
			Paragraph: cm.Paragraph, Label: cm.Label, Type: cm.Type, Group: nullString(cm.Group),
			Country: nullString(cm.Country), Excerpt: cm.Excerpt, Disposition: nullString(cm.Disposition),
			Rationale: nullString(cm.Rationale), Copies: cm.Copies, URL: views.CommentURL(cm.Consultation, cm.ID)})
	}
	return out
}

// toRecordJSON shapes a record; lists and maps are never null.
func toRecordJSON(r store.Record) recordJSON {
	out := recordJSON{Recommendations: []recommendationJSON{}, Consultations: []consultationRecordJSON{}}
	for _, rec := range r.Recommendations {
		out.Recommendations = append(out.Recommendations, toRecommendationJSON(rec))
	}
	for _, cr := range r.Consultations {
		st := recordStatsJSON{Approved: cr.Stats.Approved, ByGroup: map[string]int{}, ByCountry: map[string]int{},
			ByType: map[string]int{}, ByDisposition: map[string]int{},
			Answered: answeredJSON{Count: cr.Stats.Answered, Share: cr.Stats.Share()}}
		maps.Copy(st.ByGroup, cr.Stats.ByGroup)
		maps.Copy(st.ByType, cr.Stats.ByType)
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
			URL: views.ConsultationURL(cr.Slug), Resolution: views.ResolutionURL(cr.Slug)})
	}
	return out
}

// editionJSON shapes an edition: url is its stable page, relative; links
// are absolute.
func (s *Server) editionJSON(c echo.Context, ed store.Edition) editionJSON {
	page := views.EditionURL(ed.Document, ed.Number)
	return editionJSON{Slug: ed.Document, Title: ed.Title, Summary: ed.Summary, Edition: ed.Number, Version: ed.Version,
		PublishedAt: ed.PublishedAt.UTC(), PublishedBy: ed.Publisher, URL: page,
		Links: outcomeLinksJSON{Page: s.absURL(c, page),
			Markdown: s.absURL(c, views.EditionDownloadURL(ed.Document, ed.Number, formatMarkdown)),
			HTML:     s.absURL(c, views.EditionDownloadURL(ed.Document, ed.Number, formatHTML)),
			PDF:      s.absURL(c, views.EditionDownloadURL(ed.Document, ed.Number, formatPDF))}}
}

// editionsJSON shapes a document's editions, oldest first, never null.
func (s *Server) editionsJSON(c echo.Context, editions []store.Edition) []editionJSON {
	out := []editionJSON{}
	for _, e := range editions {
		out = append(out, s.editionJSON(c, e))
	}
	return out
}

// apiOutcomes lists the published documents, newest first, paged.
func (s *Server) apiOutcomes(c echo.Context) error {
	ctx := c.Request().Context()
	page, perPage, err := apiPaging(c, 50)
	if err != nil {
		return err
	}
	list, err := s.db.Outcomes(ctx)
	if err != nil {
		return fmt.Errorf("list outcomes: %w", err)
	}
	items := []outcomeItemJSON{}
	for i := (page - 1) * perPage; i < len(list) && i < page*perPage; i++ {
		o := list[i]
		item := outcomeItemJSON{editionJSON: s.editionJSON(c, o.Latest), Editions: s.editionsJSON(c, o.All),
			EditionCount: o.Editions, Status: o.Status, Comments: o.Comments}
		// The list points at each outcome's current page; links.page is
		// the stable address of the edition listed.
		item.URL = views.OutcomeURL(o.Latest.Document)
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
	view, err := s.db.OutcomeView(ctx, slug, n)
	if err != nil {
		return err
	}
	ed := view.Edition
	out := outcomeJSON{outcomeItemJSON: outcomeItemJSON{editionJSON: s.editionJSON(c, ed),
		Editions: s.editionsJSON(c, view.Editions), EditionCount: len(view.Editions), Status: view.Status,
		Comments: ed.Record.Comments()}, Record: toRecordJSON(ed.Record)}
	for _, e := range view.Editions {
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
