package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// PrivacyFileName is the operator's part of the privacy notice, a
// Markdown file in the data folder.
const PrivacyFileName = "privacy.md"

func (s *Server) about(c echo.Context) error {
	p := views.AboutPage{Base: s.base(c, "About")}
	p.Description = "What Accord is: the knowledge base and drafting space of the DC-ISSS IoT sub-group."
	return s.render(c, http.StatusOK, views.About(p))
}

func (s *Server) privacy(c echo.Context) error {
	p := views.PrivacyPage{Base: s.base(c, "Privacy notice"), ContactEmail: s.contactEmail, OperatorFile: PrivacyFileName}
	if s.privacyFile != "" {
		src, err := os.ReadFile(s.privacyFile)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("read privacy file: %w", err)
		default:
			if p.Operator, err = s.md.Render(string(src)); err != nil {
				return fmt.Errorf("render %s: %w", filepath.Base(s.privacyFile), err)
			}
		}
	}
	return s.render(c, http.StatusOK, views.Privacy(p))
}

func (s *Server) contact(c echo.Context) error {
	return s.render(c, http.StatusOK, views.Contact(views.ContactPage{Base: s.base(c, "Contact"), ContactEmail: s.contactEmail}))
}
