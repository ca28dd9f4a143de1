package store

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEmail is the longest email address accepted, in bytes (RFC 5321's
// path limit less the angle brackets).
const MaxEmail = 254

// CheckEmail says what is wrong with an email address typed into a form,
// or "" when it is acceptable: a bare address as net/mail reads it (no
// display name, no angle brackets), at most MaxEmail bytes, without
// control characters. No DNS lookup is made: a sign-in must not wait on,
// or reveal anything to, a resolver. Callers check the address before it
// reaches the throttle table or the audit log, so neither stores junk.
func CheckEmail(email string) string {
	const msg = "Enter an email address, such as name@example.org"
	if len(email) > MaxEmail || !utf8.ValidString(email) {
		return msg
	}
	for _, r := range email {
		if unicode.IsControl(r) {
			return msg
		}
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return msg
	}
	return ""
}

// maxAuditField bounds each text field of an audit event, in runes.
const maxAuditField = 500

// auditText makes one field of an audit event safe to store and show: cut
// to about maxAuditField runes, invalid UTF-8 and control characters (CR, LF,
// ESC...) written as visible escapes such as \x1b, so that the log cannot
// be forged with line breaks or repaint an admin's terminal.
func auditText(s string) string {
	var b strings.Builder
	n := 0 // runes written
	for i := 0; i < len(s); {
		// The bound is on what is stored, escapes included; an escape
		// is at most six characters.
		if n > maxAuditField-6 {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		before := b.Len()
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hexByte(s[i]))
		case r == '\\':
			b.WriteString(`\\`)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			if r < 0x100 {
				b.WriteString(`\x`)
				b.WriteString(hexByte(byte(r)))
			} else {
				b.WriteString(`\u`)
				b.WriteString(hexByte(byte(r >> 8)))
				b.WriteString(hexByte(byte(r)))
			}
		default:
			b.WriteRune(r)
		}
		i += size
		n += utf8.RuneCountInString(b.String()[before:])
	}
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
