package store_test

import (
	"context"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// mustSeeded opens a database loaded with the shipped content.
func mustSeeded(t *testing.T) *store.DB {
	t.Helper()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(context.Background(), db, b); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestFacetCountsMatchLists checks, on the shipped content, that every
// facet count promises exactly the list one gets by choosing that value:
// with no filter, and with a filter already set on another facet (counts
// of a facet ignore that facet's own selection, so choosing a value
// replaces it).
func TestFacetCountsMatchLists(t *testing.T) {
	ctx := context.Background()
	db := mustSeeded(t)
	bases := []struct {
		name string
		f    store.PolicyFilter
	}{
		{"no filter", store.PolicyFilter{}},
		{"region Europe", store.PolicyFilter{Facets: map[string][]string{"region": {"Europe"}}}},
		{"type law or regulation", store.PolicyFilter{Facets: map[string][]string{"type": {"law", "regulation"}}}},
		{"words", store.PolicyFilter{Query: "security"}},
		{"reviewed mappings only", store.PolicyFilter{Reviewed: true}},
	}
	for _, base := range bases {
		t.Run(base.name, func(t *testing.T) {
			list, err := db.Policies(ctx, base.f)
			if err != nil {
				t.Fatal(err)
			}
			if base.name == "no filter" && list.Total != 194 {
				t.Errorf("total = %d, want the 194 shipped policies", list.Total)
			}
			for _, name := range store.FacetNames {
				counts, ok := list.Facets[name]
				if !ok {
					t.Errorf("facet %s missing from the list", name)
					continue
				}
				if base.name == "no filter" && len(counts) == 0 {
					t.Errorf("facet %s has no values on the shipped content", name)
				}
				for _, c := range counts {
					f := base.f
					f.Facets = map[string][]string{}
					for k, v := range base.f.Facets {
						f.Facets[k] = v
					}
					f.Facets[name] = []string{c.Value}
					f.PerPage = 100
					sel, err := db.Policies(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if c.Count != sel.Total {
						t.Errorf("%s=%s: count %d, but choosing it lists %d", name, c.Value, c.Count, sel.Total)
					}
					if len(sel.Items) != sel.Total {
						t.Errorf("%s=%s: %d items on one page of 100, total %d", name, c.Value, len(sel.Items), sel.Total)
					}
				}
			}
		})
	}
}

func TestShippedContentLoaded(t *testing.T) {
	ctx := context.Background()
	db := mustSeeded(t)
	stats, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Policies != 194 || stats.Frameworks != 1 || stats.Mappings == 0 {
		t.Errorf("stats = %+v, want 194 policies, 1 framework and their mappings", stats)
	}
	p, err := db.Policy(ctx, "uk-psti-act-2022")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Product Security and Telecommunications Infrastructure Act 2022" || p.Jurisdictions[0] != "GB" {
		t.Errorf("uk-psti-act-2022 = %q in %v", p.Title, p.Jurisdictions)
	}
	gb, err := db.Jurisdiction(ctx, "GB")
	if err != nil {
		t.Fatal(err)
	}
	if gb.Name != "United Kingdom" || gb.Policies != 7 {
		t.Errorf("GB = %+v, want United Kingdom with 7 policies", gb)
	}
}
