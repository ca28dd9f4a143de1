package content_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"golang.org/x/net/html"
)

// seeded opens a database with the shipped content, whose provisions give
// provision citations something to resolve.
func seeded(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	// The citations below point at provision 5.1-1, which ETSI EN 303 645
	// ships with.
	p, err := db.Policy(ctx, "etsi-en-303-645")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Provisions, func(v store.Provision) bool { return v.Ref == "5.1-1" }) {
		t.Fatal("etsi-en-303-645 no longer ships provision 5.1-1, which these tests cite")
	}
	return db
}

func TestCitations(t *testing.T) {
	db := seeded(t)
	md := content.NewMarkdown()
	tests := []struct {
		name    string
		src     string
		want    []string // in the HTML
		invalid []string // in the body error
	}{
		{name: "policy", src: "See [@etsi-en-303-645].", want: []string{`<a class="cite" href="/policies/etsi-en-303-645"`, ">ETSI EN 303 645</a>"}},
		{name: "policy without short title shows its title", src: "See [@au-cop-iot-2020].",
			want: []string{">Code of Practice: Securing the Internet of Things for Consumers</a>"}},
		{name: "provision", src: "See [@etsi-en-303-645 §5.1-1].", want: []string{`href="/policies/etsi-en-303-645#prov-5.1-1"`, "ETSI EN 303 645 §5.1-1</a>"}},
		{name: "items", src: "Addresses [#C3] and [#RQ1b].", want: []string{`href="/frameworks/dc-isss-iot/items/C3"`, `href="/frameworks/dc-isss-iot/items/RQ1b"`}},
		{name: "in a code span it stays code", src: "Write `[@no-such-policy]` to cite.", want: []string{"<code>[@no-such-policy]</code>"}},
		{name: "in a code block it stays code", src: "```\n[#C99]\n```\n", want: []string{"[#C99]"}},
		{name: "a link is a link", src: "[@someone](https://example.org)", want: []string{`href="https://example.org"`}},
		{name: "unknown policy with its line", src: "First line.\n\nSecond [@no-such-policy] here.\n", invalid: []string{"Line 3", "[@no-such-policy]"}},
		{name: "unknown item with its line", src: "## Head\n\nA [#C9].\n", invalid: []string{"Line 3", "[#C9]"}},
		{name: "unknown provision", src: "x\n[@etsi-en-303-645 §9.9-9]", invalid: []string{"Line 2", "[@etsi-en-303-645 §9.9-9]"}},
		{name: "malformed slug", src: "[@Not A Slug]", invalid: []string{"Line 1", "[@Not A Slug]"}},
		{name: "in a table and a list", src: "- item\n- cites [#C1] and [@nope]\n\n| a |\n|---|\n| [#ZZ] |\n",
			invalid: []string{"Line 2: [@nope]", "Line 6: [#ZZ]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := md.Compose(context.Background(), tc.src, db, "dc-isss-iot", nil, 1)
			if len(tc.invalid) > 0 {
				var ve *store.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Compose(%q) error = %v, want a validation error", tc.src, err)
				}
				for _, w := range tc.invalid {
					if !strings.Contains(ve.Fields["body"], w) {
						t.Errorf("Compose(%q): got body error %q, want it to contain %q", tc.src, ve.Fields["body"], w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Compose(%q): %v", tc.src, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(c.HTML), w) {
					t.Errorf("Compose(%q): got %s, want it to contain %s", tc.src, c.HTML, w)
				}
			}
		})
	}
}

// xssVectors are Markdown inputs after the OWASP XSS filter evasion cheat
// sheet. None may yield a script, an event handler or a scriptable URL.
var xssVectors = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
	`<IMG SRC="javascript:alert('XSS');">`,
	"<IMG SRC=javascript:alert('XSS')>",
	"<IMG SRC=JaVaScRiPt:alert('XSS')>",
	`<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`,
	"<IMG SRC=# onmouseover=\"alert('xxs')\">",
	"<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
	"<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
	"[a](javascript:alert(1))",
	"[a](javascript&colon;alert(1))",
	"[a](jav&#x09;ascript:alert(1))",
	"[a](jav&#x0A;ascript:alert(1))",
	"[a](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
	"[a](JaVaScRiPt:alert(1))",
	"[a]( javascript:alert(1))",
	"[a](vbscript:msgbox(1))",
	"[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
	"![a](javascript:alert(1))",
	"<javascript:alert(1)>",
	"[a][r]\n\n[r]: javascript:alert(1)",
	"<svg onload=alert(1)>",
	"<svg/onload=alert('XSS')>",
	"<BODY ONLOAD=alert('XSS')>",
	`<iframe src="https://example.org"></iframe>`,
	`<iframe src=javascript:alert(1)>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="data:text/html,<script>alert(1)</script>">`,
	`<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
	`<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	"`<script>alert(1)</script>`",
	"<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
	`<a href="&#14;  javascript:alert('XSS');">x</a>`,
	"[x](\"javascript:alert(1)\")",
	"| a |\n|---|\n| <script>alert(1)</script> [a](javascript:alert(1)) |",
	"> <img src=x onerror=alert(1)>",
	"Note[^1].\n\n[^1]: <script>alert(1)</script> [a](javascript:alert(1))",
	"[@x\" onmouseover=\"alert(1)]",
	"[#C1\" onclick=\"alert(1)]",
}

// unsafe reports what of an HTML fragment could run script: a dangerous
// element, an event handler or style attribute, or a URL attribute with a
// scriptable scheme. Text that merely reads "javascript:" is harmless.
func unsafe(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "svg", "meta", "link", "form", "style", "base", "math":
				return "<" + tok.Data
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" {
					return key
				}
				v := strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, strings.ToLower(a.Val))
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(v, scheme) {
						return key + "=" + scheme
					}
				}
			}
		}
	}
}

func TestComposeIsSafe(t *testing.T) {
	db := seeded(t)
	md := content.NewMarkdown()
	for _, src := range xssVectors {
		t.Run(src, func(t *testing.T) {
			c, err := md.Compose(context.Background(), src+"\n\nSee [@etsi-en-303-645].", db, "dc-isss-iot", nil, 1)
			var ve *store.ValidationError
			if err != nil && !errors.As(err, &ve) {
				t.Fatal(err)
			}
			if bad := unsafe(string(c.HTML)); bad != "" {
				t.Errorf("Compose(%q) HTML contains %q: %s", src, bad, c.HTML)
			}
			for _, b := range c.Blocks {
				if bad := unsafe(b.HTML); bad != "" {
					t.Errorf("Compose(%q) block HTML contains %q: %s", src, bad, b.HTML)
				}
			}
		})
	}
}
