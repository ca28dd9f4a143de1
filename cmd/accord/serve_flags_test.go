package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/emersion/go-smtp"
)

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"", "", ""},
		{"https://accord.example.org", "https://accord.example.org", ""},
		{"https://accord.example.org/", "https://accord.example.org", ""},
		{"http://127.0.0.1:8080/accord/", "http://127.0.0.1:8080/accord", ""},
		{"accord.example.org", "", "must start with https://"},
		{"ftp://accord.example.org", "", "must start with https://"},
		{"https://", "", "has no host"},
		{"https://accord.example.org/?x=1", "", "must not have a query"},
		{"https://accord.example.org/?", "", "must not have a query"},
		{"https://accord.example.org/#top", "", "must not have a fragment"},
		{"https://me:pw@accord.example.org", "", "must not carry a user"},
	}
	for _, tt := range tests {
		got, err := parseBaseURL(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseBaseURL(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("parseBaseURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestLocalBaseURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "http://localhost:80"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, "http://[::1]:8080"},
	}
	for _, tt := range tests {
		if got := localBaseURL(tt.addr); got != tt.want {
			t.Errorf("localBaseURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestServeMailFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		stderr  []string
	}{
		{"help names the flags and their variables", []string{"serve", "--help"}, nil, "flag: help requested",
			[]string{"-base-url", "ACCORD_BASE_URL", "-smtp-url", "ACCORD_SMTP_URL"}},
		{"a relative base URL", []string{"serve", "--base-url", "accord.example.org"}, nil, "--base-url: ", nil},
		{"a base URL from the environment", []string{"serve"}, map[string]string{"ACCORD_BASE_URL": "https://x.example/?q"}, "--base-url: ", nil},
		{"an SMTP URL without a sender", []string{"serve", "--smtp-url", "smtp://mail.example.org"}, nil, "--smtp-url: the SMTP URL has no sender", nil},
		{"a contact email with a name", []string{"serve", "--contact-email", "Ops <ops@example.org>"}, nil, "--contact-email: want a bare address", nil},
		{"a contact email from the environment", []string{"serve"}, map[string]string{"ACCORD_CONTACT_EMAIL": "not an address"}, "--contact-email: ", nil},
		{"an SMTP URL from the environment", []string{"serve"}, map[string]string{"ACCORD_SMTP_URL": "imap://mail.example.org?from=a@example.org"}, `unknown SMTP URL scheme "imap"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// A data folder that is never reached: flags are checked first.
			args := append(tt.args, "--data", t.TempDir())
			err := run(context.Background(), args, func(k string) string { return tt.env[k] }, strings.NewReader(""), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%q) = %v, want an error containing %q", args, err, tt.wantErr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
		})
	}
}

// smtpSink is a real SMTP server on a loopback port that keeps the
// recipients of what it receives.
type smtpSink struct {
	mu   sync.Mutex
	rcpt []string
}

type sinkSession struct{ s *smtpSink }

func (ss sinkSession) Reset()                               {}
func (ss sinkSession) Logout() error                        { return nil }
func (ss sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.rcpt = append(ss.s.rcpt, to)
	return nil
}
func (ss sinkSession) Data(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }

func (s *smtpSink) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rcpt...)
}

// TestServeSendsTheOutbox: with --smtp-url, the real program sends what
// waits in the outbox and marks it sent.
func TestServeSendsTheOutbox(t *testing.T) {
	sink := &smtpSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{sink}, nil }))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	data := t.TempDir()
	ctx := context.Background()
	db, err := openData(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, store.Message{To: "reader@example.org", Kind: "comment-receipt", Subject: "Thanks", Body: "Got it."}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	logs := &lockedBuffer{}
	go func() {
		done <- run(runCtx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data,
			"--smtp-url", "smtp://" + ln.Addr().String() + "?from=accord@example.org"},
			func(string) string { return "" }, strings.NewReader(""), io.Discard, logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for len(sink.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("accord serve: %v", err)
	}
	if got := sink.received(); len(got) != 1 || got[0] != "reader@example.org" {
		t.Fatalf("the mail server received mail for %q, want reader@example.org once\n%s", got, logs.String())
	}
	db, err = openData(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.Message(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.SentAt.IsZero() {
		t.Errorf("the message was delivered but not marked sent: %+v", m)
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"8MB", 8 << 20}, {"8M", 8 << 20}, {"512KB", 512 << 10}, {"512k", 512 << 10}, {"1048576", 1 << 20},
		{"", 0}, {"0", 0}, {"-1MB", 0}, {"eight", 0}, {"8GB", 0},
	} {
		got, err := parseSize(tt.in)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
