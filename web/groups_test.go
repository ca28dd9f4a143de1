package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

// campaignText is the text a campaign's copies share, each with one word
// changed.
const campaignText = "We urge the working group to require that every connected device ships without a universal default password, " +
	"because shared passwords let attackers take over thousands of cameras in minutes."

// campaignCountries are the copies' authors' countries, in turn: twelve,
// so the stats name ten and "Others".
var campaignCountries = []string{"KE", "GB", "US", "FR", "DE", "SG", "JP", "IN", "BR", "AU", "CA", "NG"}

// campaign posts copies from to to-1 of campaignText on p4 of round-1
// through the API, each by its own stakeholder account with a Bearer
// token, and returns their ids.
func (ce *consultEnv) campaign(t *testing.T, from, to int) []int64 {
	t.Helper()
	ctx := context.Background()
	var js []store.Jurisdiction
	for _, code := range campaignCountries {
		js = append(js, store.Jurisdiction{Code: code, Name: "Country " + code, Kind: "country"})
	}
	if err := ce.db.UpsertJurisdictions(ctx, js); err != nil {
		t.Fatal(err)
	}
	fillers := []string{"really", "strongly", "also", "truly"}
	var ids []int64
	for i := from; i < to; i++ {
		u, err := ce.db.CreateUser(ctx, store.User{Email: fmt.Sprintf("campaigner%d@example.org", i), Name: fmt.Sprintf("Campaigner %d", i),
			StakeholderGroup: "civil-society", Country: campaignCountries[i%len(campaignCountries)], Role: "stakeholder", ConsentPublish: true}, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := ce.db.CreateToken(ctx, u.ID, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		c := ce.client()
		c.bearer = tok
		w := strings.Fields(campaignText)
		w[(i*7)%len(w)] = fillers[i%len(fillers)]
		m := ce.post(t, c, `{"paragraph":"p4","body":"`+strings.Join(w, " ")+`","display":"named"}`, http.StatusCreated)
		ids = append(ids, m.ID)
	}
	return ids
}

// groupAnswer is a comment-group's JSON.
type groupAnswer struct {
	ID           int64            `json:"id"`
	Consultation string           `json:"consultation"`
	Comments     []map[string]any `json:"comments"`
}

// outboxCount counts queued messages of a kind.
func outboxCount(t *testing.T, db *store.DB, kind string) int {
	t.Helper()
	msgs, _, err := db.Outbox(context.Background(), 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind == kind {
			n++
		}
	}
	return n
}

// TestCampaignGroup: 100 copies of a campaign comment posted through the
// API form one group, which the moderation queue shows as one entry,
// approves and answers at once; public pages collapse it under its first
// comment; a comment taken out stays out.
func TestCampaignGroup(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPre)
	ce.advance(2 * 24 * time.Hour)
	ids := ce.campaign(t, 0, 100)
	apart := ce.post(t, ce.bob, `{"paragraph":"p4","body":"The rule should cite the ETSI standard rather than older guidance."}`, http.StatusCreated)

	var first map[string]any
	decode(t, ce.editor.get("/api/v1/comments/"+itoa(ids[0])), &first)
	gf, ok := first["group"].(float64)
	if !ok {
		t.Fatalf("the first copy: got group %v, want a group id", first["group"])
	}
	gid := int64(gf)
	var g groupAnswer
	decode(t, ce.editor.get("/api/v1/comment-groups/"+itoa(gid)), &g)
	if g.ID != gid || g.Consultation != "round-1" || len(g.Comments) != 100 {
		t.Fatalf("the group: got id %d, consultation %q, %d comments; want %d, round-1, 100", g.ID, g.Consultation, len(g.Comments), gid)
	}
	var other map[string]any
	decode(t, ce.editor.get("/api/v1/comments/"+itoa(apart.ID)), &other)
	if other["group"] != nil {
		t.Errorf("a different comment: got group %v, want null", other["group"])
	}

	editor, stakeholder := ce.signedIn("editor"), ce.signedIn("stakeholder")
	queue := "/consultations/round-1/moderation"
	d := doc(t, editor.get(queue))
	if got := d.Find(`[data-testid="moderation-queue"] > li`).Length(); got != 2 {
		t.Fatalf("queue: got %d entries, want 2 (the group and the other comment)", got)
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="moderation-group"] summary`).Text()); got != "and 99 similar comments" {
		t.Errorf("queue: got %q, want \"and 99 similar comments\"", got)
	}
	if got := d.Find(`[data-testid="moderation-group"] .similar-list li`).Length(); got != 99 {
		t.Errorf("queue: got %d similar comments listed, want 99", got)
	}
	if !strings.Contains(d.Find(`[data-testid="moderation-counts"]`).Text(), "101 comments wait") {
		t.Errorf("queue counts: got %q, want every comment counted", d.Find(`[data-testid="moderation-counts"]`).Text())
	}

	groupAction := "/consultations/round-1/groups/" + itoa(gid) + "/moderation"
	wantStatus(t, "hide the group without a reason", editor.post(groupAction, url.Values{"action": {"hide"}, "back": {queue}}), http.StatusUnprocessableEntity)
	wantStatus(t, "a stakeholder approves the group", stakeholder.post(groupAction, url.Values{"action": {"approve"}}), http.StatusForbidden)
	before := outboxCount(t, ce.db, "comment-approved")
	w := editor.post(groupAction, url.Values{"action": {"approve"}, "back": {queue}})
	wantStatus(t, "approve the group", w, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != queue {
		t.Errorf("approve the group: got Location %q, want the queue", got)
	}
	if got := outboxCount(t, ce.db, "comment-approved") - before; got != 100 {
		t.Errorf("approve the group: %d messages queued, want 100", got)
	}
	var approved commentList
	decode(t, ce.anon.get("/api/v1/consultations/round-1/comments?paragraph=p4"), &approved)
	if approved.Total != 100 {
		t.Errorf("after approving the group: %d public comments, want 100", approved.Total)
	}
	if _, err := ce.db.ModerateComment(context.Background(), apart.ID, store.ModerateApprove, "", "", nil); err != nil {
		t.Fatal(err)
	}

	t.Run("public pages collapse the group", func(t *testing.T) {
		for _, page := range []string{"/consultations/round-1/paragraphs/p4", "/consultations/round-1/comments"} {
			d := doc(t, ce.anon.get(page))
			if got := d.Find(`[data-testid="comments"] > article.comment`).Length(); got != 2 {
				t.Errorf("%s: got %d cards, want 2 (the group's first and the other comment)", page, got)
			}
			sim := d.Find(`[data-testid="similar-comments"]`)
			if got := strings.TrimSpace(sim.Find("summary").Text()); got != "and 99 similar comments" {
				t.Errorf("%s: got %q, want \"and 99 similar comments\"", page, got)
			}
			if got := sim.Find("article.comment").Length(); got != 99 {
				t.Errorf("%s: got %d cards under the first, want 99", page, got)
			}
		}
		d := doc(t, ce.anon.get("/consultations/round-1/paragraphs/p4"))
		if got := d.Find("#comments-title").Text(); !strings.Contains(got, "(101)") {
			t.Errorf("paragraph page: got heading %q, want every comment counted (101)", got)
		}
		var heat map[string]any
		decode(t, ce.anon.get("/api/v1/consultations/round-1/heat"), &heat)
		for _, r := range heat["rows"].([]any) {
			row := r.(map[string]any)
			if row["key"] == "p4" && row["total"] != float64(101) {
				t.Errorf("heat of p4: got %v, want 101", row["total"])
			}
		}
	})

	groupPage := "/consultations/round-1/groups/" + itoa(gid)
	t.Run("group disposition form", func(t *testing.T) {
		d := doc(t, editor.get(groupPage))
		if got := d.Find(`[data-testid="group-comments"] > li`).Length(); got != 100 {
			t.Errorf("group page: got %d comments, want 100", got)
		}
		wantStatus(t, "group page as a stakeholder", stakeholder.get(groupPage), http.StatusForbidden)
		tests := []struct {
			name   string
			form   url.Values
			fields []string
		}{
			{"nothing", url.Values{}, []string{"disposition", "rationale"}},
			{"unknown disposition", url.Values{"disposition": {"maybe"}, "rationale": {"Why"}}, []string{"disposition"}},
			{"bad address", url.Values{"disposition": {"noted"}, "rationale": {"Why"}, "addressed_in": {"p4"}}, []string{"addressed_in"}},
			{"no such version", url.Values{"disposition": {"noted"}, "rationale": {"Why"}, "addressed_in": {"2:p4"}}, []string{"addressed_in"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w := editor.post(groupPage+"/disposition", tt.form)
				wantStatus(t, tt.name, w, http.StatusUnprocessableEntity)
				d := doc(t, w)
				for _, f := range tt.fields {
					if d.Find(`#f-`+strings.ReplaceAll(f, "_", "-")+`-error`).Length() != 1 {
						t.Errorf("got no error on %s; summary %q", f, d.Find(`[data-testid="error-summary"]`).Text())
					}
				}
			})
		}
		before := outboxCount(t, ce.db, "comment-disposition")
		w := editor.post(groupPage+"/disposition", url.Values{"disposition": {"Noted"}, "rationale": {"Thank you: *noted*."}})
		wantStatus(t, "dispose of the group", w, http.StatusSeeOther)
		if got := w.Header().Get("Location"); got != groupPage {
			t.Errorf("got Location %q, want the group's page", got)
		}
		g, err := ce.db.Group(context.Background(), gid)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range g.Comments {
			if m.Disposition == nil || m.Disposition.Value != store.DispositionNoted || !strings.Contains(m.Disposition.RationaleHTML, "<em>noted</em>") {
				t.Fatalf("comment %d: got disposition %+v, want noted with the rationale rendered", m.ID, m.Disposition)
			}
		}
		if got := outboxCount(t, ce.db, "comment-disposition") - before; got != 100 {
			t.Errorf("group disposition: %d messages queued, want 100", got)
		}
	})

	out := ids[5]
	t.Run("take one out of the group", func(t *testing.T) {
		w := editor.post("/consultations/round-1/comments/"+itoa(out)+"/ungroup", url.Values{"back": {groupPage}})
		wantStatus(t, "take out", w, http.StatusSeeOther)
		if got := w.Header().Get("Location"); got != groupPage {
			t.Errorf("got Location %q, want the group's page", got)
		}
		// A later copy joins the group; the one taken out stays out.
		ce.campaign(t, 100, 101)
		m, err := ce.db.Comment(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		if m.GroupID != 0 {
			t.Errorf("the comment taken out: got group %d, want none", m.GroupID)
		}
		if got := doc(t, editor.get(groupPage)).Find(`[data-testid="group-comments"] > li`).Length(); got != 100 {
			t.Errorf("group page: got %d comments, want 100 (99 and the late copy)", got)
		}
		d := doc(t, ce.anon.get("/consultations/round-1/paragraphs/p4"))
		if got := strings.TrimSpace(d.Find(`[data-testid="similar-comments"] summary`).Text()); got != "and 98 similar comments" {
			t.Errorf("paragraph page: got %q, want \"and 98 similar comments\"", got)
		}
		if got := d.Find(`[data-testid="comments"] > article.comment`).Length(); got != 3 {
			t.Errorf("paragraph page: got %d cards, want 3", got)
		}
	})

	t.Run("API", func(t *testing.T) {
		stake := ce.alice
		tests := []struct {
			name, method, path, body string
		}{
			{"read", "GET", "/api/v1/comment-groups/" + itoa(gid), ""},
			{"moderate", "POST", "/api/v1/comment-groups/" + itoa(gid) + "/moderation", `{"action":"approve"}`},
			{"dispose", "PUT", "/api/v1/comment-groups/" + itoa(gid) + "/disposition", `{"disposition":"accepted","rationale":"Yes"}`},
			{"ungroup", "DELETE", "/api/v1/comments/" + itoa(ids[7]) + "/group", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantStatus(t, "anonymous", ce.anon.json(tt.method, tt.path, tt.body), http.StatusUnauthorized)
				wantStatus(t, "stakeholder", stake.json(tt.method, tt.path, tt.body), http.StatusForbidden)
			})
		}
		wantError(t, "hide without reason", ce.editor.json("POST", "/api/v1/comment-groups/"+itoa(gid)+"/moderation", `{"action":"hide"}`), 422, "invalid", "reason")
		wantError(t, "unknown disposition", ce.editor.json("PUT", "/api/v1/comment-groups/"+itoa(gid)+"/disposition", `{"disposition":"maybe","rationale":"x"}`), 422, "invalid", "disposition")
		wantError(t, "no such version", ce.editor.json("PUT", "/api/v1/comment-groups/"+itoa(gid)+"/disposition",
			`{"disposition":"accepted","rationale":"x","addressed_in":{"version":2,"paragraphs":["p4"]}}`), 422, "invalid", "addressed_in.version")
		wantStatus(t, "unknown group", ce.editor.get("/api/v1/comment-groups/999999"), http.StatusNotFound)

		// The late copy is pending: moderation approves it with the rest.
		var count struct {
			Group int64 `json:"group"`
			Count int   `json:"count"`
		}
		w := ce.editor.json("POST", "/api/v1/comment-groups/"+itoa(gid)+"/moderation", `{"action":"approve"}`)
		wantStatus(t, "approve", w, 200)
		decode(t, w, &count)
		if count.Group != gid || count.Count != 100 {
			t.Errorf("approve: got %+v, want group %d, count 100", count, gid)
		}
		w = ce.editor.json("PUT", "/api/v1/comment-groups/"+itoa(gid)+"/disposition", `{"disposition":"accepted","rationale":"We **agree**.","addressed_in":null}`)
		wantStatus(t, "dispose", w, 200)
		decode(t, w, &count)
		if count.Group != gid || count.Count != 100 {
			t.Errorf("dispose: got %+v, want group %d, count 100", count, gid)
		}
		w = ce.editor.json("DELETE", "/api/v1/comments/"+itoa(ids[7])+"/group", "")
		wantStatus(t, "ungroup", w, 200)
		var bare map[string]any
		decode(t, w, &bare)
		if bare["id"] != float64(ids[7]) || bare["group"] != nil {
			t.Errorf("ungroup: got id %v, group %v; want the comment bare with group null", bare["id"], bare["group"])
		}
		wantError(t, "ungroup again", ce.editor.json("DELETE", "/api/v1/comments/"+itoa(ids[7])+"/group", ""), 422, "invalid", "group")
	})

	t.Run("stats", func(t *testing.T) {
		// 102 published: the group's 99 (accepted), the late copy
		// (accepted), the one taken out (noted) and Bob's (none).
		var st struct {
			ByDisposition map[string]int `json:"by_disposition"`
			Answered      struct {
				Count int     `json:"count"`
				Share float64 `json:"share"`
			} `json:"answered"`
			Approved int            `json:"approved"`
			ByGroup  map[string]int `json:"by_group"`
		}
		decode(t, ce.anon.get("/api/v1/consultations/round-1/stats"), &st)
		want := map[string]int{"accepted": 100, "accepted-in-part": 0, "not-accepted": 0, "noted": 1, "out-of-scope": 0, "none": 1}
		if fmt.Sprint(st.ByDisposition) != fmt.Sprint(want) {
			t.Errorf("by_disposition: got %v, want %v", st.ByDisposition, want)
		}
		if st.Approved != 102 || st.Answered.Count != 101 || st.Answered.Share != 101.0/102 {
			t.Errorf("got approved %d, answered %+v; want 102, 101, %v", st.Approved, st.Answered, 101.0/102)
		}
		if st.ByGroup["civil-society"] != 101 || st.ByGroup["private-sector"] != 1 {
			t.Errorf("by_group: got %v", st.ByGroup)
		}

		page := "/consultations/round-1"
		if doc(t, ce.anon.get(page)).Find(`[data-testid="stats"]`).Length() != 0 {
			t.Error("the stats section shows before the close")
		}
		ce.advance(10 * 24 * time.Hour)
		d := doc(t, ce.anon.get(page))
		if got := strings.Join(strings.Fields(d.Find(`[data-testid="stats-answered"]`).Text()), " "); got != "101 of 102 comments have a disposition (99%)." {
			t.Errorf("stats: got %q", got)
		}
		rows := func(testid string) map[string]string {
			out := map[string]string{}
			d.Find(`[data-testid="` + testid + `"] tbody tr`).Each(func(_ int, r *goquery.Selection) {
				out[strings.TrimSpace(r.Find("th").Text())] = strings.TrimSpace(r.Find("td").First().Text())
			})
			return out
		}
		if got := rows("stats-dispositions"); got["Accepted"] != "100" || got["Noted"] != "1" || got["No disposition yet"] != "1" || len(got) != 6 {
			t.Errorf("by disposition: got %v", got)
		}
		if got := rows("stats-groups"); got["Civil society"] != "101" || got["Private sector"] != "1" {
			t.Errorf("by group: got %v", got)
		}
		countries := d.Find(`[data-testid="stats-countries"] tbody tr`)
		if countries.Length() != 11 || !strings.HasPrefix(strings.TrimSpace(countries.Last().Find("th").Text()), "Others (2 countries)") {
			t.Errorf("by country: got %d rows, last %q; want 10 and Others (2 countries)", countries.Length(), countries.Last().Find("th").Text())
		}
		for _, cap := range []string{"stats-groups", "stats-countries", "stats-dispositions"} {
			if d.Find(`[data-testid="`+cap+`"] caption`).Length() != 1 || d.Find(`[data-testid="`+cap+`"] th[scope="row"]`).Length() == 0 {
				t.Errorf("%s: want a caption and row headers", cap)
			}
		}
		// The heat table itself is part of what was said (issue 10, item 8).
		if d.Find(`[data-testid="stats"] table[data-testid="heat"]`).Length() != 1 {
			t.Error("the stats do not show the heat table")
		}
	})
}
