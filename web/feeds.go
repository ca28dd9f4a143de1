package web

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Atom 1.0 (RFC 4287), as much of it as a feed reader needs.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  *atomPerson `xml:"author,omitempty"`
	Link    atomLink    `xml:"link"`
	Summary string      `xml:"summary,omitempty"`
	Content *atomText   `xml:"content,omitempty"`
}

// atomText is a text construct; Type "html" carries escaped HTML.
type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// writeAtom sends a feed with the right content type.
func writeAtom(c echo.Context, feed atomFeed) error {
	c.Response().Header().Set(echo.HeaderContentType, "application/atom+xml; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	if _, err := c.Response().Write([]byte(xml.Header)); err != nil {
		return err
	}
	return xml.NewEncoder(c.Response()).Encode(feed)
}

// policiesAtom lists the 50 most recently added or changed policies.
func (s *Server) policiesAtom(c echo.Context) error {
	list, err := s.db.Policies(c.Request().Context(), store.PolicyFilter{Sort: "updated", PerPage: 50})
	if err != nil {
		return err
	}
	o := s.absURL(c, "")
	feed := atomFeed{Title: "Accord: new and updated IoT security policies", ID: o + "/policies.atom",
		Updated: s.now().Format(time.RFC3339), Author: atomPerson{Name: "Accord"},
		Links: []atomLink{{Href: o + "/policies.atom", Rel: "self", Type: "application/atom+xml"}, {Href: o + "/policies", Rel: "alternate", Type: "text/html"}}}
	if len(list.Items) > 0 {
		feed.Updated = list.Items[0].UpdatedAt.Format(time.RFC3339)
	}
	for _, p := range list.Items {
		u := o + views.PolicyURL(p.Slug)
		feed.Entries = append(feed.Entries, atomEntry{Title: p.Title, ID: u, Updated: p.UpdatedAt.Format(time.RFC3339),
			Link: atomLink{Href: u, Rel: "alternate", Type: "text/html"}, Summary: p.Summary})
	}
	return writeAtom(c, feed)
}
