package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SyncAction is what bringing one shipped record into a database did.
type SyncAction string

// The outcomes of a sync, record by record.
const (
	// SyncAdded: the database did not have the record; it has it now.
	SyncAdded SyncAction = "added"
	// SyncUpdated: the record was as shipped earlier and never edited by
	// a member; it now matches the shipped version.
	SyncUpdated SyncAction = "updated"
	// SyncUnchanged: the record already matches the shipped version.
	SyncUnchanged SyncAction = "unchanged"
	// SyncLeftAlone: the record differs from the shipped version but was
	// edited or deleted in the database, so it was not touched.
	SyncLeftAlone SyncAction = "left alone"
)

// SyncResult is what a sync did with one shipped record.
type SyncResult struct {
	Kind   string // "policy" or "framework"
	Slug   string
	Action SyncAction
	// Fields names what differed (updated or left alone): title,
	// provisions, mappings...
	Fields []string
	// Why says, for a record left alone, why: "edited in this database
	// on 2 March 2026".
	Why string
	// KeptReviews counts the mappings of an updated policy kept as a
	// member reviewed them rather than replaced by the shipped ones.
	KeptReviews int
}

// SyncPolicies brings the shipped policies ps into the database in one
// transaction: a policy it lacks is added; a policy never edited by a
// member (no revision with a user author) is saved as shipped, through
// the normal save, so revisions, the changes feed and search follow; a
// policy a member edited, or one deleted here, is left alone and reported
// with the reason. Mappings a member approved or rejected are kept as
// reviewed, since a review is a member's work too even though it makes no
// revision. Writes are attributed to the actor of ctx.
func (db *DB) SyncPolicies(ctx context.Context, ps []Policy) ([]SyncResult, error) {
	for i := range ps {
		if err := ps[i].Validate(); err != nil {
			return nil, &BatchError{Index: i, Slug: ps[i].Slug, Err: err}
		}
	}
	out := make([]SyncResult, 0, len(ps))
	err := db.update(ctx, func(t *Tx) error {
		for i, p := range ps {
			r, err := t.syncPolicy(ctx, p)
			if err != nil {
				return &BatchError{Index: i, Slug: p.Slug, Err: err}
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (t *Tx) syncPolicy(ctx context.Context, p Policy) (SyncResult, error) {
	r := SyncResult{Kind: "policy", Slug: p.Slug}
	old, err := loadPolicy(ctx, t.tx, p.Slug)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return r, err
	}
	if !exists {
		var last sql.NullString
		if err := t.tx.QueryRowContext(ctx, "SELECT MAX(created_at) FROM policy_revisions WHERE slug = ?", p.Slug).Scan(&last); err != nil {
			return r, fmt.Errorf("history of %s: %w", p.Slug, err)
		}
		if last.Valid {
			r.Action, r.Why = SyncLeftAlone, "deleted in this database on "+dayOf(last.String)
			return r, nil
		}
		p.BaseRev = 0
		if _, err := t.savePolicy(ctx, p, CreateOnly); err != nil {
			return r, err
		}
		r.Action = SyncAdded
		return r, nil
	}
	// Edited means saved by anyone but the shipped content's own loading
	// (seed and sync write as SystemProcess): a member in the browser or
	// through the API, or an operator's accord import from the command
	// line, whose revisions carry no user. The audit log names the actor
	// of every save.
	var edited sql.NullString
	if err := t.tx.QueryRowContext(ctx, `SELECT MAX(at) FROM audit WHERE object = ?
		AND action IN ('policy.create', 'policy.update') AND actor <> ?`,
		"policy/"+p.Slug, SystemProcess).Scan(&edited); err != nil {
		return r, fmt.Errorf("history of %s: %w", p.Slug, err)
	}
	p.BaseRev = 0
	p.Mappings, r.KeptReviews = keepReviewed(old.Mappings, p.Mappings, p.Provisions)
	// Saved inside a savepoint, kept only when it changes what a reader
	// sees (a save counts mappings given in another order as a change) and
	// the member left the policy alone.
	if _, err := t.exec(ctx, "SAVEPOINT sync_policy"); err != nil {
		return r, fmt.Errorf("sync %s: %w", p.Slug, err)
	}
	fields, err := t.saveDiff(ctx, old, p)
	end := []string{"RELEASE sync_policy"}
	if err != nil || edited.Valid || len(fields) == 0 {
		end = []string{"ROLLBACK TO sync_policy", "RELEASE sync_policy"}
	}
	for _, q := range end {
		if _, rerr := t.exec(ctx, q); rerr != nil && err == nil {
			err = fmt.Errorf("sync %s: %w", p.Slug, rerr)
		}
	}
	switch {
	case err != nil:
		return r, err
	case len(fields) == 0:
		r.Action, r.KeptReviews = SyncUnchanged, 0
	case edited.Valid:
		r.Action, r.Fields, r.KeptReviews = SyncLeftAlone, fields, 0
		r.Why = "edited in this database on " + dayOf(edited.String)
	default:
		r.Action, r.Fields = SyncUpdated, fields
	}
	return r, nil
}

// saveDiff saves p over the stored old and names the fields that changed,
// read back as stored (review state and all), so that the report says
// what a reader would see change.
func (t *Tx) saveDiff(ctx context.Context, old, p Policy) ([]string, error) {
	res, err := t.savePolicy(ctx, p, UpdateOnly)
	if err != nil || res == Unchanged {
		return nil, err
	}
	after, err := loadPolicy(ctx, t.tx, p.Slug)
	if err != nil {
		return nil, err
	}
	return diffFields(old, after), nil
}

// keepReviewed returns the shipped mappings with each mapping a member
// approved or rejected put back as it was reviewed, in place of a shipped
// mapping to the same target or beside the shipped ones, and how many it
// kept so. A nil shipped list keeps what is stored anyway; provisions are
// the shipped ones (nil: the stored ones stay).
func keepReviewed(stored, shipped []Mapping, provisions []Provision) ([]Mapping, int) {
	if shipped == nil {
		return nil, 0
	}
	out := slices.Clone(shipped)
	kept := 0
	for _, m := range stored {
		if !m.Reviewed && !m.Rejected {
			continue
		}
		// A mapping of a provision the shipped version no longer has
		// cannot be kept: the provision goes.
		if m.Provision != "" && provisions != nil &&
			!slices.ContainsFunc(provisions, func(v Provision) bool { return v.Ref == m.Provision }) {
			continue
		}
		i := slices.IndexFunc(out, func(n Mapping) bool { return sameTarget(n, m) })
		switch {
		case i >= 0 && sameContent(out[i], m):
			continue // the save keeps its review
		case i >= 0:
			out[i] = m
		default:
			out = append(out, m)
		}
		kept++
	}
	return out, kept
}

// dayOf formats an RFC 3339 time as "2 March 2026"; other text is kept.
func dayOf(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2 January 2006")
}

// SyncFramework brings one shipped framework into the database: added when
// missing, replaced when it differs, unless the shipped version drops an
// item that mappings use (dropping it would delete them): then it is left
// alone and the reason given.
func (db *DB) SyncFramework(ctx context.Context, f Framework) (SyncResult, error) {
	r := SyncResult{Kind: "framework", Slug: f.Slug}
	if err := f.Validate(); err != nil {
		return r, err
	}
	err := db.update(ctx, func(t *Tx) error {
		var fid int64
		var title, desc, source string
		err := t.tx.QueryRowContext(ctx, "SELECT id, title, description, source FROM frameworks WHERE slug = ?", f.Slug).
			Scan(&fid, &title, &desc, &source)
		if errors.Is(err, sql.ErrNoRows) {
			r.Action = SyncAdded
			return t.upsertFramework(ctx, f)
		}
		if err != nil {
			return fmt.Errorf("framework %s: %w", f.Slug, err)
		}
		if title != f.Title {
			r.Fields = append(r.Fields, "title")
		}
		if desc != f.Description {
			r.Fields = append(r.Fields, "description")
		}
		if source != f.Source {
			r.Fields = append(r.Fields, "source")
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT i.code, i.kind, i.title, i.text, IFNULL(p.code, ''),
			(SELECT COUNT(*) FROM mappings m WHERE m.item_id = i.id)
			FROM items i LEFT JOIN items p ON p.id = i.parent_id WHERE i.framework_id = ? ORDER BY i.pos`, fid)
		if err != nil {
			return fmt.Errorf("items of %s: %w", f.Slug, err)
		}
		type row struct {
			it   Item
			used int
		}
		stored, err := collect(rows, func(r *sql.Rows) (row, error) {
			var v row
			return v, r.Scan(&v.it.Code, &v.it.Kind, &v.it.Title, &v.it.Text, &v.it.Parent, &v.used)
		})
		if err != nil {
			return fmt.Errorf("items of %s: %w", f.Slug, err)
		}
		var shipped []Item
		var walk func(parent string, items []*Item)
		walk = func(parent string, items []*Item) {
			for _, it := range items {
				shipped = append(shipped, Item{Code: it.Code, Kind: it.Kind, Title: it.Title, Text: it.Text, Parent: parent})
				walk(it.Code, it.Children)
			}
		}
		walk("", f.Items)
		same := len(shipped) == len(stored)
		for i := 0; same && i < len(shipped); i++ {
			a, b := shipped[i], stored[i].it
			same = a.Code == b.Code && a.Kind == b.Kind && a.Title == b.Title && a.Text == b.Text && a.Parent == b.Parent
		}
		if !same {
			r.Fields = append(r.Fields, "items")
		}
		if len(r.Fields) == 0 {
			r.Action = SyncUnchanged
			return nil
		}
		var dropped []string
		for _, s := range stored {
			if s.used > 0 && !slices.ContainsFunc(shipped, func(it Item) bool { return it.Code == s.it.Code }) {
				dropped = append(dropped, fmt.Sprintf("%s (%d mappings)", s.it.Code, s.used))
			}
		}
		if len(dropped) > 0 {
			r.Action = SyncLeftAlone
			r.Why = "the shipped version drops items that mappings here use: " + strings.Join(dropped, ", ")
			return nil
		}
		r.Action = SyncUpdated
		return t.upsertFramework(ctx, f)
	})
	return r, err
}

// MissingPolicies returns those of slugs the database has never held:
// neither a policy nor the history of a deleted one. One query, cheap
// enough for every start of the server.
func (db *DB) MissingPolicies(ctx context.Context, slugs []string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT slug FROM policies UNION SELECT slug FROM policy_revisions")
	if err != nil {
		return nil, fmt.Errorf("list policy slugs: %w", err)
	}
	have, err := collect(rows, scanString)
	if err != nil {
		return nil, fmt.Errorf("list policy slugs: %w", err)
	}
	known := make(map[string]bool, len(have))
	for _, s := range have {
		known[s] = true
	}
	var out []string
	for _, s := range slugs {
		if !known[s] {
			out = append(out, s)
		}
	}
	return out, nil
}
