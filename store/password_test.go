package store_test

import (
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

func TestCheckPassword(t *testing.T) {
	const email, name = "wanjiru.kamau@tukuzahub.example", "Wanjiru Kamau"
	tests := []struct {
		name, pw string
		want     string // a word of the message, or "" to accept
	}{
		{"sunshine", "sunshine", "common"},
		{"1qaz2wsx", "1qaz2wsx", "common"},
		{"Summer2024 (a word and a year)", "Summer2024", "common"},
		{"password1", "password1", "common"},
		{"mixed case from the list", "IloveYou123", "common"},
		{"the list's end", "sunshine69", "common"},
		{"the site name", "Accord2026!", "site"},
		{"the email", email, "email"},
		{"the local part", "Wanjiru.Kamau", "email"},
		{"a domain word", "tukuzahub2024", "email"},
		{"the name", "wanjirukamau", "name"},
		{"the name with spaces and a year", "Wanjiru Kamau 1990", "name"},
		{"too short", "x7!q", "at least"},
		{"too long", strings.Repeat("ab", 65), "at most"},
		{"a long passphrase", "river kettle orbit lantern", ""},
		{"a random one", "q8V#tr2!mZp0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := store.CheckPassword(tt.pw, email, name)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("CheckPassword(%q): got %q, want a message with %q", tt.pw, got, tt.want)
			}
		})
	}
}
