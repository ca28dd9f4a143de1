package content

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/google/uuid"
)

// MappingCSVHeader is the header row of the mappings CSV export.
var MappingCSVHeader = []string{"framework", "item", "item_title", "policy", "policy_title", "jurisdictions",
	"provision", "relationship", "strength", "rationale", "evidence", "reviewed"}

// WriteMappingsCSV writes a framework's mappings as RFC 4180 CSV in UTF-8:
// CRLF line ends, a header row, lists joined by ";". Cells that a
// spreadsheet would take for a formula (starting with =, +, -, @, a tab or a
// carriage return) get a leading apostrophe, so that opening the file never
// runs text that members or importers wrote.
func WriteMappingsCSV(w io.Writer, set store.MappingSet) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(MappingCSVHeader); err != nil {
		return fmt.Errorf("write mappings csv: %w", err)
	}
	for _, m := range set.Mappings {
		strength := ""
		if m.Strength > 0 {
			strength = strconv.Itoa(m.Strength)
		}
		row := []string{set.Framework.Slug, m.Item, m.ItemTitle, m.Policy, m.PolicyTitle,
			strings.Join(set.Jurisdictions[m.Policy], ";"), m.Provision, m.Relationship, strength,
			m.Rationale, m.Evidence, strconv.FormatBool(m.Reviewed)}
		for i := range row {
			row[i] = NeutraliseFormula(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write mappings csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write mappings csv: %w", err)
	}
	return nil
}

// NeutraliseFormula prefixes an apostrophe to a cell that a spreadsheet
// would evaluate as a formula (OWASP "CSV injection").
func NeutraliseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// OSCALVersion is the OSCAL release whose mapping model the export follows.
const OSCALVersion = "1.2.0"

// OSCALNamespace qualifies the properties Accord adds to OSCAL documents,
// and seeds the name-based UUIDs of its exports.
const OSCALNamespace = "https://github.com/dc-isss/accord/ns/oscal"

// OSCALRelationships turns Accord's NIST IR 8477 relationship names into
// the OSCAL mapping model's tokens. Accord maps by meaning (the export
// declares matching-rationale "semantic"), so "equal" is OSCAL's
// equivalent-to: equal-to is reserved for requirements worded alike.
var OSCALRelationships = map[string]string{
	"equal":           "equivalent-to",
	"subset-of":       "subset-of",
	"superset-of":     "superset-of",
	"intersects-with": "intersects-with",
	"not-related":     "no-relationship",
}

// OSCALDocument is the root of an OSCAL mapping-collection JSON document.
type OSCALDocument struct {
	MappingCollection OSCALMappingCollection `json:"mapping-collection"`
}

// OSCALMappingCollection is OSCAL's mapping-collection assembly.
type OSCALMappingCollection struct {
	UUID       string          `json:"uuid"`
	Metadata   OSCALMetadata   `json:"metadata"`
	Provenance OSCALProvenance `json:"provenance"`
	Mappings   []OSCALMapping  `json:"mappings"`
	BackMatter OSCALBackMatter `json:"back-matter"`
}

// OSCALMetadata is the metadata every OSCAL document carries.
type OSCALMetadata struct {
	Title        string      `json:"title"`
	LastModified string      `json:"last-modified"`
	Version      string      `json:"version"`
	OSCALVersion string      `json:"oscal-version"`
	Props        []OSCALProp `json:"props,omitempty"`
	Remarks      string      `json:"remarks,omitempty"`
}

// OSCALProvenance says how the mappings were made.
type OSCALProvenance struct {
	Method             string `json:"method"`
	MatchingRationale  string `json:"matching-rationale"`
	Status             string `json:"status"`
	MappingDescription string `json:"mapping-description"`
}

// OSCALMapping relates one source resource (a policy) to one target
// resource (the framework) through its maps.
type OSCALMapping struct {
	UUID           string                 `json:"uuid"`
	SourceResource OSCALResourceReference `json:"source-resource"`
	TargetResource OSCALResourceReference `json:"target-resource"`
	Maps           []OSCALMap             `json:"maps"`
}

// OSCALResourceReference points at a back-matter resource.
type OSCALResourceReference struct {
	Type string `json:"type"`
	Href string `json:"href"`
}

// OSCALMap is one mapping entry: sources, targets and their relationship.
type OSCALMap struct {
	UUID         string         `json:"uuid"`
	Relationship string         `json:"relationship"`
	Sources      []OSCALMapItem `json:"sources"`
	Targets      []OSCALMapItem `json:"targets"`
	Props        []OSCALProp    `json:"props,omitempty"`
	Remarks      string         `json:"remarks,omitempty"`
}

// OSCALMapItem is a source or target of a map.
type OSCALMapItem struct {
	Type  string `json:"type"`
	IDRef string `json:"id-ref"`
}

// OSCALProp is a name-value property.
type OSCALProp struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Value string `json:"value"`
}

// OSCALBackMatter holds the resources the mappings point at.
type OSCALBackMatter struct {
	Resources []OSCALResource `json:"resources"`
}

// OSCALResource is a policy or the framework, with links to them.
type OSCALResource struct {
	UUID   string       `json:"uuid"`
	Title  string       `json:"title"`
	Props  []OSCALProp  `json:"props,omitempty"`
	Rlinks []OSCALRlink `json:"rlinks"`
}

// OSCALRlink is a link to a resource.
type OSCALRlink struct {
	Href      string `json:"href"`
	MediaType string `json:"media-type,omitempty"`
}

// OSCALMappings turns a framework's mappings into an OSCAL 1.2
// mapping-collection: one mapping per policy, one map per Accord mapping.
// Links are absolute, made from origin (such as https://accord.example).
// Every UUID is derived (version 5) from what it identifies, so the same
// data always exports to the same bytes; the collection's own UUID also
// covers the time of the newest mapping, so that it changes, as OSCAL asks,
// when the mappings do. It refuses a set without mappings, since the model
// requires at least one.
func OSCALMappings(set store.MappingSet, origin string) (OSCALDocument, error) {
	if len(set.Mappings) == 0 {
		return OSCALDocument{}, fmt.Errorf("framework %s has no mappings to export: %w", set.Framework.Slug, store.ErrNotFound)
	}
	ns := uuid.NewSHA1(uuid.NameSpaceURL, []byte(OSCALNamespace))
	id := func(parts ...string) string {
		return uuid.NewSHA1(ns, []byte(strings.Join(parts, "\x1f"))).String()
	}
	fw := set.Framework
	modified := set.Modified.UTC().Format(time.RFC3339)
	status := "complete"
	for _, m := range set.Mappings {
		if !m.Reviewed {
			status = "draft"
		}
	}
	fwRes := OSCALResource{UUID: id("framework", fw.Slug), Title: fw.Title,
		Props: []OSCALProp{{Name: "framework", NS: OSCALNamespace, Value: fw.Slug}},
		Rlinks: []OSCALRlink{
			{Href: origin + "/frameworks/" + fw.Slug, MediaType: "text/html"},
			{Href: origin + "/api/v1/frameworks/" + fw.Slug, MediaType: "application/json"},
		}}
	doc := OSCALDocument{MappingCollection: OSCALMappingCollection{
		UUID: id("mapping-collection", fw.Slug, modified),
		Metadata: OSCALMetadata{
			Title:        "Policies mapped to " + fw.Title,
			LastModified: modified,
			Version:      modified,
			OSCALVersion: OSCALVersion,
			Remarks: "Exported from Accord. Each mapping relates one policy (source) to items of the framework " +
				fw.Slug + " (target); the relationship names follow NIST IR 8477 set theory relationship mapping.",
		},
		Provenance: OSCALProvenance{
			Method:            "human",
			MatchingRationale: "semantic",
			Status:            status,
			MappingDescription: "Members of the working group map each policy, or one of its provisions, to the " +
				"framework's research questions and challenges, with a rationale; a mapping marked reviewed has " +
				"been checked by a second member.",
		},
		Mappings:   []OSCALMapping{},
		BackMatter: OSCALBackMatter{Resources: []OSCALResource{fwRes}},
	}}
	mc := &doc.MappingCollection
	// The set comes ordered by policy, so each policy's maps are adjacent.
	var cur *OSCALMapping
	curPolicy := ""
	for _, m := range set.Mappings {
		if cur == nil || m.Policy != curPolicy {
			curPolicy = m.Policy
			res := OSCALResource{UUID: id("policy", m.Policy), Title: m.PolicyTitle,
				Props:  []OSCALProp{{Name: "policy", NS: OSCALNamespace, Value: m.Policy}},
				Rlinks: []OSCALRlink{{Href: origin + "/policies/" + m.Policy, MediaType: "text/html"}}}
			for _, j := range set.Jurisdictions[m.Policy] {
				res.Props = append(res.Props, OSCALProp{Name: "jurisdiction", NS: OSCALNamespace, Value: j})
			}
			mc.BackMatter.Resources = append(mc.BackMatter.Resources, res)
			mc.Mappings = append(mc.Mappings, OSCALMapping{UUID: id("mapping", fw.Slug, m.Policy),
				SourceResource: OSCALResourceReference{Type: "catalog", Href: "#" + res.UUID},
				TargetResource: OSCALResourceReference{Type: "catalog", Href: "#" + fwRes.UUID},
				Maps:           []OSCALMap{}})
			cur = &mc.Mappings[len(mc.Mappings)-1]
		}
		rel, ok := OSCALRelationships[m.Relationship]
		if !ok {
			return OSCALDocument{}, fmt.Errorf("mapping of %s to %s: relationship %q has no OSCAL token", m.Policy, m.Item, m.Relationship)
		}
		src := OSCALMapItem{Type: "control", IDRef: m.Policy}
		if m.Provision != "" {
			src = OSCALMapItem{Type: "statement", IDRef: m.Policy + "_smt." + m.Provision}
		}
		mp := OSCALMap{UUID: id("map", fw.Slug, m.Policy, m.Provision, m.Item), Relationship: rel,
			Sources: []OSCALMapItem{src}, Targets: []OSCALMapItem{{Type: "control", IDRef: m.Item}},
			Props: []OSCALProp{
				{Name: "relationship", NS: OSCALNamespace, Value: m.Relationship},
				{Name: "reviewed", NS: OSCALNamespace, Value: strconv.FormatBool(m.Reviewed)},
			},
			Remarks: strings.TrimSpace(m.Rationale)}
		if m.Provision != "" {
			mp.Props = append(mp.Props, OSCALProp{Name: "provision", NS: OSCALNamespace, Value: m.Provision})
		}
		if m.Strength > 0 {
			mp.Props = append(mp.Props, OSCALProp{Name: "strength", NS: OSCALNamespace, Value: strconv.Itoa(m.Strength)})
		}
		if ev := strings.TrimSpace(m.Evidence); ev != "" {
			mp.Remarks += "\n\nEvidence: " + ev
		}
		cur.Maps = append(cur.Maps, mp)
	}
	return doc, nil
}
