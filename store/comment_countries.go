package store

import (
	"context"
	"fmt"
)

// CommentCountries lists the countries (codes, sorted) of the authors of a
// consultation's approved comments, for the comments page's country
// filter: only countries that would find something are offered.
func (db *DB) CommentCountries(ctx context.Context, slug string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT m.author_country FROM comments m
		JOIN consultations c ON c.id = m.consultation_id
		WHERE c.slug = ? AND m.state = 'approved' AND m.author_country <> '' ORDER BY 1`, slug)
	if err != nil {
		return nil, fmt.Errorf("countries of the comments of %s: %w", slug, err)
	}
	out, err := collect(rows, scanString)
	if err != nil {
		return nil, fmt.Errorf("countries of the comments of %s: %w", slug, err)
	}
	return out, nil
}
