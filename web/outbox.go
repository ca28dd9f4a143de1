package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

const outboxPerPage = 50

// adminOutbox lists the outbox, newest first: what was sent, what waits,
// and what failed and why. Without SMTP it is where messages are read.
func (s *Server) adminOutbox(c echo.Context) error {
	page := 1
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("page", "page must be a whole number from 1")
		}
		page = n
	}
	msgs, total, err := s.db.Outbox(c.Request().Context(), page, outboxPerPage)
	if err != nil {
		return err
	}
	p := views.OutboxPage{Base: s.noindex(c, "Outbox"), Total: total, MaxAttempts: store.MaxAttempts}
	if s.mail != nil {
		p.Server = s.mail.Addr()
	}
	for _, m := range msgs {
		// A reset or confirmation link is the recipient's credential,
		// not the admin's.
		p.Rows = append(p.Rows, views.OutboxRow{ID: m.ID, To: m.To, Kind: m.Kind, Subject: m.Subject, Body: store.HideCredentials(m.Kind, m.Body),
			Unsubscribe: m.Unsubscribe, Created: m.CreatedAt, Attempts: m.Attempts, NextAttempt: m.NextAttempt,
			Sent: m.SentAt, LastError: m.LastError})
	}
	p.Pager = views.Pager{Page: page, Pages: int(math.Ceil(float64(total) / outboxPerPage)), Total: total,
		Href: func(n int) string { return fmt.Sprintf("/admin/outbox?page=%d", n) }}
	return s.render(c, http.StatusOK, views.OutboxView(p))
}
