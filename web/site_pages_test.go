package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/search"
	"github.com/dc-isss/accord/web"
)

// TestSitePages reads /about, /privacy and /contact before and after the
// operator sets a contact address and writes the privacy file: "not set"
// until set, then the setting itself; the footer links to the three.
func TestSitePages(t *testing.T) {
	e := newEnv(t)
	privacyFile := filepath.Join(t.TempDir(), web.PrivacyFileName)
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, PrivacyFile: privacyFile})
	c := e.client()

	for _, path := range []string{"/about", "/privacy", "/contact"} {
		w := c.get(path)
		wantStatus(t, path, w, http.StatusOK)
		if got := doc(t, w).Find(`footer a[href="` + path + `"]`).Length(); got != 1 {
			t.Errorf("%s: footer links to %s %d times, want 1", path, path, got)
		}
	}
	d := doc(t, c.get("/privacy"))
	for _, id := range []string{"privacy-contact", "privacy-operator"} {
		if got := strings.TrimSpace(d.Find(`[data-testid=` + id + `] .not-set`).Text()); got != "not set" {
			t.Errorf("/privacy %s unset: got %q, want \"not set\"", id, got)
		}
	}
	if got := doc(t, c.get("/contact")).Find(`[data-testid=contact-email]`).Text(); !strings.Contains(got, "No contact address is set") {
		t.Errorf("/contact unset: got %q", got)
	}

	if err := os.WriteFile(privacyFile, []byte("The controller is **Example Coalition**.\n\n<script>alert(1)</script>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, PrivacyFile: privacyFile, ContactEmail: "privacy@example.org"})
	d = doc(t, c.get("/privacy"))
	if d.Find(".not-set").Length() != 0 {
		t.Errorf("/privacy set: still says not set")
	}
	if got := d.Find(`[data-testid=privacy-operator] strong`).Text(); got != "Example Coalition" {
		t.Errorf("/privacy operator text: got %q, want the rendered Markdown", got)
	}
	if d.Find(`[data-testid=privacy-operator] script`).Length() != 0 {
		t.Errorf("/privacy operator text: a script survived sanitising")
	}
	if got, _ := d.Find(`[data-testid=privacy-contact] a`).Attr("href"); got != "mailto:privacy@example.org" {
		t.Errorf("/privacy contact: got %q", got)
	}
	if got, _ := doc(t, c.get("/contact")).Find(`a[data-testid=contact-email]`).Attr("href"); got != "mailto:privacy@example.org" {
		t.Errorf("/contact: got %q", got)
	}
}

// TestCiteThis finds the citation to paste on a policy's page and beside
// each of its provisions.
func TestCiteThis(t *testing.T) {
	e := newEnv(t)
	d := doc(t, e.client().get("/policies/etsi-en-303-645"))
	if got, _ := d.Find(`#cite-policy[readonly]`).Attr("value"); got != "[@etsi-en-303-645]" {
		t.Errorf("cite this policy: got %q, want [@etsi-en-303-645]", got)
	}
	if got, _ := d.Find(`#prov-5\.1-1 input[data-copy][readonly]`).Attr("value"); got != "[@etsi-en-303-645 §5.1-1]" {
		t.Errorf("cite provision 5.1-1: got %q, want [@etsi-en-303-645 §5.1-1]", got)
	}
	if got := d.Find(`label[for=cite-policy]`).Length(); got != 1 {
		t.Errorf("cite this policy: %d labels, want 1", got)
	}
}

// TestCiteFinder searches the real index for policies and provisions and
// checks the citation offered for each; the document editor links to the
// finder in a new tab.
func TestCiteFinder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"), e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Search: idx})
	c := e.client()

	w := c.get("/cite")
	wantStatus(t, "/cite", w, http.StatusOK)
	if doc(t, w).Find(`[data-testid=cite-hit]`).Length() != 0 {
		t.Errorf("/cite without q lists hits")
	}

	d := doc(t, c.get("/cite?q=default+passwords"))
	cites := map[string]bool{}
	d.Find(`[data-testid=cite-hit] input[data-copy]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		cites[v] = true
	})
	for _, want := range []string{"[@etsi-en-303-645]", "[@etsi-en-303-645 §5.1-1]"} {
		if !cites[want] {
			t.Errorf("/cite?q=default passwords: %s not offered; got %v", want, cites)
		}
	}
	for v := range cites {
		if !strings.HasPrefix(v, "[@") || !strings.HasSuffix(v, "]") {
			t.Errorf("/cite: %q is not a citation", v)
		}
	}
	w = c.get("/cite?q=zzqxnothing")
	wantStatus(t, "/cite nothing", w, http.StatusOK)
	if !strings.Contains(w.Body.String(), "Nothing found") {
		t.Errorf("/cite with no hit does not say so")
	}

	a := doc(t, e.signedIn("editor").get("/documents/new")).Find(`a[data-testid=cite-finder-link]`)
	if href, _ := a.Attr("href"); href != "/cite" {
		t.Errorf("editor's link to the finder: got %q, want /cite", href)
	}
	if target, _ := a.Attr("target"); target != "_blank" || !strings.Contains(a.Text(), "new tab") {
		t.Errorf("editor's link to the finder: target %q, text %q; want a new tab, said so", target, a.Text())
	}
}
