package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Error is an error with an HTTP status, a stable code for API clients, a
// message for people, and optionally the fields at fault.
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
	Err     error
	// RetryAfter, when set, is sent as the Retry-After header (429).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// badRequest is a 400 naming what is wrong with the request.
func badRequest(field, msg string) *Error {
	e := &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
	if field != "" {
		e.Fields = map[string]string{field: msg}
	}
	return e
}

// statusCoder is implemented by errors of other packages that know their
// HTTP status (the search index while it rebuilds, for one).
type statusCoder interface {
	HTTPStatus() int
}

// classify turns any error into an *Error.
func classify(err error) *Error {
	var e *Error
	var he *echo.HTTPError
	var ve *store.ValidationError
	var sc statusCoder
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &ve):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Some fields are not valid.", Fields: ve.Fields, Err: err}
	case errors.Is(err, store.ErrConsultationNotOpen):
		return &Error{Status: http.StatusConflict, Code: "consultation_not_open", Message: "This consultation is not open for comments yet.", Err: err}
	case errors.Is(err, store.ErrConsultationClosed):
		return &Error{Status: http.StatusConflict, Code: "consultation_closed", Message: "This consultation is closed: it no longer takes comments.", Err: err}
	case errors.Is(err, store.ErrConsultationExists):
		return &Error{Status: http.StatusConflict, Code: "consultation_exists",
			Message: "This document has a consultation that has not closed yet; close it before opening another.", Err: err}
	case errors.Is(err, store.ErrAlreadyPublished):
		return &Error{Status: http.StatusConflict, Code: "already_published",
			Message: "That version is published already; a new edition must publish a later version.", Err: err}
	case errors.Is(err, store.ErrConsultationOpen):
		return &Error{Status: http.StatusConflict, Code: "consultation_open",
			Message: "This consultation has opened: its opening time, questions and moderation mode can no longer change, and it cannot be deleted.", Err: err}
	case isRateLimited(err):
		rl, _ := store.IsRateLimited(err)
		return &Error{Status: http.StatusTooManyRequests, Code: "too_many_requests",
			Message: "You have sent many comments in the last hour. Please wait " + waitWords(rl.Wait) + " before sending another.",
			Err:     err, RetryAfter: rl.Wait}
	case errors.Is(err, store.ErrStaleImport), isRefusedTable(err):
		// A table checked against comments that changed since (hidden,
		// withdrawn, answered meanwhile) no longer applies as it was shown.
		return staleImport(err)
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: pageNotFound, Err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "That already exists or was changed meanwhile.", Err: err}
	case errors.As(err, &sc):
		return &Error{Status: sc.HTTPStatus(), Code: codeFor(sc.HTTPStatus()), Message: err.Error(), Err: err}
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		if he.Code == http.StatusNotFound {
			msg = pageNotFound
		}
		return &Error{Status: he.Code, Code: codeFor(he.Code), Message: msg, Err: err}
	default:
		return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on our side. Please try again.", Err: err}
	}
}

// pageNotFound is the message of a 404 on a page; the API names the
// resource instead (api_notfound.go).
const pageNotFound = "We could not find that page."

func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnprocessableEntity:
		return "invalid"
	case http.StatusTooManyRequests:
		return "too_many_requests"
	case http.StatusServiceUnavailable:
		return "unavailable"
	default:
		if status >= 500 {
			return "internal"
		}
		return "error"
	}
}

// answersJSON tells whether an error is answered in JSON: under /api/,
// and the citation finder asked for a format (JSON, by the editor's
// script): a program reads that answer. (Only the error's form: isAPI
// alone decides what signing in means.)
func answersJSON(c echo.Context) bool {
	return isAPI(c) || (c.Request().URL.Path == "/cite" && c.QueryParam("format") != "")
}

// handleError is the one place errors become answers: JSON under /api,
// an HTML page elsewhere. Only server errors are logged as errors.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if clientGone(c, err) {
		// Nobody is left to read an answer; the status is for the log
		// line and the metrics, which must not count it as our failure.
		s.log.Debug("client closed the request", "path", c.Request().URL.Path, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		_ = c.NoContent(StatusClientClosedRequest)
		return
	}
	e := classify(err)
	if e.Status >= 500 {
		s.log.Error("request failed", "path", c.Request().URL.Path, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if e.RetryAfter > 0 {
		retryAfter(c, e.RetryAfter)
	}
	if answersJSON(c) {
		msg := e.Message
		if e.Status == http.StatusNotFound && msg == pageNotFound {
			msg = apiNotFoundMessage(c)
		}
		body := map[string]any{"code": e.Code, "message": msg}
		if len(e.Fields) > 0 {
			body["fields"] = e.Fields
		}
		_ = c.JSON(e.Status, map[string]any{"error": body})
		return
	}
	heading := map[int]string{
		http.StatusNotFound:              "Page not found",
		http.StatusBadRequest:            "That request could not be understood",
		http.StatusForbidden:             "You cannot do that",
		http.StatusUnauthorized:          "Please sign in",
		http.StatusRequestEntityTooLarge: "That upload is too large",
		http.StatusServiceUnavailable:    "Temporarily unavailable",
		http.StatusTooManyRequests:       "Too many attempts",
		http.StatusConflict:              "That cannot be done now",
	}[e.Status]
	if heading == "" {
		heading = http.StatusText(e.Status)
	}
	page := views.ErrorPage{Base: s.base(c, heading), Status: e.Status, Heading: heading, Message: e.Message, Kept: keptFields(c, e.Status)}
	page.NoIndex = true
	if rerr := s.render(c, e.Status, views.ErrorView(page)); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		_ = c.String(e.Status, e.Message)
	}
}

// maxKept bounds what an error page shows back of a refused form, all
// fields together: enough for a long comment, and never a copy of
// megabytes a stranger posted.
const maxKept = 64 << 10

// keptFields returns the text a refused form POST carried (never a
// password or the CSRF token), for the error page to show back: a long
// draft typed before a session expired must not vanish with a 401 or 403.
// At most maxKept bytes are shown: a value past that is cut at a
// character boundary, and the fields after it are left out.
func keptFields(c echo.Context, status int) []views.KeptField {
	req := c.Request()
	if req.Method != http.MethodPost || (status != http.StatusForbidden && status != http.StatusUnauthorized) {
		return nil
	}
	// Only a form already read by the CSRF check: parsing a body here could
	// read an upload the limits refused.
	if req.PostForm == nil {
		return nil
	}
	names := make([]string, 0, len(req.PostForm))
	for name := range req.PostForm {
		if name == "_csrf" || strings.Contains(name, "password") {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var out []views.KeptField
	left := maxKept
	for _, name := range names {
		for _, v := range req.PostForm[name] {
			if strings.TrimSpace(v) == "" {
				continue
			}
			left -= len(name)
			if left <= 0 {
				return out
			}
			if len(v) > left {
				v = strings.ToValidUTF8(v[:left], "")
			}
			left -= len(v)
			out = append(out, views.KeptField{Name: name, Value: v})
		}
	}
	return out
}

// StatusClientClosedRequest is nginx's 499: the client hung up before the
// answer. It is recorded so, never as a server error.
const StatusClientClosedRequest = 499

// clientGone reports whether err comes from the client hanging up: the
// request's context was cancelled (a server-side deadline is a timeout,
// not this).
func clientGone(c echo.Context, err error) bool {
	if err == nil {
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(c.Request().Context().Err(), context.Canceled)
}

func isRateLimited(err error) bool {
	_, ok := store.IsRateLimited(err)
	return ok
}

// waitWords says a wait in words: "about 12 minutes".
func waitWords(d time.Duration) string {
	return "about " + views.Plural(int(math.Ceil(d.Minutes())), "minute", "minutes")
}

func isRefusedTable(err error) bool {
	var re *store.ResolutionError
	return errors.As(err, &re)
}
