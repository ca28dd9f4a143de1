package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// robotsDisallowed are the paths robots.txt keeps crawlers out of: the
// account and sign-in pages, the administration and the API, search
// results, and every form and moderation page (members only; a draft
// answers 404 to the public anyway). "*" is the wildcard the main crawlers
// honour.
var robotsDisallowed = []string{
	"/account", "/login", "/register", "/setup", "/logout", "/unsubscribe",
	"/admin/", "/api/", "/search", "/metrics", "/healthz",
	"/documents/new", "/documents/*/edit",
	"/policies/new", "/policies/import", "/policies/*/edit", "/policies/*/delete", "/policies/*/mappings/", "/policies/*/provisions/",
	"/consultations/new", "/consultations/*/edit", "/consultations/*/delete", "/consultations/*/moderation",
	"/consultations/*/resolution/import", "/consultations/*/comment$", "/consultations/*/comments/*/edit",
	"/consultations/*/comments/*/withdraw",
}

func (s *Server) robots(c echo.Context) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range robotsDisallowed {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Sitemap: " + s.absURL(c, "/sitemap.xml") + "\n")
	return c.String(http.StatusOK, b.String())
}

// origin is the scheme and host the client used. The scheme is https only
// over TLS or when a trusted proxy says so (viaTLS): echo's c.Scheme()
// believes X-Forwarded-Proto and its kin from anyone. The host is the
// request's own, so it is used only when no base URL is configured.
func (s *Server) origin(c echo.Context) string {
	scheme := "http"
	if s.viaTLS(c) {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// absURL is the absolute URL of path (which starts with "/"): on the
// configured base URL, or else on the address the request came to. With a
// base URL, nothing of the request (Host, forwarded headers) is used.
func (s *Server) absURL(c echo.Context, path string) string {
	if s.baseURL != "" {
		return s.baseURL + path
	}
	return s.origin(c) + path
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
	for _, p := range []string{"/", "/policies", views.FrameworkURL(s.fwSlug), "/coverage", "/map", "/documents"} {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: o + p})
	}
	// Published outcomes, each edition at its stable URL. A document with
	// an edition is listed under its outcome: its /documents page points
	// there with rel=canonical.
	outcomes, err := s.db.Outcomes(ctx)
	if err != nil {
		return fmt.Errorf("sitemap: %w", err)
	}
	sm.URLs = append(sm.URLs, sitemapURL{Loc: o + "/outcomes"})
	hasOutcome := map[string]bool{}
	for _, oc := range outcomes {
		slug := oc.Latest.Document
		hasOutcome[slug] = true
		sm.URLs = append(sm.URLs, sitemapURL{Loc: o + views.OutcomeURL(slug), LastMod: oc.Latest.PublishedAt.Format("2006-01-02")})
		for _, e := range oc.All {
			sm.URLs = append(sm.URLs, sitemapURL{Loc: o + views.EditionURL(slug, e.Number), LastMod: e.PublishedAt.Format("2006-01-02")})
		}
	}
	docs, err := s.db.Documents(ctx, true) // published only: drafts are for members
	if err != nil {
		return fmt.Errorf("sitemap: documents: %w", err)
	}
	for _, d := range docs {
		if hasOutcome[d.Slug] {
			continue
		}
		sm.URLs = append(sm.URLs, sitemapURL{Loc: o + views.DocumentURL(d.Slug), LastMod: d.UpdatedAt.Format("2006-01-02")})
	}
	// The topic pages: the vocabulary's order, and the pages move with the
	// policies, so no lastmod of their own.
	topics, err := s.db.Topics(ctx)
	if err != nil {
		return fmt.Errorf("sitemap: topics: %w", err)
	}
	sm.URLs = append(sm.URLs, sitemapURL{Loc: o + views.TopicsURL})
	for _, t := range topics {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: o + views.TopicURL(t.Slug)})
	}
	for page := 1; ; page++ {
		list, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1000, Page: page})
		if err != nil {
			return fmt.Errorf("sitemap: policies page %d: %w", page, err)
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
		return fmt.Errorf("sitemap: write: %w", err)
	}
	return xml.NewEncoder(c.Response()).Encode(sm)
}
