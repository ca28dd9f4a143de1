package content

import "testing"

// TestCitationTextReadsBack writes citations with CitationText and reads
// them back with the parser's own rule, so "Cite this" and the finder
// offer exactly what documents understand.
func TestCitationTextReadsBack(t *testing.T) {
	for _, tt := range []struct{ slug, ref, want string }{
		{"etsi-en-303-645", "", "[@etsi-en-303-645]"},
		{"etsi-en-303-645", "5.1-1", "[@etsi-en-303-645 §5.1-1]"},
		{"uk-psti-act-2022", "Sch1-para1", "[@uk-psti-act-2022 §Sch1-para1]"},
	} {
		got := CitationText(tt.slug, tt.ref)
		if got != tt.want {
			t.Errorf("CitationText(%q, %q) = %q, want %q", tt.slug, tt.ref, got, tt.want)
		}
		kind, target, ref := parseCite('@', got[2:len(got)-1])
		if kind != "policy" || target != tt.slug || ref != tt.ref {
			t.Errorf("%s reads back as %s %q §%q", got, kind, target, ref)
		}
	}
}
