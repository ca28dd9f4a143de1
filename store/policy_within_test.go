package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestPoliciesWithin: a list restricted to the slugs a search index
// found keeps their order by default, filters and counts them like any
// list, pages them, and takes another order when asked.
func TestPoliciesWithin(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	for _, p := range []struct{ slug, title, j string }{{"a", "Alpha", "GB"}, {"b", "Bravo", "FR"}, {"c", "Charlie", "GB"}} {
		pol := validPolicy(p.slug)
		pol.Title, pol.Jurisdictions = p.title, []string{p.j}
		if _, err := db.SavePolicy(ctx, pol, store.CreateOnly); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		f     store.PolicyFilter
		want  []string
		total int
	}{
		{"relevance by default", store.PolicyFilter{Query: "x", Within: []string{"c", "a", "b"}}, []string{"c", "a", "b"}, 3},
		{"relevance named", store.PolicyFilter{Within: []string{"b", "c"}, Sort: "relevance"}, []string{"b", "c"}, 2},
		{"words not matched again", store.PolicyFilter{Query: "no such words", Within: []string{"a"}}, []string{"a"}, 1},
		{"nothing found", store.PolicyFilter{Query: "x", Within: []string{}}, []string{}, 0},
		{"unknown slugs ignored", store.PolicyFilter{Within: []string{"zz", "b"}}, []string{"b"}, 1},
		{"facet filters the matches", store.PolicyFilter{Within: []string{"c", "b", "a"}, Facets: map[string][]string{"jurisdiction": {"GB"}}}, []string{"c", "a"}, 2},
		{"second page", store.PolicyFilter{Within: []string{"c", "a", "b"}, Page: 2, PerPage: 2}, []string{"b"}, 3},
		{"by title", store.PolicyFilter{Within: []string{"c", "a", "b"}, Sort: "title"}, []string{"a", "b", "c"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := db.Policies(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, p := range list.Items {
				got = append(got, p.Slug)
			}
			if !slices.Equal(got, tt.want) || list.Total != tt.total {
				t.Errorf("Policies(%+v) = %v (total %d), want %v (total %d)", tt.f, got, list.Total, tt.want, tt.total)
			}
		})
	}
	list, err := db.Policies(ctx, store.PolicyFilter{Within: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if j := list.Facets["jurisdiction"]; len(j) != 2 {
		t.Errorf("jurisdiction counts of a and b = %v, want GB and FR once each", j)
	}
}
