package web

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
)

// labels turns facet values into words: jurisdiction names, topic titles,
// framework item titles. They change rarely, so one copy is kept and
// reloaded when the changes feed moves on.
type labels struct {
	seq           int64
	jurisdictions map[string]store.Jurisdiction
	topics        map[string]string
	items         map[string]string
	framework     store.Framework
	// codes are the item codes of every framework, the values the
	// challenge facet can take.
	codes map[string]bool
	// regions are the regions of the jurisdictions.
	regions map[string]bool
	// memberOf lists, for each member state, the blocs it belongs to.
	memberOf map[string][]string
}

type labelCache struct {
	mu  sync.Mutex
	cur *labels
}

func (s *Server) labels(ctx context.Context) (*labels, error) {
	seq, err := s.db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	s.labelCache.mu.Lock()
	defer s.labelCache.mu.Unlock()
	if l := s.labelCache.cur; l != nil && l.seq == seq {
		return l, nil
	}
	l := &labels{seq: seq, jurisdictions: map[string]store.Jurisdiction{}, topics: map[string]string{}, items: map[string]string{}}
	js, err := s.db.Jurisdictions(ctx)
	if err != nil {
		return nil, err
	}
	l.regions = map[string]bool{}
	for _, j := range js {
		l.jurisdictions[j.Code] = j
		if j.Region != "" {
			l.regions[j.Region] = true
		}
	}
	blocs, err := s.db.Blocs(ctx)
	if err != nil {
		return nil, err
	}
	l.memberOf = map[string][]string{}
	for _, b := range blocs {
		for _, m := range b.Members {
			l.memberOf[m] = append(l.memberOf[m], b.Code)
		}
	}
	ts, err := s.db.Topics(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		l.topics[t.Slug] = t.Title
	}
	fw, err := s.db.Framework(ctx, s.fwSlug)
	if err == nil {
		l.framework = fw
		fw.Walk(func(it *store.Item) { l.items[it.Code] = it.Title })
	}
	l.codes = map[string]bool{}
	fws, err := s.db.Frameworks(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range fws {
		full, err := s.db.Framework(ctx, f.Slug)
		if err != nil {
			return nil, err
		}
		full.Walk(func(it *store.Item) { l.codes[it.Code] = true })
	}
	s.labelCache.cur = l
	return l, nil
}

// value is the label of one facet value.
func (l *labels) value(facet, v string) string {
	switch facet {
	case "jurisdiction":
		if j, ok := l.jurisdictions[v]; ok {
			return j.Name
		}
	case "topic":
		if t, ok := l.topics[v]; ok {
			return t
		}
	case "challenge":
		if t, ok := l.items[v]; ok {
			return v + " " + t
		}
	case "type", "status", "binding", "layer":
		return store.Label(v)
	}
	return v
}

// checkFacet answers a 400 naming the parameter when v is not a value the
// facet can take. A known value that no policy has is fine: its list is
// empty, and it stays selected.
func (l *labels) checkFacet(facet, v string) error {
	ok := true
	var want string
	switch facet {
	case "jurisdiction":
		_, ok = l.jurisdictions[v]
		want = "a jurisdiction code, such as GB, EU or INT"
	case "region":
		ok = l.regions[v]
		want = "a region, such as Europe"
	case "type":
		ok = slices.Contains(store.PolicyTypes, v)
		want = "one of " + strings.Join(store.PolicyTypes, ", ")
	case "status":
		ok = slices.Contains(store.PolicyStatuses, v)
		want = "one of " + strings.Join(store.PolicyStatuses, ", ")
	case "binding":
		ok = slices.Contains(store.Bindings, v)
		want = "one of " + strings.Join(store.Bindings, ", ")
	case "layer":
		ok = slices.Contains(store.Layers, v)
		want = "one of " + strings.Join(store.Layers, ", ")
	case "topic":
		_, ok = l.topics[v]
		want = "a topic slug, such as " + l.anyTopic()
	case "challenge":
		ok = l.codes[v]
		want = "the code of a framework item, such as C1"
	case "year":
		ok = yearRE.MatchString(v)
		want = "a year, such as 2024"
	}
	if !ok {
		return badRequest(facet, fmt.Sprintf("%s must be %s; %q is not", facet, want, v))
	}
	return nil
}

// anyTopic is one topic slug, for an example in a message.
func (l *labels) anyTopic() string {
	best := ""
	for slug := range l.topics {
		if best == "" || slug < best {
			best = slug
		}
	}
	return best
}

func (l *labels) named(codes []string) []views.Named {
	out := make([]views.Named, len(codes))
	for i, c := range codes {
		out[i] = views.Named{Code: c, Name: l.value("jurisdiction", c)}
	}
	return out
}

func (l *labels) rows(ps []store.Policy) []views.PolicyRow {
	out := make([]views.PolicyRow, len(ps))
	for i, p := range ps {
		year := ""
		if y := p.Year(); y > 0 {
			year = strconv.Itoa(y)
		}
		out[i] = views.PolicyRow{Slug: p.Slug, Title: p.Title, Jurisdictions: l.named(p.Jurisdictions),
			Type: p.Type, Status: p.Status, Year: year, Summary: p.Summary}
	}
	return out
}

// facetLabels are the headings of the facets, in display order.
var facetLabels = []struct{ name, label string }{
	{"jurisdiction", "Jurisdiction"},
	{"region", "Region"},
	{"type", "Type"},
	{"status", "Status"},
	{"binding", "Binding"},
	{"topic", "Topic"},
	{"challenge", "Question or challenge"},
	{"layer", "IoT layer"},
	{"year", "Year adopted"},
}
