package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// stagingLife is how long the rows of an import that never finished are
// kept before the next import clears them.
const stagingLife = 24 * time.Hour

// StagedPolicy is one checked policy to stage for an import.
type StagedPolicy struct {
	Policy Policy
	// Line is where the policy starts in its file, for messages.
	Line int
	// KeepNotes keeps a stored policy's status note and notes, for formats
	// that carry neither (CSV).
	KeepNotes bool
}

// StagedError says which policy the store refused when staging or
// applying an import; nothing of the import was applied.
type StagedError struct {
	Line int
	Slug string
	Err  error
}

func (e *StagedError) Error() string {
	return fmt.Sprintf("line %d (%s): %v", e.Line, e.Slug, e.Err)
}

func (e *StagedError) Unwrap() error { return e.Err }

// StaleImportError refuses the swap of an import: a policy it staged was
// written by someone else (saved, deleted, a mapping reviewed) after the
// import worked out what to write for it, so applying the staged rows
// would silently overwrite that change with a revision computed from the
// state before it. Nothing of the import is applied; importing the file
// again works from the new state. It wraps ErrConflict.
type StaleImportError struct {
	Line int
	Slug string
}

func (e *StaleImportError) Error() string {
	return fmt.Sprintf("policy %s was changed by someone else while the file was being imported; nothing was saved: import the file again", e.Slug)
}

func (e *StaleImportError) Unwrap() error { return ErrConflict }

// PolicyImport is a large import in progress. Stage works out, a batch at
// a time, everything a save of each policy would write (ids resolved,
// revision, field diff, changes-feed entry, audit event, child rows),
// reading the live tables in a read transaction and writing the result to
// row-shaped staging tables in a short write transaction. Apply then swaps
// the staged rows in with a few set-based statements in one short write
// transaction, so that another process writing to the database waits for
// that alone, whatever the size of the file.
type PolicyImport struct {
	db    *DB
	token string
	n     int
}

// BeginPolicyImport starts a staged import, first clearing what imports
// that died long ago left behind.
func (db *DB) BeginPolicyImport(ctx context.Context) (*PolicyImport, error) {
	token, err := newSecret()
	if err != nil {
		return nil, err
	}
	old, err := db.staleImports(ctx)
	if err != nil {
		return nil, err
	}
	for _, tok := range old {
		if err := (&PolicyImport{db: db, token: tok}).Discard(ctx); err != nil {
			return nil, err
		}
	}
	return &PolicyImport{db: db, token: token}, nil
}

// staleImports lists the tokens of imports staged more than stagingLife
// ago, which a process that died left behind.
func (db *DB) staleImports(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT DISTINCT token FROM import_results WHERE created_at < ?",
		stampOf(db.Now().Add(-stagingLife)))
	if err != nil {
		return nil, fmt.Errorf("list old imports: %w", err)
	}
	return collect(rows, scanString)
}

// stagedRows is what a save would write for one policy, keyed by its place
// in the file (seq) instead of ids.
type stagedRows struct {
	seq     int
	line    int
	slug    string
	result  SaveResult
	baseRev int
	// The rest is empty when result is Unchanged.
	policy   Policy
	uid      any
	items    []int64 // the item id of each mapping
	snapshot string
	note     string
	action   string
}

// Stage works out what saving each policy of the batch would write and
// stages it. The live tables are read in one read transaction, so the
// server beside the import is not held up; the staged rows are written in
// one write transaction. A policy the store refuses (a reference it does
// not know) is a *StagedError, and nothing of the import is applied.
func (pi *PolicyImport) Stage(ctx context.Context, batch []StagedPolicy) error {
	var staged []stagedRows
	var baseSeq int64
	err := pi.db.view(ctx, func(q *sql.Tx) error {
		// The feed's high-water mark first: every change to a policy read
		// below has a seq at most this, and any later one a greater seq.
		if err := q.QueryRowContext(ctx, "SELECT IFNULL(MAX(seq), 0) FROM changes").Scan(&baseSeq); err != nil {
			return fmt.Errorf("read changes feed: %w", err)
		}
		items := map[string]int64{}
		staged = make([]stagedRows, 0, len(batch))
		for i, s := range batch {
			r, err := prepareStaged(ctx, q, s, items, pi.db.Now().UTC())
			if err != nil {
				return &StagedError{Line: s.Line, Slug: s.Policy.Slug, Err: err}
			}
			r.seq, r.line = pi.n+i, s.Line
			staged = append(staged, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = pi.db.update(ctx, func(t *Tx) error { return pi.writeStaged(ctx, t, staged, baseSeq) })
	if err != nil {
		return fmt.Errorf("stage import: %w", err)
	}
	pi.n += len(batch)
	return nil
}

// prepareStaged is savePolicyKeeping in Upsert mode up to the point where
// it writes: it reads the stored policy through q and works out the
// outcome and the rows to write.
func prepareStaged(ctx context.Context, q querier, s StagedPolicy, items map[string]int64, now time.Time) (stagedRows, error) {
	p := s.Policy
	r := stagedRows{slug: p.Slug}
	if err := q.QueryRowContext(ctx, "SELECT IFNULL(MAX(rev), 0) FROM policy_revisions WHERE slug = ?", p.Slug).Scan(&r.baseRev); err != nil {
		return r, fmt.Errorf("revision of %s: %w", p.Slug, err)
	}
	old, err := loadPolicy(ctx, q, p.Slug)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return r, err
	}
	if exists && p.BaseRev != 0 && p.BaseRev != old.Rev {
		return r, fmt.Errorf("policy %s was saved by someone else meanwhile (now revision %d, edited from %d): %w",
			p.Slug, old.Rev, p.BaseRev, ErrConflict)
	}
	p = keepStored(p, old, exists, s.KeepNotes)
	// An import never reviews (a mapping it leaves unchanged keeps its
	// review), so resolveReviews approves nothing here and there is no
	// approval to audit, which would need the mapping's id.
	for i := range p.Mappings {
		p.Mappings[i].Reviewed = false
	}
	if _, err := resolveReviews(ctx, old.Mappings, p.Mappings, stampOf(now),
		func(i int) string { return fmt.Sprintf("mappings[%d].reviewed", i) }); err != nil {
		return r, err
	}
	p.Jurisdictions = dedupe(p.Jurisdictions)
	p.Topics = dedupe(p.Topics)
	p.Layers = dedupe(p.Layers)
	if err := checkReferences(ctx, q, &p); err != nil {
		return r, err
	}
	r.result, r.action = Created, "policy.create"
	if exists {
		changed := diffFields(old, p)
		if len(changed) == 0 {
			r.result = Unchanged
			return r, nil
		}
		r.result, r.action, r.note = Updated, "policy.update", "changed "+strings.Join(changed, ", ")
	}
	for _, m := range p.Mappings {
		key := m.Framework + "\x00" + m.Item
		id, ok := items[key]
		if !ok {
			err := q.QueryRowContext(ctx, "SELECT i.id FROM items i JOIN frameworks f ON f.id = i.framework_id WHERE f.slug = ? AND i.code = ?",
				m.Framework, m.Item).Scan(&id)
			if err != nil {
				return r, fmt.Errorf("item %s/%s: %w", m.Framework, m.Item, err)
			}
			items[key] = id
		}
		r.items = append(r.items, id)
	}
	snap, err := json.Marshal(p)
	if err != nil {
		return r, fmt.Errorf("snapshot %s: %w", p.Slug, err)
	}
	r.snapshot = string(snap)
	r.policy = p
	r.uid = nullID(ActorFrom(ctx).UserID)
	return r, nil
}

// writeStaged writes the rows of one batch to the staging tables.
func (pi *PolicyImport) writeStaged(ctx context.Context, t *Tx, staged []stagedRows, baseSeq int64) error {
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	exec := func(q string, args ...any) error {
		s, ok := stmts[q]
		if !ok {
			var err error
			if s, err = t.tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			stmts[q] = s
		}
		_, err := s.ExecContext(ctx, args...)
		return err
	}
	a := ActorFrom(ctx)
	tok := pi.token
	for _, r := range staged {
		err := exec(`INSERT INTO import_results (token, seq, slug, line, result, base_rev, base_seq, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tok, r.seq, r.slug, r.line, string(r.result), r.baseRev, baseSeq, t.stamp())
		if err != nil {
			return fmt.Errorf("stage %s: %w", r.slug, err)
		}
		if r.result == Unchanged {
			continue
		}
		p := r.policy
		sources, err := json.Marshal(nonNil(p.Sources))
		if err != nil {
			return fmt.Errorf("stage %s: encode sources: %w", p.Slug, err)
		}
		err = exec(`INSERT INTO import_policies (token, seq, slug, title, short_title, issuer, type, status, status_note,
			binding, adopted, in_force, url, language, summary, notes, sources, confidence, created_by, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			tok, r.seq, p.Slug, p.Title, p.ShortTitle, p.Issuer, p.Type, p.Status, p.StatusNote, p.Binding,
			string(p.Adopted), string(p.InForce), p.URL, p.Language, p.Summary, p.Notes, string(sources),
			nullString(p.Confidence), r.uid, r.uid)
		if err != nil {
			return fmt.Errorf("stage %s: %w", p.Slug, err)
		}
		for i, j := range p.Jurisdictions {
			if err := exec("INSERT INTO import_policy_jurisdictions (token, seq, jurisdiction, pos) VALUES (?, ?, ?, ?)", tok, r.seq, j, i); err != nil {
				return fmt.Errorf("stage jurisdiction %s of %s: %w", j, p.Slug, err)
			}
		}
		for _, tp := range p.Topics {
			if err := exec("INSERT INTO import_policy_topics (token, seq, topic) VALUES (?, ?, ?)", tok, r.seq, tp); err != nil {
				return fmt.Errorf("stage topic %s of %s: %w", tp, p.Slug, err)
			}
		}
		for _, l := range p.Layers {
			if err := exec("INSERT INTO import_policy_layers (token, seq, layer) VALUES (?, ?, ?)", tok, r.seq, l); err != nil {
				return fmt.Errorf("stage layer %s of %s: %w", l, p.Slug, err)
			}
		}
		for i, v := range p.Provisions {
			if err := exec(`INSERT INTO import_provisions (token, seq, ref, label, title, text, source, topics_reviewed, pos)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				tok, r.seq, v.Ref, v.Label, v.Title, v.Text, v.Source, v.TopicsReviewed, i); err != nil {
				return fmt.Errorf("stage provision %s of %s: %w", v.Ref, p.Slug, err)
			}
			for _, tp := range dedupe(v.Topics) {
				if err := exec("INSERT INTO import_provision_topics (token, seq, ref, topic) VALUES (?, ?, ?, ?)", tok, r.seq, v.Ref, tp); err != nil {
					return fmt.Errorf("stage provision %s of %s: %w", v.Ref, p.Slug, err)
				}
			}
		}
		for i, m := range p.Mappings {
			var strength any
			if m.Strength > 0 {
				strength = m.Strength
			}
			err := exec(`INSERT INTO import_mappings (token, seq, pos, ref, item_id, relationship, strength, rationale,
				evidence, reviewed, rejected, reviewed_by, reviewed_at, review_note, created_by, updated_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				tok, r.seq, i, m.Provision, r.items[i], m.Relationship, strength, m.Rationale, m.Evidence, m.Reviewed,
				m.Rejected, nullID(m.ReviewedByID), m.ReviewedAt, m.ReviewNote, nullID(m.CreatedBy), nullID(m.UpdatedBy))
			if err != nil {
				return fmt.Errorf("stage mapping of %s to %s/%s: %w", p.Slug, m.Framework, m.Item, err)
			}
		}
		if err := exec(`INSERT INTO import_revisions (token, seq, slug, rev, snapshot, user_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			tok, r.seq, p.Slug, r.baseRev+1, r.snapshot, nullID(a.UserID), r.note); err != nil {
			return fmt.Errorf("stage revision of %s: %w", p.Slug, err)
		}
		if err := exec("INSERT INTO import_changes (token, seq, kind, key, op) VALUES (?, ?, 'policy', ?, 'upsert')", tok, r.seq, p.Slug); err != nil {
			return fmt.Errorf("stage change of %s: %w", p.Slug, err)
		}
		// As Tx.audit writes it.
		if err := exec(`INSERT INTO import_audit (token, seq, pos, user_id, actor, action, object, detail, ip) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)`,
			tok, r.seq, nullID(a.UserID), auditText(a.Name()), auditText(r.action), auditText("policy/"+p.Slug),
			auditText(r.note), auditText(a.IP)); err != nil {
			return fmt.Errorf("stage audit of %s: %w", p.Slug, err)
		}
	}
	return nil
}

// stagedIDs selects the ids of the policies an import creates or updates,
// once the swap has written their rows; ?1 is the import's token.
const stagedIDs = "SELECT p.id FROM import_policies s JOIN policies p ON p.slug = s.slug WHERE s.token = ?1"

// updatedIDs selects the ids of the policies an import updates: only they
// have rows to replace (a created policy's id is new).
const updatedIDs = "SELECT p.id FROM import_results r JOIN policies p ON p.slug = r.slug WHERE r.token = ?1 AND r.result = 'updated'"

// swapStatements apply a staged import, in the order a save writes (so
// that each table's new rows get their ids in file order, as saving the
// policies one by one would give them): the policy rows, their lists,
// provisions, provision topics, mappings, facet terms, revisions, changes
// feed and audit log. ?1 is the import's token, ?2 the transaction's
// stamp.
var swapStatements = []struct{ what, query string }{
	{"policies", `INSERT INTO policies (slug, title, short_title, issuer, type, status, status_note, binding, adopted,
		in_force, url, language, summary, notes, sources, confidence, created_by, updated_by, created_at, updated_at)
		SELECT slug, title, short_title, issuer, type, status, status_note, binding, adopted, in_force, url, language,
		summary, notes, sources, confidence, created_by, updated_by, ?2, ?2 FROM import_policies WHERE token = ?1 ORDER BY seq
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, short_title = excluded.short_title,
		issuer = excluded.issuer, type = excluded.type, status = excluded.status, status_note = excluded.status_note,
		binding = excluded.binding, adopted = excluded.adopted, in_force = excluded.in_force, url = excluded.url,
		language = excluded.language, summary = excluded.summary, notes = excluded.notes,
		sources = excluded.sources, confidence = excluded.confidence,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`},
	{"jurisdictions", "DELETE FROM policy_jurisdictions WHERE policy_id IN (" + updatedIDs + ")"},
	{"topics", "DELETE FROM policy_topics WHERE policy_id IN (" + updatedIDs + ")"},
	{"layers", "DELETE FROM policy_layers WHERE policy_id IN (" + updatedIDs + ")"},
	{"jurisdictions", `INSERT INTO policy_jurisdictions (policy_id, jurisdiction, pos)
		SELECT p.id, x.jurisdiction, x.pos FROM import_policy_jurisdictions x
		JOIN import_policies s ON s.token = x.token AND s.seq = x.seq JOIN policies p ON p.slug = s.slug
		WHERE x.token = ?1 ORDER BY x.seq, x.pos`},
	{"topics", `INSERT INTO policy_topics (policy_id, topic)
		SELECT p.id, x.topic FROM import_policy_topics x
		JOIN import_policies s ON s.token = x.token AND s.seq = x.seq JOIN policies p ON p.slug = s.slug
		WHERE x.token = ?1 ORDER BY x.seq`},
	{"layers", `INSERT INTO policy_layers (policy_id, layer)
		SELECT p.id, x.layer FROM import_policy_layers x
		JOIN import_policies s ON s.token = x.token AND s.seq = x.seq JOIN policies p ON p.slug = s.slug
		WHERE x.token = ?1 ORDER BY x.seq`},
	// Provisions are upserted by reference, so that their ids, and the
	// mappings that point at them, survive; then the others go (their
	// topics and mappings with them).
	{"provisions", `INSERT INTO provisions (policy_id, ref, label, title, text, source, topics_reviewed, pos)
		SELECT p.id, x.ref, x.label, x.title, x.text, x.source, x.topics_reviewed, x.pos FROM import_provisions x
		JOIN import_policies s ON s.token = x.token AND s.seq = x.seq JOIN policies p ON p.slug = s.slug
		WHERE x.token = ?1 ORDER BY x.seq, x.pos
		ON CONFLICT (policy_id, ref) DO UPDATE SET label = excluded.label, title = excluded.title, text = excluded.text,
		source = excluded.source, topics_reviewed = excluded.topics_reviewed, pos = excluded.pos`},
	// The kept ids are listed once (NOT IN a subquery that does not
	// depend on the row), not looked for row by row.
	{"provisions", `DELETE FROM provisions WHERE policy_id IN (` + updatedIDs + `) AND id NOT IN (
		SELECT v.id FROM import_provisions x JOIN import_policies s ON s.token = x.token AND s.seq = x.seq
		JOIN policies p ON p.slug = s.slug JOIN provisions v ON v.policy_id = p.id AND v.ref = x.ref
		WHERE x.token = ?1)`},
	{"provision topics", `DELETE FROM provision_topics WHERE provision_id IN (
		SELECT v.id FROM provisions v WHERE v.policy_id IN (` + updatedIDs + `))`},
	{"provision topics", `INSERT INTO provision_topics (provision_id, topic)
		SELECT v.id, x.topic FROM import_provision_topics x
		JOIN import_policies s ON s.token = x.token AND s.seq = x.seq JOIN policies p ON p.slug = s.slug
		JOIN provisions v ON v.policy_id = p.id AND v.ref = x.ref
		WHERE x.token = ?1 ORDER BY x.seq`},
	// Mappings are upserted by (provision, item) and the rest removed;
	// authors and review state were worked out when staging.
	{"mappings", `INSERT INTO mappings (policy_id, provision_id, item_id, relationship, strength, rationale, evidence,
		reviewed, rejected, reviewed_by, reviewed_at, review_note, created_by, updated_by, created_at, updated_at)
		SELECT p.id, v.id, x.item_id, x.relationship, x.strength, x.rationale, x.evidence, x.reviewed, x.rejected,
		x.reviewed_by, x.reviewed_at, x.review_note, x.created_by, x.updated_by, ?2, ?2 FROM import_mappings x
		JOIN import_policies s ON s.token = x.token AND s.seq = x.seq JOIN policies p ON p.slug = s.slug
		LEFT JOIN provisions v ON v.policy_id = p.id AND v.ref = x.ref AND x.ref <> ''
		WHERE x.token = ?1 ORDER BY x.seq, x.pos
		ON CONFLICT (policy_id, IFNULL(provision_id, 0), item_id) DO UPDATE SET relationship = excluded.relationship,
		strength = excluded.strength, rationale = excluded.rationale, evidence = excluded.evidence,
		reviewed = excluded.reviewed, rejected = excluded.rejected, reviewed_by = excluded.reviewed_by,
		reviewed_at = excluded.reviewed_at, review_note = excluded.review_note, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`},
	{"mappings", `DELETE FROM mappings WHERE policy_id IN (` + updatedIDs + `) AND id NOT IN (
		SELECT m.id FROM import_mappings x JOIN import_policies s ON s.token = x.token AND x.seq = s.seq
		JOIN policies p ON p.slug = s.slug
		LEFT JOIN provisions v ON v.policy_id = p.id AND v.ref = x.ref AND x.ref <> ''
		JOIN mappings m ON m.policy_id = p.id AND IFNULL(m.provision_id, 0) = IFNULL(v.id, 0) AND m.item_id = x.item_id
		WHERE x.token = ?1)`},
	// As refreshTerms, for every staged policy at once.
	{"terms", "DELETE FROM policy_terms WHERE policy_id IN (" + updatedIDs + ")"},
	{"terms", `WITH ids (id) AS MATERIALIZED (` + stagedIDs + `)
		INSERT OR IGNORE INTO policy_terms (policy_id, facet, value)
		SELECT id, 'type', type FROM policies WHERE id IN ids
		UNION ALL SELECT id, 'status', status FROM policies WHERE id IN ids AND status <> ''
		UNION ALL SELECT id, 'binding', binding FROM policies WHERE id IN ids AND binding <> ''
		UNION ALL SELECT id, 'year', substr(adopted, 1, 4) FROM policies WHERE id IN ids AND adopted <> ''
		UNION ALL SELECT policy_id, 'jurisdiction', jurisdiction FROM policy_jurisdictions WHERE policy_id IN ids
		UNION ALL SELECT pj.policy_id, 'region', j.region FROM policy_jurisdictions pj
			JOIN jurisdictions j ON j.code = pj.jurisdiction WHERE pj.policy_id IN ids AND j.region <> ''
		UNION ALL SELECT policy_id, 'topic', topic FROM policy_topics WHERE policy_id IN ids
		UNION ALL SELECT policy_id, 'layer', layer FROM policy_layers WHERE policy_id IN ids
		UNION ALL SELECT m.policy_id, 'challenge', i.code FROM mappings m JOIN items i ON i.id = m.item_id
			WHERE m.policy_id IN ids AND m.relationship <> 'not-related' AND NOT m.rejected
		UNION ALL SELECT m.policy_id, 'reviewed', i.code FROM mappings m JOIN items i ON i.id = m.item_id
			WHERE m.policy_id IN ids AND m.relationship <> 'not-related' AND m.reviewed AND NOT m.rejected`},
	{"revisions", `INSERT INTO policy_revisions (policy_id, slug, rev, snapshot, user_id, note, created_at)
		SELECT p.id, x.slug, x.rev, x.snapshot, x.user_id, x.note, ?2 FROM import_revisions x
		JOIN policies p ON p.slug = x.slug WHERE x.token = ?1 ORDER BY x.seq`},
	{"changes feed", `INSERT INTO changes (kind, key, op, created_at)
		SELECT kind, key, op, ?2 FROM import_changes WHERE token = ?1 ORDER BY seq`},
	{"audit log", `INSERT INTO audit (at, user_id, actor, action, object, detail, ip)
		SELECT ?2, user_id, actor, action, object, detail, ip FROM import_audit WHERE token = ?1 ORDER BY seq, pos`},
}

// qStaleImport finds the first staged policy written to since it was
// staged: a new revision (a save, a deletion, or a creation of a slug that
// was free), or any entry of the changes feed for it (which a mapping's
// review also writes). The feed is read from the oldest staging's mark
// on, once, rather than once per policy.
const qStaleImport = `SELECT slug, line FROM (
	SELECT r.seq, r.slug, r.line FROM import_results r WHERE r.token = ?1
		AND (SELECT IFNULL(MAX(rev), 0) FROM policy_revisions WHERE slug = r.slug) <> r.base_rev
	UNION ALL
	SELECT r.seq, r.slug, r.line FROM changes c JOIN import_results r ON r.token = ?1 AND r.slug = c.key
		WHERE c.seq > (SELECT IFNULL(MIN(base_seq), 0) FROM import_results WHERE token = ?1)
		AND c.kind = 'policy' AND c.seq > r.base_seq)
	ORDER BY seq LIMIT 1`

// SwapStats says how long the swap of an import held the database.
type SwapStats struct {
	// Took is the time from the moment the write transaction held the
	// database (BEGIN IMMEDIATE done) to the end of its commit.
	Took time.Duration
}

// Apply swaps the staged import in, in one short write transaction of a
// few set-based statements: all of it or nothing, with the revisions,
// changes feed entries and audit events of SavePolicies. If any staged
// policy was written to by someone else after it was staged, nothing is
// applied and the error is a *StaleImportError naming it. done (may be
// nil) then hears of each outcome in file order.
func (pi *PolicyImport) Apply(ctx context.Context, done func(slug string, res SaveResult)) error {
	_, err := pi.ApplyTimed(ctx, done)
	return err
}

// ApplyTimed is Apply, saying how long the swap took.
func (pi *PolicyImport) ApplyTimed(ctx context.Context, done func(slug string, res SaveResult)) (SwapStats, error) {
	var st SwapStats
	var start time.Time
	err := pi.db.update(ctx, func(t *Tx) error {
		start = time.Now()
		var stale StaleImportError
		err := t.tx.QueryRowContext(ctx, qStaleImport, pi.token).Scan(&stale.Slug, &stale.Line)
		switch {
		case err == nil:
			return &stale
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("check import against changes: %w", err)
		}
		for _, s := range swapStatements {
			if _, err := t.exec(ctx, s.query, pi.token, t.stamp()); err != nil {
				return fmt.Errorf("swap import (%s): %w", s.what, err)
			}
		}
		return nil
	})
	if !start.IsZero() {
		st.Took = time.Since(start)
	}
	if err != nil {
		return st, err
	}
	if done == nil {
		return st, nil
	}
	// Read after the commit, so a failed swap reports nothing.
	rows, err := pi.db.read.QueryContext(ctx, "SELECT slug, result FROM import_results WHERE token = ? ORDER BY seq", pi.token)
	if err != nil {
		return st, fmt.Errorf("read import results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var slug, res string
		if err := rows.Scan(&slug, &res); err != nil {
			return st, fmt.Errorf("read import results: %w", err)
		}
		done(slug, SaveResult(res))
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("read import results: %w", err)
	}
	return st, nil
}

// ApplyPolicies upserts a batch small enough to hold in memory in one
// write transaction, as the normal save does, without staging: for a few
// policies that transaction is as short as a swap.
func (db *DB) ApplyPolicies(ctx context.Context, batch []StagedPolicy, done func(slug string, res SaveResult)) error {
	return db.update(ctx, func(t *Tx) error {
		for _, s := range batch {
			res, err := t.savePolicyKeeping(ctx, s.Policy, Upsert, s.KeepNotes)
			if err != nil {
				return &StagedError{Line: s.Line, Slug: s.Policy.Slug, Err: err}
			}
			if done != nil {
				done(s.Policy.Slug, res)
			}
		}
		return nil
	})
}

// stagingTables are the tables an import stages its rows in, each beside
// the live table whose rows it holds ("" for import_results, which has
// none).
var stagingTables = []struct{ staging, live string }{
	{"import_results", ""},
	{"import_policies", "policies"},
	{"import_policy_jurisdictions", "policy_jurisdictions"},
	{"import_policy_topics", "policy_topics"},
	{"import_policy_layers", "policy_layers"},
	{"import_provisions", "provisions"},
	{"import_provision_topics", "provision_topics"},
	{"import_mappings", "mappings"},
	{"import_revisions", "policy_revisions"},
	{"import_changes", "changes"},
	{"import_audit", "audit"},
}

// discardPage is how many staged policies Discard deletes the rows of in
// one write transaction, so that clearing a large import never holds the
// database long.
const discardPage = 1000

// Discard deletes the import's staged rows, applied or not, in short
// transactions.
func (pi *PolicyImport) Discard(ctx context.Context) error {
	var top int
	if err := pi.db.read.QueryRowContext(ctx, "SELECT IFNULL(MAX(seq), -1) FROM import_results WHERE token = ?", pi.token).Scan(&top); err != nil {
		return fmt.Errorf("clear import staging: %w", err)
	}
	top = max(top, pi.n-1)
	for from := 0; from <= top; from += discardPage {
		err := pi.db.update(ctx, func(t *Tx) error {
			for _, st := range stagingTables {
				if _, err := t.exec(ctx, "DELETE FROM "+st.staging+" WHERE token = ? AND seq >= ? AND seq < ?",
					pi.token, from, from+discardPage); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("clear import staging: %w", err)
		}
	}
	return nil
}
