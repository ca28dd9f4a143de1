package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ThrottleRule says how failed sign-ins on one kind of key slow further
// attempts: Free failures cost nothing, each one after doubles the wait
// from one second, and no wait exceeds Max, so that an attacker can slow a
// member down but never lock them out for long. Failures are forgotten
// after Window without a new one.
type ThrottleRule struct {
	Free   int
	Max    time.Duration
	Window time.Duration
	// Notify tells the account's owner by email when the waits begin:
	// one message per lock-out, not one per attempt.
	Notify bool
}

// The rules for accounts and for client addresses. An address is allowed
// more failures because many people may share one (an office, a NAT). The
// account's wait grows to 15 minutes, so that guessing one account from
// many addresses stays slow: after the free failures, some 100 guesses a
// day at most.
var (
	AccountThrottle = ThrottleRule{Free: 5, Max: 15 * time.Minute, Window: 24 * time.Hour, Notify: true}
	AddressThrottle = ThrottleRule{Free: 20, Max: 15 * time.Minute, Window: 24 * time.Hour}
)

// wait is how long after the last failure the next attempt must wait.
func (r ThrottleRule) wait(failures int) time.Duration {
	if failures < r.Free {
		return 0
	}
	n := failures - r.Free
	if n > 30 {
		return r.Max
	}
	d := time.Second << n
	if d > r.Max {
		return r.Max
	}
	return d
}

// ThrottleKey names what a rule applies to.
type ThrottleKey struct {
	Key  string
	Rule ThrottleRule
}

// LoginKeys are the throttle keys of one sign-in attempt: the account
// (by lowercased email) and the client address.
func LoginKeys(email, ip string) []ThrottleKey {
	return []ThrottleKey{
		{Key: accountKey(email), Rule: AccountThrottle},
		{Key: "ip:" + ip, Rule: AddressThrottle},
	}
}

// accountKey is the throttle key of an account, by email.
func accountKey(email string) string {
	return "account:" + strings.ToLower(strings.TrimSpace(email))
}

// RecordLoginFailure counts one failed sign-in against every key; failures
// older than the rule's window start the count again.
func (db *DB) RecordLoginFailure(ctx context.Context, keys []ThrottleKey) error {
	return db.update(ctx, func(t *Tx) error {
		return t.countFailures(ctx, keys)
	})
}

// countFailures counts one failure against every key; failures older
// than the rule's window start the count again.
func (t *Tx) countFailures(ctx context.Context, keys []ThrottleKey) error {
	for _, k := range keys {
		since := t.now.Add(-k.Rule.Window).Format(time.RFC3339)
		var failures int
		err := t.tx.QueryRowContext(ctx, `INSERT INTO login_failures (key, failures, last_at) VALUES (?, 1, ?)
			ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN last_at < ? THEN 1 ELSE failures + 1 END, last_at = excluded.last_at
			RETURNING failures`,
			k.Key, t.stamp(), since).Scan(&failures)
		if err != nil {
			return fmt.Errorf("count failure on %s: %w", k.Key, err)
		}
		// The count passes Free+1 once per lock-out (it starts again only
		// after a success, a password change or a quiet window). Free+1,
		// not Free: ReserveAttempt counts an attempt before its password
		// is checked, so only the attempt after Free is sure to follow
		// Free real failures, and a right fifth password tells no one.
		if k.Rule.Notify && failures == k.Rule.Free+1 {
			if err := t.noticeLockout(ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// noticeLockout tells an account's owner that its sign-ins are being
// slowed, through the outbox; a key that names no account tells no one.
func (t *Tx) noticeLockout(ctx context.Context, k ThrottleKey) error {
	email, ok := strings.CutPrefix(k.Key, "account:")
	if !ok {
		return nil
	}
	var id int64
	var to string
	err := t.tx.QueryRowContext(ctx, "SELECT id, email FROM users WHERE email = ? COLLATE NOCASE AND NOT disabled", email).Scan(&id, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find the account of %s: %w", k.Key, err)
	}
	return t.enqueue(ctx, Message{UserID: id, To: to, Kind: "sign-in-throttled",
		Subject: "Failed attempts to sign in to your Accord account",
		Body: fmt.Sprintf(`Someone has failed at least %d times to sign in to your Accord account (%s).

From now on each further attempt has to wait longer, up to %s, whoever makes it. If it was you, wait and try again; once signed in, changing your password clears the wait.

If it was not you, no one has signed in: your password is safe as long as it is not easy to guess. Consider changing it to a long passphrase.
`, k.Rule.Free, to, k.Rule.Max)})
}

// RegisterThrottle limits account creation from one client address.
var RegisterThrottle = ThrottleRule{Free: 10, Max: time.Hour, Window: 24 * time.Hour}

// RegisterKeys is the throttle key of one registration: the address.
func RegisterKeys(ip string) []ThrottleKey {
	return []ThrottleKey{{Key: "register:" + ip, Rule: RegisterThrottle}}
}

// ReserveAttempt checks the keys and, when no wait is due, counts the
// attempt against them, in one write transaction: parallel attempts are
// serialised, so they cannot all pass a check made before any of them was
// counted. It returns the wait still due (and counts nothing), or 0 with
// the attempt counted; a sign-in that then succeeds calls LoginSucceeded.
func (db *DB) ReserveAttempt(ctx context.Context, keys []ThrottleKey) (time.Duration, error) {
	var longest time.Duration
	err := db.update(ctx, func(t *Tx) error {
		for _, k := range keys {
			var failures int
			var last string
			err := t.tx.QueryRowContext(ctx, "SELECT failures, last_at FROM login_failures WHERE key = ?", k.Key).Scan(&failures, &last)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("read throttle: %w", err)
			}
			at, _ := time.Parse(time.RFC3339, last)
			if t.now.Sub(at) > k.Rule.Window {
				continue
			}
			if w := at.Add(k.Rule.wait(failures)).Sub(t.now); w > longest {
				longest = w
			}
		}
		if longest > 0 {
			return nil
		}
		return t.countFailures(ctx, keys)
	})
	return longest, err
}

// LoginSucceeded undoes what ReserveAttempt counted for a sign-in that
// turned out right: the account's failures are forgotten and the
// address's count goes back down by the one attempt.
func (db *DB) LoginSucceeded(ctx context.Context, keys []ThrottleKey) error {
	return db.update(ctx, func(t *Tx) error {
		for i, k := range keys {
			q := "UPDATE login_failures SET failures = MAX(failures - 1, 0) WHERE key = ?"
			if i == 0 {
				q = "DELETE FROM login_failures WHERE key = ?"
			}
			if _, err := t.exec(ctx, q, k.Key); err != nil {
				return fmt.Errorf("clear sign-in failures: %w", err)
			}
		}
		return nil
	})
}

// LoginFailures lists the throttle table: failures counted by key, for
// an admin's look at an attack in progress (and for tests).
func (db *DB) LoginFailures(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT key, failures FROM login_failures")
	if err != nil {
		return nil, fmt.Errorf("list sign-in failures: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("list sign-in failures: %w", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}
