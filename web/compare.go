package web

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// The comparison of jurisdictions by topic (/compare, /compare.csv,
// /api/v1/compare): the topics of the vocabulary against two to six
// jurisdictions, each cell the instruments and provisions that address
// the topic there.

// Bounds of a comparison: fewer columns compare nothing, more do not fit
// a screen (nor the page's weight budget).
const (
	compareMin = 2
	compareMax = 6
)

// compareChoice is what a comparison was asked for: the codes in the
// order given, and whether bloc instruments count for member states.
type compareChoice struct {
	codes []string
	blocs bool
}

// readCompare reads jurisdictions (repeated, comma-joined, or both; case
// and spaces forgiven; each code once, first place kept) and blocs. Only a
// malformed blocs flag is an error here; the codes are checked by problem.
func readCompare(c echo.Context) (compareChoice, error) {
	var ch compareChoice
	for _, v := range c.QueryParams()["jurisdictions"] {
		for _, x := range strings.Split(v, ",") {
			x = strings.ToUpper(strings.TrimSpace(x))
			if x != "" && !slices.Contains(ch.codes, x) {
				ch.codes = append(ch.codes, x)
			}
		}
	}
	var err error
	ch.blocs, err = parseFlag(c, "blocs")
	return ch, err
}

// problem says why the codes cannot be compared, "" when they can: a code
// that names no jurisdiction, or a count outside 2 to 6.
func (l *labels) compareProblem(codes []string) string {
	var unknown []string
	for _, x := range codes {
		if _, ok := l.jurisdictions[x]; !ok {
			unknown = append(unknown, strconv.Quote(x))
		}
	}
	switch {
	case len(unknown) > 3:
		return fmt.Sprintf("%d of the jurisdiction codes are not known: choose jurisdictions from the list.", len(unknown))
	case len(unknown) == 1:
		return "There is no jurisdiction with the code " + unknown[0] + ": choose jurisdictions from the list."
	case len(unknown) > 1:
		return "There are no jurisdictions with the codes " + orList(unknown) + ": choose jurisdictions from the list."
	case len(codes) == 0:
		return fmt.Sprintf("Choose between %d and %d jurisdictions to compare.", compareMin, compareMax)
	case len(codes) < compareMin || len(codes) > compareMax:
		return fmt.Sprintf("Choose between %d and %d jurisdictions to compare; you chose %d.", compareMin, compareMax, len(codes))
	}
	return ""
}

// compare answers /compare: the form alone on a first visit; the form and
// the table for a good choice; the form with a message and the reader's
// choice kept (400) for a bad one. Any other spelling of a choice is
// redirected to its canonical address (commas, in the order chosen).
func (s *Server) compare(c echo.Context) error {
	ctx := c.Request().Context()
	ch, err := readCompare(c)
	if err != nil {
		return err
	}
	if len(ch.codes) > 0 && c.Request().URL.RawQuery != views.CompareQuery(ch.codes, ch.blocs) {
		return c.Redirect(http.StatusSeeOther, views.CompareURL(ch.codes, ch.blocs))
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page := views.ComparePage{Base: s.base(c, "Compare jurisdictions"), Blocs: ch.blocs, Choices: l.compareChoices(ch.codes)}
	page.Description = "Which IoT security instruments and provisions address each topic in two to six jurisdictions, side by side, mandatory ones first."
	if c.Request().URL.RawQuery == "" {
		page.Canonical = s.absURL(c, views.CompareBase)
		return s.render(c, http.StatusOK, views.CompareView(page))
	}
	if page.Problem = l.compareProblem(ch.codes); page.Problem != "" {
		page.Title = "Error: " + page.Title
		return s.render(c, http.StatusBadRequest, views.CompareView(page))
	}
	cmpn, err := s.db.Compare(ctx, ch.codes, ch.blocs)
	if err != nil {
		return err
	}
	names := make([]string, len(ch.codes))
	for i, code := range ch.codes {
		names[i] = l.value("jurisdiction", code)
		page.Columns = append(page.Columns, views.CompareColumn{Code: code, Name: names[i], Href: views.JurisdictionURL(code)})
	}
	page.Title = "Compare " + strings.Join(names, ", ")
	page.Canonical = s.absURL(c, views.CompareURL(ch.codes, ch.blocs))
	page.CSVHref = views.CompareCSVURL(ch.codes, ch.blocs)
	page.JSONHref = "/api/v1" + views.CompareURL(ch.codes, ch.blocs)
	for _, t := range cmpn.Topics {
		row := views.CompareRow{Href: views.TopicURL(t.Slug), Title: t.Title}
		for _, code := range ch.codes {
			row.Cells = append(row.Cells, bindingGroups(cmpn.Cells[t.Slug][code]))
		}
		page.Rows = append(page.Rows, row)
	}
	return s.render(c, http.StatusOK, views.CompareView(page))
}

// compareChoices are the form's checkboxes by region: the jurisdictions
// that have instruments, the member states of blocs that have some (their
// columns fill when bloc instruments count), and whatever was chosen.
func (l *labels) compareChoices(chosen []string) []views.ChoiceRegion {
	offered := map[string]bool{}
	for code, j := range l.jurisdictions {
		if j.Policies > 0 || slices.Contains(chosen, code) {
			offered[code] = true
		}
	}
	for member, blocs := range l.memberOf {
		for _, b := range blocs {
			if l.jurisdictions[b].Policies > 0 {
				offered[member] = true
			}
		}
	}
	regions := map[string][]views.JurisdictionChoice{}
	for code := range offered {
		r := l.region(code)
		regions[r] = append(regions[r], views.JurisdictionChoice{Code: code, Name: l.value("jurisdiction", code),
			Checked: slices.Contains(chosen, code)})
	}
	var out []views.ChoiceRegion
	for _, r := range sortedRegions(regions) {
		opts := regions[r]
		slices.SortFunc(opts, func(a, b views.JurisdictionChoice) int { return cmp.Compare(a.Name, b.Name) })
		out = append(out, views.ChoiceRegion{ID: anchorID("cr", r), Name: r, Options: opts})
	}
	return out
}

// checkedCompare reads and checks a comparison asked of the API or the
// CSV download (a bad choice is a 400 naming the parameter) and reads it
// from the store.
func (s *Server) checkedCompare(c echo.Context) (compareChoice, *labels, store.Comparison, error) {
	ch, err := readCompare(c)
	if err != nil {
		return ch, nil, store.Comparison{}, err
	}
	l, err := s.labels(c.Request().Context())
	if err != nil {
		return ch, nil, store.Comparison{}, err
	}
	if p := l.compareProblem(ch.codes); p != "" {
		return ch, nil, store.Comparison{}, badRequest("jurisdictions", p)
	}
	cmpn, err := s.db.Compare(c.Request().Context(), ch.codes, ch.blocs)
	return ch, l, cmpn, err
}

// compareCSVHeader is the header of /compare.csv. Each row is one topic in
// one jurisdiction with one instrument (provision empty when the
// instrument as a whole addresses the topic) or one of its provisions; a
// topic with nothing in a jurisdiction has one row with the instrument
// columns empty, so that gaps show in a spreadsheet's filters. binding is
// mandatory, voluntary or unknown; via names the bloc through which an
// instrument counts for a member state (with blocs=1).
var compareCSVHeader = []string{"topic", "topic_title", "jurisdiction", "jurisdiction_name", "binding", "via",
	"policy", "policy_title", "provision", "provision_label", "provision_title", "url"}

// compareCSV answers /compare.csv: the comparison as one row per topic,
// jurisdiction and instrument or provision (see compareCSVHeader).
func (s *Server) compareCSV(c echo.Context) error {
	ch, l, cmpn, err := s.checkedCompare(c)
	if err != nil {
		return err
	}
	// Titles are people's text and could start like a spreadsheet formula.
	cell := content.SpreadsheetCell
	rows := [][]string{compareCSVHeader}
	for _, t := range cmpn.Topics {
		for _, code := range ch.codes {
			lead := []string{t.Slug, cell(t.Title), code, cell(l.value("jurisdiction", code))}
			ins := cmpn.Cells[t.Slug][code]
			if len(ins) == 0 {
				rows = append(rows, append(slices.Clone(lead), "", "", "", "", "", "", "", ""))
				continue
			}
			for _, in := range ins {
				row := append(slices.Clone(lead), bindingKey(in.Binding), in.Via, in.Slug, cell(in.DisplayTitle()))
				if len(in.Provisions) == 0 {
					rows = append(rows, append(row, "", "", "", s.absURL(c, views.PolicyURL(in.Slug))))
				}
				for _, v := range in.Provisions {
					rows = append(rows, append(slices.Clone(row), v.Ref, cell(provisionLabel(v)), cell(v.Title),
						s.absURL(c, views.ProvisionAnchorURL(in.Slug, v.Ref))))
				}
			}
		}
	}
	// Codes are letters, safe in a header.
	attachment(c, "text/csv; charset=utf-8", "accord-compare-"+strings.Join(ch.codes, "-")+".csv")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	w.UseCRLF = true
	return w.WriteAll(rows)
}

// apiCompare answers /api/v1/compare: the jurisdictions compared, then
// each topic with one cell per jurisdiction, in the order asked.
func (s *Server) apiCompare(c echo.Context) error {
	ch, l, cmpn, err := s.checkedCompare(c)
	if err != nil {
		return err
	}
	type jurisdictionJSON struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		Region string `json:"region"`
	}
	type entryJSON struct {
		topicInstrumentJSON
		// Via names the bloc through which the instrument counts for a
		// member state; null for the jurisdiction's own.
		Via *string `json:"via"`
	}
	type cellJSON struct {
		Jurisdiction string      `json:"jurisdiction"`
		Instruments  []entryJSON `json:"instruments"`
	}
	type topicJSON struct {
		Slug  string     `json:"slug"`
		Title string     `json:"title"`
		Cells []cellJSON `json:"cells"`
	}
	out := struct {
		Jurisdictions []jurisdictionJSON `json:"jurisdictions"`
		Blocs         bool               `json:"blocs"`
		Topics        []topicJSON        `json:"topics"`
		URL           string             `json:"url"`
	}{Jurisdictions: []jurisdictionJSON{}, Blocs: ch.blocs, Topics: []topicJSON{}, URL: s.absURL(c, views.CompareURL(ch.codes, ch.blocs))}
	for _, code := range ch.codes {
		j := l.jurisdictions[code]
		out.Jurisdictions = append(out.Jurisdictions, jurisdictionJSON{Code: code, Name: j.Name, Region: j.Region})
	}
	for _, t := range cmpn.Topics {
		tj := topicJSON{Slug: t.Slug, Title: t.Title, Cells: []cellJSON{}}
		for _, code := range ch.codes {
			cj := cellJSON{Jurisdiction: code, Instruments: []entryJSON{}}
			for _, in := range cmpn.Cells[t.Slug][code] {
				cj.Instruments = append(cj.Instruments, entryJSON{topicInstrumentJSON: s.toTopicInstrumentJSON(c, in), Via: nullString(in.Via)})
			}
			tj.Cells = append(tj.Cells, cj)
		}
		out.Topics = append(out.Topics, tj)
	}
	return c.JSON(http.StatusOK, out)
}
