//go:build !race && !nofuzzdeps

// The OpenAPI checks link libopenapi and its validator, large libraries
// that add minutes to a race-instrumented or fuzz-instrumented build of
// this package, and they exercise no concurrency and parse no fuzzed
// input, so the race detector's and the fuzzers' runs in .ci/run leave
// them out (-race, -tags nofuzzdeps); go test ./... runs them.

package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// openAPIDoc fetches /api/v1/openapi.json through the router.
func openAPIDoc(t *testing.T, c *client) []byte {
	t.Helper()
	w := c.get("/api/v1/openapi.json")
	wantStatus(t, "openapi.json", w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("openapi.json Content-Type = %q, want JSON", ct)
	}
	return w.Body.Bytes()
}

// documentedOps lists the operations of an OpenAPI document as
// "METHOD /path/{param}".
func documentedOps(t *testing.T, raw []byte) map[string]bool {
	t.Helper()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	ops := map[string]bool{}
	for path, item := range doc.Paths {
		for m := range item {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options":
				ops[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	return ops
}

var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestOpenAPICoversRouter walks the router: every /api/v1 route must be
// in the OpenAPI document, and every documented operation a route.
func TestOpenAPICoversRouter(t *testing.T) {
	e := newEnv(t)
	ops := documentedOps(t, openAPIDoc(t, e.client()))
	router, ok := e.h.(*echo.Echo)
	if !ok {
		t.Fatalf("web.New answered %T, want *echo.Echo", e.h)
	}
	routed := map[string]bool{}
	for _, r := range router.Routes() {
		if r.Path != "/api/v1" && !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == echo.RouteNotFound {
			continue
		}
		op := r.Method + " " + echoParam.ReplaceAllString(r.Path, "{$1}")
		routed[op] = true
		if !ops[op] {
			method, path, _ := strings.Cut(op, " ")
			t.Errorf("route %s %s (handler %s) is not in the OpenAPI document: add to web/openapi.yaml, under paths:\n"+
				"  %s:\n    %s:\n      operationId: ...\n      summary: ...\n      parameters, requestBody (if it takes one), responses with each status it answers, errors included (see the other operations)",
				r.Method, r.Path, r.Name, path, strings.ToLower(method))
		}
	}
	var stale []string
	for op := range ops {
		if !routed[op] {
			stale = append(stale, op)
		}
	}
	sort.Strings(stale)
	for _, op := range stale {
		t.Errorf("web/openapi.yaml documents %s, which no route serves: remove it or add the route", op)
	}
	if len(routed) < 40 {
		t.Errorf("found %d API routes, want the whole API (is the walk still finding them?)", len(routed))
	}
}

// TestOpenAPIIndex checks GET /api/v1 lists every documented operation.
func TestOpenAPIIndex(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ops := documentedOps(t, openAPIDoc(t, c))
	w := c.get("/api/v1")
	wantStatus(t, "index", w, http.StatusOK)
	var idx struct {
		OpenAPI       string `json:"openapi"`
		Documentation string `json:"documentation"`
		Endpoints     []struct{ Method, Path, Summary string }
	}
	decode(t, w, &idx)
	if idx.OpenAPI != "/api/v1/openapi.json" || idx.Documentation != "/api" {
		t.Errorf("links: got %q and %q", idx.OpenAPI, idx.Documentation)
	}
	listed := map[string]bool{}
	for _, ep := range idx.Endpoints {
		listed[ep.Method+" "+ep.Path] = true
		if ep.Summary == "" {
			t.Errorf("%s %s has no summary", ep.Method, ep.Path)
		}
	}
	for op := range ops {
		if !listed[op] {
			t.Errorf("the index leaves out %s", op)
		}
	}
	if len(listed) != len(ops) {
		t.Errorf("the index lists %d endpoints, the document %d", len(listed), len(ops))
	}
}

// apiCase is one request whose answer is checked against the document.
type apiCase struct {
	who    *client
	method string
	path   string
	body   string
	status int
}

// TestOpenAPIResponses sends real requests through the real router over
// seeded data (every list and item, the writes' 201, 400, 404, 409 and
// 422 answers) and validates each answer, and each accepted request,
// against the OpenAPI document with libopenapi-validator.
func TestOpenAPIResponses(t *testing.T) {
	ce := newConsultEnv(t)
	raw := openAPIDoc(t, ce.anon)
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, ve := range verrs {
			t.Errorf("the document itself: %s", ve.Error())
			for _, f := range ve.SchemaValidationErrors {
				t.Errorf("  at %s: %s", f.FieldPath, f.Reason)
			}
		}
	}

	ce.consultation(t, "pre")
	ce.advance(25 * time.Hour)
	alice := ce.post(t, ce.alice, `{"paragraph":"p2","type":"technical","body":"Say more about scope.","display":"anonymous"}`, http.StatusCreated)
	bob := ce.post(t, ce.bob, `{"paragraph":null,"question":1,"body":"The scope is right.","display":"named"}`, http.StatusCreated)
	a, b := itoa(alice.ID), itoa(bob.ID)
	ed, anon := ce.editor, ce.anon
	policy := `{"slug":"test-policy","title":"A test policy","jurisdictions":["GB"],"type":"law","status":"in-force","issuer":"Test"}`
	mapping := `{"policy":"uk-psti-act-2022","framework":"dc-isss-iot","item":"RQ2","relationship":"intersects-with","rationale":"Test."}`

	cases := []apiCase{
		{anon, "GET", "/api/v1", "", 200},
		{anon, "GET", "/api/v1/openapi.json", "", 200},
		{anon, "GET", "/api/v1/policies", "", 200},
		{anon, "GET", "/api/v1/policies?jurisdiction=GB&per_page=5&page=1&sort=newest", "", 200},
		{anon, "GET", "/api/v1/policies?year=abc", "", 400},
		{anon, "GET", "/api/v1/policies?type=bogus", "", 400},
		{anon, "GET", "/api/v1/policies?page=0", "", 400},
		{anon, "GET", "/api/v1/policies?reviewed=maybe", "", 400},
		{anon, "GET", "/api/v1/policies/uk-psti-act-2022", "", 200},
		{anon, "GET", "/api/v1/policies/no-such-policy", "", 404},
		{anon, "GET", "/api/v1/frameworks", "", 200},
		{anon, "GET", "/api/v1/frameworks/dc-isss-iot", "", 200},
		{anon, "GET", "/api/v1/frameworks/nope", "", 404},
		{anon, "GET", "/api/v1/frameworks/dc-isss-iot/mappings", "", 200},
		{anon, "GET", "/api/v1/frameworks/dc-isss-iot/mappings?format=csv", "", 200},
		{anon, "GET", "/api/v1/frameworks/dc-isss-iot/mappings?format=oscal", "", 200},
		{anon, "GET", "/api/v1/frameworks/dc-isss-iot/mappings?format=xml", "", 400},
		{anon, "GET", "/api/v1/coverage", "", 200},
		{anon, "GET", "/api/v1/coverage?by=region&reviewed=1", "", 200},
		{anon, "GET", "/api/v1/coverage?by=moon", "", 400},
		{anon, "GET", "/api/v1/coverage?by=jurisdiction&scope=applicable", "", 200},
		{anon, "GET", "/api/v1/coverage?scope=everywhere", "", 400},
		{anon, "GET", "/api/v1/jurisdictions", "", 200},
		{anon, "GET", "/api/v1/topics", "", 200},
		{anon, "GET", "/api/v1/topics/default-passwords", "", 200},
		{anon, "GET", "/api/v1/topics/nope", "", 404},
		{anon, "GET", "/api/v1/compare?jurisdictions=GB,US,SG", "", 200},
		{anon, "GET", "/api/v1/compare?jurisdictions=DE&jurisdictions=GB&blocs=1", "", 200},
		{anon, "GET", "/api/v1/compare?jurisdictions=GB", "", 400},
		{anon, "GET", "/api/v1/mappings/1", "", 200},
		{anon, "GET", "/api/v1/mappings/999999", "", 404},
		{anon, "GET", "/api/v1/search?q=password", "", 503},
		{anon, "GET", "/api/v1/search?year=abc", "", 400},
		{ed, "GET", "/api/v1/documents", "", 200},
		{anon, "GET", "/api/v1/documents/doc", "", 200},
		{anon, "GET", "/api/v1/documents/nope", "", 404},
		{anon, "GET", "/api/v1/documents/doc/versions/1", "", 200},
		{anon, "GET", "/api/v1/documents/doc/versions/9", "", 404},
		{anon, "GET", "/api/v1/consultations", "", 200},
		{anon, "GET", "/api/v1/consultations?per_page=x", "", 400},
		{anon, "GET", "/api/v1/consultations/round-1", "", 200},
		{anon, "GET", "/api/v1/consultations/nope", "", 404},
		{ed, "GET", "/api/v1/consultations/round-1/comments?state=all", "", 200},
		{anon, "GET", "/api/v1/consultations/round-1/comments?type=poem", "", 400},
		{anon, "GET", "/api/v1/consultations/round-1/heat", "", 200},
		{anon, "GET", "/api/v1/consultations/round-1/stats", "", 200},
		{ed, "GET", "/api/v1/comments/" + a, "", 200},
		{anon, "GET", "/api/v1/comments/999999", "", 404},
		{ed, "GET", "/api/v1/comment-groups/999999", "", 404},
		{anon, "GET", "/api/v1/outcomes", "", 200},
		{anon, "GET", "/api/v1/outcomes/nope", "", 404},
		{anon, "GET", "/api/v1/outcomes/nope?edition=x", "", 400},
		{anon, "GET", "/api/v1/no-such-thing", "", 404},
		{anon, "DELETE", "/api/v1/frameworks", "", 405},

		// Writes: policies and mappings.
		{anon, "POST", "/api/v1/policies", policy, 401},
		{ce.alice, "POST", "/api/v1/policies", policy, 403},
		{ed, "POST", "/api/v1/policies", policy, 201},
		{ed, "POST", "/api/v1/policies", policy, 409},
		{ed, "POST", "/api/v1/policies", `{"slug":"Bad Slug","title":""}`, 422},
		{ed, "POST", "/api/v1/policies", `{"slug":`, 400},
		{ed, "PUT", "/api/v1/policies/test-policy", policy, 200},
		{ed, "DELETE", "/api/v1/policies/test-policy", "", 204},
		{ed, "DELETE", "/api/v1/policies/test-policy", "", 404},
		{ed, "POST", "/api/v1/mappings", mapping, 201},
		{ed, "POST", "/api/v1/mappings", `{"policy":"uk-psti-act-2022","framework":"dc-isss-iot","item":"NOPE","relationship":"x"}`, 422},
		{ed, "DELETE", "/api/v1/mappings/999999", "", 404},
		// Reviews: mapping 1 is shipped (no author), so an editor may review it.
		{ed, "POST", "/api/v1/mappings/1/review", `{"action":"approve"}`, 200},
		{ed, "POST", "/api/v1/mappings/1/review", `{"action":"maybe"}`, 422},
		{ed, "POST", "/api/v1/mappings/999999/review", `{"action":"approve"}`, 404},
		{anon, "POST", "/api/v1/mappings/1/review", `{"action":"approve"}`, 401},

		// Documents and publishing.
		{ed, "POST", "/api/v1/documents", `{"slug":"second","title":"Second","body":"## 1 One\n\nA recommendation."}`, 201},
		{ed, "POST", "/api/v1/documents", `{"slug":"second","title":"Second","body":"## 1 One\n\nA recommendation."}`, 422},
		{ed, "POST", "/api/v1/documents", `{"slug":"","title":"","body":""}`, 422},
		{ed, "POST", "/api/v1/documents/second/versions", `{"body":"## 1 One\n\nA better recommendation.","note":"Better.","base":1}`, 201},
		{ed, "POST", "/api/v1/documents/second/versions", `{"body":"## 1 One\n\nStale.","base":1}`, 409},
		{ed, "POST", "/api/v1/documents/nope/versions", `{"body":"x"}`, 404},
		{ed, "POST", "/api/v1/documents/second/publish", `{"version":2}`, 201},
		{ed, "POST", "/api/v1/documents/second/publish", `{"version":2}`, 409},
		{anon, "GET", "/api/v1/outcomes", "", 200},
		{anon, "GET", "/api/v1/outcomes/second", "", 200},
		{anon, "GET", "/api/v1/outcomes/second?edition=1", "", 200},
		{anon, "GET", "/api/v1/outcomes/second?edition=7", "", 404},

		// Consultations and comments.
		{ed, "POST", "/api/v1/consultations", `{"slug":"round-1","title":"Again","document":"doc","version":1,"opens_at":"2027-01-01T00:00:00Z","closes_at":"2027-02-01T00:00:00Z"}`, 422},
		{ed, "POST", "/api/v1/consultations", `{"slug":"x","title":"","document":"doc","version":1,"opens_at":"soon","closes_at":"later"}`, 422},
		{ed, "PATCH", "/api/v1/consultations/round-1", `{"title":"Round one, renamed"}`, 200},
		{ed, "PATCH", "/api/v1/consultations/nope", `{"title":"x"}`, 404},
		{ed, "DELETE", "/api/v1/consultations/round-1", "", 409},
		{ce.bob, "POST", "/api/v1/consultations/round-1/comments", `{"paragraph":"p4","type":"editorial","body":"Typo in rule two.","display":"named"}`, 201},
		{ce.bob, "POST", "/api/v1/consultations/round-1/comments", `{"paragraph":"p99","body":"Where?"}`, 422},
		{ce.bob, "POST", "/api/v1/consultations/nope/comments", `{"body":"Where?"}`, 404},
		{ce.bob, "PATCH", "/api/v1/comments/" + b, `{"body":"The scope is right, mostly."}`, 200},
		{ed, "POST", "/api/v1/comments/" + a + "/moderation", `{"action":"approve"}`, 200},
		{ed, "POST", "/api/v1/comments/" + a + "/moderation", `{"action":"shout"}`, 422},
		{ed, "POST", "/api/v1/comments/999999/moderation", `{"action":"approve"}`, 404},
		{ce.bob, "POST", "/api/v1/comments/" + a + "/flags", `{"reason":"off-topic"}`, 201},
		{ce.bob, "POST", "/api/v1/comments/" + a + "/flags", `{"reason":"off-topic"}`, 409},
		{ed, "PUT", "/api/v1/comments/" + a + "/disposition", `{"disposition":"accepted","rationale":"We agree."}`, 200},
		{ed, "PUT", "/api/v1/comments/" + a + "/disposition", `{"disposition":"maybe"}`, 422},
		{ed, "POST", "/api/v1/comments/" + a + "/replies", `{"body":"Thank you."}`, 201},
		{anon, "GET", "/api/v1/comments/" + a, "", 200},
		{anon, "GET", "/api/v1/comments/" + a + "/dispositions", "", 200},
		{anon, "GET", "/api/v1/consultations/round-1/comments", "", 200},
		{ce.bob, "POST", "/api/v1/comments/" + b + "/withdraw", "", 200},
		{ed, "DELETE", "/api/v1/comments/" + a + "/group", "", 422},
	}
	for _, tc := range cases {
		name := tc.method + " " + tc.path
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		w := tc.who.do(req)
		if w.Code != tc.status {
			t.Errorf("%s: got %d, want %d: %.300s", name, w.Code, tc.status, w.Body)
			continue
		}
		// The request as the handler read it, again, for the validator.
		vreq := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		if tc.body != "" {
			vreq.Header.Set("Content-Type", "application/json")
		}
		if tc.who.bearer != "" {
			vreq.Header.Set("Authorization", "Bearer "+tc.who.bearer)
		}
		if w.Code == http.StatusMethodNotAllowed || strings.Contains(w.Body.String(), "No endpoint at") {
			// No documented operation to check against: by definition
			// outside the document (TestAPINotFound checks these).
			continue
		}
		res := w.Result()
		if ok, verrs := v.ValidateHttpResponse(vreq, res); !ok {
			t.Errorf("%s (%d): the answer does not match the document:\n%s\nbody: %.400s", name, w.Code, describe(verrs), w.Body)
		}
		if w.Code < 300 && tc.body != "" {
			vreq = httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			vreq.Header.Set("Content-Type", "application/json")
			if tc.who.bearer != "" {
				vreq.Header.Set("Authorization", "Bearer "+tc.who.bearer)
			}
			if ok, verrs := v.ValidateHttpRequest(vreq); !ok {
				t.Errorf("%s: the accepted request does not match the document:\n%s", name, describe(verrs))
			}
		}
	}
}

// describe lists validation errors, with their schema failures.
func describe[E interface{ Error() string }](errs []E) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  - %s\n", e.Error())
	}
	return b.String()
}
