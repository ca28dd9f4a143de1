package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// User is an account: a member (editor), an admin, or a stakeholder who
// comments on consultations.
type User struct {
	ID               int64     `json:"id"`
	Email            string    `json:"email"`
	Name             string    `json:"name"`
	Organisation     string    `json:"organisation"`
	StakeholderGroup string    `json:"stakeholder_group"`
	Country          string    `json:"country"`
	Role             string    `json:"role"`
	ConsentPublish   bool      `json:"consent_publish"`
	Disabled         bool      `json:"disabled"`
	CreatedAt        time.Time `json:"created_at"`
}

// HasRole reports whether the user's role is at least min, in the order
// stakeholder < editor < admin. A disabled user has no role.
func (u *User) HasRole(min string) bool {
	if u == nil || u.Disabled {
		return false
	}
	rank := map[string]int{"stakeholder": 1, "editor": 2, "admin": 3}
	return rank[u.Role] >= rank[min] && rank[min] > 0
}

// DisplayName is the name, or the email when no name was given.
func (u *User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// Validate checks the profile fields.
func (u *User) Validate() error {
	pr := problems{}
	u.Email = strings.TrimSpace(u.Email)
	if msg := CheckEmail(u.Email); msg != "" {
		pr.add("email", msg)
	}
	checkText(pr, "name", u.Name, 200)
	checkText(pr, "organisation", u.Organisation, 200)
	if u.StakeholderGroup != "" && !in(StakeholderGroups, u.StakeholderGroup) {
		pr.add("stakeholder_group", "Choose one of the stakeholder groups")
	}
	if u.Country != "" && !jurisdictionRE.MatchString(u.Country) {
		pr.add("country", "Choose a country")
	}
	if !in(Roles, u.Role) {
		pr.add("role", "Choose stakeholder, editor or admin")
	}
	return pr.err()
}

// CreateUser adds an account with an already hashed password. An email in
// use is ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u User, passwordHash string) (User, error) {
	if err := u.Validate(); err != nil {
		return User{}, err
	}
	err := db.update(ctx, func(t *Tx) (err error) {
		u, err = t.createUser(ctx, u, passwordHash)
		return err
	})
	return u, err
}

// createUser is CreateUser inside the caller's transaction.
func (t *Tx) createUser(ctx context.Context, u User, passwordHash string) (User, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE email = ?", u.Email).Scan(&n); err != nil {
		return u, fmt.Errorf("create user: %w", err)
	}
	if n > 0 {
		return u, &ValidationError{Fields: map[string]string{"email": "An account with this email address already exists"}}
	}
	if u.Country != "" {
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM jurisdictions WHERE code = ?", u.Country).Scan(&n); err != nil || n == 0 {
			return u, &ValidationError{Fields: map[string]string{"country": "Choose a country from the list"}}
		}
	}
	res, err := t.exec(ctx, `INSERT INTO users (email, name, organisation, stakeholder_group, country, role, password_hash,
		consent_publish, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Email, u.Name, u.Organisation, u.StakeholderGroup, u.Country, u.Role, passwordHash, u.ConsentPublish, t.stamp(), t.stamp())
	if err != nil {
		return u, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	u.ID, _ = res.LastInsertId()
	u.CreatedAt = t.now
	if err := t.audit(ctx, "user.create", fmt.Sprintf("user/%d", u.ID), "role "+u.Role+", "+u.Email); err != nil {
		return u, err
	}
	return u, nil
}

const userColumns = `id, email, name, organisation, stakeholder_group, country, role, consent_publish, disabled, created_at`

func scanUser(r interface{ Scan(...any) error }) (User, error) {
	var u User
	var created string
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Organisation, &u.StakeholderGroup, &u.Country, &u.Role,
		&u.ConsentPublish, &u.Disabled, &created)
	u.CreatedAt, _ = time.Parse(time.RFC3339, created)
	return u, err
}

func (db *DB) userWhere(ctx context.Context, where string, arg any) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("user %v: %w", arg, err)
	}
	return u, nil
}

// User returns an account by id.
func (db *DB) User(ctx context.Context, id int64) (User, error) {
	return db.userWhere(ctx, "id = ?", id)
}

// UserByEmail returns an account by email, ignoring case.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	return db.userWhere(ctx, "email = ?", strings.TrimSpace(email))
}

// Users lists every account by email.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (User, error) { return scanUser(r) })
}

// CountAdmins counts enabled admin accounts; /setup is open while it is 0.
func (db *DB) CountAdmins(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled").Scan(&n); err != nil {
		return 0, fmt.Errorf("count admins: %w", err)
	}
	return n, nil
}

// Authenticate checks an email and password. It answers ErrNotFound for an
// unknown email, a wrong password or a disabled account alike, so callers
// cannot tell which; it spends the same hashing time in every case.
func (db *DB) Authenticate(ctx context.Context, email, password string) (User, error) {
	var hash string
	u, err := scanUserHash(db.read.QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = ?",
		strings.TrimSpace(email)), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = VerifyPassword(dummyHash(), password)
		return User{}, fmt.Errorf("authenticate: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil || !ok || u.Disabled {
		return User{}, fmt.Errorf("authenticate: %w", ErrNotFound)
	}
	return u, nil
}

// dummyHash is verified against when the email is unknown, so that both
// failures take as long.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password, only a timing equaliser")
	return h
})

func scanUserHash(r *sql.Row, hash *string) (User, error) {
	var u User
	var created string
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Organisation, &u.StakeholderGroup, &u.Country, &u.Role,
		&u.ConsentPublish, &u.Disabled, &created, hash)
	u.CreatedAt, _ = time.Parse(time.RFC3339, created)
	return u, err
}

// SetRole changes an account's role.
func (db *DB) SetRole(ctx context.Context, id int64, role string) error {
	if !in(Roles, role) {
		return &ValidationError{Fields: map[string]string{"role": "Choose stakeholder, editor or admin"}}
	}
	return db.update(ctx, func(t *Tx) error {
		var old string
		if err := t.tx.QueryRowContext(ctx, "SELECT role FROM users WHERE id = ?", id).Scan(&old); err != nil {
			return fmt.Errorf("user %d: %w", id, ErrNotFound)
		}
		if _, err := t.exec(ctx, "UPDATE users SET role = ?, updated_at = ? WHERE id = ?", role, t.stamp(), id); err != nil {
			return fmt.Errorf("set role of user %d: %w", id, err)
		}
		return t.audit(ctx, "user.role", fmt.Sprintf("user/%d", id), old+" -> "+role)
	})
}

// SetDisabled disables or enables an account; disabling ends its sessions
// and revokes its tokens.
func (db *DB) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return db.update(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, t.stamp(), id)
		if err != nil {
			return fmt.Errorf("disable user %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", id, ErrNotFound)
		}
		if disabled {
			if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return fmt.Errorf("end sessions of user %d: %w", id, err)
			}
			if _, err := t.exec(ctx, "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?", id); err != nil {
				return fmt.Errorf("revoke tokens of user %d: %w", id, err)
			}
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return t.audit(ctx, action, fmt.Sprintf("user/%d", id), "")
	})
}

// UpdateProfile changes an account's own fields (not its role or email).
// Withdrawing consent to publish one's name turns one's named comments
// anonymous.
func (db *DB) UpdateProfile(ctx context.Context, u User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(t *Tx) error {
		var consented bool
		if err := t.tx.QueryRowContext(ctx, "SELECT consent_publish FROM users WHERE id = ?", u.ID).Scan(&consented); err != nil {
			return fmt.Errorf("update profile of user %d: %w", u.ID, err)
		}
		_, err := t.exec(ctx, `UPDATE users SET name = ?, organisation = ?, stakeholder_group = ?, country = ?,
			consent_publish = ?, updated_at = ? WHERE id = ?`, u.Name, u.Organisation, u.StakeholderGroup, u.Country,
			u.ConsentPublish, t.stamp(), u.ID)
		if err != nil {
			return fmt.Errorf("update profile of user %d: %w", u.ID, err)
		}
		// Only a withdrawal of consent: a comment someone chose to sign
		// without ever ticking the consent box stays as they chose.
		if consented && !u.ConsentPublish {
			if err := t.anonymiseComments(ctx, u.ID); err != nil {
				return err
			}
		}
		return t.audit(ctx, "user.profile", fmt.Sprintf("user/%d", u.ID), "")
	})
}

// SetPassword stores a new password hash and ends the account's other
// sessions (keepSession, the one in use, survives). With revokeTokens,
// the account's API tokens end too, as the owner asked on the form, or
// always after a reset. The account's sign-in throttle is cleared: the
// owner has proved who they are.
func (db *DB) SetPassword(ctx context.Context, id int64, hash, keepSession string, revokeTokens bool) error {
	return db.update(ctx, func(t *Tx) error {
		return t.setPassword(ctx, id, hash, keepSession, revokeTokens, "user.password")
	})
}

// setPassword is SetPassword inside the caller's transaction, audited
// under action.
func (t *Tx) setPassword(ctx context.Context, id int64, hash, keepSession string, revokeTokens bool, action string) error {
	var email string
	if err := t.tx.QueryRowContext(ctx, "SELECT email FROM users WHERE id = ?", id).Scan(&email); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	if _, err := t.exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, t.stamp(), id); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	if _, err := t.exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", id, hashSecret(keepSession)); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", id, err)
	}
	if _, err := t.exec(ctx, "DELETE FROM login_failures WHERE key = ?", accountKey(email)); err != nil {
		return fmt.Errorf("clear sign-in failures of user %d: %w", id, err)
	}
	// A reset link asked for earlier must not set the password again
	// after it was changed another way (or by another link).
	if _, err := t.exec(ctx, "UPDATE email_links SET used_at = ? WHERE purpose = 'reset' AND user_id = ? AND used_at IS NULL", t.stamp(), id); err != nil {
		return fmt.Errorf("use up reset links of user %d: %w", id, err)
	}
	detail := ""
	if revokeTokens {
		n, err := t.revokeTokens(ctx, id)
		if err != nil {
			return err
		}
		detail = fmt.Sprintf("%d API tokens revoked", n)
	}
	return t.audit(ctx, action, fmt.Sprintf("user/%d", id), detail)
}

// newSecret returns 32 random bytes, base64url-encoded.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is how sessions and tokens are stored: a leak of the
// database does not hand out working credentials.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
