package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// revisedText is consultedText as version 2: the scope sentence edited,
// "secure by default" removed, the rest kept.
const revisedText = `## 1 Scope

This recommendation covers consumer IoT devices and their apps.

## 2 Rules

### 2.1 Passwords

Devices must not ship with a universal default password.

- Each device gets a unique password.
`

// resolutionEnv is an open consultation on version 1 of "iot" with three
// approved comments by Alice: on the scope paragraph (edited in version
// 2), on "secure by default" (removed in version 2) and on the password
// rule (kept).
type resolutionEnv struct {
	*env
	alice                    store.User
	edited, deleted, kept    store.Comment
	editor, stakeholder, pub *client
}

// The paragraph ids consultedText gets.
const (
	pidScope    = "p2"
	pidSecure   = "p4"
	pidPassword = "p6"
)

func newResolutionEnv(t *testing.T) *resolutionEnv {
	t.Helper()
	re := &resolutionEnv{env: newEnv(t)}
	v := re.addDocument("iot")
	for pid, text := range map[string]string{pidScope: "covers consumer", pidSecure: "secure by default", pidPassword: "universal default"} {
		found := false
		for _, p := range v.Paragraphs {
			found = found || p.ID == pid && strings.Contains(p.Text, text)
		}
		if !found {
			t.Fatalf("version 1: no paragraph %s with %q: %+v", pid, text, v.Paragraphs)
		}
	}
	re.addConsultation("round", "iot", -time.Hour, 10*24*time.Hour, store.ModerationPost)
	var ctx context.Context
	re.alice, ctx = re.commenter("alice@example.org", "Alice Author", "Org", "civil-society", "KE", true)
	re.edited = re.comment(ctx, store.NewComment{Consultation: "round", Paragraph: pidScope, Type: "general", Body: "Say which devices.", Display: store.DisplayNamed})
	re.deleted = re.comment(ctx, store.NewComment{Consultation: "round", Paragraph: pidSecure, Type: "technical", Body: "Define secure.", Display: store.DisplayNamed})
	re.kept = re.comment(ctx, store.NewComment{Consultation: "round", Paragraph: pidPassword, Type: "editorial", Body: "Good rule.", Display: store.DisplayNamed})
	re.editor = re.signedIn("editor")
	re.stakeholder = re.signInAs("alice@example.org")
	re.pub = re.signedIn("")
	return re
}

// revise saves revisedText as version 2 (a draft) through the drafting
// path, which makes the real paragraph map.
func (re *resolutionEnv) revise() {
	re.t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	d := content.Drafts{DB: re.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	if _, err := d.Revise(ctx, "iot", 1, revisedText, "second"); err != nil {
		re.t.Fatal(err)
	}
}

// publish publishes the newest version, so that everyone may read it,
// once the consultation has closed (publishing waits for that). Sessions
// do not last the days skipped, so everyone signs in again.
func (re *resolutionEnv) publish() {
	re.t.Helper()
	re.advance(11 * 24 * time.Hour)
	if err := re.db.SetDocumentStatus(context.Background(), "iot", store.StatusPublished); err != nil {
		re.t.Fatal(err)
	}
	re.editor = re.signedIn("editor")
	re.stakeholder = re.signInAs("alice@example.org")
	re.pub = re.signedIn("")
}

func commentPath(m store.Comment) string { return "/consultations/round/comments/" + itoa(m.ID) }

func TestDispositionHTML(t *testing.T) {
	re := newResolutionEnv(t)
	path := commentPath(re.edited)

	// Before any later version, the form says there is none.
	d := doc(t, re.editor.get(path))
	if d.Find(`[data-testid="dispose-form"]`).Length() != 1 || d.Find(`[data-testid="no-later-version"]`).Length() != 1 {
		t.Fatalf("editor's page before version 2: want the disposition form saying no later version yet")
	}
	for _, who := range []struct {
		name string
		c    *client
	}{{"public", re.pub}, {"stakeholder", re.stakeholder}} {
		if n := doc(t, who.c.get(path)).Find(`[data-testid="answer-forms"]`).Length(); n != 0 {
			t.Errorf("%s sees %d answer forms, want none", who.name, n)
		}
	}
	re.revise()

	tests := []struct {
		name      string
		form      url.Values
		wantField string
	}{
		{"no rationale", url.Values{"disposition": {"accepted"}, "rationale": {" "}}, "rationale"},
		{"no disposition", url.Values{"rationale": {"Because."}}, "disposition"},
		{"version not later", url.Values{"disposition": {"accepted"}, "rationale": {"Because."}, "addressed": {"1:p2"}}, "addressed"},
		{"unknown paragraph", url.Values{"disposition": {"accepted"}, "rationale": {"Because."}, "addressed": {"2:p99"}}, "addressed"},
		{"two versions", url.Values{"disposition": {"accepted"}, "rationale": {"Because."}, "addressed": {"2:p2", "3:p2"}}, "addressed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := re.editor.post(path+"/disposition", tt.form)
			wantStatus(t, "dispose", w, http.StatusUnprocessableEntity)
			d := doc(t, w)
			if d.Find(`[data-testid="dispose-form"] [data-testid="error-summary"]`).Length() != 1 {
				t.Errorf("got no error summary in the disposition form")
			}
			if got := d.Find("#f-" + tt.wantField + "-error").Length(); got != 1 {
				t.Errorf("error on %s: got %d messages, want 1", tt.wantField, got)
			}
			if got, _ := d.Find("#f-rationale").Html(); strings.TrimSpace(tt.form.Get("rationale")) != "" && !strings.Contains(got, tt.form.Get("rationale")) {
				t.Errorf("rationale kept: got %q, want %q", got, tt.form.Get("rationale"))
			}
		})
	}
	if h, err := re.db.DispositionHistory(context.Background(), re.edited.ID); err != nil || len(h) != 0 {
		t.Fatalf("after refusals: got %d dispositions (%v), want none", len(h), err)
	}

	// Permissions: only editors, and only with the form token.
	wantStatus(t, "stakeholder disposes", re.stakeholder.post(path+"/disposition", url.Values{"disposition": {"noted"}, "rationale": {"x"}}), http.StatusForbidden)
	wantStatus(t, "anonymous disposes", re.pub.post(path+"/disposition", url.Values{"disposition": {"noted"}, "rationale": {"x"}}), http.StatusUnauthorized)
	noToken := *re.editor
	noToken.noCSRF = true
	wantStatus(t, "without CSRF", noToken.post(path+"/disposition", url.Values{"disposition": {"noted"}, "rationale": {"x"}}), http.StatusForbidden)

	// A disposition, then a revision addressed in version 2.
	wantStatus(t, "dispose", re.editor.post(path+"/disposition", url.Values{"disposition": {"noted"}, "rationale": {"We will *look* at it."}}), http.StatusSeeOther)
	w := re.editor.post(path+"/disposition", url.Values{"disposition": {"accepted"}, "rationale": {"Now **named**."}, "addressed": {"2:" + pidScope}})
	wantStatus(t, "revise", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, path) {
		t.Errorf("redirect: got %q, want the comment's page", loc)
	}

	link := "/documents/iot/diff?from=1&to=2#r-" + pidScope
	d = doc(t, re.editor.get(path))
	if got := d.Find(`[data-testid="disposition-label"]`).First().Text(); got != "Accepted" {
		t.Errorf("editor: disposition label got %q, want Accepted", got)
	}
	if got, _ := d.Find(`[data-testid="addressed-link"]`).Attr("href"); got != link {
		t.Errorf("editor: addressed link got %q, want %q", got, link)
	}
	if got := d.Find(`[data-testid="disposition-history"] [data-testid="disposition"]`).Length(); got != 1 {
		t.Errorf("editor: earlier answers got %d, want 1", got)
	}
	if v, _ := d.Find(`#f-disposition option[selected]`).Attr("value"); v != "accepted" {
		t.Errorf("editor: the form starts from the disposition: got %q, want accepted", v)
	}

	// Version 2 is a draft: the public reads the answer, not the link.
	for _, page := range []string{path, "/consultations/round/paragraphs/" + pidScope, "/consultations/round/comments"} {
		d := doc(t, re.pub.get(page))
		card := d.Find("#c-" + itoa(re.edited.ID))
		if !strings.Contains(card.Find(`[data-testid="rationale"]`).Text(), "Now named.") {
			t.Errorf("public %s: got rationale %q", page, card.Find(`[data-testid="rationale"]`).Text())
		}
		if card.Find(`[data-testid="addressed-link"]`).Length() != 0 || !strings.Contains(card.Find(`[data-testid="addressed"]`).Text(), "(not yet public)") {
			t.Errorf("public %s: got addressed %q, want the not-yet-public text and no link", page, card.Find(`[data-testid="addressed"]`).Text())
		}
		if card.Find(`[data-testid="disposition-history"]`).Length() != 0 {
			t.Errorf("public %s: the history of answers is for members", page)
		}
	}
	// The stakeholder's own list says the same.
	d = doc(t, re.stakeholder.get("/account/comments"))
	row := d.Find("#c-" + itoa(re.edited.ID))
	if !strings.Contains(row.Find(`[data-testid="my-comment-answer"]`).Text(), "Accepted") ||
		!strings.Contains(row.Find(`[data-testid="addressed"]`).Text(), "not yet public") {
		t.Errorf("my comments: got %q", row.Find(`[data-testid="my-comment-answer"]`).Text())
	}
	if got := d.Find("#c-" + itoa(re.kept.ID) + ` [data-testid="my-comment-answer"]`).Text(); !strings.Contains(got, "No answer yet") {
		t.Errorf("my comments, unanswered: got %q", got)
	}

	// Once version 2 is published, everyone gets the link.
	re.publish()
	for _, c := range []*client{re.pub, re.stakeholder} {
		if got, _ := doc(t, c.get(path)).Find(`[data-testid="addressed-link"]`).Attr("href"); got != link {
			t.Errorf("after publishing: addressed link got %q, want %q", got, link)
		}
	}
	if got, _ := doc(t, re.stakeholder.get("/account/comments")).Find(`[data-testid="addressed-link"]`).Attr("href"); got != link {
		t.Errorf("my comments after publishing: got %q, want %q", got, link)
	}
	// The diff page has the anchor the link points at.
	page, _, _ := strings.Cut(link, "#")
	if doc(t, re.pub.get(page)).Find("#r-"+pidScope).Length() != 1 {
		t.Errorf("diff page: no block #r-%s", pidScope)
	}
}

func TestCarriedAcrossVersions(t *testing.T) {
	re := newResolutionEnv(t)
	re.revise()
	carry := func(c *client, m store.Comment) (string, string) {
		card := doc(t, c.get(commentPath(m))).Find("#c-" + itoa(m.ID))
		href, _ := card.Find(`[data-testid="carry-link"]`).Attr("href")
		return strings.Join(strings.Fields(card.Find(`[data-testid="carry"]`).Text()), " "), href
	}
	tests := []struct {
		name     string
		m        store.Comment
		wantText string
		wantHref string
	}{
		{"edited", re.edited, "This paragraph changed in version 2", "/documents/iot/diff?from=1&to=2#r-" + pidScope},
		{"deleted", re.deleted, "This paragraph was removed in version 2", "/documents/iot/diff?from=1&to=2#r-" + pidSecure},
		{"kept", re.kept, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, href := carry(re.editor, tt.m)
			if !strings.HasPrefix(text, tt.wantText) || href != tt.wantHref || (tt.wantText == "") != (text == "") {
				t.Errorf("editor: got %q linking %q, want %q linking %q", text, href, tt.wantText, tt.wantHref)
			}
			// Version 2 is a draft: the public's newest version is 1.
			if text, _ := carry(re.pub, tt.m); text != "" {
				t.Errorf("public, draft version 2: got %q, want nothing", text)
			}
		})
	}
	re.publish()
	if text, href := carry(re.pub, re.deleted); !strings.HasPrefix(text, "This paragraph was removed in version 2") || href == "" {
		t.Errorf("public after publishing: got %q linking %q", text, href)
	}
	if text, _ := carry(re.stakeholder, re.edited); !strings.HasPrefix(text, "This paragraph changed in version 2") {
		t.Errorf("author after publishing: got %q", text)
	}
	if got := doc(t, re.stakeholder.get("/account/comments")).Find(`#c-` + itoa(re.deleted.ID) + ` [data-testid="carry"]`).Text(); !strings.Contains(got, "removed in version 2") {
		t.Errorf("my comments: got %q", got)
	}
}

func TestRepliesHTML(t *testing.T) {
	re := newResolutionEnv(t)
	path := commentPath(re.kept)
	w := re.editor.post(path+"/replies", url.Values{"reply": {""}})
	wantStatus(t, "empty reply", w, http.StatusUnprocessableEntity)
	if doc(t, w).Find(`[data-testid="reply-form"] #f-reply-error`).Length() != 1 {
		t.Errorf("empty reply: want an error on the reply field")
	}
	wantStatus(t, "stakeholder replies", re.stakeholder.post(path+"/replies", url.Values{"reply": {"Me too"}}), http.StatusForbidden)
	wantStatus(t, "reply", re.editor.post(path+"/replies", url.Values{"reply": {"Thank you, *noted*."}}), http.StatusSeeOther)

	for _, page := range []string{path, "/consultations/round/paragraphs/" + pidPassword} {
		reply := doc(t, re.pub.get(page)).Find("#c-" + itoa(re.kept.ID) + ` [data-testid="reply"]`)
		if got, want := reply.Find(`[data-testid="reply-author"]`).Text(), "Test editor, "+content.ShippedGroupName; got != want {
			t.Errorf("%s: reply author got %q, want %q", page, got, want)
		}
		if got, _ := reply.Find("em").Html(); got != "noted" {
			t.Errorf("%s: reply body got %q, want Markdown rendered", page, got)
		}
	}
	if got := doc(t, re.stakeholder.get("/account/comments")).Find("#c-" + itoa(re.kept.ID) + ` [data-testid="reply"]`).Length(); got != 1 {
		t.Errorf("my comments: got %d replies, want 1", got)
	}
}

func TestResolutionMessages(t *testing.T) {
	re := newResolutionEnv(t)
	re.revise()
	path := commentPath(re.edited)
	wantStatus(t, "reply", re.editor.post(path+"/replies", url.Values{"reply": {"Which devices do you mean?"}}), http.StatusSeeOther)
	wantStatus(t, "dispose", re.editor.post(path+"/disposition", url.Values{"disposition": {"accepted-in-part"},
		"rationale": {"Named the devices."}, "addressed": {"2:" + pidScope}}), http.StatusSeeOther)
	var got []store.Message
	for _, m := range outbox(t, re.db) {
		if m.Kind == "comment-reply" || m.Kind == "comment-disposition" {
			got = append(got, m)
		}
	}
	tests := []struct{ kind, subject, inBody string }{
		{"comment-reply", "A member replied to your comment", "Which devices do you mean?"},
		// Version 2 is still a draft: the message says so instead of
		// linking to a redline the commenter cannot open.
		{"comment-disposition", "The working group answered your comment: Accepted in part", "addressed in version 2, which is not public yet"},
	}
	if len(got) != len(tests) {
		t.Fatalf("outbox: got %d messages, want %d: %+v", len(got), len(tests), got)
	}
	for i, tt := range tests {
		m := got[i]
		if m.Kind != tt.kind || m.To != "alice@example.org" || !strings.HasPrefix(m.Subject, tt.subject) ||
			!strings.Contains(m.Body, tt.inBody) || !strings.Contains(m.Body, path) {
			t.Errorf("message %d: got %s to %s %q\n%s\nwant %s %q mentioning %q", i, m.Kind, m.To, m.Subject, m.Body, tt.kind, tt.subject, tt.inBody)
		}
	}
}

// commentResolutionJSON is the part of a comment's JSON this work adds.
type commentResolutionJSON struct {
	ID          int64          `json:"id"`
	Anchor      map[string]any `json:"anchor"`
	Current     map[string]any `json:"current"`
	Disposition *struct {
		Value         string `json:"value"`
		Label         string `json:"label"`
		Rationale     string `json:"rationale"`
		RationaleHTML string `json:"rationale_html"`
		AddressedIn   *struct {
			Version    int      `json:"version"`
			Paragraphs []string `json:"paragraphs"`
		} `json:"addressed_in"`
		By string `json:"by"`
		At string `json:"at"`
	} `json:"disposition"`
	Replies []map[string]any `json:"replies"`
}

func TestDispositionAPI(t *testing.T) {
	re := newResolutionEnv(t)
	re.revise()
	url := "/api/v1/comments/" + itoa(re.edited.ID) + "/disposition"
	good := `{"disposition":"accepted","rationale":"Named the *devices*.","addressed_in":{"version":2,"paragraphs":["` + pidScope + `"]}}`

	noToken := *re.editor
	noToken.noCSRF = true
	refusals := []struct {
		name   string
		c      *client
		body   string
		status int
		code   string
		field  string
	}{
		{"anonymous", re.client(), good, 401, "unauthorized", ""},
		{"stakeholder", re.stakeholder, good, 403, "forbidden", ""},
		{"no CSRF token", &noToken, good, 403, "", ""},
		{"no rationale", re.editor, `{"disposition":"accepted","rationale":"","addressed_in":null}`, 422, "invalid", "rationale"},
		{"unknown disposition", re.editor, `{"disposition":"maybe","rationale":"x","addressed_in":null}`, 422, "invalid", "disposition"},
		{"version not later", re.editor, `{"disposition":"accepted","rationale":"x","addressed_in":{"version":1,"paragraphs":["p2"]}}`, 422, "invalid", "addressed_in.version"},
		{"unknown paragraph", re.editor, `{"disposition":"accepted","rationale":"x","addressed_in":{"version":2,"paragraphs":["p99"]}}`, 422, "invalid", "addressed_in.paragraphs[0]"},
		{"second paragraph unknown", re.editor, `{"disposition":"accepted","rationale":"x","addressed_in":{"version":2,"paragraphs":["p2","zz"]}}`, 422, "invalid", "addressed_in.paragraphs[1]"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.c.json("PUT", url, tt.body)
			if tt.code == "" {
				wantStatus(t, tt.name, w, tt.status)
				return
			}
			wantError(t, tt.name, w, tt.status, tt.code, tt.field)
		})
	}

	wantStatus(t, "first", re.editor.json("PUT", url, `{"disposition":"noted","rationale":"We will look.","addressed_in":null}`), http.StatusOK)
	w := re.editor.json("PUT", url, good)
	wantStatus(t, "revision", w, http.StatusOK)
	var got commentResolutionJSON
	decode(t, w, &got)
	d := got.Disposition
	if got.ID != re.edited.ID || d == nil || d.Value != "accepted" || d.Label != "Accepted" || strings.TrimSpace(d.RationaleHTML) != "<p>Named the <em>devices</em>.</p>" ||
		d.AddressedIn == nil || d.AddressedIn.Version != 2 || len(d.AddressedIn.Paragraphs) != 1 || d.AddressedIn.Paragraphs[0] != pidScope || d.By != "Test editor" || d.At == "" {
		t.Errorf("PUT answer: got %+v", d)
	}

	// The history is public once given, oldest first.
	var hist struct {
		Items []struct {
			Value  string `json:"value"`
			Number int    `json:"number"`
		} `json:"items"`
		Total int `json:"total"`
	}
	w = re.client().get("/api/v1/comments/" + itoa(re.edited.ID) + "/dispositions")
	wantStatus(t, "history", w, http.StatusOK)
	decode(t, w, &hist)
	if hist.Total != 2 || len(hist.Items) != 2 || hist.Items[0].Value != "noted" || hist.Items[1].Value != "accepted" || hist.Items[1].Number != 2 {
		t.Errorf("history: got %+v", hist)
	}
	// Anyone reads the disposition with the comment.
	w = re.client().get("/api/v1/comments/" + itoa(re.edited.ID))
	decode(t, w, &got)
	if got.Disposition == nil || got.Disposition.Value != "accepted" {
		t.Errorf("public GET: got disposition %+v", got.Disposition)
	}
	w = re.client().get("/api/v1/comments/" + itoa(re.kept.ID))
	var raw map[string]any
	decode(t, w, &raw)
	if v, ok := raw["disposition"]; !ok || v != nil {
		t.Errorf("without a disposition: got %v, want null", raw["disposition"])
	}
}

func TestRepliesAPI(t *testing.T) {
	re := newResolutionEnv(t)
	url := "/api/v1/comments/" + itoa(re.kept.ID) + "/replies"
	wantError(t, "anonymous", re.client().json("POST", url, `{"body":"x"}`), 401, "unauthorized", "")
	wantError(t, "stakeholder", re.stakeholder.json("POST", url, `{"body":"x"}`), 403, "forbidden", "")
	wantError(t, "empty", re.editor.json("POST", url, `{"body":" "}`), 422, "invalid", "body")
	w := re.editor.json("POST", url, `{"body":"Thank you, **noted**."}`)
	wantStatus(t, "reply", w, http.StatusCreated)
	if got, want := w.Header().Get("Location"), commentPath(re.kept); got != want {
		t.Errorf("Location: got %q, want %q", got, want)
	}
	var out struct {
		Reply map[string]any `json:"reply"`
	}
	decode(t, w, &out)
	r := out.Reply
	if r["id"] == nil || r["author"] != "Test editor" || r["group"] != content.ShippedGroupName || r["body"] != "Thank you, **noted**." ||
		!strings.Contains(fmt.Sprint(r["body_html"]), "<strong>noted</strong>") || r["created_at"] == nil {
		t.Errorf("reply: got %v", r)
	}
	var got commentResolutionJSON
	decode(t, re.client().get("/api/v1/comments/"+itoa(re.kept.ID)), &got)
	if len(got.Replies) != 1 || got.Replies[0]["author"] != "Test editor" {
		t.Errorf("comment's replies: got %v", got.Replies)
	}
}

func TestCurrentJSON(t *testing.T) {
	re := newResolutionEnv(t)
	re.revise()
	read := func(c *client, m store.Comment) commentResolutionJSON {
		t.Helper()
		var out commentResolutionJSON
		w := c.get("/api/v1/comments/" + itoa(m.ID))
		wantStatus(t, "GET comment", w, http.StatusOK)
		decode(t, w, &out)
		return out
	}
	tests := []struct {
		name        string
		c           *client
		m           store.Comment
		wantCurrent map[string]any
	}{
		{"edited, editor", re.editor, re.edited, map[string]any{"version": 2.0, "paragraph": pidScope, "section": "1", "relation": "edited"}},
		{"deleted, editor", re.editor, re.deleted, map[string]any{"version": 2.0, "paragraph": nil, "section": "", "relation": "deleted"}},
		{"kept, editor", re.editor, re.kept, map[string]any{"version": 2.0, "paragraph": pidPassword, "section": "2.1", "relation": "kept"}},
		// Version 2 is a draft: the public's newest version is 1.
		{"deleted, public", re.client(), re.deleted, map[string]any{"version": 1.0, "paragraph": pidSecure, "section": "2", "relation": "kept"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := read(tt.c, tt.m)
			if got.Anchor["version"] != 1.0 || got.Anchor["paragraph"] != tt.m.Paragraph || got.Anchor["section"] != tt.m.Section {
				t.Errorf("anchor: got %v, want version 1, %s", got.Anchor, tt.m.Paragraph)
			}
			if !cmp.Equal(got.Current, tt.wantCurrent) {
				t.Errorf("current: got %v, want %v", got.Current, tt.wantCurrent)
			}
		})
	}
	// Lists carry the same.
	var list struct {
		Items []commentResolutionJSON `json:"items"`
	}
	decode(t, re.editor.get("/api/v1/consultations/round/comments"), &list)
	for _, it := range list.Items {
		if it.ID == re.deleted.ID && it.Current["relation"] != "deleted" {
			t.Errorf("list: deleted comment's current got %v", it.Current)
		}
	}
}
