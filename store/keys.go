package store

import (
	"context"
	"fmt"
	"time"
)

// Rotation says how to rotate one secret kept in meta.
type Rotation struct {
	// Name is the secret's meta key.
	Name string
	// KeepAs, when set, is the meta key that keeps the replaced value,
	// and KeepUntilKey the one that holds Until, the end of the time it
	// still verifies.
	KeepAs, KeepUntilKey string
	Until                time.Time
}

// RotateSecret replaces a signing secret with a fresh random one, audited
// as key.rotate. Servers read their secrets once, so each node must be
// restarted to use the new one.
func (db *DB) RotateSecret(ctx context.Context, r Rotation) error {
	fresh, err := newSecret()
	if err != nil {
		return fmt.Errorf("rotate %s: %w", r.Name, err)
	}
	return db.update(ctx, func(t *Tx) error {
		var old string
		if err := t.tx.QueryRowContext(ctx, "SELECT IFNULL((SELECT value FROM meta WHERE key = ?), '')", r.Name).Scan(&old); err != nil {
			return fmt.Errorf("rotate %s: %w", r.Name, err)
		}
		set := func(k, v string) error {
			_, err := t.exec(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, v)
			if err != nil {
				return fmt.Errorf("rotate %s: write %s: %w", r.Name, k, err)
			}
			return nil
		}
		if err := set(r.Name, fresh); err != nil {
			return err
		}
		detail := "new key"
		if r.KeepAs != "" && old != "" {
			if err := set(r.KeepAs, old); err != nil {
				return err
			}
			if err := set(r.KeepUntilKey, r.Until.UTC().Format(time.RFC3339)); err != nil {
				return err
			}
			detail = "new key; the old one still verifies until " + r.Until.UTC().Format(time.RFC3339)
		}
		return t.audit(ctx, "key.rotate", "meta/"+r.Name, detail)
	})
}
