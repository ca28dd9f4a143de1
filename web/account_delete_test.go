package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

// TestAccountDelete deletes a stakeholder's account both ways: the comment
// stays as "a former participant, <group>, <country>" or becomes
// "withdrawn by its author"; either way sessions and tokens end and the
// audit log keeps the events with the email replaced by the user id. A
// wrong password deletes nothing; the last admin cannot go.
func TestAccountDelete(t *testing.T) {
	for _, keep := range []bool{true, false} {
		name := map[bool]string{true: "keep comments", false: "withdraw comments"}[keep]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ce := newCommentEnv(t, store.ModerationPost, web.CommentLimits{})
			ce.open()
			email := "leaving@example.org"
			c, u := ce.person(email, "Lea Ving", "Example NGO", true)
			wantStatus(t, "comment", ce.comment(c, pidOne, "Updates must be signed and free.", nil), http.StatusSeeOther)
			m := ce.lastComment()
			token, err := ce.db.CreateToken(ctx, u.ID, "script", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			other := ce.signIn(email) // a second session

			w := c.get("/account/delete")
			wantStatus(t, "delete page", w, http.StatusOK)
			if _, checked := doc(t, w).Find(`input[name=keep_comments]`).Attr("checked"); checked {
				t.Errorf("keep my comments is ticked by default")
			}
			form := url.Values{"password": {"wrong password"}}
			if keep {
				form.Set("keep_comments", "1")
			}
			w = c.post("/account/delete", form)
			wantStatus(t, "wrong password", w, http.StatusUnprocessableEntity)
			d := doc(t, w)
			if _, checked := d.Find(`input[name=keep_comments]`).Attr("checked"); checked != keep {
				t.Errorf("wrong password: the choice was not kept")
			}
			if v, _ := d.Find(`input[name=password]`).Attr("value"); v != "" {
				t.Errorf("wrong password: the password is shown back")
			}
			if _, err := ce.db.User(ctx, u.ID); err != nil {
				t.Fatalf("wrong password deleted the account: %v", err)
			}

			form.Set("password", testPassword)
			w = c.post("/account/delete", form)
			wantStatus(t, "delete", w, http.StatusSeeOther)
			if loc := w.Header().Get("Location"); loc != "/" {
				t.Errorf("after deletion: sent to %q, want /", loc)
			}
			if got := doc(t, c.get("/")).Find(`[data-testid=flash]`).Text(); !strings.Contains(got, "account is deleted") {
				t.Errorf("home after deletion: flash %q", got)
			}
			if _, err := ce.db.User(ctx, u.ID); err == nil {
				t.Errorf("the account still exists")
			}
			for who, cl := range map[string]*client{"this session": c, "the other session": other} {
				if w := cl.get("/account"); w.Code != http.StatusSeeOther {
					t.Errorf("%s after deletion: /account got %d, want 303 to sign in", who, w.Code)
				}
			}
			api := ce.client()
			api.bearer = token
			if w := api.json(http.MethodGet, "/api/v1/comments/"+itoa(m.ID), ""); w.Code != http.StatusUnauthorized {
				t.Errorf("token after deletion: got %d, want 401", w.Code)
			}

			got, err := ce.db.Comment(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			page := doc(t, ce.client().get("/consultations/"+ce.slug+"/comments/"+itoa(m.ID)))
			author := page.Find(`[data-testid=comment-author]`).First().Text()
			body := page.Find("main").Text()
			if keep {
				if got.Body != "Updates must be signed and free." {
					t.Errorf("kept comment: body became %q", got.Body)
				}
				if want := "a former participant, Civil society, Kenya"; author != want {
					t.Errorf("kept comment's author: got %q, want %q", author, want)
				}
			} else {
				if got.Body != store.WithdrawnByAuthor || strings.Contains(body, "signed and free") {
					t.Errorf("withdrawn comment: body %q still shown", got.Body)
				}
				if !strings.Contains(body, store.WithdrawnByAuthor) {
					t.Errorf("withdrawn comment's page does not say %q", store.WithdrawnByAuthor)
				}
			}
			if strings.Contains(body, "Lea Ving") || strings.Contains(body, "Example NGO") {
				t.Errorf("the comment's page still names the deleted account")
			}

			events, _, err := ce.db.Audit(ctx, store.AuditFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var kept int
			for _, ev := range events {
				for _, f := range []string{ev.Actor, ev.Object, ev.Detail} {
					if strings.Contains(f, email) {
						t.Errorf("audit event %s still holds the email: %+v", ev.Action, ev)
					}
				}
				if ev.Actor == "user/"+itoa(u.ID) {
					kept++
				}
			}
			if kept < 3 { // sign-ins, the comment, the deletion
				t.Errorf("audit: %d events by user/%d, want the account's events kept", kept, u.ID)
			}
		})
	}
}

// TestAccountDeleteLastAdmin refuses to delete the last administrator.
func TestAccountDeleteLastAdmin(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("admin")
	w := c.post("/account/delete", url.Values{"password": {testPassword}})
	wantStatus(t, "last admin", w, http.StatusConflict)
	if doc(t, w).Find(`[data-testid=last-admin]`).Length() != 1 {
		t.Errorf("last admin: the page does not say why")
	}
	if _, err := e.db.User(context.Background(), e.users["admin"].ID); err != nil {
		t.Errorf("the last admin was deleted: %v", err)
	}
	wantStatus(t, "editor deletes", e.signedIn("editor").post("/account/delete", url.Values{"password": {testPassword}}), http.StatusSeeOther)
}
