package web

import (
	"testing"

	"github.com/dc-isss/accord/web/views"
	"github.com/google/go-cmp/cmp"
)

func TestShadeAndLegend(t *testing.T) {
	// entries reads "shade:label" pairs, to keep the table short.
	entries := func(pairs ...string) []views.LegendEntry {
		var out []views.LegendEntry
		for _, p := range pairs {
			out = append(out, views.LegendEntry{Shade: int(p[0] - '0'), Label: p[2:]})
		}
		return out
	}
	tests := []struct {
		max  int
		want []views.LegendEntry
	}{
		{0, entries("0:None")},
		{2, entries("0:None", "3:1", "5:2")},
		{5, entries("0:None", "1:1", "2:2", "3:3", "4:4", "5:5")},
		{12, entries("0:None", "1:1–2", "2:3–4", "3:5–7", "4:8–9", "5:10–12")},
	}
	for _, tt := range tests {
		got := legend(tt.max)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("legend(%d) differs (-want +got):\n%s", tt.max, diff)
		}
		// Every count from 0 to max falls in a shade the legend names.
		named := map[int]bool{}
		for _, e := range got {
			named[e.Shade] = true
		}
		for n := 0; n <= tt.max; n++ {
			if s := shade(n, tt.max); !named[s] {
				t.Errorf("shade(%d, %d) = %d, which legend(%d) does not name", n, tt.max, s, tt.max)
			}
		}
	}
}

func TestOrListAndAnchorID(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"Africa"}, "Africa"},
		{[]string{"Africa", "Asia"}, "Africa or Asia"},
		{[]string{"Africa", "Asia", "Oceania"}, "Africa, Asia or Oceania"},
	}
	for _, tt := range tests {
		if got := orList(tt.in); got != tt.want {
			t.Errorf("orList(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := anchorID("row", "Latin America & the Caribbean"); got != "row-Latin-America-the-Caribbean" {
		t.Errorf("anchorID: got %q", got)
	}
}
