package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

func TestModerationPre(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPre, web.CommentLimits{})
	ce.open()
	alice, _ := ce.person("alice@example.org", "Alice Achieng", "Open Kenya", true)
	editor := ce.signedIn("editor")
	anon := ce.client()
	queue := "/consultations/" + ce.slug + "/moderation"

	empty := doc(t, editor.get(queue))
	if !strings.Contains(empty.Find(`[data-testid="moderation-empty"]`).Text(), "Nothing waits for moderation") {
		t.Error("an empty queue does not say so")
	}
	wantStatus(t, "queue as a stakeholder", alice.get(queue), http.StatusForbidden)

	wantStatus(t, "comment", ce.comment(alice, pidOne, "Approve me", nil), http.StatusSeeOther)
	approved := ce.lastComment()
	wantStatus(t, "comment", ce.comment(alice, pidOne, "Hide me", nil), http.StatusSeeOther)
	hidden := ce.lastComment()

	public := anon.get(ce.paragraphURL(pidOne)).Body.String()
	if strings.Contains(public, "Approve me") || strings.Contains(public, "Hide me") {
		t.Fatal("a pending comment is on the public paragraph page")
	}
	own := doc(t, alice.get(ce.paragraphURL(pidOne)))
	if !strings.Contains(own.Find("#c-"+itoa(approved.ID)).Text(), "Waiting for moderation") {
		t.Error("the author does not see their pending comment with its state")
	}

	d := doc(t, editor.get(queue))
	if got := d.Find(`[data-testid="moderation-queue"] > li`).Length(); got != 2 {
		t.Fatalf("got %d comments in the queue, want 2", got)
	}
	if !strings.Contains(d.Find(`[data-testid="moderation-counts"]`).Text(), "2 comments wait") {
		t.Errorf("got counts %q", d.Find(`[data-testid="moderation-counts"]`).Text())
	}
	action := "/consultations/" + ce.slug + "/comments/"
	w := editor.post(action+itoa(hidden.ID)+"/moderation", url.Values{"action": {"hide"}})
	wantStatus(t, "hide without a reason", w, http.StatusUnprocessableEntity)
	w = editor.post(action+itoa(approved.ID)+"/moderation", url.Values{"action": {"approve"}})
	wantStatus(t, "approve", w, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != queue {
		t.Errorf("got Location %q, want the queue", got)
	}
	w = editor.post(action+itoa(hidden.ID)+"/moderation", url.Values{"action": {"hide"}, "reason": {"off-topic"}, "note": {"About another paragraph"}})
	wantStatus(t, "hide", w, http.StatusSeeOther)
	if !strings.Contains(editor.get(queue).Body.String(), "The comment is hidden") {
		t.Error("no confirmation after hiding")
	}

	public = anon.get(ce.paragraphURL(pidOne)).Body.String()
	if !strings.Contains(public, "Approve me") {
		t.Error("the approved comment is not public")
	}
	if strings.Contains(public, "Hide me") {
		t.Error("the hidden comment is public")
	}
	mine := doc(t, alice.get("/account/comments")).Text()
	if !strings.Contains(mine, "Hidden by a moderator: off topic") || !strings.Contains(mine, "About another paragraph") {
		t.Errorf("the author is not told why the comment was hidden: %s", mine)
	}
	if !strings.Contains(editor.get(queue).Body.String(), "Nothing waits for moderation") {
		t.Error("the queue is not empty after moderating everything")
	}
}

func TestModerationPostAndFlags(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
	ce.open()
	alice, _ := ce.person("alice@example.org", "Alice", "", true)
	bob, _ := ce.person("bob@example.org", "Bob Reader", "", true)
	editor := ce.signedIn("editor")
	wantStatus(t, "comment", ce.comment(alice, pidOne, "Published at once", nil), http.StatusSeeOther)
	m := ce.lastComment()
	if !strings.Contains(ce.client().get(ce.paragraphURL(pidOne)).Body.String(), "Published at once") {
		t.Fatal("in post-moderation the comment is not public at once")
	}
	queue := "/consultations/" + ce.slug + "/moderation"
	if !strings.Contains(editor.get(queue).Body.String(), "Nothing waits") {
		t.Error("an unflagged published comment is in the queue")
	}
	flag := "/consultations/" + ce.slug + "/comments/" + itoa(m.ID) + "/flag"
	wantStatus(t, "flag", bob.post(flag, url.Values{"reason": {"abusive"}, "note": {"Rude words"}}), http.StatusSeeOther)
	d := doc(t, editor.get(queue))
	flags := d.Find(".moderation-flags").Text()
	if !strings.Contains(flags, "abusive") || !strings.Contains(flags, "Rude words") || !strings.Contains(flags, "Bob Reader") {
		t.Errorf("got flags %q, want reason, note and who", flags)
	}
	if !strings.Contains(d.Find(`[data-testid="moderation-counts"]`).Text(), "1 published comment was") {
		t.Errorf("got counts %q", d.Find(`[data-testid="moderation-counts"]`).Text())
	}
	if !strings.Contains(ce.client().get(ce.paragraphURL(pidOne)).Body.String(), "Published at once") {
		t.Error("a flagged comment left the public page before a moderator acted")
	}
}

func TestCommentAnonymousNeverLeaks(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
	ce.open()
	anonymous, _ := ce.person("wanjiru.secret@example.org", "Wanjiru Secretname", "Hidden Org Ltd", false)
	named, _ := ce.person("named@example.org", "Named Person", "", true)
	wantStatus(t, "comment", ce.comment(anonymous, pidOne, "Anonymous view", url.Values{"display": {"anonymous"}}), http.StatusSeeOther)
	m := ce.lastComment()
	secrets := []string{"Wanjiru", "Secretname", "wanjiru.secret@example.org", "Hidden Org"}
	for _, tt := range []struct {
		name string
		c    *client
	}{
		{"the public", ce.client()},
		{"another stakeholder", named},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.c.get(ce.paragraphURL(pidOne)).Body.String()
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("the paragraph page shows %q of an anonymous comment", s)
				}
			}
			author := doc(t, tt.c.get(ce.paragraphURL(pidOne))).Find("#c-" + itoa(m.ID) + ` [data-testid="comment-author"]`).Text()
			if !strings.Contains(author, "A participant from civil society, Kenya") {
				t.Errorf("got author line %q, want the group and country", author)
			}
		})
	}
	body := ce.signedIn("editor").get("/consultations/" + ce.slug + "/moderation").Body.String()
	// A reader's flag puts it in the queue, where moderators see who wrote it.
	if strings.Contains(body, "Wanjiru") {
		t.Fatal("an unflagged comment is in the queue")
	}
	flag := "/consultations/" + ce.slug + "/comments/" + itoa(m.ID) + "/flag"
	wantStatus(t, "flag", named.post(flag, url.Values{"reason": {"spam"}}), http.StatusSeeOther)
	body = ce.signedIn("editor").get("/consultations/" + ce.slug + "/moderation").Body.String()
	for _, s := range secrets {
		if !strings.Contains(body, s) {
			t.Errorf("the moderation page does not show %q to moderators", s)
		}
	}
}

func TestCommentXSS(t *testing.T) {
	ce := newCommentEnv(t, store.ModerationPre, web.CommentLimits{})
	ce.open()
	evil, _ := ce.person("evil@example.org", `Eve <script>alert("name")</script>`, `<script>alert("org")</script> Ltd`, true)
	w := ce.comment(evil, pidOne, `<script>alert(1)</script> and <img src=x onerror=alert(2)>`,
		url.Values{"proposed_text": {`<script>alert(3)</script>`}, "display": {"named"}})
	wantStatus(t, "comment", w, http.StatusSeeOther)
	m := ce.lastComment()
	editor := ce.signedIn("editor")
	check := func(where, body string) {
		t.Helper()
		for _, bad := range []string{"<script>alert", "onerror=", "<img src=x"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: the page carries %q unescaped", where, bad)
			}
		}
	}
	check("moderation page", editor.get("/consultations/"+ce.slug+"/moderation").Body.String())
	check("the author's paragraph page", evil.get(ce.paragraphURL(pidOne)).Body.String())
	check("the author's list", evil.get("/account/comments").Body.String())
	wantStatus(t, "approve", editor.post("/consultations/"+ce.slug+"/comments/"+itoa(m.ID)+"/moderation", url.Values{"action": {"approve"}}), http.StatusSeeOther)
	page := ce.client().get(ce.paragraphURL(pidOne))
	check("public paragraph page", page.Body.String())
	card := doc(t, page).Find("#c-" + itoa(m.ID))
	if !strings.Contains(card.Find(`[data-testid="comment-author"]`).Text(), `Eve <script>alert("name")</script>`) {
		t.Errorf("got author %q, want the name shown as text", card.Find(`[data-testid="comment-author"]`).Text())
	}
	if !strings.Contains(card.Find(".redline").Text(), "<script>alert(3)</script>") {
		t.Errorf("got proposal %q, want it shown as text", card.Find(".redline").Text())
	}
	// A refused form shows back what was typed, escaped too.
	ce2 := ce.comment(evil, pidOne, strings.Repeat("x", 10001)+"<script>alert(4)</script>", nil)
	wantStatus(t, "long body", ce2, http.StatusUnprocessableEntity)
	check("refused form", ce2.Body.String())
}
