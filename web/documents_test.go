package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/labstack/echo/v4"
)

const testCSRF = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ" // a 43-character pre-session id

// docServer is the real router over a database with the shipped content,
// an editor (with a session and a token) and a stakeholder.
type docServer struct {
	e                    *echo.Echo
	db                   *store.DB
	editorSession, token string
	stakeholderSession   string
}

func newDocServer(t *testing.T) *docServer {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	s := &docServer{e: web.New(web.Deps{Store: db}), db: db}
	ed, err := db.CreateUser(ctx, store.User{Email: "ed@example.org", Name: "Ed Itor", Role: "editor"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.editorSession, err = db.CreateSession(ctx, ed.ID, "127.0.0.1", ""); err != nil {
		t.Fatal(err)
	}
	if s.token, err = db.CreateToken(ctx, ed.ID, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	st, err := db.CreateUser(ctx, store.User{Email: "sh@example.org", Name: "Stake Holder", Role: "stakeholder"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.stakeholderSession, err = db.CreateSession(ctx, st.ID, "127.0.0.1", ""); err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends a request as the reader whose session is given ("" for
// anonymous); a form is posted with the CSRF token.
func (s *docServer) do(t *testing.T, method, target, session string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if form != nil {
		cookies := map[string]string{"accord_csrf": testCSRF}
		if session != "" {
			cookies["accord_session"] = session
		}
		form.Set("_csrf", web.CSRFTokenFor(s.db, cookies))
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.AddCookie(&http.Cookie{Name: "accord_csrf", Value: testCSRF})
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "accord_session", Value: session})
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

func (s *docServer) api(t *testing.T, method, target, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	s.e.ServeHTTP(rec, req)
	return rec
}

func parseRec(t *testing.T, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const example = "iot-security-by-design"

func TestDraftsAreInvisibleToThePublic(t *testing.T) {
	s := newDocServer(t)
	paths := []string{"/documents/" + example, "/documents/" + example + "/versions/1", "/documents/" + example + "/versions/2",
		"/documents/" + example + "/diff?from=1&to=2", "/api/v1/documents/" + example, "/api/v1/documents/" + example + "/versions/1"}
	for _, who := range []struct{ name, session string }{{"anonymous", ""}, {"stakeholder", s.stakeholderSession}} {
		for _, p := range paths {
			if rec := s.do(t, http.MethodGet, p, who.session, nil); rec.Code != http.StatusNotFound {
				t.Errorf("%s GET %s: got %d, want 404", who.name, p, rec.Code)
			}
		}
		rec := s.do(t, http.MethodGet, "/documents", who.session, nil)
		if strings.Contains(rec.Body.String(), example) {
			t.Errorf("%s: /documents lists the draft", who.name)
		}
		rec = s.do(t, http.MethodGet, "/api/v1/documents", who.session, nil)
		if strings.Contains(rec.Body.String(), example) || !strings.Contains(rec.Body.String(), `"total":0`) {
			t.Errorf("%s: API list shows the draft: %s", who.name, rec.Body)
		}
	}
	for _, p := range paths {
		if rec := s.do(t, http.MethodGet, p, s.editorSession, nil); rec.Code != http.StatusOK {
			t.Errorf("editor GET %s: got %d, want 200", p, rec.Code)
		}
	}

	// Published: version 2 becomes public, version 1 stays a draft.
	if rec := s.do(t, http.MethodPost, "/documents/"+example+"/status", s.editorSession, url.Values{"status": {"published"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: got %d, want 303: %s", rec.Code, rec.Body)
	}
	for p, want := range map[string]int{
		"/documents/" + example: 200, "/documents/" + example + "/versions/2": 200, "/documents/" + example + "/versions/1": 404,
		"/api/v1/documents/" + example + "/versions/2": 200, "/api/v1/documents/" + example + "/versions/1": 404,
	} {
		if rec := s.do(t, http.MethodGet, p, "", nil); rec.Code != want {
			t.Errorf("anonymous GET %s after publishing: got %d, want %d", p, rec.Code, want)
		}
	}
	if rec := s.do(t, http.MethodGet, "/documents", "", nil); !strings.Contains(rec.Body.String(), example) {
		t.Errorf("/documents does not list the published document")
	}
}

func TestWriteDocumentThroughForms(t *testing.T) {
	s := newDocServer(t)
	if rec := s.do(t, http.MethodGet, "/documents/new", "", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous GET /documents/new: got %d, want 303 to sign in", rec.Code)
	}
	if rec := s.do(t, http.MethodPost, "/documents/new", s.stakeholderSession, url.Values{"slug": {"x"}}); rec.Code != http.StatusForbidden {
		t.Errorf("stakeholder POST /documents/new: got %d, want 403", rec.Code)
	}
	body := "Intro.\n\n## Passwords\n\nNo universal default passwords [@etsi-en-303-645], see [#C3].\n\nSecond paragraph stays as it is in every version of this text.\n"
	form := url.Values{"slug": {"passwords"}, "title": {"Passwords"}, "summary": {"On passwords."}, "body": {body}, "note": {"first"}, "action": {"preview"}}
	rec := s.do(t, http.MethodPost, "/documents/new", s.editorSession, form)
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: got %d, want 200: %s", rec.Code, rec.Body)
	}
	d := parseRec(t, rec)
	if got := d.Find(`[data-testid=preview] a.cite[href="/policies/etsi-en-303-645"]`).Length(); got != 1 {
		t.Errorf("preview: got %d citation links, want 1", got)
	}
	if got := d.Find("textarea#body").Text(); got != body {
		t.Errorf("preview kept body %q, want %q", got, body)
	}
	if _, err := s.db.Document(context.Background(), "passwords"); err == nil {
		t.Errorf("preview saved the document")
	}

	// An unknown citation: 422, the summary names it and its line, values kept.
	bad := url.Values{"slug": {"passwords"}, "title": {"Passwords"}, "body": {"Fine.\n\nCites [@nope] here.\n"}, "action": {"save"}}
	rec = s.do(t, http.MethodPost, "/documents/new", s.editorSession, bad)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad citation: got %d, want 422", rec.Code)
	}
	d = parseRec(t, rec)
	summary := d.Find("[data-testid=error-summary] a[href='#body']").Text()
	if !strings.Contains(summary, "[@nope]") || !strings.Contains(summary, "Line 3") {
		t.Errorf("error summary %q, want it to name [@nope] and line 3", summary)
	}
	if v, _ := d.Find("textarea#body").Attr("aria-invalid"); v != "true" {
		t.Errorf("body aria-invalid = %q, want true", v)
	}
	if v, _ := d.Find("textarea#body").Attr("aria-describedby"); !strings.Contains(v, "body-error") {
		t.Errorf("body aria-describedby = %q, want body-error", v)
	}
	if v, _ := d.Find("input#title").Attr("value"); v != "Passwords" {
		t.Errorf("title kept %q, want Passwords", v)
	}

	form.Set("action", "save")
	rec = s.do(t, http.MethodPost, "/documents/new", s.editorSession, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/documents/passwords" {
		t.Fatalf("save: got %d to %q, want 303 to /documents/passwords: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	v1, err := s.db.Version(context.Background(), "passwords", 1)
	if err != nil {
		t.Fatal(err)
	}

	// Edit: light edit of the cited paragraph, insert one, keep the other.
	rec = s.do(t, http.MethodGet, "/documents/passwords/edit", s.editorSession, nil)
	if got := parseRec(t, rec).Find("textarea#body").Text(); got != body {
		t.Fatalf("edit form body %q, want %q", got, body)
	}
	body2 := strings.Replace(body, "No universal", "There must be no universal", 1) + "\nA new paragraph about updates [#C4].\n"
	rec = s.do(t, http.MethodPost, "/documents/passwords/edit", s.editorSession, url.Values{"body": {body2}, "note": {"second"}, "base": {"1"}, "action": {"save"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/documents/passwords/versions/2" {
		t.Fatalf("save version 2: got %d to %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	// A stale base is a conflict, with the text kept.
	rec = s.do(t, http.MethodPost, "/documents/passwords/edit", s.editorSession, url.Values{"body": {body2 + "x"}, "base": {"1"}, "action": {"save"}})
	if rec.Code != http.StatusConflict || !strings.Contains(parseRec(t, rec).Find("textarea#body").Text(), "x") {
		t.Errorf("stale save: got %d, want 409 with the text kept", rec.Code)
	}

	v2, err := s.db.Version(context.Background(), "passwords", 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range v1.Paragraphs {
		if v1.Paragraphs[i].ID != v2.Paragraphs[i].ID {
			t.Errorf("paragraph %d: got id %s, want %s kept", i, v2.Paragraphs[i].ID, v1.Paragraphs[i].ID)
		}
	}

	// The version page: anchors, traceability.
	d = parseRec(t, s.do(t, http.MethodGet, "/documents/passwords/versions/2", s.editorSession, nil))
	for _, p := range v2.Paragraphs {
		if d.Find("#p-"+p.ID).Length() != 1 {
			t.Errorf("version page lacks anchor #p-%s", p.ID)
		}
	}
	if got := d.Find("[data-testid=addressed]").Text(); !strings.Contains(got, "C3") || !strings.Contains(got, "C4") {
		t.Errorf("addressed: %q, want C3 and C4", got)
	}
	if got := d.Find("[data-testid=missing]").Text(); !strings.Contains(got, "C6") || strings.Contains(got, "C3 ") {
		t.Errorf("missing: %q, want C6 and not C3", got)
	}

	// The redline.
	d = parseRec(t, s.do(t, http.MethodGet, "/documents/passwords/diff?from=1&to=2", s.editorSession, nil))
	if got := d.Find("[data-testid=redline] ins").Length(); got != 2 {
		t.Errorf("redline: got %d insertions, want 2 (the edit and the new paragraph)", got)
	}
	if got := d.Find(`[data-status=inserted]`).Length(); got != 1 {
		t.Errorf("redline: got %d inserted blocks, want 1", got)
	}
	if got := d.Find(`[data-testid=redline] del`).Length(); got != 1 {
		t.Errorf("redline: got %d deletions, want 1", got)
	}
}

func TestDocumentsAPI(t *testing.T) {
	s := newDocServer(t)
	rec := s.api(t, http.MethodPost, "/api/v1/documents", "", `{"slug":"api-doc","title":"API","body":"x"}`)
	// The CSRF check refuses a cookie-less POST before the role check does.
	if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusForbidden {
		t.Errorf("anonymous create: got %d, want 401 or 403", rec.Code)
	}
	rec = s.api(t, http.MethodPost, "/api/v1/documents", s.token, `{"slug":"api-doc","title":"API doc","summary":"s","body":"## One\n\nCites [#C9] here.\n","note":"n"}`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Line 3") || !strings.Contains(rec.Body.String(), "[#C9]") {
		t.Errorf("bad citation: got %d %s, want 422 naming [#C9] on line 3", rec.Code, rec.Body)
	}
	rec = s.api(t, http.MethodPost, "/api/v1/documents", s.token, `{"slug":"api-doc","title":"API doc","summary":"s","body":"## One\n\nCites [#C1] here.\n","note":"n"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: got %d, want 201: %s", rec.Code, rec.Body)
	}
	rec = s.api(t, http.MethodPost, "/api/v1/documents/api-doc/versions", s.token, `{"body":"## One\n\nCites [#C1] here and there.\n\nMore.\n","note":"two"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("new version: got %d, want 201: %s", rec.Code, rec.Body)
	}
	rec = s.api(t, http.MethodGet, "/api/v1/documents/api-doc/versions/2", s.token, "")
	var v struct {
		Number     int `json:"number"`
		Paragraphs []struct {
			ID, Section, Kind, Text, HTML string
		} `json:"paragraphs"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	if v.Number != 2 || len(v.Paragraphs) != 3 || v.Paragraphs[1].Section != "1" || v.Paragraphs[1].Kind != "paragraph" ||
		!strings.Contains(v.Paragraphs[1].HTML, `href="/frameworks/dc-isss-iot/items/C1"`) {
		t.Errorf("version 2: got %+v", v)
	}
	if rec := s.api(t, http.MethodGet, "/api/v1/documents/api-doc", "", ""); rec.Code != http.StatusNotFound {
		t.Errorf("anonymous read of a draft: got %d, want 404", rec.Code)
	}
	rec = s.api(t, http.MethodPost, "/api/v1/documents/api-doc/versions", s.token, `{"body":"x","base":1}`)
	if rec.Code != http.StatusConflict {
		t.Errorf("stale base: got %d, want 409", rec.Code)
	}
}

func TestDocumentPagesAreSafe(t *testing.T) {
	s := newDocServer(t)
	body := "<script>alert(1)</script>\n\n[a](javascript&colon;alert(1)) [b](jav&#x09;ascript:alert(1)) <svg onload=alert(1)>\n\n" +
		"<iframe src=x></iframe> [c](data:text/html,x) <img src=x onerror=alert(1)>\n"
	rec := s.api(t, http.MethodPost, "/api/v1/documents", s.token, mustJSON(t, map[string]string{"slug": "xss", "title": "<b>t</b>", "body": body}))
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: got %d: %s", rec.Code, rec.Body)
	}
	for _, p := range []string{"/documents/xss", "/documents/xss/versions/1"} {
		d := parseRec(t, s.do(t, http.MethodGet, p, s.editorSession, nil))
		main := d.Find("main")
		if n := main.Find("script, iframe, svg, object, embed").Length(); n > 0 {
			t.Errorf("%s: %d dangerous elements", p, n)
		}
		main.Find("*").Each(func(_ int, sel *goquery.Selection) {
			for _, a := range sel.Nodes[0].Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") {
					t.Errorf("%s: attribute %s=%q", p, a.Key, a.Val)
				}
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
