package search

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
)

// resolveTypo decides what a word that no record holds may stand for. It
// looks at the indexed words near its stem, and keeps those that the
// records write within the word's edit budget of what was typed
// (fuzzinessFor): edits are counted on words as written, not on stems, so
// "medical" (stem "medic") is not taken for "media", two edits away,
// while "Singpore" is "Singapore". It returns the stems to match, and the
// written form closest to the typed word for "Did you mean" (which may be
// one edit away even for a short word: "iott" suggests "IoT").
func resolveTypo(lex lexicon, t, typed string) (match []string, suggestion string) {
	if strings.ContainsFunc(t, unicode.IsDigit) {
		return nil, "" // "8259C" is another identifier, not a typo of "8259A"
	}
	fz := fuzzinessFor(typed)
	budget := max(fz, 1)
	lower := strings.ToLower(typed)
	bestDist := budget + 1
	// Near the stem, and the stems that begin the word as typed: a typo
	// may stem quite unlike the word meant. Either way, the edits are
	// then counted on the words the records write.
	cands := lex.near(t, min(budget+1, maxFuzziness))
	for _, c := range lex.stemsNear(lower, fz) {
		if !slices.Contains(cands, c) {
			cands = append(cands, c)
		}
	}
	for _, c := range cands {
		dist := budget + 1
		var closest string
		for _, s := range lex.surfaces(c) {
			if d := editDistance(lower, strings.ToLower(s)); d < dist {
				dist, closest = d, s
			}
		}
		if dist <= fz {
			match = append(match, c)
		}
		if dist <= budget && dist < bestDist {
			bestDist, suggestion = dist, closest
		}
	}
	if suggestion != "" && typed == lower && strings.ToUpper(suggestion) != suggestion {
		suggestion = strings.ToLower(suggestion)
	}
	return match, suggestion
}

// suggestion builds the "Did you mean" query: the reader's text with each
// word that no record holds replaced by its closest written neighbour.
// Empty when no word has one.
func (p plan) suggestion() string {
	out := p.text
	changed := false
	// From the last word back, so earlier offsets stay valid.
	for i := len(p.unknown) - 1; i >= 0; i-- {
		u := p.unknown[i]
		if u.suggestion == "" {
			continue
		}
		out = out[:u.start] + u.suggestion + out[u.end:]
		changed = true
	}
	if !changed {
		return ""
	}
	return strings.Join(strings.Fields(out), " ")
}

// surfaceReader reads how the records a reader may see write an indexed
// term: the text at its locations in the titles and texts of a few
// records. A private draft never lends its words to a public reader.
func (ix *Index) surfaceReader(ctx context.Context, bi bleve.Index, private bool) func(string) []string {
	return func(t string) []string {
		var out []string
		for _, field := range []string{"title", "text", "context"} {
			pass := newFacetPass(plan{private: private, filters: map[string][]string{}})
			req := bleve.NewSearchRequestOptions(&facetQuery{inner: term(field, t, 1), cache: ix.facets, pass: pass}, 5, 0, false)
			req.Fields = []string{field}
			req.IncludeLocations = true
			sr, err := bi.SearchInContext(ctx, req)
			if err != nil {
				return out // a lookup that fails suggests nothing
			}
			for _, h := range sr.Hits {
				text, _ := h.Fields[field].(string)
				for _, l := range h.Locations[field][t] {
					if int(l.End) <= len(text) && l.Start < l.End {
						if w := text[l.Start:l.End]; !containsFold(out, w) {
							out = append(out, w)
						}
					}
					if len(out) >= maxSurfaces {
						return out
					}
				}
			}
		}
		return out
	}
}

func containsFold(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(x, y) {
			return true
		}
	}
	return false
}
