package search

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/dc-isss/accord/store"
)

// This file counts facets, filters by them and keeps private records out,
// in one pass over the matches of a query's words, beside bleve rather than
// through its TermsFacet. bleve's facet builder decodes each match's doc
// values and hashes every term into a map, per query: at 100,000 records a
// common word's 12,000 matches made that two thirds of a faceted query's
// time, and most of its garbage. Here every record's facet terms are read
// once, when its index segment first appears, into small integers
// ("ordinals"); a query then costs a few array reads and increments per
// match. Scorch segments are immutable, so a segment's ordinals stay valid
// for its life: a batch applied from the changes feed adds a small segment
// (read in microseconds), and a merge adds one whose ordinals are read
// once (see Index.warmFacets).

// privBit marks, in a pass's allow table, the ordinal of privateTerm; the
// bits below it stand for the facets of FacetNames, by index.
const privBit = 1 << 15

// noFacet is the facet index of a term that names no facet (privateTerm).
const noFacet = -1

// facetCache holds the facet ordinals of every segment in use.
type facetCache struct {
	mu    sync.Mutex
	ords  map[string]uint32 // facet term -> ordinal
	terms []facetTermInfo   // ordinal -> what it stands for; only appended to
	segs  map[segment.Segment]*segFacets
	last  *facetView
}

// facetTermInfo is what an ordinal stands for.
type facetTermInfo struct {
	facet   int // index in FacetNames, or noFacet
	value   string
	private bool // the term is privateTerm
}

// segFacets are the ordinals of one segment's records, by local doc
// number: doc n carries ords[start[n]:start[n+1]].
type segFacets struct {
	start []uint32
	ords  []uint32
}

// facetView is the facet data of one index snapshot: its segments in
// order, where each one's doc numbers start, and their ordinals. A view
// never changes once built, so searches share it without locking.
type facetView struct {
	segs    []segment.Segment
	offsets []uint64
	data    []*segFacets
	terms   []facetTermInfo
}

func newFacetCache() *facetCache {
	return &facetCache{ords: map[string]uint32{}, segs: map[segment.Segment]*segFacets{}}
}

// view returns the facet data of the snapshot r, reading the ordinals of
// the segments it has not seen.
func (c *facetCache) view(r index.IndexReader) (*facetView, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("count facets: index reader %T is not a scorch snapshot", r)
	}
	ss := snap.Segments()
	c.mu.Lock()
	defer c.mu.Unlock()
	if v := c.last; v != nil && v.sameSegments(ss) {
		return v, nil
	}
	v := &facetView{
		segs:    make([]segment.Segment, 0, len(ss)),
		offsets: make([]uint64, 0, len(ss)),
		data:    make([]*segFacets, 0, len(ss)),
	}
	// Keep the previous view's segments too: a search that opened its
	// snapshot just before the newest one may still ask for them.
	keep := make(map[segment.Segment]*segFacets, len(ss)+len(c.segs))
	if c.last != nil {
		for _, s := range c.last.segs {
			if sf := c.segs[s]; sf != nil {
				keep[s] = sf
			}
		}
	}
	var off uint64
	for _, s := range ss {
		seg := s.Segment()
		sf := c.segs[seg]
		if sf == nil {
			var err error
			if sf, err = c.load(seg); err != nil {
				return nil, err
			}
		}
		keep[seg] = sf
		v.segs = append(v.segs, seg)
		v.offsets = append(v.offsets, off)
		v.data = append(v.data, sf)
		// Doc numbers run over every doc of a segment, deleted or not,
		// as scorch numbers them.
		off += seg.Count()
	}
	v.terms = c.terms
	c.segs = keep
	c.last = v
	return v, nil
}

func (v *facetView) sameSegments(ss []*scorch.SegmentSnapshot) bool {
	if len(ss) != len(v.segs) {
		return false
	}
	for i, s := range ss {
		if s.Segment() != v.segs[i] {
			return false
		}
	}
	return true
}

// load reads which facet terms every doc of a segment carries, from the
// postings of the facets field: each term's list of docs, turned around
// into each doc's list of terms. (Postings rather than doc values: after a
// scorch merge, uncompressed doc values read back wrong, every term on the
// first doc.) Callers hold c.mu.
func (c *facetCache) load(seg segment.Segment) (*segFacets, error) {
	dict, err := seg.Dictionary("facets")
	if err != nil {
		return nil, fmt.Errorf("count facets: read terms: %w", err)
	}
	n := seg.Count()
	type posting struct {
		doc uint32
		ord uint32
	}
	var ps []posting
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	it := dict.AutomatonIterator(everyTerm{}, nil, nil)
	for {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("count facets: read terms: %w", err)
		}
		if e == nil {
			break
		}
		o, ok := c.ords[e.Term]
		if !ok {
			o = c.add(e.Term)
		}
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return nil, fmt.Errorf("count facets: read docs of %s: %w", e.Term, err)
		}
		pi = pl.Iterator(false, false, false, pi)
		for {
			p, err := pi.Next()
			if err != nil {
				return nil, fmt.Errorf("count facets: read docs of %s: %w", e.Term, err)
			}
			if p == nil {
				break
			}
			if d := p.Number(); d < n {
				ps = append(ps, posting{uint32(d), o})
			}
		}
	}
	sf := &segFacets{start: make([]uint32, n+1), ords: make([]uint32, len(ps))}
	for _, p := range ps {
		sf.start[p.doc+1]++
	}
	for d := range n {
		sf.start[d+1] += sf.start[d]
	}
	next := slices.Clone(sf.start[:n])
	for _, p := range ps {
		sf.ords[next[p.doc]] = p.ord
		next[p.doc]++
	}
	return sf, nil
}

// everyTerm is the automaton that accepts every term of a dictionary.
type everyTerm struct{}

func (everyTerm) Start() int               { return 0 }
func (everyTerm) IsMatch(int) bool         { return true }
func (everyTerm) CanMatch(int) bool        { return true }
func (everyTerm) WillAlwaysMatch(int) bool { return true }
func (everyTerm) Accept(int, byte) int     { return 0 }

// add gives a new facet term its ordinal.
func (c *facetCache) add(t string) uint32 {
	o := uint32(len(c.terms))
	info := facetTermInfo{facet: noFacet, private: t == privateTerm}
	if key, value, ok := strings.Cut(t, ":"); ok {
		if i := slices.Index(FacetNames, facetNames[key]); i >= 0 {
			info = facetTermInfo{facet: i, value: value}
		}
	}
	c.ords[t] = o
	c.terms = append(c.terms, info)
	return o
}

// warm reads the ordinals of any segment of r not read yet, so that the
// first search after a batch or a merge does not pay for it.
func (c *facetCache) warm(r index.IndexReader) error {
	_, err := c.view(r)
	return err
}

// facetPass counts one query's facets while filtering its matches. A match
// is admitted (becomes a hit, counted in the total and in every facet)
// when it is visible to the reader and holds every filter; a visible match
// that fails the filter of exactly one facet is counted in that facet
// only, so that each filtered facet's counts say what choosing another of
// its values would give (the disjunctive counts); anything else counts
// nowhere.
type facetPass struct {
	private bool
	filters map[int][]string // facet index -> accepted values
	need    uint16           // a bit per filtered facet

	view   *facetView
	allow  []uint16 // per ordinal: the filtered facet it satisfies, or privBit
	counts []uint32 // per ordinal
	seg    int      // the segment of the last match: matches come in doc order
}

func newFacetPass(p plan) *facetPass {
	fp := &facetPass{private: p.private, filters: map[int][]string{}}
	for i, name := range FacetNames {
		vals := p.filters[name]
		if name == "kind" {
			vals = p.kinds
		}
		if len(vals) > 0 {
			fp.filters[i] = vals
			fp.need |= 1 << i
		}
	}
	return fp
}

// start readies the pass for the snapshot's view.
func (fp *facetPass) start(v *facetView) {
	fp.view, fp.seg = v, 0
	fp.allow = make([]uint16, len(v.terms))
	fp.counts = make([]uint32, len(v.terms))
	for o, t := range v.terms {
		switch {
		case t.private:
			fp.allow[o] = privBit
		case slices.Contains(fp.filters[t.facet], t.value):
			fp.allow[o] = 1 << t.facet
		}
	}
}

// admit counts the match with global doc number num and reports whether
// it is a hit.
func (fp *facetPass) admit(num uint64) bool {
	v := fp.view
	i := fp.seg
	if num < v.offsets[i] || (i+1 < len(v.offsets) && num >= v.offsets[i+1]) {
		i = sort.Search(len(v.offsets), func(x int) bool { return v.offsets[x] > num }) - 1
		fp.seg = i
	}
	sf := v.data[i]
	local := num - v.offsets[i]
	if local+1 >= uint64(len(sf.start)) {
		return false // cannot happen for a number of this snapshot
	}
	ords := sf.ords[sf.start[local]:sf.start[local+1]]
	var sat uint16
	for _, o := range ords {
		sat |= fp.allow[o]
	}
	if sat&privBit != 0 && !fp.private {
		return false
	}
	miss := fp.need &^ sat
	switch {
	case miss == 0:
		for _, o := range ords {
			fp.counts[o]++
		}
		return true
	case miss&(miss-1) == 0:
		f := bits.TrailingZeros16(miss)
		for _, o := range ords {
			if v.terms[o].facet == f {
				fp.counts[o]++
			}
		}
	}
	return false
}

// results returns the counts by facet name, each sorted most frequent
// first, then by value.
func (fp *facetPass) results() map[string][]store.FacetCount {
	out := emptyFacets()
	if fp.view == nil {
		return out
	}
	for o, n := range fp.counts {
		t := fp.view.terms[o]
		if n == 0 || t.facet == noFacet {
			continue
		}
		name := FacetNames[t.facet]
		out[name] = append(out[name], store.FacetCount{Value: t.value, Count: int(n)})
	}
	for _, counts := range out {
		slices.SortFunc(counts, func(a, b store.FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
	}
	return out
}

// facetQuery is a bleve query that runs inner through a facetPass: bleve
// plans, scores, sorts and pages inner's matches as usual, but only sees
// the ones the pass admits. Being a query, it gets the very snapshot the
// search reads, whose view the pass needs.
type facetQuery struct {
	inner query.Query
	cache *facetCache
	pass  *facetPass
}

// Searcher implements query.Query.
func (q *facetQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o bsearch.SearcherOptions) (bsearch.Searcher, error) {
	v, err := q.cache.view(r)
	if err != nil {
		return nil, err
	}
	q.pass.start(v)
	s, err := q.inner.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	return &facetSearcher{Searcher: s, pass: q.pass}, nil
}

// facetSearcher passes on the matches of the searcher it wraps that its
// pass admits, and returns the others to the pool.
type facetSearcher struct {
	bsearch.Searcher
	pass *facetPass
}

// Next implements search.Searcher.
func (s *facetSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		m, err := s.Searcher.Next(ctx)
		if err != nil || m == nil {
			return m, err
		}
		if s.pass.admit(m.IndexInternalID.Value()) {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
}

// Advance implements search.Searcher.
func (s *facetSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Advance(ctx, id)
	if err != nil || m == nil {
		return m, err
	}
	if s.pass.admit(m.IndexInternalID.Value()) {
		return m, nil
	}
	ctx.DocumentMatchPool.Put(m)
	return s.Next(ctx)
}
