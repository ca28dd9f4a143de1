package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// formOf reads the posted values of the named fields, trimmed, into a
// form that keeps them for a page shown again after an error.
func formOf(c echo.Context, order ...string) (views.Form, error) {
	params, err := c.FormParams()
	if err != nil {
		return views.NewForm(order...), badRequest("", "The form could not be read.")
	}
	return decodeForm(params, order...), nil
}

// decodeForm keeps the named fields of params, trimmed, and marks as an
// error any field holding invalid UTF-8 or control characters, the same
// check the store runs on every typed field: a handler that checks
// f.Invalid() before writing shows the field's error at once.
func decodeForm(params url.Values, order ...string) views.Form {
	f := views.NewForm(order...)
	for _, name := range order {
		// Passwords keep their spaces and are never shown or stored as
		// typed, so their bytes are the password's business.
		password := strings.Contains(name, "password")
		for _, v := range params[name] {
			if !password {
				v = strings.TrimSpace(v)
				if msg := store.TextProblem(v); msg != "" {
					if _, dup := f.Errors[name]; !dup {
						f.Errors[name] = msg
					}
				}
			}
			f.Values[name] = append(f.Values[name], v)
		}
	}
	return f
}

// setErrors copies a validation error's fields into the form, renaming
// them with rename when the store's names differ from the form's. It
// reports false for any other error, which the caller returns.
func setErrors(f views.Form, err error, rename func(string) string) bool {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for k, msg := range ve.Fields {
		if rename != nil {
			k = rename(k)
		}
		if _, dup := f.Errors[k]; !dup {
			f.Errors[k] = msg
		}
	}
	return true
}

// unprocessable is the status of a form shown again with its errors.
const unprocessable = http.StatusUnprocessableEntity

func choices(values []string) []views.Choice {
	out := make([]views.Choice, len(values))
	for i, v := range values {
		out[i] = views.Choice{Value: v, Label: store.Label(v)}
	}
	return out
}

// withBlank puts a first, empty choice before the others.
func withBlank(label string, cs []views.Choice) []views.Choice {
	return append([]views.Choice{{Value: "", Label: label}}, cs...)
}

// jurisdictionChoices lists jurisdictions by name; countriesOnly leaves
// out blocs and INT (for a person's country).
func (s *Server) jurisdictionChoices(c echo.Context, countriesOnly bool) ([]views.Choice, error) {
	js, err := s.db.Jurisdictions(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := make([]views.Choice, 0, len(js))
	for _, j := range js {
		if countriesOnly && j.Kind != "country" {
			continue
		}
		out = append(out, views.Choice{Value: j.Code, Label: j.Name})
	}
	return out, nil
}

func (s *Server) topicChoices(c echo.Context) ([]views.Choice, error) {
	ts, err := s.db.Topics(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := make([]views.Choice, len(ts))
	for i, t := range ts {
		out[i] = views.Choice{Value: t.Slug, Label: t.Title}
	}
	return out, nil
}

// safeNext keeps a post-sign-in destination only when it is a path on
// this site, so the sign-in form cannot be used to send people elsewhere.
// Browsers drop tabs and newlines inside URLs and read a backslash as a
// slash, so any control character, space or backslash refuses it, and
// what remains must parse as a bare path with no scheme or host.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/logout") {
		return "/"
	}
	for _, r := range next {
		if r <= ' ' || r == '\\' || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}
