package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// consultEnv is a server with a small document to consult on and three
// API clients: an editor, Alice (civil society, Kenya, who does not want
// her name published) and Bob (private sector, named, no organisation).
type consultEnv struct {
	*env
	editor, alice, bob, anon *client
	aliceID, bobID           int64
}

// Alice's private details, which no public answer may carry.
const (
	aliceName  = "Alice Secretname"
	aliceEmail = "alice.secret@example.org"
	aliceOrg   = "Hidden Org Ltd"
)

func newConsultEnv(t *testing.T) *consultEnv {
	t.Helper()
	ctx := context.Background()
	ce := &consultEnv{env: newEnv(t)}
	v := store.NewVersion{Source: "## 1 Scope\n\nOne.\n\n## 2 Rules\n\nTwo.\n\n- a list item", HTML: "<p>x</p>", NextParagraph: 6,
		Paragraphs: []store.Paragraph{
			{ID: "p1", Section: "1", Kind: "heading", Text: "1 Scope"},
			{ID: "p2", Section: "1", Ordinal: 1, Kind: "paragraph", Text: "One.", Position: 1},
			{ID: "p3", Section: "2", Kind: "heading", Text: "2 Rules", Position: 2},
			{ID: "p4", Section: "2", Ordinal: 1, Kind: "paragraph", Text: "Two.", Position: 3},
			{ID: "p5", Section: "2", Ordinal: 2, Kind: "list-item", Text: "a list item", Position: 4},
		}}
	if _, err := ce.db.CreateDocument(ctx, store.Document{Slug: "doc", Title: "The doc"}, v); err != nil {
		t.Fatal(err)
	}
	if err := ce.db.UpsertJurisdictions(ctx, []store.Jurisdiction{{Code: "KE", Name: "Kenya", Kind: "country"}}); err != nil {
		t.Fatal(err)
	}
	bearer := func(id int64) *client {
		tok, err := ce.db.CreateToken(ctx, id, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		c := ce.client()
		c.bearer = tok
		return c
	}
	user := func(u store.User) int64 {
		u.Role = "stakeholder"
		got, err := ce.db.CreateUser(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		return got.ID
	}
	ce.aliceID = user(store.User{Email: aliceEmail, Name: aliceName, Organisation: aliceOrg, StakeholderGroup: "civil-society", Country: "KE"})
	ce.bobID = user(store.User{Email: "bob@example.org", Name: "Bob Named", StakeholderGroup: "private-sector", Country: "GB", ConsentPublish: true})
	ce.editor, ce.alice, ce.bob = bearer(ce.users["editor"].ID), bearer(ce.aliceID), bearer(ce.bobID)
	ce.anon = ce.client()
	return ce
}

// consultation opens "round-1" on doc version 1 through the API: it opens
// a day from now and closes ten days from now.
func (ce *consultEnv) consultation(t *testing.T, moderation string) {
	t.Helper()
	body := `{"slug":"round-1","title":"Round one","document":"doc","version":1,"opens_at":"` + ce.at(24*time.Hour) +
		`","closes_at":"` + ce.at(10*24*time.Hour) + `","timezone":"Africa/Nairobi","introduction":"Tell us *everything*.",` +
		`"questions":["Is the scope right?",{"text":"Are the rules clear?","section":"2"}],"moderation":"` + moderation + `"}`
	wantStatus(t, "create consultation", ce.editor.json("POST", "/api/v1/consultations", body), http.StatusCreated)
}

// at is the clock's time plus d, as RFC 3339.
func (ce *consultEnv) at(d time.Duration) string { return ce.clock().Add(d).Format(time.RFC3339) }

// decode reads a JSON answer into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

func wantError(t *testing.T, what string, w *httptest.ResponseRecorder, status int, code, field string) {
	t.Helper()
	wantStatus(t, what, w, status)
	var e apiError
	decode(t, w, &e)
	if code != "" && e.Error.Code != code {
		t.Errorf("%s: got code %q, want %q", what, e.Error.Code, code)
	}
	if field != "" && e.Error.Fields[field] == "" {
		t.Errorf("%s: got fields %v, want one on %q", what, e.Error.Fields, field)
	}
}

func TestAPIConsultationWrites(t *testing.T) {
	ce := newConsultEnv(t)
	// valid is a good body; edit repeats some keys, and JSON's later
	// duplicate wins.
	valid := func(edit string) string {
		return `{"slug":"round-1","title":"Round one","document":"doc","version":1,"opens_at":"` + ce.at(24*time.Hour) +
			`","closes_at":"` + ce.at(240*time.Hour) + `","timezone":"Europe/Paris","moderation":"pre",` + edit +
			`"questions":["Is the scope right?",{"text":"Are the rules clear?","section":"2"}]}`
	}
	stakeholder := ce.client()
	stakeholder.bearer, _ = ce.db.CreateToken(context.Background(), ce.users["stakeholder"].ID, "s", time.Time{})
	tests := []struct {
		name, body string
		who        *client
		status     int
		code       string
		field      string
	}{
		{"anonymous", valid(""), ce.anon, 401, "unauthorized", ""},
		{"stakeholder", valid(""), stakeholder, 403, "forbidden", ""},
		{"bad opening date", valid(`"opens_at":"tomorrow",`), ce.editor, 422, "invalid", "opens_at"},
		{"closes before it opens", valid(`"closes_at":"` + ce.at(time.Hour) + `",`), ce.editor, 422, "invalid", "closes_at"},
		{"unknown version", valid(`"version":9,`), ce.editor, 422, "invalid", "version"},
		{"bad time zone", valid(`"timezone":"Mars/Olympus",`), ce.editor, 422, "invalid", "timezone"},
		{"question of the wrong type", strings.Replace(valid(""), `"Is the scope right?"`, `42`, 1), ce.editor, 422, "invalid", "questions"},
		{"unknown section", strings.Replace(valid(""), `"section":"2"`, `"section":"7"`, 1), ce.editor, 422, "invalid", "questions[1].section"},
		{"invalid UTF-8", valid(`"title":"Round \xff",`), ce.editor, 400, "bad_request", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.name, tt.who.json("POST", "/api/v1/consultations", tt.body), tt.status, tt.code, tt.field)
		})
	}

	w := ce.editor.json("POST", "/api/v1/consultations", valid(""))
	wantStatus(t, "create", w, http.StatusCreated)
	if got := w.Header().Get("Location"); got != "/api/v1/consultations/round-1" {
		t.Errorf("Location: got %q, want /api/v1/consultations/round-1", got)
	}
	var created struct {
		Consultation map[string]any `json:"consultation"`
	}
	decode(t, w, &created)
	k := created.Consultation
	qs, _ := k["questions"].([]any)
	if len(qs) != 2 {
		t.Fatalf("questions: got %v, want 2", k["questions"])
	}
	if q0 := qs[0].(map[string]any); q0["text"] != "Is the scope right?" || q0["section"] != nil {
		t.Errorf("question 1: got %v, want the text with section null", q0)
	}
	if q1 := qs[1].(map[string]any); q1["section"] != "2" {
		t.Errorf("question 2: got %v, want section 2", q1)
	}
	if k["state"] != "upcoming" || k["url"] != "/consultations/round-1" || k["opens_at"] != ce.clock().Add(24*time.Hour).Format(time.RFC3339) {
		t.Errorf("got %v", k)
	}
	if counts := k["counts"].(map[string]any); counts["pending"] == nil {
		t.Errorf("an editor's counts: got %v, want pending too", counts)
	}

	// A second consultation on the same document that has not closed.
	second := strings.Replace(valid(""), `"slug":"round-1"`, `"slug":"round-2"`, 1)
	wantError(t, "second", ce.editor.json("POST", "/api/v1/consultations", second), 409, "consultation_exists", "")

	// Before it opens it is announced to everyone (a consultation's JSON
	// carries none of the draft's text); its comments are not readable.
	wantStatus(t, "anonymous GET upcoming", ce.anon.get("/api/v1/consultations/round-1"), 200)
	wantStatus(t, "stakeholder GET upcoming", ce.alice.get("/api/v1/consultations/round-1"), 200)
	wantStatus(t, "anonymous GET upcoming comments", ce.anon.get("/api/v1/consultations/round-1/comments"), 404)
	var list struct {
		Items   []map[string]any `json:"items"`
		Total   int              `json:"total"`
		Page    int              `json:"page"`
		PerPage int              `json:"per_page"`
	}
	decode(t, ce.anon.get("/api/v1/consultations"), &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0]["state"] != "upcoming" {
		t.Errorf("anonymous list before opening: got %+v, want the upcoming one", list.Items)
	}
	decode(t, ce.editor.get("/api/v1/consultations"), &list)
	if list.Total != 1 || list.Page != 1 || list.PerPage != 50 || len(list.Items[0]["questions"].([]any)) != 2 {
		t.Errorf("editor's list: got %+v, want round-1 with its questions", list)
	}
	decode(t, ce.editor.get("/api/v1/consultations?document=iot-security-by-design"), &list)
	if list.Total != 0 {
		t.Errorf("editor's list of another document: got %d, want 0", list.Total)
	}

	// Before opening, every date may change.
	w = ce.editor.json("PATCH", "/api/v1/consultations/round-1", `{"opens_at":"`+ce.at(2*time.Hour)+`","title":"Round 1"}`)
	wantStatus(t, "patch before opening", w, 200)
	var bare map[string]any
	decode(t, w, &bare)
	if bare["title"] != "Round 1" || bare["opens_at"] != ce.clock().Add(2*time.Hour).Format(time.RFC3339) {
		t.Errorf("patched: got %v", bare)
	}
	wantError(t, "patch closes before opens", ce.editor.json("PATCH", "/api/v1/consultations/round-1",
		`{"closes_at":"`+ce.at(time.Hour)+`"}`), 422, "invalid", "closes_at")
	wantError(t, "patch bad date", ce.editor.json("PATCH", "/api/v1/consultations/round-1", `{"closes_at":"soon"}`), 422, "invalid", "closes_at")
	wantStatus(t, "stakeholder patch", ce.alice.json("PATCH", "/api/v1/consultations/round-1", `{"title":"x"}`), 403)

	ce.advance(3 * time.Hour)
	w = ce.anon.get("/api/v1/consultations/round-1")
	wantStatus(t, "anonymous GET open", w, 200)
	decode(t, w, &bare)
	counts := bare["counts"].(map[string]any)
	if bare["state"] != "open" || len(counts) != 2 {
		t.Errorf("public view: got state %v, counts %v; want open and only approved, paragraphs_commented", bare["state"], counts)
	}
	wantError(t, "patch opens_at once open", ce.editor.json("PATCH", "/api/v1/consultations/round-1",
		`{"opens_at":"`+ce.at(time.Hour)+`"}`), 409, "consultation_open", "")
	w = ce.editor.json("PATCH", "/api/v1/consultations/round-1", `{"closes_at":"`+ce.at(30*24*time.Hour)+`"}`)
	wantStatus(t, "extend", w, 200)
	wantError(t, "delete open", ce.editor.json("DELETE", "/api/v1/consultations/round-1", ""), 409, "consultation_open", "")

	// An upcoming consultation without comments can be deleted.
	other := `{"slug":"gone","title":"Gone","document":"iot-security-by-design","version":1,"opens_at":"` + ce.at(48*time.Hour) +
		`","closes_at":"` + ce.at(96*time.Hour) + `"}`
	wantStatus(t, "create another", ce.editor.json("POST", "/api/v1/consultations", other), 201)
	wantStatus(t, "stakeholder delete", ce.alice.json("DELETE", "/api/v1/consultations/gone", ""), 403)
	wantStatus(t, "delete upcoming", ce.editor.json("DELETE", "/api/v1/consultations/gone", ""), 204)
	wantStatus(t, "deleted", ce.editor.get("/api/v1/consultations/gone"), 404)
}
