package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// mustFixture opens a database holding a small vocabulary: three
// jurisdictions, the default topics and a framework "fw" with a question
// RQ1 (child RQ1a) and two challenges.
func mustFixture(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db := mustOpen(t)
	js := []store.Jurisdiction{
		{Code: "GB", Name: "United Kingdom", Kind: "country", Region: "Europe", Subregion: "Northern Europe"},
		{Code: "FR", Name: "France", Kind: "country", Region: "Europe", Subregion: "Western Europe"},
		{Code: "US", Name: "United States of America", Kind: "country", Region: "Americas", Subregion: "Northern America"},
	}
	if err := db.UpsertJurisdictions(ctx, js); err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertTopics(ctx, store.DefaultTopics); err != nil {
		t.Fatal(err)
	}
	fw := store.Framework{Slug: "fw", Title: "Test framework", Items: []*store.Item{
		{Code: "RQ1", Kind: "question", Title: "Question one", Children: []*store.Item{
			{Code: "RQ1a", Kind: "question", Title: "Question one a"},
		}},
		{Code: "C1", Kind: "challenge", Title: "Challenge one"},
		{Code: "C2", Kind: "challenge", Title: "Challenge two"},
	}}
	if err := db.UpsertFramework(ctx, fw); err != nil {
		t.Fatal(err)
	}
	return db
}

// validPolicy is a policy every rule accepts on the fixture.
func validPolicy(slug string) store.Policy {
	return store.Policy{
		Slug:          slug,
		Title:         "Test Act " + slug,
		ShortTitle:    "TA",
		Jurisdictions: []string{"GB"},
		Issuer:        "Parliament",
		Type:          "law",
		Status:        "in-force",
		StatusNote:    "in force from 29 April 2024",
		Binding:       "mandatory",
		Adopted:       "2022",
		InForce:       "2024-04-29",
		URL:           "https://example.org/act",
		Language:      "en",
		Topics:        []string{"default-passwords", "software-updates"},
		Layers:        []string{"device"},
		Summary:       "Bans universal default passwords.",
		Sources:       []string{"https://example.org/act", "http://example.net/news/act?id=1"},
		Confidence:    "high",
		Provisions: []store.Provision{{Ref: "1", Label: "Section 1", Title: "Passwords", Text: "No defaults.",
			Source: "https://example.org/act/1", Topics: []string{"default-passwords"}, TopicsReviewed: true}},
		Mappings: []store.Mapping{
			{Framework: "fw", Item: "C1", Relationship: "intersects-with", Rationale: "It bans default passwords."},
			{Framework: "fw", Item: "C2", Provision: "1", Relationship: "subset-of", Strength: 7, Rationale: "Provision 1."},
		},
	}
}

func TestSavePolicyRejects(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	tests := []struct {
		name  string
		edit  func(*store.Policy)
		field string
	}{
		{"no slug", func(p *store.Policy) { p.Slug = "" }, "slug"},
		{"slug with capitals and spaces", func(p *store.Policy) { p.Slug = "Bad Slug" }, "slug"},
		{"slug with a double hyphen", func(p *store.Policy) { p.Slug = "a--b" }, "slug"},
		{"slug with a trailing hyphen", func(p *store.Policy) { p.Slug = "ab-" }, "slug"},
		{"slug too long", func(p *store.Policy) { p.Slug = strings.Repeat("a", 101) }, "slug"},
		{"no title", func(p *store.Policy) { p.Title = "" }, "title"},
		{"blank title", func(p *store.Policy) { p.Title = "   " }, "title"},
		{"title too long", func(p *store.Policy) { p.Title = strings.Repeat("x", 501) }, "title"},
		{"title not UTF-8", func(p *store.Policy) { p.Title = "Act \xff\xfe" }, "title"},
		{"summary not UTF-8", func(p *store.Policy) { p.Summary = "ok \xc3\x28" }, "summary"},
		{"issuer with a control character", func(p *store.Policy) { p.Issuer = "Parlia\x00ment" }, "issuer"},
		{"no jurisdiction", func(p *store.Policy) { p.Jurisdictions = nil }, "jurisdictions"},
		{"lowercase jurisdiction", func(p *store.Policy) { p.Jurisdictions = []string{"gb"} }, "jurisdictions"},
		{"unknown jurisdiction", func(p *store.Policy) { p.Jurisdictions = []string{"GB", "ZZ"} }, "jurisdictions"},
		{"no type", func(p *store.Policy) { p.Type = "" }, "type"},
		{"unknown type", func(p *store.Policy) { p.Type = "decree" }, "type"},
		{"unknown status", func(p *store.Policy) { p.Status = "alive" }, "status"},
		{"unknown binding", func(p *store.Policy) { p.Binding = "optional" }, "binding"},
		{"adopted month 13", func(p *store.Policy) { p.Adopted = "2020-13" }, "adopted"},
		{"adopted five digits", func(p *store.Policy) { p.Adopted = "20201" }, "adopted"},
		{"adopted in words", func(p *store.Policy) { p.Adopted = "June 2020" }, "adopted"},
		{"in force on 30 February", func(p *store.Policy) { p.InForce = "2021-02-30" }, "in_force"},
		{"URL without scheme", func(p *store.Policy) { p.URL = "example.org/act" }, "url"},
		{"URL with ftp scheme", func(p *store.Policy) { p.URL = "ftp://example.org/act" }, "url"},
		{"URL without host", func(p *store.Policy) { p.URL = "https://" }, "url"},
		{"javascript URL", func(p *store.Policy) { p.URL = "javascript:alert(1)" }, "url"},
		{"unknown layer", func(p *store.Policy) { p.Layers = []string{"cloud"} }, "layers"},
		{"malformed topic", func(p *store.Policy) { p.Topics = []string{"Default Passwords"} }, "topics"},
		{"unknown topic", func(p *store.Policy) { p.Topics = []string{"no-such-topic"} }, "topics"},
		{"unknown provision topic", func(p *store.Policy) { p.Provisions[0].Topics = []string{"no-such-topic"} }, "provisions[0].topics"},
		{"provision without ref", func(p *store.Policy) { p.Provisions[0].Ref = "" }, "provisions[0].ref"},
		{"provision ref with a space", func(p *store.Policy) { p.Provisions[0].Ref = "Article 13" }, "provisions[0].ref"},
		{"provision ref with a slash", func(p *store.Policy) { p.Provisions[0].Ref = "5/1" }, "provisions[0].ref"},
		{"provision twice", func(p *store.Policy) { p.Provisions = append(p.Provisions, p.Provisions[0]) }, "provisions[1].ref"},
		{"source not an address", func(p *store.Policy) { p.Sources = []string{"https://example.org/a", "not a url", "https://b.example"} }, "sources[1]"},
		{"source without scheme", func(p *store.Policy) { p.Sources = []string{"example.org/act"} }, "sources[0]"},
		{"source with ftp scheme", func(p *store.Policy) { p.Sources = []string{"ftp://example.org/act"} }, "sources[0]"},
		{"javascript source", func(p *store.Policy) { p.Sources = []string{"javascript:alert(1)"} }, "sources[0]"},
		{"source twice", func(p *store.Policy) {
			p.Sources = []string{"https://a.example/", "https://b.example/", "https://a.example/"}
		}, "sources[2]"},
		{"too many sources", func(p *store.Policy) {
			p.Sources = nil
			for i := range store.MaxSources + 1 {
				p.Sources = append(p.Sources, fmt.Sprintf("https://example.org/%d", i))
			}
		}, "sources"},
		{"confidence certain", func(p *store.Policy) { p.Confidence = "certain" }, "confidence"},
		{"confidence capitalised", func(p *store.Policy) { p.Confidence = "High" }, "confidence"},
		{"provision source not an address", func(p *store.Policy) { p.Provisions[0].Source = "the act" }, "provisions[0].source"},
		{"provision label too long", func(p *store.Policy) { p.Provisions[0].Label = strings.Repeat("x", 101) }, "provisions[0].label"},
		{"provision label with a control character", func(p *store.Policy) { p.Provisions[0].Label = "Art\x001" }, "provisions[0].label"},
		{"unknown framework item", func(p *store.Policy) { p.Mappings[0].Item = "C9" }, "mappings[0].item"},
		{"unknown framework", func(p *store.Policy) { p.Mappings[0].Framework = "nope" }, "mappings[0].item"},
		{"mapping without rationale", func(p *store.Policy) { p.Mappings[0].Rationale = " " }, "mappings[0].rationale"},
		{"unknown relationship", func(p *store.Policy) { p.Mappings[0].Relationship = "related" }, "mappings[0].relationship"},
		{"strength 11", func(p *store.Policy) { p.Mappings[1].Strength = 11 }, "mappings[1].strength"},
		{"mapping to a missing provision", func(p *store.Policy) { p.Mappings[1].Provision = "9" }, "mappings[1].provision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPolicy("rejected")
			tt.edit(&p)
			res, err := db.SavePolicy(ctx, p, store.Upsert)
			var ve *store.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("SavePolicy = %q, %v; want a *store.ValidationError", res, err)
			}
			if _, ok := ve.Fields[tt.field]; !ok {
				t.Errorf("got fields %v, want one naming %q", ve.Fields, tt.field)
			}
			if msg := ve.Fields[tt.field]; strings.TrimSpace(msg) == "" {
				t.Errorf("field %q has an empty message", tt.field)
			}
		})
	}
	list, err := db.Policies(ctx, store.PolicyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 0 {
		t.Errorf("rejected saves left %d policies, want 0", list.Total)
	}
}

func TestDateValid(t *testing.T) {
	tests := []struct {
		name string
		d    store.Date
		want bool
	}{
		{"unknown", "", true},
		{"year", "2020", true},
		{"month", "2020-06", true},
		{"day", "2020-06-30", true},
		{"leap day", "2024-02-29", true},
		{"not a leap day", "2023-02-29", false},
		{"month zero", "2020-00", false},
		{"two-digit year", "20", false},
		{"slashes", "2020/06/30", false},
		{"trailing space", "2020 ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Valid(); got != tt.want {
				t.Errorf("Date(%q).Valid() = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

// ignoreRead are the fields a read fills in that a save does not take.
var ignoreRead = []cmp.Option{
	cmpopts.IgnoreFields(store.Policy{}, "CreatedAt", "UpdatedAt", "CreatedBy", "UpdatedBy", "Rev"),
	cmpopts.IgnoreFields(store.Mapping{}, "ID", "Policy", "ItemTitle", "ItemKind", "PolicyTitle", "ProvisionLabel"),
}

func TestSavePolicyUpsert(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	p := validPolicy("act")

	res, err := db.SavePolicy(ctx, p, store.Upsert)
	if err != nil || res != store.Created {
		t.Fatalf("first save = %q, %v; want created", res, err)
	}
	got, err := db.Policy(ctx, "act")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got, ignoreRead...); diff != "" {
		t.Errorf("read back (-saved +read):\n%s", diff)
	}
	afterCreate, err := db.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}

	res, err = db.SavePolicy(ctx, p, store.Upsert)
	if err != nil || res != store.Unchanged {
		t.Errorf("same save again = %q, %v; want unchanged", res, err)
	}
	if seq, _ := db.LastChange(ctx); seq != afterCreate {
		t.Errorf("an unchanged save moved the changes feed from %d to %d", afterCreate, seq)
	}

	// A save without provisions or mappings keeps the stored ones.
	bare := p
	bare.Provisions, bare.Mappings = nil, nil
	res, err = db.SavePolicy(ctx, bare, store.Upsert)
	if err != nil || res != store.Unchanged {
		t.Errorf("save without provisions and mappings = %q, %v; want unchanged", res, err)
	}

	p.Title = "Test Act, amended"
	res, err = db.SavePolicy(ctx, p, store.Upsert)
	if err != nil || res != store.Updated {
		t.Fatalf("save with a new title = %q, %v; want updated", res, err)
	}
	got, err = db.Policy(ctx, "act")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != p.Title {
		t.Errorf("title after update = %q, want %q", got.Title, p.Title)
	}
	if seq, _ := db.LastChange(ctx); seq <= afterCreate {
		t.Errorf("an update did not move the changes feed (still %d)", seq)
	}

	revs, err := db.PolicyRevisions(ctx, "act")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 {
		t.Fatalf("got %d revisions, want 2 (create, update)", len(revs))
	}
	if revs[0].Rev != 2 || revs[1].Rev != 1 {
		t.Errorf("revision numbers = %d, %d; want 2, 1 (newest first)", revs[0].Rev, revs[1].Rev)
	}
	if revs[0].Policy.Title != "Test Act, amended" || revs[1].Policy.Title != "Test Act act" {
		t.Errorf("revision titles = %q, %q; want the amended then the first", revs[0].Policy.Title, revs[1].Policy.Title)
	}
	if !strings.Contains(revs[0].Note, "title") {
		t.Errorf("update revision note = %q, want it to name the changed field title", revs[0].Note)
	}
}

func TestSavePolicyModes(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	if _, err := db.SavePolicy(ctx, validPolicy("act"), store.Upsert); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		slug string
		mode store.SaveMode
		want error
	}{
		{"create an existing slug", "act", store.CreateOnly, store.ErrConflict},
		{"update a missing slug", "missing", store.UpdateOnly, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := db.SavePolicy(ctx, validPolicy(tt.slug), tt.mode)
			if !errors.Is(err, tt.want) {
				t.Errorf("SavePolicy(%s) = %q, %v; want %v", tt.slug, res, err, tt.want)
			}
		})
	}
	if res, err := db.SavePolicy(ctx, validPolicy("brand-new"), store.CreateOnly); err != nil || res != store.Created {
		t.Errorf("create a new slug = %q, %v; want created", res, err)
	}
}

func TestSavePoliciesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		bad   func(*store.Policy)
		field string
	}{
		// Caught by Validate before the transaction starts.
		{"invalid in itself", func(p *store.Policy) { p.Adopted = "soon" }, "adopted"},
		// Caught by the database checks after the first two were written
		// inside the transaction, which must then roll back.
		{"unknown to the database", func(p *store.Policy) { p.Jurisdictions = []string{"ZZ"} }, "jurisdictions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustFixture(t)
			before, err := db.LastChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			bad := validPolicy("c")
			tt.bad(&bad)
			batch := []store.Policy{validPolicy("a"), validPolicy("b"), bad}
			res, err := db.SavePolicies(ctx, batch, store.Upsert)
			var be *store.BatchError
			if !errors.As(err, &be) {
				t.Fatalf("SavePolicies = %v, %v; want a *store.BatchError", res, err)
			}
			if be.Index != 2 || be.Slug != "c" {
				t.Errorf("batch error names policy %d (%s), want 2 (c)", be.Index, be.Slug)
			}
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tt.field] == "" {
				t.Errorf("batch error %v does not name field %q", err, tt.field)
			}
			list, err := db.Policies(ctx, store.PolicyFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if list.Total != 0 {
				t.Errorf("a failed batch left %d policies, want 0", list.Total)
			}
			if after, _ := db.LastChange(ctx); after != before {
				t.Errorf("a failed batch moved the changes feed from %d to %d", before, after)
			}
			if _, err := db.PolicyRevisions(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a failed batch left revisions of a: %v", err)
			}
		})
	}
}

func TestDeletePolicy(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	for _, slug := range []string{"keep", "gone"} {
		if _, err := db.SavePolicy(ctx, validPolicy(slug), store.Upsert); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeletePolicy(ctx, "gone"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := db.Policy(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Policy after delete: got %v, want ErrNotFound", err)
	}
	if err := db.DeletePolicy(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice: got %v, want ErrNotFound", err)
	}
	revs, err := db.PolicyRevisions(ctx, "gone")
	if err != nil {
		t.Fatalf("revisions outlive the policy: %v", err)
	}
	if len(revs) != 2 || revs[0].Note != "deleted" {
		t.Errorf("got %d revisions, newest note %q; want 2 ending with deleted", len(revs), revs[0].Note)
	}
	list, err := db.Policies(ctx, store.PolicyFilter{Facets: map[string][]string{"challenge": {"C1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Items[0].Slug != "keep" {
		t.Errorf("policies mapped to C1 after delete: %d, want only keep", list.Total)
	}
	mappings, err := db.ItemMappings(ctx, "fw", "C1")
	if err != nil {
		t.Fatal(err)
	}
	if len(mappings) != 1 || mappings[0].Policy != "keep" {
		t.Errorf("mappings to C1 after delete = %+v, want only keep's", mappings)
	}
	changes, err := db.Changes(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	last := changes[len(changes)-1]
	if last.Kind != "policy" || last.Key != "gone" || last.Op != "delete" {
		t.Errorf("last change = %+v, want the deletion of policy gone", last)
	}
}

func TestPoliciesSortAndPage(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	years := map[string]store.Date{"b": "2019", "a": "2021", "c": "", "d": "2020-05"}
	words := map[string]string{"a": "Apple", "b": "Banana", "c": "Cherry", "d": "Damson"}
	var batch []store.Policy
	for _, slug := range []string{"a", "b", "c", "d"} {
		p := validPolicy(slug)
		p.Title = words[slug] + " Act"
		p.Adopted = years[slug]
		batch = append(batch, p)
	}
	if _, err := db.SavePolicies(ctx, batch, store.Upsert); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		f       store.PolicyFilter
		want    []string
		wantAll int
	}{
		{"by title", store.PolicyFilter{}, []string{"a", "b", "c", "d"}, 4},
		{"newest first", store.PolicyFilter{Sort: "newest"}, []string{"a", "d", "b", "c"}, 4},
		{"oldest first, unknown last", store.PolicyFilter{Sort: "oldest"}, []string{"b", "d", "a", "c"}, 4},
		{"second page of two", store.PolicyFilter{PerPage: 2, Page: 2}, []string{"c", "d"}, 4},
		{"past the end", store.PolicyFilter{PerPage: 2, Page: 3}, []string{}, 4},
		{"words in any case", store.PolicyFilter{Query: "act BANANA"}, []string{"b"}, 1},
		{"year facet", store.PolicyFilter{Facets: map[string][]string{"year": {"2020", "2021"}}}, []string{"a", "d"}, 2},
		{"like wildcards are literal", store.PolicyFilter{Query: "%"}, []string{}, 0},
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
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("slugs (-want +got):\n%s", diff)
			}
			if list.Total != tt.wantAll {
				t.Errorf("total = %d, want %d", list.Total, tt.wantAll)
			}
		})
	}
}
