package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
	"github.com/google/go-cmp/cmp"
)

// commentAnswer is the part of a comment's JSON the tests read.
type commentAnswer struct {
	ID        int64          `json:"id"`
	Paragraph *string        `json:"paragraph"`
	Question  *int           `json:"question"`
	Label     string         `json:"label"`
	State     string         `json:"state"`
	Body      string         `json:"body"`
	Display   string         `json:"display"`
	URL       string         `json:"url"`
	Author    map[string]any `json:"author"`
	Flagged   bool           `json:"flagged"`
	EditedAt  *string        `json:"edited_at"`
	Anchor    map[string]any `json:"anchor"`
	Current   map[string]any `json:"current"`
}

type commentList struct {
	Items   []commentAnswer `json:"items"`
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	PerPage int             `json:"per_page"`
}

// post sends a comment and returns the answer's comment.
func (ce *consultEnv) post(t *testing.T, who *client, body string, status int) commentAnswer {
	t.Helper()
	w := who.json("POST", "/api/v1/consultations/round-1/comments", body)
	wantStatus(t, "post "+body, w, status)
	var out struct {
		Comment commentAnswer `json:"comment"`
	}
	if status == http.StatusCreated {
		decode(t, w, &out)
		if got, want := w.Header().Get("Location"), "/consultations/round-1/comments/"+itoa(out.Comment.ID); got != want {
			t.Errorf("Location: got %q, want %q", got, want)
		}
	}
	return out.Comment
}

// stored counts round-1's comments in every state.
func (ce *consultEnv) stored(t *testing.T) int {
	t.Helper()
	l, err := ce.db.Comments(context.Background(), store.CommentFilter{Consultation: "round-1",
		States: []string{store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentWithdrawn}})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

func TestAPICommentWindow(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPost)
	body := `{"paragraph":"p4","question":null,"type":"technical","body":"Too vague.","proposed_text":"Two, precisely.","display":"named"}`

	w := ce.alice.json("POST", "/api/v1/consultations/round-1/comments", body)
	wantError(t, "before opening", w, 409, "consultation_not_open", "")
	ce.advance(2 * 24 * time.Hour)
	m := ce.post(t, ce.alice, body, 201)
	if m.State != "approved" || m.Label != "2 ¶1" || m.Paragraph == nil || *m.Paragraph != "p4" || m.Question != nil {
		t.Errorf("while open: got %+v", m)
	}
	wantCurrent := map[string]any{"version": float64(1), "paragraph": "p4", "section": "2", "relation": "kept"}
	if m.Anchor["version"] != float64(1) || m.Anchor["paragraph"] != "p4" || !cmp.Equal(m.Current, wantCurrent) {
		t.Errorf("anchor %v, current %v: want version 1 and p4, kept", m.Anchor, m.Current)
	}
	ce.advance(9 * 24 * time.Hour)
	before := ce.stored(t)
	wantError(t, "after closing", ce.alice.json("POST", "/api/v1/consultations/round-1/comments", body), 409, "consultation_closed", "")
	if after := ce.stored(t); after != before {
		t.Errorf("after closing: %d comments stored, want %d", after, before)
	}
	wantError(t, "edit after closing", ce.alice.json("PATCH", "/api/v1/comments/"+itoa(m.ID), `{"body":"Later"}`), 409, "consultation_closed", "")

	// An extension reopens it.
	wantStatus(t, "extend", ce.editor.json("PATCH", "/api/v1/consultations/round-1", `{"closes_at":"`+ce.at(24*time.Hour)+`"}`), 200)
	ce.post(t, ce.alice, body, 201)
	if got := ce.stored(t); got != before+1 {
		t.Errorf("after the extension: %d comments, want %d", got, before+1)
	}
}

func TestAPICommentModeration(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPre)
	ce.advance(2 * 24 * time.Hour)
	first := ce.post(t, ce.bob, `{"paragraph":"p2","body":"Scope is too narrow."}`, 201)
	second := ce.post(t, ce.bob, `{"question":2,"body":"Rules are fine.","type":"general"}`, 201)
	third := ce.post(t, ce.alice, `{"paragraph":null,"body":"Whole thing is good."}`, 201)
	if first.State != "pending" || second.Question == nil || *second.Question != 2 || third.Paragraph != nil {
		t.Fatalf("pre-moderation: got %+v, %+v, %+v", first, second, third)
	}
	publicCount := func(who *client) int {
		t.Helper()
		var l commentList
		decode(t, who.get("/api/v1/consultations/round-1/comments"), &l)
		return l.Total
	}
	if n := publicCount(ce.anon); n != 0 {
		t.Errorf("pending comments: the public sees %d, want 0", n)
	}
	wantStatus(t, "anonymous GET pending", ce.anon.get("/api/v1/comments/"+itoa(first.ID)), 404)
	wantStatus(t, "another stakeholder GET pending", ce.alice.get("/api/v1/comments/"+itoa(first.ID)), 404)
	wantStatus(t, "author GET pending", ce.bob.get("/api/v1/comments/"+itoa(first.ID)), 200)
	var pending commentList
	decode(t, ce.editor.get("/api/v1/consultations/round-1/comments?state=pending"), &pending)
	if pending.Total != 3 {
		t.Errorf("editor's pending list: got %d, want 3", pending.Total)
	}
	wantError(t, "stakeholder asks for pending", ce.bob.get("/api/v1/consultations/round-1/comments?state=pending"), 400, "", "state")

	moderate := func(who *client, id int64, body string) *httptest.ResponseRecorder {
		return who.json("POST", "/api/v1/comments/"+itoa(id)+"/moderation", body)
	}
	wantStatus(t, "stakeholder moderates", moderate(ce.alice, first.ID, `{"action":"approve"}`), 403)
	wantError(t, "hide without reason", moderate(ce.editor, first.ID, `{"action":"hide"}`), 422, "invalid", "reason")
	w := moderate(ce.editor, first.ID, `{"action":"approve"}`)
	wantStatus(t, "approve", w, 200)
	var approved map[string]any
	decode(t, w, &approved)
	if approved["state"] != "approved" || approved["hide_reason"] != "" {
		t.Errorf("approved: got %v", approved)
	}
	wantStatus(t, "approve second", moderate(ce.editor, second.ID, `{"action":"approve"}`), 200)
	wantStatus(t, "hide third", moderate(ce.editor, third.ID, `{"action":"hide","reason":"off-topic","note":"Please be specific"}`), 200)
	if n := publicCount(ce.anon); n != 2 {
		t.Errorf("after approving two and hiding one: the public sees %d, want 2", n)
	}
	wantStatus(t, "anonymous GET hidden", ce.anon.get("/api/v1/comments/"+itoa(third.ID)), 404)
	for state, want := range map[string]int{"all": 3, "hidden": 1, "pending": 0, "approved": 2} {
		var l commentList
		decode(t, ce.editor.get("/api/v1/consultations/round-1/comments?state="+state), &l)
		if l.Total != want {
			t.Errorf("editor's list of state %s: got %d, want %d", state, l.Total, want)
		}
	}
	var own map[string]any
	decode(t, ce.alice.get("/api/v1/comments/"+itoa(third.ID)), &own)
	if own["state"] != "hidden" || own["hide_reason"] != "off-topic" || own["moderation_note"] != "Please be specific" {
		t.Errorf("the author of a hidden comment: got %v, want state, reason and note", own)
	}
	var public map[string]any
	decode(t, ce.anon.get("/api/v1/comments/"+itoa(first.ID)), &public)
	if _, ok := public["hide_reason"]; ok {
		t.Errorf("the public sees hide_reason: %v", public)
	}

	// The heat table counts exactly the approved comments.
	var heat struct {
		Groups []string `json:"groups"`
		Rows   []struct {
			Paragraph *string        `json:"paragraph"`
			Key       string         `json:"key"`
			Label     string         `json:"label"`
			Counts    map[string]int `json:"counts"`
			Total     int            `json:"total"`
		} `json:"rows"`
	}
	decode(t, ce.anon.get("/api/v1/consultations/round-1/heat"), &heat)
	if !cmp.Equal(heat.Groups, store.StakeholderGroups) {
		t.Errorf("groups: got %v, want %v", heat.Groups, store.StakeholderGroups)
	}
	got := map[string]int{}
	var keys []string
	for _, r := range heat.Rows {
		keys = append(keys, r.Key)
		if len(r.Counts) != len(store.StakeholderGroups) {
			t.Errorf("row %s: got %d groups, want all %d", r.Key, len(r.Counts), len(store.StakeholderGroups))
		}
		for g, n := range r.Counts {
			if n > 0 {
				got[r.Key+"/"+g] = n
			}
		}
		if (r.Paragraph == nil) != (r.Key == "general" || r.Key == "questions") {
			t.Errorf("row %s: paragraph %v", r.Key, r.Paragraph)
		}
	}
	if want := []string{"p2", "p4", "p5", "general", "questions"}; !cmp.Equal(keys, want) {
		t.Errorf("heat rows: got %v, want %v", keys, want)
	}
	if want := map[string]int{"p2/private-sector": 1, "questions/private-sector": 1}; !cmp.Equal(got, want) {
		t.Errorf("heat counts: got %v, want %v", got, want)
	}

	var stats struct {
		ByGroup   map[string]int `json:"by_group"`
		ByCountry map[string]int `json:"by_country"`
		ByType    map[string]int `json:"by_type"`
		Approved  int            `json:"approved"`
		Heat      map[string]any `json:"heat"`
	}
	decode(t, ce.anon.get("/api/v1/consultations/round-1/stats"), &stats)
	if stats.Approved != 2 || stats.ByGroup["private-sector"] != 2 || stats.ByGroup["civil-society"] != 0 ||
		len(stats.ByGroup) != 7 || !cmp.Equal(stats.ByCountry, map[string]int{"GB": 2}) || stats.ByType["general"] != 2 || stats.Heat["rows"] == nil {
		t.Errorf("stats: got %+v", stats)
	}
}

func TestAPICommentRules(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPost)
	ce.advance(2 * 24 * time.Hour)
	m := ce.post(t, ce.alice, `{"paragraph":"p2","body":"First."}`, 201)
	commentsPath := "/api/v1/consultations/round-1/comments"

	tests := []struct {
		name   string
		who    *client
		method string
		path   string
		body   string
		status int
		field  string
	}{
		{"unknown paragraph", ce.bob, "POST", commentsPath, `{"paragraph":"p99","body":"x"}`, 422, "paragraph"},
		{"a heading", ce.bob, "POST", commentsPath, `{"paragraph":"p1","body":"x"}`, 422, "paragraph"},
		{"unknown question", ce.bob, "POST", commentsPath, `{"question":3,"body":"x"}`, 422, "question"},
		{"paragraph and question", ce.bob, "POST", commentsPath, `{"paragraph":"p2","question":1,"body":"x"}`, 422, "question"},
		{"body too long", ce.bob, "POST", commentsPath, `{"body":"` + strings.Repeat("a", 10001) + `"}`, 422, "body"},
		{"empty body", ce.bob, "POST", commentsPath, `{"body":"  "}`, 422, "body"},
		{"bad type", ce.bob, "POST", commentsPath, `{"body":"x","type":"rant"}`, 422, "type"},
		{"invalid UTF-8", ce.bob, "POST", commentsPath, "{\"body\":\"\xff\xfe\"}", 400, ""},
		{"anonymous", ce.anon, "POST", commentsPath, `{"body":"x"}`, 401, ""},
		{"unknown consultation", ce.bob, "POST", "/api/v1/consultations/nope/comments", `{"body":"x"}`, 404, ""},
		{"another's comment", ce.bob, "PATCH", "/api/v1/comments/" + itoa(m.ID), `{"body":"Mine now"}`, 404, ""},
		{"withdraw another's", ce.bob, "POST", "/api/v1/comments/" + itoa(m.ID) + "/withdraw", "", 404, ""},
		{"bad group filter", ce.anon, "GET", commentsPath + "?group=aliens", "", 400, "group"},
		{"bad type filter", ce.anon, "GET", commentsPath + "?type=rant", "", 400, "type"},
		{"bad sort", ce.anon, "GET", commentsPath + "?sort=random", "", 400, "sort"},
		{"bad question filter", ce.anon, "GET", commentsPath + "?question=x", "", 400, "question"},
		{"bad country filter", ce.anon, "GET", commentsPath + "?country=kenya", "", 400, "country"},
		{"per_page too large", ce.anon, "GET", commentsPath + "?per_page=501", "", 400, "per_page"},
		{"bad page", ce.anon, "GET", commentsPath + "?page=0", "", 400, "page"},
		{"not a comment id", ce.anon, "GET", "/api/v1/comments/abc", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.name, tt.who.json(tt.method, tt.path, tt.body), tt.status, "", tt.field)
		})
	}

	// Filters that fit.
	ce.post(t, ce.bob, `{"paragraph":"p4","body":"Second.","type":"editorial"}`, 201)
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"", 2}, {"?paragraph=p2", 1}, {"?section=2", 1}, {"?group=civil-society", 1}, {"?country=GB", 1},
		{"?type=editorial", 1}, {"?question=1", 0}, {"?sort=newest&per_page=1", 2},
	} {
		var l commentList
		decode(t, ce.anon.get(commentsPath+tt.query), &l)
		if l.Total != tt.want {
			t.Errorf("GET %s: got %d, want %d", tt.query, l.Total, tt.want)
		}
	}

	// The author edits, then withdraws.
	w := ce.alice.json("PATCH", "/api/v1/comments/"+itoa(m.ID), `{"body":"First, edited."}`)
	wantStatus(t, "edit", w, 200)
	var edited commentAnswer
	decode(t, w, &edited)
	if edited.Body != "First, edited." || edited.EditedAt == nil || edited.Paragraph == nil || *edited.Paragraph != "p2" {
		t.Errorf("edited: got %+v", edited)
	}

	// Flags: once per account.
	flags := "/api/v1/comments/" + itoa(m.ID) + "/flags"
	w = ce.bob.json("POST", flags, `{"reason":"spam","note":"Looks automated"}`)
	wantStatus(t, "flag", w, 201)
	var flag struct {
		Flag map[string]string `json:"flag"`
	}
	decode(t, w, &flag)
	if flag.Flag["reason"] != "spam" || flag.Flag["note"] != "Looks automated" || flag.Flag["created_at"] == "" {
		t.Errorf("flag: got %v", flag.Flag)
	}
	wantError(t, "flag again", ce.bob.json("POST", flags, `{"reason":"spam"}`), 409, "conflict", "")
	wantError(t, "flag with a bad reason", ce.editor.json("POST", flags, `{"reason":"boring"}`), 422, "invalid", "reason")
	wantStatus(t, "anonymous flag", ce.anon.json("POST", flags, `{"reason":"spam"}`), 401)
	var flagged commentAnswer
	decode(t, ce.anon.get("/api/v1/comments/"+itoa(m.ID)), &flagged)
	if !flagged.Flagged || flagged.State != "approved" {
		t.Errorf("a flagged comment: got %+v, want still approved and flagged", flagged)
	}

	w = ce.alice.json("POST", "/api/v1/comments/"+itoa(m.ID)+"/withdraw", "")
	wantStatus(t, "withdraw", w, 200)
	var withdrawn commentAnswer
	decode(t, w, &withdrawn)
	if withdrawn.State != "withdrawn" {
		t.Errorf("withdrawn: got %q", withdrawn.State)
	}
	wantStatus(t, "withdrawn is gone for the public", ce.anon.get("/api/v1/comments/"+itoa(m.ID)), 404)
}

func TestAPICommentCSRFAndRateLimit(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPost)
	ce.advance(2 * 24 * time.Hour)

	// A session cookie without the CSRF header is refused.
	session := ce.signedIn("editor")
	session.noCSRF = true
	wantError(t, "cookie POST without X-CSRF-Token", session.json("POST", "/api/v1/comments/1/moderation", `{"action":"approve"}`), 403, "csrf", "")
	wantError(t, "cookie PATCH without X-CSRF-Token", session.json("PATCH", "/api/v1/consultations/round-1", `{"title":"x"}`), 403, "csrf", "")
	session.noCSRF = false
	wantStatus(t, "cookie PATCH with X-CSRF-Token", session.json("PATCH", "/api/v1/consultations/round-1", `{"title":"Round one"}`), 200)

	// One comment per account per hour.
	ce.h = web.New(web.Deps{Store: ce.db, Now: ce.clock, Comments: web.CommentLimits{PerAccount: 1}})
	ce.post(t, ce.bob, `{"body":"One."}`, 201)
	w := ce.bob.json("POST", "/api/v1/consultations/round-1/comments", `{"body":"Two."}`)
	wantError(t, "second within the hour", w, 429, "too_many_requests", "")
	if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 || s > 3600 {
		t.Errorf("Retry-After: got %q, want seconds up to an hour", w.Header().Get("Retry-After"))
	}
	ce.post(t, ce.alice, `{"body":"Alice's first."}`, 201)
	ce.advance(time.Hour + time.Second)
	ce.post(t, ce.bob, `{"body":"Two."}`, 201)
}

// TestAnonymousCommentsNeverLeak searches every public answer that carries
// comments for the name, email and organisation of an anonymous author.
func TestAnonymousCommentsNeverLeak(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPost)
	ce.advance(2 * 24 * time.Hour)
	anon := ce.post(t, ce.alice, `{"paragraph":"p4","body":"Anonymous view.","proposed_text":"Better two.","display":"anonymous"}`, 201)
	named := ce.post(t, ce.bob, `{"question":1,"body":"Named view.","display":"named"}`, 201)
	if anon.Display != "anonymous" || !cmp.Equal(anon.Author, map[string]any{"group": "civil-society", "country": "KE"}) {
		t.Errorf("the anonymous comment's author: got %v, want only group and country", anon.Author)
	}
	if want := map[string]any{"name": "Bob Named", "organisation": "", "group": "private-sector", "country": "GB"}; !cmp.Equal(named.Author, want) {
		t.Errorf("the named comment's author: got %v, want %v", named.Author, want)
	}
	paths := []string{"/api/v1/consultations/round-1/comments", "/api/v1/comments/" + itoa(anon.ID),
		"/api/v1/consultations/round-1/stats", "/api/v1/consultations/round-1/heat",
		"/consultations/round-1/comments.csv", "/consultations/round-1/comments.json", "/consultations.atom"}
	for _, who := range []struct {
		name string
		c    *client
	}{{"anonymous", ce.anon}, {"another stakeholder", ce.bob}} {
		for _, p := range paths {
			w := who.c.get(p)
			wantStatus(t, who.name+" GET "+p, w, 200)
			for _, secret := range []string{aliceName, aliceEmail, aliceOrg, "Alice", "alice."} {
				if strings.Contains(w.Body.String(), secret) {
					t.Errorf("%s GET %s: the body carries %q", who.name, p, secret)
				}
			}
		}
	}
	// Moderators see who wrote it, as the comment form tells commenters.
	w := ce.editor.get("/api/v1/comments/" + itoa(anon.ID))
	wantStatus(t, "editor GET the anonymous comment", w, 200)
	if !strings.Contains(w.Body.String(), aliceName) || !strings.Contains(w.Body.String(), `"display":"anonymous"`) {
		t.Errorf("an editor reading the anonymous comment: got %s, want the author's name beside display anonymous", w.Body)
	}
}

func TestCommentDownloads(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPre)
	ce.advance(2 * 24 * time.Hour)
	a := ce.post(t, ce.alice, `{"paragraph":"p4","body":"Quote \"this\", and\nthat.","proposed_text":"Two.","display":"anonymous"}`, 201)
	b := ce.post(t, ce.bob, `{"question":2,"body":"Named.","type":"editorial"}`, 201)
	ce.post(t, ce.bob, `{"body":"Still pending."}`, 201)
	for _, id := range []int64{a.ID, b.ID} {
		wantStatus(t, "approve", ce.editor.json("POST", "/api/v1/comments/"+itoa(id)+"/moderation", `{"action":"approve"}`), 200)
	}

	w := ce.anon.get("/consultations/round-1/comments.csv")
	wantStatus(t, "CSV", w, 200)
	if ct, cd := w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"); !strings.HasPrefix(ct, "text/csv") ||
		cd != `attachment; filename="round-1-comments.csv"` {
		t.Errorf("CSV headers: got %q, %q", ct, cd)
	}
	if !strings.HasSuffix(w.Body.String(), "\r\n") || strings.HasPrefix(w.Body.String(), "\ufeff") {
		t.Errorf("CSV: want CRLF line ends and no BOM")
	}
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "paragraph", "section", "label", "question", "type", "stakeholder_group", "country", "commenter", "organisation",
			"body", "proposed_text", "created_at", "edited_at", "url"},
		{itoa(a.ID), "p4", "2", "2 ¶1", "", "general", "civil-society", "KE", "anonymous", "", "Quote \"this\", and\nthat.", "Two.",
			ce.at(0), "", "http://example.com/consultations/round-1/comments/" + itoa(a.ID)},
		{itoa(b.ID), "", "", "", "2", "editorial", "private-sector", "GB", "Bob Named", "", "Named.", "",
			ce.at(0), "", "http://example.com/consultations/round-1/comments/" + itoa(b.ID)},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("CSV rows differ (-want +got):\n%s", diff)
	}

	w = ce.anon.get("/consultations/round-1/comments.json")
	wantStatus(t, "JSON", w, 200)
	var dl struct {
		Consultation map[string]any  `json:"consultation"`
		Items        []commentAnswer `json:"items"`
	}
	decode(t, w, &dl)
	if dl.Consultation["slug"] != "round-1" || len(dl.Items) != 2 || dl.Items[0].ID != a.ID || dl.Items[1].ID != b.ID {
		t.Errorf("JSON download: got %+v", dl)
	}
	if cd := w.Header().Get("Content-Disposition"); cd != `attachment; filename="round-1-comments.json"` {
		t.Errorf("JSON Content-Disposition: got %q", cd)
	}
	// Even an editor's download is the public record.
	decode(t, ce.signedIn("editor").get("/consultations/round-1/comments.json"), &dl)
	if counts := dl.Consultation["counts"].(map[string]any); counts["pending"] != nil || len(dl.Items) != 2 {
		t.Errorf("editor's download: got counts %v and %d items, want the public ones", counts, len(dl.Items))
	}
	wantStatus(t, "unknown consultation", ce.anon.get("/consultations/nope/comments.csv"), 404)
}
