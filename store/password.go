package store

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed" // the list of common passwords
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes,
// 1 lane), which keeps a sign-in near 30 ms on the 2-core reference machine.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// Password length limits, in characters.
const (
	MinPassword = 8
	MaxPassword = 128
)

// SiteName is a word every Accord user might reach for in a password.
const SiteName = "accord"

// commonList is the list of common passwords, copied with its licence
// from zxcvbn's frequency data (see passwords/README.md). It is copied
// rather than imported: the module is a strength estimator we would use
// only for its list, and a file in the repository cannot change under us.
//
//go:embed passwords/common.txt
var commonList string

// commonPasswords is commonList as a set, built at the first check so
// that commands which never check a password do not pay for it.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	words := strings.Fields(commonList)
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[strings.ToLower(w)] = true
	}
	return m
})

// stem is a password lowercased without what people add at the end to
// pass a rule: digits and symbols ("Summer2024!" is "summer").
func stem(pw string) string {
	return strings.TrimRightFunc(strings.ToLower(pw), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
}

// contextWords are the words a guesser tries first against one account:
// the site's name, the email, its local part and domain words, and the
// name, whole and word by word; all lowercase, none shorter than three
// letters (those would refuse too much).
func contextWords(email, name string) map[string]bool {
	words := map[string]bool{SiteName: true}
	add := func(w string) {
		if w = strings.ToLower(strings.TrimSpace(w)); utf8.RuneCountInString(w) >= 3 {
			words[w] = true
		}
	}
	notLetter := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	add(email)
	local, domain, _ := strings.Cut(email, "@")
	add(local)
	for _, w := range strings.FieldsFunc(local, notLetter) {
		add(w)
	}
	for _, w := range strings.FieldsFunc(domain, notLetter) {
		add(w)
	}
	add(name)
	add(strings.Join(strings.Fields(name), ""))
	for _, w := range strings.FieldsFunc(name, notLetter) {
		add(w)
	}
	return words
}

// CheckPassword says what is wrong with a new password for the account
// with this email and name, or "" when it is acceptable. It is the one
// place that judges passwords: long enough, not on the list of common
// passwords, and not the site's name or the account's own email or name,
// ignoring case and trailing digits and symbols.
func CheckPassword(pw, email, name string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return "Use UTF-8 text"
	case n < MinPassword:
		return fmt.Sprintf("Use at least %d characters", MinPassword)
	case n > MaxPassword:
		return fmt.Sprintf("Use at most %d characters", MaxPassword)
	}
	lower, base := strings.ToLower(pw), stem(pw)
	ctx := contextWords(email, name)
	if ctx[lower] || ctx[base] || ctx[strings.Join(strings.Fields(base), "")] {
		return "Do not use the site's name or your own email address or name as your password"
	}
	common := commonPasswords()
	if common[lower] || common[base] {
		return "This password is too common; choose one that is harder to guess, such as a few unrelated words"
	}
	return ""
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errBadHash means a stored hash could not be read.
var errBadHash = errors.New("unreadable password hash")

// VerifyPassword reports whether pw matches the PHC-format hash.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
