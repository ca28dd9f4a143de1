package content

import (
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

func TestWordDiff(t *testing.T) {
	tests := []struct {
		a, b string
		want string // [-deleted-] {+inserted+}
	}{
		{"Vendors should publish a policy.", "Vendors must publish a clear policy.", "Vendors [-should-]{+must+} publish a{+ clear+} policy."},
		{"same text", "same text", "same text"},
		{"", "new words", "{+new words+}"},
		{"old words", "", "[-old words-]"},
		{"a b c", "a c", "a [-b -]c"},
	}
	for _, tc := range tests {
		var b strings.Builder
		for _, p := range WordDiff(tc.a, tc.b) {
			switch p.Op {
			case 1:
				b.WriteString("{+" + p.Text + "+}")
			case -1:
				b.WriteString("[-" + p.Text + "-]")
			default:
				b.WriteString(p.Text)
			}
		}
		if got := b.String(); got != tc.want {
			t.Errorf("WordDiff(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestDiffMarksExactlyWhatChanged: an edit, an insertion, a deletion and
// a move, and nothing else marked.
func TestDiffMarksExactlyWhatChanged(t *testing.T) {
	v1, counter := version(t, "## Baseline\n\n"+doc(pA, pB, pC, pD, pE), store.Version{}, 1)
	v2, _ := version(t, "## Baseline\n\n"+doc(pE, pA, strings.Replace(pB, "should", "must", 1),
		"Foxtrot a new paragraph about how long the manufacturer will keep supplying security updates.", pD), v1, counter)
	r := Diff(v1, v2)
	got := map[string]string{}
	for _, b := range r.Blocks {
		key := strings.Fields(b.Parts[0].Text)[0]
		if b.Status == Changed {
			key = "Bravo"
		}
		s := b.Status
		if b.Moved {
			s += "+moved"
		}
		got[key] = s
	}
	want := map[string]string{"Baseline": Unchanged, "Alpha": Unchanged, "Bravo": Changed, "Charlie": Deleted,
		"Delta": Unchanged, "Echo": Unchanged + "+moved", "Foxtrot": Inserted}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("block %s: got %q, want %q (all: %v)", k, got[k], w, got)
		}
	}
	if r.Changed != 1 || r.Inserted != 1 || r.Deleted != 1 || r.Moved != 1 {
		t.Errorf("totals: got changed %d inserted %d deleted %d moved %d, want 1 each", r.Changed, r.Inserted, r.Deleted, r.Moved)
	}
	for _, b := range r.Blocks {
		if b.Status != Changed {
			continue
		}
		var ins, del []string
		for _, p := range b.Parts {
			switch p.Op {
			case 1:
				ins = append(ins, p.Text)
			case -1:
				del = append(del, p.Text)
			}
		}
		if strings.Join(ins, "|") != "must" || strings.Join(del, "|") != "should" {
			t.Errorf("edited block marks inserted %q and deleted %q, want must and should", ins, del)
		}
	}
	if len(r.Sections) != 1 || r.Sections[0].Section != "1" || r.Sections[0].Title != "Baseline" {
		t.Errorf("sections: got %+v, want one, 1 Baseline", r.Sections)
	}
	// The deleted block stands where it stood: after Bravo, before Delta.
	var order []string
	for _, b := range r.Blocks {
		order = append(order, b.Status)
	}
	if want := "unchanged|unchanged|unchanged|changed|inserted|deleted|unchanged"; strings.Join(order, "|") != want {
		t.Errorf("order: got %s, want %s", strings.Join(order, "|"), want)
	}
}
