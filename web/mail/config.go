// Package mail sends the messages of the notification outbox over SMTP:
// Config reads the --smtp-url, Sender writes and sends one message, and
// Deliver is the loop that drains the outbox with retries.
package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
)

// Config says how to reach the mail server, read from a URL by ParseURL.
type Config struct {
	Host string
	Port string
	// Username and Password are sent with AUTH PLAIN when Username is set,
	// and only over TLS (or to a server on this machine).
	Username string
	Password string
	// From is the sender, such as "Accord <accord@example.org>".
	From string
	// ImplicitTLS is smtps://: TLS from the first byte. Otherwise the
	// session must be upgraded with STARTTLS, except to a server on a
	// loopback address (a local relay), where STARTTLS is used if offered.
	ImplicitTLS bool
	// TLS, when set, is the TLS configuration to use; tests set it to
	// trust their own certificate. ParseURL never sets it, so a
	// configured server's certificate is always verified.
	TLS *tls.Config
}

// ParseURL reads smtp://user:pass@host:587?from=address (STARTTLS) or
// smtps://user:pass@host:465?from=address (implicit TLS). The port
// defaults to 587 and 465; user and password are optional.
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		// url's own message repeats the URL, password included.
		return Config{}, errors.New("the SMTP URL does not parse; write it as smtp://user:password@host:587?from=address")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Port = "587"
	case "smtps":
		c.Port, c.ImplicitTLS = "465", true
	case "":
		return Config{}, errors.New("the SMTP URL has no scheme; start it with smtp:// (STARTTLS) or smtps:// (TLS)")
	default:
		return Config{}, fmt.Errorf("unknown SMTP URL scheme %q; use smtp:// (STARTTLS) or smtps:// (TLS)", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return Config{}, errors.New("the SMTP URL has no host, as in smtp://user:password@mail.example.org:587?from=address")
	}
	if p := u.Port(); p != "" {
		c.Port = p
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, fmt.Errorf("the SMTP URL has a path %q; it takes none", u.Path)
	}
	q := u.Query()
	c.From = strings.TrimSpace(q.Get("from"))
	if c.From == "" {
		return Config{}, errors.New("the SMTP URL has no sender; add ?from=accord@example.org")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return Config{}, fmt.Errorf("the SMTP URL's from=%q is not an email address", c.From)
	}
	for k := range q {
		if k != "from" {
			return Config{}, fmt.Errorf("the SMTP URL has an unknown parameter %q; only from= is known", k)
		}
	}
	return c, nil
}

// Addr is host:port.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, c.Port) }

// String describes the configuration without the password.
func (c Config) String() string {
	scheme := "smtp"
	if c.ImplicitTLS {
		scheme = "smtps"
	}
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return scheme + "://" + user + c.Addr() + "?from=" + url.QueryEscape(c.From)
}

// loopback reports whether the host is this machine, where a relay
// without TLS exposes nothing on the network.
func (c Config) loopback() bool {
	if c.Host == "localhost" {
		return true
	}
	ip := net.ParseIP(c.Host)
	return ip != nil && ip.IsLoopback()
}
