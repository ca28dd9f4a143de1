package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The gaps a policy record can have, in the order /quality lists them.
const (
	GapNoURL             = "no-url"
	GapNoYear            = "no-year"
	GapNoBinding         = "no-binding"
	GapNoLanguage        = "no-language"
	GapNoProvisions      = "no-provisions"
	GapNoReviewedMapping = "no-reviewed-mapping"
	GapLowConfidence     = "low-confidence"
	GapNoConfidence      = "no-confidence"
)

// Gaps lists every gap, in the order /quality shows them.
var Gaps = []string{GapNoURL, GapNoYear, GapNoBinding, GapNoLanguage, GapNoProvisions,
	GapNoReviewedMapping, GapLowConfidence, GapNoConfidence}

// GapEntry is one policy with a gap.
type GapEntry struct {
	Slug  string
	Title string // the short title when there is one
	// Unreviewed counts the policy's mappings that await review, and
	// QueuePos is where the first of them stands in the review queue (1
	// for its first row), FirstUnreviewed its id; both zero when none
	// awaits review.
	Unreviewed      int
	QueuePos        int
	FirstUnreviewed int64
}

// Quality is what the records of the knowledge base lack: for each gap of
// Gaps, the policies that have it, by title.
type Quality struct {
	Policies int // how many policies there are in all
	Lists    map[string][]GapEntry
}

// Quality finds the gaps of every policy, in one read transaction so that
// the lists and counts agree with each other.
func (db *DB) Quality(ctx context.Context) (Quality, error) {
	q := Quality{Lists: map[string][]GapEntry{}}
	for _, g := range Gaps {
		q.Lists[g] = []GapEntry{}
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return q, fmt.Errorf("quality: %w", err)
	}
	defer tx.Rollback()

	// Where each policy's first unreviewed mapping stands in the review
	// queue, in the queue's own order (UnreviewedMappings). SQLite takes
	// the bare column id from the row that MIN chose.
	rows, err := tx.QueryContext(ctx, `SELECT slug, id, MIN(n), COUNT(*) FROM (
		SELECT p.slug AS slug, m.id AS id,
			ROW_NUMBER() OVER (ORDER BY p.title, p.slug, IFNULL(v.pos, -1), f.id, i.pos) AS n
		FROM mappings m JOIN policies p ON p.id = m.policy_id JOIN items i ON i.id = m.item_id
		JOIN frameworks f ON f.id = i.framework_id LEFT JOIN provisions v ON v.id = m.provision_id
		WHERE NOT m.reviewed AND NOT m.rejected) GROUP BY slug`)
	if err != nil {
		return q, fmt.Errorf("quality: review queue: %w", err)
	}
	type queued struct {
		id       int64
		pos, num int
	}
	queue := map[string]queued{}
	for rows.Next() {
		var slug string
		var v queued
		if err := rows.Scan(&slug, &v.id, &v.pos, &v.num); err != nil {
			rows.Close()
			return q, fmt.Errorf("quality: review queue: %w", err)
		}
		queue[slug] = v
	}
	if err := rows.Close(); err != nil {
		return q, fmt.Errorf("quality: review queue: %w", err)
	}

	rows, err = tx.QueryContext(ctx, `SELECT p.slug, IIF(p.short_title <> '', p.short_title, p.title),
		p.url = '', p.adopted = '', p.binding = '', p.language = '',
		NOT EXISTS (SELECT 1 FROM provisions v WHERE v.policy_id = p.id),
		NOT EXISTS (SELECT 1 FROM mappings m WHERE m.policy_id = p.id AND m.reviewed AND NOT m.rejected),
		IFNULL(p.confidence, '')
		FROM policies p ORDER BY IIF(p.short_title <> '', p.short_title, p.title) COLLATE NOCASE, p.slug`)
	if err != nil {
		return q, fmt.Errorf("quality: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e GapEntry
		var noURL, noYear, noBinding, noLanguage, noProvisions, noReviewed bool
		var confidence string
		if err := rows.Scan(&e.Slug, &e.Title, &noURL, &noYear, &noBinding, &noLanguage, &noProvisions, &noReviewed, &confidence); err != nil {
			return q, fmt.Errorf("quality: %w", err)
		}
		if v, ok := queue[e.Slug]; ok {
			e.Unreviewed, e.QueuePos, e.FirstUnreviewed = v.num, v.pos, v.id
		}
		q.Policies++
		for g, has := range map[string]bool{GapNoURL: noURL, GapNoYear: noYear, GapNoBinding: noBinding,
			GapNoLanguage: noLanguage, GapNoProvisions: noProvisions, GapNoReviewedMapping: noReviewed,
			GapLowConfidence: confidence == "low", GapNoConfidence: confidence == ""} {
			if has {
				q.Lists[g] = append(q.Lists[g], e)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return q, fmt.Errorf("quality: %w", err)
	}
	return q, nil
}
