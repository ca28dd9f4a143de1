package web

import (
	"errors"
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

func (s *Server) history(c echo.Context) error {
	ctx := c.Request().Context()
	slug := c.Param("slug")
	revs, err := s.db.PolicyRevisions(ctx, slug)
	if err != nil {
		return err
	}
	page := views.HistoryPage{Slug: slug, Title: revs[0].Policy.DisplayTitle()}
	_, err = s.db.Policy(ctx, slug)
	switch {
	case err == nil:
		page.Exists = true
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	byRev := map[int]store.Revision{}
	for _, r := range revs {
		byRev[r.Rev] = r
	}
	// Revisions come newest first: each row is compared with the one
	// below it, its predecessor.
	for i, r := range revs {
		author := r.Author
		if author == "" {
			author = "system or command line"
		}
		note := r.Note
		switch {
		case note == "" && r.Rev == 1:
			note = "created"
		case note == "":
			note = "saved"
		}
		row := views.RevisionRow{Rev: r.Rev, Author: author, Note: note, At: r.At}
		if i+1 < len(revs) {
			prev := revs[i+1]
			row.Previous = prev.Rev
			for _, ch := range policyChanges(prev.Policy, r.Policy) {
				row.Changed = append(row.Changed, ch.Field)
			}
		}
		page.Revisions = append(page.Revisions, row)
	}
	// By default compare the newest revision with the one before it.
	page.To = revs[0].Rev
	if len(revs) > 1 {
		page.From = revs[1].Rev
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &page.From}, {"to", &page.To}} {
		v := c.QueryParam(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if _, ok := byRev[n]; err != nil || !ok {
			return badRequest(p.name, p.name+" must be one of the revision numbers listed")
		}
		*p.dst = n
	}
	if page.From > 0 {
		page.Changes = policyChanges(byRev[page.From].Policy, byRev[page.To].Policy)
	}
	page.Base = s.noindex(c, "History of "+page.Title)
	return s.render(c, http.StatusOK, views.HistoryView(page))
}

// policyChanges compares two revisions of a policy field by field, in the
// order of the policy form, then provision by provision (by reference) and
// mapping by mapping (by the item and provision they map). Long text is
// compared word by word with the one diff of content; short values are
// shown whole, old and new.
func policyChanges(a, b store.Policy) []views.FieldChange {
	var out []views.FieldChange
	short := func(field, old, new string) {
		if old != new {
			out = append(out, views.FieldChange{Field: field, Old: old, New: new})
		}
	}
	long := func(field, old, new string) {
		if old != new {
			out = append(out, views.FieldChange{Field: field, Old: old, New: new, Parts: content.WordDiff(old, new)})
		}
	}
	// Lists are sets: their order is not a change.
	list := func(field string, old, new []string) {
		short(field, sortedList(old), sortedList(new))
	}
	short("Official title", a.Title, b.Title)
	short("Short title", a.ShortTitle, b.ShortTitle)
	list("Jurisdictions", a.Jurisdictions, b.Jurisdictions)
	short("Issuing body", a.Issuer, b.Issuer)
	short("Type of instrument", a.Type, b.Type)
	short("Status", a.Status, b.Status)
	short("Status note", a.StatusNote, b.StatusNote)
	short("Binding", a.Binding, b.Binding)
	short("Adopted", string(a.Adopted), string(b.Adopted))
	short("In force from", string(a.InForce), string(b.InForce))
	short("Official text (address)", a.URL, b.URL)
	// Sources are in order, the most useful first: a new order is a change.
	short("Sources", strings.Join(a.Sources, "\n"), strings.Join(b.Sources, "\n"))
	short("Confidence", confidenceWord(a.Confidence), confidenceWord(b.Confidence))
	short("Language", a.Language, b.Language)
	list("Topics", a.Topics, b.Topics)
	list("IoT layers", a.Layers, b.Layers)
	long("Summary", a.Summary, b.Summary)
	long("Notes", a.Notes, b.Notes)

	provisions := func(p store.Policy) (map[string]string, []string) {
		m, order := map[string]string{}, []string(nil)
		for _, pv := range p.Provisions {
			m[pv.Ref] = provisionText(pv)
			order = append(order, pv.Ref)
		}
		return m, order
	}
	oldP, oldOrder := provisions(a)
	newP, newOrder := provisions(b)
	for _, ref := range union(newOrder, oldOrder) {
		long("Provision "+ref, oldP[ref], newP[ref])
	}
	mappings := func(p store.Policy) (map[string]string, []string) {
		m, order := map[string]string{}, []string(nil)
		for _, mp := range p.Mappings {
			k := mappingKey(mp)
			m[k] = mappingText(mp)
			order = append(order, k)
		}
		return m, order
	}
	oldM, oldOrder := mappings(a)
	newM, newOrder := mappings(b)
	for _, k := range union(newOrder, oldOrder) {
		long(k, oldM[k], newM[k])
	}
	return out
}

// confidenceWord is a confidence as the form names it.
func confidenceWord(c string) string {
	if c == "" {
		return "Not assessed"
	}
	return store.Label(c)
}

// union is the values of a in order, then those of b not in a.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, v := range b {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// sortedList is a set of values as one text, in alphabetical order.
func sortedList(vs []string) string {
	return strings.Join(slices.Sorted(slices.Values(vs)), ", ")
}

// provisionText is a provision as one text: its reference as written,
// title, text, source and topics.
func provisionText(p store.Provision) string {
	parts := []string{}
	if p.Label != "" {
		parts = append(parts, "Reference as written: "+p.Label)
	}
	parts = append(parts, p.Title, p.Text)
	if p.Source != "" {
		parts = append(parts, "Source: "+p.Source)
	}
	if len(p.Topics) > 0 {
		topics := "Topics: " + sortedList(p.Topics)
		if p.TopicsReviewed {
			topics += " (reviewed)"
		}
		parts = append(parts, topics)
	}
	return strings.TrimSpace(strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "\n"))
}

// mappingKey names a mapping by what it maps, which stays the same from
// one revision to the next.
func mappingKey(m store.Mapping) string {
	k := "Mapping to " + m.Framework + " " + m.Item
	if m.Provision != "" {
		k += " from provision " + m.Provision
	}
	return k
}

// mappingText is a mapping as one text: relationship, strength, review,
// rationale and evidence.
func mappingText(m store.Mapping) string {
	head := m.Relationship
	if m.Strength > 0 {
		head += fmt.Sprintf(", strength %d", m.Strength)
	}
	if m.Reviewed {
		head += ", reviewed"
	}
	parts := []string{head, m.Rationale}
	if m.Evidence != "" {
		parts = append(parts, "Evidence: "+m.Evidence)
	}
	return strings.TrimSpace(strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "\n"))
}
