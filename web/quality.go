package web

import (
	"net/http"

	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// quality lists what the policy records lack (an official link, a year,
// binding, language, provisions, a reviewed mapping, an assessment of
// confidence), for editors to close the gaps. One read transaction
// (store.Quality) makes the page; each list is a disclosure, so the page
// stays short however many records it names.
func (s *Server) quality(c echo.Context) error {
	q, err := s.db.Quality(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.QualityView(views.NewQualityPage(s.noindex(c, "Data quality"), q, reviewPerPage)))
}
