package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// The allowed values of the OSCAL 1.2 mapping model (oscal_mapping and
// oscal_mapping-common metaschemas) that an export must keep to.
var (
	oscalRelationshipTokens = []string{"equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with", "no-relationship"}
	oscalMethods            = []string{"human", "automation"}
	oscalMatching           = []string{"syntactic", "semantic", "functional"}
	oscalStatuses           = []string{"complete", "not-complete", "draft", "deprecated", "superseded"}
	oscalResourceTypes      = []string{"catalog", "profile"}
	oscalItemTypes          = []string{"control", "statement"}
	oscalUUIDRE             = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[45][0-9a-fA-F]{3}-[89ABab][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)
	oscalTokenRE            = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)
)

// oscalChecker collects departures from the model, each with its JSON path.
type oscalChecker struct {
	problems []string
	uuids    map[string]string // uuid -> path of its first use
}

func (c *oscalChecker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

// object checks that v is an object with every required key and no key
// outside allowed (the model admits no others), and returns it.
func (c *oscalChecker) object(path string, v any, required, optional []string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "want an object")
		return map[string]any{}
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			c.fail(path, "missing required %q", k)
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(required, k) && !slices.Contains(optional, k) {
			c.fail(path, "%q is not part of the model here", k)
		}
	}
	return m
}

// array checks that v is an array of at least min members.
func (c *oscalChecker) array(path string, v any, min int) []any {
	a, ok := v.([]any)
	if !ok {
		if v != nil {
			c.fail(path, "want an array")
		}
		return nil
	}
	if len(a) < min {
		c.fail(path, "want at least %d members, got %d", min, len(a))
	}
	return a
}

func (c *oscalChecker) str(path string, v any) string {
	s, ok := v.(string)
	if !ok {
		if v != nil {
			c.fail(path, "want a string")
		}
		return ""
	}
	if s == "" || strings.TrimSpace(s) != s {
		c.fail(path, "want a non-empty string without surrounding space")
	}
	return s
}

func (c *oscalChecker) oneOf(path string, v any, allowed []string) {
	if s := c.str(path, v); s != "" && !slices.Contains(allowed, s) {
		c.fail(path, "%q is not one of %s", s, strings.Join(allowed, ", "))
	}
}

func (c *oscalChecker) uuid(path string, v any) {
	s := c.str(path, v)
	if s == "" {
		return
	}
	if !oscalUUIDRE.MatchString(s) {
		c.fail(path, "%q is not a version 4 or 5 UUID", s)
		return
	}
	if first, ok := c.uuids[s]; ok {
		c.fail(path, "UUID %s already used at %s", s, first)
		return
	}
	c.uuids[s] = path
}

func (c *oscalChecker) props(path string, v any) {
	for i, p := range c.array(path, v, 0) {
		pp := fmt.Sprintf("%s[%d]", path, i)
		m := c.object(pp, p, []string{"name", "value"}, []string{"ns", "uuid", "class", "group", "remarks"})
		if name := c.str(pp+".name", m["name"]); name != "" && !oscalTokenRE.MatchString(name) {
			c.fail(pp+".name", "%q is not a token", name)
		}
		c.str(pp+".value", m["value"])
		if ns, ok := m["ns"].(string); ok && !strings.Contains(ns, "://") {
			c.fail(pp+".ns", "%q is not an absolute URI", ns)
		}
	}
}

func (c *oscalChecker) resourceRef(path string, v any) string {
	m := c.object(path, v, []string{"type", "href"}, []string{"props", "links", "remarks"})
	c.oneOf(path+".type", m["type"], oscalResourceTypes)
	c.props(path+".props", m["props"])
	return c.str(path+".href", m["href"])
}

func (c *oscalChecker) mapItems(path string, v any) {
	for i, it := range c.array(path, v, 1) {
		ip := fmt.Sprintf("%s[%d]", path, i)
		m := c.object(ip, it, []string{"type", "id-ref"}, []string{"props", "links", "remarks"})
		c.oneOf(ip+".type", m["type"], oscalItemTypes)
		c.str(ip+".id-ref", m["id-ref"])
	}
}

// CheckOSCALMappingCollection checks a JSON document against the structure
// of the OSCAL 1.2 mapping model: the required assemblies and flags of
// mapping-collection, metadata, provenance, mappings and maps, the allowed
// values of every token (relationship, method, matching-rationale, status,
// resource and item types), unique UUIDs, and that every resource
// reference of the form "#uuid" names a back-matter resource. It returns
// the problems found, none for a conforming document.
func CheckOSCALMappingCollection(b []byte) []string {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	c := &oscalChecker{uuids: map[string]string{}}
	root := c.object("$", doc, []string{"mapping-collection"}, nil)
	mc := c.object("mapping-collection", root["mapping-collection"],
		[]string{"uuid", "metadata", "provenance", "mappings"}, []string{"back-matter"})
	c.uuid("mapping-collection.uuid", mc["uuid"])

	md := c.object("metadata", mc["metadata"], []string{"title", "last-modified", "version", "oscal-version"},
		[]string{"published", "revisions", "document-ids", "props", "links", "roles", "locations", "parties",
			"responsible-parties", "actions", "remarks"})
	c.str("metadata.title", md["title"])
	if s := c.str("metadata.last-modified", md["last-modified"]); s != "" {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			c.fail("metadata.last-modified", "%q is not a date-time with a time zone", s)
		}
	}
	c.str("metadata.version", md["version"])
	if v := c.str("metadata.oscal-version", md["oscal-version"]); v != "" && !strings.HasPrefix(v, "1.2.") {
		c.fail("metadata.oscal-version", "%q is not a 1.2 release", v)
	}
	c.props("metadata.props", md["props"])

	pv := c.object("provenance", mc["provenance"], []string{"method", "matching-rationale", "status", "mapping-description"},
		[]string{"confidence-score", "coverage", "responsible-parties", "props", "links", "remarks"})
	c.oneOf("provenance.method", pv["method"], oscalMethods)
	c.oneOf("provenance.matching-rationale", pv["matching-rationale"], oscalMatching)
	c.oneOf("provenance.status", pv["status"], oscalStatuses)
	c.str("provenance.mapping-description", pv["mapping-description"])

	var hrefs []string
	for i, mv := range c.array("mappings", mc["mappings"], 1) {
		p := fmt.Sprintf("mappings[%d]", i)
		m := c.object(p, mv, []string{"uuid", "source-resource", "target-resource", "maps"},
			[]string{"method", "matching-rationale", "status", "props", "links", "remarks", "mapping-description",
				"source-gap-summary", "target-gap-summary", "confidence-score", "coverage"})
		c.uuid(p+".uuid", m["uuid"])
		hrefs = append(hrefs, c.resourceRef(p+".source-resource", m["source-resource"]),
			c.resourceRef(p+".target-resource", m["target-resource"]))
		for j, ev := range c.array(p+".maps", m["maps"], 1) {
			ep := fmt.Sprintf("%s.maps[%d]", p, j)
			e := c.object(ep, ev, []string{"uuid", "relationship", "sources", "targets"},
				[]string{"ns", "matching-rationale", "qualifiers", "confidence-score", "coverage", "props", "links", "remarks"})
			c.uuid(ep+".uuid", e["uuid"])
			c.oneOf(ep+".relationship", e["relationship"], oscalRelationshipTokens)
			c.mapItems(ep+".sources", e["sources"])
			c.mapItems(ep+".targets", e["targets"])
			c.props(ep+".props", e["props"])
		}
	}

	resources := map[string]bool{}
	if bm, ok := mc["back-matter"]; ok {
		b := c.object("back-matter", bm, nil, []string{"resources"})
		for i, rv := range c.array("back-matter.resources", b["resources"], 0) {
			p := fmt.Sprintf("back-matter.resources[%d]", i)
			r := c.object(p, rv, []string{"uuid"}, []string{"title", "description", "props", "document-ids",
				"citation", "rlinks", "base64", "remarks"})
			c.uuid(p+".uuid", r["uuid"])
			if s, ok := r["uuid"].(string); ok {
				resources[s] = true
			}
			c.props(p+".props", r["props"])
			for j, lv := range c.array(p+".rlinks", r["rlinks"], 0) {
				lp := fmt.Sprintf("%s.rlinks[%d]", p, j)
				l := c.object(lp, lv, []string{"href"}, []string{"media-type", "hashes"})
				c.str(lp+".href", l["href"])
			}
		}
	}
	for _, h := range hrefs {
		if id, ok := strings.CutPrefix(h, "#"); ok && !resources[id] {
			c.fail("mappings", "resource reference %s names no back-matter resource", h)
		}
	}
	return c.problems
}
