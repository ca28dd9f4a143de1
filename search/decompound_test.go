package search

import (
	"slices"
	"testing"
)

// TestIndexAnalyserDecompounds checks that the index analyser adds the
// head of a compound at the compound's position, and leaves other words
// and the query analyser alone.
func TestIndexAnalyserDecompounds(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an := m.AnalyzerNamed(indexAnalyzerName)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Cybersecurity labels", []string{"cybersecur@1", "secur@1", "label@2"}},
		{"cyber-security", []string{"cyber@1", "secur@2"}},
		{"cyberattacks on devices", []string{"cyberattack@1", "attack@1", "devic@3"}},
		{"Cyberia", []string{"cyberia@1"}},
		{"security", []string{"secur@1"}},
	} {
		var got []string
		for _, tok := range an.Analyze([]byte(tc.in)) {
			got = append(got, string(tok.Term)+"@"+itoa(int64(tok.Position)))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, got, tc.want)
		}
	}
}
