package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestPolicySourcesKept: on save, nil sources keep the stored list and an
// empty list clears it; the confidence is written as given ("" is NULL).
// Every saved state is in the revisions, so history shows the change.
func TestPolicySourcesKept(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	stored := []string{"https://example.org/act", "http://example.net/news/act?id=1"}
	tests := []struct {
		name           string
		sources        []string
		confidence     string
		wantSources    []string
		wantConfidence string
	}{
		{"first save", stored, "high", stored, "high"},
		{"nil keeps the list", nil, "medium", stored, "medium"},
		{"a new list replaces it", []string{"https://gov.example/act"}, "low", []string{"https://gov.example/act"}, "low"},
		{"an empty list clears it", []string{}, "", []string{}, ""},
		{"nil on an empty list keeps it empty", nil, "", []string{}, ""},
	}
	for i, tt := range tests {
		p := validPolicy("act")
		p.Sources, p.Confidence = tt.sources, tt.confidence
		if _, err := db.SavePolicy(ctx, p, store.Upsert); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, err := db.Policy(ctx, "act")
		if err != nil {
			t.Fatal(err)
		}
		if got.Sources == nil || !slices.Equal(got.Sources, tt.wantSources) || got.Confidence != tt.wantConfidence {
			t.Errorf("%s: read sources %#v, confidence %q; want %#v, %q", tt.name, got.Sources, got.Confidence, tt.wantSources, tt.wantConfidence)
		}
		revs, err := db.PolicyRevisions(ctx, "act")
		if err != nil {
			t.Fatal(err)
		}
		if snap := revs[0].Policy; !slices.Equal(snap.Sources, tt.wantSources) || snap.Confidence != tt.wantConfidence {
			t.Errorf("%s: revision %d holds sources %v, confidence %q", tt.name, revs[0].Rev, snap.Sources, snap.Confidence)
		}
		if i > 0 && i < 4 && !strings.Contains(revs[0].Note, "confidence") {
			t.Errorf("%s: revision note %q does not name the confidence", tt.name, revs[0].Note)
		}
	}
	list, err := db.Policies(ctx, store.PolicyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Sources == nil {
		t.Errorf("a list entry reads sources %#v, want a non-nil list", list.Items[0].Sources)
	}
}

// TestProvisionFieldsSaved: label, source and topics_reviewed are saved,
// read back by every reader of provisions, and changing them is a change.
func TestProvisionFieldsSaved(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	p := validPolicy("act")
	p.Provisions = []store.Provision{
		{Ref: "Art.13-2", Label: "Article 13(2)", Title: "Updates", Text: "Updates are free.", Source: "https://example.org/a13", TopicsReviewed: true, Topics: []string{}},
		{Ref: "Art.14", Title: "No label", Text: "Shows its key.", Topics: []string{}},
	}
	p.Mappings = nil
	if _, err := db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	got, err := db.Policy(ctx, "act")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got.Provisions, p.Provisions, func(a, b store.Provision) bool {
		return a.Ref == b.Ref && a.Label == b.Label && a.Source == b.Source && a.TopicsReviewed == b.TopicsReviewed
	}) {
		t.Errorf("read provisions %+v, want %+v", got.Provisions, p.Provisions)
	}
	if l := got.Provisions[0].DisplayLabel(); l != "Article 13(2)" {
		t.Errorf("DisplayLabel = %q, want the label", l)
	}
	if l := got.Provisions[1].DisplayLabel(); l != "Art.14" {
		t.Errorf("DisplayLabel without a label = %q, want the key", l)
	}
	var scanned []store.Provision
	if _, err := db.EachPolicy(ctx, func(sp store.Policy) error {
		scanned = sp.Provisions
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(scanned) != 2 || scanned[0].Label != "Article 13(2)" || scanned[0].Source != "https://example.org/a13" || !scanned[0].TopicsReviewed {
		t.Errorf("EachPolicy reads provisions %+v", scanned)
	}
	got.Provisions[0].TopicsReviewed = false
	got.BaseRev = 0
	if res, err := db.SavePolicy(ctx, got, store.Upsert); err != nil || res != store.Updated {
		t.Errorf("unreviewing the topics: %q, %v; want updated", res, err)
	}
}

// TestPolicyJSONSources: sources and confidence travel in JSON; absent
// sources stay nil (keep the stored list), [] stays empty (clear it), and
// a null confidence is "".
func TestPolicyJSONSources(t *testing.T) {
	p := validPolicy("act")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"sources":["https://example.org/act","http://example.net/news/act?id=1"]`, `"confidence":"high"`,
		`"label":"Section 1"`, `"source":"https://example.org/act/1"`, `"topics_reviewed":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back store.Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Sources, p.Sources) || back.Confidence != "high" || back.Provisions[0].Label != "Section 1" ||
		back.Provisions[0].Source != p.Provisions[0].Source || !back.Provisions[0].TopicsReviewed {
		t.Errorf("round trip lost a field: %+v", back)
	}
	tests := []struct {
		name, in       string
		wantNil        bool
		wantConfidence string
	}{
		{"absent keeps", `{"slug":"p","title":"P","type":"law"}`, true, ""},
		{"empty clears", `{"slug":"p","title":"P","type":"law","sources":[],"confidence":null}`, false, ""},
		{"given", `{"slug":"p","title":"P","type":"law","sources":[" https://a.example/ "],"confidence":"medium"}`, false, "medium"},
	}
	for _, tt := range tests {
		var p store.Policy
		if err := json.Unmarshal([]byte(tt.in), &p); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if (p.Sources == nil) != tt.wantNil || p.Confidence != tt.wantConfidence {
			t.Errorf("%s: sources %#v, confidence %q", tt.name, p.Sources, p.Confidence)
		}
		for _, s := range p.Sources {
			if s != strings.TrimSpace(s) {
				t.Errorf("%s: source %q not trimmed", tt.name, s)
			}
		}
	}
}

// TestImportKeepsSourcesWithoutColumns: a staged policy that keeps its
// notes (a CSV row) keeps its stored sources and confidence too when it
// carries no sources (a CSV file without those columns), and sets both
// when it does.
func TestImportKeepsSourcesWithoutColumns(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	db := mustFixture(t)
	p := validPolicy("act")
	if _, err := db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		sources        []string
		confidence     string
		wantSources    []string
		wantConfidence string
	}{
		{"old CSV keeps both", nil, "", p.Sources, "high"},
		{"new CSV sets both", []string{"https://gov.example/act"}, "medium", []string{"https://gov.example/act"}, "medium"},
		{"new CSV with empty cells clears both", []string{}, "", []string{}, ""},
	}
	for _, tt := range tests {
		row := validPolicy("act")
		row.StatusNote, row.Notes, row.Provisions, row.Mappings = "", "", nil, nil
		row.Sources, row.Confidence = tt.sources, tt.confidence
		if err := db.ApplyPolicies(ctx, []store.StagedPolicy{{Policy: row, Line: 2, KeepNotes: true}}, nil); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, err := db.Policy(ctx, "act")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Sources, tt.wantSources) || got.Confidence != tt.wantConfidence {
			t.Errorf("%s: sources %v, confidence %q; want %v, %q", tt.name, got.Sources, got.Confidence, tt.wantSources, tt.wantConfidence)
		}
		if got.StatusNote != p.StatusNote {
			t.Errorf("%s: status note %q not kept", tt.name, got.StatusNote)
		}
	}
}
