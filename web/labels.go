package web

import (
	"context"
	"strconv"
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
	for _, j := range js {
		l.jurisdictions[j.Code] = j
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
