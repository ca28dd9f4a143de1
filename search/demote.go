package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// outdatedStatuses are the statuses of an instrument a reader no longer
// follows: a superseded edition or a withdrawn text. Their records rank
// below current ones matching as well (see demoteOutdated); they are
// still found, since readers trace what an instrument replaced.
var outdatedStatuses = []string{"superseded", "withdrawn"}

// outdatedWeight scales the score of an outdated record: the 2016
// edition of a guideline comes after the 2022 one (0.3 scored best on
// testdata/judged.json, against 0.2, 0.45, 0.5 and 0.75).
const outdatedWeight = 0.3

// outdatedFacet reports whether facet term t marks an outdated record.
func outdatedFacet(t string) bool {
	for _, s := range outdatedStatuses {
		if t == facetTerm("status", s) {
			return true
		}
	}
	return false
}

// demoteOutdated wraps q so that the records of outdated instruments
// score outdatedWeight of what they would.
func demoteOutdated(q query.Query) query.Query {
	if q == nil {
		return nil
	}
	marks := make([]query.Query, 0, len(outdatedStatuses))
	for _, s := range outdatedStatuses {
		marks = append(marks, term(namedField, facetTerm("status", s), 1))
	}
	return &demoteQuery{inner: q, marked: query.NewDisjunctionQuery(marks), factor: outdatedWeight}
}

// demoteQuery scales the score of the matches of inner that also match
// marked by factor; other matches keep theirs.
type demoteQuery struct {
	inner, marked query.Query
	factor        float64
}

// Searcher runs inner, and marked beside it to look its matches up.
func (q *demoteQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.inner.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	mk, err := q.marked.Searcher(ctx, r, m, bsearch.SearcherOptions{})
	if err != nil {
		s.Close()
		return nil, err
	}
	return &demoteSearcher{Searcher: s, marked: mk, factor: q.factor,
		mctx: &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(mk.DocumentMatchPoolSize()+1, 0)}}, nil
}

// demoteSearcher follows inner's matches, which come in doc order, with
// the marked searcher: a few records, advanced to each match in turn.
type demoteSearcher struct {
	bsearch.Searcher
	marked bsearch.Searcher
	mctx   *bsearch.SearchContext
	cur    *bsearch.DocumentMatch // marked's match at or after the last one looked up
	done   bool                   // marked has no more matches
	factor float64
}

func (s *demoteSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Next(ctx)
	if err != nil || m == nil {
		return m, err
	}
	return m, s.scale(m)
}

func (s *demoteSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Advance(ctx, id)
	if err != nil || m == nil {
		return m, err
	}
	return m, s.scale(m)
}

// scale lowers m's score when m is marked.
func (s *demoteSearcher) scale(m *bsearch.DocumentMatch) error {
	if s.done {
		return nil
	}
	if s.cur == nil || s.cur.IndexInternalID.Compare(m.IndexInternalID) < 0 {
		if s.cur != nil {
			s.mctx.DocumentMatchPool.Put(s.cur)
		}
		next, err := s.marked.Advance(s.mctx, m.IndexInternalID)
		if err != nil {
			return err
		}
		if next == nil {
			s.done, s.cur = true, nil
			return nil
		}
		s.cur = next
	}
	if s.cur.IndexInternalID.Equals(m.IndexInternalID) {
		m.Score *= s.factor
	}
	return nil
}

func (s *demoteSearcher) Close() error {
	err := s.Searcher.Close()
	if merr := s.marked.Close(); err == nil {
		err = merr
	}
	return err
}

func (s *demoteSearcher) Size() int { return s.Searcher.Size() + s.marked.Size() }
