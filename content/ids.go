package content

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/dc-isss/accord/store"
)

// Stable paragraph ids.
//
// When a version is saved, its blocks are matched to the previous
// version's paragraphs and a matched block keeps the paragraph's id, so
// that comments and links stay anchored. Matching compares bags of
// normalised words, never positions, so it survives insertions, deletions
// and moves around a block; position only breaks ties between equally
// good candidates (two identical paragraphs, say). In order:
//
//  1. identical text (after normalisation) keeps the id: "kept";
//  2. the most similar remaining pairs, best first, keep the id when their
//     similarity (weighted Jaccard of the word bags) is at least
//     editedMin: "edited" — a light edit;
//  3. an unmatched old paragraph whose words mostly (containedMin) reappear
//     inside one new block gives that block its id, the largest such block
//     first: the larger part of a split keeps the id;
//  4. an unmatched new block that mostly contains an unmatched old
//     paragraph takes its id, the largest first: a merge keeps the id of
//     its largest part.
//
// Everything else gets a new id from the document's counter. Headings only
// match headings, and code, tables and footnotes only their own kind;
// paragraphs, list items and quotes may turn into one another.
const (
	editedMin    = 0.5
	containedMin = 0.7
	// minShared keeps tiny blocks (a two-word list item) from claiming an
	// id by containment alone.
	minShared = 3
)

type bag map[string]int

func (b bag) size() int {
	n := 0
	for _, c := range b {
		n += c
	}
	return n
}

func shared(a, b bag) int {
	if len(b) < len(a) {
		a, b = b, a
	}
	n := 0
	for w, c := range a {
		n += min(c, b[w])
	}
	return n
}

// words splits text into lowercase words of letters and digits, with a
// plural s dropped so "password" and "passwords" count as one.
func words(s string) []string {
	fs := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	for i, f := range fs {
		if len(f) > 3 && strings.HasSuffix(f, "s") && !strings.HasSuffix(f, "ss") {
			fs[i] = f[:len(f)-1]
		}
	}
	return fs
}

func bagOf(s string) bag {
	b := bag{}
	for _, w := range words(s) {
		b[w]++
	}
	return b
}

// normalise is the text compared for identity: words only, so that
// punctuation, case and spacing changes keep a paragraph "kept".
func normalise(s string) string { return strings.Join(words(s), " ") }

// kindClass groups kinds that may match one another.
func kindClass(kind string) string {
	switch kind {
	case "paragraph", "list-item", "quote":
		return "text"
	}
	return kind
}

// Similarity is the weighted Jaccard similarity of two texts' word bags,
// from 0 (no word in common) to 1 (the same words).
func Similarity(a, b string) float64 {
	return similarity(bagOf(a), bagOf(b))
}

func similarity(a, b bag) float64 {
	sa, sb := a.size(), b.size()
	if sa == 0 && sb == 0 {
		return 1
	}
	s := shared(a, b)
	return float64(s) / float64(sa+sb-s)
}

// matchIDs gives each new block an id: the id of the previous paragraph it
// matches, or a new one numbered from counter. It returns the ids, the map
// from every previous paragraph to what became of it, and the counter
// after the new ids.
func matchIDs(prev []store.Paragraph, next []Block, counter int) ([]string, []store.IDMapping, int) {
	m, n := len(prev), len(next)
	ids := make([]string, n)
	sim := make([]float64, n)
	oldOf := make([]int, n) // index into prev, -1 when new
	newOf := make([]int, m) // index into next, -1 when unmatched
	for j := range oldOf {
		oldOf[j] = -1
	}
	for i := range newOf {
		newOf[i] = -1
	}
	pb := make([]bag, m)
	nb := make([]bag, n)
	for i, p := range prev {
		pb[i] = bagOf(p.Text)
	}
	for j, b := range next {
		nb[j] = bagOf(b.Text)
	}
	rel := func(i, total int) float64 {
		if total <= 1 {
			return 0
		}
		return float64(i) / float64(total-1)
	}
	dist := func(i, j int) float64 { return math.Abs(rel(i, m) - rel(j, n)) }
	compatible := func(i, j int) bool { return kindClass(prev[i].Kind) == kindClass(next[j].Kind) }
	assign := func(i, j int, s float64) {
		oldOf[j], newOf[i], sim[j] = i, j, s
		ids[j] = prev[i].ID
	}

	// 1. Identical text, the nearest in relative position first.
	byText := map[string][]int{}
	for i, p := range prev {
		k := kindClass(p.Kind) + "\x00" + normalise(p.Text)
		byText[k] = append(byText[k], i)
	}
	for j, b := range next {
		best := -1
		for _, i := range byText[kindClass(b.Kind)+"\x00"+normalise(b.Text)] {
			if newOf[i] < 0 && (best < 0 || dist(i, j) < dist(best, j)) {
				best = i
			}
		}
		if best >= 0 {
			assign(best, j, 1)
		}
	}

	// 2. Light edits: the most similar pairs first.
	type pair struct {
		i, j int
		s, d float64
	}
	var pairs []pair
	for j := range next {
		if oldOf[j] >= 0 {
			continue
		}
		for i := range prev {
			if newOf[i] >= 0 || !compatible(i, j) {
				continue
			}
			if s := similarity(pb[i], nb[j]); s >= editedMin {
				pairs = append(pairs, pair{i, j, s, dist(i, j)})
			}
		}
	}
	sort.Slice(pairs, func(a, b int) bool {
		if pairs[a].s != pairs[b].s {
			return pairs[a].s > pairs[b].s
		}
		if pairs[a].d != pairs[b].d {
			return pairs[a].d < pairs[b].d
		}
		return pairs[a].j < pairs[b].j
	})
	for _, p := range pairs {
		if newOf[p.i] < 0 && oldOf[p.j] < 0 {
			assign(p.i, p.j, p.s)
		}
	}

	// contained reports how much of a lies within b, and how many words.
	contained := func(a, b bag) (float64, int) {
		sa := a.size()
		if sa == 0 {
			return 0, 0
		}
		s := shared(a, b)
		return float64(s) / float64(sa), s
	}

	// 3. Splits: the largest part that came from an unmatched old paragraph.
	for i := range prev {
		if newOf[i] >= 0 {
			continue
		}
		best, bestShared := -1, 0
		for j := range next {
			if oldOf[j] >= 0 || !compatible(i, j) {
				continue
			}
			if c, s := contained(nb[j], pb[i]); c >= containedMin && s >= minShared && s > bestShared {
				best, bestShared = j, s
			}
		}
		if best >= 0 {
			assign(i, best, similarity(pb[i], nb[best]))
		}
	}

	// 4. Merges: the largest unmatched old paragraph a new block contains.
	for j := range next {
		if oldOf[j] >= 0 {
			continue
		}
		best, bestShared := -1, 0
		for i := range prev {
			if newOf[i] >= 0 || !compatible(i, j) {
				continue
			}
			if c, s := contained(pb[i], nb[j]); c >= containedMin && s >= minShared && s > bestShared {
				best, bestShared = i, s
			}
		}
		if best >= 0 {
			assign(best, j, similarity(pb[best], nb[j]))
		}
	}

	// New ids for the rest.
	for j := range next {
		if ids[j] == "" {
			ids[j] = store.ParagraphID(counter)
			counter++
		}
	}

	// The map: what became of every old paragraph, and which new blocks
	// were split off one.
	var out []store.IDMapping
	for i, p := range prev {
		if j := newOf[i]; j >= 0 {
			r := store.RelEdited
			if normalise(p.Text) == normalise(next[j].Text) && p.Kind == next[j].Kind {
				r = store.RelKept
			}
			out = append(out, store.IDMapping{Old: p.ID, New: ids[j], Relation: r, Similarity: round(sim[j])})
			continue
		}
		best, bestShared := -1, 0
		for j := range next {
			if c, s := contained(pb[i], nb[j]); compatible(i, j) && c >= containedMin && s >= minShared && s > bestShared {
				best, bestShared = j, s
			}
		}
		if best >= 0 {
			out = append(out, store.IDMapping{Old: p.ID, New: ids[best], Relation: store.RelMerged,
				Similarity: round(similarity(pb[i], nb[best]))})
		} else {
			out = append(out, store.IDMapping{Old: p.ID, Relation: store.RelDeleted})
		}
	}
	for j := range next {
		if oldOf[j] >= 0 {
			continue
		}
		best, bestShared := -1, 0
		for i := range prev {
			if c, s := contained(nb[j], pb[i]); compatible(i, j) && c >= containedMin && s >= minShared && s > bestShared {
				best, bestShared = i, s
			}
		}
		if best >= 0 {
			out = append(out, store.IDMapping{Old: prev[best].ID, New: ids[j], Relation: store.RelSplit,
				Similarity: round(similarity(pb[best], nb[j]))})
		}
	}
	return ids, out, counter
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
