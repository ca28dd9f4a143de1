package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Framework is a tree of coded items that policies are mapped to, such as
// the working group's research questions and common challenges.
type Framework struct {
	Slug        string  `json:"slug"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Source      string  `json:"source"`
	Items       []*Item `json:"items"` // roots, each with its children
}

// Item is one node of a framework: a research question, a sub-question, a
// challenge, a provision group.
type Item struct {
	ID       int64   `json:"-"`
	Code     string  `json:"code"`
	Kind     string  `json:"kind"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	Children []*Item `json:"children"`

	Framework string `json:"-"`
	Parent    string `json:"-"`
}

// Walk calls fn on every item of the tree, parents before children.
func (f *Framework) Walk(fn func(*Item)) {
	var walk func([]*Item)
	walk = func(items []*Item) {
		for _, it := range items {
			fn(it)
			walk(it.Children)
		}
	}
	walk(f.Items)
}

// Validate checks the framework's slug, title and item codes.
func (f *Framework) Validate() error {
	pr := problems{}
	if !ValidSlug(f.Slug) {
		pr.add("slug", "Use lowercase letters, digits and single hyphens only")
	}
	if strings.TrimSpace(f.Title) == "" {
		pr.add("title", "Enter the framework's title")
	}
	seen := map[string]bool{}
	f.Walk(func(it *Item) {
		switch {
		case it.Code == "" || strings.ContainsAny(it.Code, " /?#"):
			pr.add("items", fmt.Sprintf("item code %q must be non-empty, without spaces, slashes, ? or #", it.Code))
		case seen[it.Code]:
			pr.add("items", fmt.Sprintf("item code %s appears twice", it.Code))
		case strings.TrimSpace(it.Title) == "":
			pr.add("items", fmt.Sprintf("item %s has no title", it.Code))
		}
		seen[it.Code] = true
	})
	return pr.err()
}

// UpsertFramework creates or replaces a framework's title and items by code.
// Items no longer present are deleted with their mappings.
func (db *DB) UpsertFramework(ctx context.Context, f Framework) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(t *Tx) error { return t.upsertFramework(ctx, f) })
}

func (t *Tx) upsertFramework(ctx context.Context, f Framework) error {
	_, err := t.exec(ctx, `INSERT INTO frameworks (slug, title, description, source) VALUES (?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description, source = excluded.source`,
		f.Slug, f.Title, f.Description, f.Source)
	if err != nil {
		return fmt.Errorf("upsert framework %s: %w", f.Slug, err)
	}
	var fid int64
	if err := t.tx.QueryRowContext(ctx, "SELECT id FROM frameworks WHERE slug = ?", f.Slug).Scan(&fid); err != nil {
		return fmt.Errorf("upsert framework %s: %w", f.Slug, err)
	}
	var codes []string
	pos := 0
	var put func(parent *int64, items []*Item) error
	put = func(parent *int64, items []*Item) error {
		for _, it := range items {
			pos++
			var id int64
			err := t.tx.QueryRowContext(ctx, `INSERT INTO items (framework_id, parent_id, code, kind, title, text, pos)
				VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (framework_id, code) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind,
				title = excluded.title, text = excluded.text, pos = excluded.pos
				RETURNING id`, fid, parent, it.Code, it.Kind, it.Title, it.Text, pos).Scan(&id)
			if err != nil {
				return fmt.Errorf("upsert item %s/%s: %w", f.Slug, it.Code, err)
			}
			codes = append(codes, it.Code)
			if err := put(&id, it.Children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := put(nil, f.Items); err != nil {
		return err
	}
	args := append([]any{fid}, anys(codes)...)
	if _, err := t.exec(ctx, "DELETE FROM items WHERE framework_id = ? AND code NOT IN ("+placeholders(len(codes))+")", args...); err != nil {
		return fmt.Errorf("prune items of %s: %w", f.Slug, err)
	}
	if err := t.refreshAllTerms(ctx); err != nil {
		return err
	}
	if err := t.change(ctx, "framework", f.Slug, "upsert"); err != nil {
		return err
	}
	return t.audit(ctx, "framework.upsert", "framework/"+f.Slug, "")
}

// Frameworks lists every framework without its items.
func (db *DB) Frameworks(ctx context.Context) ([]Framework, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT slug, title, description, source FROM frameworks ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list frameworks: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Framework, error) {
		var f Framework
		return f, r.Scan(&f.Slug, &f.Title, &f.Description, &f.Source)
	})
}

// Framework returns one framework with its item tree.
func (db *DB) Framework(ctx context.Context, slug string) (Framework, error) {
	var f Framework
	var fid int64
	err := db.read.QueryRowContext(ctx, "SELECT id, slug, title, description, source FROM frameworks WHERE slug = ?", slug).
		Scan(&fid, &f.Slug, &f.Title, &f.Description, &f.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return Framework{}, fmt.Errorf("framework %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Framework{}, fmt.Errorf("framework %s: %w", slug, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT i.id, i.code, i.kind, i.title, i.text, IFNULL(p.code, '')
		FROM items i LEFT JOIN items p ON p.id = i.parent_id WHERE i.framework_id = ? ORDER BY i.pos`, fid)
	if err != nil {
		return Framework{}, fmt.Errorf("items of %s: %w", slug, err)
	}
	items, err := collect(rows, func(r *sql.Rows) (*Item, error) {
		it := &Item{Framework: slug, Children: []*Item{}}
		return it, r.Scan(&it.ID, &it.Code, &it.Kind, &it.Title, &it.Text, &it.Parent)
	})
	if err != nil {
		return Framework{}, fmt.Errorf("items of %s: %w", slug, err)
	}
	byCode := map[string]*Item{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	f.Items = []*Item{}
	for _, it := range items {
		if p, ok := byCode[it.Parent]; ok {
			p.Children = append(p.Children, it)
		} else {
			f.Items = append(f.Items, it)
		}
	}
	return f, nil
}

// Item returns one item of a framework, without children.
func (db *DB) Item(ctx context.Context, framework, code string) (Item, error) {
	it := Item{Framework: framework}
	err := db.read.QueryRowContext(ctx, `SELECT i.id, i.code, i.kind, i.title, i.text, IFNULL(p.code, '')
		FROM items i JOIN frameworks f ON f.id = i.framework_id LEFT JOIN items p ON p.id = i.parent_id
		WHERE f.slug = ? AND i.code = ?`, framework, code).
		Scan(&it.ID, &it.Code, &it.Kind, &it.Title, &it.Text, &it.Parent)
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("item %s/%s: %w", framework, code, ErrNotFound)
	}
	if err != nil {
		return Item{}, fmt.Errorf("item %s/%s: %w", framework, code, err)
	}
	return it, nil
}
