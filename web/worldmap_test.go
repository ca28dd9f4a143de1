package web

import (
	"slices"
	"testing"

	"github.com/dc-isss/accord/web/views"
)

// TestMapClasses checks that the map's classes follow the data: few
// distinct counts each get a class, many are cut at quantiles, classes are
// spread over the palette, and the legend's ranges meet end to end.
func TestMapClasses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts []int
		breaks []int
		legend []string
		steps  []int
	}{
		{"none", nil, nil, []string{"None"}, nil},
		{"one value", []int{2, 2}, []int{2}, []string{"None", "2"}, []int{3}},
		{"shipped national", []int{12, 2, 2, 2, 1, 1, 1}, []int{1, 2, 12}, []string{"None", "1", "2", "3–12"}, []int{1, 3, 5}},
		{"many values", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{2, 4, 6, 8, 10},
			[]string{"None", "1–2", "3–4", "5–6", "7–8", "9–10"}, []int{1, 2, 3, 4, 5}},
		{"skewed", []int{15, 15, 15, 15, 15, 15, 16, 17, 25, 26, 27}, []int{15, 16, 25, 27},
			[]string{"None", "15", "16", "17–25", "26–27"}, []int{1, 2, 4, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := classBreaks(tc.counts, views.Shades)
			if !slices.Equal(b, tc.breaks) {
				t.Errorf("breaks = %v, want %v", b, tc.breaks)
			}
			var labels []string
			var classes []string
			least := 0
			if len(tc.counts) > 0 {
				least = slices.Min(tc.counts)
			}
			for _, e := range mapLegend(b, least) {
				labels = append(labels, e.Label)
				classes = append(classes, e.Class)
			}
			if !slices.Equal(labels, tc.legend) {
				t.Errorf("legend = %q, want %q", labels, tc.legend)
			}
			want := []string{views.MapClass(0)}
			for _, s := range tc.steps {
				want = append(want, views.MapClass(s))
			}
			if !slices.Equal(classes, want) {
				t.Errorf("legend classes = %v, want %v", classes, want)
			}
			if mapClass(0, b) != "map-c0" {
				t.Errorf("0 is %s, want map-c0", mapClass(0, b))
			}
			for i, hi := range b {
				if got := mapClass(hi, b); got != classes[i+1] {
					t.Errorf("%d is %s, want %s", hi, got, classes[i+1])
				}
			}
		})
	}
}

// TestMapSharedClasses: in the applicable scope the count every country
// shares (the international instruments) is a class of its own and the
// counts above it are cut into the other classes.
func TestMapSharedClasses(t *testing.T) {
	counts := []int{15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 16, 17, 18, 20, 25, 30}
	if got := classBreaks(counts, views.Shades); len(got) > 3 {
		t.Logf("plain quantiles: %v", got)
	}
	b := sharedBreaks(counts, 15, views.Shades)
	if len(b) <= 2 || b[0] != 15 {
		t.Fatalf("breaks = %v, want 15 alone first and more than two classes", b)
	}
	if mapClass(15, b) == mapClass(16, b) {
		t.Errorf("15 and 16 share class %s", mapClass(15, b))
	}
}

// TestSmallShape checks that tiny countries get a marker and large ones
// do not.
func TestSmallShape(t *testing.T) {
	if m := smallShape("M484,109l3,3 -3,3 -3,-3z"); m == nil || m.X != 484 || m.Y != 112 {
		t.Errorf("Andorra's diamond: marker %+v, want one at 484,112", m)
	}
	if m := smallShape("M10,10l40,0 0,30 -40,0z"); m != nil {
		t.Errorf("a 40 by 30 shape: marker %+v, want none", m)
	}
}
