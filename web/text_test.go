package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFormsRefuseUncheckedText posts NUL, an ANSI escape and invalid UTF-8
// in a provision reference, a policy title and a token name: each answer is
// a 422 with the field marked, and nothing is stored.
func TestFormsRefuseUncheckedText(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	wantStatus(t, "create policy", c.post("/policies/new", newPolicyForm()), http.StatusSeeOther)
	bad := map[string]string{"NUL": "5.1\x00", "ESC": "5.1\x1b[2J", "invalid UTF-8": "5.1\xff"}
	tests := []struct {
		name, path, field string
		form              url.Values
	}{
		{"provision ref", "/policies/ke-iot-guidelines-2025/provisions/new", "ref", url.Values{"title": {"T"}, "text": {"x"}}},
		{"provision title", "/policies/ke-iot-guidelines-2025/provisions/new", "title", url.Values{"ref": {"9.9"}, "text": {"x"}}},
		{"policy title", "/policies/ke-iot-guidelines-2025/edit", "title", newPolicyForm()},
		{"token name", "/account/tokens", "token_name", url.Values{}},
	}
	for _, tt := range tests {
		for kind, s := range bad {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				form := url.Values{}
				for k, v := range tt.form {
					form[k] = v
				}
				form.Set(tt.field, s)
				w := c.post(tt.path, form)
				wantStatus(t, tt.field+"="+kind, w, http.StatusUnprocessableEntity)
				if got := doc(t, w).Find("#f-"+strings.ReplaceAll(tt.field, "_", "-")).AttrOr("aria-invalid", ""); got != "true" {
					t.Errorf("%s = %q: field not marked invalid", tt.field, s)
				}
			})
		}
	}
	p, err := e.db.Policy(context.Background(), "ke-iot-guidelines-2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Provisions) != 0 || strings.ContainsAny(p.Title, "\x00\x1b") {
		t.Errorf("got provisions %v and title %q, want none stored", p.Provisions, p.Title)
	}
	u, err := e.db.UserByEmail(context.Background(), "editor@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if toks, err := e.db.Tokens(context.Background(), u.ID); err != nil || len(toks) != 0 {
		t.Errorf("got %d tokens (%v), want none", len(toks), err)
	}
}
