package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// Words that replace a deleted account's name or comments.
const (
	FormerParticipant   = "a former participant"
	WithdrawnByAuthor   = "withdrawn by its author"
	withdrawnByAuthorML = "<p>" + WithdrawnByAuthor + "</p>"
)

// ErrLastAdmin means the account is the last enabled administrator, which
// would leave no one to run the site.
var ErrLastAdmin = errors.New("the last administrator cannot be deleted")

// DeleteAccount deletes a user's account in one write transaction. With
// keepComments their comments stay, attributed to "a former participant"
// with the group and country they gave; otherwise each comment's text
// becomes "withdrawn by its author", its earlier texts are dropped and its
// resolution keeps only the disposition (no rationale, no replies). The
// audit log keeps every event, with the email replaced by "user/<id>".
// Sessions, tokens, second factors, subscriptions and mail waiting for
// them end with the account.
func (db *DB) DeleteAccount(ctx context.Context, userID int64, keepComments bool) error {
	return db.update(ctx, func(t *Tx) error {
		var email, role string
		var disabled bool
		if err := t.tx.QueryRowContext(ctx, "SELECT email, role, disabled FROM users WHERE id = ?", userID).Scan(&email, &role, &disabled); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				err = ErrNotFound
			}
			return fmt.Errorf("delete account %d: %w", userID, err)
		}
		if role == "admin" && !disabled {
			var others int
			if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?", userID).Scan(&others); err != nil {
				return fmt.Errorf("count admins: %w", err)
			}
			if others == 0 {
				return ErrLastAdmin
			}
		}
		pseudonym := fmt.Sprintf("user/%d", userID)
		rows, err := t.tx.QueryContext(ctx, "SELECT id FROM comments WHERE author_id = ?", userID)
		if err != nil {
			return fmt.Errorf("list comments of account %d: %w", userID, err)
		}
		comments, err := collect(rows, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("list comments of account %d: %w", userID, err)
		}
		// The event is written first, so that the replacement below takes
		// the email out of it too (its actor is the account itself).
		detail := "comments withdrawn"
		if keepComments {
			detail = "comments kept, attributed to " + FormerParticipant
		}
		if err := t.audit(ctx, "user.delete", pseudonym, detail); err != nil {
			return err
		}
		var stmts []struct {
			q    string
			args []any
		}
		add := func(q string, args ...any) {
			stmts = append(stmts, struct {
				q    string
				args []any
			}{q, args})
		}
		if keepComments {
			add(`UPDATE comments SET author_name = ?, author_org = '', display = 'named' WHERE author_id = ?`, FormerParticipant, userID)
		} else {
			mine := `SELECT id FROM comments WHERE author_id = ?`
			add(`DELETE FROM comment_revisions WHERE comment_id IN (`+mine+`)`, userID)
			add(`DELETE FROM comment_replies WHERE comment_id IN (`+mine+`)`, userID)
			add(`UPDATE comment_dispositions SET rationale = '', rationale_html = '', addressed_paragraphs = '' WHERE comment_id IN (`+mine+`)`, userID)
			add(`UPDATE comments SET body = ?, body_html = ?, proposed_text = '', author_name = '', author_org = '',
				display = 'anonymous', rationale = '', rationale_html = '', addressed_paragraphs = '' WHERE author_id = ?`,
				WithdrawnByAuthor, withdrawnByAuthorML, userID)
		}
		add(`UPDATE audit SET actor = ? WHERE user_id = ? OR actor = ?`, pseudonym, userID, email)
		add(`UPDATE audit SET object = replace(object, ?, ?), detail = replace(detail, ?, ?) WHERE instr(object, ?) > 0 OR instr(detail, ?) > 0`,
			email, pseudonym, email, pseudonym, email, email)
		add(`DELETE FROM outbox WHERE user_id = ? OR to_addr = ?`, userID, email)
		add(`DELETE FROM login_failures WHERE key = ?`, accountKey(email))
		// Sessions, tokens, factors, subscriptions, opt-outs and flags go
		// by ON DELETE CASCADE; authorship elsewhere by SET NULL.
		add(`DELETE FROM users WHERE id = ?`, userID)
		for _, s := range stmts {
			if _, err := t.tx.ExecContext(ctx, s.q, s.args...); err != nil {
				return fmt.Errorf("delete account %d: %w", userID, err)
			}
		}
		// The search index holds comments' texts and authors: it reads
		// them again.
		for _, id := range comments {
			if err := t.change(ctx, "comment", strconv.FormatInt(id, 10), "upsert"); err != nil {
				return err
			}
		}
		return nil
	})
}
