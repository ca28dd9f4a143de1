package web

import (
	"crypto/sha256"
	"sync"
	"time"
)

// newTokenTTL is how long a created API token waits, in memory only, for
// the page the creation redirects to.
const newTokenTTL = 2 * time.Minute

// newTokens hands a freshly created API token from the POST that made it
// to the one page after the redirect (POST, redirect, GET), so refreshing
// that page neither creates a second token nor shows the first again.
// The token never travels in an address or a cookie; it waits here,
// keyed by a hash of the session, and is taken on first read.
type newTokens struct {
	mu sync.Mutex
	m  map[[32]byte]pendingToken
}

type pendingToken struct {
	token string
	until time.Time
}

func newNewTokens() *newTokens { return &newTokens{m: map[[32]byte]pendingToken{}} }

// put keeps token for the session until it is taken or expires.
func (n *newTokens) put(session, token string, now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for k, p := range n.m {
		if now.After(p.until) {
			delete(n.m, k)
		}
	}
	n.m[sha256.Sum256([]byte(session))] = pendingToken{token: token, until: now.Add(newTokenTTL)}
}

// take returns the session's waiting token, once.
func (n *newTokens) take(session string, now time.Time) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := sha256.Sum256([]byte(session))
	p, ok := n.m[k]
	delete(n.m, k)
	if !ok || now.After(p.until) {
		return ""
	}
	return p.token
}
