package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// commentsCSVHeader names the columns of /consultations/{slug}/comments.csv.
var commentsCSVHeader = []string{"id", "paragraph", "section", "label", "question", "type", "stakeholder_group", "country",
	"commenter", "organisation", "body", "proposed_text", "created_at", "edited_at", "url"}

// attachment makes the answer a download named filename.
func attachment(c echo.Context, contentType, filename string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
}

// commentsCSV answers /consultations/{slug}/comments.csv: the approved
// comments, one row each, in document order. Anonymous comments carry
// only their stakeholder group and country.
func (s *Server) commentsCSV(c echo.Context) error {
	k, err := s.readableConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	base := s.absURL(c, "")
	rows := [][]string{commentsCSVHeader}
	// Rows are gathered before anything is sent, so that a failed read is
	// a clean error answer rather than a cut-off file.
	err = s.eachApprovedComment(c, k.Slug, func(m store.Comment) error {
		a := m.Public()
		commenter := a.Name
		if m.Display != store.DisplayNamed {
			commenter = "anonymous"
		}
		question, edited := "", ""
		if m.Question > 0 {
			question = strconv.Itoa(m.Question)
		}
		if !m.EditedAt.IsZero() {
			edited = apiTime(m.EditedAt)
		}
		// Text people wrote could start like a spreadsheet formula.
		cell := content.SpreadsheetCell
		rows = append(rows, []string{strconv.FormatInt(m.ID, 10), m.Paragraph, m.Section, m.Label, question, m.Type, a.Group,
			a.Country, cell(commenter), cell(a.Organisation), cell(m.Body), cell(m.Proposed), apiTime(m.CreatedAt), edited,
			base + views.CommentURL(m.Consultation, m.ID)})
		return nil
	})
	if err != nil {
		return err
	}
	// The slug is lowercase letters, digits and hyphens, safe in a header.
	attachment(c, "text/csv; charset=utf-8", k.Slug+"-comments.csv")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	w.UseCRLF = true
	return w.WriteAll(rows)
}

// commentsDownloadJSON is the body of /consultations/{slug}/comments.json.
type commentsDownloadJSON struct {
	Consultation consultationJSON `json:"consultation"`
	Items        []commentJSON    `json:"items"`
}

// commentsJSON answers /consultations/{slug}/comments.json: the
// consultation and its approved comments as the public API shows them.
func (s *Server) commentsJSON(c echo.Context) error {
	k, err := s.readableConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	out := commentsDownloadJSON{Consultation: s.consultationJSON(c, k), Items: []commentJSON{}}
	// A download is the public record, whoever fetches it.
	out.Consultation.Counts.Pending, out.Consultation.Counts.Hidden, out.Consultation.Counts.Flagged = nil, nil, nil
	var all []store.Comment
	err = s.eachApprovedComment(c, k.Slug, func(m store.Comment) error {
		all = append(all, m)
		return nil
	})
	if err != nil {
		return err
	}
	r, err := s.resolutionFor(c.Request().Context(), nil, all)
	if err != nil {
		return err
	}
	for _, m := range all {
		out.Items = append(out.Items, toCommentJSON(m, false, r))
	}
	attachment(c, echo.MIMEApplicationJSONCharsetUTF8, k.Slug+"-comments.json")
	c.Response().WriteHeader(http.StatusOK)
	enc := json.NewEncoder(c.Response())
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
