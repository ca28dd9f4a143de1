package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dc-isss/accord/web/views"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SiteOptions are the choices of a static export.
type SiteOptions struct {
	// Force replaces a folder that is not empty; without it such a folder
	// is refused, so that an export never overwrites something else.
	Force bool
}

// SiteReport counts what a static export wrote.
type SiteReport struct {
	Pages   int   // HTML pages
	Files   int   // other files: feeds, downloads, styles, images
	Bytes   int64 // the size of everything written
	Skipped int   // URLs found but not exported (not public, query strings, not found)
}

// staticExportKey marks a request made by the static export.
type staticExportKey struct{}

// isStaticExport reports whether the request is rendered for the static
// export, whose pages have no search box and no account links.
func isStaticExport(ctx context.Context) bool {
	v, _ := ctx.Value(staticExportKey{}).(bool)
	return v
}

// siteSeeds are where the crawl starts, beside every policy: the
// navigation, the lists and the feeds. A seed that answers 404 is simply
// not exported.
var siteSeeds = []string{"/", "/policies", "/coverage", "/map", "/outcomes", "/documents", "/consultations",
	"/policies.atom", "/outcomes.atom", "/consultations.atom"}

// notExported are the URLs (and everything below them) that belong to the
// running server: accounts, administration, the API, search. They are
// never fetched, and links to them are unwrapped.
var notExported = []string{"/search", "/login", "/logout", "/register", "/setup", "/account", "/admin", "/api",
	"/unsubscribe", "/healthz", "/metrics", "/password", "/workspace", "/cite", "/robots.txt",
	// The comparison is a form whose answers the server computes.
	"/compare", "/compare.csv"}

// actionSegments are last path segments of pages that are forms or
// editors' tools, never reading pages.
var actionSegments = []string{"edit", "delete", "new", "history", "moderation", "import", "comment",
	"withdraw", "flag", "replies", "disposition", "ungroup", "status", "publish", "export"}

// fileExtensions are the endings that make a URL a file of its own in the
// export; any other URL is a page, written as index.html in its folder.
var fileExtensions = []string{".css", ".js", ".svg", ".png", ".ico", ".atom", ".xml", ".csv", ".md", ".html",
	".pdf", ".json", ".xlsx", ".txt", ".bib"}

// sitePath maps a URL path (escaped, as in a request) to the file of the
// export that holds it, a slash-separated path relative to the export's
// folder: "/" is "index.html", "/policies/x" is "policies/x/index.html",
// and "/outcomes/x.pdf" is "outcomes/x.pdf". A path that is not a clean
// one (empty, dot or encoded-slash segments, characters no file name
// should carry) is refused, so nothing is written outside the folder.
func sitePath(escaped string) (string, error) {
	if !strings.HasPrefix(escaped, "/") {
		return "", fmt.Errorf("%q is not an absolute path", escaped)
	}
	if escaped == "/" {
		return "index.html", nil
	}
	raw := strings.Split(escaped[1:], "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		seg, err := url.PathUnescape(r)
		if err != nil {
			return "", fmt.Errorf("%q: %w", escaped, err)
		}
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "/\\?#:*\"<>|") ||
			strings.ContainsFunc(seg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return "", fmt.Errorf("%q has a segment no file name may have", escaped)
		}
		segs[i] = seg
	}
	last := segs[len(segs)-1]
	if slices.Contains(fileExtensions, strings.ToLower(path.Ext(last))) {
		return strings.Join(segs, "/"), nil
	}
	return strings.Join(segs, "/") + "/index.html", nil
}

// exportable reports whether a URL path may be part of the export at all,
// before fetching it.
func exportable(p string) bool {
	for _, n := range notExported {
		if p == n || strings.HasPrefix(p, n+"/") {
			return false
		}
	}
	return !slices.Contains(actionSegments, path.Base(p))
}

// relPath is the relative link from the file from to the file to, both
// slash-separated paths inside the export ("policies/x/index.html",
// "coverage/index.html" -> "../../coverage/index.html").
func relPath(from, to string) string {
	dir := strings.Split(path.Dir(from), "/")
	if dir[0] == "." {
		dir = nil
	}
	target := strings.Split(to, "/")
	common := 0
	for common < len(dir) && common < len(target)-1 && dir[common] == target[common] {
		common++
	}
	parts := make([]string, 0, len(dir)-common+len(target)-common)
	for range dir[common:] {
		parts = append(parts, "..")
	}
	return strings.Join(append(parts, target[common:]...), "/")
}

// siteLink is what a link of a page points to.
type siteLink struct {
	site     bool   // on this site, relative or root-relative
	path     string // escaped path of a site link, when it has no query
	fragment string // kept on the rewritten link
	resolved string // the absolute path and query of a site link
}

// classifyLink reads a link found on the page at base. Links to other
// hosts, other schemes and fragments of the same page are not site links
// and stay as they are. A site link with a query string has no path: it
// names a view the export does not have.
func classifyLink(base *url.URL, ref string) siteLink {
	ref = strings.TrimSpace(ref)
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || strings.HasPrefix(ref, "//") {
		return siteLink{}
	}
	if u.Path == "" && u.RawQuery == "" && !u.ForceQuery {
		return siteLink{} // "#p4" or "": the same page
	}
	r := base.ResolveReference(u)
	l := siteLink{site: true, fragment: u.EscapedFragment(), resolved: r.RequestURI()}
	if r.RawQuery == "" && !u.ForceQuery {
		l.path = r.EscapedPath()
	}
	return l
}

// sitePage is one exported URL.
type sitePage struct {
	url  *url.URL
	file string
	body []byte
	doc  *html.Node // parsed HTML, nil for other files
	css  bool       // a stylesheet, whose url() references are links
}

// ExportSite writes every public page, as an anonymous reader sees it, into
// dir as files linked relatively, so that the folder works from any static
// host or file://. Pages are rendered in-process through the real router
// and found by a crawl from the home page, the lists, the feeds and every
// policy; what is not public, a view with a query string, a form or
// anything that does not answer 200 is left out and links to it are
// unwrapped. The export is written beside dir and renamed into place, so
// dir is either the old folder or the complete new one.
func (s *Server) ExportSite(ctx context.Context, dir string, opts SiteOptions) (SiteReport, error) {
	var rep SiteReport
	if s.baseURL == "" {
		return rep, errors.New("export site: a base URL is needed, for canonical links and feeds")
	}
	base, err := url.Parse(s.baseURL)
	if err != nil || base.Host == "" {
		return rep, fmt.Errorf("export site: base URL %q has no host", s.baseURL)
	}
	if err := checkSiteDir(dir, opts.Force); err != nil {
		return rep, err
	}
	pages, skipped, err := s.crawlSite(ctx, base.Host)
	if err != nil {
		return rep, err
	}
	rep.Skipped = skipped

	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".accord-site-*")
	if err != nil {
		return rep, fmt.Errorf("export site: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	// MkdirTemp makes the folder for its owner only; a site is for reading.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return rep, fmt.Errorf("export site: %w", err)
	}
	files := map[string]string{} // escaped URL path -> file, for links
	for p, pg := range pages {
		files[p] = pg.file
	}
	for _, pg := range pages {
		body := pg.body
		if pg.doc != nil {
			rewriteLinks(pg.doc, pg.url, pg.file, files)
			var buf bytes.Buffer
			if err := html.Render(&buf, pg.doc); err != nil {
				return rep, fmt.Errorf("export site: render %s: %w", pg.url.Path, err)
			}
			body = buf.Bytes()
			rep.Pages++
		} else {
			if pg.css {
				body = rewriteCSS(body, pg.url, pg.file, files)
			}
			rep.Files++
		}
		name := filepath.Join(tmp, filepath.FromSlash(pg.file))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return rep, fmt.Errorf("export site: %w", err)
		}
		if err := os.WriteFile(name, body, 0o644); err != nil {
			return rep, fmt.Errorf("export site: %w", err)
		}
		rep.Bytes += int64(len(body))
	}
	if err := replaceDir(tmp, dir, opts.Force); err != nil {
		return rep, err
	}
	done = true
	return rep, nil
}

// checkSiteDir refuses a target that is not a folder, or is a folder with
// something in it, unless force.
func checkSiteDir(dir string, force bool) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export site: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("export site: %s is a file, not a folder", dir)
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("export site: %w", err)
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); errors.Is(err, io.EOF) || force {
		return nil
	} else if err != nil {
		return fmt.Errorf("export site: read %s: %w", dir, err)
	}
	return fmt.Errorf("export site: %s is not empty; choose an empty or new folder, or add --force to replace it", dir)
}

// replaceDir puts the complete export tmp at dir. An old folder is moved
// aside first and removed only once the new one is in place.
func replaceDir(tmp, dir string, force bool) error {
	if err := checkSiteDir(dir, force); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + "-old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("export site: move the old %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("export site: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("export site: remove the old folder: %w", err)
		}
	}
	return nil
}

// crawlSite fetches every exportable URL reachable from the seeds, once
// each, and keeps those that answer 200. It returns them by escaped path,
// and how many URLs were left out.
func (s *Server) crawlSite(ctx context.Context, host string) (map[string]*sitePage, int, error) {
	seeds := slices.Clone(siteSeeds)
	seeds = append(seeds, views.FrameworkURL(s.fwSlug))
	ps, err := s.db.AllPolicies(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("export site: list policies: %w", err)
	}
	for _, p := range ps {
		seeds = append(seeds, views.PolicyURL(p.Slug))
	}
	// Every published outcome, each edition and their downloads, whether
	// or not a page links them all.
	outs, err := s.db.Outcomes(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("export site: list outcomes: %w", err)
	}
	for _, o := range outs {
		slug := o.Latest.Document
		seeds = append(seeds, views.OutcomeURL(slug))
		for _, f := range []string{formatMarkdown, formatHTML, formatPDF} {
			seeds = append(seeds, views.OutcomeDownloadURL(slug, f))
		}
		for n := 1; n <= o.Latest.Number; n++ {
			seeds = append(seeds, views.EditionURL(slug, n))
			for _, f := range []string{formatMarkdown, formatHTML, formatPDF} {
				seeds = append(seeds, views.EditionDownloadURL(slug, n, f))
			}
		}
	}
	pages := map[string]*sitePage{}
	byFile := map[string]bool{}
	seen := map[string]bool{}
	skipped := 0
	queue := seeds
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		file, err := sitePath(p)
		if err != nil || !exportable(p) || byFile[file] {
			skipped++
			continue
		}
		status, ctype, body, err := s.fetchStatic(ctx, host, p)
		if err != nil {
			return nil, 0, err
		}
		if status >= 500 {
			return nil, 0, fmt.Errorf("export site: GET %s answered %d", p, status)
		}
		mt, _, _ := mime.ParseMediaType(ctype)
		isHTML := mt == "text/html"
		// A page without a file ending must be HTML to be its folder's
		// index.html; anything else there would be unreadable.
		if status != http.StatusOK || (!isHTML && strings.HasSuffix(file, "/index.html")) || (!isHTML && file == "index.html") {
			skipped++
			continue
		}
		u := &url.URL{Path: p}
		if raw, err := url.PathUnescape(p); err == nil {
			u = &url.URL{Path: raw, RawPath: p}
		}
		pg := &sitePage{url: u, file: file, body: body, css: mt == "text/css"}
		var refs []string
		if pg.css {
			refs = cssLinks(body)
		}
		if isHTML {
			if pg.doc, err = html.Parse(bytes.NewReader(body)); err != nil {
				return nil, 0, fmt.Errorf("export site: parse %s: %w", p, err)
			}
			// A page of the site is rendered in static mode (the search box
			// replaced by a note); one that is not came from somewhere that
			// ignored the mode, and would offer sign-in and search.
			if strings.HasSuffix(file, "index.html") && !hasClass(pg.doc, "static-note") {
				return nil, 0, fmt.Errorf("export site: %s was not rendered for the static copy", p)
			}
			prune(pg.doc)
			refs = pageLinks(pg.doc)
		}
		for _, ref := range refs {
			l := classifyLink(u, ref)
			switch {
			case !l.site:
			case l.path == "":
				// A view with a query string: left out, counted once.
				if key := "?" + l.resolved; !seen[key] {
					seen[key] = true
					skipped++
				}
			case !seen[l.path]:
				queue = append(queue, l.path)
			}
		}
		pages[p] = pg
		byFile[file] = true
	}
	return pages, skipped, nil
}

// fetchStatic renders one URL through the router as an anonymous reader
// of the static export sees it.
func (s *Server) fetchStatic(ctx context.Context, host, p string) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(context.WithValue(ctx, staticExportKey{}, true), http.MethodGet, p, nil)
	if err != nil {
		return 0, "", nil, fmt.Errorf("export site: GET %s: %w", p, err)
	}
	req.Host = host
	req.RemoteAddr = "127.0.0.1:0"
	w := httptest.NewRecorder()
	s.echo.ServeHTTP(w, req)
	return w.Code, w.Header().Get("Content-Type"), w.Body.Bytes(), nil
}

// linkAttr is the attribute of an element that links to another URL.
func linkAttr(n *html.Node) string {
	switch n.DataAtom {
	case atom.A, atom.Area, atom.Link:
		return "href"
	case atom.Img, atom.Script, atom.Source:
		return "src"
	}
	return ""
}

// prune takes out of a page what the static copy cannot do: forms
// (nothing they send has a server to go to), and what a template marks
// data-export="omit", the offers to comment and the filters, which would
// otherwise stay as words with no link.
func prune(doc *html.Node) {
	var gone []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Form || attr(n, "data-export") == "omit") {
			gone = append(gone, n)
		}
	}
	for _, n := range gone {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// pageLinks lists every link of a parsed page.
func pageLinks(doc *html.Node) []string {
	var refs []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if key := linkAttr(n); key != "" {
			for _, a := range n.Attr {
				if a.Key == key && a.Namespace == "" {
					refs = append(refs, a.Val)
				}
			}
		}
	}
	return refs
}

// rewriteLinks makes a pruned page fit for the static folder: links to
// exported URLs become relative links to their files, fragments kept, and
// links to anything else are unwrapped (an <a> becomes a <span> of its
// text; a stylesheet, image or script goes), so the folder has no broken
// link. A navigation left with no link at all (pagination of views not
// exported) goes too.
func rewriteLinks(doc *html.Node, page *url.URL, file string, files map[string]string) {
	var gone, unwrap []*html.Node
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		key := linkAttr(n)
		if key == "" {
			continue
		}
		for i, a := range n.Attr {
			if a.Key != key || a.Namespace != "" {
				continue
			}
			l := classifyLink(page, a.Val)
			if !l.site {
				continue
			}
			if target, ok := files[l.path]; ok && l.path != "" {
				ref := (&url.URL{Path: relPath(file, target)}).String()
				if l.fragment != "" {
					ref += "#" + l.fragment
				}
				n.Attr[i].Val = ref
			} else if n.DataAtom == atom.A {
				unwrap = append(unwrap, n)
			} else {
				gone = append(gone, n)
			}
		}
	}
	for _, n := range gone {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	for _, n := range unwrap {
		// A span of the link's content: the words stay, the link goes. Its
		// class stays too (a topic keeps its tag's look), unless it would
		// make the words look like a button.
		var keep []html.Attribute
		if c := attr(n, "class"); c != "" && !slices.Contains(strings.Fields(c), "button") {
			keep = []html.Attribute{{Key: "class", Val: c}}
		}
		n.Data, n.DataAtom, n.Attr = "span", atom.Span, keep
	}
	var empty []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.Nav && !hasLink(n) {
			empty = append(empty, n)
		}
	}
	for _, n := range empty {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// hasClass reports whether an element under n has the class c.
func hasClass(n *html.Node, c string) bool {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && slices.Contains(strings.Fields(attr(d, "class")), c) {
			return true
		}
	}
	return false
}

func hasLink(n *html.Node) bool {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == atom.A {
			return true
		}
	}
	return false
}

// cssURL is a url() reference of a stylesheet.
var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'"()\s]+)(['"]?)\s*\)`)

// cssLinks lists the url() references of a stylesheet.
func cssLinks(css []byte) []string {
	var refs []string
	for _, m := range cssURL.FindAllSubmatch(css, -1) {
		refs = append(refs, string(m[2]))
	}
	return refs
}

// rewriteCSS makes a stylesheet's url() references to exported files
// relative; references to anything else stay as they are, for the browser
// to skip (a missing background is no broken link).
func rewriteCSS(css []byte, page *url.URL, file string, files map[string]string) []byte {
	return cssURL.ReplaceAllFunc(css, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		l := classifyLink(page, string(sub[2]))
		target, ok := files[l.path]
		if !l.site || l.path == "" || !ok {
			return m
		}
		ref := (&url.URL{Path: relPath(file, target)}).String()
		if l.fragment != "" {
			ref += "#" + l.fragment
		}
		return []byte("url(" + string(sub[1]) + ref + string(sub[3]) + ")")
	})
}
