package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// unsubscribeMessage is what an unsubscribe link's signature signs. The
// signature is the whole credential of the link: it lets its holder turn
// that one subscription off, nothing else.
func unsubscribeMessage(userID int64, topic string) string {
	return "u=" + strconv.FormatInt(userID, 10) + "&t=" + topic
}

// unsubscribeURL is the absolute one-click unsubscribe link for a user's
// subscription to a topic, for a message's body and List-Unsubscribe
// header. It is "" if the signing secret cannot be read; the message then
// goes without the link rather than not at all.
func (s *Server) unsubscribeURL(userID int64, topic string) string {
	sig, err := s.sign(context.Background(), unsubscribeKeyName, unsubscribeMessage(userID, topic))
	if err != nil {
		s.log.Error("read the unsubscribe key", "err", err)
		return ""
	}
	q := url.Values{"u": {strconv.FormatInt(userID, 10)}, "t": {topic}, "sig": {sig}}
	return s.siteURL("/unsubscribe?" + q.Encode())
}

// unsubscribeRequest checks an unsubscribe link's parameters (from the
// query, or the form of the confirmation page) and returns what they name.
func (s *Server) unsubscribeRequest(c echo.Context) (userID int64, topic string, err error) {
	bad := &Error{Status: http.StatusBadRequest, Code: "bad_signature",
		Message: "This unsubscribe link is not valid: it may have been cut short or changed. Copy the whole link from the email, or sign in and change your email settings on your account page."}
	userID, perr := strconv.ParseInt(c.FormValue("u"), 10, 64)
	topic = c.FormValue("t")
	if perr != nil || userID <= 0 || topic == "" {
		return 0, "", bad
	}
	ok, err := s.verifyOrPrevious(c.Request().Context(), unsubscribeKeyName, unsubscribeMessage(userID, topic), c.FormValue("sig"))
	if err != nil {
		return 0, "", err
	}
	if !ok {
		return 0, "", bad
	}
	return userID, topic, nil
}

// topicLabels say in words what each subscription is.
var topicLabels = map[string]string{
	store.TopicConsultations: "emails when a consultation opens",
	store.TopicCommentNews:   "emails about your comments (receipts, moderation, replies and answers)",
}

// unsubscribePage asks to confirm: a GET must change nothing, since mail
// scanners follow links.
func (s *Server) unsubscribePage(c echo.Context) error {
	_, topic, err := s.unsubscribeRequest(c)
	if err != nil {
		return err
	}
	p := views.UnsubscribePage{Base: s.noindex(c, "Unsubscribe"), Topic: topicLabels[topic],
		Action: "/unsubscribe?" + url.Values{"u": {c.FormValue("u")}, "t": {topic}, "sig": {c.FormValue("sig")}}.Encode()}
	return s.render(c, http.StatusOK, views.UnsubscribeView(p))
}

// unsubscribe turns the subscription off. It answers the confirmation
// page's button and the one-click POST of mail clients (RFC 8058) alike;
// the signature is the credential, so it needs no CSRF token.
func (s *Server) unsubscribe(c echo.Context) error {
	userID, topic, err := s.unsubscribeRequest(c)
	if err != nil {
		return err
	}
	ctx := store.WithActor(c.Request().Context(), store.Actor{UserID: userID, Process: "unsubscribe link", IP: c.RealIP()})
	if err := s.db.SetSubscription(ctx, userID, topic, false); err != nil {
		return err
	}
	p := views.UnsubscribePage{Base: s.noindex(c, "Unsubscribed"), Topic: topicLabels[topic], Done: true}
	return s.render(c, http.StatusOK, views.UnsubscribeView(p))
}

// saveSubscriptions stores the account page's email settings.
func (s *Server) saveSubscriptions(c echo.Context) error {
	u := userFrom(c)
	for _, topic := range store.Topics {
		on := c.FormValue(topic) == "1"
		if err := s.db.SetSubscription(actorCtx(c), u.ID, topic, on); err != nil {
			return err
		}
	}
	return s.redirectFlash(c, "/account#email", "subscriptions")
}
