package content

import (
	"context"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// Paragraphs of the id tests; each starts with a word that names it.
const (
	pA = "Alpha manufacturers should ship devices without universal default passwords and force a change at setup."
	pB = "Bravo vendors should publish a vulnerability disclosure policy with a contact point and response timelines."
	pC = "Charlie devices should receive security updates for a stated support period that buyers can see before they buy."
	pD = "Delta personal data on the device should be stored securely in protected storage and be easy for users to delete at any time."
	pE = "Echo the device should validate all input from its interfaces, networks and companion apps."
)

func doc(paras ...string) string { return strings.Join(paras, "\n\n") + "\n" }

// version composes src as the next version after prev and returns it as
// the store would read it back.
func version(t *testing.T, src string, prev store.Version, counter int) (store.Version, int) {
	t.Helper()
	c, err := NewMarkdown().Compose(context.Background(), src, nil, "dc-isss-iot", prev.Paragraphs, counter)
	if err != nil {
		t.Fatalf("Compose(%q): %v", src, err)
	}
	nv := c.NewVersion(prev.Number, src, "")
	return store.Version{Number: prev.Number + 1, Paragraphs: nv.Paragraphs, Map: nv.Map}, c.Counter
}

// idOf is the id of the paragraph whose text starts with key.
func idOf(t *testing.T, v store.Version, key string) string {
	t.Helper()
	for _, p := range v.Paragraphs {
		if strings.HasPrefix(p.Text, key) {
			return p.ID
		}
	}
	t.Fatalf("no paragraph starts with %q in %+v", key, v.Paragraphs)
	return ""
}

func TestParagraphIDsCarryOver(t *testing.T) {
	split1 := "Delta personal data on the device should be stored securely in protected storage."
	split2 := "Users should find it easy to delete at any time."
	tests := []struct {
		name   string
		steps  []string // versions after the first, doc(pA..pE)
		keep   [][2]string
		fresh  []string
		mapped map[string]string // key of an old paragraph -> relation
	}{
		{name: "insert", steps: []string{doc(pA, pB, "Xray a new paragraph about secure communication between every device and its cloud service.", pC, pD, pE)},
			keep:  [][2]string{{"Alpha", "Alpha"}, {"Bravo", "Bravo"}, {"Charlie", "Charlie"}, {"Delta", "Delta"}, {"Echo", "Echo"}},
			fresh: []string{"Xray"}},
		{name: "delete", steps: []string{doc(pA, pB, pD, pE)},
			keep:   [][2]string{{"Alpha", "Alpha"}, {"Bravo", "Bravo"}, {"Delta", "Delta"}, {"Echo", "Echo"}},
			mapped: map[string]string{"Charlie": store.RelDeleted, "Alpha": store.RelKept}},
		{name: "light edit", steps: []string{doc(pA, strings.Replace(pB, "should publish", "must publish", 1), pC, pD, pE)},
			keep:   [][2]string{{"Bravo", "Bravo"}, {"Alpha", "Alpha"}},
			mapped: map[string]string{"Bravo": store.RelEdited}},
		{name: "punctuation and case only", steps: []string{doc(strings.ToUpper(pA[:5])+pA[5:]+"!", pB, pC, pD, pE)},
			keep:   [][2]string{{"Alpha", "ALPHA"}},
			mapped: map[string]string{"Alpha": store.RelKept}},
		{name: "rewrite", steps: []string{doc(pA, pB, "Charlie buyers deserve to know for how long a product gets fixes, stated plainly on the box.", pD, pE)},
			keep: [][2]string{{"Alpha", "Alpha"}, {"Delta", "Delta"}}, fresh: []string{"Charlie"},
			mapped: map[string]string{"Charlie": store.RelDeleted}},
		{name: "split keeps the id on the larger part", steps: []string{doc(pA, pB, pC, split1, split2, pE)},
			keep: [][2]string{{"Delta", "Delta"}, {"Echo", "Echo"}}, fresh: []string{"Users"}},
		{name: "merge keeps the id of the larger part", steps: []string{doc(pA, pB+" "+pC, pD, pE)},
			keep: [][2]string{{"Charlie", "Bravo"}, {"Delta", "Delta"}}, mapped: map[string]string{"Bravo": store.RelMerged}},
		{name: "reorder", steps: []string{doc(pE, pC, pA, pB, pD)},
			keep: [][2]string{{"Alpha", "Alpha"}, {"Bravo", "Bravo"}, {"Charlie", "Charlie"}, {"Delta", "Delta"}, {"Echo", "Echo"}}},
		{name: "sequence: insert, edit and move, delete", steps: []string{
			doc(pA, pB, "Xray a new paragraph about secure communication between every device and its cloud service.", pC, pD, pE),
			doc(pE, pA, strings.Replace(pB, "timelines", "deadlines", 1), "Xray a new paragraph about secure communication between each device and its cloud service.", pC, pD),
			doc(pE, pA, strings.Replace(pB, "timelines", "deadlines", 1), "Xray a new paragraph about secure communication between each device and its cloud service.", pD),
		}, keep: [][2]string{{"Alpha", "Alpha"}, {"Bravo", "Bravo"}, {"Delta", "Delta"}, {"Echo", "Echo"}},
			mapped: map[string]string{"Charlie": store.RelDeleted}},
		{name: "heading renamed lightly keeps its id", steps: []string{"## Scope of the recommendations\n\n" + doc(pA)},
			keep: [][2]string{{"Scope", "Scope"}, {"Alpha", "Alpha"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := doc(pA, pB, pC, pD, pE)
			if strings.HasPrefix(tc.name, "heading") {
				first = "## Scope of these recommendations\n\n" + doc(pA)
			}
			v1, counter := version(t, first, store.Version{}, 1)
			v := v1
			prev := v1
			for _, step := range tc.steps {
				prev = v
				v, counter = version(t, step, v, counter)
			}
			for _, k := range tc.keep {
				if got, want := idOf(t, v, k[1]), idOf(t, v1, k[0]); got != want {
					t.Errorf("paragraph %q has id %s, want %s (the id of %q in version 1)", k[1], got, want, k[0])
				}
			}
			old := map[string]bool{}
			for _, p := range v1.Paragraphs {
				old[p.ID] = true
			}
			for _, k := range tc.fresh {
				if id := idOf(t, v, k); old[id] {
					t.Errorf("paragraph %q kept id %s, want a new id", k, id)
				}
			}
			for key, want := range tc.mapped {
				id := idOf(t, prev, key)
				got := ""
				for _, m := range v.Map {
					if m.Old == id {
						got = m.Relation
					}
				}
				if got != want {
					t.Errorf("map of %q (%s) = %q, want %q; map %+v", key, id, got, want, v.Map)
				}
			}
			seen := map[string]bool{}
			for _, p := range v.Paragraphs {
				if seen[p.ID] {
					t.Errorf("id %s used twice in %+v", p.ID, v.Paragraphs)
				}
				seen[p.ID] = true
			}
		})
	}
}

// TestMustShowEditInsertDelete is the must-show: one paragraph
// lightly edited, one inserted and one deleted; every untouched and the
// edited paragraph keep their ids, the inserted one gets a new id.
func TestMustShowEditInsertDelete(t *testing.T) {
	v1, counter := version(t, "## Baseline\n\n"+doc(pA, pB, pC, pD, pE), store.Version{}, 1)
	edited := strings.Replace(pD, "at any time", "at any moment", 1)
	inserted := "Foxtrot the manufacturer should state the minimum support period in a way that is clear to buyers."
	v2, _ := version(t, "## Baseline\n\n"+doc(pA, pB, inserted, edited, pE), v1, counter) // pC deleted
	for _, key := range []string{"Baseline", "Alpha", "Bravo", "Delta", "Echo"} {
		if got, want := idOf(t, v2, key), idOf(t, v1, key); got != want {
			t.Errorf("%s: got id %s, want %s", key, got, want)
		}
	}
	newID := idOf(t, v2, "Foxtrot")
	for _, p := range v1.Paragraphs {
		if p.ID == newID {
			t.Errorf("inserted paragraph got id %s of %q, want a new id", newID, p.Text)
		}
	}
	rel := map[string]string{}
	for _, m := range v2.Map {
		rel[m.Old] = m.Relation
	}
	if got := rel[idOf(t, v1, "Charlie")]; got != store.RelDeleted {
		t.Errorf("deleted paragraph maps as %q, want deleted", got)
	}
	if got := rel[idOf(t, v1, "Delta")]; got != store.RelEdited {
		t.Errorf("edited paragraph maps as %q, want edited", got)
	}
}

func TestSectionNumbers(t *testing.T) {
	src := "# Title\n\nIntro.\n\n## One\n\nA.\n\n- x\n- y\n\n### One point one\n\nB.\n\n## Two\n\n#### Deep\n\nC.\n\n> quoted\n\n```\ncode\n```\n\n| a |\n|---|\n| 1 |\n"
	c, err := NewMarkdown().Compose(context.Background(), src, nil, "dc-isss-iot", nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"heading Title", "paragraph ¶1", "heading 1", "paragraph 1 ¶1", "list-item 1 ¶2", "list-item 1 ¶3",
		"heading 1.1", "paragraph 1.1 ¶1", "heading 2", "heading 2.0.1", "paragraph 2.0.1 ¶1", "quote 2.0.1 ¶2",
		"code 2.0.1 ¶3", "table 2.0.1 ¶4"}
	var got []string
	for _, b := range c.Blocks {
		got = append(got, b.Kind+" "+b.Label())
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("blocks of %q:\n got %q\nwant %q", src, got, want)
	}
}
