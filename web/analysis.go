package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// byLabels are the words for the ways a matrix groups its rows.
var byLabels = map[string]struct{ heading, view string }{
	"jurisdiction": {"Jurisdiction", "By jurisdiction"},
	"region":       {"Region", "By region"},
	"type":         {"Type", "By type of instrument"},
}

// coverageOptions reads framework, by and reviewed. An unknown grouping or
// a malformed flag is a 400 naming the parameter.
func (s *Server) coverageOptions(c echo.Context) (store.CoverageOptions, error) {
	o := store.CoverageOptions{Framework: c.QueryParam("framework"), By: c.QueryParam("by")}
	if o.Framework == "" {
		o.Framework = s.fwSlug
	}
	if o.By == "" {
		o.By = "jurisdiction"
	}
	if !slices.Contains(store.CoverageRows, o.By) {
		return o, badRequest("by", "by must be one of "+strings.Join(store.CoverageRows, ", "))
	}
	r, err := parseFlag(c, "reviewed")
	if err != nil {
		return o, err
	}
	o.Reviewed = r
	// National by default, so that the matrix's numbers and the JSON stay
	// what they were; applicable is asked for.
	if o.Scope, err = parseScope(c, store.ScopeNational); err != nil {
		return o, err
	}
	return o, nil
}

// parseFlag reads a yes/no query parameter: 1/true, or 0/false/absent.
func parseFlag(c echo.Context, name string) (bool, error) {
	switch c.QueryParam(name) {
	case "", "0", "false":
		return false, nil
	case "1", "true", "on": // "on": what a checkbox without a value sends
		return true, nil
	default:
		return false, badRequest(name, name+" must be 1 or 0")
	}
}

// policiesURL is the address of the policy list filtered by key, value
// pairs, with reviewed=1 when only reviewed mappings count: the list whose
// total a coverage number is.
func policiesURL(reviewed bool, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	if reviewed {
		v.Set("reviewed", "1")
	}
	return listURL("/policies", v)
}

// withCodes adds challenge=code for every code to key, value pairs.
func withCodes(codes []string, kv ...string) []string {
	for _, c := range codes {
		kv = append(kv, "challenge", c)
	}
	return kv
}

// shade places n on the scale of Shades classes whose top is max; 0 stays 0.
func shade(n, max int) int {
	if n <= 0 || max <= 0 {
		return 0
	}
	return min(views.Shades, (n*views.Shades+max-1)/max)
}

// legend says which counts each shade stands for, given the top of the
// scale; shades that no count reaches are left out.
func legend(max int) []views.LegendEntry {
	out := []views.LegendEntry{{Shade: 0, Label: "None"}}
	lo := 1
	for k := 1; k <= views.Shades && lo <= max; k++ {
		hi := lo
		for hi+1 <= max && shade(hi+1, max) == k {
			hi++
		}
		if shade(lo, max) != k {
			continue
		}
		label := fmt.Sprint(lo)
		if hi > lo {
			label = fmt.Sprintf("%d–%d", lo, hi)
		}
		out = append(out, views.LegendEntry{Shade: k, Label: label})
		lo = hi + 1
	}
	return out
}

var anchorRE = regexp.MustCompile(`[^A-Za-z0-9]+`)

// anchorID makes an HTML id from a prefix and a key such as "Latin America".
func anchorID(prefix, key string) string {
	return prefix + "-" + strings.Trim(anchorRE.ReplaceAllString(key, "-"), "-")
}

// orList joins names as "A", "A or B", "A, B or C".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	default:
		return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
}

// regionWords is how a gap sentence names a region: "No policy from
// international bodies maps to C5" reads better than "from International".
func regionWords(r string) string {
	if r == "International" {
		return "international bodies"
	}
	return r
}

func (s *Server) apiCoverage(c echo.Context) error {
	o, err := s.coverageOptions(c)
	if err != nil {
		return err
	}
	cv, err := s.db.Coverage(c.Request().Context(), o)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "There is no framework " + o.Framework + ".", Err: err}
	}
	if err != nil {
		return err
	}
	type rowJSON struct {
		Key    string         `json:"key"`
		Label  string         `json:"label"`
		Counts map[string]int `json:"counts"`
		// ReviewedCounts count reviewed mappings only, beside counts.
		ReviewedCounts map[string]int `json:"reviewed_counts"`
		Total          int            `json:"total"`
		Policies       int            `json:"policies"`
	}
	type itemJSON struct {
		Item     string `json:"item"`
		Title    string `json:"title"`
		Policies int    `json:"policies"`
	}
	type gapJSON struct {
		Item    string   `json:"item"`
		Missing []string `json:"missing"`
	}
	out := struct {
		Framework string         `json:"framework"`
		By        string         `json:"by"`
		Reviewed  bool           `json:"reviewed"`
		Scope     string         `json:"scope"`
		Items     []string       `json:"items"`
		Totals    map[string]int `json:"totals"`
		// ReviewedTotals count reviewed mappings only, beside totals.
		ReviewedTotals map[string]int     `json:"reviewed_totals"`
		Mappings       store.MappingTally `json:"mappings"`
		Rows           []rowJSON          `json:"rows"`
		Gaps           struct {
			LeastEvidence []itemJSON `json:"least_evidence"`
			Regions       []gapJSON  `json:"regions"`
			Jurisdictions []gapJSON  `json:"jurisdictions"`
		} `json:"gaps"`
	}{Framework: cv.Framework.Slug, By: cv.By, Reviewed: cv.Reviewed, Scope: cv.Scope, Items: []string{}, Totals: map[string]int{}, ReviewedTotals: map[string]int{}, Mappings: cv.Tally, Rows: []rowJSON{}}
	for _, it := range cv.Items {
		out.Items = append(out.Items, it.Code)
		out.Totals[it.Code] = it.Policies
		out.ReviewedTotals[it.Code] = it.ReviewedPolicies
	}
	for _, r := range cv.Rows {
		counts, reviewed := map[string]int{}, map[string]int{}
		for _, code := range out.Items {
			counts[code] = r.Counts[code]
			reviewed[code] = r.ReviewedCounts[code]
		}
		out.Rows = append(out.Rows, rowJSON{Key: r.Key, Label: r.Label, Counts: counts, ReviewedCounts: reviewed, Total: r.Total, Policies: r.Policies})
	}
	out.Gaps.LeastEvidence = []itemJSON{}
	for _, it := range cv.Gaps.Least {
		out.Gaps.LeastEvidence = append(out.Gaps.LeastEvidence, itemJSON{Item: it.Code, Title: it.Title, Policies: it.Policies})
	}
	gaps := func(gs []store.CoverageGap) []gapJSON {
		out := []gapJSON{}
		for _, g := range gs {
			if len(g.Missing) > 0 {
				out = append(out, gapJSON{Item: g.Item, Missing: g.Missing})
			}
		}
		return out
	}
	out.Gaps.Regions = gaps(cv.Gaps.Regions)
	out.Gaps.Jurisdictions = gaps(cv.Gaps.Jurisdictions)
	return c.JSON(http.StatusOK, out)
}

func (s *Server) coverage(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.coverageOptions(c)
	if err != nil {
		return err
	}
	cv, err := s.db.Coverage(ctx, o)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	words := byLabels[cv.By]
	fw := cv.Framework
	rv := o.Reviewed
	page := views.CoveragePage{Base: s.base(c, "Coverage"), Framework: fw.Slug, FrameworkName: fw.Title, By: cv.By,
		ByLabel: words.heading, Reviewed: rv}
	page.Description = "How many IoT security policies address each research question and challenge, by jurisdiction, region and type, and where the gaps are."
	page.Caption = "Policies addressing each item, by " + strings.ToLower(words.heading)
	if rv {
		page.Caption += ", counting reviewed mappings only"
	}
	applicable := cv.Scope == store.ScopeApplicable
	coverageURL := func(by string, reviewed bool, scope string) string {
		v := url.Values{}
		if fw.Slug != s.fwSlug {
			v.Set("framework", fw.Slug)
		}
		v.Set("by", by)
		if reviewed {
			v.Set("reviewed", "1")
		}
		if scope == store.ScopeApplicable && by == "jurisdiction" {
			v.Set("scope", scope)
		}
		return listURL("/coverage", v)
	}
	// rowKV filters the policy list to what a row counts: in the applicable
	// scope a jurisdiction's own, its blocs' and international policies.
	rowKV := func(key string, kv ...string) []string {
		if cv.By == "jurisdiction" {
			return append(l.jurisdictionKV(key, cv.Scope), kv...)
		}
		return append([]string{cv.By, key}, kv...)
	}
	for _, by := range store.CoverageRows {
		page.Views = append(page.Views, views.Option{Value: by, Label: byLabels[by].view, Href: coverageURL(by, rv, cv.Scope), Selected: by == cv.By})
	}
	if cv.By == "jurisdiction" {
		page.ScopeToggle = views.Option{Label: "Count the bloc and international instruments that apply too",
			Href: coverageURL(cv.By, rv, store.ScopeApplicable)}
		if applicable {
			page.ScopeToggle = views.Option{Label: "Count national instruments only", Href: coverageURL(cv.By, rv, store.ScopeNational)}
		}
	}
	page.Applicable = applicable && cv.By == "jurisdiction"
	if page.Applicable {
		page.Caption += ", with the bloc and international instruments that apply in each"
	}
	page.Tally = cv.Tally
	for _, it := range cv.Items {
		if it.Policies == 0 {
			page.Unmapped = append(page.Unmapped, views.NavItem{Href: views.ItemURL(fw.Slug, it.Code), Label: it.Code + " " + it.Title})
		}
	}
	unmapped := map[string]bool{}
	for _, it := range cv.Items {
		unmapped[it.Code] = it.Policies == 0
	}
	var codes []string
	for _, it := range cv.Items {
		codes = append(codes, it.Code)
		page.Cols = append(page.Cols, views.MatrixCol{Code: it.Code, Title: it.Title, Href: views.ItemURL(fw.Slug, it.Code),
			ID: anchorID("col", it.Code), Depth: it.Depth})
	}
	top := 0
	for _, r := range cv.Rows {
		for _, n := range r.Counts {
			top = max(top, n)
		}
	}
	for _, r := range cv.Rows {
		row := views.MatrixRow{Key: r.Key, Label: r.Label, ID: anchorID("row", r.Key),
			Total:    views.MatrixCell{Count: r.Total, Href: policiesURL(rv, withCodes(codes, rowKV(r.Key)...)...)},
			Policies: views.MatrixCell{Count: r.Policies, Href: policiesURL(false, rowKV(r.Key)...)}}
		row.Href = policiesURL(false, cv.By, r.Key)
		if cv.By == "jurisdiction" {
			row.Href = views.JurisdictionURL(r.Key)
		}
		for _, code := range codes {
			n := r.Counts[code]
			row.Cells = append(row.Cells, views.MatrixCell{Count: n, Shade: shade(n, top),
				Href:     policiesURL(rv, rowKV(r.Key, "challenge", code)...),
				Reviewed: r.ReviewedCounts[code], ShowReviewed: !rv})
		}
		page.Rows = append(page.Rows, row)
	}
	mapped, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1, Reviewed: rv, Facets: map[string][]string{"challenge": codes}})
	if err != nil {
		return err
	}
	all, err := s.db.Policies(ctx, store.PolicyFilter{PerPage: 1})
	if err != nil {
		return err
	}
	page.Totals = views.MatrixRow{Label: "Whole knowledge base",
		Total:    views.MatrixCell{Count: mapped.Total, Href: policiesURL(rv, withCodes(codes)...)},
		Policies: views.MatrixCell{Count: all.Total, Href: "/policies"}}
	for _, it := range cv.Items {
		page.Totals.Cells = append(page.Totals.Cells, views.MatrixCell{Count: it.Policies, Href: policiesURL(rv, "challenge", it.Code),
			Reviewed: it.ReviewedPolicies, ShowReviewed: !rv})
	}
	page.Legend = legend(top)
	for _, it := range cv.Gaps.Least {
		page.Least = append(page.Least, views.GapItem{Code: it.Code, Title: it.Title, Href: views.ItemURL(fw.Slug, it.Code),
			Count: it.Policies, ListHref: policiesURL(rv, "challenge", it.Code)})
	}
	titles := map[string]string{}
	for _, it := range cv.Items {
		titles[it.Code] = it.Title
	}
	for _, g := range cv.Gaps.Regions {
		if len(g.Missing) == 0 || unmapped[g.Item] {
			continue
		}
		names := make([]string, len(g.Missing))
		for i, r := range g.Missing {
			names[i] = regionWords(r)
		}
		where := orList(names)
		if g.All {
			where = "any region"
		}
		page.RegionGaps = append(page.RegionGaps, views.GapLine{Code: g.Item, Title: titles[g.Item],
			Href: views.ItemURL(fw.Slug, g.Item), Where: where})
	}
	for _, g := range cv.Gaps.Jurisdictions {
		if len(g.Missing) == 0 || unmapped[g.Item] {
			continue
		}
		names := make([]string, len(g.Missing))
		for i, j := range g.Missing {
			names[i] = l.value("jurisdiction", j)
		}
		where := orList(names)
		if g.All {
			where = "any of them"
		}
		page.JurisGaps = append(page.JurisGaps, views.GapLine{Code: g.Item, Title: titles[g.Item],
			Href: views.ItemURL(fw.Slug, g.Item), Where: where})
	}
	api := url.Values{"framework": {fw.Slug}, "by": {cv.By}}
	if rv {
		api.Set("reviewed", "1")
	}
	if cv.Scope == store.ScopeApplicable {
		api.Set("scope", cv.Scope)
	}
	page.Downloads = []views.NavItem{
		{Href: listURL("/api/v1/coverage", api), Label: "This matrix as JSON"},
		{Href: "/api/v1/frameworks/" + url.PathEscape(fw.Slug) + "/mappings?format=csv", Label: "Every mapping as CSV"},
		{Href: "/api/v1/frameworks/" + url.PathEscape(fw.Slug) + "/mappings?format=oscal", Label: "Every mapping as an OSCAL 1.2 mapping collection (JSON)"},
	}
	return s.render(c, http.StatusOK, views.CoverageView(page))
}
