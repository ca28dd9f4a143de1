package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxAgentBytes bounds the user agent kept with a session: enough for any
// real browser's, and a client cannot store a megabyte with each sign-in.
const maxAgentBytes = 256

// cleanAgent makes a User-Agent header fit to keep and show: invalid UTF-8
// and control characters (escapes that would reach a terminal or a page)
// become spaces, and it is cut to maxAgentBytes on a character boundary.
func cleanAgent(ua string) string {
	ua = strings.ToValidUTF8(ua, " ")
	ua = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, ua)
	ua = strings.TrimSpace(ua)
	if len(ua) > maxAgentBytes {
		cut := maxAgentBytes
		for cut > 0 && !utf8.RuneStart(ua[cut]) {
			cut--
		}
		ua = ua[:cut]
	}
	return ua
}

// SessionInfo describes one of a user's live sessions for the session
// list; the secret is never read back.
type SessionInfo struct {
	// ID names the session in "end this session" forms. It is the row's
	// number, meaningful only together with its user: every query on it
	// also matches the user.
	ID        int64
	UserAgent string
	IP        string
	Created   time.Time
	Seen      time.Time
	// Current is the session the list was asked for with.
	Current bool
}

// Sessions lists a user's live sessions, the most recently used first.
// current is the cookie secret of the asking browser (may be empty), whose
// session is marked Current. Expired sessions, not yet swept, are left out.
func (db *DB) Sessions(ctx context.Context, userID int64, current string) ([]SessionInfo, error) {
	now := db.Now()
	rows, err := db.read.QueryContext(ctx, `SELECT rowid, id_hash, user_agent, ip, created_at, seen_at FROM sessions
		WHERE user_id = ? AND seen_at >= ? AND created_at >= ? ORDER BY seen_at DESC, rowid DESC`,
		userID, now.Add(-IdleTimeout).Format(time.RFC3339), now.Add(-AbsoluteTimeout).Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("list sessions of user %d: %w", userID, err)
	}
	currentHash := ""
	if current != "" {
		currentHash = hashSecret(current)
	}
	return collect(rows, func(r *sql.Rows) (SessionInfo, error) {
		var s SessionInfo
		var hash, created, seen string
		if err := r.Scan(&s.ID, &hash, &s.UserAgent, &s.IP, &created, &seen); err != nil {
			return s, fmt.Errorf("list sessions: %w", err)
		}
		s.Created, _ = time.Parse(time.RFC3339, created)
		s.Seen, _ = time.Parse(time.RFC3339, seen)
		s.Current = hash == currentHash
		return s, nil
	})
}

// EndSession signs out one of a user's sessions, by its SessionInfo.ID.
// A session of another user is ErrNotFound, as is one already ended. The
// ending is audited.
func (db *DB) EndSession(ctx context.Context, userID, sessionID int64) error {
	return db.update(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, "DELETE FROM sessions WHERE rowid = ? AND user_id = ?", sessionID, userID)
		if err != nil {
			return fmt.Errorf("end session %d: %w", sessionID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("session %d of user %d: %w", sessionID, userID, ErrNotFound)
		}
		return t.audit(ctx, "session.end", fmt.Sprintf("user/%d", userID), fmt.Sprintf("session %d", sessionID))
	})
}

// EndAllSessions signs out every session of a user, leaving the account
// and its API tokens as they are (an administrator's "sign out
// everywhere"). It reports how many sessions ended; the act is audited
// even when there were none, since it was asked for.
func (db *DB) EndAllSessions(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := db.update(ctx, func(t *Tx) error {
		var exists bool
		if err := t.tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)", userID).Scan(&exists); err != nil {
			return fmt.Errorf("find user %d: %w", userID, err)
		}
		if !exists {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		res, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		if err != nil {
			return fmt.Errorf("end the sessions of user %d: %w", userID, err)
		}
		n, _ = res.RowsAffected()
		return t.audit(ctx, "session.end_all", fmt.Sprintf("user/%d", userID), fmt.Sprintf("%d sessions", n))
	})
	return int(n), err
}
