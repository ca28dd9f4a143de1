package search

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// snippetLen is the length, in bytes, of a text fragment: about two lines
// of a results page.
const snippetLen = 220

// span is the byte range of one matched term in a field's text.
type span struct{ start, end int }

// spansOf flattens the term locations of one field into sorted,
// non-overlapping spans.
func spansOf(tl bsearch.TermLocationMap) []span {
	var out []span
	for _, locs := range tl {
		for _, l := range locs {
			out = append(out, span{int(l.Start), int(l.End)})
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// fragment returns the part of text around the most matches, at most
// maxLen bytes (0: all of it), as safe HTML: every character of text is
// escaped and the only markup added is <mark> around the matches, with
// "…" where the text was cut. We build fragments ourselves rather than
// through bleve's highlighter so that the escaping is ours to guarantee.
func fragment(text string, spans []span, maxLen int) string {
	from, to := 0, len(text)
	if maxLen > 0 && len(text) > maxLen {
		from, to = window(text, spans, maxLen)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, s := range spans {
		if s.start < at || s.end > to || s.start >= s.end || s.end > len(text) {
			continue
		}
		// bleve's term locations fall between characters; a span that
		// did not would cut one in two (found by FuzzFragment).
		if !utf8.RuneStart(text[s.start]) || s.end < len(text) && !utf8.RuneStart(text[s.end]) {
			continue
		}
		b.WriteString(html.EscapeString(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// window chooses the maxLen-byte stretch of text holding the most matches,
// starting a little before the first of them, trimmed to whole words.
func window(text string, spans []span, maxLen int) (from, to int) {
	lead := min(40, maxLen/3) // context shown before the first match
	best, bestN := 0, 0
	for i, s := range spans {
		n := 0
		for _, t := range spans[i:] {
			if t.end-s.start > maxLen-lead {
				break
			}
			n++
		}
		if n > bestN {
			best, bestN = s.start, n
		}
	}
	from = max(best-lead, 0)
	if bestN == 0 {
		from = 0
	}
	to = min(from+maxLen, len(text))
	if from+maxLen > len(text) {
		from = max(len(text)-maxLen, 0)
	}
	// Whole words: start after a space, end before one, when one is near.
	if from > 0 {
		if i := strings.IndexAny(text[from:min(from+20, to)], " \n\t"); i >= 0 && !coversMatch(spans, from, from+i+1) {
			from += i + 1
		}
	}
	if to < len(text) {
		if i := strings.LastIndexAny(text[max(to-20, from):to], " \n\t"); i >= 0 {
			if cut := max(to-20, from) + i; !coversMatch(spans, cut, to) {
				to = cut
			}
		}
	}
	for from < to && !utf8.RuneStart(text[from]) {
		from++
	}
	for to < len(text) && to > from && !utf8.RuneStart(text[to]) {
		to--
	}
	return from, to
}

// coversMatch reports whether any match starts in [from, to).
func coversMatch(spans []span, from, to int) bool {
	for _, s := range spans {
		if s.start >= from && s.start < to {
			return true
		}
	}
	return false
}
