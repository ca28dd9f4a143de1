package content_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// seededMappings loads the shipped content plus one policy whose mapping
// text is hostile to spreadsheets and CSV parsers, and returns the
// mappings of the shipped framework.
func seededMappings(t *testing.T) store.MappingSet {
	t.Helper()
	ctx := context.Background()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	p := store.Policy{Slug: "zz-tricky", Title: `A "quoted", multi-line
title`, Jurisdictions: []string{"GB", "FR"}, Type: "guideline",
		Provisions: []store.Provision{{Ref: "5.1-1", Title: "Passwords"}},
		Mappings: []store.Mapping{
			{Framework: "dc-isss-iot", Item: "C3", Provision: "5.1-1", Relationship: "equal", Strength: 7,
				Rationale: `=HYPERLINK("http://evil.example","x")`, Evidence: "@SUM(1,2)", Reviewed: true},
			{Framework: "dc-isss-iot", Item: "C1", Relationship: "not-related", Rationale: "-1+1 is not C1"},
		}}
	if _, err := db.SavePolicy(ctx, p, store.CreateOnly); err != nil {
		t.Fatalf("SavePolicy: %v", err)
	}
	// A save by a process never reviews: a member approves C3.
	u, err := db.CreateUser(ctx, store.User{Email: "reviewer@example.org", Role: "editor"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	saved, err := db.Policy(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range saved.Mappings {
		if m.Item == "C3" {
			if _, err := db.ReviewMapping(store.WithActor(ctx, store.Actor{UserID: u.ID}), m.ID, store.Review{Action: store.ReviewApprove}); err != nil {
				t.Fatal(err)
			}
		}
	}
	set, err := db.FrameworkMappings(ctx, "dc-isss-iot")
	if err != nil {
		t.Fatalf("FrameworkMappings: %v", err)
	}
	return set
}

func TestWriteMappingsCSV(t *testing.T) {
	set := seededMappings(t)
	var buf bytes.Buffer
	if err := content.WriteMappingsCSV(&buf, set); err != nil {
		t.Fatalf("WriteMappingsCSV: %v", err)
	}
	raw := buf.Bytes()
	if !utf8.Valid(raw) {
		t.Error("output is not UTF-8")
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) || bytes.Count(raw, []byte("\r\n")) < len(set.Mappings)+1 {
		t.Error("records do not end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if diff := cmp.Diff(content.MappingCSVHeader, rows[0]); diff != "" {
		t.Errorf("header differs (-want +got):\n%s", diff)
	}
	if got, want := len(rows)-1, len(set.Mappings); got != want {
		t.Fatalf("data rows: got %d, want one per mapping, %d", got, want)
	}
	col := func(name string) int { return slices.Index(content.MappingCSVHeader, name) }
	var tricky [][]string
	for _, r := range rows[1:] {
		if r[col("policy")] == "zz-tricky" {
			tricky = append(tricky, r)
		}
	}
	if len(tricky) != 2 {
		t.Fatalf("rows of zz-tricky: got %d, want 2", len(tricky))
	}
	// The provision comes after the policy-level mapping.
	want := map[string]string{
		"item": "C3", "policy_title": "A \"quoted\", multi-line\ntitle", "jurisdictions": "GB;FR",
		"provision": "5.1-1", "relationship": "equal", "strength": "7",
		"rationale": `'=HYPERLINK("http://evil.example","x")`, "evidence": "'@SUM(1,2)", "reviewed": "true",
	}
	for k, v := range want {
		if got := tricky[1][col(k)]; got != v {
			t.Errorf("column %s: got %q, want %q", k, got, v)
		}
	}
	if got := tricky[0][col("rationale")]; got != "'-1+1 is not C1" {
		t.Errorf("rationale starting with -: got %q, want it neutralised", got)
	}
}

func TestNeutraliseFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@A1", "'@A1"},
		{"\tx", "'\tx"},
		{"a=b", "a=b"},
	}
	for _, tt := range tests {
		if got := content.NeutraliseFormula(tt.in); got != tt.want {
			t.Errorf("NeutraliseFormula(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOSCALMappings(t *testing.T) {
	set := seededMappings(t)
	doc, err := content.OSCALMappings(set, "https://accord.test")
	if err != nil {
		t.Fatalf("OSCALMappings: %v", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if problems := content.CheckOSCALMappingCollection(b); len(problems) > 0 {
		t.Fatalf("export departs from the OSCAL mapping model:\n%s", strings.Join(problems, "\n"))
	}
	again, err := content.OSCALMappings(set, "https://accord.test")
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(again)
	if !bytes.Equal(b, b2) {
		t.Error("two exports of the same data differ; want byte-identical output")
	}
	maps := 0
	var tricky []content.OSCALMap
	for _, m := range doc.MappingCollection.Mappings {
		maps += len(m.Maps)
		for _, mp := range m.Maps {
			if strings.HasPrefix(mp.Sources[0].IDRef, "zz-tricky") {
				tricky = append(tricky, mp)
			}
		}
	}
	if maps != len(set.Mappings) {
		t.Errorf("maps: got %d, want one per mapping, %d", maps, len(set.Mappings))
	}
	if len(tricky) != 2 {
		t.Fatalf("maps of zz-tricky: got %d, want 2", len(tricky))
	}
	if got := tricky[0]; got.Relationship != "no-relationship" || got.Sources[0] != (content.OSCALMapItem{Type: "control", IDRef: "zz-tricky"}) {
		t.Errorf("policy-level not-related map: got %s from %+v, want no-relationship from control zz-tricky", got.Relationship, got.Sources[0])
	}
	got := tricky[1]
	if got.Relationship != "equivalent-to" {
		t.Errorf("equal: got OSCAL %q, want equivalent-to", got.Relationship)
	}
	if got.Sources[0] != (content.OSCALMapItem{Type: "statement", IDRef: "zz-tricky_smt.5.1-1"}) {
		t.Errorf("provision source: got %+v, want statement zz-tricky_smt.5.1-1", got.Sources[0])
	}
	if got.Targets[0] != (content.OSCALMapItem{Type: "control", IDRef: "C3"}) {
		t.Errorf("target: got %+v, want control C3", got.Targets[0])
	}
	if !strings.Contains(got.Remarks, "HYPERLINK") || !strings.Contains(got.Remarks, "Evidence: @SUM(1,2)") {
		t.Errorf("remarks: got %q, want the rationale and the evidence", got.Remarks)
	}
	if doc.MappingCollection.Provenance.Status != "draft" {
		t.Errorf("status with unreviewed mappings: got %q, want draft", doc.MappingCollection.Provenance.Status)
	}
	for rel, token := range content.OSCALRelationships {
		if !slices.Contains(store.Relationships, rel) {
			t.Errorf("OSCALRelationships has %q, which is not an Accord relationship", rel)
		}
		if token == "" {
			t.Errorf("relationship %q has no OSCAL token", rel)
		}
	}
	if len(content.OSCALRelationships) != len(store.Relationships) {
		t.Errorf("OSCALRelationships covers %d relationships, want all %d", len(content.OSCALRelationships), len(store.Relationships))
	}
	if _, err := content.OSCALMappings(store.MappingSet{Framework: store.Framework{Slug: "empty"}}, ""); err == nil {
		t.Error("empty set: got no error, want one (the model needs at least one mapping)")
	}
}

func TestCheckOSCALMappingCollectionFindsProblems(t *testing.T) {
	valid := func() map[string]any {
		return map[string]any{"mapping-collection": map[string]any{
			"uuid": "5f0c7c4e-6a4f-4b7e-9a43-1c2d3e4f5a6b",
			"metadata": map[string]any{"title": "T", "last-modified": "2025-01-02T03:04:05Z", "version": "1",
				"oscal-version": "1.2.0"},
			"provenance": map[string]any{"method": "human", "matching-rationale": "semantic", "status": "draft",
				"mapping-description": "D"},
			"mappings": []any{map[string]any{
				"uuid":            "6f0c7c4e-6a4f-4b7e-9a43-1c2d3e4f5a6b",
				"source-resource": map[string]any{"type": "catalog", "href": "#7f0c7c4e-6a4f-4b7e-9a43-1c2d3e4f5a6b"},
				"target-resource": map[string]any{"type": "catalog", "href": "https://example.test/fw.json"},
				"maps": []any{map[string]any{
					"uuid": "8f0c7c4e-6a4f-4b7e-9a43-1c2d3e4f5a6b", "relationship": "subset-of",
					"sources": []any{map[string]any{"type": "control", "id-ref": "p"}},
					"targets": []any{map[string]any{"type": "control", "id-ref": "C1"}},
				}},
			}},
			"back-matter": map[string]any{"resources": []any{map[string]any{"uuid": "7f0c7c4e-6a4f-4b7e-9a43-1c2d3e4f5a6b"}}},
		}}
	}
	mc := func(d map[string]any) map[string]any { return d["mapping-collection"].(map[string]any) }
	firstMap := func(d map[string]any) map[string]any {
		return mc(d)["mappings"].([]any)[0].(map[string]any)["maps"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name   string
		break_ func(map[string]any)
		want   string
	}{
		{"valid", func(map[string]any) {}, ""},
		{"no uuid", func(d map[string]any) { delete(mc(d), "uuid") }, `missing required "uuid"`},
		{"no provenance", func(d map[string]any) { delete(mc(d), "provenance") }, `missing required "provenance"`},
		{"Accord's relationship name", func(d map[string]any) { firstMap(d)["relationship"] = "equal" }, `"equal" is not one of`},
		{"bad method", func(d map[string]any) { mc(d)["provenance"].(map[string]any)["method"] = "ai" }, "provenance.method"},
		{"no targets", func(d map[string]any) { firstMap(d)["targets"] = []any{} }, "at least 1"},
		{"no maps", func(d map[string]any) { mc(d)["mappings"].([]any)[0].(map[string]any)["maps"] = []any{} }, "maps: want at least 1"},
		{"unknown key", func(d map[string]any) { firstMap(d)["strength"] = "7" }, `"strength" is not part of the model`},
		{"dangling reference", func(d map[string]any) { mc(d)["back-matter"] = map[string]any{"resources": []any{}} }, "names no back-matter resource"},
		{"duplicate uuid", func(d map[string]any) { firstMap(d)["uuid"] = "6f0c7c4e-6a4f-4b7e-9a43-1c2d3e4f5a6b" }, "already used"},
		{"bad time", func(d map[string]any) { mc(d)["metadata"].(map[string]any)["last-modified"] = "yesterday" }, "date-time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := valid()
			tt.break_(d)
			b, _ := json.Marshal(d)
			problems := content.CheckOSCALMappingCollection(b)
			if tt.want == "" {
				if len(problems) > 0 {
					t.Errorf("got problems %v, want none", problems)
				}
				return
			}
			if !strings.Contains(strings.Join(problems, "\n"), tt.want) {
				t.Errorf("got problems %v, want one containing %q", problems, tt.want)
			}
		})
	}
}
