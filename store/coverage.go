package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// CoverageRows are the ways a coverage matrix can group policies into rows;
// each is also a facet of the policy list, so every cell has a list to link to.
var CoverageRows = []string{"jurisdiction", "region", "type"}

// LeastCovered is how many items the gaps name as having the least
// evidence, before ties.
const LeastCovered = 3

// CoverageOptions choose a coverage matrix.
type CoverageOptions struct {
	Framework string
	By        string // one of CoverageRows; "" means jurisdiction
	// Reviewed counts only mappings a member has reviewed.
	Reviewed bool
	// Scope is ScopeNational ("" too) or ScopeApplicable, in which a
	// jurisdiction row also counts its blocs' and the international
	// instruments. Rows grouped otherwise are the same in either scope.
	Scope string
}

// Coverage is how many distinct policies address each item of a framework,
// row by row. A policy addresses an item when it, or one of its provisions,
// is mapped to it with any relationship but not-related.
//
// Counts are read from the same derived facet rows that filter the policy
// list, so each count is, by construction, the total of the list
// /policies?<by>=<key>&challenge=<code> (with reviewed=1 when Reviewed).
// That facet names items by code alone: were two frameworks to share a code,
// both the list and the matrix would count mappings to either.
type Coverage struct {
	Framework Framework
	By        string
	Reviewed  bool
	Scope     string
	Items     []CoverageItem
	Rows      []CoverageRow
	Gaps      CoverageGaps
	// Tally counts the mappings to the framework's items and how many are
	// reviewed: every count built from mappings says how many are.
	Tally MappingTally
}

// CoverageItem is one column of the matrix: a framework item, with how many
// policies address it across all rows.
type CoverageItem struct {
	Code     string
	Title    string
	Kind     string
	Depth    int
	Policies int
	// ReviewedPolicies counts only reviewed mappings, whatever Reviewed.
	ReviewedPolicies int
}

// CoverageRow is one jurisdiction, region or type with its counts by item
// code. Total is how many of its policies address at least one item;
// Policies is how many policies it has at all.
type CoverageRow struct {
	Key      string
	Label    string
	Counts   map[string]int
	Total    int
	Policies int
	// ReviewedCounts count only reviewed mappings, whatever Reviewed.
	ReviewedCounts map[string]int
}

// CoverageGaps name where the evidence is thin.
type CoverageGaps struct {
	// Least are the LeastCovered items with the fewest policies, ties
	// included, fewest first; items with no policy at all are left out.
	Least []CoverageItem
	// Regions lists, item by item, the regions from which no policy
	// addresses it.
	Regions []CoverageGap
	// Jurisdictions lists, item by item, the jurisdictions that have at
	// least one policy but none addressing the item.
	Jurisdictions []CoverageGap
}

// CoverageGap is one item and the rows without any policy for it.
type CoverageGap struct {
	Item    string
	Missing []string // row keys, in row order
	// All says that Missing holds every row considered: no policy
	// addresses the item at all.
	All bool
}

// Coverage computes the matrix of one framework, rows grouped as asked.
func (db *DB) Coverage(ctx context.Context, o CoverageOptions) (Coverage, error) {
	if o.By == "" {
		o.By = "jurisdiction"
	}
	if !slices.Contains(CoverageRows, o.By) {
		return Coverage{}, &ValidationError{Fields: map[string]string{
			"by": "Choose one of " + strings.Join(CoverageRows, ", ")}}
	}
	if o.Scope == "" {
		o.Scope = ScopeNational
	}
	if !slices.Contains(Scopes, o.Scope) {
		return Coverage{}, &ValidationError{Fields: map[string]string{
			"scope": "Choose one of " + strings.Join(Scopes, ", ")}}
	}
	fw, err := db.Framework(ctx, o.Framework)
	if err != nil {
		return Coverage{}, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Coverage{}, fmt.Errorf("coverage of %s: %w", fw.Slug, err)
	}
	// One read transaction, so that every number comes from the same
	// snapshot even while members save mappings.
	defer tx.Rollback()
	cv := Coverage{Framework: fw, By: o.By, Reviewed: o.Reviewed, Scope: o.Scope}
	var codes []string
	var walk func(items []*Item, depth int)
	walk = func(items []*Item, depth int) {
		for _, it := range items {
			cv.Items = append(cv.Items, CoverageItem{Code: it.Code, Title: it.Title, Kind: it.Kind, Depth: depth})
			codes = append(codes, it.Code)
			walk(it.Children, depth+1)
		}
	}
	walk(fw.Items, 0)
	facet := "challenge"
	if o.Reviewed {
		facet = "reviewed"
	}
	totals, err := itemTotals(ctx, tx, facet, codes)
	if err != nil {
		return Coverage{}, fmt.Errorf("coverage of %s: %w", fw.Slug, err)
	}
	for i := range cv.Items {
		cv.Items[i].Policies = totals[cv.Items[i].Code]
	}
	if cv.Rows, err = coverageRows(ctx, tx, o.By, facet, codes, o.Scope); err != nil {
		return Coverage{}, fmt.Errorf("coverage of %s by %s: %w", fw.Slug, o.By, err)
	}
	if err := reviewedCounts(ctx, tx, &cv, codes); err != nil {
		return Coverage{}, fmt.Errorf("reviewed coverage of %s: %w", fw.Slug, err)
	}
	if cv.Tally, err = frameworkTally(ctx, tx, fw.Slug); err != nil {
		return Coverage{}, err
	}
	cv.Gaps.Least = leastCovered(cv.Items, LeastCovered)
	for _, by := range []string{"region", "jurisdiction"} {
		rows := cv.Rows
		if by != o.By {
			if rows, err = coverageRows(ctx, tx, by, facet, codes, o.Scope); err != nil {
				return Coverage{}, fmt.Errorf("coverage gaps of %s by %s: %w", fw.Slug, by, err)
			}
		}
		gaps := missing(rows, codes, by == "jurisdiction")
		if by == "region" {
			cv.Gaps.Regions = gaps
		} else {
			cv.Gaps.Jurisdictions = gaps
		}
	}
	return cv, nil
}

// reviewedCounts fills in the counts of reviewed mappings beside the
// counts asked for, so that a reader sees both apart.
func reviewedCounts(ctx context.Context, q querier, cv *Coverage, codes []string) error {
	totals, err := itemTotals(ctx, q, "reviewed", codes)
	if err != nil {
		return err
	}
	for i := range cv.Items {
		cv.Items[i].ReviewedPolicies = totals[cv.Items[i].Code]
	}
	rows, err := coverageRows(ctx, q, cv.By, "reviewed", codes, cv.Scope)
	if err != nil {
		return err
	}
	byKey := map[string]map[string]int{}
	for _, r := range rows {
		byKey[r.Key] = r.Counts
	}
	for i := range cv.Rows {
		cv.Rows[i].ReviewedCounts = byKey[cv.Rows[i].Key]
		if cv.Rows[i].ReviewedCounts == nil {
			cv.Rows[i].ReviewedCounts = map[string]int{}
		}
	}
	return nil
}

// itemTotals counts the policies addressing each code.
func itemTotals(ctx context.Context, q querier, facet string, codes []string) (map[string]int, error) {
	out := map[string]int{}
	if len(codes) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT value, COUNT(*) FROM policy_terms
		WHERE facet = ? AND value IN (`+placeholders(len(codes))+`) GROUP BY value`, append([]any{facet}, anys(codes)...)...)
	if err != nil {
		return nil, fmt.Errorf("count items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("count items: %w", err)
		}
		out[code] = n
	}
	return out, rows.Err()
}

// coverageRows lists the rows of one grouping with their counts. Regions
// and types are listed whole, including those without any policy, because
// an empty row is itself a finding; jurisdictions are listed when they have
// at least one policy, or the matrix would have some 250 empty rows.
func coverageRows(ctx context.Context, q querier, by, facet string, codes []string, scope string) ([]CoverageRow, error) {
	// terms are the (facet, value, policy_id) rows a row counts by; in the
	// applicable scope a jurisdiction also counts its blocs' and the
	// international policies.
	terms := "policy_terms"
	if by == "jurisdiction" && scope == ScopeApplicable {
		terms = "(SELECT 'jurisdiction' AS facet, value, policy_id FROM (" + applicableTerms + "))"
	}
	var rows []CoverageRow
	switch by {
	case "jurisdiction":
		r, err := q.QueryContext(ctx, `SELECT j.code, j.name FROM jurisdictions j
			WHERE EXISTS (SELECT 1 FROM policy_terms t WHERE t.facet = 'jurisdiction' AND t.value = j.code)
			ORDER BY j.name`)
		if err != nil {
			return nil, err
		}
		if rows, err = collect(r, scanKeyLabel); err != nil {
			return nil, err
		}
	case "region":
		r, err := q.QueryContext(ctx, `SELECT DISTINCT region, region FROM jurisdictions WHERE region <> ''
			ORDER BY region = 'International', region`)
		if err != nil {
			return nil, err
		}
		if rows, err = collect(r, scanKeyLabel); err != nil {
			return nil, err
		}
	case "type":
		for _, t := range PolicyTypes {
			rows = append(rows, CoverageRow{Key: t, Label: Label(t)})
		}
	}
	index := map[string]int{}
	for i := range rows {
		rows[i].Counts = map[string]int{}
		index[rows[i].Key] = i
	}
	// Both sides are rows of policy_terms, whose key makes (facet, value,
	// policy) unique, so COUNT(*) already counts distinct policies.
	cells, err := q.QueryContext(ctx, `SELECT r.value, c.value, COUNT(*) FROM `+terms+` r
		JOIN policy_terms c ON c.policy_id = r.policy_id
		WHERE r.facet = ? AND c.facet = ? AND c.value IN (`+placeholders(len(codes))+`)
		GROUP BY r.value, c.value`, append([]any{by, facet}, anys(codes)...)...)
	if err != nil {
		return nil, err
	}
	defer cells.Close()
	for cells.Next() {
		var key, code string
		var n int
		if err := cells.Scan(&key, &code, &n); err != nil {
			return nil, err
		}
		if i, ok := index[key]; ok {
			rows[i].Counts[code] = n
		}
	}
	if err := cells.Err(); err != nil {
		return nil, err
	}
	policies, err := q.QueryContext(ctx, "SELECT value, COUNT(*) FROM "+terms+" WHERE facet = ? GROUP BY value", by)
	if err != nil {
		return nil, err
	}
	defer policies.Close()
	for policies.Next() {
		var key string
		var n int
		if err := policies.Scan(&key, &n); err != nil {
			return nil, err
		}
		if i, ok := index[key]; ok {
			rows[i].Policies = n
		}
	}
	if err := policies.Err(); err != nil {
		return nil, err
	}
	if err := rowTotals(ctx, q, terms, by, facet, codes, rows, index); err != nil {
		return nil, err
	}
	return rows, nil
}

// rowTotals counts, per row, the distinct policies addressing any of the
// codes: the total of /policies?<by>=<key>&challenge=<every code>.
func rowTotals(ctx context.Context, q querier, terms, by, facet string, codes []string, rows []CoverageRow, index map[string]int) error {
	r, err := q.QueryContext(ctx, `SELECT r.value, COUNT(*) FROM `+terms+` r
		WHERE r.facet = ? AND r.policy_id IN (
			SELECT policy_id FROM policy_terms WHERE facet = ? AND value IN (`+placeholders(len(codes))+`))
		GROUP BY r.value`, append([]any{by, facet}, anys(codes)...)...)
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		var key string
		var n int
		if err := r.Scan(&key, &n); err != nil {
			return err
		}
		if i, ok := index[key]; ok {
			rows[i].Total = n
		}
	}
	return r.Err()
}

func scanKeyLabel(r *sql.Rows) (CoverageRow, error) {
	var row CoverageRow
	return row, r.Scan(&row.Key, &row.Label)
}

// leastCovered returns the n items with the fewest policies, and any
// others tied with the last of them, fewest first and otherwise in
// framework order. Items no policy addresses are left out: they have no
// evidence rather than the least, and readers are told about them once,
// as unmapped items.
func leastCovered(items []CoverageItem, n int) []CoverageItem {
	sorted := slices.DeleteFunc(slices.Clone(items), func(it CoverageItem) bool { return it.Policies == 0 })
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Policies < sorted[j].Policies })
	if len(sorted) <= n {
		return sorted
	}
	end := n
	for end < len(sorted) && sorted[end].Policies == sorted[n-1].Policies {
		end++
	}
	return sorted[:end]
}

// missing lists, for each code, the rows with no policy addressing it.
// With onlyPopulated, rows without any policy are left out: a jurisdiction
// with no policy at all is not a gap of one item.
func missing(rows []CoverageRow, codes []string, onlyPopulated bool) []CoverageGap {
	out := make([]CoverageGap, 0, len(codes))
	for _, code := range codes {
		g := CoverageGap{Item: code, Missing: []string{}, All: true}
		for _, r := range rows {
			if onlyPopulated && r.Policies == 0 {
				continue
			}
			if r.Counts[code] == 0 {
				g.Missing = append(g.Missing, r.Key)
			} else {
				g.All = false
			}
		}
		out = append(out, g)
	}
	return out
}

// MappingSet is every mapping to one framework's items, with what an
// export needs besides.
type MappingSet struct {
	Framework Framework
	Mappings  []Mapping // by policy slug, then provision order, then item order
	// Jurisdictions are the codes of each mapped policy, by slug.
	Jurisdictions map[string][]string
	// Modified is when the newest of the mappings was last written; the
	// zero time when there are none.
	Modified time.Time
}

// FrameworkMappings returns every mapping to the items of one framework.
func (db *DB) FrameworkMappings(ctx context.Context, slug string) (MappingSet, error) {
	fw, err := db.Framework(ctx, slug)
	if err != nil {
		return MappingSet{}, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return MappingSet{}, fmt.Errorf("mappings of %s: %w", slug, err)
	}
	defer tx.Rollback()
	set := MappingSet{Framework: fw, Jurisdictions: map[string][]string{}}
	rows, err := tx.QueryContext(ctx, mappingSelect+`WHERE f.slug = ?
		ORDER BY p.slug, IFNULL(v.pos, -1), i.pos`, slug)
	if err != nil {
		return MappingSet{}, fmt.Errorf("mappings of %s: %w", slug, err)
	}
	if set.Mappings, err = collect(rows, scanMapping); err != nil {
		return MappingSet{}, fmt.Errorf("mappings of %s: %w", slug, err)
	}
	if set.Mappings == nil {
		set.Mappings = []Mapping{}
	}
	var modified string
	err = tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(m.updated_at), '') FROM mappings m
		JOIN items i ON i.id = m.item_id JOIN frameworks f ON f.id = i.framework_id WHERE f.slug = ?`, slug).Scan(&modified)
	if err != nil {
		return MappingSet{}, fmt.Errorf("mappings of %s: %w", slug, err)
	}
	if modified != "" {
		if set.Modified, err = time.Parse(time.RFC3339, modified); err != nil {
			return MappingSet{}, fmt.Errorf("mappings of %s: modified time %q: %w", slug, modified, err)
		}
	}
	jr, err := tx.QueryContext(ctx, `SELECT p.slug, pj.jurisdiction FROM policy_jurisdictions pj
		JOIN policies p ON p.id = pj.policy_id
		WHERE pj.policy_id IN (SELECT m.policy_id FROM mappings m JOIN items i ON i.id = m.item_id
			JOIN frameworks f ON f.id = i.framework_id WHERE f.slug = ?)
		ORDER BY p.slug, pj.pos`, slug)
	if err != nil {
		return MappingSet{}, fmt.Errorf("jurisdictions of mapped policies of %s: %w", slug, err)
	}
	defer jr.Close()
	for jr.Next() {
		var p, j string
		if err := jr.Scan(&p, &j); err != nil {
			return MappingSet{}, fmt.Errorf("jurisdictions of mapped policies of %s: %w", slug, err)
		}
		set.Jurisdictions[p] = append(set.Jurisdictions[p], j)
	}
	if err := jr.Err(); err != nil {
		return MappingSet{}, fmt.Errorf("jurisdictions of mapped policies of %s: %w", slug, err)
	}
	return set, nil
}
