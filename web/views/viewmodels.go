// Package views holds the templ templates of every page and the view
// models they take. Views get values shaped for display, never a store.
package views

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
)

// Base is the page chrome every page shares.
type Base struct {
	Title       string
	Description string
	Path        string // the request path, to mark the current navigation link
	Query       string // kept in the header search box
	User        *User  // nil when signed out
	CSRF        string
	NoIndex     bool
	// Flash confirms what the previous request did ("Policy saved").
	Flash string
	// Canonical, when set, is the absolute URL of the page's canonical
	// address (rel=canonical).
	Canonical string
	// OpenGraph, when set, describes the page for link previews.
	OpenGraph *OpenGraph
	// JSONLD, when set, is the page's schema.org description, already
	// encoded as JSON by encoding/json (which escapes <, > and &, so it
	// cannot close its script element).
	JSONLD string
	// Static is set when the page is rendered for the static export: no
	// search box (search needs the server) and no account links.
	Static bool
	// SearchPage is set on /search, whose own form is the search: the
	// header leaves its box out rather than show two.
	SearchPage bool
}

// OpenGraph is what link previews show of a page.
type OpenGraph struct {
	Type        string // "article", "website"
	Title       string
	Description string
	URL         string // absolute
}

// User is the signed-in reader, as the chrome shows them.
type User struct {
	Name string
	Role string
}

// WithErrors is the chrome of a page sent back because what was typed has
// errors: its title starts with "Error: ", the first words a screen reader
// says of the new page (the GOV.UK error-summary pattern).
func (b Base) WithErrors(invalid bool) Base {
	if invalid && !strings.HasPrefix(b.Title, "Error: ") {
		b.Title = "Error: " + b.Title
	}
	return b
}

// CanEdit reports whether the reader may change the knowledge base.
func (b Base) CanEdit() bool {
	return b.User != nil && (b.User.Role == "editor" || b.User.Role == "admin")
}

// NavItem is one link of the header navigation.
type NavItem struct {
	Href, Label string
}

// Nav is the header navigation.
var Nav = []NavItem{
	{"/policies", "Policies"},
	{"/frameworks/dc-isss-iot", "Research framework"},
	{"/coverage", "Coverage"},
	{"/map", "Map"},
	{CompareBase, "Compare"},
	{"/outcomes", "Outcomes"},
	{"/documents", "Documents"},
	{"/consultations", "Consultations"},
}

// Option is one value of a facet with its count, a label and the link that
// selects it.
type Option struct {
	Value    string
	Label    string
	Count    int
	Href     string
	Selected bool
}

// Facet is one filter of a list: its options with counts.
type Facet struct {
	Name    string // the query parameter
	Label   string
	Options []Option
}

// Chip is one active filter with the link that removes it.
type Chip struct {
	Label string
	Href  string
}

// Pager is the pagination of a list.
type Pager struct {
	Page, Pages, Total int
	Href               func(page int) string
}

// Pages lists the page numbers to show, 0 standing for a gap.
func (p Pager) Numbers() []int {
	var out []int
	for i := 1; i <= p.Pages; i++ {
		if i == 1 || i == p.Pages || (i >= p.Page-2 && i <= p.Page+2) {
			out = append(out, i)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// PolicyRow is one policy in a list.
type PolicyRow struct {
	Slug          string
	Title         string
	Jurisdictions []Named
	Type          string
	Status        string
	Year          string
	Summary       string
}

// Named is a code with the name to show for it.
type Named struct {
	Code, Name string
}

// HomePage is the front page.
type HomePage struct {
	Base
	Stats     store.Stats
	Questions []*store.Item
	Recent    []PolicyRow
	Framework string
}

// PoliciesPage is the browsable, filterable list of policies.
type PoliciesPage struct {
	Base
	Q     string
	Sort  string
	Sorts []Option
	// Keep are the filters the sort form carries, so a new sort keeps them.
	Keep []Param
	// FormKeep are the parameters the filter form has no control for.
	FormKeep []Param
	Facets   []Facet
	Chips    []Chip
	Rows     []PolicyRow
	Total    int
	Pager    Pager
	Summary  string
}

// MappingRow is one mapping as a policy page shows it.
type MappingRow struct {
	ID                         int64
	Framework, Item, ItemTitle string
	Provision                  string // the key, for the link
	ProvisionLabel             string // as readers see it
	Relationship               string
	Strength                   int
	Rationale                  string
	Evidence                   string
	Reviewed                   bool
	Rejected                   bool
	Review                     string // who reviewed it and when; see ReviewState
}

// PolicyPage shows one policy in full.
type PolicyPage struct {
	Base
	P             store.Policy
	Jurisdictions []Named
	Topics        []Named
	SummaryHTML   template.HTML
	NotesHTML     template.HTML
	Mappings      []MappingRow
	Tally         store.MappingTally // of Mappings
	Related       []PolicyRow
}

// ConfidenceText says in plain words how sure the group is of a record.
func ConfidenceText(confidence string) string {
	switch confidence {
	case "high":
		return "Confidence: high — the facts were read on an official page or several consistent ones."
	case "medium":
		return "Confidence: medium — the facts were read on reliable secondary pages."
	case "low":
		return "Confidence: low — the facts could not be confirmed on reliable pages; check them before relying on them."
	default:
		return "Confidence: not assessed."
	}
}

// JurisdictionPage shows one jurisdiction and its policies.
type JurisdictionPage struct {
	Base
	J     store.Jurisdiction
	Rows  []PolicyRow
	Items []ItemCount
	// Addressed are the items at least one of its policies addresses;
	// Missing the others.
	Addressed, Missing []ItemCount
	MatrixHref         string // its row in the coverage matrix
	MapHref            string
	// Applies are the instruments of its blocs and of international
	// bodies, each group apart, when the scope is applicable.
	Applies []AppliesGroup
	// ScopeSwitch links to the page in the other scope; "" for a
	// jurisdiction in which nothing else applies.
	ScopeSwitch Option
}

// AppliesGroup is the instruments of one bloc, or of the international
// bodies, that apply in a country.
type AppliesGroup struct {
	ID       string // the heading's id
	Heading  string // "European Union instruments that apply in Germany"
	ListHref string // the policy list of the same instruments
	Rows     []PolicyRow
}

// ItemCount is a framework item with how many policies map to it.
type ItemCount struct {
	Framework string
	Code      string
	Title     string
	Kind      string
	Count     int
	Depth     int
}

// FrameworkPage shows a framework's item tree.
type FrameworkPage struct {
	Base
	F     store.Framework
	Items []ItemCount
}

// ItemPage shows one framework item and the evidence mapped to it.
type ItemPage struct {
	Base
	Framework    store.Framework
	Item         store.Item
	Parent       string
	Children     []ItemCount
	Groups       []MappingGroup
	Policies     int    // policies addressing the item
	ListHref     string // the list of those policies
	Reviewed     int    // those addressing it through a reviewed mapping
	ReviewedHref string
	// Regions are every region with its count, none left out, as the
	// coverage matrix has them.
	Regions []RegionCount
	// MissingJurisdictions have policies, but none addressing the item.
	MissingJurisdictions []NavItem
	MatrixLinks          []NavItem // the item's column in each matrix
	MapHref              string
	Tally                store.MappingTally // the mappings to the item that count
}

// MappingGroup is the mappings to an item that share one relationship.
type MappingGroup struct {
	Relationship string
	Rows         []ItemMappingRow
}

// ItemMappingRow is one mapping as an item page shows it.
type ItemMappingRow struct {
	Policy, PolicyTitle, Provision, Rationale string
	// ProvisionLabel is the provision as readers see it; Provision is its
	// key, for the link.
	ProvisionLabel string
	Strength       int
	Reviewed       bool
	Review         string // who reviewed it and when; see ReviewState
}

// ErrorPage explains what went wrong.
type ErrorPage struct {
	Base
	Status  int
	Heading string
	Message string
	// Kept is what a refused form carried, shown back so nothing typed is
	// lost when a form cannot be accepted (an expired page, a session that
	// ended while writing).
	Kept []KeptField
}

// KeptField is one field of a refused form.
type KeptField struct {
	Name, Value string
}

// Label is store.Label for templates.
func Label(s string) string { return store.Label(s) }

// PolicyURL is the address of a policy page.
func PolicyURL(slug string) string { return "/policies/" + url.PathEscape(slug) }

// FrameworkURL is the address of a framework page.
func FrameworkURL(slug string) string { return "/frameworks/" + url.PathEscape(slug) }

// ItemURL is the address of a framework item page.
func ItemURL(framework, code string) string {
	return FrameworkURL(framework) + "/items/" + url.PathEscape(code)
}

// JurisdictionURL is the address of a jurisdiction page.
func JurisdictionURL(code string) string { return "/jurisdictions/" + url.PathEscape(code) }

// Itoa formats an int for templates.
func Itoa(n int) string { return strconv.Itoa(n) }

// Plural says "1 policy" or "3 policies".
func Plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Q builds a path with query parameters from key, value pairs, escaping both.
func Q(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// JurisdictionScopeURL is the address of a jurisdiction page in a scope
// other than the default (applicable).
func JurisdictionScopeURL(code, scope string) string {
	return JurisdictionURL(code) + "?scope=" + url.QueryEscape(scope)
}
