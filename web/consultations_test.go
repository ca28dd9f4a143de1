package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// consultedText is a small document: two sections, one with a
// sub-section, and a list.
const consultedText = `## 1 Scope

This recommendation covers consumer IoT devices.

## 2 Rules

Devices must be secure by default.

### 2.1 Passwords

Devices must not ship with a universal default password.

- Each device gets a unique password.
`

// addDocument saves a draft document with consultedText as version 1.
func (e *env) addDocument(slug string) store.Version {
	e.t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	d := content.Drafts{DB: e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	if _, err := d.Create(ctx, store.Document{Slug: slug, Title: "Title of " + slug}, consultedText, "first"); err != nil {
		e.t.Fatal(err)
	}
	v, err := e.db.Version(ctx, slug, 1)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// addConsultation opens a consultation on version 1 of document, from
// opens to closes after the test clock's now.
func (e *env) addConsultation(slug, document string, opens, closes time.Duration, moderation string) store.Consultation {
	e.t.Helper()
	now := e.clock()
	c, err := e.db.CreateConsultation(context.Background(), store.Consultation{Slug: slug, Title: "Consultation " + slug,
		Document: document, Version: 1, OpensAt: now.Add(opens), ClosesAt: now.Add(closes), Timezone: "Europe/Paris",
		Moderation: moderation, Introduction: "Tell us *everything*.", IntroductionHTML: "<p>Tell us <em>everything</em>.</p>",
		Questions: []store.Question{{Text: "Is the scope right?", Section: "1"}, {Text: "What is missing?"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// commenter adds an account with a complete profile; it acts through the
// returned context and signs in with its email and testPassword.
func (e *env) commenter(email, name, org, group, country string, consent bool) (store.User, context.Context) {
	e.t.Helper()
	hash, err := store.HashPassword(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.db.CreateUser(context.Background(), store.User{Email: email, Name: name, Organisation: org,
		StakeholderGroup: group, Country: country, Role: "stakeholder", ConsentPublish: consent}, hash)
	if err != nil {
		e.t.Fatal(err)
	}
	return u, store.WithActor(context.Background(), store.Actor{UserID: u.ID, Email: u.Email})
}

// signInAs is a client signed in with an account made by commenter.
func (e *env) signInAs(email string) *client {
	e.t.Helper()
	c := e.client()
	c.get("/login")
	if w := c.post("/login", url.Values{"email": {email}, "password": {testPassword}}); w.Code != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: got %d, want 303", email, w.Code)
	}
	return c
}

func (e *env) comment(ctx context.Context, n store.NewComment) store.Comment {
	e.t.Helper()
	html, err := content.NewMarkdown().RenderComment(n.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	n.BodyHTML = string(html)
	m, err := e.db.CreateComment(ctx, n, store.Limits{}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *env) moderate(id int64, action string) {
	e.t.Helper()
	if _, err := e.db.ModerateComment(context.Background(), id, action, "spam", "Looks like an advert", nil); err != nil {
		e.t.Fatal(err)
	}
}

// commentable lists the ids of version v's non-heading blocks.
func commentable(v store.Version) []store.Paragraph {
	var out []store.Paragraph
	for _, p := range v.Paragraphs {
		if p.Kind != "heading" {
			out = append(out, p)
		}
	}
	return out
}

func slugsIn(d *goquery.Document, sel string) []string {
	var out []string
	d.Find(sel + ` [data-testid="consultation"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-slug", ""))
	})
	return out
}

func TestConsultationList(t *testing.T) {
	e := newEnv(t)
	empty := doc(t, e.client().get("/consultations"))
	if empty.Find(`[data-testid="empty"]`).Length() != 1 {
		t.Errorf("no consultation: got no empty-state text")
	}
	for _, d := range []string{"doc-a", "doc-b", "doc-c", "doc-d"} {
		e.addDocument(d)
	}
	day := 24 * time.Hour
	e.addConsultation("closed-one", "doc-a", -20*day, -10*day, store.ModerationPost)
	e.addConsultation("open-one", "doc-b", -day, 12*day+time.Hour, store.ModerationPost)
	e.addConsultation("upcoming-one", "doc-c", 5*day, 30*day, store.ModerationPre)
	e.addConsultation("open-two", "doc-d", -2*day, 3*day, store.ModerationPre)

	w := e.signedIn("editor").get("/consultations")
	wantStatus(t, "list as editor", w, http.StatusOK)
	if cc := w.Header().Get("Cache-Control"); strings.Contains(cc, "public") {
		t.Errorf("Cache-Control: got %q, want no public caching", cc)
	}
	d := doc(t, w)
	tests := []struct {
		section string
		want    []string
	}{
		{"open", []string{"open-two", "open-one"}},
		{"upcoming", []string{"upcoming-one"}},
		{"closed", []string{"closed-one"}},
	}
	for _, tt := range tests {
		t.Run(tt.section, func(t *testing.T) {
			if got := slugsIn(d, `[data-testid="`+tt.section+`"]`); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	var order []string
	d.Find("h2").Each(func(_ int, s *goquery.Selection) { order = append(order, s.AttrOr("id", "")) })
	if got := strings.Join(order, ","); got != "open,upcoming,closed" {
		t.Errorf("sections: got %s, want open,upcoming,closed", got)
	}
	if got := d.Find(`[data-slug="open-one"] [data-testid="when"]`).Text(); !strings.Contains(got, "12 days left") {
		t.Errorf("open-one: got %q, want 12 days left", got)
	}
	if got := d.Find(`[data-slug="upcoming-one"] [data-testid="when"]`).Text(); got != "Opens 6 March 2026" {
		t.Errorf("upcoming-one: got %q, want Opens 6 March 2026", got)
	}
	if d.Find(`a[href="/consultations/new"]`).Length() != 1 {
		t.Errorf("editor: got no link to open a consultation")
	}

	// The public sees an upcoming consultation announced, without a link
	// to its text (a draft until it opens), and not the editors' link.
	pub := doc(t, e.client().get("/consultations"))
	if got := slugsIn(pub, "main"); strings.Join(got, ",") != "open-two,open-one,upcoming-one,closed-one" {
		t.Errorf("public: got %v, want open-two,open-one,upcoming-one,closed-one", got)
	}
	if up := pub.Find(`[data-testid="upcoming"] li[data-slug="upcoming-one"]`); up.Length() != 1 || up.Find(`a[href^="/documents/"]`).Length() != 0 {
		t.Errorf("public: the upcoming consultation is not listed, or links to its draft text")
	}
	if pub.Find(`a[href="/consultations/new"]`).Length() != 0 {
		t.Errorf("public: got a link to open a consultation")
	}

	// Less than a day left is said in hours.
	e.advance(2*day + 20*time.Hour)
	d = doc(t, e.client().get("/consultations"))
	if got := d.Find(`[data-slug="open-two"] [data-testid="when"]`).Text(); !strings.HasPrefix(got, "4 hours left") {
		t.Errorf("open-two: got %q, want 4 hours left", got)
	}
}

func TestConsultationForm(t *testing.T) {
	e := newEnv(t)
	e.addDocument("doc-a")
	editor := e.signedIn("editor")

	t.Run("access", func(t *testing.T) {
		w := e.client().get("/consultations/new")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Errorf("anonymous: got %d to %q, want 303 to /login", w.Code, w.Header().Get("Location"))
		}
		wantStatus(t, "stakeholder GET", e.signedIn("stakeholder").get("/consultations/new"), http.StatusForbidden)
		wantStatus(t, "stakeholder POST", e.signedIn("stakeholder").post("/consultations/new", url.Values{"slug": {"x"}}), http.StatusForbidden)
		nc := e.signedIn("editor")
		nc.noCSRF = true
		wantStatus(t, "no CSRF", nc.post("/consultations/new", url.Values{"slug": {"x"}}), http.StatusForbidden)
	})

	t.Run("prefill", func(t *testing.T) {
		d := doc(t, editor.get("/consultations/new?document=doc-a"))
		if got := d.Find(`#f-version`).AttrOr("value", ""); got != "1" {
			t.Errorf("version: got %q, want 1 (the newest)", got)
		}
		if got := d.Find(`#f-document option[selected]`).AttrOr("value", ""); got != "doc-a" {
			t.Errorf("document: got %q, want doc-a", got)
		}
		if got := d.Find(`input[name="question_text"]`).Length(); got != 10 {
			t.Errorf("question rows: got %d, want 10", got)
		}
		if got := d.Find(`input[type="datetime-local"]`).Length(); got != 2 {
			t.Errorf("datetime-local inputs: got %d, want 2", got)
		}
	})

	form := func() url.Values {
		return url.Values{"slug": {"round-1"}, "title": {"Round one"}, "document": {"doc-a"}, "version": {"1"},
			"opens_at": {"2026-03-10T09:00"}, "closes_at": {"2026-04-10T23:59"}, "timezone": {"Europe/Paris"},
			"introduction": {"Please *comment*."}, "moderation": {"post"},
			"question_text":    {"Is the scope right?", "", "What is missing?"},
			"question_section": {"1", "", ""}}
	}

	t.Run("invalid keeps what was typed", func(t *testing.T) {
		f := form()
		f.Set("title", "")
		f.Set("closes_at", "not a date")
		f["question_section"] = []string{"1", "", "9"}
		w := editor.post("/consultations/new", f)
		wantStatus(t, "invalid", w, http.StatusUnprocessableEntity)
		d := doc(t, w)
		if d.Find(`[data-testid="error-summary"] a[href="#f-title"]`).Length() != 1 {
			t.Errorf("error summary: got no link to the title")
		}
		if d.Find(`[data-testid="error-summary"] a[href="#f-closes-at"]`).Length() != 1 {
			t.Errorf("error summary: got no link to the closing time")
		}
		checks := map[string]string{"#f-slug": "round-1", "#f-opens-at": "2026-03-10T09:00", "#f-closes-at": "not a date",
			"#f-timezone": "Europe/Paris", "#f-questions-0": "Is the scope right?", "#f-questions-2": "What is missing?"}
		for sel, want := range checks {
			if got := d.Find(sel).AttrOr("value", ""); got != want {
				t.Errorf("%s: got %q, want %q", sel, got, want)
			}
		}
		if got := d.Find("#f-introduction").Text(); got != "Please *comment*." {
			t.Errorf("introduction: got %q, want it kept", got)
		}
		if d.Find(`#f-moderation-post[checked]`).Length() != 1 {
			t.Errorf("moderation: got post unchecked, want it kept")
		}
	})

	t.Run("unknown section names its row", func(t *testing.T) {
		f := form()
		f["question_section"] = []string{"1", "", "9"}
		w := editor.post("/consultations/new", f)
		wantStatus(t, "unknown section", w, http.StatusUnprocessableEntity)
		d := doc(t, w)
		if got := d.Find("#f-questions-2-section-error").Text(); !strings.Contains(got, "no section 9") {
			t.Errorf("row 3's section: got %q, want it to say there is no section 9", got)
		}
	})

	t.Run("saved in its time zone", func(t *testing.T) {
		w := editor.post("/consultations/new", form())
		wantStatus(t, "create", w, http.StatusSeeOther)
		if got := w.Header().Get("Location"); got != "/consultations/round-1" {
			t.Errorf("Location: got %q, want /consultations/round-1", got)
		}
		c, err := e.db.Consultation(context.Background(), "round-1")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC); !c.OpensAt.Equal(want) {
			t.Errorf("opens: got %s, want %s", c.OpensAt, want)
		}
		if len(c.Questions) != 2 || c.Questions[1].Text != "What is missing?" || c.Questions[0].Section != "1" {
			t.Errorf("questions: got %+v, want the two non-blank rows", c.Questions)
		}
		if !strings.Contains(c.IntroductionHTML, "<em>comment</em>") {
			t.Errorf("introduction: got %q, want it rendered", c.IntroductionHTML)
		}
		if got := doc(t, editor.get("/consultations/round-1")).Find(`[data-testid="flash"]`).Text(); got == "" {
			t.Errorf("got no confirmation after saving")
		}
	})

	t.Run("second unclosed consultation is 409", func(t *testing.T) {
		f := form()
		f.Set("slug", "round-2")
		w := editor.post("/consultations/new", f)
		wantStatus(t, "second", w, http.StatusConflict)
		d := doc(t, w)
		if got := d.Find(`[data-testid="error-summary"]`).Text(); !strings.Contains(got, "already has a consultation") {
			t.Errorf("summary: got %q, want it to say why", got)
		}
		if got := d.Find("#f-slug").AttrOr("value", ""); got != "round-2" {
			t.Errorf("slug: got %q, want it kept", got)
		}
	})

	t.Run("edit before and after the opening", func(t *testing.T) {
		d := doc(t, editor.get("/consultations/round-1/edit"))
		if got := d.Find("#f-opens-at").AttrOr("value", ""); got != "2026-03-10T09:00" {
			t.Errorf("opens in its zone: got %q, want 2026-03-10T09:00", got)
		}
		if got := d.Find("#f-questions-1").AttrOr("value", ""); got != "What is missing?" {
			t.Errorf("question 2: got %q", got)
		}
		if d.Find(`a[href="/consultations/round-1/delete"]`).Length() != 1 {
			t.Errorf("upcoming without comments: got no delete link")
		}
		e.advance(10 * 24 * time.Hour) // open now
		editor = e.signedIn("editor")
		d = doc(t, editor.get("/consultations/round-1/edit"))
		if d.Find("#f-opens-at").Length()+d.Find(`input[name="question_text"]`).Length()+d.Find(`input[name="moderation"]`).Length() != 0 {
			t.Errorf("open: got inputs for the opening, questions or moderation, want them as text")
		}
		if got := d.Find(`[data-testid="fixed-questions"] li`).Length(); got != 2 {
			t.Errorf("open: got %d questions shown, want 2", got)
		}
		if d.Find(`a[href="/consultations/round-1/delete"]`).Length() != 0 {
			t.Errorf("open: got a delete link")
		}
		w := editor.post("/consultations/round-1/edit", url.Values{"title": {"Round one, extended"},
			"closes_at": {"2026-04-20T23:59"}, "timezone": {"Europe/Paris"}, "introduction": {"More time."}})
		wantStatus(t, "extend", w, http.StatusSeeOther)
		c, err := e.db.Consultation(context.Background(), "round-1")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 4, 20, 21, 59, 0, 0, time.UTC); !c.ClosesAt.Equal(want) || c.Title != "Round one, extended" {
			t.Errorf("got %q closing %s, want the new title closing %s", c.Title, c.ClosesAt, want)
		}
		if len(c.Questions) != 2 || c.Moderation != "post" || !c.OpensAt.Equal(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("fixed parts changed: %+v", c)
		}
		w = editor.post("/consultations/round-1/edit", url.Values{"title": {"Round one"}, "closes_at": {"2026-03-01T00:00"},
			"timezone": {"Europe/Paris"}})
		wantStatus(t, "close before opening", w, http.StatusUnprocessableEntity)
		if got := doc(t, w).Find("#f-title").AttrOr("value", ""); got != "Round one" {
			t.Errorf("title: got %q, want it kept", got)
		}
	})

	t.Run("delete an upcoming one", func(t *testing.T) {
		e.addDocument("doc-b")
		f := form()
		f.Set("slug", "later")
		f.Set("document", "doc-b")
		f.Set("opens_at", "2027-01-01T00:00")
		f.Set("closes_at", "2027-02-01T00:00")
		wantStatus(t, "create", editor.post("/consultations/new", f), http.StatusSeeOther)
		wantStatus(t, "confirm", editor.get("/consultations/later/delete"), http.StatusOK)
		wantStatus(t, "delete", editor.post("/consultations/later/delete", nil), http.StatusSeeOther)
		wantStatus(t, "gone", editor.get("/consultations/later"), http.StatusNotFound)
		wantStatus(t, "open one", editor.post("/consultations/round-1/delete", nil), http.StatusConflict)
	})
}

func TestConsultationPage(t *testing.T) {
	e := newEnv(t)
	v := e.addDocument("doc-a")
	day := 24 * time.Hour
	// Opens 2 March 2026 12:00 UTC; closes 31 March 2026 21:59 UTC, which
	// is 23:59 in Paris (summer time from 29 March).
	closes := time.Date(2026, 3, 31, 21, 59, 0, 0, time.UTC).Sub(e.clock())
	e.addConsultation("round-1", "doc-a", day, closes, store.ModerationPost)
	anon := e.client()
	editor := e.signedIn("editor")

	// Announced to the public: dates and questions, but no text and none
	// of the links that need it.
	w := anon.get("/consultations/round-1")
	wantStatus(t, "upcoming, public", w, http.StatusOK)
	if d := doc(t, w); d.Find(`[data-testid="text-later"]`).Length() != 1 || d.Find(`[data-testid="block"]`).Length() != 0 ||
		d.Find(`[data-testid="summary"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="questions"]`).Text(), "Is the scope right?") {
		t.Errorf("upcoming, public: want the dates and questions, the note that the text comes at the opening, and no text")
	}
	if strings.Contains(w.Body.String(), "Devices must not ship") {
		t.Errorf("upcoming, public: the draft text leaks")
	}
	w = editor.get("/consultations/round-1")
	wantStatus(t, "upcoming, editor", w, http.StatusOK)
	d := doc(t, w)
	if got := d.Find(`[data-testid="opens"]`).Text(); got != "2 March 2026, 13:00 CET (12:00 UTC)" {
		t.Errorf("opens: got %q", got)
	}
	if got := d.Find(`[data-testid="closes"]`).Text(); got != "31 March 2026, 23:59 CEST (21:59 UTC)" {
		t.Errorf("closes: got %q", got)
	}
	if d.Find(`[data-testid="comment-link"]`).Length() != 0 || d.Find(`[data-testid="general-link"]`).Length() != 0 {
		t.Errorf("upcoming: got comment links")
	}
	if got := d.Find(`[data-testid="window-notice"]`).Text(); !strings.Contains(got, "not open yet") {
		t.Errorf("upcoming: got notice %q", got)
	}
	if d.Find(`[data-testid="editor-links"] a[href="/consultations/round-1/moderation"]`).Length() != 1 {
		t.Errorf("editor: got no link to the moderation queue")
	}

	e.advance(2 * day)
	w = anon.get("/consultations/round-1")
	wantStatus(t, "open, public", w, http.StatusOK)
	d = doc(t, w)
	blocks := commentable(v)
	links := d.Find(`[data-testid="comment-link"]`)
	if links.Length() != len(blocks) {
		t.Fatalf("comment links: got %d, want %d (one per non-heading block)", links.Length(), len(blocks))
	}
	for i, p := range blocks {
		l := links.Eq(i)
		if got, want := l.AttrOr("href", ""), "/consultations/round-1/paragraphs/"+p.ID+"#comment-form"; got != want {
			t.Errorf("link %d: got %q, want %q", i, got, want)
		}
		if got, want := strings.Join(strings.Fields(l.Text()), " "), "Comment on "+p.Label(); got != want {
			t.Errorf("link %d: got %q, want %q", i, got, want)
		}
		if d.Find("#p-"+p.ID).Length() != 1 {
			t.Errorf("block %s: got no element with its anchor", p.ID)
		}
	}
	if got := d.Find(`[data-testid="left"]`).Text(); got != "28 days left" {
		t.Errorf("time left: got %q, want 28 days left", got)
	}
	if d.Find(`#q-1 a[href="/consultations/round-1/comment?question=1"]`).Length() != 1 {
		t.Errorf("question 1: got no answer link")
	}
	heading := ""
	for _, p := range v.Paragraphs {
		if p.Kind == "heading" && p.Section == "1" {
			heading = p.ID
		}
	}
	if d.Find(`#q-1 a[href="#p-`+heading+`"]`).Length() != 1 {
		t.Errorf("question 1: got no link to section 1's heading #p-%s", heading)
	}
	if d.Find(`[data-testid="general-link"]`).AttrOr("href", "") != "/consultations/round-1/comment" {
		t.Errorf("got no link to comment on the whole document")
	}
	if got := d.Find(`[data-testid="introduction"] em`).Text(); got != "everything" {
		t.Errorf("introduction: got %q", got)
	}

	// The document page points to the consultation.
	if got := doc(t, anon.get("/documents/doc-a")).Find(`[data-testid="consultation-notice"] a`).AttrOr("href", ""); got != "/consultations/round-1" {
		t.Errorf("document page: got notice link %q", got)
	}
	ed := doc(t, e.signedIn("editor").get("/documents/doc-a/versions/1"))
	if got := ed.Find(`[data-testid="new-consultation"]`).AttrOr("href", ""); got != "/consultations/new?document=doc-a&version=1" {
		t.Errorf("document page, editor: got %q", got)
	}
	// The moves offered are those of the status members set (draft), not
	// of the derived one: each is one the store accepts.
	var offered []string
	ed.Find(`#status-select option`).Each(func(_ int, s *goquery.Selection) {
		offered = append(offered, s.AttrOr("value", ""))
	})
	// Publishing goes through the publishing form, not the status form.
	if want := []string{store.StatusReview, store.StatusArchived}; !slices.Equal(offered, want) {
		t.Errorf("status form, consultation open: got %q, want %q", offered, want)
	}
	// No edition while the consultation is open, whichever form asks.
	wantStatus(t, "publish while the consultation is open", e.signedIn("editor").post("/documents/doc-a/status", url.Values{"status": {store.StatusPublished}}), http.StatusConflict)

	e.advance(40 * day)
	d = doc(t, anon.get("/consultations/round-1"))
	if d.Find(`[data-testid="comment-link"]`).Length() != 0 {
		t.Errorf("closed: got comment links")
	}
	if got := d.Find(`[data-testid="window-notice"]`).Text(); !strings.Contains(got, "closed") || !strings.Contains(got, "29 days") {
		t.Errorf("closed: got notice %q, want when it closed and for how long", got)
	}
}

// commentsFixture is an open consultation with comments in every state.
type commentsFixture struct {
	e        *env
	v        store.Version
	approved []store.Comment
	pending  store.Comment
	author   store.User // of pending, anonymous
	// secrets appear on no public page: the anonymous author's name,
	// email and organisation.
	secrets []string
}

func newCommentsFixture(t *testing.T) *commentsFixture {
	e := newEnv(t)
	f := &commentsFixture{e: e, v: e.addDocument("doc-a")}
	e.addConsultation("round-1", "doc-a", time.Hour, 30*24*time.Hour, store.ModerationPre)
	e.advance(2 * time.Hour)
	paras := commentable(f.v)
	named, namedCtx := e.commenter("named@example.org", "Nadia <script>alert(1)</script>", "Org <script>x()</script>", "civil-society", "KE", true)
	_ = named
	anon, anonCtx := e.commenter("hidden.person@example.org", "Secret Sam", "Covert Corp", "private-sector", "FR", false)
	f.author = anon
	f.secrets = []string{"Secret Sam", "hidden.person@example.org", "Covert Corp"}
	gov, govCtx := e.commenter("gov@example.org", "Gita", "Ministry", "government", "KE", true)
	_ = gov
	type spec struct {
		ctx   context.Context
		n     store.NewComment
		state string
	}
	specs := []spec{
		{namedCtx, store.NewComment{Paragraph: paras[0].ID, Body: "Scope is fine <script>alert('b')</script>",
			Proposed: "This covers <script>alert('p')</script> devices."}, "approve"},
		{anonCtx, store.NewComment{Paragraph: paras[0].ID, Type: "technical", Body: "Anonymous view on scope"}, "approve"},
		{govCtx, store.NewComment{Paragraph: paras[0].ID, Body: "Government view"}, "approve"},
		{govCtx, store.NewComment{Paragraph: paras[2].ID, Type: "editorial", Body: "Typo here"}, "approve"},
		{anonCtx, store.NewComment{Question: 1, Body: "Answer to question one"}, "approve"},
		{namedCtx, store.NewComment{Body: "On the whole"}, "approve"},
		{govCtx, store.NewComment{Paragraph: paras[1].ID, Body: "Hidden spam"}, "hide"},
		{namedCtx, store.NewComment{Paragraph: paras[1].ID, Body: "Withdrawn words"}, "withdraw"},
		{anonCtx, store.NewComment{Paragraph: paras[1].ID, Body: "Pending words"}, ""},
	}
	for _, s := range specs {
		s.n.Consultation = "round-1"
		m := e.comment(s.ctx, s.n)
		switch s.state {
		case "approve":
			e.moderate(m.ID, store.ModerateApprove)
			f.approved = append(f.approved, m)
		case "hide":
			e.moderate(m.ID, store.ModerateHide)
		case "withdraw":
			if _, err := e.db.WithdrawComment(s.ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		default:
			f.pending = m
		}
	}
	return f
}

func TestConsultationComments(t *testing.T) {
	f := newCommentsFixture(t)
	e := f.e
	anon := e.client()
	w := anon.get("/consultations/round-1/comments")
	wantStatus(t, "comments", w, http.StatusOK)
	d := doc(t, w)

	t.Run("only approved comments", func(t *testing.T) {
		if got := d.Find(`[data-testid="comment"]`).Length(); got != len(f.approved) {
			t.Errorf("got %d comments, want %d", got, len(f.approved))
		}
		for _, words := range []string{"Hidden spam", "Withdrawn words", "Pending words"} {
			if strings.Contains(w.Body.String(), words) {
				t.Errorf("page shows %q", words)
			}
		}
	})

	t.Run("heat table equals the approved comments", func(t *testing.T) {
		want := map[string]map[string]int{}
		for _, m := range f.approved {
			key := m.Label
			switch {
			case m.Question > 0:
				key = "Guiding questions"
			case m.Paragraph == "":
				key = "The whole document"
			}
			if want[key] == nil {
				want[key] = map[string]int{}
			}
			want[key][m.Author.Group]++
			want[key]["total"]++
		}
		rows := d.Find(`[data-testid="heat"] tbody tr`)
		if got, wantRows := rows.Length(), len(commentable(f.v))+2; got != wantRows {
			t.Fatalf("rows: got %d, want %d", got, wantRows)
		}
		cols := append(append([]string{}, store.StakeholderGroups...), "total")
		if got := d.Find(`[data-testid="heat"] thead th[scope="col"]`).Length(); got != len(cols)+1 {
			t.Errorf("column headers: got %d, want %d", got, len(cols)+1)
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			label := strings.TrimSpace(r.Find(`th[scope="row"]`).Text())
			r.Find("td").Each(func(i int, c *goquery.Selection) {
				got, err := strconv.Atoi(strings.TrimSpace(c.Text()))
				if err != nil {
					t.Fatalf("row %s cell %d: %q is not a number", label, i, c.Text())
				}
				if w := want[label][cols[i]]; got != w {
					t.Errorf("row %s, %s: got %d, want %d", label, cols[i], got, w)
				}
				if w := want[label][cols[i]]; (w == 0) != c.HasClass("heat-0") {
					t.Errorf("row %s, %s: class %q for %d", label, cols[i], c.AttrOr("class", ""), w)
				}
			})
		})
		if got := d.Find(`[data-testid="heat"] tbody th a`).First().AttrOr("href", ""); got != "/consultations/round-1/paragraphs/"+commentable(f.v)[0].ID {
			t.Errorf("first row: got link %q", got)
		}
	})

	t.Run("downloads linked", func(t *testing.T) {
		for _, ext := range []string{"csv", "json"} {
			if d.Find(`a[href="/consultations/round-1/comments.`+ext+`"]`).Length() != 1 {
				t.Errorf("got no %s download link", ext)
			}
		}
	})

	first := commentable(f.v)[0].ID
	filters := []struct {
		query string
		want  int
	}{
		{"group=government", 2},
		{"group=private-sector", 2},
		{"paragraph=" + first, 3},
		{"section=2", 1},
		{"country=FR", 2},
		{"type=technical", 1},
		{"question=1", 1},
		{"sort=newest&per_page=2", 2},
		{"per_page=4&page=2", 2},
	}
	for _, tt := range filters {
		t.Run("filter "+tt.query, func(t *testing.T) {
			w := anon.get("/consultations/round-1/comments?" + tt.query)
			wantStatus(t, tt.query, w, http.StatusOK)
			if got := doc(t, w).Find(`[data-testid="comment"]`).Length(); got != tt.want {
				t.Errorf("got %d comments, want %d", got, tt.want)
			}
		})
	}
	for _, q := range []string{"group=aliens", "paragraph=nope", "section=9", "country=ZZ", "type=rant", "question=7", "sort=up", "page=0", "per_page=x"} {
		t.Run("bad "+q, func(t *testing.T) {
			w := anon.get("/consultations/round-1/comments?" + q)
			wantStatus(t, q, w, http.StatusBadRequest)
			field, _, _ := strings.Cut(q, "=")
			if !strings.Contains(w.Body.String(), field) {
				t.Errorf("400 does not name %s", field)
			}
		})
	}
	var countries []string
	d.Find("#f-country option").Each(func(_ int, s *goquery.Selection) { countries = append(countries, s.AttrOr("value", "")) })
	if got := strings.Join(countries, ","); got != ",FR,KE" {
		t.Errorf("country choices: got %q, want the countries of the commenters (,FR,KE)", got)
	}
	newest := doc(t, anon.get("/consultations/round-1/comments?sort=newest&per_page=1"))
	if got, want := newest.Find(`[data-testid="comment"]`).AttrOr("id", ""), fmt.Sprintf("c-%d", f.approved[len(f.approved)-1].ID); got != want {
		t.Errorf("newest first: got %s, want %s", got, want)
	}

	t.Run("no leak and no script", func(t *testing.T) {
		pages := []string{"/consultations", "/consultations/round-1", "/consultations/round-1/comments",
			"/consultations/round-1/comments?country=FR"}
		for _, m := range f.approved {
			pages = append(pages, fmt.Sprintf("/consultations/round-1/comments/%d", m.ID))
		}
		for _, p := range pages {
			body := anon.get(p).Body.String()
			for _, s := range f.secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s shows %q", p, s)
				}
			}
			if strings.Contains(strings.ToLower(body), "<script>") {
				t.Errorf("%s has a <script> element", p)
			}
		}
		if !strings.Contains(w.Body.String(), "A participant from private sector, France") {
			t.Errorf("anonymous comment: got no group and country line")
		}
		if !strings.Contains(w.Body.String(), "Nadia &lt;script&gt;") {
			t.Errorf("named comment: got no escaped name")
		}
	})
}

func TestCommentPermalink(t *testing.T) {
	f := newCommentsFixture(t)
	e := f.e
	pending := fmt.Sprintf("/consultations/round-1/comments/%d", f.pending.ID)
	wantStatus(t, "pending, public", e.client().get(pending), http.StatusNotFound)
	wantStatus(t, "pending, other stakeholder", e.signInAs("gov@example.org").get(pending), http.StatusNotFound)
	w := e.signInAs(f.author.Email).get(pending)
	wantStatus(t, "pending, author", w, http.StatusOK)
	if got := doc(t, w).Find(`[data-testid="comment-state"]`).Text(); !strings.Contains(got, "Waiting for moderation") {
		t.Errorf("author: got state %q", got)
	}
	wantStatus(t, "pending, editor", e.signedIn("editor").get(pending), http.StatusOK)
	wantStatus(t, "other consultation's path", e.client().get(fmt.Sprintf("/consultations/nope/comments/%d", f.approved[0].ID)), http.StatusNotFound)
	wantStatus(t, "not a number", e.client().get("/consultations/round-1/comments/x"), http.StatusNotFound)

	// A hidden comment tells its author why.
	list, err := e.db.Comments(context.Background(), store.CommentFilter{Consultation: "round-1", States: []string{store.CommentHidden}})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("hidden comments: got %v, %v", list.Items, err)
	}
	hidden := fmt.Sprintf("/consultations/round-1/comments/%d", list.Items[0].ID)
	wantStatus(t, "hidden, public", e.client().get(hidden), http.StatusNotFound)
	w = e.signInAs("gov@example.org").get(hidden)
	wantStatus(t, "hidden, author", w, http.StatusOK)
	if got := doc(t, w).Find(`[data-testid="comment-state"]`).Text(); !strings.Contains(got, "spam") || !strings.Contains(got, "Looks like an advert") {
		t.Errorf("hidden, author: got state %q, want the reason and the note", got)
	}

	m := f.approved[0]
	d := doc(t, e.client().get(fmt.Sprintf("/consultations/round-1/comments/%d", m.ID)))
	if got, want := d.Find(`[data-testid="back"]`).AttrOr("href", ""), fmt.Sprintf("/consultations/round-1/paragraphs/%s#c-%d", m.Paragraph, m.ID); got != want {
		t.Errorf("back link: got %q, want %q", got, want)
	}
	if d.Find(".comment-proposal ins, .comment-proposal del").Length() == 0 {
		t.Errorf("proposal: got no redline against the paragraph")
	}
}
