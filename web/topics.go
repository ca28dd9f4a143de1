package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// The topic pages (/topics, /topics/{slug}) and their JSON: what the
// knowledge base says on each topic of the vocabulary, and where.

// topics answers /topics: every topic with its counts.
func (s *Server) topics(c echo.Context) error {
	sums, err := s.db.TopicSummaries(c.Request().Context())
	if err != nil {
		return err
	}
	page := views.TopicsPage{Base: s.base(c, "Topics")}
	page.Description = "The topics of IoT security policy, with how many instruments, provisions and jurisdictions address each."
	page.Canonical = s.absURL(c, views.TopicsURL)
	for _, t := range sums {
		page.Topics = append(page.Topics, views.TopicRow{Href: views.TopicURL(t.Slug), Title: t.Title,
			Instruments: t.Instruments, Provisions: t.Provisions, Jurisdictions: t.Jurisdictions})
	}
	return s.render(c, http.StatusOK, views.TopicsView(page))
}

// topic answers /topics/{slug}: the instruments and provisions on the
// topic by region, then jurisdiction, then binding force.
func (s *Server) topic(c echo.Context) error {
	ctx := c.Request().Context()
	tp, err := s.db.TopicInstruments(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	page := views.TopicPage{Base: s.base(c, tp.Title), Slug: tp.Slug, Heading: tp.Title,
		Instruments: tp.TopicSummary.Instruments, Provisions: tp.Provisions, Jurisdictions: tp.Jurisdictions,
		JSONHref: apiTopicURL(tp.Slug)}
	page.Description = "Which jurisdictions' IoT security instruments and provisions address " + tp.Title + ", mandatory apart from voluntary."
	page.Canonical = s.absURL(c, views.TopicURL(tp.Slug))

	byCode := map[string][]store.TopicInstrument{}
	for _, in := range tp.Instruments {
		for _, j := range in.Jurisdictions {
			byCode[j] = append(byCode[j], in) // the order, binding first, is kept
		}
	}
	regions := map[string][]views.TopicJurisdiction{}
	for code, ins := range byCode {
		r := l.region(code)
		regions[r] = append(regions[r], views.TopicJurisdiction{ID: "j-" + code, Code: code,
			Href: views.JurisdictionURL(code), Name: l.value("jurisdiction", code), Groups: bindingGroups(ins)})
	}
	for _, r := range sortedRegions(regions) {
		js := regions[r]
		slices.SortFunc(js, func(a, b views.TopicJurisdiction) int { return cmp.Compare(a.Name, b.Name) })
		page.Regions = append(page.Regions, views.TopicRegion{ID: anchorID("r", r), Name: r, Jurisdictions: js})
	}
	return s.render(c, http.StatusOK, views.TopicView(page))
}

// region is the region a jurisdiction is shown under; "Other" when the
// jurisdictions file gives none.
func (l *labels) region(code string) string {
	if r := l.jurisdictions[code].Region; r != "" {
		return r
	}
	return "Other"
}

// sortedRegions orders the keys of a map by region: alphabetically, with
// International and Other last, as the coverage matrix does.
func sortedRegions[T any](m map[string]T) []string {
	rank := func(r string) int {
		switch r {
		case "International":
			return 1
		case "Other":
			return 2
		}
		return 0
	}
	out := make([]string, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b)) })
	return out
}

// bindingLabels are the headings of the binding groups, in their order.
var bindingLabels = map[string]string{"mandatory": "Mandatory", "voluntary": "Voluntary", "unknown": "Binding not recorded"}

// bindingKey is the binding of an instrument, "unknown" when not recorded.
func bindingKey(binding string) string {
	if binding == "" {
		return "unknown"
	}
	return binding
}

// bindingGroups splits instruments, already ordered binding ones first,
// into mandatory, voluntary and unknown; groups with none are left out.
func bindingGroups(ins []store.TopicInstrument) []views.BindingGroup {
	var out []views.BindingGroup
	for _, in := range ins {
		key := bindingKey(in.Binding)
		if len(out) == 0 || out[len(out)-1].Binding != key {
			out = append(out, views.BindingGroup{Binding: key, Label: bindingLabels[key]})
		}
		g := &out[len(out)-1]
		e := views.InstrumentEntry{Href: views.PolicyURL(in.Slug), Title: in.DisplayTitle(), Type: store.Label(in.Type), Via: in.Via}
		for _, v := range in.Provisions {
			e.Provisions = append(e.Provisions, views.ProvisionEntry{Href: views.ProvisionAnchorURL(in.Slug, v.Ref),
				Label: provisionLabel(v), Title: v.Title})
		}
		g.Items = append(g.Items, e)
	}
	return out
}

// provisionLabel is what readers see of a provision's reference.
func provisionLabel(v store.TopicProvision) string {
	if v.Label != "" {
		return v.Label
	}
	return v.Ref
}

// topicProvisionJSON is a provision on a topic, in the JSON API.
type topicProvisionJSON struct {
	Ref   string `json:"ref"`
	Label string `json:"label"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// topicInstrumentJSON is an instrument on a topic, in the JSON API.
type topicInstrumentJSON struct {
	Slug          string   `json:"slug"`
	Title         string   `json:"title"`
	ShortTitle    *string  `json:"short_title"`
	Type          string   `json:"type"`
	Status        *string  `json:"status"`
	Binding       *string  `json:"binding"`
	Jurisdictions []string `json:"jurisdictions"`
	// Tagged is true when the instrument's own topics include the topic;
	// false when only its provisions address it.
	Tagged     bool                 `json:"tagged"`
	Provisions []topicProvisionJSON `json:"provisions"`
	URL        string               `json:"url"`
}

func (s *Server) toTopicInstrumentJSON(c echo.Context, in store.TopicInstrument) topicInstrumentJSON {
	out := topicInstrumentJSON{Slug: in.Slug, Title: in.Title, ShortTitle: nullString(in.ShortTitle), Type: in.Type,
		Status: nullString(in.Status), Binding: nullString(in.Binding), Jurisdictions: in.Jurisdictions, Tagged: in.Direct,
		Provisions: []topicProvisionJSON{}, URL: s.absURL(c, views.PolicyURL(in.Slug))}
	for _, v := range in.Provisions {
		out.Provisions = append(out.Provisions, topicProvisionJSON{Ref: v.Ref, Label: provisionLabel(v), Title: v.Title,
			URL: s.absURL(c, views.ProvisionAnchorURL(in.Slug, v.Ref))})
	}
	return out
}

// topicCountsJSON are how much addresses a topic.
type topicCountsJSON struct {
	Instruments   int `json:"instruments"`
	Provisions    int `json:"provisions"`
	Jurisdictions int `json:"jurisdictions"`
}

// apiTopicURL is the address of a topic in the JSON API.
func apiTopicURL(slug string) string { return "/api/v1" + views.TopicURL(slug) }

// apiTopic answers /api/v1/topics/{slug}: the topic, bare, with every
// instrument that addresses it (binding ones first) and their provisions
// on it.
func (s *Server) apiTopic(c echo.Context) error {
	tp, err := s.db.TopicInstruments(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	out := struct {
		Slug        string                `json:"slug"`
		Title       string                `json:"title"`
		Counts      topicCountsJSON       `json:"counts"`
		Instruments []topicInstrumentJSON `json:"instruments"`
		URL         string                `json:"url"`
	}{Slug: tp.Slug, Title: tp.Title, Instruments: []topicInstrumentJSON{}, URL: s.absURL(c, views.TopicURL(tp.Slug)),
		Counts: topicCountsJSON{Instruments: tp.TopicSummary.Instruments, Provisions: tp.Provisions, Jurisdictions: tp.Jurisdictions}}
	for _, in := range tp.Instruments {
		out.Instruments = append(out.Instruments, s.toTopicInstrumentJSON(c, in))
	}
	return c.JSON(http.StatusOK, out)
}

// apiTopics answers /api/v1/topics: every topic of the vocabulary with its
// counts, in the vocabulary's order, as one page.
func (s *Server) apiTopics(c echo.Context) error {
	sums, err := s.db.TopicSummaries(c.Request().Context())
	if err != nil {
		return err
	}
	type itemJSON struct {
		Slug   string          `json:"slug"`
		Title  string          `json:"title"`
		Counts topicCountsJSON `json:"counts"`
		URL    string          `json:"url"`
	}
	items := []itemJSON{}
	for _, t := range sums {
		items = append(items, itemJSON{Slug: t.Slug, Title: t.Title, URL: s.absURL(c, views.TopicURL(t.Slug)),
			Counts: topicCountsJSON{Instruments: t.Instruments, Provisions: t.Provisions, Jurisdictions: t.Jurisdictions}})
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items), "page": 1, "per_page": len(items)})
}
