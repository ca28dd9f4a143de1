package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// FuzzFormOf posts arbitrary bodies through the form decoding every HTML
// form uses, and checks that it never panics and that a field it accepts
// (no error on the field) holds only valid UTF-8 without control
// characters other than newlines and tabs, trimmed.
func FuzzFormOf(f *testing.F) {
	for _, seed := range []string{
		"title=Act&body=One%0ATwo",
		"title=%00&body=%1B%5B31m",
		"title=%FF%FE&password=%00+x+",
		"title=a&title=b&ref=5.1-1",
		"title=%E2%80%AE%C2%85",
		"%zz=1&title=%",
		"",
	} {
		f.Add(seed)
	}
	e := echo.New()
	fields := []string{"title", "body", "ref", "password"}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
		c := e.NewContext(req, httptest.NewRecorder())
		form, err := formOf(c, fields...)
		if err != nil {
			return
		}
		for _, name := range fields {
			if name == "password" || form.Errors[name] != "" {
				continue
			}
			for _, v := range form.Values[name] {
				if !utf8.ValidString(v) {
					t.Errorf("field %s accepted invalid UTF-8 %q from %q", name, v, body)
				}
				for _, r := range v {
					if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
						t.Errorf("field %s accepted control character %U in %q from %q", name, r, v, body)
					}
				}
				if v != strings.TrimSpace(v) {
					t.Errorf("field %s kept surrounding space in %q", name, v)
				}
			}
		}
	})
}

// FuzzSafeNext: whatever `next` a sign-in link carries, the redirect goes
// to a path on this site: either "/" or the value itself when it is a bare
// path, never a scheme, a host, a protocol-relative or backslash address,
// and never with a control character or space browsers would drop.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/policies?x=1", "//evil.example", "/\\evil", "https://evil.example", "/\t/evil", "javascript:alert(1)",
		"/%2f%2fevil", "/logout", "/a\x00b", "/é", "/a#frag", "/.//evil", "/@evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "/" {
			return
		}
		if got != next {
			t.Fatalf("safeNext(%q) = %q, want the value or /", next, got)
		}
		u, err := url.Parse(got)
		switch {
		case err != nil, u.Scheme != "", u.Host != "", u.User != nil:
			t.Fatalf("safeNext(%q) kept an address with a scheme or host: %+v, %v", next, u, err)
		case !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\ "):
			t.Fatalf("safeNext(%q) kept %q", next, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("safeNext(%q) kept control character %U", next, r)
			}
		}
	})
}
