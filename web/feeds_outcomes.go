package web

import (
	"fmt"
	"sort"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// maxFeedEditions is how many editions the outcomes feed carries.
const maxFeedEditions = 50

// outcomesFeed answers /outcomes.atom: every edition of every published
// document, the newest first. Each edition is an entry of its own, with
// its stable URL as id, since each is cited on its own. A draft has no
// edition, so it never appears.
func (s *Server) outcomesFeed(c echo.Context) error {
	ctx := c.Request().Context()
	outcomes, err := s.db.Outcomes(ctx)
	if err != nil {
		return fmt.Errorf("outcomes feed: %w", err)
	}
	var all []store.Edition
	for _, o := range outcomes {
		all = append(all, o.All...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].PublishedAt.Equal(all[j].PublishedAt) {
			return all[i].PublishedAt.After(all[j].PublishedAt)
		}
		if all[i].Document != all[j].Document {
			return all[i].Document < all[j].Document
		}
		return all[i].Number > all[j].Number
	})
	if len(all) > maxFeedEditions {
		all = all[:maxFeedEditions]
	}
	group, err := s.groupName(ctx)
	if err != nil {
		return fmt.Errorf("outcomes feed: %w", err)
	}
	o := s.absURL(c, "")
	feed := atomFeed{Title: "Accord: published outcomes", ID: o + "/outcomes.atom", Updated: apiTime(s.now()),
		Author: atomPerson{Name: group},
		Links: []atomLink{{Href: o + "/outcomes.atom", Rel: "self", Type: "application/atom+xml"},
			{Href: o + "/outcomes", Rel: "alternate", Type: "text/html"}}}
	if len(all) > 0 {
		// Newest first: the feed changed when its first entry was published.
		feed.Updated = apiTime(all[0].PublishedAt)
	}
	for _, e := range all {
		u := o + views.EditionURL(e.Document, e.Number)
		feed.Entries = append(feed.Entries, atomEntry{Title: fmt.Sprintf("%s — edition %d", e.Title, e.Number), ID: u,
			Updated: apiTime(e.PublishedAt), Link: atomLink{Href: u, Rel: "alternate", Type: "text/html"}, Summary: e.Summary})
	}
	return writeAtom(c, feed)
}
