package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func newPolicyForm() url.Values {
	return url.Values{
		"slug": {"ke-iot-guidelines-2025"}, "title": {"Kenya IoT security guidelines"}, "short_title": {"KE IoT guidelines"},
		"jurisdictions": {"KE", "INT"}, "issuer": {"Communications Authority of Kenya"}, "type": {"guideline"},
		"status": {"published"}, "binding": {"voluntary"}, "adopted": {"2025-02"}, "url": {"https://ca.go.ke/iot"},
		"topics": {"default-passwords", "software-updates"}, "layers": {"device"}, "summary": {"Baseline for devices sold in Kenya."},
	}
}

func TestPolicyFormErrorsKeepInput(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	form := newPolicyForm()
	form.Set("slug", "Not A Slug")
	form.Set("title", "")
	form.Set("adopted", "2025-13")
	form.Set("type", "")
	form.Set("summary", `<script>alert("x")</script>`)
	w := c.post("/policies/new", form)
	wantStatus(t, "invalid policy", w, http.StatusUnprocessableEntity)
	d := doc(t, w)
	summary := d.Find(".error-summary")
	if summary.Length() != 1 || summary.AttrOr("role", "") != "alert" {
		t.Fatalf("got %d error summaries, want one with role=alert", summary.Length())
	}
	if got := d.Find("title").Text(); !strings.HasPrefix(got, "Error: Add a policy") {
		t.Errorf("title = %q, want it to start with \"Error: Add a policy\"", got)
	}
	// It takes the focus when the page loads, with or without JavaScript.
	if _, ok := summary.Attr("autofocus"); !ok || summary.AttrOr("tabindex", "") != "-1" {
		t.Errorf("error summary autofocus=%v tabindex=%q, want autofocus and tabindex -1", ok, summary.AttrOr("tabindex", ""))
	}
	var hrefs []string
	summary.Find("a").Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")) })
	if got, want := strings.Join(hrefs, " "), "#f-slug #f-title #f-type #f-adopted"; got != want {
		t.Errorf("summary links %q, want %q (page order)", got, want)
	}
	for _, name := range []string{"slug", "title", "type", "adopted"} {
		id := "f-" + name
		in := d.Find("#" + id)
		if in.AttrOr("aria-invalid", "") != "true" {
			t.Errorf("%s: aria-invalid not true", id)
		}
		errID := id + "-error"
		if !strings.Contains(in.AttrOr("aria-describedby", ""), errID) {
			t.Errorf("%s: aria-describedby %q lacks %s", id, in.AttrOr("aria-describedby", ""), errID)
		}
		if d.Find("#"+errID+".error-message").Length() != 1 {
			t.Errorf("%s: no message beside the field", id)
		}
	}
	for id, want := range map[string]string{"f-slug": "Not A Slug", "f-issuer": "Communications Authority of Kenya", "f-adopted": "2025-13", "f-url": "https://ca.go.ke/iot"} {
		if got := d.Find("#"+id).AttrOr("value", ""); got != want {
			t.Errorf("%s kept as %q, want %q", id, got, want)
		}
	}
	if got := d.Find("#f-summary").Text(); got != `<script>alert("x")</script>` {
		t.Errorf("summary kept as %q", got)
	}
	if d.Find("script:contains(alert)").Length() > 0 {
		t.Error("typed script became a script element")
	}
	var selected []string
	d.Find("#f-jurisdictions input[name=jurisdictions]").Each(func(_ int, o *goquery.Selection) {
		if _, ok := o.Attr("checked"); ok {
			selected = append(selected, o.AttrOr("value", ""))
		}
	})
	// The chosen jurisdictions are kept, and listed first.
	if got := strings.Join(selected, ","); got != "KE,INT" && got != "INT,KE" {
		t.Errorf("jurisdictions kept as %q, want KE and INT", got)
	}
	if first := d.Find("#f-jurisdictions input[name=jurisdictions]").Slice(0, 2).Map(func(_ int, o *goquery.Selection) string { return o.AttrOr("value", "") }); strings.Join(first, ",") != strings.Join(selected, ",") {
		t.Errorf("first two jurisdictions listed = %q, want the chosen %q first", first, selected)
	}
	if n := d.Find("select[name=jurisdictions]").Length(); n != 0 {
		t.Errorf("jurisdictions still a select (%d)", n)
	}
	var checked []string
	d.Find("input[name=topics][checked]").Each(func(_ int, o *goquery.Selection) { checked = append(checked, o.AttrOr("value", "")) })
	if got := strings.Join(checked, ","); got != "default-passwords,software-updates" {
		t.Errorf("topics kept as %q", got)
	}
	if d.Find("fieldset#f-topics legend").Length() != 1 {
		t.Error("topics are not a fieldset with a legend")
	}
	if _, err := e.db.Policy(context.Background(), "Not A Slug"); err == nil {
		t.Error("an invalid policy was saved")
	}
}

func TestPolicyEditingJourney(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.signedIn("editor")
	wantStatus(t, "form", c.get("/policies/new"), http.StatusOK)
	w := c.post("/policies/new", newPolicyForm())
	wantStatus(t, "create", w, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != "/policies/ke-iot-guidelines-2025" {
		t.Errorf("redirect to %q", got)
	}
	d := doc(t, c.get("/policies/ke-iot-guidelines-2025"))
	if got := d.Find("[data-testid=flash]").Text(); !strings.Contains(got, "added") {
		t.Errorf("flash %q, want a confirmation", got)
	}
	wantStatus(t, "duplicate slug", c.post("/policies/new", newPolicyForm()), http.StatusUnprocessableEntity)

	// Edit: the form comes filled in; a change is saved and attributed.
	d = doc(t, c.get("/policies/ke-iot-guidelines-2025/edit"))
	if got := d.Find("#f-title").AttrOr("value", ""); got != "Kenya IoT security guidelines" {
		t.Errorf("edit form title %q", got)
	}
	form := newPolicyForm()
	form.Set("title", "Kenya IoT cybersecurity guidelines")
	form.Set("slug", "attempted-rename")
	wantStatus(t, "update", c.post("/policies/ke-iot-guidelines-2025/edit", form), http.StatusSeeOther)
	p, err := e.db.Policy(ctx, "ke-iot-guidelines-2025")
	if err != nil || p.Title != "Kenya IoT cybersecurity guidelines" || p.UpdatedBy != "Test editor" {
		t.Fatalf("got %+v, %v; want the new title by Test editor", p.Title, err)
	}

	// Provisions.
	wantStatus(t, "add provision", c.post("/policies/ke-iot-guidelines-2025/provisions/new",
		url.Values{"ref": {"3.1"}, "title": {"No default passwords"}, "text": {"Unique per device."}, "topics": {"default-passwords"}}), http.StatusSeeOther)
	w = c.post("/policies/ke-iot-guidelines-2025/provisions/new", url.Values{"ref": {"3.1"}, "title": {"Again"}})
	wantStatus(t, "duplicate provision", w, http.StatusUnprocessableEntity)
	if got := doc(t, w).Find("#f-ref").AttrOr("aria-invalid", ""); got != "true" {
		t.Error("duplicate provision number not marked on the ref field")
	}
	wantStatus(t, "edit provision", c.post("/policies/ke-iot-guidelines-2025/provisions/3.1/edit",
		url.Values{"ref": {"3.1"}, "title": {"No universal default passwords"}}), http.StatusSeeOther)

	// Mappings: rationale is required; the relationship must be in the vocabulary.
	w = c.post("/policies/ke-iot-guidelines-2025/mappings/new", url.Values{"framework": {"dc-isss-iot"}, "item": {"C3"},
		"relationship": {"kind-of"}, "provision": {"3.1"}})
	wantStatus(t, "bad mapping", w, http.StatusUnprocessableEntity)
	d = doc(t, w)
	for _, id := range []string{"f-relationship", "f-rationale"} {
		if d.Find("#"+id).AttrOr("aria-invalid", "") != "true" {
			t.Errorf("%s not marked invalid", id)
		}
	}
	if d.Find(`#f-provision option[value="3.1"][selected]`).Length() != 1 {
		t.Error("chosen provision not kept")
	}
	wantStatus(t, "mapping", c.post("/policies/ke-iot-guidelines-2025/mappings/new", url.Values{"framework": {"dc-isss-iot"}, "item": {"C3"},
		"relationship": {"intersects-with"}, "provision": {"3.1"}, "strength": {"7"}, "rationale": {"Requires unique passwords."}, "reviewed": {"1"}}), http.StatusSeeOther)
	p, _ = e.db.Policy(ctx, "ke-iot-guidelines-2025")
	// The form cannot review: its author's mapping stays unreviewed.
	if len(p.Mappings) != 1 || p.Mappings[0].Strength != 7 || p.Mappings[0].Reviewed || p.Mappings[0].Provision != "3.1" {
		t.Fatalf("got mappings %+v", p.Mappings)
	}
	id := itoa(p.Mappings[0].ID)
	d = doc(t, c.get("/policies/ke-iot-guidelines-2025/mappings/"+id+"/edit"))
	if d.Find("#f-reviewed").Length() != 0 || !strings.Contains(d.Text(), "Not yet reviewed.") || d.Find("#f-strength").AttrOr("value", "") != "7" {
		t.Error("mapping edit form not filled in")
	}
	wantStatus(t, "edit mapping", c.post("/policies/ke-iot-guidelines-2025/mappings/"+id+"/edit", url.Values{"framework": {"dc-isss-iot"}, "item": {"C3"},
		"relationship": {"subset-of"}, "provision": {"3.1"}, "rationale": {"Narrower."}}), http.StatusSeeOther)
	wantStatus(t, "mapping of another policy through this one", c.get("/policies/eu-cra/mappings/"+id+"/edit"), http.StatusNotFound)
	// Renumbering a provision carries its mappings along.
	wantStatus(t, "renumber provision", c.post("/policies/ke-iot-guidelines-2025/provisions/3.1/edit",
		url.Values{"ref": {"3.1a"}, "title": {"No universal default passwords"}}), http.StatusSeeOther)
	p, _ = e.db.Policy(ctx, "ke-iot-guidelines-2025")
	if len(p.Mappings) != 1 || p.Mappings[0].Provision != "3.1a" || p.Mappings[0].Relationship != "subset-of" {
		t.Fatalf("after renumbering got mappings %+v", p.Mappings)
	}
	wantStatus(t, "confirm remove mapping", c.get("/policies/ke-iot-guidelines-2025/mappings/"+itoa(p.Mappings[0].ID)+"/delete"), http.StatusOK)
	wantStatus(t, "remove mapping", c.post("/policies/ke-iot-guidelines-2025/mappings/"+itoa(p.Mappings[0].ID)+"/delete", nil), http.StatusSeeOther)
	wantStatus(t, "confirm delete provision", c.get("/policies/ke-iot-guidelines-2025/provisions/3.1a/delete"), http.StatusOK)
	wantStatus(t, "delete provision", c.post("/policies/ke-iot-guidelines-2025/provisions/3.1a/delete", nil), http.StatusSeeOther)
	p, _ = e.db.Policy(ctx, "ke-iot-guidelines-2025")
	if len(p.Mappings) != 0 || len(p.Provisions) != 0 {
		t.Fatalf("got %d mappings, %d provisions, want none", len(p.Mappings), len(p.Provisions))
	}

	// History: every save is a revision; the diff shows what changed.
	w = c.get("/policies/ke-iot-guidelines-2025/history?from=1&to=2")
	wantStatus(t, "history", w, http.StatusOK)
	d = doc(t, w)
	if n := d.Find("[data-testid=revisions] tbody tr").Length(); n != 9 {
		t.Errorf("got %d revisions, want 9", n)
	}
	title := d.Find(`[data-testid=changes] tr:has(th:contains("Official title"))`)
	if got := title.Find(".old").Text(); !strings.Contains(got, "Kenya IoT security guidelines") {
		t.Errorf("the title was %q, want the old title", got)
	}
	if got := title.Find(".new").Text(); !strings.Contains(got, "Kenya IoT cybersecurity guidelines") {
		t.Errorf("the title became %q, want the new title", got)
	}
	if got := d.Find("[data-testid=revisions] tbody tr").Last().Find("td").Eq(1).Text(); got != "editor@example.org" {
		t.Errorf("first revision by %q", got)
	}
	wantStatus(t, "history with a bad revision", c.get("/policies/ke-iot-guidelines-2025/history?from=99"), http.StatusBadRequest)

	// Delete with confirmation; the history stays.
	wantStatus(t, "confirm", c.get("/policies/ke-iot-guidelines-2025/delete"), http.StatusOK)
	wantStatus(t, "delete", c.post("/policies/ke-iot-guidelines-2025/delete", nil), http.StatusSeeOther)
	if _, err := e.db.Policy(ctx, "ke-iot-guidelines-2025"); err == nil {
		t.Error("policy still there")
	}
	wantStatus(t, "history of a deleted policy", c.get("/policies/ke-iot-guidelines-2025/history"), http.StatusOK)
}

func TestScriptInTextIsStoredAndEscaped(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	form := newPolicyForm()
	form.Set("title", `<img src=x onerror=alert(1)> Guidelines`)
	form.Set("issuer", `<script>alert(2)</script>`)
	wantStatus(t, "create", c.post("/policies/new", form), http.StatusSeeOther)
	p, err := e.db.Policy(context.Background(), "ke-iot-guidelines-2025")
	if err != nil || p.Issuer != `<script>alert(2)</script>` {
		t.Fatalf("got issuer %q, %v; want the text as typed", p.Issuer, err)
	}
	for _, path := range []string{"/policies/ke-iot-guidelines-2025", "/policies", "/policies/ke-iot-guidelines-2025/edit"} {
		body := c.get(path).Body.String()
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s renders the text as markup", path)
		}
	}
	if !strings.Contains(c.get("/policies/ke-iot-guidelines-2025").Body.String(), "&lt;script&gt;alert(2)&lt;/script&gt;") {
		t.Error("escaped issuer not on the page")
	}
}

// TestConcurrentPolicyEditsConflict: two members open the same policy;
// the second to save is told, keeps what they typed, and can save again.
func TestConcurrentPolicyEditsConflict(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice, bob := e.signedIn("editor"), e.signedIn("editor")
	wantStatus(t, "create", alice.post("/policies/new", newPolicyForm()), http.StatusSeeOther)
	const path = "/policies/ke-iot-guidelines-2025/edit"
	rev := doc(t, alice.get(path)).Find("input[name=rev]").AttrOr("value", "")
	if rev == "" || rev == "0" {
		t.Fatalf("edit form carries rev %q, want the stored revision", rev)
	}
	if got := doc(t, bob.get(path)).Find("input[name=rev]").AttrOr("value", ""); got != rev {
		t.Fatalf("second form rev %q, want %q", got, rev)
	}
	first := newPolicyForm()
	first.Set("rev", rev)
	first.Set("title", "Title saved first")
	wantStatus(t, "first save", alice.post(path, first), http.StatusSeeOther)

	second := newPolicyForm()
	second.Set("rev", rev)
	second.Set("title", "Title typed second")
	w := bob.post(path, second)
	wantStatus(t, "stale save", w, http.StatusConflict)
	d := doc(t, w)
	if got := d.Find("#f-title").AttrOr("value", ""); got != "Title typed second" {
		t.Errorf("title kept as %q, want what was typed", got)
	}
	if d.Find("[data-testid=error-summary]").Length() == 0 {
		t.Error("no error summary explaining the conflict")
	}
	if p, _ := e.db.Policy(ctx, "ke-iot-guidelines-2025"); p.Title != "Title saved first" {
		t.Errorf("stored title %q, want the first save untouched", p.Title)
	}
	// The re-shown form carries the new revision, so saving again works.
	second.Set("rev", d.Find("input[name=rev]").AttrOr("value", ""))
	wantStatus(t, "save again", bob.post(path, second), http.StatusSeeOther)
	if p, _ := e.db.Policy(ctx, "ke-iot-guidelines-2025"); p.Title != "Title typed second" {
		t.Errorf("stored title %q after saving again", p.Title)
	}
}

// TestRefusedFormCarriesToken: a form shown again after a 422 carries the
// CSRF token, so that the corrected form can be sent.
func TestRefusedFormCarriesToken(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	form := newPolicyForm()
	form.Set("title", "")
	w := c.post("/policies/new", form)
	wantStatus(t, "invalid form", w, http.StatusUnprocessableEntity)
	token := doc(t, w).Find("form input[name=_csrf]").AttrOr("value", "")
	if token == "" {
		t.Fatal("the form shown again has no CSRF token")
	}
	fixed := newPolicyForm()
	fixed.Set("_csrf", token)
	req := httptest.NewRequest(http.MethodPost, "/policies/new", strings.NewReader(fixed.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantStatus(t, "corrected form with the token it was shown with", c.do(req), http.StatusSeeOther)
}
