package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// The finders (/policies and /search) share how their filters travel in
// the address: only the parameters that are set, each filter removable
// on its own, a chosen value kept even when nothing matches it.

// canonicalList answers a finder's address that carries empty parameters
// (what a GET form sends for every field left blank: ?q=&type=&year=)
// with a redirect to the same address without them, so that a list is
// known by one address whether or not JavaScript tidied the form.
func canonicalList(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.URL.RawQuery == "" {
			return next(c)
		}
		qp, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			// A malformed query is the handler's to refuse (400).
			return next(c)
		}
		kept, dropped := url.Values{}, false
		for k, vs := range qp {
			for _, v := range vs {
				if strings.TrimSpace(v) == "" {
					dropped = true
					continue
				}
				kept[k] = append(kept[k], v)
			}
		}
		if !dropped {
			return next(c)
		}
		// 303: the answer depends only on the address, but a redirect
		// that browsers do not remember for ever is the safer one.
		return c.Redirect(http.StatusSeeOther, listURL(r.URL.Path, kept))
	}
}

// facetOptions lists a facet's values with their counts and the links
// that choose them. A chosen value that matches nothing is listed too,
// chosen, with 0: the reader sees why the list is empty and can drop it.
func facetOptions(path string, base url.Values, name string, counts []store.FacetCount, chosen []string, label func(string) string) []views.Option {
	var opts []views.Option
	seen := map[string]bool{}
	base = cloneValues(base)
	base.Del("page")
	for _, fc := range counts {
		seen[fc.Value] = true
		v := cloneValues(base)
		v.Set(name, fc.Value)
		opts = append(opts, views.Option{Value: fc.Value, Label: label(fc.Value), Count: fc.Count,
			Href: listURL(path, v), Selected: slices.Contains(chosen, fc.Value)})
	}
	for _, x := range chosen {
		if seen[x] {
			continue
		}
		v := cloneValues(base)
		v.Set(name, x)
		opts = append(opts, views.Option{Value: x, Label: label(x), Count: 0, Href: listURL(path, v), Selected: true})
	}
	return opts
}

// facetChips are the removable chips of a facet's chosen values: each
// links to the same list without that one value.
func facetChips(path string, base url.Values, name, facetLabel string, chosen []string, label func(string) string) []views.Chip {
	var chips []views.Chip
	for _, x := range chosen {
		chips = append(chips, views.Chip{Label: facetLabel + ": " + label(x), Href: listURL(path, without(base, name, x))})
	}
	return chips
}

// without is v less the one pair name=value (and less the page, since
// the list changes).
func without(v url.Values, name, value string) url.Values {
	out := cloneValues(v)
	out.Del("page")
	out.Del(name)
	for _, x := range v[name] {
		if x != value {
			out.Add(name, x)
		}
	}
	return out
}

// keptParams are the parameters a form carries in hidden fields so that
// submitting it (choosing a sort) keeps every filter; the names in
// except are the form's own controls.
func keptParams(v url.Values, except ...string) []views.Param {
	var out []views.Param
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "page" || slices.Contains(except, k) {
			continue
		}
		for _, x := range v[k] {
			out = append(out, views.Param{Name: k, Value: x})
		}
	}
	return out
}
