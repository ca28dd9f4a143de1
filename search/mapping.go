package search

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// schemaVersion is recorded in the index. Change it whenever the mapping or
// the way docs are built changes: an index written under another version is
// rebuilt on open, since its terms would no longer match the queries.
const schemaVersion = "accord-search-14"

// Field boosts: a match in a title counts three times one in body text;
// the context (issuer, owning policy, place names) is there to be found by,
// not to rank by, and weighs least. A policy's contents (its provisions'
// titles) weigh half its text: they say what the instrument covers, its
// provisions themselves rank for the detail. Identifier forms weigh most:
// a typed "EN 303 645" means that standard.
const (
	boostTitle      = 3.0
	boostShortTitle = 2.5
	boostText       = 1.0
	boostContext    = 0.6
	boostContents   = 0.5
	boostID         = 5.0
)

// textFields are the analysed fields a query's words are looked up in, with
// their boosts. Only title and text are stored, for hits and highlights.
var textFields = []struct {
	name  string
	boost float64
}{
	{"title", boostTitle},
	{"short_title", boostShortTitle},
	{"text", boostText},
	{"context", boostContext},
	{"contents", boostContents},
}

// newMapping is the index's explicit mapping. Nothing is dynamic: a field
// not listed here is ignored, so docs cannot grow the index by accident.
//
//   - title, short_title, text, context, contents: English analysis (Unicode
//     tokenizer, which also splits CJK and Arabic sensibly; lowercase;
//     English stop words; Porter stemming, so "labelling" finds "labels"),
//     plus the heads of compounds ("security" beside "cybersecurity", see
//     decompoundFilter).
//     Term vectors are kept because phrase queries need positions and
//     highlights need offsets. Title and text are stored for hits;
//     context too, so that "Did you mean" can read how a place or issuer
//     is written (see surfaceReader).
//   - ids: identifier forms, one keyword term each (see identifiers).
//   - slug: keyword, to find a record's docs on update; visibility:
//     keyword, for inspection (queries read privateTerm instead).
//   - facets: every facet value as one "key:value" keyword (see
//     facetTerms), plus privateTerm on private records; added by indexDoc
//     rather than the mapping, to leave out what counting does not need.
//   - pairs_title, pairs_short_title, pairs_text, pairs_context,
//     pairs_contents: each
//     text field's adjacent word pairs, added by indexDoc (see
//     pairAnalyzer), which answer phrase queries without positions.
//   - date: keyword with doc values, the sort key for "newest".
//   - parent, jurisdiction, version, consultation, paragraph: stored
//     only, for display and hit URLs.
//
// There is no composite "_all" field: queries name their fields, and _all
// would double the size of the postings.
func newMapping() (*mapping.IndexMappingImpl, error) {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = indexAnalyzerName
		f.Store = store
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(docValues, store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.DocValues = docValues
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("title", text(true))
	dm.AddFieldMappingsAt("short_title", text(false))
	dm.AddFieldMappingsAt("text", text(true))
	dm.AddFieldMappingsAt("context", text(true))
	dm.AddFieldMappingsAt("contents", text(false))
	dm.AddFieldMappingsAt("ids", kw(false, false))
	dm.AddFieldMappingsAt("slug", kw(false, false))
	dm.AddFieldMappingsAt("visibility", kw(false, false))
	dm.AddFieldMappingsAt("date", kw(true, false))
	shown := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm.AddFieldMappingsAt("parent", shown())
	dm.AddFieldMappingsAt("jurisdiction", shown())
	dm.AddFieldMappingsAt("version", shown())
	dm.AddFieldMappingsAt("consultation", shown())
	dm.AddFieldMappingsAt("paragraph", shown())
	dm.AddFieldMappingsAt("item_kind", shown())

	// No composite "_all" field: queries name their fields, and _all
	// would otherwise collect the fields indexDoc adds outside the
	// mapping (facets, pairs), with term vectors, for nothing.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(indexAnalyzerName, indexAnalyzerConfig()); err != nil {
		return nil, fmt.Errorf("index analyser: %w", err)
	}
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	return im, nil
}

// facetOptions index the facets field for counting and filtering only:
// no frequencies or norms (filters do not score) and no doc values, since
// the facet counter reads the postings (see facets.go).
const facetOptions = index.IndexField | index.SkipFreqNorm

// namedField repeats the facet terms a query can name (a policy type, a
// framework item: see routes) with frequencies and norms, so that naming
// one scores. A term query on "facets" itself has no norms to score with,
// and bleve then gives NaN, which orders hits at random and cannot be
// written as JSON.
const namedField = "named"

// namedOptions index namedField for scoring.
const namedOptions = index.IndexField

// namedFacet reports whether facet term t belongs in namedField: the
// types and items a query can name, and the statuses that demote a
// record (see demoteOutdated).
func namedFacet(t string) bool {
	return strings.HasPrefix(t, facetKeys["type"]+":") || strings.HasPrefix(t, facetKeys["challenge"]+":") ||
		outdatedFacet(t)
}

// pairOptions index a text field's word pairs like a text field's words,
// for scoring, but without positions: a pair is matched whole.
const pairOptions = index.IndexField

// pairField names the field holding the word pairs of text field f.
func pairField(f string) string { return "pairs_" + f }

// indexDoc adds d to batch: its mapped fields, plus its facet terms and the
// word pairs of each text field (see pairAnalyzer).
func indexDoc(batch *bleve.Batch, m *mapping.IndexMappingImpl, d doc) error {
	bd := document.NewDocument(d.id)
	if err := m.MapDocument(bd, d); err != nil {
		return fmt.Errorf("map %s: %w", d.id, err)
	}
	kw := m.AnalyzerNamed(keyword.Name)
	for i, t := range d.Facets {
		bd.AddField(document.NewTextFieldCustom("facets", []uint64{uint64(i)}, []byte(t), facetOptions, kw))
		if namedFacet(t) {
			bd.AddField(document.NewTextFieldCustom(namedField, []uint64{uint64(i)}, []byte(t), namedOptions, kw))
		}
	}
	pa := pairAnalyzer{m.AnalyzerNamed(en.AnalyzerName)}
	for _, f := range []struct{ name, text string }{
		{"title", d.Title}, {"short_title", d.ShortTitle}, {"text", d.Text}, {"context", d.Context},
		{"contents", d.Contents},
	} {
		if f.text != "" {
			bd.AddField(document.NewTextFieldCustom(pairField(f.name), nil, []byte(f.text), pairOptions, pa))
		}
	}
	if err := batch.IndexAdvanced(bd); err != nil {
		return fmt.Errorf("index %s: %w", d.id, err)
	}
	return nil
}

// pairAnalyzer makes a text field's word pairs: every two words that
// follow each other in the field after English analysis, as one term
// ("default passwords" gives "default password"; words on either side of a
// stop word make no pair). See phraseQuery for their use.
type pairAnalyzer struct {
	words analysis.Analyzer
}

// Analyze implements analysis.Analyzer.
func (a pairAnalyzer) Analyze(text []byte) analysis.TokenStream {
	toks := a.words.Analyze(text)
	out := make(analysis.TokenStream, 0, len(toks))
	for i := 1; i < len(toks); i++ {
		prev, cur := toks[i-1], toks[i]
		if cur.Position != prev.Position+1 {
			continue
		}
		term := make([]byte, 0, len(prev.Term)+1+len(cur.Term))
		term = append(append(append(term, prev.Term...), ' '), cur.Term...)
		out = append(out, &analysis.Token{Term: term, Start: prev.Start, End: cur.End,
			Position: len(out) + 1, Type: analysis.AlphaNumeric})
	}
	return out
}
