package web

import (
	"context"
	"fmt"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
)

// statsCountries is how many countries "What was said" names before
// "Others".
const statsCountries = 10

// percent says a share in whole per cent: "40%".
func percent(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(of))
}

// consultationStats is "What was said" of a consultation: its published
// comments by stakeholder group, country (the ten with the most, then
// the others) and disposition, and the share answered.
func (s *Server) consultationStats(ctx context.Context, l *labels, slug string) (*views.StatsVM, error) {
	st, err := s.db.CommentStats(ctx, slug)
	if err != nil {
		return nil, err
	}
	vm := &views.StatsVM{Slug: slug, Approved: st.Approved, Answered: st.Answered, Percent: percent(st.Answered, st.Approved)}
	row := func(label string, n int) views.StatRow {
		return views.StatRow{Label: label, Count: n, Share: percent(n, st.Approved)}
	}
	for _, g := range store.StakeholderGroups {
		vm.ByGroup = append(vm.ByGroup, row(store.Label(g), st.ByGroup[g]))
	}
	others := 0
	for i, cc := range st.ByCountry {
		if i >= statsCountries {
			others += cc.Count
			continue
		}
		vm.ByCountry = append(vm.ByCountry, row(l.value("jurisdiction", cc.Country), cc.Count))
	}
	if len(st.ByCountry) > statsCountries {
		vm.ByCountry = append(vm.ByCountry, row(fmt.Sprintf("Others (%d countries)", len(st.ByCountry)-statsCountries), others))
	}
	for _, d := range store.DispositionValues {
		vm.ByDisposition = append(vm.ByDisposition, row(store.DispositionLabel(d), st.ByDisposition[d]))
	}
	vm.ByDisposition = append(vm.ByDisposition, row("No disposition yet", st.ByDisposition[""]))
	return vm, nil
}
