package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// commentEnv is a server with a consulted document, a consultation that
// opens a day after the test's start and closes ten days later, and
// stakeholders with complete profiles.
type commentEnv struct {
	*env
	slug   string
	opens  time.Time
	closes time.Time
}

// Paragraph ids of the consulted version: p1 and p3 are headings.
const (
	pidHeading = "p1"
	pidOne     = "p2"
	pidTwo     = "p4"
)

func newCommentEnv(t *testing.T, moderation string, lim web.CommentLimits) *commentEnv {
	t.Helper()
	e := newEnv(t)
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Comments: lim})
	ctx := context.Background()
	v := store.NewVersion{Source: "## Scope\n\nDevices must be updatable.\n\n## Rules\n\nVendors publish a support period.", HTML: "<p>x</p>",
		NextParagraph: 5, Paragraphs: []store.Paragraph{
			{ID: "p1", Section: "1", Kind: "heading", Text: "Scope", HTML: "<h2>Scope</h2>"},
			{ID: "p2", Section: "1", Ordinal: 1, Kind: "paragraph", Text: "Devices must be updatable.", HTML: "<p>Devices must be updatable.</p>", Position: 1},
			{ID: "p3", Section: "2", Kind: "heading", Text: "Rules", HTML: "<h2>Rules</h2>", Position: 2},
			{ID: "p4", Section: "2", Ordinal: 1, Kind: "paragraph", Text: "Vendors publish a support period.", HTML: "<p>Vendors publish a support period.</p>", Position: 3},
		}}
	if _, err := e.db.CreateDocument(ctx, store.Document{Slug: "iot-doc", Title: "IoT recommendations"}, v); err != nil {
		t.Fatal(err)
	}
	ce := &commentEnv{env: e, slug: "iot-2026", opens: e.now.Add(24 * time.Hour), closes: e.now.Add(11 * 24 * time.Hour)}
	if _, err := e.db.CreateConsultation(ctx, store.Consultation{Slug: ce.slug, Title: "IoT consultation", Document: "iot-doc", Version: 1,
		OpensAt: ce.opens, ClosesAt: ce.closes, Timezone: "Europe/Paris", Moderation: moderation,
		Questions: []store.Question{{Text: "Is the scope right?"}}}); err != nil {
		t.Fatal(err)
	}
	return ce
}

// open moves the clock into the consultation's window.
func (ce *commentEnv) open() { ce.advance(ce.opens.Sub(ce.clock()) + time.Hour) }

// person adds a stakeholder with the given profile and signs them in.
func (ce *commentEnv) person(email, name, org string, consent bool) (*client, store.User) {
	ce.t.Helper()
	hash, err := store.HashPassword(testPassword)
	if err != nil {
		ce.t.Fatal(err)
	}
	u, err := ce.db.CreateUser(context.Background(), store.User{Email: email, Name: name, Organisation: org, Role: "stakeholder",
		StakeholderGroup: "civil-society", Country: "KE", ConsentPublish: consent}, hash)
	if err != nil {
		ce.t.Fatal(err)
	}
	return ce.signIn(email), u
}

// signIn signs a person in anew: sessions expire when the test moves the
// clock by days.
func (ce *commentEnv) signIn(email string) *client {
	ce.t.Helper()
	c := ce.client()
	c.get("/login")
	w := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if w.Code != http.StatusSeeOther {
		ce.t.Fatalf("sign in as %s: got %d, want 303", email, w.Code)
	}
	return c
}

func (ce *commentEnv) paragraphURL(pid string) string {
	return "/consultations/" + ce.slug + "/paragraphs/" + pid
}

// comment posts the paragraph comment form.
func (ce *commentEnv) comment(c *client, pid, body string, extra url.Values) *httptest.ResponseRecorder {
	form := url.Values{"type": {"technical"}, "body": {body}}
	for k, v := range extra {
		form[k] = v
	}
	return c.post(ce.paragraphURL(pid), form)
}

// stored counts the consultation's comments in every state.
func (ce *commentEnv) stored() int {
	ce.t.Helper()
	l, err := ce.db.Comments(context.Background(), store.CommentFilter{Consultation: ce.slug,
		States: []string{store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentWithdrawn}})
	if err != nil {
		ce.t.Fatal(err)
	}
	return l.Total
}

// lastComment is the newest comment of the consultation.
func (ce *commentEnv) lastComment() store.Comment {
	ce.t.Helper()
	l, err := ce.db.Comments(context.Background(), store.CommentFilter{Consultation: ce.slug, Sort: "newest",
		States: []string{store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentWithdrawn}})
	if err != nil || len(l.Items) == 0 {
		ce.t.Fatalf("no comment stored (%v)", err)
	}
	return l.Items[0]
}

func TestCommentWindow(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
	alice, _ := ce.person("alice@example.org", "Alice Achieng", "Open Kenya", true)
	body := "Say which updates count as security updates."

	w := ce.comment(alice, pidOne, body, nil)
	wantStatus(t, "before the opening", w, http.StatusConflict)
	if !strings.Contains(w.Body.String(), body) || !strings.Contains(w.Body.String(), "opens") {
		t.Errorf("before the opening: the page does not keep the text or say when it opens: %s", w.Body)
	}
	if strings.Contains(w.Body.String(), "Devices must be updatable") {
		t.Error("before the opening: the page shows the text of a version that is not public yet")
	}
	if n := ce.stored(); n != 0 {
		t.Fatalf("before the opening: got %d comments stored, want 0", n)
	}

	ce.open()
	alice = ce.signIn("alice@example.org")
	w = ce.comment(alice, pidOne, body, url.Values{"proposed_text": {"Devices must receive security updates."}})
	wantStatus(t, "while open", w, http.StatusSeeOther)
	m := ce.lastComment()
	if got, want := w.Header().Get("Location"), ce.paragraphURL(pidOne)+"#c-"+itoa(m.ID); got != want {
		t.Errorf("while open: got Location %q, want %q", got, want)
	}
	if m.Body != body || m.Proposed != "Devices must receive security updates." || m.State != store.CommentApproved {
		t.Errorf("while open: got %+v", m)
	}
	page := alice.get(ce.paragraphURL(pidOne))
	if !strings.Contains(page.Body.String(), "Thank you: your comment is published") {
		t.Error("while open: no confirmation after the redirect")
	}
	if doc(t, page).Find("#c-"+itoa(m.ID)).Length() != 1 {
		t.Error("while open: the comment is not on its paragraph's page")
	}

	ce.advance(ce.closes.Sub(ce.clock()) + time.Minute)
	alice = ce.signIn("alice@example.org")
	w = ce.comment(alice, pidOne, "Too late.", nil)
	wantStatus(t, "after the close", w, http.StatusConflict)
	if !strings.Contains(w.Body.String(), "Too late.") || !strings.Contains(w.Body.String(), "closed on") {
		t.Errorf("after the close: the page does not keep the text or say it closed: %s", w.Body)
	}
	if n := ce.stored(); n != 1 {
		t.Fatalf("after the close: got %d comments stored, want 1", n)
	}

	later := ce.clock().Add(7 * 24 * time.Hour)
	if _, err := ce.db.UpdateConsultation(context.Background(), ce.slug, store.ConsultationPatch{ClosesAt: &later}); err != nil {
		t.Fatal(err)
	}
	alice = ce.signIn("alice@example.org")
	w = ce.comment(alice, pidOne, "After the extension.", nil)
	wantStatus(t, "after the extension", w, http.StatusSeeOther)
	if n := ce.stored(); n != 2 {
		t.Errorf("after the extension: got %d comments stored, want 2", n)
	}
}

func TestCommentParagraphPage(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
	anon := ce.client()
	editor := ce.signedIn("editor")
	tests := []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"upcoming, to the public", anon, ce.paragraphURL(pidOne), http.StatusNotFound},
		{"upcoming, to an editor", editor, ce.paragraphURL(pidOne), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantStatus(t, tt.path, tt.c.get(tt.path), tt.status) })
	}
	ce.open()
	tests = []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"open, to the public", anon, ce.paragraphURL(pidOne), http.StatusOK},
		{"a heading", anon, ce.paragraphURL(pidHeading), http.StatusNotFound},
		{"an unknown paragraph", anon, ce.paragraphURL("p99"), http.StatusNotFound},
		{"an unknown consultation", anon, "/consultations/nope/paragraphs/p2", http.StatusNotFound},
		{"an unknown question", anon, "/consultations/" + ce.slug + "/comment?question=9", http.StatusNotFound},
		{"a guiding question", anon, "/consultations/" + ce.slug + "/comment?question=1", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantStatus(t, tt.path, tt.c.get(tt.path), tt.status) })
	}

	d := doc(t, anon.get(ce.paragraphURL(pidOne)))
	if got := d.Find("h1").Text(); got != "1 ¶1" {
		t.Errorf("got heading %q, want 1 ¶1", got)
	}
	if !strings.Contains(d.Find(".lede").Text(), "1 Scope") {
		t.Errorf("got section %q, want 1 Scope", d.Find(".lede").Text())
	}
	if href, _ := d.Find(`a[rel="next"]`).Attr("href"); href != ce.paragraphURL(pidTwo) {
		t.Errorf("got next link %q, want %q", href, ce.paragraphURL(pidTwo))
	}
	if d.Find(`a[href="/consultations/`+ce.slug+`#p-`+pidOne+`"]`).Length() != 1 {
		t.Error("no link back to the paragraph on the consultation's page")
	}
	signin := d.Find(`[data-testid="comment-signin"]`)
	if href, _ := signin.Find("a").First().Attr("href"); href != "/login?next="+url.QueryEscape(ce.paragraphURL(pidOne)) {
		t.Errorf("signed out: got sign-in link %q", href)
	}
	if d.Find(`textarea[name="body"]`).Length() != 0 {
		t.Error("signed out: the form shows")
	}
	if href, _ := signin.Find("a").Eq(1).Attr("href"); href != "/register?next="+url.QueryEscape(ce.paragraphURL(pidOne)) {
		t.Errorf("signed out: got register link %q, want one that comes back here", href)
	}
	// Someone sent straight to the form (#comment-form) sees the text
	// they comment on at its top.
	carol, _ := ce.person("carol@example.org", "Carol Chebet", "", false)
	quoted := doc(t, carol.get(ce.paragraphURL(pidOne))).Find(`#comment-form [data-testid="form-paragraph"] blockquote`).Text()
	if quoted == "" || !strings.Contains(d.Find(`[data-testid="paragraph"]`).Text(), strings.TrimSpace(quoted)) {
		t.Errorf("the form quotes %q, want the paragraph", quoted)
	}

	q := doc(t, anon.get("/consultations/"+ce.slug+"/comment?question=1"))
	if !strings.Contains(q.Find(`[data-testid="question"]`).Text(), "Is the scope right?") {
		t.Error("the question's form does not show the question")
	}
}

func TestCommentOnQuestionAndDocument(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPre, web.CommentLimits{})
	ce.open()
	alice, _ := ce.person("alice@example.org", "Alice", "", false)
	w := alice.post("/consultations/"+ce.slug+"/comment?question=1", url.Values{"type": {"general"}, "body": {"Yes."}})
	wantStatus(t, "question comment", w, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != "/consultations/"+ce.slug+"#q-1" {
		t.Errorf("got Location %q, want the question on the consultation page", got)
	}
	if m := ce.lastComment(); m.Question != 1 || m.State != store.CommentPending || m.Display != store.DisplayAnonymous {
		t.Errorf("got %+v, want a pending anonymous comment on question 1", m)
	}
	if !strings.Contains(alice.get("/account/comments").Body.String(), "will appear once a moderator approves it") {
		t.Error("no pre-moderation confirmation")
	}
	w = alice.post("/consultations/"+ce.slug+"/comment", url.Values{"type": {"general"}, "body": {"On the whole."},
		"proposed_text": {"A proposal needs a paragraph."}})
	wantStatus(t, "a proposal without a paragraph", w, http.StatusUnprocessableEntity)
	if doc(t, w).Find(`#error-summary a[href="#f-proposed-text"]`).Length() == 0 {
		// The whole-document form has no proposal field: the error is said
		// above the form instead.
		if !strings.Contains(w.Body.String(), "Proposed text replaces a paragraph") {
			t.Errorf("the refusal does not say why: %s", w.Body)
		}
	}
}

func TestCommentFormRefusals(t *testing.T) {
	t.Run("incomplete profile", func(t *testing.T) {
		ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
		ce.open()
		c := ce.signedIn("stakeholder") // a name only
		d := doc(t, c.get(ce.paragraphURL(pidOne)))
		if d.Find(`textarea[name="body"]`).Length() != 0 {
			t.Error("the form shows to an incomplete profile")
		}
		if d.Find(`[data-testid="comment-profile"] a[href^="/account"]`).Length() != 1 {
			t.Error("no link to complete the profile")
		}
		w := ce.comment(c, pidOne, "Hello", nil)
		wantStatus(t, "post with an incomplete profile", w, http.StatusUnprocessableEntity)
		if ce.stored() != 0 {
			t.Error("a comment of an incomplete profile was stored")
		}
	})
	t.Run("honeypot", func(t *testing.T) {
		ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
		ce.open()
		c, _ := ce.person("a@example.org", "A", "", true)
		d := doc(t, c.get(ce.paragraphURL(pidOne)))
		pot := d.Find(`input[name="website"]`)
		if tab, _ := pot.Attr("tabindex"); tab != "-1" || pot.Closest(`[aria-hidden="true"]`).Length() != 1 {
			t.Error("the honeypot is not hidden from people")
		}
		w := ce.comment(c, pidOne, "Buy now", url.Values{"website": {"http://spam.example"}})
		wantStatus(t, "honeypot", w, http.StatusUnprocessableEntity)
		if !strings.Contains(w.Body.String(), "Buy now") || ce.stored() != 0 {
			t.Error("honeypot: text not kept, or the comment stored")
		}
	})
	t.Run("too fast", func(t *testing.T) {
		ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{MinFormTime: 3 * time.Second})
		ce.open()
		c, _ := ce.person("a@example.org", "A", "", true)
		tok, _ := doc(t, c.get(ce.paragraphURL(pidOne))).Find(`input[name="form_time"]`).Attr("value")
		w := ce.comment(c, pidOne, "Typed at machine speed", url.Values{"form_time": {tok}})
		wantStatus(t, "too fast", w, http.StatusUnprocessableEntity)
		if !strings.Contains(w.Body.String(), "faster than a person can type") || !strings.Contains(w.Body.String(), "Typed at machine speed") {
			t.Errorf("too fast: no message or text lost: %s", w.Body)
		}
		w = ce.comment(c, pidOne, "Forged", url.Values{"form_time": {"1.bad"}})
		wantStatus(t, "bad signature", w, http.StatusUnprocessableEntity)
		fresh, _ := doc(t, ce.comment(c, pidOne, "again", url.Values{"form_time": {tok}})).Find(`input[name="form_time"]`).Attr("value")
		ce.advance(5 * time.Second)
		w = ce.comment(c, pidOne, "Typed by a person", url.Values{"form_time": {fresh}})
		wantStatus(t, "after five seconds", w, http.StatusSeeOther)
		if n := ce.stored(); n != 1 {
			t.Errorf("got %d stored, want 1", n)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{PerAccount: 1})
		ce.open()
		c, _ := ce.person("a@example.org", "A", "", true)
		wantStatus(t, "first", ce.comment(c, pidOne, "First", nil), http.StatusSeeOther)
		w := ce.comment(c, pidOne, "Second within the hour", nil)
		wantStatus(t, "second", w, http.StatusTooManyRequests)
		if w.Header().Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		if doc(t, w).Find(`textarea[name="body"]`).Text() != "Second within the hour" {
			t.Error("the text is not kept in the form")
		}
	})
	t.Run("body too long", func(t *testing.T) {
		ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
		ce.open()
		c, _ := ce.person("a@example.org", "A", "", true)
		w := ce.comment(c, pidOne, strings.Repeat("a", 10001), nil)
		wantStatus(t, "long body", w, http.StatusUnprocessableEntity)
		if doc(t, w).Find(`#error-summary a[href="#f-body"]`).Length() != 1 {
			t.Error("the error summary does not name the body")
		}
	})
	t.Run("no CSRF token", func(t *testing.T) {
		ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
		ce.open()
		c, _ := ce.person("a@example.org", "A", "", true)
		c.noCSRF = true
		wantStatus(t, "no CSRF", ce.comment(c, pidOne, "Forged", nil), http.StatusForbidden)
		if ce.stored() != 0 {
			t.Error("a comment without a CSRF token was stored")
		}
	})
}

func TestCommentEditWithdraw(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPre, web.CommentLimits{})
	ce.open()
	alice, _ := ce.person("alice@example.org", "Alice", "", true)
	bob, _ := ce.person("bob@example.org", "Bob", "", true)
	wantStatus(t, "comment", ce.comment(alice, pidOne, "Original text", nil), http.StatusSeeOther)
	m := ce.lastComment()
	base := "/consultations/" + ce.slug + "/comments/" + itoa(m.ID)

	for _, tt := range []struct {
		name, method, path string
	}{
		{"edit form", http.MethodGet, base + "/edit"},
		{"edit", http.MethodPost, base + "/edit"},
		{"withdraw form", http.MethodGet, base + "/withdraw"},
		{"withdraw", http.MethodPost, base + "/withdraw"},
	} {
		t.Run("someone else's: "+tt.name, func(t *testing.T) {
			var w = bob.get(tt.path)
			if tt.method == http.MethodPost {
				w = bob.post(tt.path, url.Values{"type": {"general"}, "body": {"Hijacked"}})
			}
			wantStatus(t, tt.path, w, http.StatusNotFound)
		})
	}
	if got := ce.lastComment(); got.Body != "Original text" || got.State != store.CommentPending {
		t.Fatalf("someone else changed the comment: %+v", got)
	}

	d := doc(t, alice.get(base+"/edit"))
	if d.Find(`textarea[name="body"]`).Text() != "Original text" || !strings.Contains(d.Text(), "goes back to the moderators") {
		t.Error("the edit form is not prefilled or does not warn about moderation")
	}
	w := alice.post(base+"/edit", url.Values{"type": {"editorial"}, "body": {"Better text"}, "display": {"anonymous"}})
	wantStatus(t, "edit", w, http.StatusSeeOther)
	if got := ce.lastComment(); got.Body != "Better text" || got.Display != store.DisplayAnonymous || got.EditedAt.IsZero() {
		t.Errorf("got %+v after the edit", got)
	}

	mine := doc(t, alice.get("/account/comments"))
	if !strings.Contains(mine.Find(`[data-testid="my-comment-state"]`).Text(), "Waiting for moderation") {
		t.Errorf("got state %q, want waiting", mine.Find(`[data-testid="my-comment-state"]`).Text())
	}
	if mine.Find(`a[href="`+base+`/withdraw"]`).Length() != 1 {
		t.Error("no withdraw link while open")
	}
	wantStatus(t, "withdraw form", alice.get(base+"/withdraw"), http.StatusOK)
	w = alice.post(base+"/withdraw", nil)
	wantStatus(t, "withdraw", w, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != "/account/comments" {
		t.Errorf("got Location %q, want /account/comments", got)
	}
	if got := ce.lastComment(); got.State != store.CommentWithdrawn {
		t.Errorf("got state %s, want withdrawn", got.State)
	}
	mine = doc(t, alice.get("/account/comments"))
	if !strings.Contains(mine.Text(), "Your comment is withdrawn") || !strings.Contains(mine.Text(), "Withdrawn by its author") {
		t.Error("no confirmation or state after withdrawing")
	}
	if mine.Find(`a[href="`+base+`/edit"]`).Length() != 0 {
		t.Error("a withdrawn comment offers an edit link")
	}
	if !strings.Contains(alice.get("/account").Body.String(), `href="/account/comments"`) {
		t.Error("/account does not link to /account/comments")
	}
}

func TestCommentFlag(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
	ce.open()
	alice, _ := ce.person("alice@example.org", "Alice", "", true)
	bob, _ := ce.person("bob@example.org", "Bob", "", true)
	wantStatus(t, "comment", ce.comment(alice, pidOne, "Flag me", nil), http.StatusSeeOther)
	m := ce.lastComment()
	flag := "/consultations/" + ce.slug + "/comments/" + itoa(m.ID) + "/flag"

	wantStatus(t, "bad reason", bob.post(flag, url.Values{"reason": {"boring"}}), http.StatusUnprocessableEntity)
	w := bob.post(flag, url.Values{"reason": {"off-topic"}, "note": {"Not about this paragraph"}})
	wantStatus(t, "flag", w, http.StatusSeeOther)
	if got, want := w.Header().Get("Location"), ce.paragraphURL(pidOne)+"#c-"+itoa(m.ID); got != want {
		t.Errorf("got Location %q, want %q", got, want)
	}
	if !strings.Contains(bob.get(ce.paragraphURL(pidOne)).Body.String(), "the moderators will look at this comment") {
		t.Error("no thanks after flagging")
	}
	w = bob.post(flag, url.Values{"reason": {"spam"}})
	wantStatus(t, "second flag", w, http.StatusSeeOther)
	if !strings.Contains(bob.get(ce.paragraphURL(pidOne)).Body.String(), "already reported") {
		t.Error("the second flag does not say it was already reported")
	}
	anon := ce.signedIn("")
	if w := anon.post(flag, url.Values{"reason": {"spam"}}); w.Code != http.StatusUnauthorized {
		t.Errorf("flag signed out: got %d, want 401", w.Code)
	}
}

func TestCommentEditAfterClose(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
	ce.open()
	alice, _ := ce.person("alice@example.org", "Alice", "", true)
	wantStatus(t, "comment", ce.comment(alice, pidOne, "Before the close", nil), http.StatusSeeOther)
	m := ce.lastComment()
	ce.advance(ce.closes.Sub(ce.clock()) + time.Minute)
	alice = ce.signIn("alice@example.org")
	edit := "/consultations/" + ce.slug + "/comments/" + itoa(m.ID) + "/edit"
	w := alice.post(edit, url.Values{"type": {"general"}, "body": {"After the close"}})
	wantStatus(t, "edit after the close", w, http.StatusConflict)
	if !strings.Contains(w.Body.String(), "After the close") || !strings.Contains(w.Body.String(), "closed on") {
		t.Errorf("the refusal does not keep the text or say it closed: %s", w.Body)
	}
	if got := ce.lastComment(); got.Body != "Before the close" {
		t.Errorf("got body %q after a refused edit", got.Body)
	}
	d := doc(t, alice.get("/account/comments"))
	if d.Find(`a[href$="/edit"]`).Length() != 0 || d.Find(`a[href$="/withdraw"]`).Length() != 0 {
		t.Error("a closed consultation's comment offers edit or withdraw links")
	}
	if d.Find(`#c-`+itoa(m.ID)+` a[href="/consultations/`+ce.slug+`/comments/`+itoa(m.ID)+`"]`).Length() != 1 {
		t.Error("no link to the comment's permalink")
	}
}

// TestCommentOnNoParagraphKeepsTheText: a comment sent to the address of a
// heading or of no paragraph at all is refused with 422 naming the
// paragraph, and the text comes back in the form.
func TestCommentOnNoParagraphKeepsTheText(t *testing.T) {
	for _, pid := range []string{pidHeading, "zz9"} {
		t.Run(pid, func(t *testing.T) {
			ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
			ce.open()
			c, _ := ce.person("keeper@example.org", "Kim Keeper", "", true)
			w := ce.comment(c, pid, "A long text I do not want to lose.", nil)
			wantStatus(t, "comment on "+pid, w, http.StatusUnprocessableEntity)
			if !strings.Contains(w.Body.String(), "A long text I do not want to lose.") {
				t.Errorf("the refused form lost the text")
			}
			if ce.stored() != 0 {
				t.Errorf("a refused comment was stored")
			}
		})
	}
}
