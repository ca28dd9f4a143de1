package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    mail.Config
		wantErr string
	}{
		{"starttls with credentials", "smtp://me:s%40cret@mail.example.org:2587?from=accord@example.org",
			mail.Config{Host: "mail.example.org", Port: "2587", Username: "me", Password: "s@cret", From: "accord@example.org"}, ""},
		{"starttls default port", "smtp://mail.example.org?from=accord@example.org",
			mail.Config{Host: "mail.example.org", Port: "587", From: "accord@example.org"}, ""},
		{"implicit tls default port", "smtps://me:pw@mail.example.org?from=Accord%20%3Caccord@example.org%3E",
			mail.Config{Host: "mail.example.org", Port: "465", Username: "me", Password: "pw", From: "Accord <accord@example.org>", ImplicitTLS: true}, ""},
		{"unknown scheme", "http://mail.example.org?from=a@example.org", mail.Config{}, `unknown SMTP URL scheme "http"`},
		{"no scheme", "mail.example.org", mail.Config{}, "no scheme"},
		{"no host", "smtp://me:pw@:587?from=a@example.org", mail.Config{}, "no host"},
		{"no from", "smtp://mail.example.org:587", mail.Config{}, "no sender; add ?from="},
		{"bad from", "smtp://mail.example.org:587?from=nobody", mail.Config{}, `from="nobody" is not an email address`},
		{"unknown parameter", "smtp://mail.example.org?from=a@example.org&tls=off", mail.Config{}, `unknown parameter "tls"`},
		{"a path", "smtp://mail.example.org/inbox?from=a@example.org", mail.Config{}, `has a path "/inbox"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mail.ParseURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseURL(%q) = %v, want an error containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseURL(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
	if s := (mail.Config{Host: "h", Port: "1", Username: "u", Password: "secret", From: "a@b"}).String(); strings.Contains(s, "secret") {
		t.Errorf("Config.String() = %q shows the password", s)
	}
}

// received is one message a test server accepted.
type received struct {
	From, To string
	Data     []byte
	TLS      bool
	User     string
}

// testServer is a real SMTP server (go-smtp) on a loopback port.
type testServer struct {
	addr string
	mu   sync.Mutex
	msgs []received
	// rcptErr, when set, refuses every recipient.
	rcptErr error
}

type session struct {
	srv *testServer
	cur received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "accord" || password != "pw" {
			return errors.New("invalid credentials")
		}
		s.cur.User = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.rcptErr != nil {
		return s.srv.rcptErr
	}
	s.cur.To = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// startServer runs a server until the test ends. With cert, it offers
// STARTTLS (or, with implicit, speaks TLS from the start).
func startServer(t *testing.T, cert *tls.Certificate, implicit bool) *testServer {
	t.Helper()
	ts := &testServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{srv: ts, cur: received{TLS: isTLS}}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cert == nil
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var ln net.Listener
	var err error
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ts
}

func (ts *testServer) received() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.msgs...)
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test mail server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func sender(t *testing.T, rawURL string, pool *x509.CertPool) *mail.Sender {
	t.Helper()
	cfg, err := mail.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	if pool != nil {
		cfg.TLS = &tls.Config{RootCAs: pool}
	}
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	return s
}

var message = store.Message{ID: 7, To: "Ada Lovelace <ada@example.org>", Kind: "consultation-opened",
	Subject: "Consultation ouverte : sécurité", Body: "A consultation opened.\nRead it at http://accord.test/c/x — thanks.\n",
	Unsubscribe: "http://accord.test/unsubscribe?u=1&t=consultations&sig=abc"}

func TestSendPlainToLocalRelay(t *testing.T) {
	ts := startServer(t, nil, false)
	s := sender(t, "smtp://"+ts.addr+"?from=Accord%20%3Caccord@example.org%3E", nil)
	if err := s.Send(context.Background(), message); err != nil {
		t.Fatal(err)
	}
	got := ts.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if r.From != "accord@example.org" || r.To != "ada@example.org" || r.TLS || r.User != "" {
		t.Errorf("envelope: from %q to %q, TLS %v, user %q; want accord@example.org to ada@example.org without TLS or AUTH",
			r.From, r.To, r.TLS, r.User)
	}
	m, err := netmail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, r.Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"From":                      `"Accord" <accord@example.org>`,
		"To":                        `"Ada Lovelace" <ada@example.org>`,
		"Subject":                   message.Subject,
		"Date":                      "Sun, 01 Mar 2026 12:00:00 +0000",
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"List-Unsubscribe":          "<" + message.Unsubscribe + ">",
		"List-Unsubscribe-Post":     "List-Unsubscribe=One-Click",
	}
	headers := map[string]string{}
	for k := range want {
		headers[k] = m.Header.Get(k)
	}
	headers["Subject"] = subject
	if diff := cmp.Diff(want, headers); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<accord.7.") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID %q, want <accord.7.…@example.org>", id)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(message.Body, "\n", "\r\n"); string(body) != want {
		t.Errorf("body %q, want %q", body, want)
	}
}

func TestSendWithoutUnsubscribe(t *testing.T) {
	ts := startServer(t, nil, false)
	s := sender(t, "smtp://"+ts.addr+"?from=accord@example.org", nil)
	m := message
	m.Unsubscribe = ""
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if data := string(ts.received()[0].Data); strings.Contains(data, "List-Unsubscribe") {
		t.Errorf("a message without an unsubscribe URL has List-Unsubscribe headers:\n%s", data)
	}
}

func TestSendSecured(t *testing.T) {
	cert, pool := selfSigned(t)
	tests := []struct {
		name     string
		scheme   string
		implicit bool
	}{
		{"STARTTLS when offered", "smtp", false},
		{"implicit TLS", "smtps", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, &cert, tt.implicit)
			s := sender(t, tt.scheme+"://accord:pw@"+ts.addr+"?from=accord@example.org", pool)
			if err := s.Send(context.Background(), message); err != nil {
				t.Fatal(err)
			}
			got := ts.received()
			if len(got) != 1 || !got[0].TLS || got[0].User != "accord" {
				t.Fatalf("received %+v, want one message over TLS after AUTH as accord", got)
			}
		})
	}
	t.Run("untrusted certificate", func(t *testing.T) {
		ts := startServer(t, &cert, false)
		s := sender(t, "smtp://"+ts.addr+"?from=accord@example.org", x509.NewCertPool())
		err := s.Send(context.Background(), message)
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("Send to a server with an untrusted certificate = %v, want a STARTTLS error", err)
		}
		if n := len(ts.received()); n != 0 {
			t.Errorf("server received %d messages, want 0", n)
		}
	})
}

func openDB(t *testing.T) (*store.DB, *time.Time) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	return db, &now
}

func TestDeliverDue(t *testing.T) {
	ctx := context.Background()
	db, now := openDB(t)
	ts := startServer(t, nil, false)
	s := sender(t, "smtp://"+ts.addr+"?from=accord@example.org", nil)
	if err := db.Enqueue(ctx, message, store.Message{To: "bob@example.org", Kind: "comment-receipt", Subject: "Thanks", Body: "Got it."}); err != nil {
		t.Fatal(err)
	}
	sent, failed, err := mail.DeliverDue(ctx, db, s, slog.New(slog.DiscardHandler))
	if err != nil || sent != 2 || failed != 0 {
		t.Fatalf("DeliverDue = %d sent, %d failed, %v; want 2, 0, nil", sent, failed, err)
	}
	if n := len(ts.received()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
	list, _, err := db.Outbox(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if !m.SentAt.Equal(*now) {
			t.Errorf("message %d: sent at %v, want %v", m.ID, m.SentAt, *now)
		}
	}
	if sent, _, _ := mail.DeliverDue(ctx, db, s, slog.New(slog.DiscardHandler)); sent != 0 {
		t.Errorf("a second pass sent %d messages again", sent)
	}
}

func TestDeliverFailureBacksOff(t *testing.T) {
	ctx := context.Background()
	db, now := openDB(t)
	ts := startServer(t, nil, false)
	ts.rcptErr = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	s := sender(t, "smtp://"+ts.addr+"?from=accord@example.org", nil)
	if err := db.Enqueue(ctx, message); err != nil {
		t.Fatal(err)
	}
	start := *now
	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		sent, failed, err := mail.DeliverDue(ctx, db, s, slog.New(slog.DiscardHandler))
		if err != nil || sent != 0 || failed != 1 {
			t.Fatalf("attempt %d: DeliverDue = %d sent, %d failed, %v; want 0, 1, nil", attempt+1, sent, failed, err)
		}
		m, err := db.Message(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if m.Attempts != attempt+1 || !m.NextAttempt.Equal(now.Add(wait)) || !strings.Contains(m.LastError, "try again later") {
			t.Errorf("after attempt %d: %d attempts, next %v, error %q; want %d, %v and the server's words",
				attempt+1, m.Attempts, m.NextAttempt, m.LastError, attempt+1, now.Add(wait))
		}
		if _, failed, _ := mail.DeliverDue(ctx, db, s, slog.New(slog.DiscardHandler)); failed != 0 {
			t.Errorf("after attempt %d the message was retried at once", attempt+1)
		}
		*now = m.NextAttempt
	}
	if now.Sub(start) != 7*time.Minute {
		t.Errorf("three attempts took %v, want 7m", now.Sub(start))
	}
}

func TestDeliverToAClosedPort(t *testing.T) {
	ctx := context.Background()
	db, now := openDB(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := sender(t, "smtp://"+addr+"?from=accord@example.org", nil)
	if err := db.Enqueue(ctx, message); err != nil {
		t.Fatal(err)
	}
	if _, failed, err := mail.DeliverDue(ctx, db, s, slog.New(slog.DiscardHandler)); err != nil || failed != 1 {
		t.Fatalf("DeliverDue = %d failed, %v; want 1, nil", failed, err)
	}
	m, err := db.Message(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !m.NextAttempt.Equal(now.Add(time.Minute)) || !strings.Contains(m.LastError, "connect to") {
		t.Errorf("next attempt %v with error %q; want %v and a connection error", m.NextAttempt, m.LastError, now.Add(time.Minute))
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{
		{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {8, 128 * time.Minute},
		{9, 256 * time.Minute}, {10, 6 * time.Hour}, {100, 6 * time.Hour},
	}
	for _, tt := range tests {
		if got := mail.Backoff(tt.n); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}
