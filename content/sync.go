package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dc-isss/accord/store"
)

// syncedKey records in the database the fingerprint of the shipped content
// it was last loaded or synced with, so that a server can tell cheaply at
// start whether the binary ships something newer.
const syncedKey = "content_synced_fingerprint"

// Fingerprint is a digest of a bundle's frameworks and policies as parsed:
// it changes when any shipped fact does, and not with the files' layout.
func Fingerprint(b Bundle) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	// Encoding into a hash cannot fail but for a type that cannot be
	// encoded, which these are not.
	_ = enc.Encode(b.Frameworks)
	_ = enc.Encode(b.Policies)
	return hex.EncodeToString(h.Sum(nil))
}

// SyncReport is what a sync did, record by record, frameworks first.
type SyncReport struct {
	// Loaded says the database held no shipped content yet, so the whole
	// of it was loaded, as serve does on its first start.
	Loaded  bool
	Results []store.SyncResult
}

// Count is how many records a sync met with the given outcome.
func (r SyncReport) Count(a store.SyncAction) int {
	n := 0
	for _, x := range r.Results {
		if x.Action == a {
			n++
		}
	}
	return n
}

// Sync brings the shipped content of b into a database loaded from an
// earlier release (one that never held any is loaded whole, as by Seed):
// the vocabularies are refreshed as at every start, then
// each framework and policy is added, updated or left alone as
// store.SyncFramework and store.SyncPolicies decide (a record a member
// edited is never overwritten). Writes are attributed to the system. Run
// again, it finds nothing to do.
func Sync(ctx context.Context, db *store.DB, b Bundle) (SyncReport, error) {
	var rep SyncReport
	done, err := db.Meta(ctx, seededKey)
	if err != nil {
		return rep, err
	}
	if done == "" {
		// Nothing shipped was ever loaded here: load it all, as serve's
		// first start does.
		rep.Loaded, err = Seed(ctx, db, b)
		return rep, err
	}
	if err := seedVocabularies(ctx, db, b); err != nil {
		return rep, err
	}
	ctx = store.WithActor(ctx, store.Actor{Process: store.SystemProcess})
	for _, fw := range b.Frameworks {
		r, err := db.SyncFramework(ctx, fw)
		if err != nil {
			return rep, fmt.Errorf("sync framework %s: %w", fw.Slug, err)
		}
		rep.Results = append(rep.Results, r)
	}
	rs, err := db.SyncPolicies(ctx, b.Policies)
	if err != nil {
		return rep, fmt.Errorf("sync policies: %w", err)
	}
	rep.Results = append(rep.Results, rs...)
	// The example documents last, since they may cite policies just
	// added (a database from before they shipped gets them now).
	if err := seedDocuments(ctx, db, b.Documents, shippedFramework(b)); err != nil {
		return rep, err
	}
	if err := db.SetMeta(ctx, syncedKey, Fingerprint(b)); err != nil {
		return rep, err
	}
	return rep, nil
}

// DryRun reports what Sync would do to the database file at path without
// writing to it: it syncs a copy, made in a temporary folder (so that not
// even a migration touches the original) and removed after.
func DryRun(ctx context.Context, path string, b Bundle) (SyncReport, error) {
	dir, err := os.MkdirTemp("", "accord-sync-")
	if err != nil {
		return SyncReport{}, fmt.Errorf("dry run: %w", err)
	}
	defer os.RemoveAll(dir)
	cpPath := filepath.Join(dir, "accord.db")
	if err := store.CopyFile(ctx, path, cpPath); err != nil {
		return SyncReport{}, fmt.Errorf("dry run: %w", err)
	}
	cp, err := store.Open(ctx, cpPath)
	if err != nil {
		return SyncReport{}, fmt.Errorf("dry run: %w", err)
	}
	defer cp.Close()
	return Sync(ctx, cp, b)
}

// Pending says, cheaply enough for every start of the server, what of the
// shipped content b the database lacks: the policies it has never held
// (neither held nor deleted), and whether the shipped content changed
// since the database was loaded or last synced.
func Pending(ctx context.Context, db *store.DB, b Bundle) (missing []string, changed bool, err error) {
	slugs := make([]string, len(b.Policies))
	for i, p := range b.Policies {
		slugs[i] = p.Slug
	}
	if missing, err = db.MissingPolicies(ctx, slugs); err != nil {
		return nil, false, err
	}
	fp, err := db.Meta(ctx, syncedKey)
	if err != nil {
		return nil, false, err
	}
	return missing, fp != Fingerprint(b), nil
}
