package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"sync"
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
