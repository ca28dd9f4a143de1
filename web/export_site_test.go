package web_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

const siteBase = "https://accord.example.org"

// exportFixture is the comments fixture (a consultation with approved,
// hidden, withdrawn and pending comments, and an anonymous author's
// secrets), plus a draft document and a published one, exported.
func exportFixture(t *testing.T) (*commentsFixture, *web.Server) {
	t.Helper()
	f := newCommentsFixture(t)
	e := f.e
	e.addDocument("secret-draft")
	e.addDocument("published-doc")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	if _, err := e.db.Publish(ctx, "published-doc", 1); err != nil {
		t.Fatal(err)
	}
	return f, web.NewServer(web.Deps{Store: e.db, Now: e.clock, BaseURL: siteBase})
}

// TestExportSite exports the shipped content with a consultation, then
// crawls the folder as a browser on file:// would: every link of every
// page names a file that is there, and nothing private is in any file.
func TestExportSite(t *testing.T) {
	f, srv := exportFixture(t)
	dir := filepath.Join(t.TempDir(), "site")
	start := time.Now()
	rep, err := srv.ExportSite(context.Background(), dir, web.SiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("export took %s, want a few seconds", d)
	}
	if rep.Pages < 100 || rep.Files < 5 || rep.Bytes == 0 || rep.Skipped == 0 {
		t.Errorf("report %+v: want over 100 pages, some files and some skipped URLs", rep)
	}

	consultation := "consultations/round-1/"
	mustExist := []string{"index.html", "policies/index.html", "policies/uk-psti-act-2022/index.html",
		"coverage/index.html", "map/index.html", "frameworks/dc-isss-iot/index.html", "jurisdictions/GB/index.html",
		"consultations/index.html", consultation + "index.html", consultation + "comments/index.html",
		consultation + "comments/" + strconv.FormatInt(f.approved[0].ID, 10) + "/index.html",
		consultation + "resolution/index.html", consultation + "resolution.csv",
		"static/css/site.css", "policies.atom", "consultations.atom"}
	for _, name := range mustExist {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Errorf("%s is not in the export: %v", name, err)
		}
	}
	for _, name := range []string{consultation + "moderation/index.html", "login/index.html", "search/index.html",
		"documents/secret-draft/index.html"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err == nil {
			t.Errorf("%s is in the export; want it left out", name)
		}
	}

	// Words that must be in no file at all: the draft, and what the
	// consultation does not publish.
	private := append([]string{"secret-draft", "Title of secret-draft", "Pending words", "Hidden spam", "Withdrawn words"}, f.secrets...)
	pages := 0
	err = filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(name, dir+string(filepath.Separator)))
		if strings.ContainsAny(rel, "?#") {
			t.Errorf("file name %q has a query or fragment character", rel)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		for _, p := range private {
			if strings.Contains(string(b), p) {
				t.Errorf("%s contains %q", rel, p)
			}
		}
		if strings.HasSuffix(rel, ".html") {
			pages++
			checkExportedPage(t, dir, rel, string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages != rep.Pages {
		t.Errorf("found %d HTML files, report says %d", pages, rep.Pages)
	}

	home := readPage(t, dir, "index.html")
	if n := home.Find("header .static-note").Length(); n != 1 {
		t.Errorf("home header has %d static search notes, want 1", n)
	}
	if n := home.Find(`header .account-links, input[type="search"]`).Length(); n != 0 {
		t.Errorf("home has %d account links or search boxes, want none", n)
	}
	if got, _ := home.Find(`a.brand`).Attr("href"); got != "index.html" {
		t.Errorf("home's brand link is %q, want index.html", got)
	}
	// The export's pages never reach the server's readers through a cache,
	// nor the other way round.
	for _, p := range []string{"/", "/policies", "/coverage", "/outcomes/published-doc"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.Host = "accord.example.org"
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if w.Code == http.StatusOK && !strings.Contains(w.Body.String(), `role="search"`) {
			t.Errorf("GET %s after the export: the page has no search box; the static copy leaked into a cache", p)
		}
	}

	// The one page of the list holds every policy, with no filters.
	all, err := f.e.db.AllPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list := readPage(t, dir, "policies/index.html")
	if got := list.Find(".results h3 a").Length(); got != len(all) {
		t.Errorf("policies/index.html lists %d policies, want all %d", got, len(all))
	}
	if n := list.Find("aside.filters").Length(); n != 0 {
		t.Errorf("policies/index.html has %d filter panels, want none", n)
	}
	// No offer to comment is left, as a link or as words.
	for _, rel := range []string{consultation + "index.html", consultation + "paragraphs/" + f.approved[0].Paragraph + "/index.html"} {
		text := readPage(t, dir, rel).Find("main").Text()
		for _, offer := range []string{"Comment on the whole document", "Answer question", "to comment", "Comment on "} {
			if strings.Contains(text, offer) {
				t.Errorf("%s offers %q", rel, offer)
			}
		}
	}
	policy := readPage(t, dir, "policies/uk-psti-act-2022/index.html")
	if got, _ := policy.Find(`link[rel="stylesheet"]`).Attr("href"); got != "../../static/css/site.css" {
		t.Errorf("policy page's stylesheet is %q, want ../../static/css/site.css", got)
	}
	// Every canonical address is absolute, on the base URL.
	err = filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(name, ".html") {
			return err
		}
		rel, _ := filepath.Rel(dir, name)
		readPage(t, dir, filepath.ToSlash(rel)).Find(`link[rel="canonical"], meta[property="og:url"]`).Each(func(_ int, s *goquery.Selection) {
			v := s.AttrOr("href", s.AttrOr("content", ""))
			if !strings.HasPrefix(v, siteBase+"/") {
				t.Errorf("%s: canonical or og:url %q is not on %s", rel, v, siteBase)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readPage(t *testing.T, dir, rel string) *goquery.Document {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := goquery.NewDocumentFromReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkExportedPage checks one exported page: no form, and every link,
// stylesheet, image and script names a file of the folder.
func checkExportedPage(t *testing.T, dir, rel, body string) {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Find("form").Length(); n > 0 {
		t.Errorf("%s has %d forms, want none", rel, n)
	}
	d.Find("a[href], link[href], area[href], img[src], script[src], source[src]").Each(func(_ int, s *goquery.Selection) {
		ref := s.AttrOr("href", s.AttrOr("src", ""))
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("%s: link %q does not parse: %v", rel, ref, err)
			return
		}
		if u.Scheme != "" || u.Host != "" || strings.HasPrefix(ref, "//") {
			return // another site, or the canonical address
		}
		if u.Path == "" {
			if u.RawQuery != "" {
				t.Errorf("%s: link %q is a query on the page", rel, ref)
			}
			return // a fragment of the same page
		}
		if u.RawQuery != "" || strings.HasPrefix(u.Path, "/") {
			t.Errorf("%s: link %q is not a relative file name", rel, ref)
			return
		}
		target := path.Join(path.Dir(rel), u.Path)
		if strings.HasPrefix(target, "../") || target == ".." {
			t.Errorf("%s: link %q leaves the folder", rel, ref)
			return
		}
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target)))
		if err != nil || fi.IsDir() {
			t.Errorf("%s: link %q is broken: %s is not a file of the export", rel, ref, target)
		}
	})
}

// TestExportSiteFolder: a folder with something in it is refused, and
// replaced with Force; a file is refused.
func TestExportSiteFolder(t *testing.T) {
	e := newEnv(t)
	srv := web.NewServer(web.Deps{Store: e.db, Now: e.clock, BaseURL: siteBase})
	ctx := context.Background()
	parent := t.TempDir()
	dir := filepath.Join(parent, "site")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "mine.txt")
	if err := os.WriteFile(old, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := srv.ExportSite(ctx, dir, web.SiteOptions{})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("export into a folder with a file: got %v, want a refusal saying it is not empty", err)
	}
	if b, _ := os.ReadFile(old); string(b) != "keep me" {
		t.Errorf("the refused export changed %s: %q", old, b)
	}
	if _, err := srv.ExportSite(ctx, dir, web.SiteOptions{Force: true}); err != nil {
		t.Fatalf("export with Force: %v", err)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("Force kept the old folder's file; want the folder replaced")
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		t.Errorf("after Force: %v", err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the parent folder holds %d entries, want only the site (no temporary folder left)", len(entries))
	}
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ExportSite(ctx, file, web.SiteOptions{Force: true}); err == nil {
		t.Error("export onto a file succeeded; want it refused")
	}
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ExportSite(ctx, empty, web.SiteOptions{}); err != nil {
		t.Errorf("export into an empty folder: %v", err)
	}
	noBase := web.NewServer(web.Deps{Store: e.db, Now: e.clock})
	if _, err := noBase.ExportSite(ctx, filepath.Join(parent, "nobase"), web.SiteOptions{}); err == nil {
		t.Error("export without a base URL succeeded; want it refused")
	}
}
