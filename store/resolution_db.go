package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// actorName is the name a member's action is shown under: their name, or
// anonymousMember when they gave none (never their email: it is public).
func (t *Tx) actorName(ctx context.Context) (any, string) {
	a := ActorFrom(ctx)
	if a.UserID == 0 {
		// A process (the command line) acts for the group: its answers are
		// signed as a member's, never "cli".
		return nil, anonymousMember
	}
	var name string
	if err := t.tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", a.UserID).Scan(&name); err != nil || name == "" {
		return a.UserID, anonymousMember
	}
	return a.UserID, name
}

// SetDisposition gives an approved comment the working group's answer, or
// revises it. The version it was addressed in must be later than the
// consulted one, and its paragraphs must be paragraphs of that version.
// Every disposition is kept and audited; notify, if not nil, composes the
// message to the author.
func (db *DB) SetDisposition(ctx context.Context, id int64, d Disposition, notify Notifier) (Comment, error) {
	if err := d.validate().err(); err != nil {
		return Comment{}, err
	}
	var out Comment
	err := db.update(ctx, func(t *Tx) error {
		m, err := commentIn(ctx, t.tx, id)
		if err != nil {
			return err
		}
		out, err = t.disposeOne(ctx, m, d, notify)
		return err
	})
	return out, err
}

// disposeOne writes a disposition of comment m inside t, tells its author
// through notify, and returns the comment as it now is. Every way of
// giving a disposition (one comment, a campaign group, an imported table)
// comes through here.
func (t *Tx) disposeOne(ctx context.Context, m Comment, d Disposition, notify Notifier) (Comment, error) {
	if m.State != CommentApproved {
		return Comment{}, &ValidationError{Fields: map[string]string{"disposition": "Only approved comments get a disposition; approve or leave this one first"}}
	}
	if err := t.checkAddressed(ctx, m, d.AddressedIn); err != nil {
		return Comment{}, err
	}
	uid, name := t.actorName(ctx)
	var n int
	if err := t.tx.QueryRowContext(ctx, "SELECT IFNULL(MAX(number), 0) + 1 FROM comment_dispositions WHERE comment_id = ?", m.ID).Scan(&n); err != nil {
		return Comment{}, fmt.Errorf("dispose of comment %d: %w", m.ID, err)
	}
	paras := strings.Join(d.AddressedIn.Paragraphs, ";")
	if _, err := t.exec(ctx, `INSERT INTO comment_dispositions (comment_id, number, disposition, rationale, rationale_html,
		addressed_version, addressed_paragraphs, by_id, by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, n, d.Value, d.Rationale, d.RationaleHTML, d.AddressedIn.Version, paras, uid, name, t.stamp()); err != nil {
		return Comment{}, fmt.Errorf("dispose of comment %d: %w", m.ID, err)
	}
	if _, err := t.exec(ctx, `UPDATE comments SET disposition = ?, rationale = ?, rationale_html = ?, addressed_version = ?,
		addressed_paragraphs = ?, disposed_by = ?, disposed_at = ? WHERE id = ?`,
		d.Value, d.Rationale, d.RationaleHTML, d.AddressedIn.Version, paras, name, t.stamp(), m.ID); err != nil {
		return Comment{}, fmt.Errorf("dispose of comment %d: %w", m.ID, err)
	}
	key := strconv.FormatInt(m.ID, 10)
	if err := t.change(ctx, "comment", key, "upsert"); err != nil {
		return Comment{}, err
	}
	detail := d.Value
	if a := d.AddressedIn.String(); a != "" {
		detail += ", addressed in " + a
	}
	if err := t.audit(ctx, "comment.disposition", "comment:"+key, fmt.Sprintf("revision %d: %s", n, detail)); err != nil {
		return Comment{}, err
	}
	out, err := commentIn(ctx, t.tx, m.ID)
	if err != nil || out.AuthorID == 0 {
		return out, err
	}
	author, err := t.user(ctx, out.AuthorID)
	if err != nil {
		return Comment{}, err
	}
	return out, t.notify(ctx, notify, out, author)
}

// checkAddressed checks that a names a version of the consulted document
// later than the consulted one, and paragraphs of it.
func (t *Tx) checkAddressed(ctx context.Context, m Comment, a Addressed) error {
	if a.Version == 0 {
		return nil
	}
	if a.Version <= m.Version {
		return &ValidationError{Fields: map[string]string{"addressed_in.version": fmt.Sprintf(
			"Name a version after the consulted version %d", m.Version)}}
	}
	var vid int64
	err := t.tx.QueryRowContext(ctx, `SELECT v.id FROM document_versions v JOIN documents d ON d.id = v.document_id
		WHERE d.slug = ? AND v.number = ?`, m.Document, a.Version).Scan(&vid)
	if errors.Is(err, sql.ErrNoRows) {
		return &ValidationError{Fields: map[string]string{"addressed_in.version": fmt.Sprintf("The document has no version %d yet", a.Version)}}
	}
	if err != nil {
		return fmt.Errorf("check version %d of %s: %w", a.Version, m.Document, err)
	}
	pr := problems{}
	for i, pid := range a.Paragraphs {
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM paragraphs WHERE version_id = ? AND pid = ?", vid, pid).Scan(&n); err != nil {
			return fmt.Errorf("check paragraph %s: %w", pid, err)
		}
		if n == 0 {
			pr.add(fmt.Sprintf("addressed_in.paragraphs[%d]", i), fmt.Sprintf("Version %d has no paragraph %q", a.Version, pid))
		}
	}
	return pr.err()
}

// DispositionHistory lists every disposition given to a comment, oldest
// first.
func (db *DB) DispositionHistory(ctx context.Context, id int64) ([]Disposition, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT number, disposition, rationale, rationale_html, addressed_version,
		addressed_paragraphs, by_name, at FROM comment_dispositions WHERE comment_id = ? ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("dispositions of comment %d: %w", id, err)
	}
	return collect(rows, func(r *sql.Rows) (Disposition, error) {
		var d Disposition
		var paras, at string
		err := r.Scan(&d.Number, &d.Value, &d.Rationale, &d.RationaleHTML, &d.AddressedIn.Version, &paras, &d.By, &at)
		if paras != "" {
			d.AddressedIn.Paragraphs = strings.Split(paras, ";")
		}
		d.At = parseTime(at)
		return d, err
	})
}

// LatestDisposition is the position of the newest disposition given in a
// consultation: a staged import remembers it, and applying is refused once
// a newer one was given.
func (db *DB) LatestDisposition(ctx context.Context, slug string) (string, error) {
	return latestDisposition(ctx, db.read, slug)
}

// latestDisposition is the position of the newest disposition of a
// consultation: its row number, zero-padded so that positions compare as
// text. A row number, unlike a time to the second, tells two dispositions
// of the same second apart.
func latestDisposition(ctx context.Context, q querier, slug string) (string, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT IFNULL(MAX(d.rowid), 0) FROM comment_dispositions d JOIN comments m ON m.id = d.comment_id
		JOIN consultations c ON c.id = m.consultation_id WHERE c.slug = ?`, slug).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("latest disposition of %s: %w", slug, err)
	}
	return fmt.Sprintf("%020d", n), nil
}

// AddReply records a member's reply to an approved comment; notify, if not
// nil, composes the message to the comment's author.
func (db *DB) AddReply(ctx context.Context, id int64, body, bodyHTML string, notify func(Comment, User, Reply) []Message) (Reply, error) {
	pr := problems{}
	body = strings.TrimSpace(body)
	if body == "" {
		pr.add("body", "Write your reply")
	}
	checkText(pr, "body", body, MaxCommentBody)
	if err := pr.err(); err != nil {
		return Reply{}, err
	}
	var out Reply
	err := db.update(ctx, func(t *Tx) error {
		m, err := commentIn(ctx, t.tx, id)
		if err != nil {
			return err
		}
		if m.State != CommentApproved {
			return &ValidationError{Fields: map[string]string{"body": "Only approved comments can be answered in public"}}
		}
		uid, name := t.actorName(ctx)
		res, err := t.exec(ctx, "INSERT INTO comment_replies (comment_id, author_id, author_name, body, body_html, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			id, uid, name, body, bodyHTML, t.stamp())
		if err != nil {
			return fmt.Errorf("reply to comment %d: %w", id, err)
		}
		rid, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("reply to comment %d: %w", id, err)
		}
		out = Reply{ID: rid, CommentID: id, Author: name, Body: body, BodyHTML: bodyHTML, CreatedAt: t.now}
		key := strconv.FormatInt(id, 10)
		if err := t.change(ctx, "comment", key, "upsert"); err != nil {
			return err
		}
		if err := t.audit(ctx, "comment.reply", "comment:"+key, fmt.Sprintf("reply %d", rid)); err != nil {
			return err
		}
		if notify == nil || m.AuthorID == 0 {
			return nil
		}
		author, err := t.user(ctx, m.AuthorID)
		if err != nil || author.Disabled {
			return err
		}
		if on, err := subscribed(ctx, t.tx, author.ID, TopicCommentNews); err != nil || !on {
			return err
		}
		for _, msg := range notify(m, author, out) {
			if err := t.enqueue(ctx, msg); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Replies returns the replies to each of the given comments, oldest first.
func (db *DB) Replies(ctx context.Context, ids []int64) (map[int64][]Reply, error) {
	out := map[int64][]Reply{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := db.read.QueryContext(ctx, "SELECT id, comment_id, author_name, body, body_html, created_at FROM comment_replies WHERE comment_id IN ("+
			placeholders(len(chunk))+") ORDER BY id", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("read replies: %w", err)
		}
		list, err := collect(rows, func(r *sql.Rows) (Reply, error) {
			var p Reply
			var at string
			err := r.Scan(&p.ID, &p.CommentID, &p.Author, &p.Body, &p.BodyHTML, &at)
			p.CreatedAt = parseTime(at)
			return p, err
		})
		if err != nil {
			return nil, fmt.Errorf("read replies: %w", err)
		}
		for _, p := range list {
			out[p.CommentID] = append(out[p.CommentID], p)
		}
	}
	return out, nil
}

// Follow says where each of the given paragraphs of version from of a
// document stands in version to, following the paragraph maps of every
// version in between: kept or edited paragraphs keep their id; a split
// paragraph is followed into the part that kept its id, with the other
// parts listed; a merged one into the paragraph it joined; a deleted one
// ends there. to must not be before from.
func (db *DB) Follow(ctx context.Context, document string, from, to int, pids []string) (map[string]Current, error) {
	var out map[string]Current
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = followIn(ctx, tx, document, from, to, pids)
		return err
	})
	return out, err
}

// followIn follows in q, a read or write transaction.
func followIn(ctx context.Context, tx querier, document string, from, to int, pids []string) (map[string]Current, error) {
	out := make(map[string]Current, len(pids))
	err := func() error {
		maps := map[int]map[string][]mapStep{}
		rows, err := tx.QueryContext(ctx, `SELECT v.number, m.old_pid, m.new_pid, m.relation FROM paragraph_map m
			JOIN document_versions v ON v.id = m.to_version_id JOIN documents d ON d.id = v.document_id
			WHERE d.slug = ? AND v.number > ? AND v.number <= ? ORDER BY v.number, m.rowid`, document, from, to)
		if err != nil {
			return fmt.Errorf("read paragraph maps of %s: %w", document, err)
		}
		defer rows.Close()
		for rows.Next() {
			var n int
			var old, next, rel string
			if err := rows.Scan(&n, &old, &next, &rel); err != nil {
				return err
			}
			if maps[n] == nil {
				maps[n] = map[string][]mapStep{}
			}
			maps[n][old] = append(maps[n][old], mapStep{rel, next})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		paras := map[string]Paragraph{}
		prow, err := tx.QueryContext(ctx, `SELECT p.pid, p.section, p.ordinal, p.kind FROM paragraphs p JOIN document_versions v ON v.id = p.version_id
			JOIN documents d ON d.id = v.document_id WHERE d.slug = ? AND v.number = ?`, document, to)
		if err != nil {
			return fmt.Errorf("read paragraphs of %s v%d: %w", document, to, err)
		}
		defer prow.Close()
		for prow.Next() {
			var p Paragraph
			if err := prow.Scan(&p.ID, &p.Section, &p.Ordinal, &p.Kind); err != nil {
				return err
			}
			paras[p.ID] = p
		}
		if err := prow.Err(); err != nil {
			return err
		}
		for _, pid := range pids {
			cur := Current{Version: to, Paragraph: pid, Relation: RelKept}
			for n := from + 1; n <= to && cur.Paragraph != ""; n++ {
				steps, ok := maps[n][cur.Paragraph]
				if !ok {
					continue // a version saved without a map entry keeps the paragraph as it was
				}
				next, rel, parts := follow(steps)
				if rel != RelKept {
					cur.Changed = n
					cur.Relation = worse(cur.Relation, rel)
				}
				cur.Parts = append(cur.Parts, parts...)
				cur.Paragraph = next
			}
			if p, ok := paras[cur.Paragraph]; ok {
				cur.Section, cur.Label = p.Section, p.Label()
			} else if cur.Paragraph != "" {
				cur.Paragraph, cur.Relation = "", RelDeleted
			}
			out[pid] = cur
		}
		return nil
	}()
	return out, err
}

// mapStep is one entry of a version's paragraph map for an old paragraph.
type mapStep struct{ relation, next string }

// follow takes one version's map entries of a paragraph and returns where
// it went, how, and the new paragraphs split from it.
func follow(steps []mapStep) (string, string, []string) {
	next, rel := "", RelDeleted
	var parts []string
	for _, s := range steps {
		switch s.relation {
		case RelKept, RelEdited:
			next, rel = s.next, s.relation
		case RelMerged:
			next, rel = s.next, RelMerged
		case RelSplit:
			parts = append(parts, s.next)
		}
	}
	if len(parts) > 0 {
		if next == "" {
			// Every part has a new id: follow the first.
			next, parts = parts[0], parts[1:]
		}
		if rel != RelMerged {
			rel = RelSplit
		}
	}
	return next, rel, parts
}

// worse keeps the strongest of two relations, so that a paragraph edited
// in version 2 and kept in version 3 reads as edited.
func worse(a, b string) string {
	rank := []string{RelKept, RelEdited, RelSplit, RelMerged, RelDeleted}
	if slices.Index(rank, b) > slices.Index(rank, a) {
		return b
	}
	return a
}
