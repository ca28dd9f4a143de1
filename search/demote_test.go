package search

import (
	"context"
	"slices"
	"testing"
)

// TestOutdatedRanksBelowSuccessor checks that a superseded edition comes
// after the edition that replaced it, and is still found.
func TestOutdatedRanksBelowSuccessor(t *testing.T) {
	ix := shippedIndex(t)
	const old, current = "us-nhtsa-vehicle-cybersecurity-best-practices-2016", "us-nhtsa-vehicle-cybersecurity-best-practices-2022"
	for _, q := range []string{"vehicle cybersecurity", "Cybersecurity Best Practices for Modern Vehicles"} {
		res, err := ix.Search(context.Background(), Query{Q: q, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		ranked := rankedPolicies(res)
		i, j := slices.Index(ranked, old), slices.Index(ranked, current)
		if i < 0 || j < 0 {
			t.Fatalf("%q: %s at %d, %s at %d; want both found", q, old, i, current, j)
		}
		if i < j {
			t.Errorf("%q: superseded %s ranks %d, before its successor at %d", q, old, i+1, j+1)
		}
	}
}
