package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Passkey flag bits, as kept in passkeys.flags.
const (
	// PasskeyUserPresent: the authenticator saw the user.
	PasskeyUserPresent = 1 << iota
	// PasskeyUserVerified: the authenticator verified the user (PIN,
	// fingerprint) at registration or since.
	PasskeyUserVerified
	// PasskeyBackupEligible: the credential may be synced between
	// devices; this never changes for a credential.
	PasskeyBackupEligible
	// PasskeyBackedUp: the credential is synced now.
	PasskeyBackedUp
)

// ErrCounter means a passkey's signature counter did not move forward,
// the sign of a cloned authenticator: the assertion is refused.
var ErrCounter = errors.New("passkey signature counter did not increase")

// Passkey is one WebAuthn credential registered as a second factor.
type Passkey struct {
	ID           int64
	UserID       int64
	CredentialID []byte
	PublicKey    []byte // COSE key, as the authenticator made it
	SignCount    uint32
	Transports   []string
	AAGUID       []byte
	Flags        int
	Name         string
	CreatedAt    time.Time
	LastUsedAt   time.Time // zero until first used to sign in
}

// PasskeyNameMax bounds the name a user gives a passkey.
const PasskeyNameMax = 60

// AddPasskey keeps a credential the user just registered (audited as
// mfa.passkey_add). A credential id already registered, to anyone, is
// ErrConflict.
func (db *DB) AddPasskey(ctx context.Context, p Passkey) (Passkey, error) {
	err := db.update(ctx, func(t *Tx) error {
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM passkeys WHERE credential_id = ?", p.CredentialID).Scan(&n); err != nil {
			return fmt.Errorf("check passkey of user %d: %w", p.UserID, err)
		}
		if n > 0 {
			return fmt.Errorf("add passkey of user %d: credential already registered: %w", p.UserID, ErrConflict)
		}
		res, err := t.exec(ctx, `INSERT INTO passkeys (user_id, credential_id, public_key, sign_count, transports, aaguid, flags, name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.UserID, p.CredentialID, p.PublicKey, int64(p.SignCount),
			strings.Join(p.Transports, ","), p.AAGUID, p.Flags, p.Name, t.stamp())
		if err != nil {
			return fmt.Errorf("add passkey of user %d: %w", p.UserID, err)
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("add passkey of user %d: %w", p.UserID, err)
		}
		p.CreatedAt = t.now
		return t.audit(ctx, "mfa.passkey_add", fmt.Sprintf("user/%d", p.UserID), p.Name)
	})
	return p, err
}

// Passkeys lists the user's passkeys, oldest first.
func (db *DB) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, user_id, credential_id, public_key, sign_count, transports, aaguid, flags, name, created_at, last_used_at
		FROM passkeys WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list passkeys of user %d: %w", userID, err)
	}
	out, err := collect(rows, func(r *sql.Rows) (Passkey, error) {
		var p Passkey
		var count int64
		var transports, created string
		var used sql.NullString
		if err := r.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.PublicKey, &count, &transports, &p.AAGUID, &p.Flags, &p.Name, &created, &used); err != nil {
			return p, err
		}
		p.SignCount = uint32(count)
		if transports != "" {
			p.Transports = strings.Split(transports, ",")
		}
		p.CreatedAt, _ = time.Parse(time.RFC3339, created)
		if used.Valid {
			p.LastUsedAt, _ = time.Parse(time.RFC3339, used.String)
		}
		return p, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list passkeys of user %d: %w", userID, err)
	}
	return out, nil
}

// UsePasskey records a verified sign-in assertion by the user's
// credential: the new signature counter, flags and the time of use. A
// counter that does not move forward (when either it or the stored one
// is non-zero) is ErrCounter and changes nothing; a credential that is
// not the user's is ErrNotFound.
func (db *DB) UsePasskey(ctx context.Context, userID int64, credentialID []byte, signCount uint32, flags int) error {
	return db.update(ctx, func(t *Tx) error {
		var stored int64
		err := t.tx.QueryRowContext(ctx, "SELECT sign_count FROM passkeys WHERE user_id = ? AND credential_id = ?", userID, credentialID).Scan(&stored)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("passkey of user %d: %w", userID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read passkey of user %d: %w", userID, err)
		}
		if (signCount != 0 || stored != 0) && int64(signCount) <= stored {
			return ErrCounter
		}
		if _, err := t.exec(ctx, "UPDATE passkeys SET sign_count = ?, flags = ?, last_used_at = ? WHERE user_id = ? AND credential_id = ?",
			int64(signCount), flags, t.stamp(), userID, credentialID); err != nil {
			return fmt.Errorf("record use of passkey of user %d: %w", userID, err)
		}
		return nil
	})
}

// RemovePasskey deletes one of the user's passkeys (audited as
// mfa.passkey_remove); a passkey that is not the user's is ErrNotFound.
func (db *DB) RemovePasskey(ctx context.Context, userID, id int64) error {
	return db.update(ctx, func(t *Tx) error {
		var name string
		err := t.tx.QueryRowContext(ctx, "DELETE FROM passkeys WHERE id = ? AND user_id = ? RETURNING name", id, userID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("passkey %d of user %d: %w", id, userID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("remove passkey %d of user %d: %w", id, userID, err)
		}
		return t.audit(ctx, "mfa.passkey_remove", fmt.Sprintf("user/%d", userID), name)
	})
}

// SaveChallenge keeps the state of a WebAuthn ceremony (data, opaque
// here) for the binding (a hash of the session or pending sign-in) and
// purpose ("register" or "login"), replacing any earlier one, until
// expires. Expired challenges of everyone are swept on the way.
func (db *DB) SaveChallenge(ctx context.Context, binding, purpose string, userID int64, data string, expires time.Time) error {
	return db.update(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, "DELETE FROM webauthn_challenges WHERE expires_at < ?", t.now.Unix()); err != nil {
			return fmt.Errorf("sweep WebAuthn challenges: %w", err)
		}
		if _, err := t.exec(ctx, `INSERT INTO webauthn_challenges (binding, purpose, user_id, data, expires_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (binding, purpose) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`,
			hashSecret(binding), purpose, userID, data, expires.Unix()); err != nil {
			return fmt.Errorf("save WebAuthn challenge of user %d: %w", userID, err)
		}
		return nil
	})
}

// TakeChallenge returns and deletes the ceremony state kept for the
// binding, purpose and user, so that each challenge is answered once.
// None, another user's or an expired one is ErrNotFound.
func (db *DB) TakeChallenge(ctx context.Context, binding, purpose string, userID int64) (string, error) {
	var data string
	err := db.update(ctx, func(t *Tx) error {
		var owner, expires int64
		err := t.tx.QueryRowContext(ctx, "DELETE FROM webauthn_challenges WHERE binding = ? AND purpose = ? RETURNING user_id, data, expires_at",
			hashSecret(binding), purpose).Scan(&owner, &data, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("WebAuthn challenge: %w", ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("take WebAuthn challenge: %w", err)
		}
		if owner != userID || t.now.Unix() > expires {
			return fmt.Errorf("WebAuthn challenge: %w", ErrNotFound)
		}
		return nil
	})
	return data, err
}
