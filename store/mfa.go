package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// ErrBadCode means a one-time or recovery code is wrong, was already
// used, or (for a one-time code) belongs to a time step already used.
var ErrBadCode = errors.New("wrong or already used code")

// MFA parameters: the authenticator apps' defaults (RFC 6238: SHA-1, six
// digits, 30 seconds), since not every app honours others.
const (
	// TOTPPeriod is the length of one time step.
	TOTPPeriod = 30
	// totpSkew is how many steps either side of now are accepted, for
	// clocks that drift and codes typed near the end of their step.
	totpSkew = 1
	// RecoveryCodeCount is how many recovery codes an enrolment gets.
	RecoveryCodeCount = 10
	// mfaKeyName names the key, in meta, that encrypts TOTP secrets.
	mfaKeyName = "mfa_key"
)

var totpOpts = totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// mfaCipher is the AES-GCM cipher under the key kept in meta. It is read
// before the write transaction: making the key is a write of its own and
// would wait for the one writer connection.
func (db *DB) mfaCipher(ctx context.Context) (cipher.AEAD, error) {
	k, err := db.Secret(ctx, mfaKeyName)
	if err != nil {
		return nil, err
	}
	key, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("mfa key in meta is not 32 bytes of base64url")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("mfa key: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealSecret encrypts a TOTP secret; the user id is authenticated with
// it, so a sealed secret copied to another user's row does not open.
func sealSecret(aead cipher.AEAD, userID int64, secret string) (string, error) {
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(secret), []byte("user_totp:"+strconv.FormatInt(userID, 10)))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

func openSecret(aead cipher.AEAD, userID int64, sealed string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", fmt.Errorf("open TOTP secret of user %d: malformed", userID)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, b[:n], b[n:], []byte("user_totp:"+strconv.FormatInt(userID, 10)))
	if err != nil {
		return "", fmt.Errorf("open TOTP secret of user %d: %w", userID, err)
	}
	return string(plain), nil
}

// StartTOTP begins an enrolment: it keeps fresh (a base32 TOTP secret) as
// the user's pending secret and returns it, or returns the pending secret
// already kept, so that reloading the enrolment page does not change the
// QR code under a scan in progress. It is ErrConflict if TOTP is already
// enabled.
func (db *DB) StartTOTP(ctx context.Context, userID int64, fresh string) (string, error) {
	aead, err := db.mfaCipher(ctx)
	if err != nil {
		return "", err
	}
	var secret string
	err = db.update(ctx, func(t *Tx) error {
		var sealed string
		var enabled bool
		err := t.tx.QueryRowContext(ctx, "SELECT secret, enabled FROM user_totp WHERE user_id = ?", userID).Scan(&sealed, &enabled)
		switch {
		case err == nil && enabled:
			return fmt.Errorf("start TOTP for user %d: already enabled: %w", userID, ErrConflict)
		case err == nil:
			secret, err = openSecret(aead, userID, sealed)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read TOTP of user %d: %w", userID, err)
		}
		if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(fresh); err != nil || len(fresh) < 16 {
			return fmt.Errorf("start TOTP for user %d: the secret is not base32 of at least 10 bytes", userID)
		}
		if sealed, err = sealSecret(aead, userID, fresh); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "INSERT INTO user_totp (user_id, secret, created_at) VALUES (?, ?, ?)", userID, sealed, t.stamp()); err != nil {
			return fmt.Errorf("start TOTP for user %d: %w", userID, err)
		}
		secret = fresh
		return nil
	})
	return secret, err
}

// ConfirmTOTP enables the pending TOTP enrolment once code, made by the
// user's app at time at, proves the app holds the secret. It returns the
// recovery codes, which exist in clear only in this answer.
func (db *DB) ConfirmTOTP(ctx context.Context, userID int64, code string, at time.Time) ([]string, error) {
	aead, err := db.mfaCipher(ctx)
	if err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		if codes[i], err = newRecoveryCode(); err != nil {
			return nil, err
		}
	}
	err = db.update(ctx, func(t *Tx) error {
		if err := t.checkTOTP(ctx, aead, userID, false, code, at); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE user_totp SET enabled = 1, confirmed_at = ? WHERE user_id = ?", t.stamp(), userID); err != nil {
			return fmt.Errorf("enable TOTP of user %d: %w", userID, err)
		}
		if _, err := t.exec(ctx, "DELETE FROM mfa_recovery_codes WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("drop old recovery codes of user %d: %w", userID, err)
		}
		for _, c := range codes {
			if _, err := t.exec(ctx, "INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (?, ?)", userID, hashSecret(normaliseRecoveryCode(c))); err != nil {
				return fmt.Errorf("store recovery codes of user %d: %w", userID, err)
			}
		}
		return t.audit(ctx, "mfa.enable", fmt.Sprintf("user/%d", userID), "totp")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// VerifyTOTP checks a code from the user's app at time at against their
// enabled TOTP secret. A code whose time step is not later than the last
// accepted one is refused (ErrBadCode), so each code works once.
func (db *DB) VerifyTOTP(ctx context.Context, userID int64, code string, at time.Time) error {
	aead, err := db.mfaCipher(ctx)
	if err != nil {
		return err
	}
	return db.update(ctx, func(t *Tx) error {
		return t.checkTOTP(ctx, aead, userID, true, code, at)
	})
}

// checkTOTP checks code against the user's secret (enabled or pending, as
// asked) and, when it is right, records its step as used.
func (t *Tx) checkTOTP(ctx context.Context, aead cipher.AEAD, userID int64, enabled bool, code string, at time.Time) error {
	var sealed string
	var last int64
	err := t.tx.QueryRowContext(ctx, "SELECT secret, last_step FROM user_totp WHERE user_id = ? AND enabled = ?", userID, enabled).Scan(&sealed, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("TOTP of user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read TOTP of user %d: %w", userID, err)
	}
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return ErrBadCode
	}
	secret, err := openSecret(aead, userID, sealed)
	if err != nil {
		return err
	}
	now := at.Unix() / TOTPPeriod
	for step := now - totpSkew; step <= now+totpSkew; step++ {
		if step <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*TOTPPeriod, 0), totpOpts)
		if err != nil {
			return fmt.Errorf("TOTP of user %d: %w", userID, err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if _, err := t.exec(ctx, "UPDATE user_totp SET last_step = ? WHERE user_id = ?", step, userID); err != nil {
				return fmt.Errorf("record TOTP step of user %d: %w", userID, err)
			}
			return nil
		}
	}
	return ErrBadCode
}

// newRecoveryCode is 10 random base32 characters (50 bits) in two groups
// of five, easy to copy by hand.
func newRecoveryCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))[:10]
	return s[:5] + "-" + s[5:], nil
}

// normaliseRecoveryCode forgives case, spaces and dashes.
func normaliseRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
}

// UseRecoveryCode accepts one of the user's unused recovery codes, in
// place of a TOTP code, and marks it used; ErrBadCode otherwise.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, code string) error {
	code = normaliseRecoveryCode(code)
	if len(code) != 10 {
		return ErrBadCode
	}
	return db.update(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL
			AND EXISTS (SELECT 1 FROM user_totp WHERE user_id = ? AND enabled = 1)`, t.stamp(), userID, hashSecret(code), userID)
		if err != nil {
			return fmt.Errorf("use recovery code of user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBadCode
		}
		var left int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL", userID).Scan(&left); err != nil {
			return fmt.Errorf("count recovery codes of user %d: %w", userID, err)
		}
		return t.audit(ctx, "mfa.recovery_code", fmt.Sprintf("user/%d", userID), fmt.Sprintf("%d left", left))
	})
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL", userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}

// HasTOTP reports whether the user has TOTP enabled (which is what
// brings recovery codes).
func (db *DB) HasTOTP(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM user_totp WHERE user_id = ? AND enabled = 1", userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read TOTP of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// HasMFA reports whether the user has a second factor: TOTP enabled, or
// a passkey.
func (db *DB) HasMFA(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM user_totp WHERE user_id = ? AND enabled = 1)
		+ (SELECT COUNT(*) FROM passkeys WHERE user_id = ?)`, userID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read MFA of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// MFAUsers is the set of users with a second factor (TOTP enabled or a
// passkey), for the admins' list.
func (db *DB) MFAUsers(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT user_id FROM user_totp WHERE enabled = 1 UNION SELECT user_id FROM passkeys")
	if err != nil {
		return nil, fmt.Errorf("list MFA users: %w", err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("list MFA users: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// DisableMFA removes the user's TOTP (pending or enabled) and recovery
// codes; their passkeys stay, each removed on its own (RemovePasskey).
// The caller has checked the user's password and a current code; an
// admin's reset is ResetMFA.
func (db *DB) DisableMFA(ctx context.Context, userID int64) error {
	return db.removeMFA(ctx, userID, "mfa.disable", false)
}

// ResetMFA is an admin's removal of all another user's second factors
// (TOTP, recovery codes and passkeys), for a user who lost them. It is
// ErrNotFound when the user has none.
func (db *DB) ResetMFA(ctx context.Context, userID int64) error {
	return db.removeMFA(ctx, userID, "mfa.reset", true)
}

func (db *DB) removeMFA(ctx context.Context, userID int64, action string, passkeys bool) error {
	return db.update(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, "DELETE FROM user_totp WHERE user_id = ?", userID)
		if err != nil {
			return fmt.Errorf("remove TOTP of user %d: %w", userID, err)
		}
		removed, _ := res.RowsAffected()
		if _, err := t.exec(ctx, "DELETE FROM mfa_recovery_codes WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("remove recovery codes of user %d: %w", userID, err)
		}
		detail := ""
		if passkeys {
			res, err := t.exec(ctx, "DELETE FROM passkeys WHERE user_id = ?", userID)
			if err != nil {
				return fmt.Errorf("remove passkeys of user %d: %w", userID, err)
			}
			n, _ := res.RowsAffected()
			removed += n
			if n > 0 {
				detail = fmt.Sprintf("%d passkeys removed", n)
			}
		}
		if removed == 0 {
			return fmt.Errorf("MFA of user %d: %w", userID, ErrNotFound)
		}
		return t.audit(ctx, action, fmt.Sprintf("user/%d", userID), detail)
	})
}

// MFAKeys are the throttle keys of one second-factor attempt: the
// account's own second-factor key, then the sign-in keys (LoginKeys).
// The first is cleared only by a right code, never by a right password,
// so someone who knows the password cannot wipe the count of wrong codes
// by signing in again.
func MFAKeys(userID int64, email, ip string) []ThrottleKey {
	return append([]ThrottleKey{{Key: fmt.Sprintf("mfa:%d", userID), Rule: AccountThrottle}}, LoginKeys(email, ip)...)
}
