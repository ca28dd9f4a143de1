package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// secret returns the signing key called name, kept in the database's meta
// table so that every node signs and checks alike; it is made on first use.
func (s *Server) secret(ctx context.Context, name string) ([]byte, error) {
	key := "secret:" + name
	v, err := s.db.Meta(ctx, key)
	if err != nil {
		return nil, err
	}
	if v == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("make secret %s: %w", name, err)
		}
		// Two nodes may race to make it: the first one written wins, and
		// both read it back.
		if err := s.db.SetMetaIfUnset(ctx, key, base64.RawURLEncoding.EncodeToString(b)); err != nil {
			return nil, err
		}
		if v, err = s.db.Meta(ctx, key); err != nil {
			return nil, err
		}
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < 16 {
		return nil, fmt.Errorf("secret %s in the database is malformed", name)
	}
	return b, nil
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
func (s *Server) verify(ctx context.Context, name, msg, sig string) bool {
	want, err := s.sign(ctx, name, msg)
	return err == nil && hmac.Equal([]byte(want), []byte(sig))
}
