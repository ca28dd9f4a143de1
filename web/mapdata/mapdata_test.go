package mapdata

import (
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
)

func TestLoad(t *testing.T) {
	w, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := len(w.Countries), 170; got < want {
		t.Errorf("countries: got %d, want at least %d", got, want)
	}
	codes := map[string]bool{}
	for _, c := range w.Countries {
		codes[c.Code] = true
	}
	for _, code := range []string{"GB", "US", "CN", "JP", "AU", "FI", "KE", "BR", "CY", "SO"} {
		if !codes[code] {
			t.Errorf("country %s: missing from the map", code)
		}
	}
	if w.ViewBox != "0 0 960 498" {
		t.Errorf("view box: got %q, want %q", w.ViewBox, "0 0 960 498")
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no view box", "GB\tUnited Kingdom\tM1,2l3,4z\n", "no view box"},
		{"lowercase code", "viewBox\t0 0 9 9\ngb\tUnited Kingdom\tM1,2l3,4z\n", "line 2"},
		{"markup in path", "viewBox\t0 0 9 9\nGB\tUnited Kingdom\tM1,2\"/><script>\n", "line 2"},
		{"twice", "viewBox\t0 0 9 9\nGB\tA\tM1,2z\nGB\tB\tM1,2z\n", "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q): got %v, want an error containing %q", tt.in, err, tt.want)
			}
		})
	}
}

// TestShippedJurisdictionsOnMap: every country a shipped policy comes from
// is drawn on the map, the small ones (Singapore, Bahrain, Hong Kong,
// Mauritius...) as markers; blocs and international bodies are listed
// beside it instead.
func TestShippedJurisdictionsOnMap(t *testing.T) {
	w, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	codes := map[string]bool{}
	for _, c := range w.Countries {
		codes[c.Code] = true
	}
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range b.Policies {
		for _, j := range p.Jurisdictions {
			if j == "EU" || j == "INT" || seen[j] {
				continue
			}
			seen[j] = true
			if !codes[j] {
				t.Errorf("%s (%s): jurisdiction missing from the map", j, p.Slug)
			}
		}
	}
	if len(seen) < 41 {
		t.Errorf("shipped policies come from %d countries, want at least 41", len(seen))
	}
}
