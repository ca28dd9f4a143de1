package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadSynonyms(t *testing.T) {
	tests := []struct {
		name    string
		file    string // the data folder's synonyms.txt; "" for none
		want    []string
		wantErr string
	}{
		{"shipped only", "", []string{"SBOM", "software bill of materials", "software bills of materials"}, ""},
		{"data folder adds a group", "# ours\nPSTI Act, Product Security and Telecommunications Infrastructure Act\n",
			[]string{"PSTI Act", "Product Security and Telecommunications Infrastructure Act"}, ""},
		{"a bad data file stops the start", "lonely\n", nil, "synonyms.txt line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "synonyms.txt"), []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s, err := loadSynonyms(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadSynonyms: got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(s.Groups(), func(g []string) bool { return slices.Equal(g, tt.want) }) {
				t.Errorf("groups lack %q", tt.want)
			}
		})
	}
}
