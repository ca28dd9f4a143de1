package content

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"time"

	"github.com/dc-isss/accord/store"
)

// Bundle is a set of content ready to load into a database.
type Bundle struct {
	Jurisdictions []store.Jurisdiction
	Frameworks    []store.Framework
	Policies      []store.Policy
	// Documents are example drafts, loaded after the policies they cite.
	Documents []DocumentSource
}

// extraJurisdictions are the codes that are not ISO 3166-1 countries.
var extraJurisdictions = []store.Jurisdiction{
	{Code: "EU", Name: "European Union", Kind: "bloc", Region: "Europe"},
	{Code: "INT", Name: "International", Kind: "international", Region: "International"},
}

// ReadBundle reads jurisdictions.csv, frameworks/*.yaml, policies/*.md and
// documents/*/v*.md from fsys, failing on the first file that does not
// parse or validate.
func ReadBundle(fsys fs.FS) (Bundle, error) {
	var b Bundle
	f, err := fsys.Open("jurisdictions.csv")
	if err != nil {
		return b, fmt.Errorf("open jurisdictions: %w", err)
	}
	b.Jurisdictions, err = ParseJurisdictions(f)
	f.Close()
	if err != nil {
		return b, err
	}
	names, _ := fs.Glob(fsys, "frameworks/*.yaml")
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return b, fmt.Errorf("read %s: %w", name, err)
		}
		fw, err := ParseFramework(data)
		if err != nil {
			return b, fmt.Errorf("%s: %w", name, err)
		}
		b.Frameworks = append(b.Frameworks, fw)
	}
	names, _ = fs.Glob(fsys, "policies/*.md")
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return b, fmt.Errorf("read %s: %w", name, err)
		}
		p, err := ParsePolicy(path.Base(name), data)
		if err != nil {
			return b, err
		}
		if want := path.Base(name); want != p.Slug+".md" {
			return b, fmt.Errorf("%s: slug %s does not match the file name", name, p.Slug)
		}
		b.Policies = append(b.Policies, p)
	}
	b.Documents, err = readDocuments(fsys)
	return b, err
}

// ParseJurisdictions reads the code,name,region,subregion CSV of ISO
// countries and adds the EU and INT.
func ParseJurisdictions(r io.Reader) ([]store.Jurisdiction, error) {
	cr := csv.NewReader(r)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("jurisdictions.csv: %w", err)
	}
	if len(rows) == 0 || len(rows[0]) != 4 || rows[0][0] != "code" {
		return nil, errors.New("jurisdictions.csv: header must be code,name,region,subregion")
	}
	out := make([]store.Jurisdiction, 0, len(rows)+len(extraJurisdictions))
	for _, r := range rows[1:] {
		out = append(out, store.Jurisdiction{Code: r[0], Name: r[1], Kind: "country", Region: r[2], Subregion: r[3]})
	}
	return append(out, extraJurisdictions...), nil
}

// ParseFramework reads a framework YAML file.
func ParseFramework(b []byte) (store.Framework, error) {
	js, err := yamlToJSON(b)
	if err != nil {
		return store.Framework{}, err
	}
	var fw store.Framework
	if err := decodeStrict(js, &fw); err != nil {
		return store.Framework{}, err
	}
	if err := fw.Validate(); err != nil {
		return store.Framework{}, err
	}
	return fw, nil
}

// seededKey records in the database when the shipped content was loaded.
const seededKey = "content_seeded_at"

// ShippedGroupName is the working group's name the shipped content sets
// when none is set yet.
const ShippedGroupName = "DC-ISSS WG1 IoT sub-group"

// Seed loads a bundle into db the first time only: the vocabularies
// (jurisdictions, topics) are refreshed on every call, since they only grow,
// but frameworks and policies are loaded once, and the example documents
// once too (under their own key, so a database from before they shipped
// gets them), so that a restart neither duplicates nor overwrites what
// members have since edited.
func Seed(ctx context.Context, db *store.DB, b Bundle) (loaded bool, err error) {
	if err := db.UpsertJurisdictions(ctx, b.Jurisdictions); err != nil {
		return false, fmt.Errorf("seed jurisdictions: %w", err)
	}
	if err := db.UpsertTopics(ctx, store.DefaultTopics); err != nil {
		return false, fmt.Errorf("seed topics: %w", err)
	}
	ctx = store.WithActor(ctx, store.Actor{Process: "system"})
	if err := seedGroupName(ctx, db); err != nil {
		return false, err
	}
	done, err := db.Meta(ctx, seededKey)
	if err != nil {
		return false, err
	}
	if done != "" {
		return false, seedDocuments(ctx, db, b.Documents, shippedFramework(b))
	}
	for _, fw := range b.Frameworks {
		if err := db.UpsertFramework(ctx, fw); err != nil {
			return false, fmt.Errorf("seed framework %s: %w", fw.Slug, err)
		}
	}
	if _, err := db.SavePolicies(ctx, b.Policies, store.Upsert); err != nil {
		return false, fmt.Errorf("seed policies: %w", err)
	}
	if err := db.SetMeta(ctx, seededKey, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return false, err
	}
	return true, seedDocuments(ctx, db, b.Documents, shippedFramework(b))
}

// seedGroupName sets the working group's name when none is set, leaving
// an operator's own name alone.
func seedGroupName(ctx context.Context, db *store.DB) error {
	name, err := db.GroupName(ctx)
	if err != nil || name != "" {
		return err
	}
	if err := db.SetGroupName(ctx, ShippedGroupName); err != nil {
		return fmt.Errorf("seed the working group's name: %w", err)
	}
	return nil
}

// shippedFramework is the framework that shipped documents' [#CODE]
// citations refer to: the bundle's first.
func shippedFramework(b Bundle) string {
	if len(b.Frameworks) == 0 {
		return "dc-isss-iot"
	}
	return b.Frameworks[0].Slug
}
