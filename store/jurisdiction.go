package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Jurisdiction is a country (ISO 3166-1 alpha-2), a bloc such as EU, or INT
// for international bodies, with its UN M49 region and sub-region.
type Jurisdiction struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Kind      string `json:"kind"` // country, bloc or international
	Region    string `json:"region"`
	Subregion string `json:"subregion"`
	Policies  int    `json:"policies"` // how many policies name it, on reads
}

// UpsertJurisdictions creates or updates jurisdictions by code.
func (db *DB) UpsertJurisdictions(ctx context.Context, js []Jurisdiction) error {
	return db.update(ctx, func(t *Tx) error {
		for _, j := range js {
			if !jurisdictionRE.MatchString(j.Code) || j.Name == "" {
				return &ValidationError{Fields: map[string]string{"code": fmt.Sprintf("bad jurisdiction %q %q", j.Code, j.Name)}}
			}
			_, err := t.exec(ctx, `INSERT INTO jurisdictions (code, name, kind, region, subregion) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
				region = excluded.region, subregion = excluded.subregion`, j.Code, j.Name, j.Kind, j.Region, j.Subregion)
			if err != nil {
				return fmt.Errorf("upsert jurisdiction %s: %w", j.Code, err)
			}
		}
		return nil
	})
}

const jurisdictionSelect = `SELECT j.code, j.name, j.kind, j.region, j.subregion,
	(SELECT COUNT(*) FROM policy_jurisdictions pj WHERE pj.jurisdiction = j.code) FROM jurisdictions j `

func scanJurisdiction(r interface{ Scan(...any) error }) (Jurisdiction, error) {
	var j Jurisdiction
	err := r.Scan(&j.Code, &j.Name, &j.Kind, &j.Region, &j.Subregion, &j.Policies)
	return j, err
}

// Jurisdictions lists every jurisdiction by name.
func (db *DB) Jurisdictions(ctx context.Context) ([]Jurisdiction, error) {
	rows, err := db.read.QueryContext(ctx, jurisdictionSelect+"ORDER BY j.name")
	if err != nil {
		return nil, fmt.Errorf("list jurisdictions: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Jurisdiction, error) { return scanJurisdiction(r) })
}

// Jurisdiction returns one jurisdiction by code.
func (db *DB) Jurisdiction(ctx context.Context, code string) (Jurisdiction, error) {
	j, err := scanJurisdiction(db.read.QueryRowContext(ctx, jurisdictionSelect+"WHERE j.code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return Jurisdiction{}, fmt.Errorf("jurisdiction %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return Jurisdiction{}, fmt.Errorf("jurisdiction %s: %w", code, err)
	}
	return j, nil
}

// UpsertTopics creates or retitles topics, in the given order.
func (db *DB) UpsertTopics(ctx context.Context, topics []Topic) error {
	return db.update(ctx, func(t *Tx) error {
		for i, tp := range topics {
			if !ValidSlug(tp.Slug) || tp.Title == "" {
				return &ValidationError{Fields: map[string]string{"topics": fmt.Sprintf("bad topic %q", tp.Slug)}}
			}
			_, err := t.exec(ctx, `INSERT INTO topics (slug, title, pos) VALUES (?, ?, ?)
				ON CONFLICT (slug) DO UPDATE SET title = excluded.title, pos = excluded.pos`, tp.Slug, tp.Title, i)
			if err != nil {
				return fmt.Errorf("upsert topic %s: %w", tp.Slug, err)
			}
		}
		return nil
	})
}

// Topics lists the topic vocabulary in order.
func (db *DB) Topics(ctx context.Context) ([]Topic, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT slug, title FROM topics ORDER BY pos, slug")
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Topic, error) {
		var t Topic
		return t, r.Scan(&t.Slug, &t.Title)
	})
}
