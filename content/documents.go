package content

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
)

// DocumentSource is a shipped document: a folder documents/SLUG/ with one
// Markdown file per version, v1.md, v2.md... The first file's front matter
// gives slug, title, summary and note; later files give only a note.
type DocumentSource struct {
	Slug, Title, Summary string
	Versions             []VersionSource
}

// VersionSource is one shipped version: its note and Markdown body.
type VersionSource struct {
	Note, Body string
}

type versionFront struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Note    string `json:"note"`
}

// readDocuments reads every documents/*/v*.md of fsys.
func readDocuments(fsys fs.FS) ([]DocumentSource, error) {
	dirs, _ := fs.Glob(fsys, "documents/*")
	sort.Strings(dirs)
	var out []DocumentSource
	for _, dir := range dirs {
		names, _ := fs.Glob(fsys, dir+"/v*.md")
		// v10.md sorts after v9.md.
		sort.Slice(names, func(i, j int) bool { return versionOf(names[i]) < versionOf(names[j]) })
		var d DocumentSource
		for i, name := range names {
			if versionOf(name) != i+1 {
				return nil, fmt.Errorf("%s: versions must be numbered v1.md, v2.md... without gaps", name)
			}
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			front, body, _, err := SplitFrontMatter(data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			js, err := yamlToJSON(front)
			if err != nil {
				return nil, fmt.Errorf("%s: front matter: %w", name, err)
			}
			var vf versionFront
			if err := decodeStrict(js, &vf); err != nil {
				return nil, fmt.Errorf("%s: front matter: %w", name, err)
			}
			if i == 0 {
				d.Slug, d.Title, d.Summary = vf.Slug, vf.Title, vf.Summary
				if d.Slug != path.Base(dir) {
					return nil, fmt.Errorf("%s: slug %q does not match the folder name", name, d.Slug)
				}
			} else if vf.Slug != "" || vf.Title != "" || vf.Summary != "" {
				return nil, fmt.Errorf("%s: only v1.md gives slug, title and summary", name)
			}
			d.Versions = append(d.Versions, VersionSource{Note: vf.Note, Body: string(body)})
		}
		if len(d.Versions) > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

func versionOf(name string) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "v"), ".md"))
	return n
}

// documentsSeededKey records when the shipped documents were loaded. It is
// apart from the policies' key so that a database seeded before documents
// shipped still gets them, once.
const documentsSeededKey = "content_documents_seeded_at"

// seedDocuments saves each shipped document with all its versions, once. A
// document whose slug is already taken is left alone.
func seedDocuments(ctx context.Context, db *store.DB, docs []DocumentSource, framework string) error {
	done, err := db.Meta(ctx, documentsSeededKey)
	if err != nil || done != "" {
		return err
	}
	d := Drafts{DB: db, MD: NewMarkdown(), Framework: framework}
	for _, src := range docs {
		_, err := db.Document(ctx, src.Slug)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		for i, v := range src.Versions {
			if i == 0 {
				_, err = d.Create(ctx, store.Document{Slug: src.Slug, Title: src.Title, Summary: src.Summary}, v.Body, v.Note)
			} else {
				_, err = d.Revise(ctx, src.Slug, i, v.Body, v.Note)
			}
			if err != nil {
				return fmt.Errorf("seed document %s version %d: %w", src.Slug, i+1, err)
			}
		}
	}
	return db.SetMeta(ctx, documentsSeededKey, time.Now().UTC().Format(time.RFC3339))
}
