package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

// editorMapping has the editor add a mapping through the API and returns
// its id: the editor is its author.
func editorMapping(t *testing.T, e *env, ed *client) int64 {
	t.Helper()
	w := ed.json("POST", "/api/v1/mappings", `{"policy":"uk-psti-act-2022","provision":null,"framework":"dc-isss-iot","item":"RQ2",
		"relationship":"subset-of","strength":6,"rationale":"Sets minimum requirements."}`)
	wantStatus(t, "create mapping", w, http.StatusCreated)
	var m struct {
		ID         int64   `json:"id"`
		Reviewed   bool    `json:"reviewed"`
		ReviewedBy *string `json:"reviewed_by"`
		ReviewedAt *string `json:"reviewed_at"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || m.ID == 0 || m.Reviewed || m.ReviewedBy != nil || m.ReviewedAt != nil {
		t.Fatalf("created mapping %s: want unreviewed with null reviewed_by and reviewed_at (%v)", w.Body, err)
	}
	return m.ID
}

func TestReviewAPI(t *testing.T) {
	e := newEnv(t)
	ed, admin, stake := e.signedIn("editor"), e.signedIn("admin"), e.signedIn("stakeholder")
	id := editorMapping(t, e, ed)
	path := "/api/v1/mappings/" + itoa(id) + "/review"

	// The author asking for review on creation is refused.
	w := ed.json("POST", "/api/v1/mappings", `{"policy":"uk-psti-act-2022","provision":null,"framework":"dc-isss-iot","item":"RQ1",
		"relationship":"subset-of","rationale":"x","reviewed":true}`)
	wantStatus(t, "author creates reviewed", w, http.StatusUnprocessableEntity)
	if !strings.Contains(w.Body.String(), `"reviewed"`) {
		t.Errorf("422 body %s does not name the field reviewed", w.Body)
	}

	tests := []struct {
		name   string
		c      *client
		path   string
		body   string
		status int
		want   string // in the body
	}{
		{"author approves own", ed, path, `{"action":"approve"}`, http.StatusUnprocessableEntity, `"reviewed"`},
		{"stakeholder", stake, path, `{"action":"approve"}`, http.StatusForbidden, `"forbidden"`},
		{"unknown mapping", admin, "/api/v1/mappings/999999/review", `{"action":"approve"}`, http.StatusNotFound, `"not_found"`},
		{"bad action", admin, path, `{"action":"maybe"}`, http.StatusUnprocessableEntity, `"action"`},
		{"reject without note", admin, path, `{"action":"reject"}`, http.StatusUnprocessableEntity, `"note"`},
		{"unknown field", admin, path, `{"action":"approve","by":"me"}`, http.StatusUnprocessableEntity, `"by"`},
		{"approve", admin, path, `{"action":"approve","note":"Checked against section 1."}`, http.StatusOK, `"reviewed":true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.c.json("POST", tt.path, tt.body)
			wantStatus(t, tt.name, w, tt.status)
			if !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("body %s lacks %s", w.Body, tt.want)
			}
		})
	}
	var m map[string]any
	if err := json.Unmarshal(e.client().get("/api/v1/mappings/"+itoa(id)).Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["reviewed"] != true || m["reviewed_by"] != "Test admin" || m["reviewed_at"] == nil || m["rejected"] != false {
		t.Errorf("after approval GET answers %v", m)
	}
	// Coverage JSON keeps counts and adds reviewed_counts.
	var cv struct {
		Rows []struct {
			Key            string         `json:"key"`
			Counts         map[string]int `json:"counts"`
			ReviewedCounts map[string]int `json:"reviewed_counts"`
		} `json:"rows"`
		Mappings store.MappingTally `json:"mappings"`
	}
	if err := json.Unmarshal(e.client().get("/api/v1/coverage").Body.Bytes(), &cv); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range cv.Rows {
		if r.Key == "GB" {
			found = true
			if r.ReviewedCounts["RQ2"] != 1 || r.Counts["RQ2"] < 1 {
				t.Errorf("GB row: counts %v, reviewed_counts %v; want RQ2 reviewed once", r.Counts, r.ReviewedCounts)
			}
		}
	}
	if !found || cv.Mappings.Reviewed != 1 || cv.Mappings.Mappings < 100 {
		t.Errorf("coverage JSON: GB row found %v, mappings %+v", found, cv.Mappings)
	}
	if tally := doc(t, e.client().get("/map?challenge=RQ2")).Find(`[data-testid="map-tally"]`).Text(); !strings.Contains(tally, ", 1 reviewed") {
		t.Errorf("map for RQ2 says %q, want one reviewed mapping", tally)
	}
	if tally := doc(t, e.client().get("/policies/uk-psti-act-2022")).Find(`[data-testid="policy-tally"]`).Text(); !strings.Contains(tally, ", 1 reviewed") {
		t.Errorf("policy page says %q, want one reviewed mapping", tally)
	}
	// Rejecting takes it out of every count.
	wantStatus(t, "reject", admin.json("POST", path, `{"action":"reject","note":"RQ2 is a question, not a requirement."}`), http.StatusOK)
	got, _ := e.db.Mapping(t.Context(), id)
	if !got.Rejected || got.Reviewed {
		t.Errorf("after reject: %+v", got)
	}
}

func TestReviewQueuePage(t *testing.T) {
	e := newEnv(t)
	ed, admin := e.signedIn("editor"), e.signedIn("admin")
	id := editorMapping(t, e, ed)

	wantStatus(t, "anonymous", e.client().get("/review"), http.StatusSeeOther)
	wantStatus(t, "stakeholder", e.signedIn("stakeholder").get("/review"), http.StatusForbidden)

	d := doc(t, admin.get("/review"))
	total := d.Find(`[data-testid="review-total"]`).Text()
	if !strings.Contains(total, "mappings await review") {
		t.Errorf("review total reads %q", total)
	}
	if n := d.Find(`[data-testid="review-row"]`).Length(); n != 20 {
		t.Errorf("first page shows %d mappings, want 20", n)
	}
	if d.Find(`nav a[href="/review?page=2"]`).Length() == 0 {
		t.Error("no link to page 2")
	}
	// The editor's own mapping: no review buttons for them, 403 if forced.
	pages := (e.mustQueueTotal(t) + 19) / 20
	row := doc(t, ed.get("/review")).Find("#mapping-" + itoa(id))
	for pg := 2; pg <= pages && row.Length() == 0; pg++ {
		row = doc(t, ed.get("/review?page="+itoa(int64(pg)))).Find("#mapping-" + itoa(id))
	}
	if row.Length() != 1 || row.Find("button").Length() != 0 || !strings.Contains(row.Text(), "another member reviews it") {
		t.Errorf("own mapping row: %q", row.Text())
	}
	w := ed.post("/review/"+itoa(id), url.Values{"action": {"approve"}})
	wantStatus(t, "author approves own", w, http.StatusForbidden)
	if !strings.Contains(w.Body.String(), "another member must review it") {
		t.Errorf("403 page does not say why: %s", w.Body)
	}
	// Rejecting without a note keeps the queue and says what is missing.
	w = admin.post("/review/"+itoa(id), url.Values{"action": {"reject"}})
	wantStatus(t, "reject without note", w, http.StatusUnprocessableEntity)
	wantStatus(t, "unknown mapping", admin.post("/review/999999", url.Values{"action": {"approve"}}), http.StatusNotFound)
	wantStatus(t, "approve", admin.post("/review/"+itoa(id), url.Values{"action": {"approve"}}), http.StatusSeeOther)
	m, _ := e.db.Mapping(t.Context(), id)
	if !m.Reviewed || m.ReviewedBy != "Test admin" {
		t.Fatalf("after approval: %+v", m)
	}
	// Who and when show on the item page; an amendment resets the review.
	item := doc(t, e.client().get("/frameworks/dc-isss-iot/items/RQ2")).Text()
	if !strings.Contains(item, "Reviewed by Test admin on 1 March 2026") {
		t.Error("item page does not say who reviewed the mapping and when")
	}
	// The policy page says it in visible text, not only in a tooltip.
	var onPolicy []string
	doc(t, e.client().get("/policies/uk-psti-act-2022")).Find(`[data-testid="review-state"]`).Each(func(_ int, s *goquery.Selection) {
		onPolicy = append(onPolicy, s.Text())
	})
	if !slices.Contains(onPolicy, "Reviewed by Test admin on 1 March 2026.") {
		t.Errorf("policy page review states %q, want one reading %q", onPolicy, "Reviewed by Test admin on 1 March 2026.")
	}
	wantStatus(t, "amend", admin.post("/policies/uk-psti-act-2022/mappings/"+itoa(id)+"/edit", url.Values{"framework": {"dc-isss-iot"}, "item": {"RQ2"},
		"relationship": {"intersects-with"}, "rationale": {"Overlaps."}}), http.StatusSeeOther)
	if m, _ = e.db.Mapping(t.Context(), id); m.Reviewed {
		t.Errorf("amended mapping still reviewed: %+v", m)
	}
	events, _, err := e.db.Audit(t.Context(), store.AuditFilter{Action: "mapping.approve", Limit: 10})
	if err != nil || len(events) != 1 {
		t.Errorf("audit of the approval: %v, %v", events, err)
	}
}

func (e *env) mustQueueTotal(t *testing.T) int {
	t.Helper()
	q, err := e.db.UnreviewedMappings(t.Context(), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return q.Total
}
