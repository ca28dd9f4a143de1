package web

import (
	"slices"
	"sort"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/labstack/echo/v4"
)

// parseScope reads scope=national|applicable, def when absent; any other
// value is a 400 naming the parameter.
func parseScope(c echo.Context, def string) (string, error) {
	v := c.QueryParam("scope")
	if v == "" {
		return def, nil
	}
	if !slices.Contains(store.Scopes, v) {
		return "", badRequest("scope", "scope must be one of "+strings.Join(store.Scopes, ", "))
	}
	return v, nil
}

// applicableCodes are the jurisdiction values whose policies apply in
// code: itself, the blocs it belongs to and, for a country, every
// international body. The policy list filtered to them has as many
// policies as the applicable scope counts.
func (l *labels) applicableCodes(code string) []string {
	out := []string{code}
	if l.jurisdictions[code].Kind != "country" {
		return out
	}
	out = append(out, l.memberOf[code]...)
	var intl []string
	for c, j := range l.jurisdictions {
		if j.Kind == "international" {
			intl = append(intl, c)
		}
	}
	sort.Strings(intl)
	return append(out, intl...)
}

// jurisdictionKV is the key, value pairs that filter the policy list to
// what counts for code in the scope.
func (l *labels) jurisdictionKV(code, scope string) []string {
	codes := []string{code}
	if scope == store.ScopeApplicable {
		codes = l.applicableCodes(code)
	}
	var kv []string
	for _, c := range codes {
		kv = append(kv, "jurisdiction", c)
	}
	return kv
}
