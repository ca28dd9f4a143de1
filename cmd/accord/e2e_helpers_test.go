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
func startServer(t *testing.T, data ...string) string {
	t.Helper()
	dir := t.TempDir()
	if len(data) > 0 {
		dir = data[0]
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	// No environment: the test's own ACCORD_* variables must not leak in.
	noEnv := func(string) string { return "" }
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, noEnv, strings.NewReader(""), pw, logs)
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
func repoRoot(t *testing.T) string {
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
	res, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if res == nil {
		t.Fatalf("open %s: no answer", url)
	}
	if res.Status != 200 {
		t.Fatalf("open %s: status %d, want 200", url, res.Status)
	}
}

// follow runs an action that navigates (a click, a form submission) and
// waits for the new page, requiring a 200 answer.
func follow(t *testing.T, ctx context.Context, what string, action chromedp.Action[chromedp.Void]) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		t.Fatalf("%s: no page loaded", what)
	}
	if res.Status != 200 {
		t.Fatalf("%s: status %d, want 200", what, res.Status)
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
