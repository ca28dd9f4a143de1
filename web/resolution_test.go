package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
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

// publish publishes the newest version, so that everyone may read it.
func (re *resolutionEnv) publish() {
	re.t.Helper()
	if err := re.db.SetDocumentStatus(context.Background(), "iot", store.StatusPublished); err != nil {
		re.t.Fatal(err)
	}
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
		{"comment-disposition", "The working group answered your comment: Accepted in part", "/documents/iot/diff?from=1&to=2#r-" + pidScope},
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
