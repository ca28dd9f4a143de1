package search

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
)

// lexicon answers what the query planner asks of the index's own terms:
// whether a word is there at all (a word that is, is searched as itself
// only, never as a typo of another), which facet values exist (so a typed
// "law" or "C3" can find what it names), which indexed words are near a
// missing one, and how the records write an indexed word (for typos and
// "Did you mean").
type lexicon interface {
	known(term string) bool
	facetValues(key string) []string
	near(term string, fuzziness int) []string
	stemsNear(word string, fuzziness int) []string
	surfaces(term string) []string
}

// readerLexicon is a lexicon over one index snapshot.
type readerLexicon struct {
	r index.IndexReader
	// contains tests each text field; built on first use.
	contains map[string]index.FieldDictContains
	// surface reads an indexed term's written forms (see surfaces).
	surface func(term string) []string
}

func newReaderLexicon(r index.IndexReader, surface func(string) []string) *readerLexicon {
	return &readerLexicon{r: r, surface: surface}
}

// known reports whether any text field holds term.
func (l *readerLexicon) known(term string) bool {
	rc, ok := l.r.(index.IndexReaderContains)
	if !ok {
		return true // cannot tell: never treat a word as a typo
	}
	if l.contains == nil {
		l.contains = map[string]index.FieldDictContains{}
		for _, f := range textFields {
			if d, err := rc.FieldDictContains(f.name); err == nil {
				l.contains[f.name] = d
			}
		}
	}
	for _, d := range l.contains {
		if ok, err := d.Contains([]byte(term)); err == nil && ok {
			return true
		}
	}
	return false
}

// facetValues lists the values of one facet (by its key, see facetKeys)
// that some record carries.
func (l *readerLexicon) facetValues(key string) []string {
	d, err := l.r.FieldDictPrefix("facets", []byte(key+":"))
	if err != nil {
		return nil
	}
	defer d.Close()
	var out []string
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		out = append(out, strings.TrimPrefix(e.Term, key+":"))
	}
	return out
}

// maxNear bounds the indexed words considered for one typo.
const maxNear = 5

// near returns the indexed words at most fuzziness edits from term with
// the same first letter, closest first, then those most records hold.
func (l *readerLexicon) near(term string, fuzziness int) []string {
	rf, ok := l.r.(index.IndexReaderFuzzy)
	if !ok || fuzziness < 1 || term == "" {
		return nil
	}
	_, size := utf8.DecodeRuneInString(term)
	type cand struct {
		term  string
		dist  int
		count uint64
	}
	var cands []cand
	for _, f := range textFields {
		d, err := rf.FieldDictFuzzy(f.name, term, fuzziness, term[:size])
		if err != nil {
			continue
		}
		for {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			if e.Term == term {
				continue
			}
			if i := slices.IndexFunc(cands, func(c cand) bool { return c.term == e.Term }); i >= 0 {
				cands[i].count += e.Count
				continue
			}
			cands = append(cands, cand{e.Term, editDistance(term, e.Term), e.Count})
		}
		_ = d.Close()
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return cmp.Compare(b.count, a.count)
	})
	var out []string
	for _, c := range cands[:min(maxNear, len(cands))] {
		out = append(out, c.term)
	}
	return out
}

// stemsNear returns the indexed words that begin word (as typed,
// lowercased) within fuzziness edits of its start: the stems a typo may
// come from when stemming changes it a lot ("vulnerabilty" stems to
// "vulnerabilti", six edits from "vulner", the stem of "vulnerability").
// Longest first, then those most records hold. Only words of five letters
// or more, sharing the first three, are looked at.
func (l *readerLexicon) stemsNear(word string, fuzziness int) []string {
	rs := []rune(word)
	if len(rs) < 5 || fuzziness < 1 {
		return nil
	}
	type cand struct {
		term  string
		n     int
		count uint64
	}
	var cands []cand
	for _, f := range textFields {
		d, err := l.r.FieldDictPrefix(f.name, []byte(string(rs[:3])))
		if err != nil {
			continue
		}
		for {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			n := utf8.RuneCountInString(e.Term)
			if n < 4 || n > len(rs) || editDistance(e.Term, string(rs[:n])) > fuzziness {
				continue
			}
			if i := slices.IndexFunc(cands, func(c cand) bool { return c.term == e.Term }); i >= 0 {
				cands[i].count += e.Count
				continue
			}
			cands = append(cands, cand{e.Term, n, e.Count})
		}
		_ = d.Close()
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return cmp.Compare(b.count, a.count)
	})
	var out []string
	for _, c := range cands[:min(maxNear, len(cands))] {
		out = append(out, c.term)
	}
	return out
}

// maxSurfaces bounds the written forms read for one indexed word.
const maxSurfaces = 12

// surfaces returns how the records a reader may see write an indexed
// term ("singapor" is "Singapore"), read at its locations in titles and
// texts; empty without a surface reader.
func (l *readerLexicon) surfaces(t string) []string {
	if l.surface == nil {
		return nil
	}
	return l.surface(t)
}

// editDistance is the Levenshtein distance of a and b, in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// fuzzinessFor is how many edits a typed word may be from an indexed one,
// by its length in letters: none up to four (short words and acronyms
// have too many neighbours: "iot" is one edit from "not"), one up to
// eight, two beyond.
func fuzzinessFor(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 4:
		return 0
	case n <= 8:
		return 1
	default:
		return 2
	}
}

// readerOf opens a reader of bi's current snapshot; callers close it.
func readerOf(bi interface {
	Advanced() (index.Index, error)
}) (index.IndexReader, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("open index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("open index reader: %w", err)
	}
	return r, nil
}

// maxFuzziness is the most edits the index's automata can look for.
const maxFuzziness = 2
