package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// view runs fn in one read-only transaction, so that a read made of several
// queries sees one state of the database.
func (db *DB) view(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// CreateConsultation opens a consultation on a version of a document. The
// document and version must exist, question sections must be sections of
// that version, and the document may have no other consultation that has
// not closed (ErrConsultationExists).
func (db *DB) CreateConsultation(ctx context.Context, c Consultation) (Consultation, error) {
	if err := c.Validate(); err != nil {
		return Consultation{}, err
	}
	err := db.update(ctx, func(t *Tx) error {
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM consultations WHERE slug = ?", c.Slug).Scan(&n); err != nil {
			return fmt.Errorf("create consultation %s: %w", c.Slug, err)
		}
		if n > 0 {
			return &ValidationError{Fields: map[string]string{"slug": "A consultation with this slug exists already; choose another"}}
		}
		docID, err := t.consultedVersion(ctx, c)
		if err != nil {
			return err
		}
		if err := t.noOtherConsultation(ctx, docID, c.Slug); err != nil {
			return err
		}
		a := ActorFrom(ctx)
		var uid any
		if a.UserID != 0 {
			uid = a.UserID
		}
		res, err := t.exec(ctx, `INSERT INTO consultations (slug, title, document_id, version, opens_at, closes_at, timezone,
			introduction, introduction_html, moderation, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Slug, c.Title, docID, c.Version, stampOf(c.OpensAt),
			stampOf(c.ClosesAt), c.Timezone, c.Introduction, c.IntroductionHTML, c.Moderation, uid, t.stamp(), t.stamp())
		if err != nil {
			return fmt.Errorf("create consultation %s: %w", c.Slug, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create consultation %s: %w", c.Slug, err)
		}
		if err := t.saveQuestions(ctx, id, c.Questions); err != nil {
			return err
		}
		if err := t.change(ctx, "consultation", c.Slug, "upsert"); err != nil {
			return err
		}
		if err := t.change(ctx, "document", c.Document, "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "consultation.create", "consultation:"+c.Slug,
			fmt.Sprintf("%s version %d, %s to %s", c.Document, c.Version, stampOf(c.OpensAt), stampOf(c.ClosesAt)))
	})
	if err != nil {
		return Consultation{}, err
	}
	return db.Consultation(ctx, c.Slug)
}

// consultedVersion checks that c's document and version exist and that its
// questions point at sections of that version; it returns the document id.
func (t *Tx) consultedVersion(ctx context.Context, c Consultation) (int64, error) {
	var docID, versionID int64
	err := t.tx.QueryRowContext(ctx, `SELECT d.id, IFNULL(v.id, 0) FROM documents d
		LEFT JOIN document_versions v ON v.document_id = d.id AND v.number = ? WHERE d.slug = ?`, c.Version, c.Document).Scan(&docID, &versionID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &ValidationError{Fields: map[string]string{"document": "There is no document " + c.Document}}
	}
	if err != nil {
		return 0, fmt.Errorf("consultation %s: read document: %w", c.Slug, err)
	}
	if versionID == 0 {
		return 0, &ValidationError{Fields: map[string]string{"version": fmt.Sprintf("Document %s has no version %d", c.Document, c.Version)}}
	}
	pr := problems{}
	for i, q := range c.Questions {
		if q.Section == "" {
			continue
		}
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM paragraphs WHERE version_id = ? AND section = ?", versionID, q.Section).Scan(&n); err != nil {
			return 0, fmt.Errorf("consultation %s: read sections: %w", c.Slug, err)
		}
		if n == 0 {
			pr.add(fmt.Sprintf("questions[%d].section", i), fmt.Sprintf("Version %d has no section %s", c.Version, q.Section))
		}
	}
	return docID, pr.err()
}

// noOtherConsultation refuses a second consultation that has not closed on
// the same document.
func (t *Tx) noOtherConsultation(ctx context.Context, docID int64, slug string) error {
	var other string
	err := t.tx.QueryRowContext(ctx, "SELECT slug FROM consultations WHERE document_id = ? AND slug <> ? AND closes_at > ? LIMIT 1",
		docID, slug, t.stamp()).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("consultation %s: %w", slug, err)
	}
	return fmt.Errorf("consultation %s is not closed yet: %w", other, ErrConsultationExists)
}

func (t *Tx) saveQuestions(ctx context.Context, id int64, qs []Question) error {
	if _, err := t.exec(ctx, "DELETE FROM consultation_questions WHERE consultation_id = ?", id); err != nil {
		return fmt.Errorf("save questions: %w", err)
	}
	for i, q := range qs {
		if _, err := t.exec(ctx, "INSERT INTO consultation_questions (consultation_id, number, text, section) VALUES (?, ?, ?, ?)",
			id, i+1, q.Text, q.Section); err != nil {
			return fmt.Errorf("save question %d: %w", i+1, err)
		}
	}
	return nil
}

const consultationCols = `c.id, c.slug, c.title, d.slug, d.title, c.version, c.opens_at, c.closes_at, c.timezone,
	c.introduction, c.introduction_html, c.moderation, IFNULL(NULLIF(u.name, ''), CASE WHEN u.id IS NULL THEN '' ELSE '` + anonymousMember + `' END),
	c.created_at, c.updated_at, c.announced_at,
	(SELECT COUNT(*) FROM comments WHERE consultation_id = c.id AND state = 'approved'),
	(SELECT COUNT(DISTINCT paragraph) FROM comments WHERE consultation_id = c.id AND state = 'approved' AND paragraph IS NOT NULL),
	(SELECT COUNT(*) FROM comments WHERE consultation_id = c.id AND state = 'pending'),
	(SELECT COUNT(*) FROM comments WHERE consultation_id = c.id AND state = 'hidden'),
	(SELECT COUNT(*) FROM comments WHERE consultation_id = c.id AND state = 'approved' AND flagged = 1)`

const consultationFrom = ` FROM consultations c JOIN documents d ON d.id = c.document_id LEFT JOIN users u ON u.id = c.created_by`

func scanConsultation(r interface{ Scan(...any) error }) (Consultation, error) {
	var c Consultation
	var opens, closes, created, updated, announced string
	err := r.Scan(&c.ID, &c.Slug, &c.Title, &c.Document, &c.DocumentTitle, &c.Version, &opens, &closes, &c.Timezone,
		&c.Introduction, &c.IntroductionHTML, &c.Moderation, &c.CreatedBy, &created, &updated, &announced,
		&c.Counts.Approved, &c.Counts.ParagraphsCommented, &c.Counts.Pending, &c.Counts.Hidden, &c.Counts.Flagged)
	c.OpensAt, c.ClosesAt = parseTime(opens), parseTime(closes)
	c.CreatedAt, c.UpdatedAt, c.AnnouncedAt = parseTime(created), parseTime(updated), parseTime(announced)
	return c, err
}

// Consultation returns one consultation with its questions and counts.
func (db *DB) Consultation(ctx context.Context, slug string) (Consultation, error) {
	var c Consultation
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = consultationIn(ctx, tx, slug)
		return err
	})
	return c, err
}

func consultationIn(ctx context.Context, q querier, slug string) (Consultation, error) {
	c, err := scanConsultation(q.QueryRowContext(ctx, "SELECT "+consultationCols+consultationFrom+" WHERE c.slug = ?", slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Consultation{}, fmt.Errorf("consultation %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Consultation{}, fmt.Errorf("read consultation %s: %w", slug, err)
	}
	rows, err := q.QueryContext(ctx, "SELECT number, text, section FROM consultation_questions WHERE consultation_id = ? ORDER BY number", c.ID)
	if err != nil {
		return Consultation{}, fmt.Errorf("read questions of %s: %w", slug, err)
	}
	c.Questions, err = collect(rows, func(r *sql.Rows) (Question, error) {
		var q Question
		return q, r.Scan(&q.Number, &q.Text, &q.Section)
	})
	if err != nil {
		return Consultation{}, fmt.Errorf("read questions of %s: %w", slug, err)
	}
	return c, nil
}

// Consultations lists every consultation, newest opening first, with
// counts but without questions. document, when set, keeps only that
// document's.
func (db *DB) Consultations(ctx context.Context, document string) ([]Consultation, error) {
	q := "SELECT " + consultationCols + consultationFrom
	var args []any
	if document != "" {
		q += " WHERE d.slug = ?"
		args = append(args, document)
	}
	rows, err := db.read.QueryContext(ctx, q+" ORDER BY c.opens_at DESC, c.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("list consultations: %w", err)
	}
	list, err := collect(rows, func(r *sql.Rows) (Consultation, error) { return scanConsultation(r) })
	if err != nil {
		return nil, fmt.Errorf("list consultations: %w", err)
	}
	return list, nil
}

// ConsultationPatch changes a consultation. Nil fields stay as they are.
// Before the opening every field may change; once open, the opening time,
// the questions and the moderation mode are fixed (ErrConsultationOpen),
// since comments were made under them.
type ConsultationPatch struct {
	Title            *string
	OpensAt          *time.Time
	ClosesAt         *time.Time
	Timezone         *string
	Introduction     *string
	IntroductionHTML *string
	Questions        *[]Question
	Moderation       *string
}

// UpdateConsultation applies a patch. A closing time in the future reopens
// a closed consultation, unless another one of the document has opened
// meanwhile.
func (db *DB) UpdateConsultation(ctx context.Context, slug string, p ConsultationPatch) (Consultation, error) {
	err := db.update(ctx, func(t *Tx) error {
		c, err := consultationIn(ctx, t.tx, slug)
		if err != nil {
			return err
		}
		state := c.State(t.now)
		if state != ConsultationUpcoming {
			switch {
			case p.OpensAt != nil && !p.OpensAt.Equal(c.OpensAt):
				return fmt.Errorf("change the opening of %s: %w", slug, ErrConsultationOpen)
			case p.Questions != nil && !sameQuestions(*p.Questions, c.Questions):
				return fmt.Errorf("change the questions of %s: %w", slug, ErrConsultationOpen)
			case p.Moderation != nil && *p.Moderation != c.Moderation:
				return fmt.Errorf("change the moderation of %s: %w", slug, ErrConsultationOpen)
			}
		}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&c.Title, p.Title)
		set(&c.Timezone, p.Timezone)
		set(&c.Introduction, p.Introduction)
		set(&c.IntroductionHTML, p.IntroductionHTML)
		set(&c.Moderation, p.Moderation)
		if p.OpensAt != nil {
			c.OpensAt = *p.OpensAt
		}
		if p.ClosesAt != nil {
			c.ClosesAt = *p.ClosesAt
		}
		if p.Questions != nil {
			c.Questions = *p.Questions
		}
		if err := c.Validate(); err != nil {
			return err
		}
		docID, err := t.consultedVersion(ctx, c)
		if err != nil {
			return err
		}
		if state == ConsultationClosed && c.ClosesAt.After(t.now) {
			if err := t.noOtherConsultation(ctx, docID, c.Slug); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, `UPDATE consultations SET title = ?, opens_at = ?, closes_at = ?, timezone = ?, introduction = ?,
			introduction_html = ?, moderation = ?, updated_at = ? WHERE id = ?`, c.Title, stampOf(c.OpensAt), stampOf(c.ClosesAt),
			c.Timezone, c.Introduction, c.IntroductionHTML, c.Moderation, t.stamp(), c.ID); err != nil {
			return fmt.Errorf("update consultation %s: %w", slug, err)
		}
		if p.Questions != nil {
			if err := t.saveQuestions(ctx, c.ID, c.Questions); err != nil {
				return err
			}
		}
		if err := t.change(ctx, "consultation", slug, "upsert"); err != nil {
			return err
		}
		if err := t.change(ctx, "document", c.Document, "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "consultation.update", "consultation:"+slug,
			fmt.Sprintf("%s to %s", stampOf(c.OpensAt), stampOf(c.ClosesAt)))
	})
	if err != nil {
		return Consultation{}, err
	}
	return db.Consultation(ctx, slug)
}

func sameQuestions(a, b []Question) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Text != b[i].Text || a[i].Section != b[i].Section {
			return false
		}
	}
	return true
}

// DeleteConsultation removes a consultation that has not opened and has no
// comments; any other is ErrConsultationOpen.
func (db *DB) DeleteConsultation(ctx context.Context, slug string) error {
	return db.update(ctx, func(t *Tx) error {
		c, err := consultationIn(ctx, t.tx, slug)
		if err != nil {
			return err
		}
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM comments WHERE consultation_id = ?", c.ID).Scan(&n); err != nil {
			return fmt.Errorf("delete consultation %s: %w", slug, err)
		}
		if c.State(t.now) != ConsultationUpcoming || n > 0 {
			return fmt.Errorf("delete consultation %s: %w", slug, ErrConsultationOpen)
		}
		if _, err := t.exec(ctx, "DELETE FROM consultations WHERE id = ?", c.ID); err != nil {
			return fmt.Errorf("delete consultation %s: %w", slug, err)
		}
		if err := t.change(ctx, "consultation", slug, "delete"); err != nil {
			return err
		}
		if err := t.change(ctx, "document", c.Document, "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "consultation.delete", "consultation:"+slug, c.Title)
	})
}

// AnnounceOpened marks every consultation whose opening time has passed
// and that was not announced yet, appends its document to the changes feed
// (its consulted version became public, so search must index it), and
// queues, in the same transaction, the messages compose makes for those
// still open and the subscribers of TopicConsultations; it returns them.
// Each opening is announced once, whichever process asks first.
func (db *DB) AnnounceOpened(ctx context.Context, compose func(c Consultation, subscribers []User) []Message) ([]Consultation, error) {
	var out []Consultation
	err := db.update(ctx, func(t *Tx) error {
		out = nil
		rows, err := t.tx.QueryContext(ctx, "SELECT "+consultationCols+consultationFrom+
			" WHERE c.announced_at = '' AND c.opens_at <= ? ORDER BY c.opens_at", t.stamp())
		if err != nil {
			return fmt.Errorf("find opened consultations: %w", err)
		}
		list, err := collect(rows, func(r *sql.Rows) (Consultation, error) { return scanConsultation(r) })
		if err != nil {
			return fmt.Errorf("find opened consultations: %w", err)
		}
		for _, c := range list {
			if _, err := t.exec(ctx, "UPDATE consultations SET announced_at = ? WHERE id = ?", t.stamp(), c.ID); err != nil {
				return fmt.Errorf("announce %s: %w", c.Slug, err)
			}
			if err := t.change(ctx, "document", c.Document, "upsert"); err != nil {
				return err
			}
			if err := t.change(ctx, "consultation", c.Slug, "upsert"); err != nil {
				return err
			}
			// Only those still open are news; one that opened and closed while
			// no server ran is marked all the same.
			if c.State(t.now) == ConsultationOpen {
				out = append(out, c)
			}
		}
		if len(out) == 0 || compose == nil {
			return nil
		}
		subs, err := subscribersIn(ctx, t.tx, TopicConsultations)
		if err != nil {
			return err
		}
		for _, c := range out {
			for _, m := range compose(c, subs) {
				if err := t.enqueue(ctx, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// consultedVersions returns, for a document, the numbers of the versions
// under a consultation that has opened by now, and whether one is open now
// and whether one has closed.
func consultedVersions(ctx context.Context, q querier, docID int64, now time.Time) (versions map[int]bool, open, closed bool, err error) {
	rows, err := q.QueryContext(ctx, "SELECT version, opens_at, closes_at FROM consultations WHERE document_id = ? AND opens_at <= ?",
		docID, stampOf(now))
	if err != nil {
		return nil, false, false, fmt.Errorf("read consultations of document %d: %w", docID, err)
	}
	defer rows.Close()
	versions = map[int]bool{}
	for rows.Next() {
		var n int
		var opens, closes string
		if err := rows.Scan(&n, &opens, &closes); err != nil {
			return nil, false, false, err
		}
		versions[n] = true
		if stampOf(now) < closes {
			open = true
		} else {
			closed = true
		}
	}
	return versions, open, closed, rows.Err()
}

// derivedStatus is the status a document shows: consultation while one of
// its consultations is open, review after one closed until a version is
// published, otherwise the stored status.
func derivedStatus(stored string, open, closed bool) string {
	switch {
	case open && stored != StatusArchived:
		return StatusConsultation
	case closed && cmp.Or(stored, StatusDraft) == StatusDraft, closed && stored == StatusConsultation:
		return StatusReview
	case stored == StatusConsultation:
		// A status set by hand before consultations were derived.
		return StatusDraft
	}
	return stored
}
