package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Session lifetimes: a session ends after IdleTimeout without use, and
// after AbsoluteTimeout whatever its use.
const (
	IdleTimeout     = 24 * time.Hour
	AbsoluteTimeout = 14 * 24 * time.Hour
)

// Session is a signed-in browser.
type Session struct {
	User    User
	Created time.Time
	Seen    time.Time
}

// CreateSession starts a session for a user and returns the secret for
// the cookie; only its hash is stored. The user agent is kept (cleaned and
// bounded, see cleanAgent) so that the session list can name the device.
func (db *DB) CreateSession(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	err = db.update(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, ip, user_agent) VALUES (?, ?, '', ?, ?, ?, ?)",
			hashSecret(secret), userID, t.stamp(), t.stamp(), ip, cleanAgent(userAgent))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		// Expired sessions are swept here, where a write is happening anyway.
		_, err = t.exec(ctx, "DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
			t.now.Add(-IdleTimeout).Format(time.RFC3339), t.now.Add(-AbsoluteTimeout).Format(time.RFC3339))
		if err != nil {
			return fmt.Errorf("sweep sessions: %w", err)
		}
		return nil
	})
	return secret, err
}

// SessionUser returns the live session for a cookie secret, refreshing its
// last use at most once a minute. An unknown, expired or disabled one is
// ErrNotFound.
func (db *DB) SessionUser(ctx context.Context, secret string) (Session, error) {
	if secret == "" {
		return Session{}, ErrNotFound
	}
	var s Session
	var created, seen string
	u, err := scanUserSession(db.read.QueryRowContext(ctx, "SELECT "+prefixed("u.", userColumns)+`, s.created_at, s.seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, hashSecret(secret)), &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	s.User = u
	s.Created, _ = time.Parse(time.RFC3339, created)
	s.Seen, _ = time.Parse(time.RFC3339, seen)
	now := db.Now()
	if u.Disabled || now.Sub(s.Seen) > IdleTimeout || now.Sub(s.Created) > AbsoluteTimeout {
		return Session{}, fmt.Errorf("session expired: %w", ErrNotFound)
	}
	if now.Sub(s.Seen) > time.Minute {
		err := db.update(ctx, func(t *Tx) error {
			_, err := t.exec(ctx, "UPDATE sessions SET seen_at = ? WHERE id_hash = ?", t.stamp(), hashSecret(secret))
			return err
		})
		if err != nil {
			return Session{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return s, nil
}

func scanUserSession(r *sql.Row, created, seen *string) (User, error) {
	var u User
	var uc string
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Organisation, &u.StakeholderGroup, &u.Country, &u.Role,
		&u.ConsentPublish, &u.Disabled, &uc, created, seen)
	u.CreatedAt, _ = time.Parse(time.RFC3339, uc)
	return u, err
}

func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// DeleteSession ends a session (sign-out).
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	return db.update(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashSecret(secret)); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	})
}

// Token is an API token's record; the secret itself is shown once.
type Token struct {
	ID       int64
	Name     string
	Created  time.Time
	LastUsed string // RFC 3339 UTC, or "" when never used
	// Expires is zero for a token that does not expire.
	Expires time.Time
	Revoked bool
}

// Active reports whether the token still works at now.
func (t Token) Active(now time.Time) bool {
	return !t.Revoked && (t.Expires.IsZero() || now.Before(t.Expires))
}

// TokenPrefix starts every API token so that leaked ones are easy to find.
const TokenPrefix = "accord_"

// MaxTokens is how many active tokens one account may hold: enough for
// every script a person runs, and a bound on what a stolen session can mint.
const MaxTokens = 20

// ParseTokenExpiry reads when a new token should expire: "" for never, a
// number of days such as "90d", or a date (YYYY-MM-DD, the token ending at
// the start of that day, UTC). The time must be after now.
func ParseTokenExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 3660 {
			return time.Time{}, fmt.Errorf("give a number of days from 1 to 3660, such as 90d")
		}
		t = now.UTC().Add(time.Duration(n) * 24 * time.Hour).Truncate(time.Second)
	} else {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("give a number of days such as 90d, or a date such as 2027-01-31")
		}
		t = d
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("give a date in the future")
	}
	return t, nil
}

// CreateToken issues an API token for a user and returns its secret. The
// token stops working at expires (zero: never). An account that already
// holds MaxTokens active tokens gets a *ValidationError on "token".
func (db *DB) CreateToken(ctx context.Context, userID int64, name string, expires time.Time) (string, error) {
	// The name is shown on the account page and in the audit log.
	pr := problems{}
	checkText(pr, "name", name, 100)
	if err := pr.err(); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	secret = TokenPrefix + secret
	exp := ""
	if !expires.IsZero() {
		exp = expires.UTC().Format(time.RFC3339)
	}
	err = db.update(ctx, func(t *Tx) error {
		var n int
		// Counted in the write transaction, so parallel requests cannot
		// all pass the check.
		err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens
			WHERE user_id = ? AND NOT revoked AND (expires_at = '' OR expires_at > ?)`, userID, t.stamp()).Scan(&n)
		if err != nil {
			return fmt.Errorf("count tokens: %w", err)
		}
		if n >= MaxTokens {
			return &ValidationError{Fields: map[string]string{"token": fmt.Sprintf(
				"You have %d active tokens, the most allowed; revoke one you no longer use first", n)}}
		}
		_, err = t.exec(ctx, "INSERT INTO api_tokens (user_id, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			userID, name, hashSecret(secret), t.stamp(), exp)
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return t.audit(ctx, "token.create", fmt.Sprintf("user/%d", userID), name)
	})
	return secret, err
}

// qTokenUser reads the user of an unrevoked token, with the token's id,
// last use and expiry, by the token's hash.
var qTokenUser = "SELECT " + prefixed("users.", userColumns) + `, t.id, t.last_used, t.expires_at
	FROM api_tokens t JOIN users ON users.id = t.user_id WHERE t.hash = ? AND NOT t.revoked`

// TokenUser returns the user a live token belongs to: unrevoked, not
// expired, of an enabled account. It records the token's use, at most
// once a minute, so that API traffic does not turn into a write per call.
func (db *DB) TokenUser(ctx context.Context, secret string) (User, error) {
	var id int64
	var lastUsed, expires string
	u, err := scanUserExtra(db.readRowCached(ctx, qTokenUser, hashSecret(secret)), &id, &lastUsed, &expires)
	if err != nil {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if u.Disabled {
		return User{}, fmt.Errorf("token of a disabled user: %w", ErrNotFound)
	}
	now := db.Now().UTC()
	if expires != "" {
		if at, err := time.Parse(time.RFC3339, expires); err != nil || !now.Before(at) {
			return User{}, fmt.Errorf("expired token: %w", ErrNotFound)
		}
	}
	if last, err := time.Parse(time.RFC3339, lastUsed); err != nil || now.Sub(last) >= time.Minute {
		err := db.update(ctx, func(t *Tx) error {
			_, err := t.exec(ctx, "UPDATE api_tokens SET last_used = ? WHERE id = ?", t.stamp(), id)
			return err
		})
		if err != nil {
			return User{}, fmt.Errorf("record token use: %w", err)
		}
	}
	return u, nil
}

// scanUserExtra scans a user's columns followed by extra ones.
func scanUserExtra(r *sql.Row, extra ...any) (User, error) {
	var u User
	var created string
	err := r.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Organisation, &u.StakeholderGroup, &u.Country, &u.Role,
		&u.ConsentPublish, &u.Disabled, &created}, extra...)...)
	u.CreatedAt, _ = time.Parse(time.RFC3339, created)
	return u, err
}

// Tokens lists a user's tokens.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, name, created_at, last_used, expires_at, revoked FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Token, error) {
		var t Token
		var created, expires string
		err := r.Scan(&t.ID, &t.Name, &created, &t.LastUsed, &expires, &t.Revoked)
		t.Created, _ = time.Parse(time.RFC3339, created)
		if expires != "" {
			t.Expires, _ = time.Parse(time.RFC3339, expires)
		}
		return t, err
	})
}

// RevokeToken revokes one of a user's tokens.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return db.update(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, "UPDATE api_tokens SET revoked = 1 WHERE id = ? AND user_id = ?", tokenID, userID)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token %d: %w", tokenID, ErrNotFound)
		}
		return t.audit(ctx, "token.revoke", fmt.Sprintf("user/%d", userID), fmt.Sprintf("token %d", tokenID))
	})
}

// revokeTokens revokes every token of a user, inside the caller's
// transaction, and says how many it revoked.
func (t *Tx) revokeTokens(ctx context.Context, userID int64) (int64, error) {
	res, err := t.exec(ctx, "UPDATE api_tokens SET revoked = 1 WHERE user_id = ? AND NOT revoked", userID)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
