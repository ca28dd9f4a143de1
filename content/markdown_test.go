package content

import (
	"html/template"
	"regexp"
	"strings"
	"testing"
)

func TestMarkdownRemovesScript(t *testing.T) {
	md := NewMarkdown()
	tests := []struct {
		name, src string
	}{
		{"script tag", "hello <script>alert(1)</script>"},
		{"event handler", `<img src=x onerror="alert(1)">`},
		{"javascript link", "[x](javascript:alert(1))"},
		{"entity javascript", "[x](javascript&colon;alert(1))"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
		{"svg onload", `<svg onload=alert(1)>`},
		{"autolink", "<javascript:alert(1)>"},
		{"iframe", `<iframe src="https://example.org"></iframe>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := md.Render(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(string(out))
			for _, bad := range []string{"<script", "onerror", "onload", `href="javascript`, `src="javascript`, "<iframe", `href="data:`} {
				if strings.Contains(low, bad) {
					t.Errorf("Render(%q) = %q, contains %q", tc.src, out, bad)
				}
			}
		})
	}
}

func TestMarkdownKeepsFormatting(t *testing.T) {
	out, err := NewMarkdown().Render("## Scope\n\nSee [the text](https://example.org/a) and *this*.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h2 id="scope">`, `<a href="https://example.org/a"`, "<em>this</em>", "<table>"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Render = %s, want it to contain %s", out, want)
		}
	}
}

func TestRenderComment(t *testing.T) {
	md := NewMarkdown()
	tests := []struct {
		name, src       string
		want, mustNotIn []string
	}{
		{"emphasis and list", "*yes* and **no**\n\n- one\n- two", []string{"<em>yes</em>", "<strong>no</strong>", "<li>one</li>"}, nil},
		{"link is user content", "[site](https://example.org)", []string{`href="https://example.org"`, `rel="nofollow ugc"`}, nil},
		{"no headings", "# Big\n\ntext", []string{"Big"}, []string{"<h1"}},
		{"no images", "![x](https://example.org/a.png)", nil, []string{"<img"}},
		{"no tables", "| a | b |\n|---|---|\n| 1 | 2 |", nil, []string{"<table"}},
		{"no script", "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>", nil,
			[]string{"<script", "javascript:", "onerror"}},
		{"citations stay as written", "see [@uk-psti-act-2022]", []string{"[@uk-psti-act-2022]"}, []string{"<a", "<span"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := md.RenderComment(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("RenderComment(%q) = %q, want it to contain %q", tt.src, got, w)
				}
			}
			for _, w := range tt.mustNotIn {
				if strings.Contains(string(got), w) {
					t.Errorf("RenderComment(%q) = %q, must not contain %q", tt.src, got, w)
				}
			}
		})
	}
}

// FuzzRenderComment: whatever a commenter or a member types, rendering
// (RenderComment for comments and replies, Render for documents and
// notes) does not fail and lets no script, event handler or javascript:
// or data: address through.
func FuzzRenderComment(f *testing.F) {
	for _, s := range []string{"*a* [b](https://x.org)", "<script>alert(1)</script>", "[x](javascript:alert(1))",
		"<img src=x onerror=alert(1)>", "- a\n- b\n\n> q", "[@uk-psti-act-2022 §1]",
		"[x](data:text/html;base64,PHNjcmlwdD4=)", "![i](data:image/svg+xml,<svg onload=alert(1)>)",
		"<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "[x](JaVaScRiPt:alert(1))", "<div onclick=\"x()\">d</div>",
		"| a |\n|---|\n| <script>x</script> |\n", "[x]: javascript:alert(1)\n\n[y][x]"} {
		f.Add(s)
	}
	md := NewMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4000 {
			return
		}
		for name, render := range map[string]func(string) (template.HTML, error){"RenderComment": md.RenderComment, "Render": md.Render} {
			out, err := render(src)
			if err != nil {
				t.Fatalf("%s(%q): %v", name, src, err)
			}
			// Text may say "javascript:" or "<script>" (escaped); markup may
			// not carry them.
			if m := unsafeMarkup.FindString(string(out)); m != "" {
				t.Errorf("%s(%q) = %q: contains %q", name, src, out, m)
			}
			// Comments carry no images at all.
			if name == "RenderComment" && strings.Contains(strings.ToLower(string(out)), "<img") {
				t.Errorf("%s(%q) = %q: contains an image", name, src, out)
			}
		}
	})
}

// unsafeMarkup finds a script, image or frame element, an event handler
// attribute, or a javascript: address in an attribute.
var unsafeMarkup = regexp.MustCompile(`(?i)<(script|iframe|object|embed)\b|<[^>]*\son[a-z]+\s*=|(href|src|action|formaction)\s*=\s*["']?\s*(javascript|data|vbscript):`)
