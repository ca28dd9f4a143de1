package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CreateDocument saves a new document with its first version, in one
// transaction. The signed-in actor of ctx becomes its first owner. A slug
// already in use is a *ValidationError on the field "slug".
func (db *DB) CreateDocument(ctx context.Context, d Document, v NewVersion) (Document, error) {
	d.Status = StatusDraft
	pr := problems{}
	if err := d.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			pr = ve.Fields
		}
	}
	if err := v.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for k, m := range ve.Fields {
				pr.add(k, m)
			}
		}
	}
	if err := pr.err(); err != nil {
		return Document{}, err
	}
	if v.Base != 0 {
		return Document{}, fmt.Errorf("create document %s: first version cannot have a base: %w", d.Slug, ErrConflict)
	}
	err := db.update(ctx, func(t *Tx) error {
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM documents WHERE slug = ?", d.Slug).Scan(&n); err != nil {
			return fmt.Errorf("create document %s: %w", d.Slug, err)
		}
		if n > 0 {
			return &ValidationError{Fields: map[string]string{"slug": "A document with this slug exists already; choose another"}}
		}
		a := ActorFrom(ctx)
		var uid any
		if a.UserID != 0 {
			uid = a.UserID
		}
		res, err := t.exec(ctx, `INSERT INTO documents (slug, title, summary, status, next_para, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, 1, ?, ?, ?)`, d.Slug, d.Title, d.Summary, d.Status, uid, t.stamp(), t.stamp())
		if err != nil {
			return fmt.Errorf("create document %s: %w", d.Slug, err)
		}
		docID, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create document %s: %w", d.Slug, err)
		}
		if uid != nil {
			if _, err := t.exec(ctx, "INSERT INTO document_owners (document_id, user_id) VALUES (?, ?)", docID, uid); err != nil {
				return fmt.Errorf("create document %s: owner: %w", d.Slug, err)
			}
		}
		if err := t.insertVersion(ctx, docID, d.Slug, 1, v); err != nil {
			return err
		}
		if err := t.change(ctx, "document", d.Slug, "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "document.create", "document:"+d.Slug, d.Title)
	})
	if err != nil {
		return Document{}, err
	}
	return db.Document(ctx, d.Slug)
}

// SaveVersion adds the next version of a document. v.Base must be the
// number of the document's newest version, the one v's paragraph ids were
// matched against; otherwise someone saved in between and the answer is
// ErrConflict, so that no edit is silently lost.
func (db *DB) SaveVersion(ctx context.Context, slug string, v NewVersion) (Version, error) {
	if err := v.Validate(); err != nil {
		return Version{}, err
	}
	var number int
	err := db.update(ctx, func(t *Tx) error {
		var docID int64
		var latest int
		err := t.tx.QueryRowContext(ctx, `SELECT d.id, IFNULL(MAX(v.number), 0) FROM documents d
			LEFT JOIN document_versions v ON v.document_id = d.id WHERE d.slug = ? GROUP BY d.id`, slug).Scan(&docID, &latest)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("document %s: %w", slug, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("save version of %s: %w", slug, err)
		}
		if v.Base != latest {
			return fmt.Errorf("save version of %s: based on version %d but version %d was saved since: %w", slug, v.Base, latest, ErrConflict)
		}
		number = latest + 1
		if err := t.insertVersion(ctx, docID, slug, number, v); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE documents SET updated_at = ? WHERE id = ?", t.stamp(), docID); err != nil {
			return fmt.Errorf("save version of %s: %w", slug, err)
		}
		if err := t.change(ctx, "document", slug, "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "document.version", "document:"+slug, fmt.Sprintf("version %d: %s", number, v.Note))
	})
	if err != nil {
		return Version{}, err
	}
	return db.Version(ctx, slug, number)
}

// insertVersion writes version number of document docID with its
// paragraphs, citations and id map, and moves the paragraph counter on.
func (t *Tx) insertVersion(ctx context.Context, docID int64, slug string, number int, v NewVersion) error {
	a := ActorFrom(ctx)
	var uid any
	author := a.Name()
	if a.UserID != 0 {
		uid = a.UserID
		// Versions become public when published: a member who gave no name
		// is shown as a member, never by their email address.
		var name string
		if err := t.tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", a.UserID).Scan(&name); err == nil {
			author = cmp.Or(name, anonymousMember)
		}
	}
	res, err := t.exec(ctx, `INSERT INTO document_versions (document_id, number, author_id, author, note, source, html, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, docID, number, uid, author, strings.TrimSpace(v.Note), v.Source, v.HTML, t.stamp())
	if err != nil {
		return fmt.Errorf("save version %d of %s: %w", number, slug, err)
	}
	vid, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("save version %d of %s: %w", number, slug, err)
	}
	for i, p := range v.Paragraphs {
		if _, err := t.exec(ctx, `INSERT INTO paragraphs (version_id, pid, position, section, ordinal, kind, text, html)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, vid, p.ID, i, p.Section, p.Ordinal, p.Kind, p.Text, p.HTML); err != nil {
			return fmt.Errorf("save paragraph %s of %s: %w", p.ID, slug, err)
		}
	}
	for _, c := range v.Citations {
		if _, err := t.exec(ctx, `INSERT INTO citations (version_id, pid, kind, target, ref, framework, line)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, vid, c.Paragraph, c.Kind, c.Target, c.Ref, c.Framework, c.Line); err != nil {
			return fmt.Errorf("save citation of %s: %w", slug, err)
		}
	}
	for _, m := range v.Map {
		if _, err := t.exec(ctx, `INSERT INTO paragraph_map (to_version_id, old_pid, new_pid, relation, similarity)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, vid, m.Old, m.New, m.Relation, m.Similarity); err != nil {
			return fmt.Errorf("save paragraph map of %s: %w", slug, err)
		}
	}
	if _, err := t.exec(ctx, "UPDATE documents SET next_para = MAX(next_para, ?) WHERE id = ?", v.NextParagraph, docID); err != nil {
		return fmt.Errorf("save version %d of %s: %w", number, slug, err)
	}
	return nil
}

// SetDocumentStatus moves a document to another status, following the
// rules of CanMove. Publishing publishes the newest version as the next
// edition (see Publish), with the same rules.
func (db *DB) SetDocumentStatus(ctx context.Context, slug, to string) error {
	return db.update(ctx, func(t *Tx) error {
		var id int64
		var from string
		err := t.tx.QueryRowContext(ctx, "SELECT id, status FROM documents WHERE slug = ?", slug).Scan(&id, &from)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("document %s: %w", slug, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("set status of %s: %w", slug, err)
		}
		if !CanMove(from, to) {
			next := NextStatuses(from)
			msg := fmt.Sprintf("A document in status %s cannot move to %s", from, to)
			if len(next) > 0 {
				msg += "; choose one of " + strings.Join(next, ", ")
			}
			return &ValidationError{Fields: map[string]string{"status": msg}}
		}
		if to == StatusPublished {
			// Publishing the newest version makes it an edition, unless it
			// is one already (a document back from review unchanged).
			var latest int
			var done bool
			if err := t.tx.QueryRowContext(ctx, `SELECT l.n, EXISTS (SELECT 1 FROM editions e WHERE e.document_id = ? AND e.version = l.n)
				FROM (SELECT IFNULL(MAX(number), 0) AS n FROM document_versions WHERE document_id = ?) l`,
				id, id).Scan(&latest, &done); err != nil {
				return fmt.Errorf("publish %s: %w", slug, err)
			}
			if !done {
				_, err := t.publish(ctx, slug, latest, "")
				return err
			}
		}
		if _, err := t.exec(ctx, "UPDATE documents SET status = ?, updated_at = ? WHERE id = ?", to, t.stamp(), id); err != nil {
			return fmt.Errorf("set status of %s: %w", slug, err)
		}
		if err := t.change(ctx, "document", slug, "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "document.status", "document:"+slug, from+" -> "+to)
	})
}

// documentCols reads a document; its four placeholders all take the
// current time (documentArgs), which decides which consultations have
// opened or closed.
const documentCols = `d.id, d.slug, d.title, d.summary, d.status, d.next_para, d.created_at, d.updated_at,
	IFNULL(NULLIF(u.name, ''), CASE WHEN u.id IS NULL THEN '' ELSE '` + anonymousMember + `' END),
	(SELECT IFNULL(MAX(number), 0) FROM document_versions WHERE document_id = d.id),
	(SELECT IFNULL(MAX(number), 0) FROM document_versions WHERE document_id = d.id AND published_at <> ''),
	(SELECT IFNULL(MAX(version), 0) FROM consultations WHERE document_id = d.id AND opens_at <= ?),
	EXISTS (SELECT 1 FROM consultations WHERE document_id = d.id AND opens_at <= ? AND closes_at > ?),
	EXISTS (SELECT 1 FROM consultations WHERE document_id = d.id AND closes_at <= ?)`

func documentArgs(now time.Time) []any {
	s := stampOf(now)
	return []any{s, s, s, s}
}

func scanDocument(r interface{ Scan(...any) error }) (int64, Document, error) {
	var d Document
	var id int64
	var created, updated string
	var open, closed bool
	err := r.Scan(&id, &d.Slug, &d.Title, &d.Summary, &d.Status, &d.NextParagraph, &created, &updated,
		&d.CreatedBy, &d.Latest, &d.LatestPublic, &d.LatestConsulted, &open, &closed)
	d.CreatedAt, _ = time.Parse(time.RFC3339, created)
	d.UpdatedAt, _ = time.Parse(time.RFC3339, updated)
	d.stored = d.Status
	d.Status = derivedStatus(d.stored, open, closed)
	return id, d, err
}

// Document returns a document with its owners and the list of its
// versions, whatever its status: callers decide with VisibleTo who may see
// it.
func (db *DB) Document(ctx context.Context, slug string) (Document, error) {
	var d Document
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = documentIn(ctx, tx, slug, db.Now())
		return err
	})
	return d, err
}

func documentIn(ctx context.Context, q querier, slug string, now time.Time) (Document, error) {
	row := q.QueryRowContext(ctx, "SELECT "+documentCols+
		" FROM documents d LEFT JOIN users u ON u.id = d.created_by WHERE d.slug = ?", append(documentArgs(now), slug)...)
	id, d, err := scanDocument(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("document %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("read document %s: %w", slug, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT IFNULL(NULLIF(u.name, ''), '`+anonymousMember+`') FROM document_owners o
		JOIN users u ON u.id = o.user_id WHERE o.document_id = ? ORDER BY u.name, u.email`, id)
	if err != nil {
		return Document{}, fmt.Errorf("read owners of %s: %w", slug, err)
	}
	if d.Owners, err = collect(rows, scanString); err != nil {
		return Document{}, fmt.Errorf("read owners of %s: %w", slug, err)
	}
	consulted, _, _, err := consultedVersions(ctx, q, id, now)
	if err != nil {
		return Document{}, err
	}
	rows, err = q.QueryContext(ctx, `SELECT number, author, note, created_at, published_at <> ''
		FROM document_versions WHERE document_id = ? ORDER BY number`, id)
	if err != nil {
		return Document{}, fmt.Errorf("read versions of %s: %w", slug, err)
	}
	if d.Versions, err = collect(rows, func(r *sql.Rows) (VersionInfo, error) {
		var v VersionInfo
		var at string
		err := r.Scan(&v.Number, &v.Author, &v.Note, &at, &v.Published)
		v.CreatedAt, _ = time.Parse(time.RFC3339, at)
		v.Consulted = consulted[v.Number]
		return v, err
	}); err != nil {
		return Document{}, fmt.Errorf("read versions of %s: %w", slug, err)
	}
	return d, nil
}

// Documents lists documents by title; with publicOnly, only those the
// public may see (published, with a published version, or with a version
// under a consultation that has opened). Owners and versions are not
// filled in.
func (db *DB) Documents(ctx context.Context, publicOnly bool) ([]Document, error) {
	q := "SELECT " + documentCols + " FROM documents d LEFT JOIN users u ON u.id = d.created_by"
	args := documentArgs(db.Now())
	if publicOnly {
		q += ` WHERE (d.status = 'published' AND EXISTS (SELECT 1 FROM document_versions WHERE document_id = d.id AND published_at <> ''))
			OR EXISTS (SELECT 1 FROM consultations WHERE document_id = d.id AND opens_at <= ?)`
		args = append(args, stampOf(db.Now()))
	}
	rows, err := db.read.QueryContext(ctx, q+" ORDER BY d.title COLLATE NOCASE, d.slug", args...)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Document, error) {
		_, d, err := scanDocument(r)
		return d, err
	})
}

// Version returns version n of a document with its paragraphs in reading
// order, its citations, and the map from the previous version's ids.
func (db *DB) Version(ctx context.Context, slug string, n int) (Version, error) {
	var v Version
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = versionIn(ctx, tx, slug, n)
		return err
	})
	return v, err
}

// versionIn reads version n in q, a read or write transaction.
func versionIn(ctx context.Context, q querier, slug string, n int) (Version, error) {
	var v Version
	var vid int64
	var at, published string
	err := q.QueryRowContext(ctx, `SELECT v.id, v.number, v.author, v.note, v.source, v.html, v.created_at, v.published_at
		FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.slug = ? AND v.number = ?`, slug, n).
		Scan(&vid, &v.Number, &v.Author, &v.Note, &v.Source, &v.HTML, &at, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, fmt.Errorf("version %d of %s: %w", n, slug, ErrNotFound)
	}
	if err != nil {
		return Version{}, fmt.Errorf("read version %d of %s: %w", n, slug, err)
	}
	v.Document = slug
	v.CreatedAt, _ = time.Parse(time.RFC3339, at)
	v.Published = published != ""
	rows, err := q.QueryContext(ctx, `SELECT pid, position, section, ordinal, kind, text, html
		FROM paragraphs WHERE version_id = ? ORDER BY position`, vid)
	if err != nil {
		return Version{}, fmt.Errorf("read paragraphs of %s v%d: %w", slug, n, err)
	}
	if v.Paragraphs, err = collect(rows, func(r *sql.Rows) (Paragraph, error) {
		var p Paragraph
		return p, r.Scan(&p.ID, &p.Position, &p.Section, &p.Ordinal, &p.Kind, &p.Text, &p.HTML)
	}); err != nil {
		return Version{}, fmt.Errorf("read paragraphs of %s v%d: %w", slug, n, err)
	}
	rows, err = q.QueryContext(ctx, `SELECT pid, kind, target, ref, framework, line
		FROM citations WHERE version_id = ? ORDER BY rowid`, vid)
	if err != nil {
		return Version{}, fmt.Errorf("read citations of %s v%d: %w", slug, n, err)
	}
	if v.Citations, err = collect(rows, func(r *sql.Rows) (Citation, error) {
		var c Citation
		return c, r.Scan(&c.Paragraph, &c.Kind, &c.Target, &c.Ref, &c.Framework, &c.Line)
	}); err != nil {
		return Version{}, fmt.Errorf("read citations of %s v%d: %w", slug, n, err)
	}
	rows, err = q.QueryContext(ctx, `SELECT old_pid, new_pid, relation, similarity
		FROM paragraph_map WHERE to_version_id = ? ORDER BY rowid`, vid)
	if err != nil {
		return Version{}, fmt.Errorf("read paragraph map of %s v%d: %w", slug, n, err)
	}
	if v.Map, err = collect(rows, func(r *sql.Rows) (IDMapping, error) {
		var m IDMapping
		return m, r.Scan(&m.Old, &m.New, &m.Relation, &m.Similarity)
	}); err != nil {
		return Version{}, fmt.Errorf("read paragraph map of %s v%d: %w", slug, n, err)
	}
	return v, nil
}

// PublicVersion is what the search indexer (and any public reader) may
// show of a document: the document and its newest public version (published,
// or under a consultation that has opened) with paragraphs. A document with
// no public version is ErrNotFound, so that drafts never reach a public
// index.
func (db *DB) PublicVersion(ctx context.Context, slug string) (Document, Version, error) {
	d, err := db.Document(ctx, slug)
	if err != nil {
		return Document{}, Version{}, err
	}
	if !d.VisibleTo(nil) {
		return Document{}, Version{}, fmt.Errorf("public version of %s: %w", slug, ErrNotFound)
	}
	v, err := db.Version(ctx, slug, d.LatestVisible(nil))
	if err != nil {
		return Document{}, Version{}, err
	}
	return d, v, nil
}

// DocumentSlugs lists the slug of every document, for a full reindex;
// PublicVersion then says which of them the public may see.
func (db *DB) DocumentSlugs(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT slug FROM documents ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list document slugs: %w", err)
	}
	return collect(rows, scanString)
}

// VersionNumber parses a version number from a URL, refusing anything but
// a positive whole number.
func VersionNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 1_000_000
}

// anonymousMember stands for a member who gave no name, wherever documents
// name their authors and owners (published documents are public).
const anonymousMember = "A working-group member"
