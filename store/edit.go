package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// EditPolicy changes a stored policy in one transaction: it loads the
// policy, lets fn change it, validates and saves it, and returns the saved
// policy. Reading and writing in the same transaction means that two
// people adding provisions or mappings at once cannot undo each other.
// Errors of fn are returned as they are.
func (db *DB) EditPolicy(ctx context.Context, slug string, fn func(p *Policy) error) (Policy, SaveResult, error) {
	var saved Policy
	var res SaveResult
	err := db.update(ctx, func(t *Tx) error {
		p, err := loadPolicy(ctx, t.tx, slug)
		if err != nil {
			return err
		}
		if err := fn(&p); err != nil {
			return err
		}
		if p.Slug != slug {
			return &ValidationError{Fields: map[string]string{"slug": "A policy's slug cannot be changed"}}
		}
		if p.Provisions == nil {
			p.Provisions = []Provision{}
		}
		if p.Mappings == nil {
			p.Mappings = []Mapping{}
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if res, err = t.savePolicy(ctx, p, UpdateOnly); err != nil {
			return err
		}
		saved, err = loadPolicy(ctx, t.tx, slug)
		return err
	})
	if err != nil {
		return Policy{}, "", err
	}
	return saved, res, nil
}

// Mapping returns one mapping by id.
func (db *DB) Mapping(ctx context.Context, id int64) (Mapping, error) {
	return loadMapping(ctx, db.read, id)
}

func loadMapping(ctx context.Context, q querier, id int64) (Mapping, error) {
	rows, err := q.QueryContext(ctx, mappingSelect+"WHERE m.id = ?", id)
	if err != nil {
		return Mapping{}, fmt.Errorf("mapping %d: %w", id, err)
	}
	ms, err := collect(rows, scanMapping)
	if err != nil {
		return Mapping{}, fmt.Errorf("mapping %d: %w", id, err)
	}
	if len(ms) == 0 {
		return Mapping{}, fmt.Errorf("mapping %d: %w", id, ErrNotFound)
	}
	return ms[0], nil
}

// sameTarget reports whether two mappings join the same policy part to the
// same item, which the database allows only once.
func sameTarget(a, b Mapping) bool {
	return a.Framework == b.Framework && a.Item == b.Item && a.Provision == b.Provision
}

// checkMapping validates a mapping on its own, so that errors name its
// fields plainly (relationship, rationale...) rather than as part of a
// policy.
func checkMapping(ctx context.Context, q querier, p *Policy, m *Mapping) error {
	if err := m.Validate(); err != nil {
		return err
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM items i JOIN frameworks f ON f.id = i.framework_id
		WHERE f.slug = ? AND i.code = ?`, m.Framework, m.Item).Scan(&n); err != nil {
		return fmt.Errorf("check mapping: %w", err)
	}
	if n == 0 {
		return &ValidationError{Fields: map[string]string{"item": fmt.Sprintf("%s is not an item of framework %s", m.Item, m.Framework)}}
	}
	if m.Provision != "" && !slices.ContainsFunc(p.Provisions, func(v Provision) bool { return v.Ref == m.Provision }) {
		return &ValidationError{Fields: map[string]string{"provision": fmt.Sprintf("Provision %s is not one of this policy's provisions", m.Provision)}}
	}
	return nil
}

// AddMapping maps a policy (m.Policy), or one of its provisions, to a
// framework item and returns the stored mapping with its id. An unknown
// policy is a validation error on the field "policy"; the same policy part
// mapped twice to one item is ErrConflict.
func (db *DB) AddMapping(ctx context.Context, m Mapping) (Mapping, error) {
	m.Policy = strings.TrimSpace(m.Policy)
	if m.Policy == "" {
		return Mapping{}, &ValidationError{Fields: map[string]string{"policy": "Name the policy by its slug"}}
	}
	if err := m.Validate(); err != nil {
		return Mapping{}, err
	}
	var out Mapping
	err := db.update(ctx, func(t *Tx) error {
		p, err := loadPolicy(ctx, t.tx, m.Policy)
		if errors.Is(err, ErrNotFound) {
			return &ValidationError{Fields: map[string]string{"policy": fmt.Sprintf("There is no policy %q", m.Policy)}}
		}
		if err != nil {
			return err
		}
		if err := checkMapping(ctx, t.tx, &p, &m); err != nil {
			return err
		}
		for _, old := range p.Mappings {
			if sameTarget(old, m) {
				return fmt.Errorf("%s is already mapped to %s/%s (mapping %d): %w", m.Policy, m.Framework, m.Item, old.ID, ErrConflict)
			}
		}
		m.ID = 0
		p.Mappings = append(p.Mappings, m)
		if _, err := t.savePolicy(ctx, p, UpdateOnly); err != nil {
			return oneMappingError(err)
		}
		id, err := mappingIDOf(ctx, t.tx, m)
		if err != nil {
			return err
		}
		out, err = loadMapping(ctx, t.tx, id)
		return err
	})
	return out, err
}

// UpdateMapping replaces a mapping's target, relationship, strength,
// rationale, evidence and reviewed flag; its policy stays.
func (db *DB) UpdateMapping(ctx context.Context, id int64, m Mapping) (Mapping, error) {
	if err := m.Validate(); err != nil {
		return Mapping{}, err
	}
	var out Mapping
	err := db.update(ctx, func(t *Tx) error {
		old, err := loadMapping(ctx, t.tx, id)
		if err != nil {
			return err
		}
		p, err := loadPolicy(ctx, t.tx, old.Policy)
		if err != nil {
			return err
		}
		m.Policy = old.Policy
		if err := checkMapping(ctx, t.tx, &p, &m); err != nil {
			return err
		}
		for i, o := range p.Mappings {
			switch {
			case o.ID == id:
				p.Mappings[i] = m
			case sameTarget(o, m):
				return fmt.Errorf("%s is already mapped to %s/%s (mapping %d): %w", m.Policy, m.Framework, m.Item, o.ID, ErrConflict)
			}
		}
		if _, err := t.savePolicy(ctx, p, UpdateOnly); err != nil {
			return oneMappingError(err)
		}
		if !sameTarget(old, m) {
			// The row was replaced by one with a new id; find it.
			if id, err = mappingIDOf(ctx, t.tx, m); err != nil {
				return err
			}
		}
		out, err = loadMapping(ctx, t.tx, id)
		return err
	})
	return out, err
}

// DeleteMapping removes one mapping, keeping a revision of its policy.
func (db *DB) DeleteMapping(ctx context.Context, id int64) error {
	return db.update(ctx, func(t *Tx) error {
		old, err := loadMapping(ctx, t.tx, id)
		if err != nil {
			return err
		}
		p, err := loadPolicy(ctx, t.tx, old.Policy)
		if err != nil {
			return err
		}
		p.Mappings = slices.DeleteFunc(p.Mappings, func(m Mapping) bool { return m.ID == id })
		if p.Mappings == nil {
			p.Mappings = []Mapping{}
		}
		_, err = t.savePolicy(ctx, p, UpdateOnly)
		return err
	})
}

// AllPolicies returns every policy with its provisions and mappings, read
// in one transaction so that an export is a consistent snapshot even while
// others write.
func (db *DB) AllPolicies(ctx context.Context) ([]Policy, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read all policies: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT slug FROM policies ORDER BY slug")
	if err != nil {
		return nil, fmt.Errorf("read all policies: %w", err)
	}
	slugs, err := collect(rows, scanString)
	if err != nil {
		return nil, fmt.Errorf("read all policies: %w", err)
	}
	out := make([]Policy, 0, len(slugs))
	for _, s := range slugs {
		p, err := loadPolicy(ctx, tx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// oneMappingError names a policy save's field errors on its mappings
// (mappings[3].reviewed) as fields of the one mapping being saved
// (reviewed).
func oneMappingError(err error) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	fields := map[string]string{}
	for k, v := range ve.Fields {
		if _, rest, ok := strings.Cut(k, "]."); ok && strings.HasPrefix(k, "mappings[") {
			k = rest
		}
		fields[k] = v
	}
	return &ValidationError{Fields: fields}
}

// mappingIDOf finds the id of the mapping with m's policy, provision and
// framework item, which identify a mapping.
func mappingIDOf(ctx context.Context, q querier, m Mapping) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT m.id FROM mappings m JOIN policies p ON p.id = m.policy_id
		JOIN items i ON i.id = m.item_id JOIN frameworks f ON f.id = i.framework_id
		LEFT JOIN provisions v ON v.id = m.provision_id
		WHERE p.slug = ? AND f.slug = ? AND i.code = ? AND IFNULL(v.ref, '') = ?`,
		m.Policy, m.Framework, m.Item, m.Provision).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("find mapping of %s to %s/%s: %w", m.Policy, m.Framework, m.Item, err)
	}
	return id, nil
}
