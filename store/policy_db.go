package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SaveMode says what SavePolicy may do.
type SaveMode int

const (
	// Upsert creates the policy or updates the one with the same slug.
	Upsert SaveMode = iota
	// CreateOnly refuses with ErrConflict when the slug exists.
	CreateOnly
	// UpdateOnly refuses with ErrNotFound when the slug does not exist.
	UpdateOnly
)

// SaveResult says what a save did.
type SaveResult string

// The outcomes of a save.
const (
	Created   SaveResult = "created"
	Updated   SaveResult = "updated"
	Unchanged SaveResult = "unchanged"
)

// BatchError reports which policy of a batch failed; the batch wrote nothing.
type BatchError struct {
	Index int
	Slug  string
	Err   error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("policy %d (%s): %v", e.Index+1, e.Slug, e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }

// querier is what reads need of *sql.DB and *sql.Tx alike.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SavePolicy validates and writes one policy, its provisions and mappings,
// keeping a revision when anything changed.
func (db *DB) SavePolicy(ctx context.Context, p Policy, mode SaveMode) (SaveResult, error) {
	res, err := db.SavePolicies(ctx, []Policy{p}, mode)
	if err != nil {
		var be *BatchError
		if errors.As(err, &be) {
			return "", be.Err
		}
		return "", err
	}
	return res[0], nil
}

// SavePolicies writes a batch in one transaction: all of it, or, on the
// first invalid policy, nothing (a *BatchError says which).
func (db *DB) SavePolicies(ctx context.Context, ps []Policy, mode SaveMode) ([]SaveResult, error) {
	for i := range ps {
		if err := ps[i].Validate(); err != nil {
			return nil, &BatchError{Index: i, Slug: ps[i].Slug, Err: err}
		}
	}
	out := make([]SaveResult, len(ps))
	err := db.update(ctx, func(t *Tx) error {
		for i, p := range ps {
			res, err := t.savePolicy(ctx, p, mode)
			if err != nil {
				return &BatchError{Index: i, Slug: p.Slug, Err: err}
			}
			out[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (t *Tx) savePolicy(ctx context.Context, p Policy, mode SaveMode) (SaveResult, error) {
	return t.savePolicyKeeping(ctx, p, mode, false)
}

// keepStored is what a save of p keeps of the stored old (exists says
// whether there is one): the lists p leaves out (nil sources, provisions,
// mappings) and, with keepNotes, the status note and notes, and the
// confidence when p carries no sources either (a CSV row carries no
// notes; one made before the sources and confidence columns carries
// neither). The normal save and an import's staging share it, so that
// both write the same record. The caller's mappings slice stays as given.
func keepStored(p, old Policy, exists, keepNotes bool) Policy {
	if exists && keepNotes {
		p.StatusNote, p.Notes = old.StatusNote, old.Notes
		if p.Sources == nil {
			p.Confidence = old.Confidence
		}
	}
	if p.Sources == nil {
		p.Sources = nonNil(old.Sources)
	}
	if p.Provisions == nil {
		p.Provisions = old.Provisions
	}
	if p.Mappings == nil {
		p.Mappings = old.Mappings
	}
	p.Mappings = slices.Clone(p.Mappings)
	return p
}

// savePolicyKeeping is savePolicy; with keepNotes, a policy that exists
// keeps its stored status note and notes (a CSV row carries neither), and,
// when p carries no sources either (a CSV file made before the sources and
// confidence columns), its stored sources and confidence.
func (t *Tx) savePolicyKeeping(ctx context.Context, p Policy, mode SaveMode, keepNotes bool) (SaveResult, error) {
	old, err := loadPolicy(ctx, t.tx, p.Slug)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	switch {
	case exists && mode == CreateOnly:
		return "", fmt.Errorf("policy %s already exists: %w", p.Slug, ErrConflict)
	case !exists && mode == UpdateOnly:
		return "", fmt.Errorf("policy %s: %w", p.Slug, ErrNotFound)
	}
	if exists && p.BaseRev != 0 && p.BaseRev != old.Rev {
		return "", fmt.Errorf("policy %s was saved by someone else meanwhile (now revision %d, edited from %d): %w",
			p.Slug, old.Rev, p.BaseRev, ErrConflict)
	}
	p = keepStored(p, old, exists, keepNotes)
	approved, err := resolveReviews(ctx, old.Mappings, p.Mappings, t.stamp(),
		func(i int) string { return fmt.Sprintf("mappings[%d].reviewed", i) })
	if err != nil {
		return "", err
	}
	p.Jurisdictions = dedupe(p.Jurisdictions)
	p.Topics = dedupe(p.Topics)
	p.Layers = dedupe(p.Layers)
	sources, err := json.Marshal(p.Sources)
	if err != nil {
		return "", fmt.Errorf("encode sources of %s: %w", p.Slug, err)
	}
	if err := t.checkReferences(ctx, &p); err != nil {
		return "", err
	}
	var changed []string
	if exists {
		changed = diffFields(old, p)
		if len(changed) == 0 {
			return Unchanged, nil
		}
	}
	actor := ActorFrom(ctx)
	var uid any
	if actor.UserID != 0 {
		uid = actor.UserID
	}
	var id int64
	err = t.tx.QueryRowContext(ctx, `INSERT INTO policies (slug, title, short_title, issuer, type, status, status_note,
		binding, adopted, in_force, url, language, summary, notes, sources, confidence, created_by, updated_by,
		created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, short_title = excluded.short_title,
		issuer = excluded.issuer, type = excluded.type, status = excluded.status, status_note = excluded.status_note,
		binding = excluded.binding, adopted = excluded.adopted, in_force = excluded.in_force, url = excluded.url,
		language = excluded.language, summary = excluded.summary, notes = excluded.notes,
		sources = excluded.sources, confidence = excluded.confidence, updated_by = excluded.updated_by, updated_at = excluded.updated_at
		RETURNING id`,
		p.Slug, p.Title, p.ShortTitle, p.Issuer, p.Type, p.Status, p.StatusNote, p.Binding, string(p.Adopted),
		string(p.InForce), p.URL, p.Language, p.Summary, p.Notes, string(sources), nullString(p.Confidence), uid, uid,
		t.stamp(), t.stamp()).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("write policy %s: %w", p.Slug, err)
	}
	if err := t.writeLists(ctx, id, p); err != nil {
		return "", err
	}
	if err := t.writeProvisions(ctx, id, p); err != nil {
		return "", err
	}
	mids, err := t.writeMappings(ctx, id, p)
	if err != nil {
		return "", err
	}
	// An approval given with the policy is audited like one given through
	// the review of a single mapping.
	for _, i := range approved {
		if err := t.audit(ctx, "mapping."+ReviewApprove, "mapping/"+strconv.FormatInt(mids[i], 10), reviewDetail(p.Slug, p.Mappings[i])); err != nil {
			return "", err
		}
	}
	if err := t.refreshTerms(ctx, id); err != nil {
		return "", err
	}
	res, action, detail := Created, "policy.create", ""
	if exists {
		res, action, detail = Updated, "policy.update", "changed "+strings.Join(changed, ", ")
	}
	if err := t.revision(ctx, id, p, detail); err != nil {
		return "", err
	}
	if err := t.change(ctx, "policy", p.Slug, "upsert"); err != nil {
		return "", err
	}
	return res, t.audit(ctx, action, "policy/"+p.Slug, detail)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		x = strings.TrimSpace(x)
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// checkReferences refuses jurisdictions, topics and framework items that
// the database does not know, naming the field.
func (t *Tx) checkReferences(ctx context.Context, p *Policy) error {
	return checkReferences(ctx, t.tx, p)
}

// checkReferences is Tx.checkReferences on any reader (an import stages
// policies from a read transaction).
func checkReferences(ctx context.Context, q querier, p *Policy) error {
	pr := problems{}
	exists := func(query string, args ...any) bool {
		var n int
		if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return false
		}
		return n > 0
	}
	for _, j := range p.Jurisdictions {
		if !exists("SELECT COUNT(*) FROM jurisdictions WHERE code = ?", j) {
			pr.add("jurisdictions", fmt.Sprintf("%s is not a known jurisdiction", j))
		}
	}
	for _, tp := range p.Topics {
		if !exists("SELECT COUNT(*) FROM topics WHERE slug = ?", tp) {
			pr.add("topics", fmt.Sprintf("%s is not a known topic", tp))
		}
	}
	for i, v := range p.Provisions {
		for _, tp := range v.Topics {
			if !exists("SELECT COUNT(*) FROM topics WHERE slug = ?", tp) {
				pr.add(fmt.Sprintf("provisions[%d].topics", i), fmt.Sprintf("%s is not a known topic", tp))
			}
		}
	}
	refs := map[string]bool{}
	for _, v := range p.Provisions {
		refs[v.Ref] = true
	}
	for i, m := range p.Mappings {
		if !exists("SELECT COUNT(*) FROM items i JOIN frameworks f ON f.id = i.framework_id WHERE f.slug = ? AND i.code = ?", m.Framework, m.Item) {
			pr.add(fmt.Sprintf("mappings[%d].item", i), fmt.Sprintf("%s is not an item of framework %s", m.Item, m.Framework))
		}
		if m.Provision != "" && !refs[m.Provision] {
			pr.add(fmt.Sprintf("mappings[%d].provision", i), fmt.Sprintf("Provision %s is not one of this policy's provisions", m.Provision))
		}
	}
	return pr.err()
}

// comparable returns the parts of a policy that a save can change, in a
// form that reflect.DeepEqual can compare.
func comparable(p Policy) map[string]any {
	b, _ := json.Marshal(p)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "created_at")
	delete(m, "updated_at")
	if ms, ok := m["mappings"].([]any); ok {
		for _, x := range ms {
			if mm, ok := x.(map[string]any); ok {
				delete(mm, "id")
				delete(mm, "policy")
			}
		}
	}
	for _, k := range []string{"provisions", "mappings", "sources"} {
		if m[k] == nil {
			m[k] = []any{}
		}
	}
	// Topics and layers are sets: they are read back in vocabulary order,
	// so the order they were given in is no change.
	sortSet(m, "topics")
	sortSet(m, "layers")
	if vs, ok := m["provisions"].([]any); ok {
		for _, v := range vs {
			if vm, ok := v.(map[string]any); ok {
				sortSet(vm, "topics")
			}
		}
	}
	return m
}

func sortSet(m map[string]any, key string) {
	xs, ok := m[key].([]any)
	if !ok {
		return
	}
	sort.Slice(xs, func(i, j int) bool { return fmt.Sprint(xs[i]) < fmt.Sprint(xs[j]) })
}

// diffFields names the JSON fields that differ between two policies.
func diffFields(a, b Policy) []string {
	ma, mb := comparable(a), comparable(b)
	var out []string
	for k, v := range mb {
		if !reflect.DeepEqual(ma[k], v) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (t *Tx) writeLists(ctx context.Context, id int64, p Policy) error {
	for _, q := range []string{"DELETE FROM policy_jurisdictions WHERE policy_id = ?",
		"DELETE FROM policy_topics WHERE policy_id = ?", "DELETE FROM policy_layers WHERE policy_id = ?"} {
		if _, err := t.exec(ctx, q, id); err != nil {
			return fmt.Errorf("clear lists of %s: %w", p.Slug, err)
		}
	}
	for i, j := range p.Jurisdictions {
		if _, err := t.exec(ctx, "INSERT INTO policy_jurisdictions (policy_id, jurisdiction, pos) VALUES (?, ?, ?)", id, j, i); err != nil {
			return fmt.Errorf("write jurisdiction %s of %s: %w", j, p.Slug, err)
		}
	}
	for _, tp := range p.Topics {
		if _, err := t.exec(ctx, "INSERT INTO policy_topics (policy_id, topic) VALUES (?, ?)", id, tp); err != nil {
			return fmt.Errorf("write topic %s of %s: %w", tp, p.Slug, err)
		}
	}
	for _, l := range p.Layers {
		if _, err := t.exec(ctx, "INSERT INTO policy_layers (policy_id, layer) VALUES (?, ?)", id, l); err != nil {
			return fmt.Errorf("write layer %s of %s: %w", l, p.Slug, err)
		}
	}
	return nil
}

// writeProvisions upserts provisions by reference so that their ids, and
// the mappings that point at them, survive an edit.
func (t *Tx) writeProvisions(ctx context.Context, id int64, p Policy) error {
	refs := make([]string, 0, len(p.Provisions))
	for i, v := range p.Provisions {
		var vid int64
		err := t.tx.QueryRowContext(ctx, `INSERT INTO provisions (policy_id, ref, label, title, text, source, topics_reviewed, pos)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (policy_id, ref) DO UPDATE SET label = excluded.label, title = excluded.title, text = excluded.text,
			source = excluded.source, topics_reviewed = excluded.topics_reviewed, pos = excluded.pos
			RETURNING id`, id, v.Ref, v.Label, v.Title, v.Text, v.Source, v.TopicsReviewed, i).Scan(&vid)
		if err != nil {
			return fmt.Errorf("write provision %s of %s: %w", v.Ref, p.Slug, err)
		}
		if _, err := t.exec(ctx, "DELETE FROM provision_topics WHERE provision_id = ?", vid); err != nil {
			return fmt.Errorf("write provision %s of %s: %w", v.Ref, p.Slug, err)
		}
		for _, tp := range dedupe(v.Topics) {
			if _, err := t.exec(ctx, "INSERT INTO provision_topics (provision_id, topic) VALUES (?, ?)", vid, tp); err != nil {
				return fmt.Errorf("write provision %s of %s: %w", v.Ref, p.Slug, err)
			}
		}
		refs = append(refs, v.Ref)
	}
	args := append([]any{id}, anys(refs)...)
	if _, err := t.exec(ctx, "DELETE FROM provisions WHERE policy_id = ? AND ref NOT IN ("+placeholders(len(refs))+")", args...); err != nil {
		return fmt.Errorf("prune provisions of %s: %w", p.Slug, err)
	}
	return nil
}

// writeMappings upserts mappings by (provision, item) and removes the rest.
// It returns the id of each mapping of p, in order.
func (t *Tx) writeMappings(ctx context.Context, id int64, p Policy) ([]int64, error) {
	keep := []any{id}
	mids := make([]int64, 0, len(p.Mappings))
	for _, m := range p.Mappings {
		var strength any
		if m.Strength > 0 {
			strength = m.Strength
		}
		var mid int64
		// Authors and review state come from resolveReviews.
		err := t.tx.QueryRowContext(ctx, `INSERT INTO mappings (policy_id, provision_id, item_id, relationship, strength,
			rationale, evidence, reviewed, rejected, reviewed_by, reviewed_at, review_note, created_by, updated_by,
			created_at, updated_at)
			SELECT ?, (SELECT id FROM provisions WHERE policy_id = ? AND ref = ?), i.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
			FROM items i JOIN frameworks f ON f.id = i.framework_id WHERE f.slug = ? AND i.code = ?
			ON CONFLICT (policy_id, IFNULL(provision_id, 0), item_id) DO UPDATE SET relationship = excluded.relationship,
			strength = excluded.strength, rationale = excluded.rationale, evidence = excluded.evidence,
			reviewed = excluded.reviewed, rejected = excluded.rejected, reviewed_by = excluded.reviewed_by,
			reviewed_at = excluded.reviewed_at, review_note = excluded.review_note, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at
			RETURNING id`,
			id, id, m.Provision, m.Relationship, strength, m.Rationale, m.Evidence, m.Reviewed, m.Rejected,
			nullID(m.ReviewedByID), m.ReviewedAt, m.ReviewNote, nullID(m.CreatedBy), nullID(m.UpdatedBy),
			t.stamp(), t.stamp(), m.Framework, m.Item).Scan(&mid)
		if err != nil {
			return nil, fmt.Errorf("write mapping of %s to %s/%s: %w", p.Slug, m.Framework, m.Item, err)
		}
		keep = append(keep, mid)
		mids = append(mids, mid)
	}
	q := "DELETE FROM mappings WHERE policy_id = ?"
	if len(keep) > 1 {
		q += " AND id NOT IN (" + placeholders(len(keep)-1) + ")"
	}
	if _, err := t.exec(ctx, q, keep...); err != nil {
		return nil, fmt.Errorf("prune mappings of %s: %w", p.Slug, err)
	}
	return mids, nil
}

// nullString stores "" as NULL, for columns where NULL means not known.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// refreshTerms rewrites the derived facet rows of one policy.
func (t *Tx) refreshTerms(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, "DELETE FROM policy_terms WHERE policy_id = ?", id); err != nil {
		return fmt.Errorf("clear terms: %w", err)
	}
	_, err := t.exec(ctx, `INSERT OR IGNORE INTO policy_terms (policy_id, facet, value)
		SELECT id, 'type', type FROM policies WHERE id = ?1
		UNION ALL SELECT id, 'status', status FROM policies WHERE id = ?1 AND status <> ''
		UNION ALL SELECT id, 'binding', binding FROM policies WHERE id = ?1 AND binding <> ''
		UNION ALL SELECT id, 'year', substr(adopted, 1, 4) FROM policies WHERE id = ?1 AND adopted <> ''
		UNION ALL SELECT policy_id, 'jurisdiction', jurisdiction FROM policy_jurisdictions WHERE policy_id = ?1
		UNION ALL SELECT pj.policy_id, 'region', j.region FROM policy_jurisdictions pj
			JOIN jurisdictions j ON j.code = pj.jurisdiction WHERE pj.policy_id = ?1 AND j.region <> ''
		UNION ALL SELECT policy_id, 'topic', topic FROM policy_topics WHERE policy_id = ?1
		UNION ALL SELECT policy_id, 'layer', layer FROM policy_layers WHERE policy_id = ?1
		UNION ALL SELECT m.policy_id, 'challenge', i.code FROM mappings m JOIN items i ON i.id = m.item_id
			WHERE m.policy_id = ?1 AND m.relationship <> 'not-related' AND NOT m.rejected
		UNION ALL SELECT m.policy_id, 'reviewed', i.code FROM mappings m JOIN items i ON i.id = m.item_id
			WHERE m.policy_id = ?1 AND m.relationship <> 'not-related' AND m.reviewed AND NOT m.rejected`, id)
	if err != nil {
		return fmt.Errorf("write terms: %w", err)
	}
	return nil
}

// refreshAllTerms rewrites the facet rows of every policy, after a change
// that touches many (a framework's items).
func (t *Tx) refreshAllTerms(ctx context.Context) error {
	rows, err := t.tx.QueryContext(ctx, "SELECT id FROM policies")
	if err != nil {
		return fmt.Errorf("list policies: %w", err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("list policies: %w", err)
	}
	for _, id := range ids {
		if err := t.refreshTerms(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) revision(ctx context.Context, id int64, p Policy, note string) error {
	snap, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", p.Slug, err)
	}
	_, err = t.exec(ctx, `INSERT INTO policy_revisions (policy_id, slug, rev, snapshot, user_id, note, created_at)
		VALUES (?, ?, (SELECT IFNULL(MAX(rev), 0) + 1 FROM policy_revisions WHERE slug = ?), ?, ?, ?, ?)`,
		nullID(id), p.Slug, p.Slug, string(snap), nullID(ActorFrom(ctx).UserID), note, t.stamp())
	if err != nil {
		return fmt.Errorf("revision of %s: %w", p.Slug, err)
	}
	return nil
}

// DeletePolicy removes a policy with its provisions and mappings; its
// revisions stay, ending with the deletion.
func (db *DB) DeletePolicy(ctx context.Context, slug string) error {
	return db.update(ctx, func(t *Tx) error {
		p, err := loadPolicy(ctx, t.tx, slug)
		if err != nil {
			return err
		}
		if err := t.revision(ctx, 0, p, "deleted"); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DELETE FROM policies WHERE slug = ?", slug); err != nil {
			return fmt.Errorf("delete policy %s: %w", slug, err)
		}
		if err := t.change(ctx, "policy", slug, "delete"); err != nil {
			return err
		}
		return t.audit(ctx, "policy.delete", "policy/"+slug, "")
	})
}

const policyColumns = `p.id, p.slug, p.title, p.short_title, p.issuer, p.type, p.status, p.status_note, p.binding,
	p.adopted, p.in_force, p.url, p.language, p.summary, p.notes, p.sources, IFNULL(p.confidence, ''), p.created_at, p.updated_at,
	IFNULL((SELECT CASE WHEN name <> '' THEN name ELSE email END FROM users WHERE id = p.created_by), ''),
	IFNULL((SELECT CASE WHEN name <> '' THEN name ELSE email END FROM users WHERE id = p.updated_by), '')`

func scanPolicy(r interface{ Scan(...any) error }) (int64, Policy, error) {
	var p Policy
	var id int64
	var adopted, inForce, sources, created, updated string
	err := r.Scan(&id, &p.Slug, &p.Title, &p.ShortTitle, &p.Issuer, &p.Type, &p.Status, &p.StatusNote, &p.Binding,
		&adopted, &inForce, &p.URL, &p.Language, &p.Summary, &p.Notes, &sources, &p.Confidence, &created, &updated,
		&p.CreatedBy, &p.UpdatedBy)
	if err != nil {
		return id, p, err
	}
	p.Adopted, p.InForce = Date(adopted), Date(inForce)
	if err := json.Unmarshal([]byte(sources), &p.Sources); err != nil {
		return id, p, fmt.Errorf("sources of %s: %w", p.Slug, err)
	}
	p.Sources = nonNil(p.Sources)
	p.CreatedAt, _ = time.Parse(time.RFC3339, created)
	p.UpdatedAt, _ = time.Parse(time.RFC3339, updated)
	return id, p, err
}

// Policy returns one policy with its provisions and mappings.
func (db *DB) Policy(ctx context.Context, slug string) (Policy, error) {
	return loadPolicy(ctx, db.read, slug)
}

func loadPolicy(ctx context.Context, q querier, slug string) (Policy, error) {
	id, p, err := scanPolicy(q.QueryRowContext(ctx, "SELECT "+policyColumns+" FROM policies p WHERE p.slug = ?", slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Policy{}, fmt.Errorf("policy %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Policy{}, fmt.Errorf("policy %s: %w", slug, err)
	}
	byID := map[int64]*Policy{id: &p}
	if err := fillLists(ctx, q, byID); err != nil {
		return Policy{}, err
	}
	if err := q.QueryRowContext(ctx, "SELECT IFNULL(MAX(rev), 0) FROM policy_revisions WHERE slug = ?", slug).Scan(&p.Rev); err != nil {
		return Policy{}, fmt.Errorf("revision of %s: %w", slug, err)
	}
	rows, err := q.QueryContext(ctx, "SELECT id, ref, label, title, text, source, topics_reviewed FROM provisions WHERE policy_id = ? ORDER BY pos", id)
	if err != nil {
		return Policy{}, fmt.Errorf("provisions of %s: %w", slug, err)
	}
	type prov struct {
		id int64
		Provision
	}
	provs, err := collect(rows, func(r *sql.Rows) (prov, error) {
		var v prov
		return v, r.Scan(&v.id, &v.Ref, &v.Label, &v.Title, &v.Text, &v.Source, &v.TopicsReviewed)
	})
	if err != nil {
		return Policy{}, fmt.Errorf("provisions of %s: %w", slug, err)
	}
	p.Provisions = make([]Provision, 0, len(provs))
	for _, v := range provs {
		tr, err := q.QueryContext(ctx, "SELECT topic FROM provision_topics WHERE provision_id = ? ORDER BY topic", v.id)
		if err != nil {
			return Policy{}, fmt.Errorf("provision topics of %s: %w", slug, err)
		}
		v.Topics, err = collect(tr, scanString)
		if err != nil {
			return Policy{}, fmt.Errorf("provision topics of %s: %w", slug, err)
		}
		p.Provisions = append(p.Provisions, v.Provision)
	}
	mrows, err := q.QueryContext(ctx, mappingSelect+"WHERE m.policy_id = ? ORDER BY f.id, i.pos, IFNULL(v.pos, -1)", id)
	if err != nil {
		return Policy{}, fmt.Errorf("mappings of %s: %w", slug, err)
	}
	if p.Mappings, err = collect(mrows, scanMapping); err != nil {
		return Policy{}, fmt.Errorf("mappings of %s: %w", slug, err)
	}
	if p.Mappings == nil {
		p.Mappings = []Mapping{}
	}
	return p, nil
}

// fillLists loads the jurisdictions, topics and layers of the given policies.
func fillLists(ctx context.Context, q querier, byID map[int64]*Policy) error {
	if len(byID) == 0 {
		return nil
	}
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	in := "(" + placeholders(len(ids)) + ")"
	lists := []struct {
		query string
		dst   func(*Policy) *[]string
	}{
		{"SELECT policy_id, jurisdiction FROM policy_jurisdictions WHERE policy_id IN " + in + " ORDER BY policy_id, pos",
			func(p *Policy) *[]string { return &p.Jurisdictions }},
		{"SELECT t.policy_id, t.topic FROM policy_topics t JOIN topics tp ON tp.slug = t.topic WHERE t.policy_id IN " + in + " ORDER BY t.policy_id, tp.pos",
			func(p *Policy) *[]string { return &p.Topics }},
		{"SELECT policy_id, layer FROM policy_layers WHERE policy_id IN " + in +
			" ORDER BY policy_id, CASE layer WHEN 'device' THEN 1 WHEN 'network' THEN 2 WHEN 'service' THEN 3 ELSE 4 END",
			func(p *Policy) *[]string { return &p.Layers }},
	}
	for _, l := range lists {
		for _, p := range byID {
			*l.dst(p) = []string{}
		}
		rows, err := q.QueryContext(ctx, l.query, ids...)
		if err != nil {
			return fmt.Errorf("load policy lists: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return fmt.Errorf("load policy lists: %w", err)
			}
			dst := l.dst(byID[id])
			*dst = append(*dst, v)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("load policy lists: %w", err)
		}
	}
	return nil
}

// FacetNames are the facets a policy list can be filtered and counted by.
var FacetNames = []string{"jurisdiction", "region", "type", "status", "binding", "topic", "layer", "challenge", "year"}

// PolicyFilter selects and orders a page of policies. Within a facet the
// values are alternatives; across facets all must hold.
type PolicyFilter struct {
	// Query is the words the list is filtered by. With Within nil they
	// are matched here, each as a substring of a title, summary, issuer
	// or slug; callers with a search index resolve them there and pass
	// the matches as Within.
	Query string
	// Within, when not nil, restricts the list to these slugs, in order
	// of relevance (best first); Query is then not matched again.
	Within []string
	Facets map[string][]string
	// Sort is title (the default without Within), relevance (the default
	// with Within: Within's order; title without it), newest, oldest or
	// updated.
	Sort    string
	Page    int // from 1
	PerPage int
	// Reviewed restricts the challenge facet to reviewed mappings.
	Reviewed bool
}

// FacetCount is how many policies of a list carry one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// PolicyList is one page of policies with the facet counts of the whole list.
type PolicyList struct {
	Items   []Policy
	Total   int
	Facets  map[string][]FacetCount
	Page    int
	PerPage int
}

// Sorts are the orders a policy list accepts.
var Sorts = []string{"title", "relevance", "newest", "oldest", "updated"}

// where builds the WHERE clause of a filter, leaving out one facet (for
// that facet's own counts: each count is then the size of the list one
// gets by choosing that value instead).
func (f PolicyFilter) where(skip string) (string, []any) {
	conds := []string{"1"}
	var args []any
	for _, name := range FacetNames {
		vals := f.Facets[name]
		if name == skip || len(vals) == 0 {
			continue
		}
		facet := name
		if name == "challenge" && f.Reviewed {
			facet = "reviewed"
		}
		conds = append(conds, "p.id IN (SELECT policy_id FROM policy_terms WHERE facet = ? AND value IN ("+placeholders(len(vals))+"))")
		args = append(args, facet)
		args = append(args, anys(vals)...)
	}
	if f.Within != nil {
		within, _ := json.Marshal(f.Within) // a []string always marshals
		conds = append(conds, "p.slug IN (SELECT value FROM json_each(?))")
		args = append(args, string(within))
		return strings.Join(conds, " AND "), args
	}
	for _, w := range strings.Fields(f.Query) {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(w) + "%"
		conds = append(conds, `(p.title LIKE ?1 ESCAPE '\' OR p.short_title LIKE ?1 ESCAPE '\' OR p.summary LIKE ?1 ESCAPE '\'
			OR p.issuer LIKE ?1 ESCAPE '\' OR p.slug LIKE ?1 ESCAPE '\')`)
		conds[len(conds)-1] = strings.ReplaceAll(conds[len(conds)-1], "?1", "?"+strconv.Itoa(len(args)+1))
		args = append(args, like)
	}
	return strings.Join(conds, " AND "), args
}

// Policies returns one page of the policies the filter selects, with facet
// counts.
func (db *DB) Policies(ctx context.Context, f PolicyFilter) (PolicyList, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 {
		f.PerPage = 20
	}
	list := PolicyList{Page: f.Page, PerPage: f.PerPage, Facets: map[string][]FacetCount{}, Items: []Policy{}}
	where, args := f.where("")
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM policies p WHERE "+where, args...).Scan(&list.Total); err != nil {
		return list, fmt.Errorf("count policies: %w", err)
	}
	if f.Within != nil && (f.Sort == "" || f.Sort == "relevance") {
		page, err := db.relevantPage(ctx, f, where, args)
		if err != nil {
			return list, err
		}
		where, args = "p.slug IN (SELECT value FROM json_each(?))", []any{page}
		f.Page = 1 // the page's slugs are chosen; the query below reads them whole
	}
	order := map[string]string{
		"title":   "p.title COLLATE NOCASE",
		"newest":  "p.adopted DESC, p.title COLLATE NOCASE",
		"oldest":  "p.adopted = '', p.adopted, p.title COLLATE NOCASE",
		"updated": "p.updated_at DESC, p.id DESC",
	}[f.Sort]
	if order == "" {
		order = "p.title COLLATE NOCASE"
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+policyColumns+" FROM policies p WHERE "+where+
		" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return list, fmt.Errorf("list policies: %w", err)
	}
	byID := map[int64]*Policy{}
	var order2 []int64
	for rows.Next() {
		id, p, err := scanPolicy(rows)
		if err != nil {
			rows.Close()
			return list, fmt.Errorf("list policies: %w", err)
		}
		byID[id] = &p
		order2 = append(order2, id)
	}
	if err := rows.Close(); err != nil {
		return list, fmt.Errorf("list policies: %w", err)
	}
	if err := fillLists(ctx, db.read, byID); err != nil {
		return list, err
	}
	for _, id := range order2 {
		list.Items = append(list.Items, *byID[id])
	}
	if f.Within != nil && (f.Sort == "" || f.Sort == "relevance") {
		rank := make(map[string]int, len(f.Within))
		for i, slug := range f.Within {
			if _, ok := rank[slug]; !ok {
				rank[slug] = i
			}
		}
		slices.SortStableFunc(list.Items, func(a, b Policy) int { return rank[a.Slug] - rank[b.Slug] })
	}
	for _, name := range FacetNames {
		where, args := f.where(name)
		facet := name
		if name == "challenge" && f.Reviewed {
			facet = "reviewed"
		}
		rows, err := db.read.QueryContext(ctx, `SELECT value, COUNT(*) FROM policy_terms
			WHERE facet = ? AND policy_id IN (SELECT p.id FROM policies p WHERE `+where+`)
			GROUP BY value ORDER BY COUNT(*) DESC, value`, append([]any{facet}, args...)...)
		if err != nil {
			return list, fmt.Errorf("count facet %s: %w", name, err)
		}
		counts, err := collect(rows, func(r *sql.Rows) (FacetCount, error) {
			var c FacetCount
			return c, r.Scan(&c.Value, &c.Count)
		})
		if err != nil {
			return list, fmt.Errorf("count facet %s: %w", name, err)
		}
		if counts == nil {
			counts = []FacetCount{}
		}
		list.Facets[name] = counts
	}
	return list, nil
}

// relevantPage returns, as a JSON array, the slugs of one page of a list
// ordered by relevance: Within's order, kept to the policies the filter's
// WHERE clause selects.
func (db *DB) relevantPage(ctx context.Context, f PolicyFilter, where string, args []any) (string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT p.slug FROM policies p WHERE "+where, args...)
	if err != nil {
		return "", fmt.Errorf("list policies by relevance: %w", err)
	}
	slugs, err := collect(rows, scanString)
	if err != nil {
		return "", fmt.Errorf("list policies by relevance: %w", err)
	}
	in := make(map[string]bool, len(slugs))
	for _, s := range slugs {
		in[s] = true
	}
	var ordered []string
	for _, s := range f.Within {
		if in[s] {
			ordered = append(ordered, s)
			in[s] = false // once
		}
	}
	from := min((f.Page-1)*f.PerPage, len(ordered))
	page, _ := json.Marshal(append([]string{}, ordered[from:min(from+f.PerPage, len(ordered))]...))
	return string(page), nil
}

// Stats are the headline counts of the knowledge base.
type Stats struct {
	Policies      int
	Provisions    int
	Jurisdictions int
	Mappings      int
	Frameworks    int
	// Comments counts the approved comments, the ones the public reads.
	Comments int
}

// Stats counts what the knowledge base holds.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM policies), (SELECT COUNT(*) FROM provisions),
		(SELECT COUNT(DISTINCT jurisdiction) FROM policy_jurisdictions), (SELECT COUNT(*) FROM mappings),
		(SELECT COUNT(*) FROM frameworks), (SELECT COUNT(*) FROM comments WHERE state = 'approved')`).
		Scan(&s.Policies, &s.Provisions, &s.Jurisdictions, &s.Mappings, &s.Frameworks, &s.Comments)
	if err != nil {
		return s, fmt.Errorf("stats: %w", err)
	}
	return s, nil
}

// Revision is one saved state of a policy.
type Revision struct {
	Rev    int
	Policy Policy
	Author string
	Note   string
	At     time.Time
}

// PolicyRevisions lists a policy's revisions, newest first; they outlive a
// deleted policy.
func (db *DB) PolicyRevisions(ctx context.Context, slug string) ([]Revision, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.rev, r.snapshot, IFNULL(u.email, ''), r.note, r.created_at
		FROM policy_revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.slug = ? ORDER BY r.rev DESC`, slug)
	if err != nil {
		return nil, fmt.Errorf("revisions of %s: %w", slug, err)
	}
	revs, err := collect(rows, func(r *sql.Rows) (Revision, error) {
		var v Revision
		var snap, at string
		if err := r.Scan(&v.Rev, &snap, &v.Author, &v.Note, &at); err != nil {
			return v, err
		}
		v.At, _ = time.Parse(time.RFC3339, at)
		if err := json.Unmarshal([]byte(snap), &v.Policy); err != nil {
			return v, err
		}
		// Snapshots taken before policies had sources read as having none.
		v.Policy.Sources = nonNil(v.Policy.Sources)
		return v, nil
	})
	if err != nil {
		return nil, fmt.Errorf("revisions of %s: %w", slug, err)
	}
	if len(revs) == 0 {
		return nil, fmt.Errorf("revisions of %s: %w", slug, ErrNotFound)
	}
	return revs, nil
}

// RelatedPolicies lists up to n other policies that share the most mapped
// items and topics with the given one.
func (db *DB) RelatedPolicies(ctx context.Context, slug string, n int) ([]Policy, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+policyColumns+` FROM policies p JOIN (
		SELECT b.policy_id AS id, COUNT(*) AS shared FROM policy_terms a
		JOIN policy_terms b ON b.facet = a.facet AND b.value = a.value AND b.policy_id <> a.policy_id
		WHERE a.policy_id = (SELECT id FROM policies WHERE slug = ?) AND a.facet IN ('challenge', 'topic')
		GROUP BY b.policy_id) r ON r.id = p.id
		ORDER BY r.shared DESC, p.title COLLATE NOCASE LIMIT ?`, slug, n)
	if err != nil {
		return nil, fmt.Errorf("related to %s: %w", slug, err)
	}
	byID := map[int64]*Policy{}
	var ids []int64
	for rows.Next() {
		id, p, err := scanPolicy(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("related to %s: %w", slug, err)
		}
		byID[id] = &p
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("related to %s: %w", slug, err)
	}
	if err := fillLists(ctx, db.read, byID); err != nil {
		return nil, err
	}
	out := make([]Policy, 0, len(ids))
	for _, id := range ids {
		out = append(out, *byID[id])
	}
	return out, nil
}
