package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

func TestAPIPolicyWrites(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, err := e.db.CreateToken(ctx, e.users["editor"].ID, "test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.bearer = tok
	valid := `{"slug":"sg-cls-2","title":"Cybersecurity Labelling Scheme 2","jurisdictions":["SG"],"type":"certification-scheme",
		"provisions":[{"ref":"1","title":"Level 1","text":"Baseline","topics":["default-passwords"]}],
		"mappings":[{"framework":"dc-isss-iot","item":"C4","provision":"1","relationship":"intersects-with","strength":5,"rationale":"labels","reviewed":false}]}`
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
		wantFields               []string
	}{
		{"malformed JSON", "POST", "/api/v1/policies", `{"slug": "x",`, 400, nil},
		{"invalid UTF-8", "POST", "/api/v1/policies", "{\"slug\":\"x\",\"title\":\"\xff\"}", 400, nil},
		{"not an object", "POST", "/api/v1/policies", `[1,2]`, 422, nil},
		{"unknown field", "POST", "/api/v1/policies", `{"slug":"x","titel":"X"}`, 422, []string{"titel"}},
		{"wrong type", "POST", "/api/v1/policies", `{"slug":"x","title":5}`, 422, []string{"title"}},
		{"invalid fields", "POST", "/api/v1/policies", `{"slug":"Bad Slug","title":"","jurisdictions":[],"type":"decree","url":"ftp://x"}`, 422,
			[]string{"slug", "title", "jurisdictions", "type", "url"}},
		{"bad mapping inside", "POST", "/api/v1/policies", `{"slug":"x-y","title":"X","jurisdictions":["GB"],"type":"law","mappings":[{"framework":"dc-isss-iot","item":"C1","relationship":"about","rationale":""}]}`, 422,
			[]string{"mappings[0].relationship", "mappings[0].rationale"}},
		{"create", "POST", "/api/v1/policies", valid, 201, nil},
		{"create again", "POST", "/api/v1/policies", valid, 409, nil},
		{"put with another slug", "PUT", "/api/v1/policies/sg-other", valid, 422, []string{"slug"}},
		{"put update", "PUT", "/api/v1/policies/sg-cls-2", strings.Replace(valid, "Level 1", "Tier 1", 1), 200, nil},
		{"put create", "PUT", "/api/v1/policies/sg-cls-3", `{"title":"CLS 3","jurisdictions":["SG"],"type":"report"}`, 201, nil},
		{"delete", "DELETE", "/api/v1/policies/sg-cls-3", "", 204, nil},
		{"delete missing", "DELETE", "/api/v1/policies/sg-cls-3", "", 404, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := c.json(tc.method, tc.path, tc.body)
			wantStatus(t, tc.name, w, tc.want)
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") && tc.want != 204 {
				t.Errorf("got Content-Type %q, want JSON", w.Header().Get("Content-Type"))
			}
			if tc.want >= 400 {
				var body struct {
					Error struct {
						Code, Message string
						Fields        map[string]string
					}
				}
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
					t.Fatalf("error body %s: %v", w.Body, err)
				}
				for _, f := range tc.wantFields {
					if body.Error.Fields[f] == "" {
						t.Errorf("fields %v lack %q", body.Error.Fields, f)
					}
				}
			}
		})
	}
	p, err := e.db.Policy(ctx, "sg-cls-2")
	if err != nil || p.Provisions[0].Title != "Tier 1" || len(p.Mappings) != 1 || p.Mappings[0].Strength != 5 {
		t.Fatalf("got %+v, %v", p, err)
	}
	if p.CreatedBy != "Test editor" {
		t.Errorf("created by %q, want the token's user", p.CreatedBy)
	}
}

func TestAPIMappings(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, _ := e.db.CreateToken(ctx, e.users["editor"].ID, "test", time.Time{})
	c := e.client()
	c.bearer = tok
	before, _ := e.db.Policies(ctx, store.PolicyFilter{Facets: map[string][]string{"challenge": {"RQ2"}}})
	body := `{"policy":"uk-psti-act-2022","provision":null,"framework":"dc-isss-iot","item":"RQ2","relationship":"subset-of","strength":6,"rationale":"Sets minimum requirements.","reviewed":false}`
	w := c.json("POST", "/api/v1/mappings", body)
	wantStatus(t, "create mapping", w, http.StatusCreated)
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	id, ok := m["id"].(float64)
	if !ok || id <= 0 || m["policy"] != "uk-psti-act-2022" || m["relationship"] != "subset-of" || m["strength"] != 6.0 || m["reviewed"] != false || m["reviewed_by"] != nil {
		t.Fatalf("got %v, want the mapping with its id", m)
	}
	if got := w.Header().Get("Location"); got != "/api/v1/mappings/"+itoa(int64(id)) {
		t.Errorf("Location %q", got)
	}
	// At once in the counts that coverage is built from.
	after, _ := e.db.Policies(ctx, store.PolicyFilter{Facets: map[string][]string{"challenge": {"RQ2"}}})
	if after.Total != before.Total+1 {
		t.Errorf("policies mapped to RQ2: got %d, want %d", after.Total, before.Total+1)
	}
	wantStatus(t, "same mapping again", c.json("POST", "/api/v1/mappings", body), http.StatusConflict)
	for _, tc := range []struct {
		name, body string
		want       int
		field      string
	}{
		{"relationship outside the vocabulary", strings.Replace(body, "subset-of", "part-of", 1), 422, "relationship"},
		{"missing rationale", strings.Replace(body, `"rationale":"Sets minimum requirements.",`, "", 1), 422, "rationale"},
		{"blank rationale", strings.Replace(body, "Sets minimum requirements.", "  ", 1), 422, "rationale"},
		{"unknown policy", strings.Replace(body, "uk-psti-act-2022", "nope", 1), 422, "policy"},
		{"unknown item", strings.Replace(body, `"RQ2"`, `"C99"`, 1), 422, "item"},
		{"unknown provision", strings.Replace(body, `"provision":null`, `"provision":"9.9"`, 1), 422, "provision"},
		{"strength out of range", strings.Replace(body, `"strength":6`, `"strength":11`, 1), 422, "strength"},
		{"malformed", `{"policy":`, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := c.json("POST", "/api/v1/mappings", tc.body)
			wantStatus(t, tc.name, w, tc.want)
			if tc.field != "" && !strings.Contains(w.Body.String(), `"`+tc.field+`":`) {
				t.Errorf("body %s does not name %s", w.Body, tc.field)
			}
		})
	}
	stake := e.client()
	stake.bearer, _ = e.db.CreateToken(ctx, e.users["stakeholder"].ID, "s", time.Time{})
	wantStatus(t, "delete as stakeholder", stake.json("DELETE", "/api/v1/mappings/"+itoa(int64(id)), ""), http.StatusForbidden)
	wantStatus(t, "delete", c.json("DELETE", "/api/v1/mappings/"+itoa(int64(id)), ""), http.StatusNoContent)
	wantStatus(t, "delete again", c.json("DELETE", "/api/v1/mappings/"+itoa(int64(id)), ""), http.StatusNotFound)
	// A session-based API write needs the CSRF header.
	s := e.signedIn("editor")
	s.noCSRF = true
	wantStatus(t, "session without CSRF header", s.json("POST", "/api/v1/mappings", body), http.StatusForbidden)
}

func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	bad := e.signedIn("")
	bad.post("/login", map[string][]string{"email": {"editor@example.org"}, "password": {"secret-guess-123"}})
	ed := e.signedIn("editor")
	ed.post("/policies/eu-cra/edit", map[string][]string{"title": {"Cyber Resilience Act"}, "jurisdictions": {"EU"}, "type": {"law"}})
	admin := e.signedIn("admin")
	admin.post("/admin/users/"+itoa(e.users["stakeholder"].ID)+"/role", map[string][]string{"role": {"editor"}})

	events, _, err := e.db.Audit(ctx, store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]store.AuditEvent{}
	for _, ev := range events {
		if strings.Contains(ev.Detail+ev.Object, "secret-guess") {
			t.Errorf("audit event %+v holds the password", ev)
		}
		found[ev.Action] = ev
	}
	for action, who := range map[string]string{"login.failed": "anonymous", "login": "", "policy.update": "editor@example.org", "user.role": "admin@example.org"} {
		ev, ok := found[action]
		if !ok {
			t.Errorf("no %s event", action)
			continue
		}
		if who != "" && ev.Actor != who {
			t.Errorf("%s by %q, want %q", action, ev.Actor, who)
		}
		if ev.IP != "192.0.2.10" {
			t.Errorf("%s from %q, want the client address", action, ev.IP)
		}
		if ev.At.Location() != time.UTC || ev.At.IsZero() {
			t.Errorf("%s at %v, want a UTC time", action, ev.At)
		}
	}
	if d := found["policy.update"].Detail; !strings.Contains(d, "title") {
		t.Errorf("policy.update detail %q does not say what changed", d)
	}
	if d := found["user.role"].Detail; d != "stakeholder -> editor" {
		t.Errorf("user.role detail %q", d)
	}

	w := admin.get("/admin/audit?action=policy.update")
	wantStatus(t, "audit page", w, http.StatusOK)
	rows := doc(t, w).Find("tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "policy/eu-cra") || !strings.Contains(rows.Text(), "editor@example.org") {
		t.Errorf("filtered audit rows: %q", rows.Text())
	}
	w = admin.get("/admin/audit?actor=admin%40example.org&object=user%2F&from=2026-03-01&to=2026-03-01")
	if n := doc(t, w).Find("tbody tr").Length(); n < 2 {
		t.Errorf("got %d rows for the admin's user events today, want the sign-in and the role change", n)
	}
	if n := doc(t, admin.get("/admin/audit?from=2026-03-02")).Find("tbody tr").Length(); n != 0 {
		t.Errorf("got %d events from tomorrow on", n)
	}
	wantStatus(t, "bad date", admin.get("/admin/audit?from=yesterday"), http.StatusBadRequest)
}
