package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// unsubscribeKeyName is the meta key of the secret that signs unsubscribe
// links; kept in the database so that every node signs alike.
const unsubscribeKeyName = "unsubscribe_key"

// unsubscribeKey caches the signing secret once read; it never changes
// while the server runs (rotation is a CLI command, and a restart).
type unsubscribeKey struct {
	mu  sync.Mutex
	key []byte
}

// unsubscribeSecret returns the signing secret, creating it on first use.
func (s *Server) unsubscribeSecret(ctx context.Context) ([]byte, error) {
	s.unsub.mu.Lock()
	defer s.unsub.mu.Unlock()
	if s.unsub.key == nil {
		k, err := s.db.Secret(ctx, unsubscribeKeyName)
		if err != nil {
			return nil, err
		}
		s.unsub.key = []byte(k)
	}
	return s.unsub.key, nil
}

// unsubscribeSig signs a user and topic. The signature is the whole
// credential of an unsubscribe link: it lets its holder turn that one
// subscription off, nothing else.
func unsubscribeSig(key []byte, userID int64, topic string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("u=" + strconv.FormatInt(userID, 10) + "&t=" + topic))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// unsubscribeURL is the absolute one-click unsubscribe link for a user's
// subscription to a topic, for a message's body and List-Unsubscribe
// header. It is "" if the signing secret cannot be read; the message then
// goes without the link rather than not at all.
func (s *Server) unsubscribeURL(userID int64, topic string) string {
	key, err := s.unsubscribeSecret(context.Background())
	if err != nil {
		s.log.Error("read the unsubscribe key", "err", err)
		return ""
	}
	q := url.Values{"u": {strconv.FormatInt(userID, 10)}, "t": {topic}, "sig": {unsubscribeSig(key, userID, topic)}}
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
	key, err := s.unsubscribeSecret(c.Request().Context())
	if err != nil {
		return 0, "", err
	}
	want := unsubscribeSig(key, userID, topic)
	if !hmac.Equal([]byte(c.FormValue("sig")), []byte(want)) {
		return 0, "", bad
	}
	return userID, topic, nil
}

// topicLabels say in words what each subscription is.
var topicLabels = map[string]string{
	store.TopicConsultations: "emails when a consultation opens",
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
	on := c.FormValue(store.TopicConsultations) == "1"
	if err := s.db.SetSubscription(actorCtx(c), u.ID, store.TopicConsultations, on); err != nil {
		return err
	}
	return s.redirectFlash(c, "/account#email", "subscriptions")
}
