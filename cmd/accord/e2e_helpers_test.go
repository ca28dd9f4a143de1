package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests (TestE2E...) drive the real program in Debian's
// chromium. They run only with ACCORD_E2E=1, which .ci/run sets after
// installing chromium and axe-core; then a missing browser or axe-core is
// a failure, not a reason to skip.
//
//	ACCORD_E2E=1           run them
//	ACCORD_CHROMIUM=PATH   the browser (default /usr/bin/chromium)
//	ACCORD_AXE=PATH        axe.min.js (default node_modules/axe-core/axe.min.js
//	                       under the repository root)

// requireE2E skips the test unless browser tests were asked for.
func requireE2E(t *testing.T) {
	t.Helper()
	if os.Getenv("ACCORD_E2E") != "1" {
		t.Skip("browser test: set ACCORD_E2E=1 to run it (needs chromium and axe-core; .ci/run installs both)")
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingRE = regexp.MustCompile(`Accord is serving at (http://\S+/) `)

// startServer runs the real program, `accord serve` on a free loopback
// port with a fresh data folder (or the given one), and returns the
// address it prints. The server stops when the test ends; its log is
// shown if the test failed.
func startServer(t testing.TB, data ...string) string {
	t.Helper()
	dir := t.TempDir()
	if len(data) > 0 {
		dir = data[0]
	}
	return startServerArgs(t, dir)
}

// startServerArgs is startServer on the data folder dir, with more
// arguments for serve, such as --smtp-url.
func startServerArgs(t testing.TB, dir string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	// No environment: the test's own ACCORD_* variables must not leak in.
	noEnv := func(string) string { return "" }
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, extra...)
		err := run(ctx, args, noEnv, strings.NewReader(""), pw, logs)
		pw.CloseWithError(fmt.Errorf("accord serve returned: %v", err))
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("accord serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})

	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			// Keep reading, so that later writes to stdout never block.
			go io.Copy(io.Discard, pr)
			return m[1]
		}
	}
	t.Fatalf("accord serve printed no address: %v\nlog:\n%s", sc.Err(), logs.String())
	return ""
}

// repoRoot is the folder holding go.mod, found by walking up from the
// test's working directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// browserOption changes how newBrowser starts a tab.
type browserOption func(*browserConfig)

type browserConfig struct {
	width, height int
	noScript      bool
}

// withoutJavaScript disables scripts in the tab, as a reader who turned
// JavaScript off would have it.
func withoutJavaScript() browserOption { return func(c *browserConfig) { c.noScript = true } }

// withWindow sets the viewport size in CSS pixels.
func withWindow(w, h int) browserOption {
	return func(c *browserConfig) { c.width, c.height = w, h }
}

// newBrowser starts a headless chromium with a fresh profile and returns
// the context of one tab. The browser is closed when the test ends. A
// guard deadline turns a hung browser into a failure rather than a hung
// run; it is not a measure of speed.
func newBrowser(t *testing.T, opts ...browserOption) context.Context {
	t.Helper()
	cfg := browserConfig{width: 1280, height: 900}
	for _, o := range opts {
		o(&cfg)
	}
	exe := os.Getenv("ACCORD_CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("no browser at %s (set ACCORD_CHROMIUM, or run .ci/run, which installs Debian's chromium): %v", exe, err)
	}
	profile := t.TempDir() // made before the cleanups below, so removed after the browser has exited
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("mute-audio", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	t.Cleanup(cancelAlloc)
	guard, cancelGuard := context.WithTimeout(allocCtx, 2*time.Minute)
	t.Cleanup(cancelGuard)
	ctx, cancelTab := chromedp.NewContext(guard)
	t.Cleanup(func() {
		// Close the browser gracefully so its profile can be removed.
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("close browser: %v", err)
		}
		cancelTab()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(cfg.width), int64(cfg.height))); err != nil {
		t.Fatalf("start browser %s: %v", exe, err)
	}
	if cfg.noScript {
		setScripting(t, ctx, false)
		ctx = context.WithValue(ctx, noScriptKey{}, true)
	}
	return ctx
}

// noScriptKey marks the context of a tab whose page scripts are off.
type noScriptKey struct{}

// setScripting turns the page's own scripts on or off in the tab.
func setScripting(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		t.Fatalf("set page scripts on=%v: %v", on, err)
	}
}

// scriptingEnabled reports whether the page's own scripts may run. It
// reads the parser's scripting flag: with scripting off, the content of a
// <noscript> element is parsed as markup, with it on as text.
func scriptingEnabled(t *testing.T, ctx context.Context) bool {
	t.Helper()
	children, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`(() => { const n = document.createElement('noscript'); n.innerHTML = '<b>x</b>'; return n.children.length; })()`))
	if err != nil {
		t.Fatalf("probe scripting: %v", err)
	}
	return children == 0
}

// visit loads a URL and requires a 200 answer.
func visit(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	visitStatus(t, ctx, url, 200)
}

// visitStatus loads a URL and requires the given status, as for a page
// that must answer 404.
func visitStatus(t *testing.T, ctx context.Context, url string, want int64) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if res == nil {
		t.Fatalf("open %s: no answer", url)
	}
	if res.Status != want {
		t.Fatalf("open %s: status %d, want %d", url, res.Status, want)
	}
}

// follow runs an action that navigates (a click, a form submission) and
// waits for the new page, requiring a 200 answer.
func follow(t *testing.T, ctx context.Context, what string, action chromedp.Action[chromedp.Void]) {
	t.Helper()
	followStatus(t, ctx, what, action, 200)
}

// followStatus is follow for a page that must answer with another status,
// such as a form sent back with errors (422).
func followStatus(t *testing.T, ctx context.Context, what string, action chromedp.Action[chromedp.Void], want int64) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		t.Fatalf("%s: no page loaded", what)
	}
	if res.Status != want {
		t.Fatalf("%s: status %d, want %d", what, res.Status, want)
	}
}

// axeCache keeps axe.min.js once read: it is large, and every page
// visited injects it.
var axeCache struct {
	sync.Mutex
	path, src string
}

// loadAxe returns the axe-core script, from ACCORD_AXE or the repository's
// node_modules; its absence fails the test.
func loadAxe(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ACCORD_AXE")
	if path == "" {
		path = filepath.Join(repoRoot(t), "node_modules", "axe-core", "axe.min.js")
	}
	axeCache.Lock()
	defer axeCache.Unlock()
	if axeCache.path == path {
		return axeCache.src
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core: %v (set ACCORD_AXE to axe.min.js, or run npm install --no-save axe-core@4 at the repository root)", err)
	}
	axeCache.path, axeCache.src = path, string(b)
	return axeCache.src
}

// axeRun runs axe-core on the whole document for WCAG 2.0, 2.1 and 2.2
// levels A and AA, and returns its violations in a printable shape.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
	.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''}))})))`

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// checkA11y injects axe-core into the current page and fails the test with
// a readable list of every WCAG A/AA violation. DevTools evaluation is not
// subject to the page's Content-Security-Policy. In a tab without
// JavaScript, axe's own timers would never fire, so scripts are turned on
// for the check alone: the page's scripts, skipped when it loaded, do not
// run then, and axe sees the page as a reader without JavaScript has it.
func checkA11y(t *testing.T, ctx context.Context) {
	t.Helper()
	src := loadAxe(t)
	if off, _ := ctx.Value(noScriptKey{}).(bool); off {
		setScripting(t, ctx, true)
		defer setScripting(t, ctx, false)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("load axe-core into %s: %v", loc, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core on %s: %v", loc, err)
	}
	if len(violations) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d accessibility rule(s) violated:\n", loc, len(violations))
	for _, v := range violations {
		fmt.Fprintf(&b, "- %s (%s): %s\n", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "    at %s\n      %s\n", n.Target, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	t.Error(b.String())
}

// texts collects the trimmed text of every element the CSS selector matches.
func texts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.replace(/\s+/g, ' ').trim())`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return out
}

// typeInto empties a text field the way a person does, selecting all of
// it and deleting, then types text key by key; a "\n" is the Enter key,
// which in a textarea starts a new line.
func typeInto(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(kb.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
		chromedp.SendKeys(chromedp.CSS(sel), text),
	)
	if err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	if got != text {
		t.Fatalf("after typing, %s holds %q, want %q", sel, got, text)
	}
}

// setValue fills a text field at once, as pasting does, with the events
// pasting sends: typing a whole document key by key is slow.
func setValue(t *testing.T, ctx context.Context, sel, v string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		e.focus();
		e.value = %q;
		e.dispatchEvent(new Event('input', {bubbles: true}));
		e.dispatchEvent(new Event('change', {bubbles: true}));
		return e.value;
	})()`, sel, v)))
	if err != nil {
		t.Fatalf("fill %s: %v", sel, err)
	}
	if got != v {
		t.Fatalf("%s holds %q, want %q", sel, got, v)
	}
}

// xpathTexts collects the trimmed text of every element the XPath matches.
func xpathTexts(t *testing.T, ctx context.Context, xpath string) []string {
	t.Helper()
	return attrsX(t, ctx, xpath, "")
}

// attrsX collects an attribute of every element the XPath matches, or its
// trimmed text when name is "".
func attrsX(t *testing.T, ctx context.Context, xpath, name string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
		const r = document.evaluate(%q, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
		const out = [];
		for (let i = 0; i < r.snapshotLength; i++) {
			const e = r.snapshotItem(i);
			out.push(%q === '' ? e.textContent.replace(/\s+/g, ' ').trim() : (e.getAttribute(%q) || ''));
		}
		return out;
	})()`, xpath, name, name)))
	if err != nil {
		t.Fatalf("read %s: %v", xpath, err)
	}
	return out
}

// choose picks the option of a select whose visible label is label, or
// label followed by a count in brackets as filter lists show it, as a
// person picking from the list; in a multiple select the option is added
// to the choice. Scripts listening for the change hear it.
func choose(t *testing.T, ctx context.Context, sel, label string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		const want = %q, text = o => o.textContent.replace(/\s+/g, ' ').trim();
		const o = s && Array.from(s.options).find(o => text(o) === want || /^\(\d+\)$/.test(text(o).slice(want.length + 1)) && text(o).startsWith(want + ' '));
		if (!o) return false;
		o.selected = true;
		s.dispatchEvent(new Event('input', {bubbles: true}));
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`, sel, label)))
	if err != nil {
		t.Fatalf("choose %q in %s: %v", label, sel, err)
	}
	if !ok {
		t.Fatalf("%s offers no option labelled %q", sel, label)
	}
}

// click sends a mouse click to the first element the CSS selector
// matches, for actions that do not load a new page.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// attr is the value of an attribute of the first element the CSS selector
// matches, "" when the element or the attribute is missing.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const e = document.querySelector(%q); return (e && e.getAttribute(%q)) || ''; })()`, sel, name)))
	if err != nil {
		t.Fatalf("read %s[%s]: %v", sel, name, err)
	}
	return v
}

// attrs collects an attribute of every element the CSS selector matches.
func attrs(t *testing.T, ctx context.Context, sel, name string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q), e => e.getAttribute(%q) || '')`, sel, name)))
	if err != nil {
		t.Fatalf("read %s[%s]: %v", sel, name, err)
	}
	return out
}

// focusedID is the id of the element that has the keyboard focus.
func focusedID(t *testing.T, ctx context.Context) string {
	t.Helper()
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement && document.activeElement.id) || ''`))
	if err != nil {
		t.Fatalf("read the focused element: %v", err)
	}
	return id
}

// addUser creates an account with the command line, as an operator would,
// on the data folder of a running server.
func addUser(t *testing.T, data, email, name, role, password string) {
	t.Helper()
	if out, err := runCLI(t, password+"\n", "user", "add", email, "--name", name, "--role", role, "--password-stdin", "--data", data); err != nil {
		t.Fatalf("accord user add %s: %v\n%s", email, err, out)
	}
}

// signIn signs in through the login page and checks that the header then
// names the user.
func signIn(t *testing.T, ctx context.Context, email, password, name string) {
	t.Helper()
	follow(t, ctx, "click Sign in in the header", chromedp.Click(chromedp.CSS(`header .account-links a[href="/login"]`)))
	requireHeading(t, ctx, "Sign in")
	checkA11y(t, ctx)
	typeInto(t, ctx, "#f-email", email)
	typeInto(t, ctx, "#f-password", password)
	follow(t, ctx, "submit the sign-in form", chromedp.Click(chromedp.Search(`//main//form//button[normalize-space()="Sign in"]`)))
	if got := texts(t, ctx, `header .account-links a[href="/account"]`); len(got) != 1 || got[0] != name {
		t.Fatalf("after signing in the header names %q, want %q", got, name)
	}
}

// signOut presses Sign out in the header and checks that the header then
// offers Sign in again.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	follow(t, ctx, "press Sign out", chromedp.Click(chromedp.Search(`//header//button[normalize-space()="Sign out"]`)))
	if got := texts(t, ctx, `header .account-links a[href="/login"]`); len(got) != 1 {
		t.Fatalf("after signing out the header offers %q, want one Sign in link", texts(t, ctx, "header .account-links"))
	}
	checkA11y(t, ctx)
}

// searchFromHeader types a query into the header's search box and presses
// Enter, the way most people search.
func searchFromHeader(t *testing.T, ctx context.Context, q string) {
	t.Helper()
	// On /search the page's own form is the search; the header has none.
	box := "#site-q"
	if loc := location(t, ctx); loc.Path == "/search" {
		box = "#search-q"
	}
	typeInto(t, ctx, box, q)
	follow(t, ctx, "search for "+q, chromedp.SendKeys(chromedp.CSS(box), kb.Enter))
	loc := location(t, ctx)
	if loc.Path != "/search" || loc.Query().Get("q") != q {
		t.Fatalf("after searching for %q at %s, want /search?q=%s", q, loc, q)
	}
}
