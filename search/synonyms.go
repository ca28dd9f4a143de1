package search

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Synonyms is a vocabulary of equivalent words and phrases: acronyms and
// what they stand for, British and American spellings, everyday and
// formal names of the same thing. A query that holds one entry of a group
// also matches the group's other entries, so "SBOM" finds a text that only
// says "software bill of materials". The vocabulary is applied when a
// query is planned, never when records are indexed, so changing it needs
// no rebuild.
//
// The text form (ParseSynonyms) is one group per line, its entries
// separated by commas; blank lines and lines starting with "#" are
// ignored. An entry may be several words ("internet of things"). Only put
// true equivalents in one group: every entry of a group finds every other.
type Synonyms struct {
	groups [][]string // as written, for Groups
}

// maxSynonymEntry bounds the length of one entry, in characters.
const maxSynonymEntry = 100

// ParseSynonyms reads a vocabulary in the text form described at
// Synonyms. name is used in errors ("synonyms.txt line 4: ...").
func ParseSynonyms(name string, r io.Reader) (*Synonyms, error) {
	s := &Synonyms{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("%s line %d: not UTF-8 text", name, line)
		}
		var group []string
		for _, e := range strings.Split(text, ",") {
			e = strings.Join(strings.Fields(e), " ")
			if e == "" {
				continue
			}
			if utf8.RuneCountInString(e) > maxSynonymEntry {
				return nil, fmt.Errorf("%s line %d: entry %.20q... is longer than %d characters", name, line, e, maxSynonymEntry)
			}
			if !slices.Contains(group, e) {
				group = append(group, e)
			}
		}
		if len(group) < 2 {
			return nil, fmt.Errorf("%s line %d: a group needs at least two entries separated by commas", name, line)
		}
		s.groups = append(s.groups, group)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return s, nil
}

// Merge returns a vocabulary holding the groups of s and of others, in
// order: the shipped vocabulary plus a data folder's additions. Groups
// that share an entry are not joined: each is applied on its own.
func (s *Synonyms) Merge(others ...*Synonyms) *Synonyms {
	out := &Synonyms{}
	for _, v := range append([]*Synonyms{s}, others...) {
		if v != nil {
			out.groups = append(out.groups, v.groups...)
		}
	}
	return out
}

// Groups returns the groups as written.
func (s *Synonyms) Groups() [][]string {
	if s == nil {
		return nil
	}
	out := make([][]string, len(s.groups))
	for i, g := range s.groups {
		out[i] = slices.Clone(g)
	}
	return out
}

// synEntry is one entry of a group after analysis: the terms a query must
// hold, in order, for the group to apply, and the text to look up.
type synEntry struct {
	terms []string
	text  string
	group int
}

// compiledSynonyms are the entries of a vocabulary analysed the way
// queries are, longest first, so that "software bill of materials" wins
// over a group of "software" alone.
type compiledSynonyms struct {
	entries []synEntry
	groups  [][]synEntry
}

func compileSynonyms(s *Synonyms, an analysis.Analyzer) *compiledSynonyms {
	c := &compiledSynonyms{}
	if s == nil {
		return c
	}
	for gi, g := range s.groups {
		var group []synEntry
		for _, e := range g {
			terms := analyseAll(an, e)
			if len(terms) == 0 {
				continue // only stop words
			}
			group = append(group, synEntry{terms: terms, text: e, group: gi})
		}
		c.groups = append(c.groups, group)
		c.entries = append(c.entries, group...)
	}
	slices.SortStableFunc(c.entries, func(a, b synEntry) int { return len(b.terms) - len(a.terms) })
	return c
}

// match returns the longest entry whose terms start terms, if any.
func (c *compiledSynonyms) match(terms []string) (synEntry, bool) {
	for _, e := range c.entries {
		if len(e.terms) <= len(terms) && slices.Equal(e.terms, terms[:len(e.terms)]) {
			return e, true
		}
	}
	return synEntry{}, false
}

// analyseAll returns the terms the analyser makes of s, in order,
// repeats kept.
func analyseAll(an analysis.Analyzer, s string) []string {
	var out []string
	for _, tok := range an.Analyze([]byte(s)) {
		if t := string(tok.Term); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// nearEntry returns the one-word entry of the vocabulary closest to typed,
// within fuzziness edits of it (counted on the words as written, case
// aside), and how many edits it is away.
func (c *compiledSynonyms) nearEntry(typed string, fuzziness int) (synEntry, int, bool) {
	if fuzziness < 1 {
		return synEntry{}, 0, false
	}
	lower := strings.ToLower(typed)
	best, bestDist := synEntry{}, fuzziness+1
	for _, e := range c.entries {
		if len(e.terms) != 1 || strings.ContainsAny(e.text, " -") {
			continue
		}
		if d := editDistance(lower, strings.ToLower(e.text)); d < bestDist {
			best, bestDist = e, d
		}
	}
	return best, bestDist, bestDist <= fuzziness
}
