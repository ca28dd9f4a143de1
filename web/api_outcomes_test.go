package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// editionBody is what the API says of an edition.
type editionBody struct {
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	Edition     int       `json:"edition"`
	Version     int       `json:"version"`
	PublishedAt time.Time `json:"published_at"`
	PublishedBy string    `json:"published_by"`
	URL         string    `json:"url"`
	Links       struct {
		Page, Markdown, HTML, PDF string
	} `json:"links"`
	Editions     []editionBody `json:"editions"`
	EditionCount int           `json:"edition_count"`
	Status       string        `json:"status"`
	Comments     int           `json:"comments"`
}

func TestAPIPublish(t *testing.T) {
	e := newEnv(t)
	e.addRecDocument("rec")
	e.reviseRec("rec", 1)
	e.addRecDocument("open")
	e.addConsultation("live", "open", -time.Hour, 24*time.Hour, store.ModerationPost)
	ctx := context.Background()
	editor, stake := e.client(), e.client()
	var err error
	if editor.bearer, err = e.db.CreateToken(ctx, e.users["editor"].ID, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if stake.bearer, err = e.db.CreateToken(ctx, e.users["stakeholder"].ID, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/documents/rec/publish"
	cases := []struct {
		name        string
		c           *client
		path, body  string
		status      int
		code, field string
	}{
		{"anonymous", e.client(), path, `{"version":1}`, http.StatusUnauthorized, "unauthorized", ""},
		{"stakeholder", stake, path, `{"version":1}`, http.StatusForbidden, "forbidden", ""},
		{"unknown document", editor, "/api/v1/documents/nope/publish", `{"version":1}`, http.StatusNotFound, "not_found", ""},
		{"no such version", editor, path, `{"version":9}`, http.StatusUnprocessableEntity, "invalid", "version"},
		{"version zero", editor, path, `{"version":0}`, http.StatusUnprocessableEntity, "invalid", "version"},
		{"version not a number", editor, path, `{"version":"1"}`, http.StatusUnprocessableEntity, "", "version"},
		{"consultation open", editor, "/api/v1/documents/open/publish", `{"version":1}`, http.StatusConflict, "consultation_open", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, tc.name, tc.c.json("POST", tc.path, tc.body), tc.status, tc.code, tc.field)
		})
	}
	// The API and the form give the same message, naming the versions
	// that can be published.
	var refused apiError
	decode(t, editor.json("POST", path, `{"version":9}`), &refused)
	if got := refused.Error.Fields["version"]; got != "Choose one of versions 1 and 2" {
		t.Errorf("version 9: got %q, want Choose one of versions 1 and 2", got)
	}
	w := editor.json("POST", path, `{"version":1}`)
	wantStatus(t, "publish", w, http.StatusCreated)
	if loc := w.Header().Get("Location"); loc != "/api/v1/outcomes/rec" {
		t.Errorf("Location: got %q, want /api/v1/outcomes/rec", loc)
	}
	var created struct{ Edition editionBody }
	decode(t, w, &created)
	if created.Edition.Edition != 1 || created.Edition.Version != 1 || created.Edition.Slug != "rec" ||
		created.Edition.URL != "/outcomes/rec/editions/1" || created.Edition.PublishedBy == "" ||
		!strings.HasPrefix(created.Edition.Links.Page, "http") || !strings.HasSuffix(created.Edition.Links.Page, "/outcomes/rec/editions/1") {
		t.Errorf("created: got %+v, want edition 1 of version 1", created.Edition)
	}
	wantError(t, "again", editor.json("POST", path, `{"version":1}`), http.StatusConflict, "already_published", "")
	decode(t, editor.json("POST", path, `{"version":9}`), &refused)
	if got := refused.Error.Fields["version"]; got != "Choose version 2" {
		t.Errorf("version 9 after edition 1: got %q, want Choose version 2", got)
	}
	wantStatus(t, "edition 2", editor.json("POST", path, `{"version":2}`), http.StatusCreated)
}

func TestAPIOutcomes(t *testing.T) {
	e, _ := consultedOutcome(t)
	e.addRecDocument("plain")
	e.addRecDocument("draft")
	wantStatus(t, "publish plain", publishForm(e.signedIn("editor"), "plain", "1"), http.StatusSeeOther)
	pub := e.client()

	var list struct {
		Items   []editionBody `json:"items"`
		Total   int           `json:"total"`
		Page    int           `json:"page"`
		PerPage int           `json:"per_page"`
	}
	decode(t, pub.get("/api/v1/outcomes"), &list)
	var slugs []string
	for _, it := range list.Items {
		slugs = append(slugs, it.Slug)
	}
	if list.Total != 2 || !slices.Equal(slugs, []string{"plain", "rec"}) || list.Page != 1 {
		t.Errorf("list: got total %d, slugs %v, page %d; want 2, [plain rec] (newest first), 1", list.Total, slugs, list.Page)
	}
	for _, it := range list.Items {
		if it.Slug == "rec" && (it.Comments != 3 || it.EditionCount != 1 || len(it.Editions) != 1 || it.Editions[0].Edition != 1 ||
			it.Edition != 1 || it.Version != 2 || it.URL != "/outcomes/rec" ||
			!strings.HasPrefix(it.Links.PDF, "http") || !strings.HasSuffix(it.Links.PDF, "/outcomes/rec/editions/1.pdf")) {
			t.Errorf("rec in the list: got %+v", it)
		}
	}
	decode(t, pub.get("/api/v1/outcomes?per_page=1&page=2"), &list)
	if len(list.Items) != 1 || list.Items[0].Slug != "rec" || list.Total != 2 || list.PerPage != 1 {
		t.Errorf("page 2 of 1: got %+v", list)
	}
	wantError(t, "bad per_page", pub.get("/api/v1/outcomes?per_page=0"), http.StatusBadRequest, "", "per_page")

	var one struct {
		editionBody
		Record struct {
			Recommendations []struct {
				Number   int `json:"number"`
				Policies []struct {
					Slug string `json:"slug"`
				} `json:"policies"`
				Items []struct {
					Code string `json:"code"`
				} `json:"items"`
				Comments []struct {
					ID          int64  `json:"id"`
					Disposition string `json:"disposition"`
				} `json:"comments"`
			} `json:"recommendations"`
			Consultations []struct {
				Slug  string `json:"slug"`
				Stats struct {
					Approved int            `json:"approved"`
					ByGroup  map[string]int `json:"by_group"`
				} `json:"stats"`
			} `json:"consultations"`
		} `json:"record"`
	}
	decode(t, pub.get("/api/v1/outcomes/rec"), &one)
	if len(one.Record.Recommendations) != 2 || len(one.Record.Consultations) != 1 || one.Record.Consultations[0].Stats.Approved != 3 ||
		one.Record.Consultations[0].Stats.ByGroup["private-sector"] != 2 || len(one.Editions) != 1 || one.EditionCount != 1 ||
		one.Editions[0].URL != "/outcomes/rec/editions/1" || one.URL != "/outcomes/rec/editions/1" {
		t.Fatalf("outcome: got %+v", one)
	}
	r1 := one.Record.Recommendations[0]
	if len(r1.Policies) != 1 || r1.Policies[0].Slug != "etsi-en-303-645" || len(r1.Items) != 1 || r1.Items[0].Code != "C3" ||
		len(r1.Comments) != 2 || r1.Comments[0].Disposition != store.DispositionAccepted {
		t.Errorf("recommendation 1: got %+v", r1)
	}
	if w := pub.get("/api/v1/outcomes/rec?edition=1"); w.Code != http.StatusOK {
		t.Errorf("?edition=1: got %d, want 200", w.Code)
	}
	wantError(t, "?edition=2", pub.get("/api/v1/outcomes/rec?edition=2"), http.StatusNotFound, "not_found", "")
	wantError(t, "?edition=x", pub.get("/api/v1/outcomes/rec?edition=x"), http.StatusBadRequest, "", "edition")
	wantError(t, "draft", pub.get("/api/v1/outcomes/draft"), http.StatusNotFound, "not_found", "")
	wantError(t, "draft for an editor", e.signedIn("editor").get("/api/v1/outcomes/draft"), http.StatusNotFound, "not_found", "")
}

// TestAPIOutcomeShape checks the outcome API's own JSON: unknown values
// are null rather than "" or left out, as for policies; names follow the
// rest of the API.
func TestAPIOutcomeShape(t *testing.T) {
	e := newEnv(t)
	e.addRecDocument("bare")
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	if _, _, err := e.db.EditPolicy(ctx, "uk-psti-act-2022", func(p *store.Policy) error {
		p.Status, p.Adopted, p.InForce, p.URL = "", "", "", ""
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "publish", publishForm(e.signedIn("editor"), "bare", "1"), http.StatusSeeOther)
	var one map[string]any
	decode(t, e.client().get("/api/v1/outcomes/bare"), &one)
	for _, k := range []string{"publisher", "editions_list"} {
		if _, ok := one[k]; ok {
			t.Errorf("outcome: got key %q, want it gone", k)
		}
	}
	if _, ok := one["published_by"].(string); !ok {
		t.Errorf("published_by: got %#v, want a name", one["published_by"])
	}
	if eds, ok := one["editions"].([]any); !ok || len(eds) != 1 || one["edition_count"] != 1.0 {
		t.Errorf("editions: got %#v and edition_count %#v, want a list of 1 and 1", one["editions"], one["edition_count"])
	}
	recs := one["record"].(map[string]any)["recommendations"].([]any)
	if len(recs) != 2 {
		t.Fatalf("recommendations: got %d, want 2", len(recs))
	}
	for i, r := range recs {
		rec := r.(map[string]any)
		for _, k := range []string{"consultation", "consulted_version"} {
			if v, ok := rec[k]; !ok || v != nil {
				t.Errorf("recommendation %d %s: got %#v (present %v), want null", i+1, k, v, ok)
			}
		}
	}
	known := recs[0].(map[string]any)["policies"].([]any)[0].(map[string]any)
	bare := recs[1].(map[string]any)["policies"].([]any)[0].(map[string]any)
	for _, k := range []string{"status", "year", "url"} {
		if v, ok := bare[k]; !ok || v != nil {
			t.Errorf("policy with no %s: got %#v (present %v), want null", k, v, ok)
		}
		if known[k] == nil {
			t.Errorf("policy with a %s: got null", k)
		}
	}
	for _, k := range []string{"provisions", "jurisdictions"} {
		if _, ok := bare[k].([]any); !ok {
			t.Errorf("policy %s: got %#v, want a list", k, bare[k])
		}
	}
	if v, ok := bare["missing"]; !ok || v != false {
		t.Errorf("missing: got %#v (present %v), want false", v, ok)
	}
}
