package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestBlocsLoadedFromContent checks that the shipped blocs.json reaches the
// database: the EU with its 27 member states, Germany among them and the
// United Kingdom not.
func TestBlocsLoadedFromContent(t *testing.T) {
	ctx := context.Background()
	db := mustSeeded(t)
	blocs, err := db.Blocs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocs) != 1 || blocs[0].Code != "EU" || blocs[0].Name != "European Union" {
		t.Fatalf("blocs = %+v, want the EU alone", blocs)
	}
	if n := len(blocs[0].Members); n != 27 {
		t.Errorf("the EU has %d members, want 27", n)
	}
	if !slices.Contains(blocs[0].Members, "DE") || slices.Contains(blocs[0].Members, "GB") {
		t.Errorf("EU members %v: want DE and not GB", blocs[0].Members)
	}
	for _, tc := range []struct {
		code          string
		blocs, intl   int
		wantCodesHead []string
	}{
		{"DE", 1, 1, []string{"DE", "EU", "INT"}},
		{"GB", 0, 1, []string{"GB", "INT"}},
		{"EU", 0, 0, []string{"EU"}},
		{"INT", 0, 0, []string{"INT"}},
	} {
		a, err := db.ApplicableIn(ctx, tc.code)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Blocs) != tc.blocs || len(a.International) != tc.intl || !slices.Equal(a.Codes(tc.code), tc.wantCodesHead) {
			t.Errorf("ApplicableIn(%s) = %+v, codes %v; want %d blocs, %d international, codes %v",
				tc.code, a, a.Codes(tc.code), tc.blocs, tc.intl, tc.wantCodesHead)
		}
	}
}

// TestSaveBlocsRefusesNonCountries checks that a member must be a country.
func TestSaveBlocsRefusesNonCountries(t *testing.T) {
	db := mustSeeded(t)
	var ve *store.ValidationError
	for _, members := range [][]string{{"DE", "INT"}, {"ZZ"}} {
		err := db.SaveBlocs(context.Background(), []store.Bloc{{Code: "ABC", Name: "A bloc", Members: members}})
		if !errors.As(err, &ve) || ve.Fields["members"] == "" {
			t.Errorf("SaveBlocs with members %v: err = %v, want a validation error on members", members, err)
		}
	}
}

// TestJurisdictionCountsByScope checks that the national scope is the
// jurisdiction facet of the policy list and that the applicable scope of a
// country is the total of the list filtered to it, its blocs and INT.
func TestJurisdictionCountsByScope(t *testing.T) {
	ctx := context.Background()
	db := mustSeeded(t)
	for _, f := range []store.PolicyFilter{{}, {Facets: map[string][]string{"challenge": {"C3"}}}} {
		list, err := db.Policies(ctx, store.PolicyFilter{Facets: f.Facets, PerPage: 1})
		if err != nil {
			t.Fatal(err)
		}
		national, err := db.JurisdictionCounts(ctx, f, store.ScopeNational)
		if err != nil {
			t.Fatal(err)
		}
		for _, fc := range list.Facets["jurisdiction"] {
			if national[fc.Value] != fc.Count {
				t.Errorf("%v: national %s = %d, want the facet's %d", f.Facets, fc.Value, national[fc.Value], fc.Count)
			}
		}
		applicable, err := db.JurisdictionCounts(ctx, f, store.ScopeApplicable)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"DE", "FI", "GB", "US", "KE", "EU", "INT"} {
			a, err := db.ApplicableIn(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			ff := store.PolicyFilter{PerPage: 1, Facets: map[string][]string{"jurisdiction": a.Codes(code)}}
			for k, v := range f.Facets {
				ff.Facets[k] = v
			}
			want, err := db.Policies(ctx, ff)
			if err != nil {
				t.Fatal(err)
			}
			if applicable[code] != want.Total {
				t.Errorf("%v: applicable %s = %d, want the list's %d", f.Facets, code, applicable[code], want.Total)
			}
		}
		if f.Facets == nil && !(applicable["DE"] > national["DE"] && applicable["DE"] == national["DE"]+national["EU"]+national["INT"]) {
			t.Errorf("applicable DE = %d, want the EU's %d and INT's %d added to Germany's %d",
				applicable["DE"], national["EU"], national["INT"], national["DE"])
		}
	}
	var ve *store.ValidationError
	if _, err := db.JurisdictionCounts(ctx, store.PolicyFilter{}, "everything"); !errors.As(err, &ve) || ve.Fields["scope"] == "" {
		t.Errorf("scope everything: err = %v, want a validation error on scope", err)
	}
}

// TestCoverageScopeRows checks that the applicable scope adds the EU's and
// the international policies to an EU member's row, leaves other
// groupings alone, and refuses an unknown scope.
func TestCoverageScopeRows(t *testing.T) {
	ctx := context.Background()
	db := mustSeeded(t)
	rows := func(by, scope string) map[string]store.CoverageRow {
		cv, err := db.Coverage(ctx, store.CoverageOptions{Framework: "dc-isss-iot", By: by, Scope: scope})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.CoverageRow{}
		for _, r := range cv.Rows {
			out[r.Key] = r
		}
		return out
	}
	nat, app := rows("jurisdiction", ""), rows("jurisdiction", store.ScopeApplicable)
	if got, want := app["FI"].Policies, nat["FI"].Policies+nat["EU"].Policies+nat["INT"].Policies; got != want {
		t.Errorf("Finland applicable: %d policies, want its own, the EU's and INT's %d", got, want)
	}
	if app["EU"].Policies != nat["EU"].Policies {
		t.Errorf("the EU's own row changed with the scope: %d, was %d", app["EU"].Policies, nat["EU"].Policies)
	}
	if r1, r2 := rows("region", ""), rows("region", store.ScopeApplicable); r1["Europe"].Policies != r2["Europe"].Policies {
		t.Errorf("rows by region changed with the scope")
	}
	var ve *store.ValidationError
	if _, err := db.Coverage(ctx, store.CoverageOptions{Framework: "dc-isss-iot", Scope: "bloc"}); !errors.As(err, &ve) || ve.Fields["scope"] == "" {
		t.Errorf("scope bloc: err = %v, want a validation error on scope", err)
	}
}
