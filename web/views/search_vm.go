package views

import "html/template"

// SearchPage is /search: the query, its hits and facets.
type SearchPage struct {
	Base
	Q        string
	Searched bool
	Total    int
	Fuzzy    bool
	// DidYouMean is the query with its unknown words corrected, and
	// DidYouMeanHref the search for it; empty when there is none.
	DidYouMean     string
	DidYouMeanHref string
	Hits           []SearchHit
	Facets         []Facet
	Chips          []Chip
	Pager          Pager
}

// SearchHit is one result as the page shows it.
type SearchHit struct {
	Kind          string
	Title         string
	TitleHTML     template.HTML // sanitised, with <mark>
	Parent        string
	URL           string
	Jurisdictions []Named
	Snippets      []template.HTML // sanitised, with <mark>
	// Blocks are, for a document with more than one hit on the page, its
	// hits, shown under the document (Title, URL) as one result.
	Blocks []SearchHit
}
