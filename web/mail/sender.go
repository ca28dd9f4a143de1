package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sender sends messages through one SMTP server, one connection per
// message: the outbox sends few, and a fresh connection never finds a
// session the server has timed out.
type Sender struct {
	cfg  Config
	from *mail.Address
	// Now stamps the Date header; tests replace it.
	Now func() time.Time
	// Timeout bounds one whole delivery.
	Timeout time.Duration
}

// NewSender checks the sender address and returns a Sender.
func NewSender(cfg Config) (*Sender, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("sender address %q: %w", cfg.From, err)
	}
	return &Sender{cfg: cfg, from: from, Now: time.Now, Timeout: 2 * time.Minute}, nil
}

// Addr is the mail server's host:port, for the admin page.
func (s *Sender) Addr() string { return s.cfg.Addr() }

// Send delivers one message to the mail server.
func (s *Sender) Send(ctx context.Context, m store.Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("recipient %q: %w", m.To, err)
	}
	body, err := s.compose(m, to)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if s.cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			return fmt.Errorf("sign in to %s as %s: %w", s.Addr(), s.cfg.Username, err)
		}
	}
	if err := c.Mail(s.from.Address, nil); err != nil {
		return fmt.Errorf("send to %s: MAIL FROM: %w", to.Address, err)
	}
	if err := c.Rcpt(to.Address, nil); err != nil {
		return fmt.Errorf("send to %s: RCPT TO: %w", to.Address, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("send to %s: DATA: %w", to.Address, err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("send to %s: %w", to.Address, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("send to %s: %w", to.Address, err)
	}
	// The message is accepted once DATA is; a failed QUIT loses nothing.
	_ = c.Quit()
	return nil
}

// dial connects and secures the session: TLS from the start for smtps,
// else STARTTLS, which only a server on this machine may go without.
func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.cfg.TLS != nil {
		tlsCfg = s.cfg.TLS.Clone()
	}
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = s.cfg.Host
	}
	d := &net.Dialer{Timeout: 30 * time.Second}
	connect := func() (net.Conn, error) {
		var conn net.Conn
		var err error
		if s.cfg.ImplicitTLS {
			conn, err = (&tls.Dialer{NetDialer: d, Config: tlsCfg}).DialContext(ctx, "tcp", s.Addr())
		} else {
			conn, err = d.DialContext(ctx, "tcp", s.Addr())
		}
		if err != nil {
			return nil, fmt.Errorf("connect to %s: %w", s.Addr(), err)
		}
		// The client has no context of its own: the deadline bounds
		// every read and write, and cancelling closes the connection.
		if dl, ok := ctx.Deadline(); ok {
			conn.SetDeadline(dl)
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
	conn, err := connect()
	if err != nil {
		return nil, err
	}
	if s.cfg.ImplicitTLS {
		return smtp.NewClient(conn), nil
	}
	if s.cfg.loopback() {
		// A local relay may not offer STARTTLS; ask first, and use it when
		// it is there (go-smtp upgrades only a fresh session, so that is a
		// second connection).
		c := smtp.NewClient(conn)
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return c, nil
		}
		c.Close()
		if conn, err = connect(); err != nil {
			return nil, err
		}
	}
	c, err := smtp.NewClientStartTLS(conn, tlsCfg)
	if err == nil {
		// The handshake happens on the first command after STARTTLS; say
		// hello now, so that a certificate problem is named as one.
		if err = c.Hello("localhost"); err != nil {
			c.Close()
		}
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("STARTTLS with %s (required for smtp://; use smtps:// for TLS from the start): %w", s.Addr(), err)
	}
	return c, nil
}

// compose writes the message as RFC 5322 text with CRLF line ends: a
// plain-text UTF-8 body in quoted-printable, and the List-Unsubscribe
// headers of RFC 2369 and RFC 8058 when the message has an unsubscribe URL.
func (s *Sender) compose(m store.Message, to *mail.Address) ([]byte, error) {
	if strings.ContainsAny(m.Subject+m.Unsubscribe, "\r\n") {
		return nil, errors.New("compose: a header value holds a line break")
	}
	id, err := messageID(m, s.from.Address)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", s.Now().Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// Automatic messages: no out-of-office replies, please (RFC 3834).
	header("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+m.Unsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// messageID is unique per attempt, on the sender's domain.
func messageID(m store.Message, from string) (string, error) {
	r := make([]byte, 8)
	if _, err := rand.Read(r); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	domain := "accord.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return fmt.Sprintf("<accord.%d.%s@%s>", m.ID, hex.EncodeToString(r), domain), nil
}
