package web_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

const testPassword = "a long test passphrase"

// bundle is the shipped content, read once for all tests.
var bundle = sync.OnceValues(func() (content.Bundle, error) { return content.ReadBundle(content.Builtin()) })

// env is a server over a real database, with one account per role.
type env struct {
	t       *testing.T
	db      *store.DB
	h       http.Handler
	now     time.Time
	users   map[string]store.User // by role
	nowLock sync.Mutex
}

// envStart is the clock every env starts at.
var envStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// seededDB is a database file holding the shipped content and one account
// per role, made once per test binary (seeding and hashing a password
// cost most of a test's setup) and copied by each newEnv.
type seededDB struct {
	path  string
	users map[string]store.User // by role
}

// templateDir holds the seeded database; TestMain removes it.
var templateDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "accord-web-test-") })

var seededTemplate = sync.OnceValues(func() (seededDB, error) {
	dir, err := templateDir()
	if err != nil {
		return seededDB{}, fmt.Errorf("template folder: %w", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "seeding.db"))
	if err != nil {
		return seededDB{}, err
	}
	defer db.Close()
	db.Now = func() time.Time { return envStart }
	b, err := bundle()
	if err != nil {
		return seededDB{}, err
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		return seededDB{}, fmt.Errorf("seed the template: %w", err)
	}
	hash, err := store.HashPassword(testPassword)
	if err != nil {
		return seededDB{}, err
	}
	s := seededDB{path: filepath.Join(dir, "template.db"), users: map[string]store.User{}}
	for _, role := range store.Roles {
		u, err := db.CreateUser(ctx, store.User{Email: role + "@example.org", Name: "Test " + role, Role: role}, hash)
		if err != nil {
			return seededDB{}, fmt.Errorf("template account %s: %w", role, err)
		}
		s.users[role] = u
	}
	// VACUUM INTO writes one complete file, with no -wal beside it to
	// copy along.
	if err := db.Backup(ctx, s.path); err != nil {
		return seededDB{}, err
	}
	return s, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := templateDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	tpl, err := seededTemplate()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(tpl.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "accord.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, now: envStart, users: map[string]store.User{}}
	db.Now = e.clock
	for role, u := range tpl.users {
		e.users[role] = u
	}
	e.h = web.New(web.Deps{Store: db, Now: e.clock})
	return e
}

func (e *env) clock() time.Time {
	e.nowLock.Lock()
	defer e.nowLock.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.nowLock.Lock()
	defer e.nowLock.Unlock()
	e.now = e.now.Add(d)
}

// client is a browser: it keeps cookies and sends the CSRF token with
// every form unless told otherwise.
type client struct {
	e       *env
	ip      string
	cookies map[string]string
	// noCSRF leaves the _csrf field out; badCSRF sends a wrong one.
	noCSRF, badCSRF bool
	bearer          string
}

func (e *env) client() *client {
	return &client{e: e, ip: "192.0.2.10", cookies: map[string]string{}}
}

// signedIn is a client signed in with the account of a role ("" for an
// anonymous reader who has loaded a page).
func (e *env) signedIn(role string) *client {
	e.t.Helper()
	c := e.client()
	c.get("/login")
	if role == "" {
		return c
	}
	w := c.post("/login", url.Values{"email": {role + "@example.org"}, "password": {testPassword}})
	if w.Code != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: got %d, want 303: %s", role, w.Code, w.Body)
	}
	return c
}

func (c *client) do(req *http.Request) *httptest.ResponseRecorder {
	req.RemoteAddr = c.ip + ":40000"
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	w := httptest.NewRecorder()
	c.e.h.ServeHTTP(w, req)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return w
}

func (c *client) get(path string) *httptest.ResponseRecorder {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (c *client) token(form url.Values) url.Values {
	if form == nil {
		form = url.Values{}
	}
	switch {
	case c.noCSRF:
	case c.badCSRF:
		form.Set("_csrf", strings.Repeat("x", 43))
	default:
		form.Set("_csrf", c.csrf())
	}
	return form
}

// csrf is the token a page would give this client's forms now.
func (c *client) csrf() string { return web.CSRFTokenFor(c.e.db, c.cookies) }

func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	form = c.token(form)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// upload posts files as multipart/form-data under the field "file".
func (c *client) upload(path string, files map[string][]byte) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range c.token(nil) {
		mw.WriteField(k, v[0])
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			c.e.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// json sends a JSON body; with a session, the CSRF header goes along.
func (c *client) json(method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if !c.noCSRF && c.bearer == "" {
		req.Header.Set("X-CSRF-Token", c.csrf())
	}
	return c.do(req)
}

func doc(t *testing.T, w *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(io.NopCloser(bytes.NewReader(w.Body.Bytes())))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func wantStatus(t *testing.T, what string, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		body := w.Body.String()
		if len(body) > 600 {
			body = body[:600]
		}
		t.Fatalf("%s: got status %d, want %d; body: %s", what, w.Code, want, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func httpGet(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }

// httpsRequest is a sign-in form posted over TLS.
func httpsRequest(form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "https://accord.example/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.TLS = &tls.ConnectionState{}
	return req
}

func httptestGet(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}
