package web

import (
	"fmt"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// maxFeedComments is how many comments a consultation's feed carries.
const maxFeedComments = 100

// consultationFeed answers /consultations/{slug}.atom: the newest approved
// comments of one consultation. Authors are named as on the pages, so an
// anonymous comment shows only its stakeholder group and country.
func (s *Server) consultationFeed(c echo.Context, slug string) error {
	ctx := c.Request().Context()
	k, err := s.db.Consultation(ctx, slug)
	if err != nil {
		return err
	}
	// Whoever asks: a feed is public, and an upcoming consultation is not.
	if k.State(s.now()) == store.ConsultationUpcoming {
		return fmt.Errorf("consultation %s has not opened: %w", slug, store.ErrNotFound)
	}
	list, err := s.db.Comments(ctx, store.CommentFilter{Consultation: slug, Sort: "newest", PerPage: maxFeedComments})
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	o := s.absURL(c, "")
	self := o + views.ConsultationURL(slug) + ".atom"
	feed := atomFeed{Title: "Comments on " + k.Title, ID: self, Updated: apiTime(k.OpensAt), Author: atomPerson{Name: "Accord"},
		Links: []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"},
			{Href: o + views.CommentsURL(slug), Rel: "alternate", Type: "text/html"}}}
	for _, m := range list.Items {
		updated := m.CreatedAt
		if m.EditedAt.After(updated) {
			updated = m.EditedAt
		}
		if u := apiTime(updated); u > feed.Updated {
			feed.Updated = u
		}
		link := o + views.CommentURL(slug, m.ID)
		if m.Paragraph != "" {
			link = o + views.ParagraphURL(slug, m.Paragraph) + "#" + views.CommentAnchor(m.ID)
		}
		feed.Entries = append(feed.Entries, atomEntry{Title: commentFeedTitle(m), ID: o + views.CommentURL(slug, m.ID),
			Updated: apiTime(updated), Author: &atomPerson{Name: authorLine(l, m)},
			Link: atomLink{Href: link, Rel: "alternate", Type: "text/html"}, Content: &atomText{Type: "html", Text: m.BodyHTML}})
	}
	return writeAtom(c, feed)
}

// commentFeedTitle says what a comment is about: "Comment on 3.2 ¶1".
func commentFeedTitle(m store.Comment) string {
	switch {
	case m.Paragraph != "":
		return "Comment on " + m.Label
	case m.Question > 0:
		return fmt.Sprintf("Comment on question %d", m.Question)
	}
	return "Comment on the whole document"
}

// consultationsFeed answers /consultations.atom: every consultation that
// has opened, newest opening first. It depends on the clock, so it is not
// page-cached.
func (s *Server) consultationsFeed(c echo.Context) error {
	list, err := s.db.Consultations(c.Request().Context(), "")
	if err != nil {
		return err
	}
	o := s.absURL(c, "")
	now := s.now()
	feed := atomFeed{Title: "Accord: consultations", ID: o + "/consultations.atom", Updated: apiTime(now),
		Author: atomPerson{Name: "Accord"},
		Links: []atomLink{{Href: o + "/consultations.atom", Rel: "self", Type: "application/atom+xml"},
			{Href: o + "/consultations", Rel: "alternate", Type: "text/html"}}}
	first := true
	for _, k := range list {
		if k.State(now) == store.ConsultationUpcoming {
			continue
		}
		if first {
			// The list is newest opening first: the feed changed when it opened.
			feed.Updated, first = apiTime(k.OpensAt), false
		}
		u := o + views.ConsultationURL(k.Slug)
		feed.Entries = append(feed.Entries, atomEntry{Title: k.Title, ID: u, Updated: apiTime(k.OpensAt),
			Link: atomLink{Href: u, Rel: "alternate", Type: "text/html"}, Summary: consultationSummary(k)})
	}
	return writeAtom(c, feed)
}

// consultationSummary says what a consultation is about and when, in its
// own time zone.
func consultationSummary(k store.Consultation) string {
	loc := k.Location()
	const layout = "2 January 2006, 15:04 MST"
	return fmt.Sprintf("A consultation on %s (version %d), open from %s to %s.", k.DocumentTitle, k.Version,
		k.OpensAt.In(loc).Format(layout), k.ClosesAt.In(loc).Format(layout))
}
