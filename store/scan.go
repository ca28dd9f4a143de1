package store

import (
	"context"
	"database/sql"
	"fmt"
)

// scanChunk is how many policies EachPolicy loads per round of queries:
// large enough that a 100,000-record scan takes a few hundred queries, small
// enough that the IN lists stay far below SQLite's variable limit.
const scanChunk = 500

// EachPolicy calls fn with every policy, in id order, complete with its
// jurisdictions, topics, layers, provisions (with topics) and mappings. It
// reads one consistent snapshot in a single read transaction, loading
// policies in chunks with one query per list (never one query per policy),
// and returns the sequence number of the newest change that snapshot
// includes, so that a caller building something derived (the search index)
// knows where to resume the changes feed. An error from fn stops the scan
// and is returned as is.
func (db *DB) EachPolicy(ctx context.Context, fn func(Policy) error) (seq int64, err error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("scan policies: %w", err)
	}
	defer tx.Rollback()
	// The first read fixes the WAL snapshot: everything below sees the
	// database as of this change.
	if err := tx.QueryRowContext(ctx, "SELECT IFNULL(MAX(seq), 0) FROM changes").Scan(&seq); err != nil {
		return 0, fmt.Errorf("scan policies: last change: %w", err)
	}
	var after int64
	for {
		ids, chunk, err := scanPolicyChunk(ctx, tx, after)
		if err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			return seq, nil
		}
		for _, id := range ids {
			if err := fn(*chunk[id]); err != nil {
				return 0, err
			}
		}
		after = ids[len(ids)-1]
	}
}

// scanPolicyChunk loads up to scanChunk complete policies with an id above
// after, returning their ids in order.
func scanPolicyChunk(ctx context.Context, q querier, after int64) ([]int64, map[int64]*Policy, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+policyColumns+" FROM policies p WHERE p.id > ? ORDER BY p.id LIMIT ?", after, scanChunk)
	if err != nil {
		return nil, nil, fmt.Errorf("scan policies after id %d: %w", after, err)
	}
	byID := map[int64]*Policy{}
	var ids []int64
	for rows.Next() {
		id, p, err := scanPolicy(rows)
		if err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("scan policies after id %d: %w", after, err)
		}
		p.Provisions, p.Mappings = []Provision{}, []Mapping{}
		byID[id] = &p
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, fmt.Errorf("scan policies after id %d: %w", after, err)
	}
	if len(ids) == 0 {
		return nil, nil, nil
	}
	if err := fillLists(ctx, q, byID); err != nil {
		return nil, nil, err
	}
	if err := fillProvisions(ctx, q, ids, byID); err != nil {
		return nil, nil, err
	}
	in := "(" + placeholders(len(ids)) + ")"
	mrows, err := q.QueryContext(ctx, mappingSelect+"WHERE m.policy_id IN "+in+" ORDER BY m.policy_id, f.id, i.pos, IFNULL(v.pos, -1)", anys(ids)...)
	if err != nil {
		return nil, nil, fmt.Errorf("scan mappings: %w", err)
	}
	// mappingSelect has no policy id column; the slug identifies the policy.
	bySlug := make(map[string]*Policy, len(byID))
	for _, p := range byID {
		bySlug[p.Slug] = p
	}
	ms, err := collect(mrows, scanMapping)
	if err != nil {
		return nil, nil, fmt.Errorf("scan mappings: %w", err)
	}
	for _, m := range ms {
		if p := bySlug[m.Policy]; p != nil {
			p.Mappings = append(p.Mappings, m)
		}
	}
	return ids, byID, nil
}

// fillProvisions loads the provisions, with their topics, of the given
// policies in two queries.
func fillProvisions(ctx context.Context, q querier, ids []int64, byID map[int64]*Policy) error {
	in := "(" + placeholders(len(ids)) + ")"
	rows, err := q.QueryContext(ctx, "SELECT v.policy_id, v.id, v.ref, v.label, v.title, v.text, v.source, v.topics_reviewed FROM provisions v WHERE v.policy_id IN "+in+
		" ORDER BY v.policy_id, v.pos", anys(ids)...)
	if err != nil {
		return fmt.Errorf("scan provisions: %w", err)
	}
	type at struct {
		p *Policy
		i int
	}
	byProv := map[int64]at{}
	for rows.Next() {
		var pid, vid int64
		var v Provision
		if err := rows.Scan(&pid, &vid, &v.Ref, &v.Label, &v.Title, &v.Text, &v.Source, &v.TopicsReviewed); err != nil {
			rows.Close()
			return fmt.Errorf("scan provisions: %w", err)
		}
		p := byID[pid]
		p.Provisions = append(p.Provisions, v)
		byProv[vid] = at{p, len(p.Provisions) - 1}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("scan provisions: %w", err)
	}
	trows, err := q.QueryContext(ctx, "SELECT t.provision_id, t.topic FROM provision_topics t JOIN provisions v ON v.id = t.provision_id WHERE v.policy_id IN "+in+
		" ORDER BY t.provision_id, t.topic", anys(ids)...)
	if err != nil {
		return fmt.Errorf("scan provision topics: %w", err)
	}
	for trows.Next() {
		var vid int64
		var topic string
		if err := trows.Scan(&vid, &topic); err != nil {
			trows.Close()
			return fmt.Errorf("scan provision topics: %w", err)
		}
		if a, ok := byProv[vid]; ok {
			v := &a.p.Provisions[a.i]
			v.Topics = append(v.Topics, topic)
		}
	}
	if err := trows.Close(); err != nil {
		return fmt.Errorf("scan provision topics: %w", err)
	}
	return nil
}
