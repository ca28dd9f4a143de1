package store_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
)

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		name, email string
		ok          bool
	}{
		{"plain", "sam@example.org", true},
		{"plus and subdomain", "sam+accord@mail.example.org", true},
		{"display name", "Sam <sam@example.org>", false},
		{"angle brackets", "<sam@example.org>", false},
		{"no domain", "sam", false},
		{"CR LF", "sam@example.org\r\nX-Evil: 1", false},
		{"escape", "sam\x1b[31m@example.org", false},
		{"NUL", "sam\x00@example.org", false},
		{"invalid UTF-8", "sam\xff@example.org", false},
		{"255 bytes", strings.Repeat("a", 243) + "@example.org", false},
		{"254 bytes", strings.Repeat("a", 242) + "@example.org", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.CheckEmail(tt.email) == ""; got != tt.ok {
				t.Errorf("CheckEmail(%q) accepts: got %v, want %v", tt.email, got, tt.ok)
			}
		})
	}
}

// TestAuditEscapesAndBounds: whatever reaches the audit log, its control
// characters are stored as visible escapes and each field is bounded.
func TestAuditEscapesAndBounds(t *testing.T) {
	db := mustOpen(t)
	ctx := store.WithActor(context.Background(), store.Actor{Email: "eve\r\n@example.org", IP: "192.0.2.1"})
	detail := "line one\r\nline two \x1b[2J" + strings.Repeat("x", 3<<20)
	if err := db.RecordEvent(ctx, "test.event", "account/a\x1bb", detail); err != nil {
		t.Fatal(err)
	}
	events, _, err := db.Audit(context.Background(), store.AuditFilter{Action: "test.event"})
	if err != nil || len(events) != 1 {
		t.Fatalf("got %d events, %v; want 1", len(events), err)
	}
	ev := events[0]
	for field, v := range map[string]string{"actor": ev.Actor, "object": ev.Object, "detail": ev.Detail} {
		if strings.ContainsAny(v, "\r\n\x1b") {
			t.Errorf("%s holds a raw control character: %q", field, v)
		}
		if n := utf8.RuneCountInString(v); n > 501 {
			t.Errorf("%s is %d runes long, want at most 501", field, n)
		}
	}
	if want := `line one\x0d\x0aline two \x1b[2J`; !strings.HasPrefix(ev.Detail, want) {
		t.Errorf("detail: got %.60q, want it to start with %q", ev.Detail, want)
	}
	if ev.Object != `account/a\x1bb` {
		t.Errorf("object: got %q, want %q", ev.Object, `account/a\x1bb`)
	}
}
