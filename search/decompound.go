package search

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// indexAnalyzerName is the analyser of the text fields when records are
// indexed: English analysis (as en.AnalyzerName) plus decompounding (see
// decompoundFilter). Queries are analysed with plain English analysis.
const indexAnalyzerName = "accord_en_index"

// decompoundFilterName registers decompoundFilter with bleve, which looks
// token filters up by name when it builds a mapping's analysers.
const decompoundFilterName = "accord_decompound"

// compoundPrefixes are the prefixes written fused to a word that is a
// word of its own: "cybersecurity" is cyber security written as one word,
// as "cyber-security" or "cyber security" are, and a reader asking for
// "security" means it too.
var compoundPrefixes = [][]byte{[]byte("cyber")}

// decompoundFilter keeps every token and adds, at the same position, the
// head word of a compound ("security" for "cybersecurity"), so that the
// head word finds the compound. It runs after lowercasing and before
// stop words and stemming, so the head is stemmed like the word it is.
type decompoundFilter struct{}

// minHead is the shortest head split off a compound: "cyberspace" keeps
// "space"; shorter tails ("cyberia") are not words of their own.
const minHead = 4

// Filter implements analysis.TokenFilter.
func (decompoundFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, tok := range in {
		head := compoundHead(tok.Term)
		if head == nil {
			if out != nil {
				out = append(out, tok)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, 0, len(in)+1)
			out = append(out, in[:i]...)
		}
		out = append(out, tok, &analysis.Token{Term: head, Start: tok.Start, End: tok.End,
			Position: tok.Position, Type: tok.Type})
	}
	if out == nil {
		return in
	}
	return out
}

// compoundHead returns the head word of term if term is a compound of one
// of compoundPrefixes, else nil.
func compoundHead(term []byte) []byte {
	for _, p := range compoundPrefixes {
		if bytes.HasPrefix(term, p) && len(term) >= len(p)+minHead {
			return bytes.Clone(term[len(p):])
		}
	}
	return nil
}

func init() {
	// bleve's registry is global: a filter must be registered before any
	// mapping can name it.
	registry.RegisterTokenFilter(decompoundFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return decompoundFilter{}, nil
	})
}

// indexAnalyzerConfig is indexAnalyzerName's definition for
// AddCustomAnalyzer: en.AnalyzerName's chain with decompoundFilter.
func indexAnalyzerConfig() map[string]any {
	return map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			en.PossessiveName, lowercase.Name, decompoundFilterName, en.StopName, porter.Name,
		},
	}
}
