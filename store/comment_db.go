package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Positions of comments that are not on a paragraph, after every
// paragraph: whole-document comments, then each question's.
const (
	positionGeneral  = 1 << 30
	positionQuestion = positionGeneral + 1
)

// testHookCommentTx, when a test sets it (export_test.go), runs inside
// the transaction that saves a new comment, so that the test can read the
// transaction's connection settings where the write happens.
var testHookCommentTx func(ctx context.Context, tx *sql.Tx)

// rateWindow is the window of the comment rate limits.
const rateWindow = time.Hour

// consultationRow is what a comment write needs of its consultation.
type consultationRow struct {
	id         int64
	slug       string
	title      string
	document   string
	versionID  int64
	version    int
	opens      time.Time
	closes     time.Time
	moderation string
	questions  int
}

// qConsultationRow reads what a comment needs of its consultation.
const qConsultationRow = `SELECT c.id, c.slug, c.title, d.slug, v.id, c.version, c.opens_at, c.closes_at, c.moderation,
		(SELECT COUNT(*) FROM consultation_questions WHERE consultation_id = c.id)
		FROM consultations c JOIN documents d ON d.id = c.document_id
		JOIN document_versions v ON v.document_id = d.id AND v.number = c.version WHERE c.slug = ?`

func (t *Tx) consultationRow(ctx context.Context, slug string) (consultationRow, error) {
	var r consultationRow
	var opens, closes string
	err := t.queryRowCached(ctx, qConsultationRow, slug).
		Scan(&r.id, &r.slug, &r.title, &r.document, &r.versionID, &r.version, &opens, &closes, &r.moderation, &r.questions)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("consultation %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("read consultation %s: %w", slug, err)
	}
	r.opens, r.closes = parseTime(opens), parseTime(closes)
	return r, nil
}

// window refuses a comment outside the consultation's opening hours.
func (r consultationRow) window(now time.Time) error {
	switch {
	case now.Before(r.opens):
		return fmt.Errorf("consultation %s opens %s: %w", r.slug, stampOf(r.opens), ErrConsultationNotOpen)
	case !now.Before(r.closes):
		return fmt.Errorf("consultation %s closed %s: %w", r.slug, stampOf(r.closes), ErrConsultationClosed)
	}
	return nil
}

// qParagraph reads a paragraph of a version.
const qParagraph = "SELECT pid, position, section, ordinal, kind FROM paragraphs WHERE version_id = ? AND pid = ?"

// target checks a comment's paragraph or question against the consulted
// version and returns its section, label and position.
func (t *Tx) target(ctx context.Context, r consultationRow, n NewComment) (section, label string, position int, err error) {
	switch {
	case n.Paragraph != "":
		var p Paragraph
		err := t.queryRowCached(ctx, qParagraph,
			r.versionID, n.Paragraph).Scan(&p.ID, &p.Position, &p.Section, &p.Ordinal, &p.Kind)
		if errors.Is(err, sql.ErrNoRows) {
			return "", "", 0, &ValidationError{Fields: map[string]string{"paragraph": fmt.Sprintf("Version %d has no paragraph %q", r.version, n.Paragraph)}}
		}
		if err != nil {
			return "", "", 0, fmt.Errorf("read paragraph %s: %w", n.Paragraph, err)
		}
		if p.Kind == "heading" {
			return "", "", 0, &ValidationError{Fields: map[string]string{"paragraph": "A heading cannot be commented on: choose a paragraph of its section"}}
		}
		return p.Section, p.Label(), p.Position, nil
	case n.Question > 0:
		if n.Question > r.questions {
			msg := "This consultation asks no guiding questions"
			if r.questions > 0 {
				msg = fmt.Sprintf("Choose a question from 1 to %d", r.questions)
			}
			return "", "", 0, &ValidationError{Fields: map[string]string{"question": msg}}
		}
		return "", "", positionQuestion + n.Question, nil
	}
	return "", "", positionGeneral, nil
}

// rateLimit counts the actions of key within the window and refuses one
// more past limit; otherwise it records this one. Old events of the key
// are pruned on the way.
func (t *Tx) rateLimit(ctx context.Context, key string, limit int) error {
	if limit <= 0 {
		return nil
	}
	cutoff := stampOf(t.now.Add(-rateWindow))
	if _, err := t.exec(ctx, "DELETE FROM rate_events WHERE key = ? AND at <= ?", key, cutoff); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	var n int
	var oldest string
	if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*), IFNULL(MIN(at), '') FROM rate_events WHERE key = ?", key).Scan(&n, &oldest); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if n >= limit {
		wait := parseTime(oldest).Add(rateWindow).Sub(t.now)
		return &RateLimitError{Key: key, Wait: max(wait, time.Second)}
	}
	if _, err := t.exec(ctx, "INSERT INTO rate_events (key, at) VALUES (?, ?)", key, t.stamp()); err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	return nil
}

// Notifier composes the messages that tell a comment's author what became
// of it; they are queued in the transaction that made the change, so that
// a message goes out if and only if the change was committed.
type Notifier func(m Comment, author User) []Message

// qInsertComment saves a new comment.
const qInsertComment = `INSERT INTO comments (consultation_id, paragraph, question, section, label, position, type, body, body_html,
			proposed_text, display, author_id, author_name, author_org, author_group, author_country, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// CreateComment saves a stakeholder's comment. The author is the actor of
// ctx, whose profile must be complete. Outside the consultation's window
// the answer is ErrConsultationNotOpen or ErrConsultationClosed and nothing
// is stored; past a rate limit it is a *RateLimitError. notify, if not
// nil, composes the receipt.
func (db *DB) CreateComment(ctx context.Context, n NewComment, lim Limits, notify Notifier) (Comment, error) {
	a := ActorFrom(ctx)
	if a.UserID == 0 {
		return Comment{}, fmt.Errorf("create comment: no signed-in author: %w", ErrNotFound)
	}
	pr := n.validate()
	var out Comment
	// Grouped with the comments posted at the same moment: one commit
	// (one fsync) for all of them, each acknowledged after it.
	err := db.updateGrouped(ctx, func(ctx context.Context, t *Tx) error {
		r, err := t.consultationRow(ctx, n.Consultation)
		if err != nil {
			return err
		}
		if err := r.window(t.now); err != nil {
			return err
		}
		u, err := t.user(ctx, a.UserID)
		if err != nil {
			return err
		}
		if !u.ProfileComplete() {
			pr.add("profile", "Complete your profile (name, stakeholder group and country) before commenting")
		}
		if err := pr.err(); err != nil {
			return err
		}
		section, label, position, err := t.target(ctx, r, n)
		if err != nil {
			return err
		}
		if err := t.rateLimit(ctx, "comment:user:"+strconv.FormatInt(u.ID, 10), lim.PerAccount); err != nil {
			return err
		}
		if lim.IP != "" {
			if err := t.rateLimit(ctx, "comment:ip:"+lim.IP, lim.PerIP); err != nil {
				return err
			}
		}
		if n.Display == "" {
			n.Display = DisplayAnonymous
			if u.ConsentPublish {
				n.Display = DisplayNamed
			}
		}
		state := CommentApproved
		if r.moderation == ModerationPre {
			state = CommentPending
		}
		var pid, question any
		if n.Paragraph != "" {
			pid = n.Paragraph
		}
		if n.Question > 0 {
			question = n.Question
		}
		res, err := t.execCached(ctx, qInsertComment, r.id, pid, question, section, label, position, n.Type,
			n.Body, n.BodyHTML, n.Proposed, n.Display, u.ID, u.Name, u.Organisation, u.StakeholderGroup, u.Country, state, t.stamp())
		if err != nil {
			return fmt.Errorf("create comment on %s: %w", r.slug, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create comment on %s: %w", r.slug, err)
		}
		out = Comment{ID: id, Consultation: r.slug, ConsultationTitle: r.title, Document: r.document, Version: r.version, Paragraph: n.Paragraph,
			Question: n.Question, Section: section, Label: label, Type: n.Type, Body: n.Body, BodyHTML: n.BodyHTML,
			Proposed: n.Proposed, Display: n.Display, AuthorID: u.ID, State: state, CreatedAt: t.now,
			Author: CommentAuthor{Name: u.Name, Organisation: u.Organisation, Group: u.StakeholderGroup, Country: u.Country}}
		if out.GroupID, err = t.groupComment(ctx, r.id, id, targetKey(n.Paragraph, n.Question), n.Signature); err != nil {
			return err
		}
		if err := t.notify(ctx, notify, out, u); err != nil {
			return err
		}
		if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
			return err
		}
		if testHookCommentTx != nil {
			testHookCommentTx(ctx, t.tx)
		}
		return t.audit(ctx, "comment.create", "comment:"+strconv.FormatInt(id, 10), r.slug+" "+state)
	})
	if err != nil {
		return Comment{}, err
	}
	return out, nil
}

// qUserByID reads an account.
const qUserByID = "SELECT " + userColumns + " FROM users WHERE id = ?"

// user reads an account inside a write transaction.
func (t *Tx) user(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(t.queryRowCached(ctx, qUserByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("read user %d: %w", id, err)
	}
	return u, nil
}

const commentCols = `m.id, c.slug, c.title, d.slug, c.version, IFNULL(m.paragraph, ''), IFNULL(m.question, 0), m.section, m.label, m.type,
	m.body, m.body_html, m.proposed_text, m.display, IFNULL(m.author_id, 0), m.author_name, m.author_org, m.author_group,
	m.author_country, m.state, m.hide_reason, m.moderation_note, m.flagged, m.edited_at, m.created_at,
	m.disposition, m.rationale, m.rationale_html, m.addressed_version, m.addressed_paragraphs, m.disposed_by, m.disposed_at,
	IFNULL(m.group_id, 0)`

const commentFrom = ` FROM comments m JOIN consultations c ON c.id = m.consultation_id JOIN documents d ON d.id = c.document_id`

// scanComment reads the columns of commentCols, then extra.
func scanComment(r interface{ Scan(...any) error }, extra ...any) (Comment, error) {
	var m Comment
	var edited, created, disposedAt, addressed string
	var d Disposition
	dest := []any{&m.ID, &m.Consultation, &m.ConsultationTitle, &m.Document, &m.Version, &m.Paragraph, &m.Question, &m.Section, &m.Label, &m.Type,
		&m.Body, &m.BodyHTML, &m.Proposed, &m.Display, &m.AuthorID, &m.Author.Name, &m.Author.Organisation, &m.Author.Group,
		&m.Author.Country, &m.State, &m.HideReason, &m.Note, &m.Flagged, &edited, &created,
		&d.Value, &d.Rationale, &d.RationaleHTML, &d.AddressedIn.Version, &addressed, &d.By, &disposedAt, &m.GroupID}
	err := r.Scan(append(dest, extra...)...)
	m.EditedAt, m.CreatedAt = parseTime(edited), parseTime(created)
	if d.Value != "" {
		d.At = parseTime(disposedAt)
		if addressed != "" {
			d.AddressedIn.Paragraphs = strings.Split(addressed, ";")
		}
		m.Disposition = &d
	}
	return m, err
}

// Comment returns one comment, whatever its state: callers decide who may
// see it.
func (db *DB) Comment(ctx context.Context, id int64) (Comment, error) {
	return commentIn(ctx, db.read, id)
}

func commentIn(ctx context.Context, q querier, id int64) (Comment, error) {
	m, err := scanComment(q.QueryRowContext(ctx, "SELECT "+commentCols+commentFrom+" WHERE m.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Comment{}, fmt.Errorf("comment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Comment{}, fmt.Errorf("read comment %d: %w", id, err)
	}
	return m, nil
}

// commentsByIDChunk bounds the ids of one query, well under SQLite's limit
// of bound parameters.
const commentsByIDChunk = 500

// CommentsByID returns the comments of the given ids that exist, whatever
// their state, keyed by id; ids that do not exist are absent. The search
// index reads a poll's worth of changed comments this way, in one query
// per 500 instead of one per comment.
func (db *DB) CommentsByID(ctx context.Context, ids []int64) (map[int64]Comment, error) {
	out := make(map[int64]Comment, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), commentsByIDChunk)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.read.QueryContext(ctx, "SELECT "+commentCols+commentFrom+" WHERE m.id IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read comments by id: %w", err)
		}
		list, err := collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
		if err != nil {
			return nil, fmt.Errorf("read comments by id: %w", err)
		}
		for _, m := range list {
			out[m.ID] = m
		}
	}
	return out, nil
}

// Comments lists a page of one consultation's comments.
func (db *DB) Comments(ctx context.Context, f CommentFilter) (CommentList, error) {
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	f.PerPage = min(f.PerPage, 500)
	if f.Page < 1 || f.Page > 1_000_000 {
		// Past a million pages the offset could overflow; no list is that long.
		f.Page = 1
	}
	states := f.States
	if len(states) == 0 {
		states = []string{CommentApproved}
	}
	where := []string{"c.slug = ?", "m.state IN (" + placeholders(len(states)) + ")"}
	args := append([]any{f.Consultation}, anys(states)...)
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Paragraph != "" {
		add("m.paragraph = ?", f.Paragraph)
	}
	if f.Section != "" {
		// A section filter takes its sub-sections too: 3 covers 3.2.
		where = append(where, "(m.section = ? OR m.section LIKE ? ESCAPE '\\')")
		args = append(args, f.Section, strings.NewReplacer("%", "\\%", "_", "\\_").Replace(f.Section)+".%")
	}
	if f.Group != "" {
		add("m.author_group = ?", f.Group)
	}
	if f.Country != "" {
		add("m.author_country = ?", f.Country)
	}
	if f.Type != "" {
		add("m.type = ?", f.Type)
	}
	if f.Question > 0 {
		add("m.question = ?", f.Question)
	}
	order := "m.position, m.id"
	switch f.Sort {
	case "newest":
		order = "m.created_at DESC, m.id DESC"
	case "oldest":
		order = "m.created_at, m.id"
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	// Collapsed, an entry is a comment in no group or the oldest of its
	// group's comments that the same filter selects.
	listCond, listArgs := cond, args
	// Without collapsing, every comment is an entry.
	entry, entryArgs := "1", []any(nil)
	if f.Collapse {
		// Most consultations have no campaign: then there is nothing to
		// collapse, and the plain query, which an index answers, serves. (Read
		// before the list's transaction: a group made in between only shows
		// its comments uncollapsed once.)
		var grouped bool
		if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM comment_groups g JOIN consultations c ON c.id = g.consultation_id
			WHERE c.slug = ?)`, f.Consultation).Scan(&grouped); err != nil {
			return CommentList{}, fmt.Errorf("list comments of %s: %w", f.Consultation, err)
		}
		f.Collapse = grouped
	}
	if f.Collapse {
		sub := strings.ReplaceAll(strings.Join(where[1:], " AND "), "m.", "x.")
		entry = "(m.group_id IS NULL OR m.id = (SELECT MIN(x.id) FROM comments x WHERE x.group_id = m.group_id AND " + sub + "))"
		entryArgs = args[1:]
		listCond += " AND " + entry
		listArgs = append(slices.Clone(args), entryArgs...)
	}
	out := CommentList{Page: f.Page, PerPage: f.PerPage, Items: []Comment{}}
	err := db.view(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*), IFNULL(SUM(CASE WHEN "+entry+" THEN 1 ELSE 0 END), 0)"+commentFrom+cond,
			append(slices.Clone(entryArgs), args...)...).Scan(&out.Total, &out.Entries); err != nil {
			return fmt.Errorf("count comments of %s: %w", f.Consultation, err)
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+commentCols+commentFrom+listCond+" ORDER BY "+order+" LIMIT ? OFFSET ?",
			append(listArgs, f.PerPage, (f.Page-1)*f.PerPage)...)
		if err != nil {
			return fmt.Errorf("list comments of %s: %w", f.Consultation, err)
		}
		items, err := collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
		if err != nil {
			return fmt.Errorf("list comments of %s: %w", f.Consultation, err)
		}
		if items != nil {
			out.Items = items
		}
		if f.Collapse {
			return out.similar(ctx, tx, cond, args)
		}
		return nil
	})
	return out, err
}

// similar fills l.Similar: the other comments, selected by cond, of the
// campaign groups its items head.
func (l *CommentList) similar(ctx context.Context, tx *sql.Tx, cond string, args []any) error {
	heads := map[int64]int64{} // group -> the item that heads it
	var groups []any
	for _, m := range l.Items {
		if m.GroupID != 0 {
			heads[m.GroupID] = m.ID
			groups = append(groups, m.GroupID)
		}
	}
	l.Similar = map[int64][]Comment{}
	if len(groups) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+commentCols+commentFrom+cond+" AND m.group_id IN ("+placeholders(len(groups))+") ORDER BY m.id",
		append(slices.Clone(args), groups...)...)
	if err != nil {
		return fmt.Errorf("list similar comments: %w", err)
	}
	others, err := collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
	if err != nil {
		return fmt.Errorf("list similar comments: %w", err)
	}
	for _, m := range others {
		if head := heads[m.GroupID]; head != m.ID {
			l.Similar[head] = append(l.Similar[head], m)
		}
	}
	return nil
}

// PublicComments lists approved comments of every consultation by id, from
// after on, for the search index.
func (db *DB) PublicComments(ctx context.Context, after int64, limit int) ([]Comment, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+commentCols+commentFrom+" WHERE m.state = 'approved' AND m.id > ? ORDER BY m.id LIMIT ?", after, limit)
	if err != nil {
		return nil, fmt.Errorf("list public comments: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
}

// UserComments lists an account's own comments in every state, newest
// first.
func (db *DB) UserComments(ctx context.Context, userID int64) ([]Comment, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+commentCols+commentFrom+" WHERE m.author_id = ? ORDER BY m.created_at DESC, m.id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("list comments of user %d: %w", userID, err)
	}
	return collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
}

// CommentRevisions lists the earlier texts of a comment, oldest first.
func (db *DB) CommentRevisions(ctx context.Context, id int64) ([]CommentRevision, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT number, type, body, body_html, proposed_text, written_at
		FROM comment_revisions WHERE comment_id = ? ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("read revisions of comment %d: %w", id, err)
	}
	return collect(rows, func(r *sql.Rows) (CommentRevision, error) {
		var v CommentRevision
		var at string
		err := r.Scan(&v.Number, &v.Type, &v.Body, &v.BodyHTML, &v.Proposed, &at)
		v.Written = parseTime(at)
		return v, err
	})
}

// ownComment reads a comment for its author to change while its
// consultation is open.
func (t *Tx) ownComment(ctx context.Context, id int64) (Comment, consultationRow, error) {
	m, err := commentIn(ctx, t.tx, id)
	if err != nil {
		return Comment{}, consultationRow{}, err
	}
	if a := ActorFrom(ctx); a.UserID == 0 || a.UserID != m.AuthorID {
		// Someone else's comment is as good as absent.
		return Comment{}, consultationRow{}, fmt.Errorf("comment %d of another author: %w", id, ErrNotFound)
	}
	r, err := t.consultationRow(ctx, m.Consultation)
	if err != nil {
		return Comment{}, consultationRow{}, err
	}
	if err := r.window(t.now); err != nil {
		return Comment{}, consultationRow{}, err
	}
	if m.State == CommentWithdrawn {
		return Comment{}, consultationRow{}, &ValidationError{Fields: map[string]string{"body": "This comment was withdrawn and cannot change"}}
	}
	return m, r, nil
}

// EditComment replaces the text of one's own comment while the
// consultation is open, keeping the earlier text. In pre-moderation the
// comment waits for approval again.
func (db *DB) EditComment(ctx context.Context, id int64, n NewComment) (Comment, error) {
	var out Comment
	err := db.update(ctx, func(t *Tx) error {
		m, r, err := t.ownComment(ctx, id)
		if err != nil {
			return err
		}
		n.Paragraph, n.Question = m.Paragraph, m.Question
		if n.Display == "" {
			n.Display = m.Display
		}
		if err := n.validate().err(); err != nil {
			return err
		}
		var rev int
		if err := t.tx.QueryRowContext(ctx, "SELECT IFNULL(MAX(number), 0) + 1 FROM comment_revisions WHERE comment_id = ?", id).Scan(&rev); err != nil {
			return fmt.Errorf("edit comment %d: %w", id, err)
		}
		written := m.CreatedAt
		if !m.EditedAt.IsZero() {
			written = m.EditedAt
		}
		if _, err := t.exec(ctx, `INSERT INTO comment_revisions (comment_id, number, type, body, body_html, proposed_text, written_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, rev, m.Type, m.Body, m.BodyHTML, m.Proposed, stampOf(written)); err != nil {
			return fmt.Errorf("edit comment %d: %w", id, err)
		}
		state := m.State
		if r.moderation == ModerationPre && state != CommentHidden {
			state = CommentPending
		}
		if _, err := t.exec(ctx, `UPDATE comments SET type = ?, body = ?, body_html = ?, proposed_text = ?, display = ?, state = ?,
			edited_at = ? WHERE id = ?`, n.Type, n.Body, n.BodyHTML, n.Proposed, n.Display, state, t.stamp(), id); err != nil {
			return fmt.Errorf("edit comment %d: %w", id, err)
		}
		if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
			return err
		}
		if err := t.audit(ctx, "comment.edit", "comment:"+strconv.FormatInt(id, 10), fmt.Sprintf("revision %d kept", rev)); err != nil {
			return err
		}
		out, err = commentIn(ctx, t.tx, id)
		return err
	})
	return out, err
}

// WithdrawComment withdraws one's own comment while the consultation is
// open: it leaves every public page, count and export.
func (db *DB) WithdrawComment(ctx context.Context, id int64) (Comment, error) {
	var out Comment
	err := db.update(ctx, func(t *Tx) error {
		if _, _, err := t.ownComment(ctx, id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE comments SET state = 'withdrawn', flagged = 0 WHERE id = ?", id); err != nil {
			return fmt.Errorf("withdraw comment %d: %w", id, err)
		}
		if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
			return err
		}
		if err := t.audit(ctx, "comment.withdraw", "comment:"+strconv.FormatInt(id, 10), ""); err != nil {
			return err
		}
		var err error
		out, err = commentIn(ctx, t.tx, id)
		return err
	})
	return out, err
}

// Moderation actions.
const (
	ModerateApprove = "approve"
	ModerateHide    = "hide"
)

// ModerateComment approves or hides a comment (a hide needs one of
// HideReasons), clears its flags, and records who did it. A withdrawn
// comment cannot be moderated. notify, if not nil, composes the message
// to the author; it is called only when the comment's state changed.
func (db *DB) ModerateComment(ctx context.Context, id int64, action, reason, note string, notify Notifier) (Comment, error) {
	reason, note, err := checkModeration(action, reason, note)
	if err != nil {
		return Comment{}, err
	}
	var out Comment
	err = db.update(ctx, func(t *Tx) error {
		var err error
		out, err = t.moderateOne(ctx, id, action, reason, note, notify)
		return err
	})
	return out, err
}

// checkModeration validates a moderation action and returns the reason and
// note as they are kept.
func checkModeration(action, reason, note string) (string, string, error) {
	pr := problems{}
	note = strings.TrimSpace(note)
	switch action {
	case ModerateApprove:
		reason = ""
	case ModerateHide:
		if !in(HideReasons, reason) {
			pr.add("reason", "Choose why the comment is hidden: "+strings.Join(HideReasons, ", "))
		}
	default:
		pr.add("action", "Choose approve or hide")
	}
	checkText(pr, "note", note, 2000)
	return reason, note, pr.err()
}

// moderateOne approves or hides one comment inside t.
func (t *Tx) moderateOne(ctx context.Context, id int64, action, reason, note string, notify Notifier) (Comment, error) {
	m, err := commentIn(ctx, t.tx, id)
	if err != nil {
		return Comment{}, err
	}
	if m.State == CommentWithdrawn {
		return Comment{}, &ValidationError{Fields: map[string]string{"action": "The author withdrew this comment"}}
	}
	state := CommentApproved
	if action == ModerateHide {
		state = CommentHidden
	}
	a := ActorFrom(ctx)
	var uid any
	if a.UserID != 0 {
		uid = a.UserID
	}
	if _, err := t.exec(ctx, `UPDATE comments SET state = ?, hide_reason = ?, moderation_note = ?, moderated_by = ?, moderated_at = ?,
		flagged = 0 WHERE id = ?`, state, reason, note, uid, t.stamp(), id); err != nil {
		return Comment{}, fmt.Errorf("moderate comment %d: %w", id, err)
	}
	if _, err := t.exec(ctx, "UPDATE comment_flags SET resolved_at = ? WHERE comment_id = ? AND resolved_at = ''", t.stamp(), id); err != nil {
		return Comment{}, fmt.Errorf("moderate comment %d: %w", id, err)
	}
	if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
		return Comment{}, err
	}
	detail := state
	if reason != "" {
		detail += " (" + reason + ")"
	}
	if note != "" {
		detail += ": " + note
	}
	if err := t.audit(ctx, "comment.moderate", "comment:"+strconv.FormatInt(id, 10), detail); err != nil {
		return Comment{}, err
	}
	out, err := commentIn(ctx, t.tx, id)
	if err != nil {
		return Comment{}, err
	}
	if out.State == m.State || out.AuthorID == 0 {
		return out, nil
	}
	author, err := t.user(ctx, out.AuthorID)
	if err != nil {
		return Comment{}, err
	}
	return out, t.notify(ctx, notify, out, author)
}

// FlagComment records a reader's flag on an approved comment, which puts
// it back in the moderation queue while it stays public. Each account
// flags a comment once (ErrConflict after that).
func (db *DB) FlagComment(ctx context.Context, id int64, reason, note string) error {
	a := ActorFrom(ctx)
	pr := problems{}
	if !in(HideReasons, reason) {
		pr.add("reason", "Choose a reason: "+strings.Join(HideReasons, ", "))
	}
	note = strings.TrimSpace(note)
	checkText(pr, "note", note, 2000)
	if err := pr.err(); err != nil {
		return err
	}
	if a.UserID == 0 {
		return fmt.Errorf("flag comment %d: no signed-in reader: %w", id, ErrNotFound)
	}
	return db.update(ctx, func(t *Tx) error {
		m, err := commentIn(ctx, t.tx, id)
		if err != nil {
			return err
		}
		if m.State != CommentApproved {
			return fmt.Errorf("flag comment %d: %w", id, ErrNotFound)
		}
		if m.AuthorID == a.UserID {
			return &ValidationError{Fields: map[string]string{"reason": "This is your own comment: edit or withdraw it instead of reporting it"}}
		}
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM comment_flags WHERE comment_id = ? AND user_id = ?", id, a.UserID).Scan(&n); err != nil {
			return fmt.Errorf("flag comment %d: %w", id, err)
		}
		if n > 0 {
			return fmt.Errorf("you flagged comment %d already: %w", id, ErrConflict)
		}
		if _, err := t.exec(ctx, "INSERT INTO comment_flags (comment_id, user_id, reason, note, created_at) VALUES (?, ?, ?, ?, ?)",
			id, a.UserID, reason, note, t.stamp()); err != nil {
			return fmt.Errorf("flag comment %d: %w", id, err)
		}
		if _, err := t.exec(ctx, "UPDATE comments SET flagged = 1 WHERE id = ?", id); err != nil {
			return fmt.Errorf("flag comment %d: %w", id, err)
		}
		if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
			return err
		}
		return t.audit(ctx, "comment.flag", "comment:"+strconv.FormatInt(id, 10), reason)
	})
}

// ModerationQueue lists what waits for a moderator in one consultation:
// pending comments and approved ones that readers flagged, oldest first,
// with the author's email and the open flags.
func (db *DB) ModerationQueue(ctx context.Context, slug string) ([]QueuedComment, error) {
	var out []QueuedComment
	err := db.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+commentCols+", IFNULL(u.email, '')"+commentFrom+
			` LEFT JOIN users u ON u.id = m.author_id WHERE c.slug = ? AND (m.state = 'pending' OR m.state = 'approved' AND m.flagged = 1)
			ORDER BY m.created_at, m.id`, slug)
		if err != nil {
			return fmt.Errorf("moderation queue of %s: %w", slug, err)
		}
		out, err = collect(rows, func(r *sql.Rows) (QueuedComment, error) {
			var q QueuedComment
			var err error
			q.Comment, err = scanComment(r, &q.AuthorEmail)
			return q, err
		})
		if err != nil {
			return fmt.Errorf("moderation queue of %s: %w", slug, err)
		}
		for i := range out {
			if !out[i].Flagged {
				continue
			}
			rows, err := tx.QueryContext(ctx, `SELECT f.reason, f.note, IFNULL(NULLIF(u.name, ''), 'a reader'), f.created_at
				FROM comment_flags f LEFT JOIN users u ON u.id = f.user_id WHERE f.comment_id = ? AND f.resolved_at = '' ORDER BY f.created_at`, out[i].ID)
			if err != nil {
				return fmt.Errorf("flags of comment %d: %w", out[i].ID, err)
			}
			out[i].Flags, err = collect(rows, func(r *sql.Rows) (Flag, error) {
				var f Flag
				var at string
				err := r.Scan(&f.Reason, &f.Note, &f.By, &at)
				f.Created = parseTime(at)
				return f, err
			})
			if err != nil {
				return fmt.Errorf("flags of comment %d: %w", out[i].ID, err)
			}
		}
		return nil
	})
	return out, err
}

// Heat counts a consultation's approved comments by target and stakeholder
// group: one row per commentable paragraph of the consulted version in
// document order (zeros included), then the rows "general" (the whole
// document) and "questions".
func (db *DB) Heat(ctx context.Context, slug string) ([]HeatRow, error) {
	var out []HeatRow
	err := db.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT p.pid, p.position, p.section, p.ordinal, p.kind FROM consultations c
			JOIN document_versions v ON v.document_id = c.document_id AND v.number = c.version
			JOIN paragraphs p ON p.version_id = v.id WHERE c.slug = ? AND p.kind <> 'heading' ORDER BY p.position`, slug)
		if err != nil {
			return fmt.Errorf("heat of %s: %w", slug, err)
		}
		paras, err := collect(rows, func(r *sql.Rows) (Paragraph, error) {
			var p Paragraph
			return p, r.Scan(&p.ID, &p.Position, &p.Section, &p.Ordinal, &p.Kind)
		})
		if err != nil {
			return fmt.Errorf("heat of %s: %w", slug, err)
		}
		byKey := map[string]int{}
		newRow := func(pid, key, section, label string) {
			byKey[key] = len(out)
			counts := make(map[string]int, len(StakeholderGroups))
			for _, g := range StakeholderGroups {
				counts[g] = 0
			}
			out = append(out, HeatRow{Paragraph: pid, Key: key, Section: section, Label: label, Counts: counts})
		}
		for _, p := range paras {
			newRow(p.ID, p.ID, p.Section, p.Label())
		}
		newRow("", "general", "", "The whole document")
		newRow("", "questions", "", "Guiding questions")
		rows, err = tx.QueryContext(ctx, `SELECT CASE WHEN m.paragraph IS NOT NULL THEN m.paragraph WHEN m.question IS NOT NULL
			THEN 'questions' ELSE 'general' END, m.author_group, COUNT(*) FROM comments m JOIN consultations c ON c.id = m.consultation_id
			WHERE c.slug = ? AND m.state = 'approved' GROUP BY 1, 2`, slug)
		if err != nil {
			return fmt.Errorf("heat of %s: %w", slug, err)
		}
		defer rows.Close()
		for rows.Next() {
			var key, group string
			var n int
			if err := rows.Scan(&key, &group, &n); err != nil {
				return fmt.Errorf("heat of %s: %w", slug, err)
			}
			i, ok := byKey[key]
			if !ok {
				continue
			}
			out[i].Counts[group] += n
			out[i].Total += n
		}
		return rows.Err()
	})
	return out, err
}

// anonymiseComments turns a user's named comments anonymous, for a user who
// withdrew consent to publish their name.
func (t *Tx) anonymiseComments(ctx context.Context, userID int64) error {
	rows, err := t.tx.QueryContext(ctx, "UPDATE comments SET display = 'anonymous' WHERE author_id = ? AND display = 'named' RETURNING id", userID)
	if err != nil {
		return fmt.Errorf("anonymise comments of user %d: %w", userID, err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("anonymise comments of user %d: %w", userID, err)
	}
	for _, id := range ids {
		if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
			return err
		}
	}
	return nil
}

// notify queues the messages fn composes for a comment's author.
func (t *Tx) notify(ctx context.Context, fn Notifier, m Comment, author User) error {
	if fn == nil || author.Disabled {
		return nil
	}
	if on, err := subscribed(ctx, t.tx, author.ID, TopicCommentNews); err != nil || !on {
		return err
	}
	for _, msg := range fn(m, author) {
		if err := t.enqueue(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}
