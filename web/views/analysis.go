package views

import (
	"strconv"

	"github.com/dc-isss/accord/store"
)

// Shades is how many shade classes (.shade-1 … .shade-5 in site.css) the
// coverage matrix and the map use above .shade-0, which means none.
const Shades = 5

// ShadeClass is the CSS class of one shade of the colour scale.
func ShadeClass(n int) string { return "shade-" + strconv.Itoa(n) }

// MapClass is the map's CSS class of one step of its palette: map-c0
// (none, dotted grey) to map-c5 (most).
func MapClass(n int) string { return "map-c" + strconv.Itoa(n) }

// LegendEntry is one shade of the scale with the counts it stands for.
type LegendEntry struct {
	Shade int
	Class string // the map's class (MapClass); "" on the matrix's scale
	Label string // "None", "1", "2–3"
}

// MatrixCol is one framework item heading a column of the matrix.
type MatrixCol struct {
	Code, Title string
	Href        string // the item's evidence page
	ID          string // the heading's id, for links into the matrix
	Depth       int
}

// MatrixCell is one number of the matrix and the policy list it counts.
type MatrixCell struct {
	Count int
	Href  string
	Shade int
	// Reviewed is how many of the Count policies a reviewed mapping
	// supports, shown when ShowReviewed.
	Reviewed     int
	ShowReviewed bool
}

// MatrixRow is one jurisdiction, region or type of the matrix.
type MatrixRow struct {
	Key, Label string
	Href       string // the row's own page or list
	ID         string
	Cells      []MatrixCell
	Total      MatrixCell // policies addressing any item
	Policies   MatrixCell // all policies of the row
}

// GapItem is an item with little evidence.
type GapItem struct {
	Code, Title, Href string
	Count             int
	ListHref          string
}

// GapLine says, in words, where no policy addresses one item.
type GapLine struct {
	Code, Title, Href string
	Where             string // "Africa or Oceania"
}

// CoveragePage is the coverage matrix with its gaps.
type CoveragePage struct {
	Base
	Framework     string
	FrameworkName string
	By            string
	ByLabel       string // the rows' heading: Jurisdiction, Region, Type
	Reviewed      bool
	Caption       string
	Views         []Option // links switching the rows, Selected for the current one
	// ScopeToggle switches jurisdiction rows between national and
	// applicable counts; no Href when the rows are not jurisdictions.
	ScopeToggle Option
	// Applicable is set when jurisdiction rows count what applies there.
	Applicable bool
	Tally      store.MappingTally
	// Unmapped are the items no mapping addresses at all, explained once.
	Unmapped   []NavItem
	Cols       []MatrixCol
	Rows       []MatrixRow
	Totals     MatrixRow // the whole knowledge base
	Legend     []LegendEntry
	Least      []GapItem
	RegionGaps []GapLine
	JurisGaps  []GapLine
	Downloads  []NavItem
}

// MapShape is one country of the world map.
type MapShape struct {
	Code, Name string
	Path       string
	Title      string     // "France: 2 policies"
	Href       string     // the jurisdiction page; "" when there is none
	Class      string     // MapClass of its count
	Blocs      []string   // codes of the blocs it belongs to, marked by a hatch
	Marker     *MapMarker // a dot for a country too small to point at
}

// MapMarker is where the dot of a small country goes, in map units.
type MapMarker struct{ X, Y float64 }

// MapRow is one jurisdiction in the map's table of numbers.
type MapRow struct {
	Code, Name string
	Href       string // the jurisdiction page
	ListHref   string // the policy list the count stands for
	Count      int
}

// MapPage is the world map of policies with its text alternative.
type MapPage struct {
	Base
	Framework string
	Challenge string // "" for all policies
	Scope     string // "policies" or "policies mapped to C3 …", for sentences
	// Tally counts the mappings to Challenge, when one is chosen.
	Tally    store.MappingTally
	Reviewed bool
	// Applicable counts what applies in a country (its own, its blocs'
	// and international instruments) rather than its own alone.
	Applicable bool
	Items      []Option // the challenge chooser
	ViewBox    string
	Shapes     []MapShape
	Blocs      []MapRow  // EU, INT and other jurisdictions that are no country
	Rows       []MapRow  // countries with at least one policy
	NotDrawn   []NavItem // countries with policies too small for the map, with their counts
	Others     int       // countries with none
	Legend     []LegendEntry
	BlocKeys   []LegendEntry // one entry per bloc marked on the map
	Caption    string
}

// RegionCount is how many policies of one region address an item.
type RegionCount struct {
	Region string
	Count  int
	Href   string
}

// ListSep is what follows item i of n in a running list: ", " between
// items, " and " before the last, end after it.
func ListSep(i, n int, end string) string {
	switch {
	case i == n-1:
		return end
	case i == n-2:
		return " and "
	default:
		return ", "
	}
}

// Ftoa writes a map coordinate with one decimal.
func Ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
