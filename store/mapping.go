package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// Mapping says how a policy, or one of its provisions, relates to a
// framework item, in NIST IR 8477's set-theory terms, and why.
type Mapping struct {
	ID           int64  `json:"id,omitempty"`
	Policy       string `json:"policy,omitempty"`
	Framework    string `json:"framework"`
	Item         string `json:"item"`
	Provision    string `json:"-"`
	Relationship string `json:"relationship"`
	Strength     int    `json:"-"` // 0 when not given
	Rationale    string `json:"rationale"`
	Evidence     string `json:"evidence"`
	// Reviewed says a member other than its authors approved the mapping.
	// In input it asks for that approval (see resolveReviews).
	Reviewed bool `json:"reviewed"`
	// Rejected says a reviewer rejected the mapping: it is kept, shown as
	// rejected, and counted nowhere.
	Rejected bool `json:"-"`
	// ReviewedBy names the member who approved or rejected it, ReviewedAt
	// says when (RFC 3339), ReviewNote why; all empty while unreviewed.
	ReviewedBy   string `json:"-"`
	ReviewedByID int64  `json:"-"`
	ReviewedAt   string `json:"-"`
	ReviewNote   string `json:"-"`
	// CreatedBy and UpdatedBy are the mapping's authors (0: shipped or
	// imported, no author); neither may review it.
	CreatedBy int64 `json:"-"`
	UpdatedBy int64 `json:"-"`

	// Read-only context for display.
	ItemTitle   string `json:"-"`
	ItemKind    string `json:"-"`
	PolicyTitle string `json:"-"`
	// ProvisionLabel is the provision as readers see it (its label, or its
	// key when it has none); "" for a mapping of the whole policy.
	ProvisionLabel string `json:"-"`
}

// Validate checks the relationship, strength and rationale.
func (m *Mapping) Validate() error {
	pr := problems{}
	if m.Framework == "" {
		pr.add("framework", "Name the framework, such as dc-isss-iot")
	}
	if m.Item == "" {
		pr.add("item", "Name the framework item, such as C3")
	}
	if !in(Relationships, m.Relationship) {
		pr.add("relationship", fmt.Sprintf("Choose one of %s", strings.Join(Relationships, ", ")))
	}
	if m.Strength < 0 || m.Strength > 10 {
		pr.add("strength", "Give a strength from 1 to 10, or leave it empty")
	}
	if strings.TrimSpace(m.Rationale) == "" {
		pr.add("rationale", "Say why the policy relates to this item")
	}
	checkText(pr, "framework", m.Framework, 100)
	checkText(pr, "item", m.Item, 100)
	checkText(pr, "provision", m.Provision, 50)
	checkText(pr, "rationale", m.Rationale, 5000)
	checkText(pr, "evidence", m.Evidence, 5000)
	return pr.err()
}

// Counts says whether the mapping is evidence that the policy addresses the
// item: any relationship but not-related, and not rejected by a reviewer.
func (m Mapping) Counts() bool { return m.Relationship != "not-related" && !m.Rejected }

type mappingJSON struct {
	ID           int64   `json:"id,omitempty"`
	Policy       string  `json:"policy,omitempty"`
	Framework    string  `json:"framework"`
	Item         string  `json:"item"`
	Provision    *string `json:"provision"`
	Relationship string  `json:"relationship"`
	Strength     *int    `json:"strength"`
	Rationale    string  `json:"rationale"`
	Evidence     string  `json:"evidence"`
	Reviewed     bool    `json:"reviewed"`
	// Output only; accepted and ignored in input so that what GET returns
	// can be sent back.
	ReviewedBy *string `json:"reviewed_by"`
	ReviewedAt *string `json:"reviewed_at"`
	Rejected   bool    `json:"rejected"`
	ReviewNote string  `json:"review_note"`
}

// MarshalJSON writes provision and strength as null when not given.
func (m Mapping) MarshalJSON() ([]byte, error) {
	j := mappingJSON{ID: m.ID, Policy: m.Policy, Framework: m.Framework, Item: m.Item,
		Provision: nullable(m.Provision), Relationship: m.Relationship, Rationale: m.Rationale,
		Evidence: m.Evidence, Reviewed: m.Reviewed, ReviewedBy: nullable(m.ReviewedBy), ReviewedAt: nullable(m.ReviewedAt),
		Rejected: m.Rejected, ReviewNote: m.ReviewNote}
	if m.Strength > 0 {
		s := m.Strength
		j.Strength = &s
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the DESIGN.md shape, refusing unknown fields.
func (m *Mapping) UnmarshalJSON(b []byte) error {
	var j mappingJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return err
	}
	*m = Mapping{ID: j.ID, Policy: j.Policy, Framework: strings.TrimSpace(j.Framework), Item: strings.TrimSpace(j.Item),
		Provision: deref(j.Provision), Relationship: strings.TrimSpace(j.Relationship), Rationale: strings.TrimSpace(j.Rationale),
		Evidence: j.Evidence, Reviewed: j.Reviewed}
	if j.Strength != nil {
		m.Strength = *j.Strength
		if m.Strength == 0 {
			m.Strength = -1 // an explicit 0 is out of range, not "unknown"
		}
	}
	return nil
}

const mappingSelect = `SELECT m.id, p.slug, f.slug, i.code, IFNULL(v.ref, ''), m.relationship, IFNULL(m.strength, 0),
	m.rationale, m.evidence, m.reviewed, m.rejected, IFNULL(m.reviewed_by, 0),
	CASE WHEN m.reviewed_by IS NULL THEN '' ELSE (SELECT IIF(u.name <> '', u.name, 'member ' || u.id) FROM users u WHERE u.id = m.reviewed_by) END,
	m.reviewed_at, m.review_note, IFNULL(m.created_by, 0), IFNULL(m.updated_by, 0), i.title, i.kind, p.title,
	IFNULL(NULLIF(v.label, ''), IFNULL(v.ref, ''))
	FROM mappings m JOIN policies p ON p.id = m.policy_id JOIN items i ON i.id = m.item_id
	JOIN frameworks f ON f.id = i.framework_id LEFT JOIN provisions v ON v.id = m.provision_id `

func scanMapping(r *sql.Rows) (Mapping, error) {
	var m Mapping
	err := r.Scan(&m.ID, &m.Policy, &m.Framework, &m.Item, &m.Provision, &m.Relationship, &m.Strength,
		&m.Rationale, &m.Evidence, &m.Reviewed, &m.Rejected, &m.ReviewedByID, &m.ReviewedBy,
		&m.ReviewedAt, &m.ReviewNote, &m.CreatedBy, &m.UpdatedBy, &m.ItemTitle, &m.ItemKind, &m.PolicyTitle, &m.ProvisionLabel)
	return m, err
}

// ItemMappings lists every mapping to one framework item, policies by title.
func (db *DB) ItemMappings(ctx context.Context, framework, code string) ([]Mapping, error) {
	rows, err := db.read.QueryContext(ctx, mappingSelect+`WHERE f.slug = ? AND i.code = ?
		ORDER BY p.title, IFNULL(v.pos, -1)`, framework, code)
	if err != nil {
		return nil, fmt.Errorf("mappings to %s/%s: %w", framework, code, err)
	}
	return collect(rows, scanMapping)
}
