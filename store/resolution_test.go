package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// para is a paragraph of section 2 at position i.
func para(id string, i int, text string) store.Paragraph {
	return store.Paragraph{ID: id, Section: "2", Ordinal: i, Kind: "paragraph", Text: text, Position: i}
}

// saveVersion adds a version with the given paragraphs and map.
func (f *consultFixture) saveVersion(t *testing.T, base int, ps []store.Paragraph, m []store.IDMapping) {
	t.Helper()
	if _, err := f.db.SaveVersion(f.ctx, "doc", store.NewVersion{Base: base, Source: "x", HTML: "<p>x</p>", NextParagraph: 20,
		Paragraphs: ps, Map: m}); err != nil {
		t.Fatal(err)
	}
}

func TestFollowParagraphsAcrossVersions(t *testing.T) {
	f := newConsultFixture(t)
	// Version 1 (the fixture): p1 heading, p2, p3 heading, p4, p5.
	f.saveVersion(t, 1, []store.Paragraph{para("p2", 1, "One, edited."), para("p4", 2, "Two."), para("p6", 3, "Two, the split part."),
		para("p5", 4, "a list item and more")},
		[]store.IDMapping{{Old: "p1", Relation: store.RelDeleted}, {Old: "p2", New: "p2", Relation: store.RelEdited},
			{Old: "p4", New: "p4", Relation: store.RelKept}, {Old: "p4", New: "p6", Relation: store.RelSplit},
			{Old: "p5", New: "p5", Relation: store.RelEdited}, {Old: "p3", Relation: store.RelDeleted}})
	f.saveVersion(t, 2, []store.Paragraph{para("p2", 1, "One, edited."), para("p4", 2, "Two. Two, the split part.")},
		[]store.IDMapping{{Old: "p2", New: "p2", Relation: store.RelKept}, {Old: "p4", New: "p4", Relation: store.RelKept},
			{Old: "p6", New: "p4", Relation: store.RelMerged}, {Old: "p5", Relation: store.RelDeleted}})

	got, err := f.db.Follow(f.ctx, "doc", 1, 3, []string{"p2", "p4", "p5"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pid, wantPara, wantRel string
		wantParts              []string
		wantChanged            int
	}{
		{"p2", "p2", store.RelEdited, nil, 2},
		{"p4", "p4", store.RelSplit, []string{"p6"}, 2},
		{"p5", "", store.RelDeleted, nil, 3},
	}
	for _, tt := range tests {
		c := got[tt.pid]
		if c.Paragraph != tt.wantPara || c.Relation != tt.wantRel || strings.Join(c.Parts, ",") != strings.Join(tt.wantParts, ",") ||
			c.Changed != tt.wantChanged || c.Version != 3 {
			t.Errorf("Follow(%s, 1 -> 3) = %+v, want paragraph %q, relation %s, parts %v, changed in %d", tt.pid, c, tt.wantPara,
				tt.wantRel, tt.wantParts, tt.wantChanged)
		}
	}
	if c := got["p2"]; c.Section != "2" || c.Label != "2 ¶1" {
		t.Errorf("p2 in version 3: section %q label %q, want 2 and 2 ¶1", c.Section, c.Label)
	}
	// A paragraph followed into a merge.
	got, _ = f.db.Follow(f.ctx, "doc", 2, 3, []string{"p6"})
	if c := got["p6"]; c.Paragraph != "p4" || c.Relation != store.RelMerged {
		t.Errorf("p6 from version 2: got %+v, want merged into p4", c)
	}
}

func TestDispositions(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPost)
	f.now = t0.Add(48 * time.Hour)
	alice := f.user(t, "alice@example.org", "civil-society", true)
	m, err := f.db.CreateComment(alice, store.NewComment{Consultation: "r", Paragraph: "p4", Body: "Say who checks."}, store.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.saveVersion(t, 1, []store.Paragraph{para("p2", 1, "One."), para("p4", 2, "Two, checked by the vendor.")},
		[]store.IDMapping{{Old: "p4", New: "p4", Relation: store.RelEdited}})
	tests := []struct {
		name  string
		d     store.Disposition
		field string
	}{
		{"unknown value", store.Disposition{Value: "maybe", Rationale: "x"}, "disposition"},
		{"no rationale", store.Disposition{Value: "accepted"}, "rationale"},
		{"consulted version", store.Disposition{Value: "accepted", Rationale: "x", AddressedIn: store.Addressed{Version: 1, Paragraphs: []string{"p4"}}}, "addressed_in.version"},
		{"future version", store.Disposition{Value: "accepted", Rationale: "x", AddressedIn: store.Addressed{Version: 3, Paragraphs: []string{"p4"}}}, "addressed_in.version"},
		{"paragraph of no version", store.Disposition{Value: "accepted", Rationale: "x", AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"p4", "zz"}}}, "addressed_in.paragraphs[1]"},
		{"version without paragraphs", store.Disposition{Value: "accepted", Rationale: "x", AddressedIn: store.Addressed{Version: 2}}, "addressed_in.paragraphs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.db.SetDisposition(f.ctx, m.ID, tt.d, nil)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tt.field] == "" {
				t.Errorf("got %v, want a validation error on %s", err, tt.field)
			}
		})
	}
	told := 0
	notify := func(store.Comment, store.User) []store.Message { told++; return nil }
	if _, err := f.db.SetDisposition(f.ctx, m.ID, store.Disposition{Value: "noted", Rationale: "We will think."}, notify); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.SetDisposition(f.ctx, m.ID, store.Disposition{Value: "accepted", Rationale: "Done.",
		AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"p4"}}}, notify)
	if err != nil {
		t.Fatal(err)
	}
	if got.Disposition == nil || got.Disposition.Value != "accepted" || got.Disposition.AddressedIn.String() != "2:p4" || told != 2 {
		t.Errorf("after revision: got %+v (told %d), want accepted, addressed in 2:p4, the author told twice", got.Disposition, told)
	}
	hist, _ := f.db.DispositionHistory(f.ctx, m.ID)
	if len(hist) != 2 || hist[0].Value != "noted" || hist[1].Number != 2 {
		t.Errorf("history: got %+v, want noted then accepted", hist)
	}
	// Replies.
	r, err := f.db.AddReply(f.ctx, m.ID, "Thank you, see version 2.", "<p>Thank you, see version 2.</p>", nil)
	if err != nil {
		t.Fatal(err)
	}
	replies, _ := f.db.Replies(f.ctx, []int64{m.ID})
	if len(replies[m.ID]) != 1 || replies[m.ID][0].ID != r.ID {
		t.Errorf("replies: got %+v", replies)
	}
	if _, err := f.db.AddReply(f.ctx, m.ID, " ", "", nil); err == nil {
		t.Errorf("an empty reply: want an error")
	}
}

func TestParseDispositionAndAddressed(t *testing.T) {
	for in, want := range map[string]string{"Accepted in part": "accepted-in-part", "ACCEPTED-IN-PART": "accepted-in-part",
		" noted ": "noted", "Out of scope": "out-of-scope", "not accepted": "not-accepted"} {
		if got, ok := store.ParseDisposition(in); !ok || got != want {
			t.Errorf("ParseDisposition(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := store.ParseDisposition("rejected"); ok {
		t.Errorf("ParseDisposition(rejected): want not ok")
	}
	a, err := store.ParseAddressed(" 2 : p4 ; p9 ")
	if err != nil || a.String() != "2:p4;p9" {
		t.Errorf("ParseAddressed: got %v, %v", a, err)
	}
	for _, bad := range []string{"p4", "x:p4", "2:", "0:p1"} {
		if _, err := store.ParseAddressed(bad); err == nil {
			t.Errorf("ParseAddressed(%q): want an error", bad)
		}
	}
}

// TestCampaignGroups: 100 copies of a campaign text with small edits form
// one group, which is moderated and disposed of at once; a different
// comment stays apart, and a comment taken out of the group stays out.
func TestCampaignGroups(t *testing.T) {
	f := newConsultFixture(t)
	f.open(t, "r", store.ModerationPre)
	f.now = t0.Add(48 * time.Hour)
	text := "We urge the working group to require that every connected device ships without a universal default password, " +
		"because shared passwords let attackers take over thousands of cameras in minutes."
	fillers := []string{"really", "strongly", "also", "truly"}
	var ids []int64
	for i := 0; i < 100; i++ {
		u := f.user(t, fmt.Sprintf("s%d@example.org", i), "civil-society", false)
		w := strings.Fields(text)
		w[(i*7)%len(w)] = fillers[i%len(fillers)]
		body := strings.Join(w, " ")
		m, err := f.db.CreateComment(u, store.NewComment{Consultation: "r", Paragraph: "p4", Body: body, Signature: content.MinHash(body)}, store.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	other := f.user(t, "other@example.org", "academia", false)
	o, _ := f.db.CreateComment(other, store.NewComment{Consultation: "r", Paragraph: "p4",
		Body: "The paragraph should cite the ETSI standard rather than older guidance.", Signature: content.MinHash("The paragraph should cite the ETSI standard rather than older guidance.")}, store.Limits{}, nil)
	first, _ := f.db.Comment(f.ctx, ids[0])
	if first.GroupID == 0 {
		t.Fatal("the first copy is in no group")
	}
	g, err := f.db.Group(f.ctx, first.GroupID)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Comments) != 100 {
		t.Errorf("group: %d comments, want all 100 copies", len(g.Comments))
	}
	if o.GroupID != 0 {
		t.Errorf("a different comment joined group %d", o.GroupID)
	}
	n, err := f.db.ModerateGroup(f.ctx, g.ID, store.ModerateApprove, "", "", nil)
	if err != nil || n != 100 {
		t.Fatalf("approve the group: %d, %v", n, err)
	}
	if _, err := f.db.RemoveFromGroup(f.ctx, ids[5]); err != nil {
		t.Fatal(err)
	}
	n, err = f.db.DisposeGroup(f.ctx, g.ID, store.Disposition{Value: "accepted", Rationale: "Recommendation 1 does this."}, nil)
	if err != nil || n != 99 {
		t.Fatalf("dispose of the group: %d, %v; want the 99 left in it", n, err)
	}
	out, _ := f.db.Comment(f.ctx, ids[5])
	if out.GroupID != 0 || out.Disposition != nil {
		t.Errorf("the comment taken out: group %d, disposition %+v; want no group, no disposition", out.GroupID, out.Disposition)
	}
	// A later copy by its author does not pull it back in.
	u := f.user(t, "late@example.org", "civil-society", false)
	late, _ := f.db.CreateComment(u, store.NewComment{Consultation: "r", Paragraph: "p4", Body: text, Signature: content.MinHash(text)}, store.Limits{}, nil)
	if late.GroupID != g.ID {
		t.Errorf("a late copy: group %d, want %d", late.GroupID, g.ID)
	}
	if out, _ := f.db.Comment(f.ctx, ids[5]); out.GroupID != 0 {
		t.Errorf("the comment taken out was grouped again")
	}
}
