package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// How long an emailed link works.
const (
	ResetLinkTTL    = time.Hour
	RegisterLinkTTL = 24 * time.Hour
)

// ErrLinkInvalid is a reset or confirmation link that is unknown, used,
// expired or replaced by a newer one: all look alike to its holder.
var ErrLinkInvalid = errors.New("the link is not valid: it is unknown, used, expired or replaced by a newer one")

// Throttles of the requests that send email, so that neither an address
// nor a client can be used to flood someone's mailbox. Every request
// counts, sent or not, so that the answer says nothing of whether an
// account exists.
var (
	MailAddressThrottle = ThrottleRule{Free: 3, Max: time.Hour, Window: 24 * time.Hour}
	MailClientThrottle  = ThrottleRule{Free: 20, Max: time.Hour, Window: 24 * time.Hour}
)

// ResetKeys are the throttle keys of one request for a reset link: the
// address asked for and the client asking.
func ResetKeys(email, ip string) []ThrottleKey {
	return []ThrottleKey{
		{Key: "reset:" + strings.ToLower(strings.TrimSpace(email)), Rule: MailAddressThrottle},
		{Key: "reset-ip:" + ip, Rule: MailClientThrottle},
	}
}

// RegisterMailKeys are the throttle keys of a registration that sends a
// confirmation or a notice to the address (with --smtp-url), besides
// RegisterKeys' limit on the client.
func RegisterMailKeys(email string) []ThrottleKey {
	return []ThrottleKey{{Key: "register-mail:" + strings.ToLower(strings.TrimSpace(email)), Rule: MailAddressThrottle}}
}

// Registration is an account awaiting the confirmation of its address.
// It holds no password: whoever registers an address does not choose
// the password of its account; whoever follows the emailed link does,
// having proved they read the address's mail.
type Registration struct {
	User User `json:"user"`
	// Next is the page to go to once confirmed ("" for the account).
	Next string `json:"next"`
}

// newLink stores a fresh link for purpose, replacing the older links of
// the same purpose and address, and returns its token.
func (t *Tx) newLink(ctx context.Context, purpose, email string, userID int64, registration string, ttl time.Duration) (string, error) {
	token, err := newSecret()
	if err != nil {
		return "", err
	}
	// Links long dead are forgotten while we are here.
	if _, err := t.exec(ctx, "DELETE FROM email_links WHERE expires_at < ?", t.now.Add(-7*24*time.Hour).Format(time.RFC3339)); err != nil {
		return "", fmt.Errorf("forget old links: %w", err)
	}
	if _, err := t.exec(ctx, "DELETE FROM email_links WHERE purpose = ? AND email = ?", purpose, email); err != nil {
		return "", fmt.Errorf("replace %s links of %s: %w", purpose, email, err)
	}
	var uid any
	if userID != 0 {
		uid = userID
	}
	_, err = t.exec(ctx, `INSERT INTO email_links (purpose, token_hash, email, user_id, registration, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, purpose, hashSecret(token), email, uid, registration, t.stamp(), t.now.Add(ttl).Format(time.RFC3339))
	if err != nil {
		return "", fmt.Errorf("store %s link: %w", purpose, err)
	}
	return token, nil
}

// linkRow finds a live link of purpose by its token: its id, user and
// registration. Anything else is ErrLinkInvalid.
func linkRow(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, purpose, token string, now time.Time) (id, userID int64, registration string, err error) {
	var uid sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT id, user_id, registration FROM email_links
		WHERE purpose = ? AND token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		purpose, hashSecret(token), now.UTC().Format(time.RFC3339)).Scan(&id, &uid, &registration)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, "", ErrLinkInvalid
	}
	if err != nil {
		return 0, 0, "", fmt.Errorf("find %s link: %w", purpose, err)
	}
	return id, uid.Int64, registration, nil
}

// RequestPasswordReset makes a reset link for the enabled account with
// this email, if there is one, and queues the message compose writes
// with its token, in one transaction. It reports whether a message was
// queued; the caller must not tell the visitor.
func (db *DB) RequestPasswordReset(ctx context.Context, email string, compose func(u User, token string) Message) (bool, error) {
	sent := false
	err := db.update(ctx, func(t *Tx) error {
		u, err := scanUser(t.tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ? AND NOT disabled", strings.TrimSpace(email)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find the account of %s: %w", email, err)
		}
		token, err := t.newLink(ctx, "reset", u.Email, u.ID, "", ResetLinkTTL)
		if err != nil {
			return err
		}
		m := compose(u, token)
		m.UserID, m.To = u.ID, u.Email
		if err := t.enqueue(ctx, m); err != nil {
			return err
		}
		sent = true
		return t.audit(ctx, "user.reset.request", fmt.Sprintf("user/%d", u.ID), "")
	})
	return sent, err
}

// ResetLinkUser is the account a live reset link is for; ErrLinkInvalid
// otherwise (a disabled account's link included).
func (db *DB) ResetLinkUser(ctx context.Context, token string) (User, error) {
	_, uid, _, err := linkRow(ctx, db.read, "reset", token, db.Now())
	if err != nil {
		return User{}, err
	}
	u, err := db.User(ctx, uid)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Disabled) {
		return User{}, ErrLinkInvalid
	}
	return u, err
}

// ResetPassword follows a reset link: the account gets the new password
// hash, every session of it ends, every API token is revoked, its
// sign-in throttle is cleared and the link is used up, in one
// transaction.
func (db *DB) ResetPassword(ctx context.Context, token, hash string) (User, error) {
	var u User
	err := db.update(ctx, func(t *Tx) error {
		id, uid, _, err := linkRow(ctx, t.tx, "reset", token, t.now)
		if err != nil {
			return err
		}
		if u, err = t.user(ctx, uid); err != nil {
			return err
		}
		if u.Disabled {
			return ErrLinkInvalid
		}
		if _, err := t.exec(ctx, "UPDATE email_links SET used_at = ? WHERE id = ?", t.stamp(), id); err != nil {
			return fmt.Errorf("use reset link: %w", err)
		}
		return t.setPassword(ctx, u.ID, hash, "", true, "user.password.reset")
	})
	return u, err
}

// RequestRegistration answers a registration made while mail can be
// sent, in one transaction. For an address without an account, the
// registration is kept (replacing any earlier one for the address) and
// the message confirm writes with its token is queued; for an address
// with one, nothing is created and the owner gets the message notice
// writes. The caller answers both alike: so the whole registration is
// checked before the address is looked up, and an invalid one is refused
// the same way for both. It reports whether the address had an account,
// for tests and the audit log only.
func (db *DB) RequestRegistration(ctx context.Context, r Registration, confirm func(token string) Message, notice func(existing User) Message) (bool, error) {
	if err := r.User.Validate(); err != nil {
		return false, err
	}
	known := false
	err := db.update(ctx, func(t *Tx) error {
		if r.User.Country != "" {
			var n int
			if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM jurisdictions WHERE code = ?", r.User.Country).Scan(&n); err != nil {
				return fmt.Errorf("check country %s: %w", r.User.Country, err)
			}
			if n == 0 {
				return &ValidationError{Fields: map[string]string{"country": "Choose a country from the list"}}
			}
		}
		existing, err := scanUser(t.tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", r.User.Email))
		switch {
		case err == nil:
			known = true
			m := notice(existing)
			m.UserID, m.To = existing.ID, existing.Email
			if err := t.enqueue(ctx, m); err != nil {
				return err
			}
			return t.audit(ctx, "user.register.existing", fmt.Sprintf("user/%d", existing.ID), "")
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find the account of %s: %w", r.User.Email, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("keep registration: %w", err)
		}
		token, err := t.newLink(ctx, "register", r.User.Email, 0, string(b), RegisterLinkTTL)
		if err != nil {
			return err
		}
		m := confirm(token)
		m.To = r.User.Email
		return t.enqueue(ctx, m)
	})
	return known, err
}

// PendingRegistration is the registration a live confirmation link holds;
// ErrLinkInvalid otherwise.
func (db *DB) PendingRegistration(ctx context.Context, token string) (Registration, error) {
	var r Registration
	_, _, reg, err := linkRow(ctx, db.read, "register", token, db.Now())
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(reg), &r); err != nil {
		return r, fmt.Errorf("read registration: %w", err)
	}
	return r, nil
}

// ConfirmRegistration follows a confirmation link: the account it holds
// is created with passwordHash, the password its follower chose, and the
// link used up, in one transaction. An address that gained an account
// meanwhile makes the link invalid.
func (db *DB) ConfirmRegistration(ctx context.Context, token, passwordHash string) (User, string, error) {
	var u User
	var next string
	err := db.update(ctx, func(t *Tx) error {
		id, _, reg, err := linkRow(ctx, t.tx, "register", token, t.now)
		if err != nil {
			return err
		}
		var r Registration
		if err := json.Unmarshal([]byte(reg), &r); err != nil {
			return fmt.Errorf("read registration: %w", err)
		}
		// What the registration held is not kept once it has served.
		if _, err := t.exec(ctx, "UPDATE email_links SET used_at = ?, registration = '' WHERE id = ?", t.stamp(), id); err != nil {
			return fmt.Errorf("use confirmation link: %w", err)
		}
		r.User.Role = "stakeholder"
		u, err = t.createUser(ctx, r.User, passwordHash)
		var ve *ValidationError
		if errors.As(err, &ve) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		next = r.Next
		return t.audit(ctx, "user.register.confirm", fmt.Sprintf("user/%d", u.ID), "")
	})
	return u, next, err
}

// credentialKinds are the kinds of message whose body carries a live
// link token: no one but the recipient should read it.
var credentialKinds = map[string]bool{"password-reset": true, "register-confirm": true}

var linkTokenRE = regexp.MustCompile(`token=[A-Za-z0-9_-]+`)

// HideCredentials returns a message body with the tokens of its links
// replaced, for a message kind that carries one: for the admins' outbox,
// and for what is kept once the message is sent, so that neither an
// admin nor a copy of the database holds a working link.
func HideCredentials(kind, body string) string {
	if !credentialKinds[kind] {
		return body
	}
	return linkTokenRE.ReplaceAllString(body, "token=(removed)")
}
