package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Review actions.
const (
	ReviewApprove = "approve"
	ReviewReject  = "reject"
)

// Review is a member's decision on a mapping: approve, or reject with a
// note saying why.
type Review struct {
	Action string `json:"action"`
	Note   string `json:"note"`
}

// Validate checks the action and note.
func (r *Review) Validate() error {
	pr := problems{}
	r.Action = strings.TrimSpace(r.Action)
	r.Note = strings.TrimSpace(r.Note)
	if r.Action != ReviewApprove && r.Action != ReviewReject {
		pr.add("action", "Choose approve or reject")
	}
	if r.Action == ReviewReject && r.Note == "" {
		pr.add("note", "Say why the mapping is rejected, so that its authors can amend it")
	}
	checkText(pr, "note", r.Note, 2000)
	return pr.err()
}

// sameContent reports whether two mappings say the same thing about the
// same target: what a reviewer approved.
func sameContent(a, b Mapping) bool {
	return sameTarget(a, b) && a.Relationship == b.Relationship && a.Strength == b.Strength &&
		a.Rationale == b.Rationale && a.Evidence == b.Evidence
}

// whyNotReviewer says why the actor may not review m, or "" when they may.
// A mapping's authors are who created it and who last changed it: a
// reviewer is a second pair of eyes on what they wrote. Shipped and
// imported mappings have no author, so any member may review them.
func whyNotReviewer(a Actor, m Mapping) string {
	switch {
	case a.UserID == 0:
		return "Only a signed-in member can review a mapping"
	case a.UserID == m.CreatedBy || a.UserID == m.UpdatedBy:
		return "You wrote or last changed this mapping, so another member must review it"
	}
	return ""
}

// resolveReviews gives each mapping about to be saved its authors and
// review state, from the stored mappings (old) it replaces:
//   - a mapping whose content is unchanged keeps its authors and review;
//   - a new or changed mapping is unreviewed, and the actor becomes its
//     (last) author;
//   - Reviewed in input asks for approval: it is honoured from a member who
//     is not an author, refused (a field error from field(i)) from an
//     author, and ignored from a process (import, command line, shipped
//     data), which never reviews.
//
// It returns the indexes of the mappings it approved, which the caller
// audits once they have ids, as ReviewMapping audits its approvals.
func resolveReviews(ctx context.Context, old, ms []Mapping, now string, field func(int) string) ([]int, error) {
	a := ActorFrom(ctx)
	pr := problems{}
	var approved []int
	for i := range ms {
		n := &ms[i]
		ask := n.Reviewed
		n.Reviewed, n.Rejected, n.ReviewedBy, n.ReviewedByID, n.ReviewedAt, n.ReviewNote = false, false, "", 0, "", ""
		var prev *Mapping
		for j := range old {
			if sameTarget(old[j], *n) {
				prev = &old[j]
				break
			}
		}
		switch {
		case prev != nil && sameContent(*prev, *n):
			n.CreatedBy, n.UpdatedBy = prev.CreatedBy, prev.UpdatedBy
			n.Reviewed, n.Rejected, n.ReviewedBy, n.ReviewedByID, n.ReviewedAt, n.ReviewNote =
				prev.Reviewed, prev.Rejected, prev.ReviewedBy, prev.ReviewedByID, prev.ReviewedAt, prev.ReviewNote
		case prev != nil:
			n.CreatedBy, n.UpdatedBy = prev.CreatedBy, a.UserID
		default:
			n.CreatedBy, n.UpdatedBy = a.UserID, a.UserID
		}
		if !ask || n.Reviewed || a.UserID == 0 {
			continue
		}
		if why := whyNotReviewer(a, *n); why != "" {
			pr.add(field(i), why)
			continue
		}
		n.Reviewed, n.ReviewedByID, n.ReviewedAt = true, a.UserID, now
		approved = append(approved, i)
	}
	return approved, pr.err()
}

// ReviewMapping records a member's approval or rejection of a mapping and
// returns the mapping as stored. A member who wrote or last changed the
// mapping, or a context without a member, is refused with a field error on
// "reviewed"; an unknown mapping is ErrNotFound.
func (db *DB) ReviewMapping(ctx context.Context, id int64, r Review) (Mapping, error) {
	if err := r.Validate(); err != nil {
		return Mapping{}, err
	}
	var out Mapping
	err := db.update(ctx, func(t *Tx) error {
		m, err := loadMapping(ctx, t.tx, id)
		if err != nil {
			return err
		}
		a := ActorFrom(ctx)
		if why := whyNotReviewer(a, m); why != "" {
			return &ValidationError{Fields: map[string]string{"reviewed": why}}
		}
		approve := r.Action == ReviewApprove
		if _, err := t.exec(ctx, `UPDATE mappings SET reviewed = ?, rejected = ?, reviewed_by = ?, reviewed_at = ?,
			review_note = ? WHERE id = ?`, approve, !approve, a.UserID, t.stamp(), r.Note, id); err != nil {
			return fmt.Errorf("review mapping %d: %w", id, err)
		}
		var pid int64
		if err := t.tx.QueryRowContext(ctx, "SELECT policy_id FROM mappings WHERE id = ?", id).Scan(&pid); err != nil {
			return fmt.Errorf("review mapping %d: %w", id, err)
		}
		if err := t.refreshTerms(ctx, pid); err != nil {
			return err
		}
		if err := t.change(ctx, "policy", m.Policy, "upsert"); err != nil {
			return err
		}
		detail := reviewDetail(m.Policy, m)
		if r.Note != "" {
			detail += ": " + r.Note
		}
		if err := t.audit(ctx, "mapping."+r.Action, "mapping/"+strconv.FormatInt(id, 10), detail); err != nil {
			return err
		}
		out, err = loadMapping(ctx, t.tx, id)
		return err
	})
	return out, err
}

// reviewDetail names a mapping of policy in the audit log of its review.
func reviewDetail(policy string, m Mapping) string {
	if m.Provision != "" {
		return fmt.Sprintf("%s provision %s to %s/%s", policy, m.Provision, m.Framework, m.Item)
	}
	return fmt.Sprintf("%s to %s/%s", policy, m.Framework, m.Item)
}

// MappingPage is one page of a list of mappings.
type MappingPage struct {
	Mappings []Mapping
	Total    int
	Page     int
	PerPage  int
}

// UnreviewedMappings lists the mappings that no member has approved or
// rejected yet, policies by title, one page at a time.
func (db *DB) UnreviewedMappings(ctx context.Context, page, perPage int) (MappingPage, error) {
	page, perPage = max(page, 1), max(perPage, 1)
	out := MappingPage{Page: page, PerPage: perPage, Mappings: []Mapping{}}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return out, fmt.Errorf("unreviewed mappings: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM mappings WHERE NOT reviewed AND NOT rejected").Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count unreviewed mappings: %w", err)
	}
	rows, err := tx.QueryContext(ctx, mappingSelect+`WHERE NOT m.reviewed AND NOT m.rejected
		ORDER BY p.title, p.slug, IFNULL(v.pos, -1), f.id, i.pos LIMIT ? OFFSET ?`, perPage, (page-1)*perPage)
	if err != nil {
		return out, fmt.Errorf("unreviewed mappings: %w", err)
	}
	ms, err := collect(rows, scanMapping)
	if err != nil {
		return out, fmt.Errorf("unreviewed mappings: %w", err)
	}
	if ms != nil {
		out.Mappings = ms
	}
	return out, nil
}

// MappingTally counts mappings that are evidence (any relationship but
// not-related, and not rejected) and how many of them are reviewed.
type MappingTally struct {
	Mappings int `json:"mappings"`
	Reviewed int `json:"reviewed"`
}

// Tally counts ms as a MappingTally.
func Tally(ms []Mapping) MappingTally {
	var t MappingTally
	for _, m := range ms {
		if m.Counts() {
			t.Mappings++
			if m.Reviewed {
				t.Reviewed++
			}
		}
	}
	return t
}

// FrameworkTally counts the mappings to one framework's items.
func (db *DB) FrameworkTally(ctx context.Context, framework string) (MappingTally, error) {
	return frameworkTally(ctx, db.read, framework)
}

func frameworkTally(ctx context.Context, q querier, framework string) (MappingTally, error) {
	var t MappingTally
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), IFNULL(SUM(m.reviewed), 0) FROM mappings m
		JOIN items i ON i.id = m.item_id JOIN frameworks f ON f.id = i.framework_id
		WHERE f.slug = ? AND m.relationship <> 'not-related' AND NOT m.rejected`, framework).Scan(&t.Mappings, &t.Reviewed)
	if err != nil {
		return t, fmt.Errorf("count mappings of %s: %w", framework, err)
	}
	return t, nil
}
