package views

import (
	"net/url"
	"strings"
)

// TopicsURL is the address of the list of topics.
const TopicsURL = "/topics"

// CompareBase is the address of the comparison of jurisdictions before a
// choice is made.
const CompareBase = "/compare"

// TopicURL is the address of a topic's page.
func TopicURL(slug string) string { return TopicsURL + "/" + url.PathEscape(slug) }

// ProvisionAnchorURL is the address of a provision on its policy's page.
func ProvisionAnchorURL(slug, ref string) string {
	return PolicyURL(slug) + "#prov-" + url.PathEscape(ref)
}

// CompareURL is the canonical address of a comparison: the codes joined
// by commas, in the order chosen, and blocs=1 when bloc instruments count
// for their members. Its CSV download shares the query at ext "csv".
func CompareURL(codes []string, blocs bool) string { return compareURL(CompareBase, codes, blocs) }

// CompareCSVURL is the address of a comparison's CSV download.
func CompareCSVURL(codes []string, blocs bool) string {
	return compareURL(CompareBase+".csv", codes, blocs)
}

// CompareQuery is the canonical query string of a comparison, without "?".
func CompareQuery(codes []string, blocs bool) string {
	esc := make([]string, len(codes))
	for i, c := range codes {
		esc[i] = url.QueryEscape(c)
	}
	q := "jurisdictions=" + strings.Join(esc, ",")
	if blocs {
		q += "&blocs=1"
	}
	return q
}

func compareURL(path string, codes []string, blocs bool) string {
	if len(codes) == 0 && !blocs {
		return path
	}
	return path + "?" + CompareQuery(codes, blocs)
}

// TopicsPage lists the topic vocabulary with how much addresses each topic.
type TopicsPage struct {
	Base
	Topics []TopicRow
}

// TopicRow is one topic with its counts.
type TopicRow struct {
	Href, Title                            string
	Instruments, Provisions, Jurisdictions int
}

// TopicPage shows every instrument and provision on one topic, by region
// then jurisdiction, mandatory apart from voluntary apart from unknown.
type TopicPage struct {
	Base
	Slug, Heading                          string
	Instruments, Provisions, Jurisdictions int
	Regions                                []TopicRegion
	JSONHref                               string
}

// TopicRegion is one region's jurisdictions on a topic page.
type TopicRegion struct {
	ID, Name      string
	Jurisdictions []TopicJurisdiction
}

// TopicJurisdiction is one jurisdiction's instruments on a topic, grouped
// by binding.
type TopicJurisdiction struct {
	ID, Code, Href, Name string
	Groups               []BindingGroup
}

// BindingGroup is the instruments of one binding force: mandatory,
// voluntary, or not recorded.
type BindingGroup struct {
	Binding string // mandatory, voluntary or unknown: a class name
	Label   string
	Items   []InstrumentEntry
}

// InstrumentEntry is an instrument on a topic, with its provisions on it.
type InstrumentEntry struct {
	Href, Title, Type string
	// Via names the bloc through which it applies, in a member's column.
	Via        string
	Provisions []ProvisionEntry
}

// ProvisionEntry links a provision on its policy's page.
type ProvisionEntry struct {
	Href, Label, Title string
}

// ComparePage is the comparison of jurisdictions by topic, with the form
// that chooses them.
type ComparePage struct {
	Base
	// Choices are the jurisdictions the form offers, by region.
	Choices []ChoiceRegion
	Blocs   bool
	// Problem says why the choice cannot be compared (400); the form
	// keeps what the reader chose.
	Problem string
	// Columns and Rows are the table, when the choice is good.
	Columns           []CompareColumn
	Rows              []CompareRow
	CSVHref, JSONHref string
}

// ChoiceRegion is one region's jurisdictions in the form.
type ChoiceRegion struct {
	ID, Name string
	Options  []JurisdictionChoice
}

// JurisdictionChoice is one checkbox of the form.
type JurisdictionChoice struct {
	Code, Name string
	Checked    bool
}

// CompareColumn is one compared jurisdiction.
type CompareColumn struct {
	Code, Name, Href string
}

// CompareRow is one topic across the compared jurisdictions.
type CompareRow struct {
	Href, Title string
	Cells       [][]BindingGroup // by column; empty when nothing was found
}

// ViaText says through which bloc an instrument counts, "" for its own.
func (e InstrumentEntry) ViaText() string {
	if e.Via == "" {
		return ""
	}
	return " (via " + e.Via + ")"
}

func refSeparator(i int) string {
	if i == 0 {
		return ": "
	}
	return ", "
}
