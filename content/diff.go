package content

import (
	"html"
	"regexp"
	"sort"

	"github.com/dc-isss/accord/store"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// Redline statuses of a block.
const (
	Unchanged = "unchanged"
	Changed   = "changed"
	Inserted  = "inserted"
	Deleted   = "deleted"
)

// Redline is what changed between two versions of a document, block by
// block in the reading order of the newer text, deleted blocks where they
// stood.
type Redline struct {
	From, To int
	Blocks   []RedBlock
	// Sections lists the sections with changes, in reading order.
	Sections []SectionChange
	// Totals over all blocks.
	Changed, Inserted, Deleted, Moved int
}

// RedBlock is one block of a redline.
type RedBlock struct {
	ID      string
	Kind    string
	Label   string // the label in the newer version, or the older for a deleted block
	Section string
	Status  string // Unchanged, Changed, Inserted or Deleted
	// Moved is set when the block changed place relative to the others.
	Moved bool
	// OldLabel is the label in the older version when it differs.
	OldLabel string
	Parts    []Part
}

// Part is a run of words that is the same in both versions, or only in
// the newer (Op 1) or only in the older (Op -1).
type Part struct {
	Op   int
	Text string
}

// SectionChange counts the changes in one section.
type SectionChange struct {
	Section                           string
	Title                             string // the section heading's text, when there is one
	Changed, Inserted, Deleted, Moved int
}

// Diff compares two versions of a document. Blocks are paired by their
// stable ids, which already follow edits, moves, splits and merges; each
// pair's text is compared word by word.
//
// Block text is compared as characters: versions saved before plain text
// was decoded hold the typographer's entities ("&rsquo;"), which a page
// would otherwise show as written.
func Diff(from, to store.Version) Redline {
	from, to = decoded(from), decoded(to)
	r := Redline{From: from.Number, To: to.Number}
	oldIdx := map[string]int{}
	for i, p := range from.Paragraphs {
		oldIdx[p.ID] = i
	}
	inNew := map[string]bool{}
	for _, p := range to.Paragraphs {
		inNew[p.ID] = true
	}
	// Blocks kept in order are those on a longest increasing run of old
	// positions; any other kept block has moved.
	var seq []int
	for _, p := range to.Paragraphs {
		if i, ok := oldIdx[p.ID]; ok {
			seq = append(seq, i)
		}
	}
	inOrder := longestIncreasing(seq)

	next := 0 // the next old block not yet placed
	flushDeleted := func(upto int) {
		for ; next < upto; next++ {
			p := from.Paragraphs[next]
			if !inNew[p.ID] {
				r.Blocks = append(r.Blocks, RedBlock{ID: p.ID, Kind: p.Kind, Label: p.Label(), Section: p.Section,
					Status: Deleted, Parts: []Part{{Op: -1, Text: p.Text}}})
			}
		}
	}
	for _, p := range to.Paragraphs {
		b := RedBlock{ID: p.ID, Kind: p.Kind, Label: p.Label(), Section: p.Section}
		i, ok := oldIdx[p.ID]
		if !ok {
			b.Status = Inserted
			b.Parts = []Part{{Op: 1, Text: p.Text}}
			r.Blocks = append(r.Blocks, b)
			continue
		}
		old := from.Paragraphs[i]
		if inOrder[i] {
			flushDeleted(i)
			next = max(next, i+1)
		} else {
			b.Moved = true
		}
		if old.Label() != b.Label {
			b.OldLabel = old.Label()
		}
		b.Parts = WordDiff(old.Text, p.Text)
		b.Status = Unchanged
		if old.Text != p.Text || old.Kind != p.Kind {
			b.Status = Changed
		}
		r.Blocks = append(r.Blocks, b)
	}
	flushDeleted(len(from.Paragraphs))
	r.summarise(from, to)
	return r
}

// decoded is a copy of v whose blocks' text, code aside, has its HTML
// entities decoded.
func decoded(v store.Version) store.Version {
	ps := make([]store.Paragraph, len(v.Paragraphs))
	for i, p := range v.Paragraphs {
		if p.Kind != "code" { // code is shown as written
			p.Text = html.UnescapeString(p.Text)
		}
		ps[i] = p
	}
	v.Paragraphs = ps
	return v
}

// summarise counts the changes overall and per section.
func (r *Redline) summarise(from, to store.Version) {
	titles := map[string]string{}
	for _, v := range []store.Version{from, to} {
		for _, p := range v.Paragraphs {
			if p.Kind == "heading" {
				titles[p.Section] = p.Text
			}
		}
	}
	idx := map[string]int{}
	for _, b := range r.Blocks {
		if b.Status == Unchanged && !b.Moved {
			continue
		}
		k, ok := idx[b.Section]
		if !ok {
			k = len(r.Sections)
			idx[b.Section] = k
			r.Sections = append(r.Sections, SectionChange{Section: b.Section, Title: titles[b.Section]})
		}
		s := &r.Sections[k]
		switch b.Status {
		case Changed:
			s.Changed++
			r.Changed++
		case Inserted:
			s.Inserted++
			r.Inserted++
		case Deleted:
			s.Deleted++
			r.Deleted++
		}
		if b.Moved {
			s.Moved++
			r.Moved++
		}
	}
}

// longestIncreasing marks the values on one longest strictly increasing
// subsequence of seq.
func longestIncreasing(seq []int) map[int]bool {
	// Patience sorting: tails[k] is the index in seq of the smallest tail
	// of an increasing run of length k+1.
	var tails []int
	prev := make([]int, len(seq))
	for i, v := range seq {
		k := sort.Search(len(tails), func(k int) bool { return seq[tails[k]] >= v })
		if k > 0 {
			prev[i] = tails[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	out := map[int]bool{}
	if len(tails) == 0 {
		return out
	}
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		out[seq[i]] = true
	}
	return out
}

// tokenRE splits text into words, runs of spaces, and single other
// characters, the units a redline marks.
var tokenRE = regexp.MustCompile(`[\p{L}\p{N}_'’-]+|\s+|.`)

// WordDiff compares two texts word by word: each distinct token becomes
// one rune, the runes are diffed, and the runs mapped back to text.
func WordDiff(a, b string) []Part {
	if a == b {
		if a == "" {
			return nil
		}
		return []Part{{Op: 0, Text: a}}
	}
	codes := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var out []rune
		for _, t := range tokenRE.FindAllString(s, -1) {
			c, ok := codes[t]
			if !ok {
				// Start above the ASCII range and skip the surrogates, so
				// every token gets a valid rune.
				c = rune(0x100 + len(tokens))
				if c >= 0xD800 {
					c += 0x800
				}
				codes[t] = c
				tokens = append(tokens, t)
			}
			out = append(out, c)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupMerge(dmp.DiffMainRunes(ra, rb, false))
	var parts []Part
	for _, d := range diffs {
		var text []byte
		for _, c := range d.Text {
			i := int(c) - 0x100
			if c >= 0xD800+0x800 {
				i -= 0x800
			}
			text = append(text, tokens[i]...)
		}
		op := 0
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = 1
		case diffmatchpatch.DiffDelete:
			op = -1
		}
		if n := len(parts); n > 0 && parts[n-1].Op == op {
			parts[n-1].Text += string(text)
			continue
		}
		parts = append(parts, Part{Op: op, Text: string(text)})
	}
	return parts
}
