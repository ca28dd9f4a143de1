package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/dc-isss/accord/web/mail"
)

func TestAdminOutboxAccess(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		role string
		want int
	}{
		{"", http.StatusSeeOther},
		{"stakeholder", http.StatusForbidden},
		{"editor", http.StatusForbidden},
		{"admin", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run("role "+tt.role, func(t *testing.T) {
			wantStatus(t, "GET /admin/outbox as "+tt.role, e.signedIn(tt.role).get("/admin/outbox"), tt.want)
		})
	}
}

func TestAdminOutboxLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	err := e.db.Enqueue(ctx,
		store.Message{To: "a@example.org", Kind: "comment-receipt", Subject: "Thanks for your comment", Body: "We received it.\nIt is waiting."},
		store.Message{To: "b@example.org", Kind: "consultation-opened", Subject: "A consultation opened", Body: "Read it.",
			Unsubscribe: "http://accord.test/unsubscribe?u=1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.MarkFailed(ctx, 2, "451 try again later", e.now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	w := e.signedIn("admin").get("/admin/outbox")
	wantStatus(t, "outbox", w, http.StatusOK)
	d := doc(t, w)
	if got := d.Find("[data-testid=mail-status]").Text(); !strings.Contains(got, "Email is not configured: messages are kept here and not sent") {
		t.Errorf("mail status %q, want it to say email is not configured", got)
	}
	if d.Find("table caption").Length() != 1 || d.Find("thead th[scope=col]").Length() != 6 {
		t.Error("the outbox table lacks a caption or column headers")
	}
	rows := d.Find("tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d rows, want 2", rows.Length())
	}
	// Newest first.
	first, second := d.Find("[data-testid=message-2]"), d.Find("[data-testid=message-1]")
	if rows.First().AttrOr("data-testid", "") != "message-2" {
		t.Errorf("first row is %q, want message-2", rows.First().AttrOr("data-testid", ""))
	}
	if got := first.Text(); !strings.Contains(got, "451 try again later") || !strings.Contains(got, "b@example.org") {
		t.Errorf("failed message row %q lacks its recipient or error", got)
	}
	if got := second.Find("details pre").Text(); got != "We received it.\nIt is waiting." {
		t.Errorf("body in details = %q", got)
	}
	if got := d.Find(".admin-nav a[href='/admin/outbox']").AttrOr("aria-current", ""); got != "page" {
		t.Errorf("admin nav outbox link aria-current = %q, want page", got)
	}

	cfg, err := mail.ParseURL("smtp://mail.example.org:2587?from=accord@example.org")
	if err != nil {
		t.Fatal(err)
	}
	snd, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, Mail: snd})
	w = e.signedIn("admin").get("/admin/outbox")
	if got := doc(t, w).Find("[data-testid=mail-status]").Text(); !strings.Contains(got, "Sending through mail.example.org:2587") {
		t.Errorf("mail status %q, want it to name the server", got)
	}
}

func TestSubscriptionForm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.signedIn("stakeholder")
	id := e.users["stakeholder"].ID
	box := func() bool {
		t.Helper()
		w := c.get("/account")
		wantStatus(t, "account", w, http.StatusOK)
		_, checked := doc(t, w).Find("form[action='/account/subscriptions'] input[name=consultations]").Attr("checked")
		return checked
	}
	if box() {
		t.Fatal("a new account is subscribed")
	}
	w := c.post("/account/subscriptions", url.Values{"consultations": {"1"}})
	wantStatus(t, "subscribe", w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/account#email" {
		t.Errorf("redirect to %q, want /account#email", loc)
	}
	w = c.get("/account")
	if got := doc(t, w).Find("[role=status], .flash").Text(); !strings.Contains(got, "Your email settings are saved.") {
		t.Errorf("no confirmation after saving; flash %q", got)
	}
	if on, _ := e.db.Subscribed(ctx, id, store.TopicConsultations); !on || !box() {
		t.Errorf("after ticking the box: stored %v, box ticked %v; want both", on, box())
	}
	wantStatus(t, "unsubscribe", c.post("/account/subscriptions", nil), http.StatusSeeOther)
	if on, _ := e.db.Subscribed(ctx, id, store.TopicConsultations); on || box() {
		t.Error("still subscribed after unticking the box")
	}
	forger := e.signedIn("stakeholder")
	forger.noCSRF = true
	wantStatus(t, "subscribe without a CSRF token", forger.post("/account/subscriptions", url.Values{"consultations": {"1"}}), http.StatusForbidden)
	anon := e.signedIn("")
	wantStatus(t, "subscribe anonymously", anon.post("/account/subscriptions", url.Values{"consultations": {"1"}}), http.StatusUnauthorized)
}

// signedUnsubscribe is the link Accord puts in its messages, computed as
// documented: HMAC-SHA256 of "u=ID&t=TOPIC" with the meta table's key.
func signedUnsubscribe(t *testing.T, db *store.DB, userID int64, topic string) url.Values {
	t.Helper()
	key, err := db.Secret(context.Background(), "unsubscribe_key")
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("u=" + itoa(userID) + "&t=" + topic))
	return url.Values{"u": {itoa(userID)}, "t": {topic}, "sig": {base64.RawURLEncoding.EncodeToString(m.Sum(nil))}}
}

func TestUnsubscribe(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.users["stakeholder"]
	subscribe := func() {
		t.Helper()
		if err := e.db.SetSubscription(ctx, u.ID, store.TopicConsultations, true); err != nil {
			t.Fatal(err)
		}
	}
	subscribed := func() bool {
		t.Helper()
		on, err := e.db.Subscribed(ctx, u.ID, store.TopicConsultations)
		if err != nil {
			t.Fatal(err)
		}
		return on
	}
	good := signedUnsubscribe(t, e.db, u.ID, store.TopicConsultations)

	t.Run("the link asks first and changes nothing", func(t *testing.T) {
		subscribe()
		w := e.client().get("/unsubscribe?" + good.Encode())
		wantStatus(t, "GET the link", w, http.StatusOK)
		form := doc(t, w).Find("main form[method=post]")
		action, _ := form.Attr("action")
		if !strings.HasPrefix(action, "/unsubscribe?") || !strings.Contains(action, "sig="+good.Get("sig")) {
			t.Errorf("the confirmation posts to %q, want the signed link", action)
		}
		if !subscribed() {
			t.Error("a GET unsubscribed (mail scanners follow links)")
		}
		// The button, from a browser without any Accord cookie.
		w = e.client().do(httptest.NewRequest(http.MethodPost, action, nil))
		wantStatus(t, "press the button", w, http.StatusOK)
		if got := doc(t, w).Find("h1").Text(); got != "You are unsubscribed" {
			t.Errorf("heading %q after unsubscribing", got)
		}
		if subscribed() {
			t.Error("still subscribed after confirming")
		}
	})

	t.Run("one-click POST from a mail client", func(t *testing.T) {
		subscribe()
		req := httptest.NewRequest(http.MethodPost, "/unsubscribe?"+good.Encode(), strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		wantStatus(t, "one-click POST", e.client().do(req), http.StatusOK)
		if subscribed() {
			t.Error("still subscribed after the one-click POST")
		}
		events, _, err := e.db.Audit(ctx, store.AuditFilter{Action: "subscription.off"})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 || events[0].UserID != u.ID || events[0].Actor != "unsubscribe link" {
			t.Errorf("audit of the unsubscribe: %+v, want it attributed to the user through the link", events)
		}
	})

	bad := func(edit func(v url.Values)) string {
		v := url.Values{}
		for k, vs := range good {
			v[k] = append([]string(nil), vs...)
		}
		edit(v)
		return "/unsubscribe?" + v.Encode()
	}
	other := e.users["editor"]
	tests := []struct {
		name string
		path string
	}{
		{"wrong signature", bad(func(v url.Values) { v.Set("sig", strings.Repeat("A", 43)) })},
		{"another user's id", bad(func(v url.Values) { v.Set("u", itoa(other.ID)) })},
		{"another topic", bad(func(v url.Values) { v.Set("t", "policies") })},
		{"no signature", bad(func(v url.Values) { v.Del("sig") })},
		{"no user", bad(func(v url.Values) { v.Del("u") })},
		{"not a number", bad(func(v url.Values) { v.Set("u", "x") })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subscribe()
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				w := e.client().do(httptest.NewRequest(method, tt.path, nil))
				wantStatus(t, method+" "+tt.path, w, http.StatusBadRequest)
				if got := doc(t, w).Find("main").Text(); !strings.Contains(got, "This unsubscribe link is not valid") {
					t.Errorf("%s %s: page does not say the link is not valid: %q", method, tt.path, got)
				}
			}
			if !subscribed() {
				t.Error("a bad link unsubscribed")
			}
		})
	}
}

func TestBaseURLGovernsAbsoluteURLs(t *testing.T) {
	e := newEnv(t)
	e.h = web.New(web.Deps{Store: e.db, Now: e.clock, BaseURL: "https://accord.example.org/"})
	for _, path := range []string{"/robots.txt", "/sitemap.xml", "/policies.atom"} {
		t.Run(path, func(t *testing.T) {
			w := httptestGet(e.h, path) // asked at example.com, httptest's default host
			wantStatus(t, path, w, http.StatusOK)
			body := w.Body.String()
			if !strings.Contains(body, "https://accord.example.org/") || strings.Contains(body, "example.com") {
				t.Errorf("%s does not use the base URL alone:\n%.400s", path, body)
			}
		})
	}
}
