package content

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"time"

	"github.com/dc-isss/accord/store"
)

// Bundle is a set of content ready to load into a database.
type Bundle struct {
	Jurisdictions []store.Jurisdiction
	// Blocs are the blocs of blocs.json with their member states, loaded
	// after the jurisdictions they name.
	Blocs      []store.Bloc
	Frameworks []store.Framework
	Policies   []store.Policy
	// Documents are example drafts, loaded after the policies they cite.
	Documents []DocumentSource
}

// extraJurisdictions are the codes that are neither ISO 3166-1 countries
// nor blocs (blocs.json holds those).
var extraJurisdictions = []store.Jurisdiction{
	{Code: "INT", Name: "International", Kind: "international", Region: "International"},
}

// ReadBundle reads jurisdictions.csv, blocs.json, frameworks/*.yaml, policies/*.md and
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
	data, err := fs.ReadFile(fsys, "blocs.json")
	if err != nil {
		return b, fmt.Errorf("read blocs: %w", err)
	}
	if b.Blocs, err = ParseBlocs(data, b.Jurisdictions); err != nil {
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
// countries and adds INT.
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

// ParseBlocs reads blocs.json: {"blocs": [{"code", "name", "region",
// "members": [ISO codes]}]}, checking that each member is one of the
// countries given and appears once.
func ParseBlocs(data []byte, countries []store.Jurisdiction) ([]store.Bloc, error) {
	var file struct {
		About string `json:"about"`
		Blocs []struct {
			Code    string   `json:"code"`
			Name    string   `json:"name"`
			Region  string   `json:"region"`
			Members []string `json:"members"`
		} `json:"blocs"`
	}
	if err := decodeStrict(data, &file); err != nil {
		return nil, fmt.Errorf("blocs.json: %w", err)
	}
	known := map[string]string{}
	for _, j := range countries {
		known[j.Code] = j.Kind
	}
	var out []store.Bloc
	for _, b := range file.Blocs {
		if !blocCodeRE.MatchString(b.Code) || b.Name == "" || known[b.Code] != "" {
			return nil, fmt.Errorf("blocs.json: bloc %q %q needs a free code, EU or three or more capital letters, and a name", b.Code, b.Name)
		}
		if len(b.Members) == 0 {
			return nil, fmt.Errorf("blocs.json: bloc %s has no member", b.Code)
		}
		seen := map[string]bool{}
		for _, m := range b.Members {
			if known[m] != "country" {
				return nil, fmt.Errorf("blocs.json: member %q of %s is not a country of jurisdictions.csv", m, b.Code)
			}
			if seen[m] {
				return nil, fmt.Errorf("blocs.json: %s lists %s twice", b.Code, m)
			}
			seen[m] = true
		}
		out = append(out, store.Bloc{Code: b.Code, Name: b.Name, Region: b.Region, Members: b.Members})
	}
	return out, nil
}

// blocCodeRE is the form of a bloc's code: EU, or three or more letters.
var blocCodeRE = regexp.MustCompile(`^(EU|[A-Z]{3,12})$`)

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
	if err := seedVocabularies(ctx, db, b); err != nil {
		return false, err
	}
	ctx = store.WithActor(ctx, store.Actor{Process: store.SystemProcess})
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
	if err := db.SetMeta(ctx, syncedKey, Fingerprint(b)); err != nil {
		return false, err
	}
	return true, seedDocuments(ctx, db, b.Documents, shippedFramework(b))
}

// seedVocabularies refreshes the jurisdictions, blocs and topics, which
// only grow, and sets the working group's name when none is set.
func seedVocabularies(ctx context.Context, db *store.DB, b Bundle) error {
	if err := db.UpsertJurisdictions(ctx, b.Jurisdictions); err != nil {
		return fmt.Errorf("seed jurisdictions: %w", err)
	}
	if err := db.SaveBlocs(ctx, b.Blocs); err != nil {
		return fmt.Errorf("seed blocs: %w", err)
	}
	if err := db.UpsertTopics(ctx, store.DefaultTopics); err != nil {
		return fmt.Errorf("seed topics: %w", err)
	}
	return seedGroupName(store.WithActor(ctx, store.Actor{Process: store.SystemProcess}), db)
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
