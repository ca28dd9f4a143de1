package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// TestCollapsedCommentsAndStats: a collapsed list shows a campaign group
// once, under the oldest of its comments the filter selects, while Total
// and the stats count every comment.
func TestCollapsedCommentsAndStats(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPost)
	f.now = t0.Add(48 * time.Hour)
	text := "Every connected device must ship without a universal default password because shared passwords let attackers in."
	groups := []string{"civil-society", "academia"}
	for i := range 6 {
		u := f.user(t, fmt.Sprintf("c%d@example.org", i), groups[i%2], false)
		w := strings.Fields(text)
		w[i] = "really"
		body := strings.Join(w, " ")
		if _, err := f.db.CreateComment(u, store.NewComment{Consultation: "r", Paragraph: "p4", Body: body, Signature: content.MinHash(body)},
			store.Limits{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	o := f.user(t, "o@example.org", "academia", false)
	other, err := f.db.CreateComment(o, store.NewComment{Consultation: "r", Paragraph: "p4", Body: "Cite the ETSI standard instead."}, store.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name             string
		filter           store.CommentFilter
		total, entries   int
		similar, heading int // comments under the group's head; its position
	}{
		{"all", store.CommentFilter{Consultation: "r", Collapse: true}, 7, 2, 5, 0},
		{"academia", store.CommentFilter{Consultation: "r", Group: "academia", Collapse: true}, 4, 2, 2, 0},
		{"not collapsed", store.CommentFilter{Consultation: "r"}, 7, 7, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := f.db.Comments(f.ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != tt.total || l.Entries != tt.entries || len(l.Items) != tt.entries {
				t.Errorf("got total %d, entries %d, items %d; want %d, %d, %d", l.Total, l.Entries, len(l.Items), tt.total, tt.entries, tt.entries)
			}
			head := l.Items[tt.heading]
			if got := len(l.Similar[head.ID]); got != tt.similar {
				t.Errorf("got %d similar under comment %d, want %d", got, head.ID, tt.similar)
			}
			for _, m := range l.Similar[head.ID] {
				if m.GroupID != head.GroupID || m.ID <= head.ID || (tt.filter.Group != "" && m.Author.Group != tt.filter.Group) {
					t.Errorf("similar comment %d: group %d (head %d), author group %q", m.ID, m.GroupID, head.GroupID, m.Author.Group)
				}
			}
		})
	}
	if _, err := f.db.SetDisposition(f.ctx, other.ID, store.Disposition{Value: store.DispositionNoted, Rationale: "Thanks"}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := f.db.CommentStats(f.ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if st.Approved != 7 || st.Answered != 1 || st.ByDisposition[""] != 6 || st.ByDisposition[store.DispositionNoted] != 1 ||
		st.ByDisposition[store.DispositionAccepted] != 0 || len(st.ByDisposition) != 6 {
		t.Errorf("got approved %d, answered %d, by disposition %v", st.Approved, st.Answered, st.ByDisposition)
	}
	if st.ByGroup["civil-society"] != 3 || st.ByGroup["academia"] != 4 || len(st.ByGroup) != len(store.StakeholderGroups) {
		t.Errorf("by group: got %v", st.ByGroup)
	}
	if len(st.ByCountry) != 1 || st.ByCountry[0] != (store.CountryCount{Country: "KE", Count: 7}) {
		t.Errorf("by country: got %v", st.ByCountry)
	}
	if got, want := st.Share(), 1.0/7; got != want {
		t.Errorf("share: got %v, want %v", got, want)
	}
	if (store.CommentStats{}).Share() != 0 {
		t.Error("share of no comments: want 0")
	}
}
