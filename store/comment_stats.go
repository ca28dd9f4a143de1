package store

import (
	"context"
	"database/sql"
	"fmt"
)

// CommentStats sums up a consultation's approved comments. Every approved
// comment counts once, campaign copies included.
type CommentStats struct {
	Approved int
	// ByGroup counts by stakeholder group, every group present (zeros
	// included).
	ByGroup map[string]int
	// ByCountry counts by the author's country code, most first (ties by
	// code); only countries with comments.
	ByCountry []CountryCount
	// ByDisposition counts by disposition slug, every disposition present,
	// and "" for comments without one yet.
	ByDisposition map[string]int
	// ByType counts by comment type, every type present.
	ByType map[string]int
	// Answered counts the comments that have a disposition.
	Answered int
}

// CountryCount is how many comments came from one country.
type CountryCount struct {
	Country string
	Count   int
}

// Share is the share of approved comments that have a disposition, from
// 0 to 1; 0 when there is no comment.
func (s CommentStats) Share() float64 {
	if s.Approved == 0 {
		return 0
	}
	return float64(s.Answered) / float64(s.Approved)
}

// CommentStats counts a consultation's approved comments by stakeholder
// group, country, type and disposition, one query each, all in one read
// transaction so the numbers agree.
func (db *DB) CommentStats(ctx context.Context, slug string) (CommentStats, error) {
	var out CommentStats
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = commentStats(ctx, tx, slug)
		return err
	})
	return out, err
}

// commentStats counts in q, a read or write transaction.
func commentStats(ctx context.Context, q querier, slug string) (CommentStats, error) {
	out := CommentStats{ByGroup: map[string]int{}, ByDisposition: map[string]int{"": 0}, ByType: map[string]int{}}
	for _, t := range CommentTypes {
		out.ByType[t] = 0
	}
	for _, g := range StakeholderGroups {
		out.ByGroup[g] = 0
	}
	for _, d := range DispositionValues {
		out.ByDisposition[d] = 0
	}
	const from = ` FROM comments m JOIN consultations c ON c.id = m.consultation_id WHERE c.slug = ? AND m.state = 'approved'`
	err := func() error {
		counts := func(what, col, order string, fn func(key string, n int)) error {
			rows, err := q.QueryContext(ctx, "SELECT "+col+", COUNT(*)"+from+" GROUP BY "+col+" ORDER BY "+order, slug)
			if err != nil {
				return fmt.Errorf("count comments of %s by %s: %w", slug, what, err)
			}
			defer rows.Close()
			for rows.Next() {
				var key string
				var n int
				if err := rows.Scan(&key, &n); err != nil {
					return fmt.Errorf("count comments of %s by %s: %w", slug, what, err)
				}
				fn(key, n)
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("count comments of %s by %s: %w", slug, what, err)
			}
			return nil
		}
		if err := counts("stakeholder group", "m.author_group", "1", func(k string, n int) {
			out.ByGroup[k] += n
			out.Approved += n
		}); err != nil {
			return err
		}
		if err := counts("country", "m.author_country", "2 DESC, 1", func(k string, n int) {
			out.ByCountry = append(out.ByCountry, CountryCount{Country: k, Count: n})
		}); err != nil {
			return err
		}
		if err := counts("type", "m.type", "1", func(k string, n int) { out.ByType[k] += n }); err != nil {
			return err
		}
		return counts("disposition", "m.disposition", "1", func(k string, n int) {
			out.ByDisposition[k] += n
			if k != "" {
				out.Answered += n
			}
		})
	}()
	return out, err
}
