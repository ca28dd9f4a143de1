package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
// the cookie; only its hash is stored.
func (db *DB) CreateSession(ctx context.Context, userID int64, ip string) (string, error) {
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	err = db.update(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, ip) VALUES (?, ?, '', ?, ?, ?)",
			hashSecret(secret), userID, t.stamp(), t.stamp(), ip)
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
	LastUsed string
	Revoked  bool
}

// TokenPrefix starts every API token so that leaked ones are easy to find.
const TokenPrefix = "accord_"

// CreateToken issues an API token for a user and returns its secret.
func (db *DB) CreateToken(ctx context.Context, userID int64, name string) (string, error) {
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
	err = db.update(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, "INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?)",
			userID, name, hashSecret(secret), t.stamp())
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return t.audit(ctx, "token.create", fmt.Sprintf("user/%d", userID), name)
	})
	return secret, err
}

// qTokenUser reads the user of an unrevoked token, by the token's hash.
const qTokenUser = "SELECT " + userColumns + " FROM users WHERE id = (SELECT user_id FROM api_tokens WHERE hash = ? AND NOT revoked)"

// TokenUser returns the user an unrevoked token belongs to.
func (db *DB) TokenUser(ctx context.Context, secret string) (User, error) {
	u, err := scanUser(db.readRowCached(ctx, qTokenUser, hashSecret(secret)))
	if err != nil {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if u.Disabled {
		return User{}, fmt.Errorf("token of a disabled user: %w", ErrNotFound)
	}
	return u, nil
}

// Tokens lists a user's tokens.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, name, created_at, last_used, revoked FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (Token, error) {
		var t Token
		var created string
		err := r.Scan(&t.ID, &t.Name, &created, &t.LastUsed, &t.Revoked)
		t.Created, _ = time.Parse(time.RFC3339, created)
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
