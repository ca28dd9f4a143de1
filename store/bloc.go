package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// Bloc is a jurisdiction whose instruments apply in its member states, such
// as the EU. Its membership comes from the content file blocs.json.
type Bloc struct {
	Code    string
	Name    string
	Region  string
	Members []string // ISO 3166-1 alpha-2 codes
}

// Scopes are the ways a count of instruments can treat a country:
// ScopeNational counts the instruments that name it, ScopeApplicable adds
// those of the blocs it belongs to and of international bodies.
const (
	ScopeNational   = "national"
	ScopeApplicable = "applicable"
)

// Scopes lists the scope values a reader may ask for.
var Scopes = []string{ScopeNational, ScopeApplicable}

// SaveBlocs creates or updates each bloc as a jurisdiction of kind bloc and
// replaces its membership. Members must already be jurisdictions.
func (db *DB) SaveBlocs(ctx context.Context, blocs []Bloc) error {
	return db.update(ctx, func(t *Tx) error {
		for _, b := range blocs {
			if !jurisdictionRE.MatchString(b.Code) || b.Name == "" {
				return &ValidationError{Fields: map[string]string{"code": fmt.Sprintf("bad bloc %q %q", b.Code, b.Name)}}
			}
			if _, err := t.exec(ctx, `INSERT INTO jurisdictions (code, name, kind, region, subregion) VALUES (?, ?, 'bloc', ?, '')
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = 'bloc', region = excluded.region`,
				b.Code, b.Name, b.Region); err != nil {
				return fmt.Errorf("save bloc %s: %w", b.Code, err)
			}
			if _, err := t.exec(ctx, "DELETE FROM bloc_members WHERE bloc = ?", b.Code); err != nil {
				return fmt.Errorf("save members of %s: %w", b.Code, err)
			}
			for _, m := range b.Members {
				var kind string
				err := t.tx.QueryRowContext(ctx, "SELECT kind FROM jurisdictions WHERE code = ?", m).Scan(&kind)
				if err != nil || kind != "country" {
					return &ValidationError{Fields: map[string]string{"members": fmt.Sprintf("member %q of %s is not a country", m, b.Code)}}
				}
				if _, err := t.exec(ctx, "INSERT INTO bloc_members (bloc, member) VALUES (?, ?)", b.Code, m); err != nil {
					return fmt.Errorf("save member %s of %s: %w", m, b.Code, err)
				}
			}
		}
		return nil
	})
}

// Blocs lists every bloc with its members, by code.
func (db *DB) Blocs(ctx context.Context) ([]Bloc, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list blocs: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT code, name, region FROM jurisdictions WHERE kind = 'bloc' ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("list blocs: %w", err)
	}
	blocs, err := collect(rows, func(r *sql.Rows) (Bloc, error) {
		var b Bloc
		return b, r.Scan(&b.Code, &b.Name, &b.Region)
	})
	if err != nil {
		return nil, fmt.Errorf("list blocs: %w", err)
	}
	for i := range blocs {
		rows, err := tx.QueryContext(ctx, "SELECT member FROM bloc_members WHERE bloc = ? ORDER BY member", blocs[i].Code)
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", blocs[i].Code, err)
		}
		if blocs[i].Members, err = collect(rows, scanString); err != nil {
			return nil, fmt.Errorf("members of %s: %w", blocs[i].Code, err)
		}
	}
	return blocs, nil
}

// Applicable is what applies in one jurisdiction besides its own
// instruments: the blocs it belongs to and the international bodies.
type Applicable struct {
	Blocs         []Jurisdiction
	International []Jurisdiction
}

// Codes lists code itself, then its blocs and international bodies: the
// jurisdiction values of the policy list that ScopeApplicable counts.
func (a Applicable) Codes(code string) []string {
	out := []string{code}
	for _, j := range slices.Concat(a.Blocs, a.International) {
		out = append(out, j.Code)
	}
	return out
}

// ApplicableIn returns the blocs code belongs to and, for a country, the
// international bodies; a bloc or an international body has none.
func (db *DB) ApplicableIn(ctx context.Context, code string) (Applicable, error) {
	var a Applicable
	rows, err := db.read.QueryContext(ctx, jurisdictionSelect+`WHERE j.code IN (SELECT bloc FROM bloc_members WHERE member = ?1)
		OR (j.kind = 'international' AND (SELECT kind FROM jurisdictions WHERE code = ?1) = 'country')
		ORDER BY j.kind, j.name`, code)
	if err != nil {
		return a, fmt.Errorf("what applies in %s: %w", code, err)
	}
	js, err := collect(rows, func(r *sql.Rows) (Jurisdiction, error) { return scanJurisdiction(r) })
	if err != nil {
		return a, fmt.Errorf("what applies in %s: %w", code, err)
	}
	for _, j := range js {
		if j.Kind == "bloc" {
			a.Blocs = append(a.Blocs, j)
		} else {
			a.International = append(a.International, j)
		}
	}
	return a, nil
}

// applicableTerms is a table of (value, policy_id) rows, like the
// jurisdiction rows of policy_terms, in which a bloc's policy also counts
// for each member state and an international body's for every country.
// UNION keeps each pair once, so counting rows counts distinct policies.
const applicableTerms = `SELECT value, policy_id FROM policy_terms WHERE facet = 'jurisdiction'
	UNION SELECT m.member, t.policy_id FROM policy_terms t JOIN bloc_members m ON m.bloc = t.value
		WHERE t.facet = 'jurisdiction'
	UNION SELECT c.code, t.policy_id FROM policy_terms t JOIN jurisdictions i ON i.code = t.value AND i.kind = 'international'
		JOIN jurisdictions c ON c.kind = 'country' WHERE t.facet = 'jurisdiction'`

// JurisdictionCounts counts, for every jurisdiction, the policies the
// filter selects (its own jurisdiction choice aside) that count there in
// the scope: with ScopeNational the jurisdiction facet of the policy list,
// with ScopeApplicable the total of the list filtered to the jurisdiction,
// its blocs and the international bodies.
func (db *DB) JurisdictionCounts(ctx context.Context, f PolicyFilter, scope string) (map[string]int, error) {
	terms := "SELECT value, policy_id FROM policy_terms WHERE facet = 'jurisdiction'"
	switch scope {
	case ScopeNational, "":
	case ScopeApplicable:
		terms = applicableTerms
	default:
		return nil, &ValidationError{Fields: map[string]string{"scope": "scope must be national or applicable"}}
	}
	where, args := f.where("jurisdiction")
	rows, err := db.read.QueryContext(ctx, `SELECT a.value, COUNT(*) FROM (`+terms+`) a
		WHERE a.policy_id IN (SELECT p.id FROM policies p WHERE `+where+`) GROUP BY a.value`, args...)
	if err != nil {
		return nil, fmt.Errorf("count policies by jurisdiction (%s): %w", scope, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("count policies by jurisdiction (%s): %w", scope, err)
		}
		out[code] = n
	}
	return out, rows.Err()
}
