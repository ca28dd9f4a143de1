package views

import "html/template"

// SearchPage is /search: the query, its hits and facets.
type SearchPage struct {
	Base
	Q        string
	Searched bool
	Total    int
	Fuzzy    bool
	Took     string
	Hits     []SearchHit
	Facets   []Facet
	Chips    []Chip
	Pager    Pager
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
}
