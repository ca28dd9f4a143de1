package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRoleMatrix tries every write route and private page as each role
// and checks who gets through. Each case gets a fresh server, so a
// permitted write cannot hide a refused one.
func TestRoleMatrix(t *testing.T) {
	const (
		anon  = ""
		stake = "stakeholder"
		edit  = "editor"
		adm   = "admin"
	)
	type route struct {
		method, path string
		form         url.Values
		json         string
		// minimum role; "" means public
		min string
		ok  int // status when allowed
	}
	mappingJSON := `{"policy":"eu-cra","framework":"dc-isss-iot","item":"RQ2","relationship":"intersects-with","rationale":"r"}`
	policyJSON := `{"slug":"zz-new","title":"New","jurisdictions":["GB"],"type":"law"}`
	routes := []route{
		{"GET", "/policies", nil, "", anon, 200},
		{"GET", "/policies/eu-cra", nil, "", anon, 200},
		{"GET", "/policies/export?format=csv", nil, "", anon, 200},
		{"GET", "/api/v1/policies/eu-cra", nil, "", anon, 200},
		{"GET", "/account", nil, "", stake, 200},
		{"POST", "/account", url.Values{"name": {"N"}}, "", stake, 303},
		{"POST", "/account/tokens", url.Values{"token_name": {"t"}}, "", stake, 303},
		{"GET", "/policies/new", nil, "", edit, 200},
		{"POST", "/policies/new", newPolicyForm(), "", edit, 303},
		{"GET", "/policies/eu-cra/edit", nil, "", edit, 200},
		{"POST", "/policies/eu-cra/edit", url.Values{"title": {"CRA"}, "jurisdictions": {"EU"}, "type": {"law"}}, "", edit, 303},
		{"GET", "/policies/eu-cra/delete", nil, "", edit, 200},
		{"POST", "/policies/eu-cra/delete", nil, "", edit, 303},
		{"GET", "/policies/eu-cra/history", nil, "", edit, 200},
		{"GET", "/policies/eu-cra/provisions/new", nil, "", edit, 200},
		{"POST", "/policies/eu-cra/provisions/new", url.Values{"ref": {"Art.13"}}, "", edit, 303},
		{"GET", "/policies/eu-cra/mappings/new", nil, "", edit, 200},
		{"POST", "/policies/eu-cra/mappings/new", url.Values{"framework": {"dc-isss-iot"}, "item": {"RQ2"}, "relationship": {"equal"}, "rationale": {"r"}}, "", edit, 303},
		{"GET", "/policies/import", nil, "", edit, 200},
		{"POST", "/api/v1/policies", nil, policyJSON, edit, 201},
		{"PUT", "/api/v1/policies/zz-new", nil, policyJSON, edit, 201},
		{"DELETE", "/api/v1/policies/eu-cra", nil, "", edit, 204},
		{"POST", "/api/v1/mappings", nil, mappingJSON, edit, 201},
		{"GET", "/review", nil, "", edit, 200},
		{"POST", "/review/1", url.Values{"action": {"approve"}}, "", edit, 303},
		{"POST", "/api/v1/mappings/1/review", nil, `{"action":"approve"}`, edit, 200},
		{"GET", "/admin/users", nil, "", adm, 200},
		{"GET", "/admin/audit", nil, "", adm, 200},
		{"POST", "/admin/users/{editor}/role", url.Values{"role": {"admin"}}, "", adm, 303},
		{"POST", "/admin/users/{editor}/disable", url.Values{"disabled": {"1"}}, "", adm, 303},
	}
	rank := map[string]int{anon: 0, stake: 1, edit: 2, adm: 3}
	for _, r := range routes {
		for _, role := range []string{anon, stake, edit, adm} {
			name := r.method + " " + r.path + " as " + role
			if role == "" {
				name += "anonymous"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				c := e.signedIn(role)
				path := strings.ReplaceAll(r.path, "{editor}", itoa(e.users["editor"].ID))
				var w = func() int {
					switch {
					case r.json != "" || r.method == "DELETE" || r.method == "PUT":
						return c.json(r.method, path, r.json).Code
					case r.method == "GET":
						return c.get(path).Code
					default:
						return c.post(path, r.form).Code
					}
				}()
				allowed := rank[role] >= rank[r.min]
				want := r.ok
				switch {
				case allowed:
				case role == anon && r.method == "GET" && !strings.HasPrefix(path, "/api/"):
					want = http.StatusSeeOther // to the sign-in page
				case role == anon:
					want = http.StatusUnauthorized
				default:
					want = http.StatusForbidden
				}
				if w != want {
					t.Errorf("got %d, want %d", w, want)
				}
			})
		}
	}
}

// TestRoleMatrixTokens checks the API with tokens of each role, and that
// objects of other users stay out of reach.
func TestRoleMatrixTokens(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tokens := map[string]string{}
	for role, u := range e.users {
		s, err := e.db.CreateToken(ctx, u.ID, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = s
	}
	for _, tc := range []struct {
		role string
		want int
	}{{"", 401}, {"stakeholder", 403}, {"editor", 200}, {"admin", 200}} {
		t.Run("PUT as "+tc.role, func(t *testing.T) {
			c := e.client()
			c.bearer = tokens[tc.role]
			body := `{"title":"Cyber Resilience Act","jurisdictions":["EU"],"type":"law"}`
			if got := c.json(http.MethodPut, "/api/v1/policies/eu-cra", body).Code; got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	// Own and other objects: an admin cannot demote or disable themself;
	// a user's token cannot be revoked by another user, even an admin.
	admin := e.signedIn("admin")
	wantStatus(t, "admin demotes self", admin.post("/admin/users/"+itoa(e.users["admin"].ID)+"/role", url.Values{"role": {"stakeholder"}}), http.StatusForbidden)
	wantStatus(t, "admin disables self", admin.post("/admin/users/"+itoa(e.users["admin"].ID)+"/disable", url.Values{"disabled": {"1"}}), http.StatusForbidden)
	ts, _ := e.db.Tokens(ctx, e.users["editor"].ID)
	wantStatus(t, "admin revokes editor's token", admin.post("/account/tokens/"+itoa(ts[0].ID)+"/revoke", nil), http.StatusNotFound)
	wantStatus(t, "role of a missing user", admin.post("/admin/users/99999/role", url.Values{"role": {"editor"}}), http.StatusNotFound)
	wantStatus(t, "unknown role", admin.post("/admin/users/"+itoa(e.users["editor"].ID)+"/role", url.Values{"role": {"owner"}}), http.StatusUnprocessableEntity)
	u, _ := e.db.User(ctx, e.users["editor"].ID)
	if u.Role != "editor" {
		t.Errorf("got role %q after a refused change, want editor", u.Role)
	}
}
