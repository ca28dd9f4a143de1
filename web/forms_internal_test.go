package web

import "testing"

func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/policies?jurisdiction=GB", "/policies?jurisdiction=GB"},
		{"/documents/x/edit", "/documents/x/edit"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/logout", "/"},
		{"javascript:alert(1)", "/"},
		{"/%2f/evil.example", "/"}, // harmless, but nothing needs it
	}
	for _, tt := range tests {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}
