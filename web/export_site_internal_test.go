package web

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestSitePath(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"/", "index.html"},
		{"/policies", "policies/index.html"},
		{"/policies/uk-psti-act-2022", "policies/uk-psti-act-2022/index.html"},
		{"/frameworks/dc-isss-iot/items/C1.2", "frameworks/dc-isss-iot/items/C1.2/index.html"},
		{"/outcomes/x.pdf", "outcomes/x.pdf"},
		{"/outcomes/x/editions/2.md", "outcomes/x/editions/2.md"},
		{"/static/css/site.css", "static/css/site.css"},
		{"/consultations/round-1/resolution.csv", "consultations/round-1/resolution.csv"},
		{"/policies.atom", "policies.atom"},
		{"/policies/caf%C3%A9", "policies/café/index.html"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			got, err := sitePath(tc.url)
			if err != nil || got != tc.want {
				t.Errorf("sitePath(%q) = %q, %v; want %q", tc.url, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "policies", "/..", "/policies/..", "/policies/%2e%2e", "/policies/%2E%2E/x",
		"/a/%2F..%2F..%2Fetc", "/a%5c..%5c..", "/a//b", "/policies/", "/a?b", "/a/%3Fb", "/a/b%23c", "/a/%00", "/a/%zz", "/C:/x"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			if got, err := sitePath(bad); err == nil {
				t.Errorf("sitePath(%q) = %q; want it refused", bad, got)
			}
		})
	}
}

func TestRelPath(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"policies/x/index.html", "coverage/index.html", "../../coverage/index.html"},
		{"index.html", "coverage/index.html", "coverage/index.html"},
		{"index.html", "index.html", "index.html"},
		{"policies/index.html", "policies/x/index.html", "x/index.html"},
		{"policies/x/index.html", "policies/index.html", "../index.html"},
		{"policies/x/index.html", "policies/x/index.html", "index.html"},
		{"policies/x/index.html", "index.html", "../../index.html"},
		{"consultations/r/comments/4/index.html", "consultations/r/resolution.csv", "../../resolution.csv"},
		{"policies/index.html", "policies.atom", "../policies.atom"},
	} {
		t.Run(tc.from+" to "+tc.to, func(t *testing.T) {
			if got := relPath(tc.from, tc.to); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRewriteLinks rewrites one page of policies/x/index.html whose
// exported neighbours are the home page, coverage, a policy and the style.
func TestRewriteLinks(t *testing.T) {
	files := map[string]string{
		"/":                    "index.html",
		"/coverage":            "coverage/index.html",
		"/policies/x":          "policies/x/index.html",
		"/policies/y":          "policies/y/index.html",
		"/policies/caf%C3%A9":  "policies/café/index.html",
		"/static/css/site.css": "static/css/site.css",
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"root-relative page", `<a href="/coverage">C</a>`, `<a href="../../coverage/index.html">C</a>`},
		{"fragment kept", `<a href="/policies/y#prov-6">P</a>`, `<a href="../y/index.html#prov-6">P</a>`},
		{"relative", `<a href="y">P</a>`, `<a href="../y/index.html">P</a>`},
		{"same page fragment", `<a href="#main">Skip</a>`, `<a href="#main">Skip</a>`},
		{"home", `<a href="/">Home</a>`, `<a href="../../index.html">Home</a>`},
		{"escaped", `<a href="/policies/caf%C3%A9">Café</a>`, `<a href="../caf%C3%A9/index.html">Café</a>`},
		{"query string unwrapped", `<a href="/policies?topic=passwords" class="tag" rel="tag">Passwords</a>`, `<span class="tag">Passwords</span>`},
		{"button unwrapped to words", `<a class="button secondary" href="/login">Sign in</a>`, `<span>Sign in</span>`},
		{"query on an exported page unwrapped", `<a href="/coverage?reviewed=1">Reviewed</a>`, `<span>Reviewed</span>`},
		{"not exported unwrapped", `<a href="/login">Sign <b>in</b></a>`, `<span>Sign <b>in</b></span>`},
		{"external untouched", `<a href="https://example.org/x?a=1">E</a>`, `<a href="https://example.org/x?a=1">E</a>`},
		{"mailto untouched", `<a href="mailto:a@example.org">M</a>`, `<a href="mailto:a@example.org">M</a>`},
		{"protocol-relative untouched", `<a href="//example.org/x">E</a>`, `<a href="//example.org/x">E</a>`},
		{"stylesheet", `<link rel="stylesheet" href="/static/css/site.css"/>`, `<link rel="stylesheet" href="../../static/css/site.css"/>`},
		{"missing image removed", `<p><img src="/static/img/gone.png" alt=""/>x</p>`, `<p>x</p>`},
		{"forms removed", `<p>a</p><form method="get" action="/policies"><a href="/coverage">in</a><button>Go</button></form>`, `<p>a</p>`},
		{"marked omit removed", `<ul><li>a</li><li data-export="omit"><a href="/consultations/r/comment">Comment</a></li></ul>`, `<ul><li>a</li></ul>`},
		{"empty navigation removed", `<nav class="pagination"><a href="?page=2">2</a></nav><nav><a href="/">Home</a></nav>`,
			`<nav><a href="../../index.html">Home</a></nav>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(`<!DOCTYPE html><html><head></head><body>` + tc.in + `</body></html>`))
			if err != nil {
				t.Fatal(err)
			}
			prune(doc)
			rewriteLinks(doc, &url.URL{Path: "/policies/x"}, "policies/x/index.html", files)
			var b strings.Builder
			if err := html.Render(&b, doc); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			got = got[strings.Index(got, "<body>")+len("<body>") : strings.Index(got, "</body>")]
			want := tc.want
			if got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestExportable(t *testing.T) {
	for p, want := range map[string]bool{
		"/policies/x":                      true,
		"/consultations/r/comments/4":      true,
		"/consultations/r/resolution":      true,
		"/search":                          false,
		"/login":                           false,
		"/account/comments":                false,
		"/admin/users":                     false,
		"/api/v1/policies":                 false,
		"/documents/d/edit":                false,
		"/policies/new":                    false,
		"/policies/export":                 false,
		"/consultations/r/comment":         false,
		"/consultations/r/moderation":      false,
		"/consultations/r/comments/4/edit": false,
	} {
		if got := exportable(p); got != want {
			t.Errorf("exportable(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestRewriteCSS(t *testing.T) {
	files := map[string]string{"/static/img/logo.svg": "static/img/logo.svg", "/static/css/print.css": "static/css/print.css"}
	page := &url.URL{Path: "/static/css/site.css"}
	for _, tc := range []struct{ in, want string }{
		{`a{background:url(/static/img/logo.svg)}`, `a{background:url(../img/logo.svg)}`},
		{`a{background:url("/static/img/logo.svg#x")}`, `a{background:url("../img/logo.svg#x")}`},
		{`a{background:url( '../img/logo.svg' )}`, `a{background:url('../img/logo.svg')}`},
		{`@import url(print.css);`, `@import url(print.css);`},
		{`a{background:url(/static/img/gone.svg)}`, `a{background:url(/static/img/gone.svg)}`},
		{`a{background:url(data:image/svg+xml;base64,AAAA)}`, `a{background:url(data:image/svg+xml;base64,AAAA)}`},
		{`a{background:url(https://example.org/x.png)}`, `a{background:url(https://example.org/x.png)}`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := string(rewriteCSS([]byte(tc.in), page, "static/css/site.css", files)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if got := cssLinks([]byte(`a{b:url(/x.svg)} c{d:url("y.png")}`)); len(got) != 2 || got[0] != "/x.svg" || got[1] != "y.png" {
		t.Errorf("cssLinks = %q, want [/x.svg y.png]", got)
	}
}
