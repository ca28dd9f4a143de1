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
}

// The rules for accounts and for client addresses. An address is allowed
// more failures because many people may share one (an office, a NAT).
var (
	AccountThrottle = ThrottleRule{Free: 5, Max: time.Minute, Window: 24 * time.Hour}
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
		_, err := t.exec(ctx, `INSERT INTO login_failures (key, failures, last_at) VALUES (?, 1, ?)
			ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN last_at < ? THEN 1 ELSE failures + 1 END, last_at = excluded.last_at`,
			k.Key, t.stamp(), since)
		if err != nil {
			return fmt.Errorf("count failure on %s: %w", k.Key, err)
		}
	}
	return nil
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
