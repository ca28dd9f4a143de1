package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Names of the signing secrets, as kept in the database's meta table.
const (
	unsubscribeKeyName = "unsubscribe_key"
	formTimeKeyName    = "form_time_key"
	csrfKeyName        = "csrf_key"
)

// secrets caches the signing secrets once read: they live in the database
// (store.DB.Secret makes each on first use) so that every node signs and
// checks alike, and they change only by rotation, which needs a restart.
type secrets struct {
	mu   sync.Mutex
	keys map[string][]byte
}

// secret returns the signing secret called name.
func (s *Server) secret(ctx context.Context, name string) ([]byte, error) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if k, ok := s.keys.keys[name]; ok {
		return k, nil
	}
	v, err := s.db.Secret(ctx, name)
	if err != nil {
		return nil, err
	}
	if s.keys.keys == nil {
		s.keys.keys = map[string][]byte{}
	}
	s.keys.keys[name] = []byte(v)
	return s.keys.keys[name], nil
}

// sign is the HMAC-SHA256 of msg under the named secret, base64url.
func (s *Server) sign(ctx context.Context, name, msg string) (string, error) {
	key, err := s.secret(ctx, name)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// verify checks a signature made by sign, in constant time.
func (s *Server) verify(ctx context.Context, name, msg, sig string) (bool, error) {
	want, err := s.sign(ctx, name, msg)
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(want), []byte(sig)), nil
}

// SigningKey is one signing secret an operator can rotate with
// `accord keys rotate`.
type SigningKey struct {
	// Which is its name on the command line.
	Which string
	// Meta is its key in the database's meta table.
	Meta string
	// Effect says what rotating it does to people using the site.
	Effect string
	// KeepPrevious keeps the old key working for checks (never for
	// signing) for PreviousKeyGrace after the rotation.
	KeepPrevious bool
}

// PreviousKeyGrace is how long an old unsubscribe key still verifies
// after a rotation: links in email already sent keep working for a
// while, and then stop.
const PreviousKeyGrace = 30 * 24 * time.Hour

// SigningKeys lists the rotatable signing secrets, in the order the
// command line prints them. The MFA encryption key is not among them: it
// encrypts stored secrets, and a new one would make them unreadable.
func SigningKeys() []SigningKey {
	return []SigningKey{
		{Which: "csrf", Meta: csrfKeyName,
			Effect: "every form already open in a browser is refused once; reloading the page gives it a new token (sessions stay signed in)"},
		{Which: "unsubscribe", Meta: unsubscribeKeyName, KeepPrevious: true,
			Effect: "new emails carry links signed with the new key; links in emails already sent keep working for 30 days, then stop (people can still change their email settings on their account page)"},
		{Which: "formtime", Meta: formTimeKeyName,
			Effect: "comment forms already open are refused once; the text is kept and sending again works"},
		{Which: "mfa-login", Meta: mfaLoginKeyName,
			Effect: "pending second-step sign-ins (password given, code or passkey not yet) must start again from the password; their tokens last 5 minutes anyway"},
	}
}

// previousKeySuffix and previousUntilSuffix name, in meta, the key a
// rotation replaced and the end of its grace period.
const (
	previousKeySuffix   = ":previous"
	previousUntilSuffix = ":previous_until"
)

// PreviousKeyMeta is the meta key under which a rotation keeps the
// replaced value of the secret called name, and the one holding the end
// of its grace period (RFC 3339).
func PreviousKeyMeta(name string) (key, until string) {
	return name + previousKeySuffix, name + previousUntilSuffix
}

// verifyOrPrevious is verify, and when that fails, the same check under
// the key the last rotation replaced while its grace period lasts.
func (s *Server) verifyOrPrevious(ctx context.Context, name, msg, sig string) (bool, error) {
	if ok, err := s.verify(ctx, name, msg, sig); ok || err != nil {
		return ok, err
	}
	keyName, untilName := PreviousKeyMeta(name)
	until, err := s.db.Meta(ctx, untilName)
	if err != nil || until == "" {
		return false, err
	}
	if t, err := time.Parse(time.RFC3339, until); err != nil || !s.now().Before(t) {
		return false, nil
	}
	prev, err := s.db.Meta(ctx, keyName)
	if err != nil || prev == "" {
		return false, err
	}
	m := hmac.New(sha256.New, []byte(prev))
	m.Write([]byte(msg))
	want := base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(want), []byte(sig)), nil
}
