package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
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

// commonPasswords are refused outright: the most used passwords of public
// breach lists, and words an Accord user might reach for.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`password password1 password12 password123 password1234 passw0rd p@ssw0rd
	12345678 123456789 1234567890 12345678910 87654321 11111111 00000000 123123123 11223344 12341234 1q2w3e4r
	1q2w3e4r5t qwertyui qwerty123 qwertyuiop asdfghjk asdfghjkl zxcvbnm1 iloveyou iloveyou1 princess1 sunshine1
	football baseball superman letmein1 welcome1 welcome123 trustno1 dragon12 monkey12 abc12345 abcd1234
	aa123456 qwer1234 admin123 administrator changeme changeme1 default1 security internet computer
	accord123 accordaccord iotsecurity`) {
		m[p] = true
	}
	return m
}()

// CheckPassword says what is wrong with a new password, or "" when it is
// acceptable.
func CheckPassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return "Use UTF-8 text"
	case n < MinPassword:
		return fmt.Sprintf("Use at least %d characters", MinPassword)
	case n > MaxPassword:
		return fmt.Sprintf("Use at most %d characters", MaxPassword)
	case commonPasswords[strings.ToLower(pw)]:
		return "This password is too common; choose one that is harder to guess"
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
