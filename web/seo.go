package web

import (
	"encoding/xml"
	"fmt"
	"net/http"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

func (s *Server) robots(c echo.Context) error {
	return c.String(http.StatusOK, "User-agent: *\nDisallow: /admin/\nDisallow: /api/\nDisallow: /search\n"+
		"Sitemap: "+s.absURL(c, "/sitemap.xml")+"\n")
}

// origin is the scheme and host the client used.
func origin(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}

// absURL is the absolute URL of path (which starts with "/"): on the
// configured base URL, or else on the address the request came to.
func (s *Server) absURL(c echo.Context, path string) string {
	if s.baseURL != "" {
		return s.baseURL + path
	}
	return origin(c) + path
}

// siteURL is the absolute URL of path for code that answers no request,
// such as mail. Without a base URL (tests) it is the path alone.
func (s *Server) siteURL(path string) string {
	return s.baseURL + path
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemap struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

func (s *Server) sitemap(c echo.Context) error {
	ctx := c.Request().Context()
	o := s.absURL(c, "")
	sm := sitemap{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range []string{"/", "/policies", "/frameworks/" + s.fwSlug, "/coverage", "/map", "/documents"} {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: o + p})
	}
	docs, err := s.db.Documents(ctx, true) // published only: drafts are for members
	if err != nil {
		return err
	}
	for _, d := range docs {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: o + "/documents/" + d.Slug, LastMod: d.UpdatedAt.Format("2006-01-02")})
	}
	for page := 1; ; page++ {
		list, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1000, Page: page})
		if err != nil {
			return err
		}
		for _, p := range list.Items {
			sm.URLs = append(sm.URLs, sitemapURL{Loc: fmt.Sprintf("%s/policies/%s", o, p.Slug), LastMod: p.UpdatedAt.Format("2006-01-02")})
		}
		if page*1000 >= list.Total || page >= 50 {
			break
		}
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/xml; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	if _, err := c.Response().Write([]byte(xml.Header)); err != nil {
		return err
	}
	return xml.NewEncoder(c.Response()).Encode(sm)
}
