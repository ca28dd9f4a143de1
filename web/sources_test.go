package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

// sourcedPolicy is a policy with sources, a confidence, a labelled
// provision with a source, one without a label, and a mapping of the first.
func sourcedPolicy() store.Policy {
	return store.Policy{Slug: "gb-sourced-act", Title: "Sourced Act", Jurisdictions: []string{"GB"}, Type: "report",
		Sources:    []string{"https://gov.example/act", "https://news.example/act?id=1"},
		Confidence: "high",
		Provisions: []store.Provision{
			{Ref: "Art.13-2", Label: "Article 13(2)", Title: "Updates", Text: "Updates are free.", Source: "https://gov.example/act#a13"},
			{Ref: "Art.14", Title: "Passwords", Text: "No defaults."},
		},
		Mappings: []store.Mapping{{Framework: "dc-isss-iot", Item: "C6", Provision: "Art.13-2", Relationship: "intersects-with", Rationale: "Updates."}},
	}
}

// TestAPIPolicySources: the policy JSON carries sources and confidence,
// and provisions their label, source and topics_reviewed; a PUT without
// sources keeps them, [] clears them; bad values are 422 naming the field.
func TestAPIPolicySources(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, err := e.db.CreateToken(ctx, e.users["editor"].ID, "test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.bearer = tok
	base := `"title":"Sourced","jurisdictions":["GB"],"type":"technical-specification"`
	create := `{"slug":"gb-sourced",` + base + `,"sources":["https://gov.example/a","https://news.example/b"],"confidence":"medium",
		"provisions":[{"ref":"Art.1","label":"Article 1","title":"One","text":"","source":"https://gov.example/a#1","topics":["default-passwords"],"topics_reviewed":true}]}`
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
		wantFields               []string
		wantSources              []string // after the request; nil: not checked
		wantConfidence           string
	}{
		{"create", "POST", "/api/v1/policies", create, 201, nil, []string{"https://gov.example/a", "https://news.example/b"}, "medium"},
		{"put without sources keeps them", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"confidence":"high"}`, 200, nil,
			[]string{"https://gov.example/a", "https://news.example/b"}, "high"},
		{"put with new sources", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"sources":["https://gov.example/c"],"confidence":"low"}`, 200, nil,
			[]string{"https://gov.example/c"}, "low"},
		{"non-URL source", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"sources":["https://gov.example/c","gov.example page"]}`, 422,
			[]string{"sources[1]"}, []string{"https://gov.example/c"}, "low"},
		{"confidence certain", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"confidence":"certain"}`, 422, []string{"confidence"}, nil, ""},
		{"sources not a list", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"sources":"https://gov.example/c"}`, 422, []string{"sources"}, nil, ""},
		{"provision source not a URL", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"provisions":[{"ref":"Art.1","title":"","text":"","source":"page 3","topics":[]}]}`, 422,
			[]string{"provisions[0].source"}, nil, ""},
		{"put with [] clears them, null confidence clears it", "PUT", "/api/v1/policies/gb-sourced", `{` + base + `,"sources":[],"confidence":null}`, 200, nil,
			[]string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := c.json(tc.method, tc.path, tc.body)
			wantStatus(t, tc.name, w, tc.want)
			if tc.want >= 400 {
				var body struct {
					Error struct{ Fields map[string]string }
				}
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
					t.Fatal(err)
				}
				for _, f := range tc.wantFields {
					if body.Error.Fields[f] == "" {
						t.Errorf("fields %v lack %q", body.Error.Fields, f)
					}
				}
			}
			if tc.wantSources == nil {
				return
			}
			var got struct {
				Sources    []string `json:"sources"`
				Confidence *string  `json:"confidence"`
			}
			r := c.get("/api/v1/policies/gb-sourced")
			if err := json.Unmarshal(r.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Sources == nil || !slices.Equal(got.Sources, tc.wantSources) {
				t.Errorf("sources %#v, want %#v", got.Sources, tc.wantSources)
			}
			switch {
			case tc.wantConfidence == "" && got.Confidence != nil:
				t.Errorf("confidence %q, want null", *got.Confidence)
			case tc.wantConfidence != "" && (got.Confidence == nil || *got.Confidence != tc.wantConfidence):
				t.Errorf("confidence %v, want %q", got.Confidence, tc.wantConfidence)
			}
			if !strings.Contains(r.Body.String(), `"confidence":`) {
				t.Errorf("GET leaves confidence out: %s", r.Body)
			}
		})
	}
	// The provision's fields were kept by the PUTs that had no provisions.
	w := c.get("/api/v1/policies/gb-sourced")
	for _, want := range []string{`"label":"Article 1"`, `"source":"https://gov.example/a#1"`, `"topics_reviewed":true`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("GET lacks %s: %s", want, w.Body)
		}
	}
	// A list entry carries the sources too.
	w = c.get("/api/v1/policies?type=technical-specification")
	if !strings.Contains(w.Body.String(), `"slug":"gb-sourced"`) || !strings.Contains(w.Body.String(), `"sources":[]`) {
		t.Errorf("list lacks the policy or its sources: %.600s", w.Body)
	}
}

// TestJSONExportImportSources: the JSON export carries the new fields and
// imports back with nothing to change.
func TestJSONExportImportSources(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	e := newEnv(t)
	if _, err := e.db.SavePolicy(ctx, sourcedPolicy(), store.Upsert); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn("editor")
	w := c.get("/policies/export?format=json")
	wantStatus(t, "export", w, http.StatusOK)
	var ps []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &ps); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ps, func(p map[string]any) bool { return p["slug"] == "gb-sourced-act" })
	if i < 0 {
		t.Fatal("export lacks the policy")
	}
	if got, _ := json.Marshal([]any{ps[i]["sources"], ps[i]["confidence"]}); string(got) != `[["https://gov.example/act","https://news.example/act?id=1"],"high"]` {
		t.Errorf("exported sources and confidence %s", got)
	}
	provs, _ := json.Marshal(ps[i]["provisions"])
	if !strings.Contains(string(provs), `"label":"Article 13(2)"`) || !strings.Contains(string(provs), `"source":"https://gov.example/act#a13"`) {
		t.Errorf("exported provisions %s", provs)
	}
	before, _ := e.db.LastChange(ctx)
	up := c.upload("/policies/import", map[string][]byte{"all.json": w.Body.Bytes()})
	if up.Code >= 400 {
		t.Fatalf("re-import: %d %s", up.Code, up.Body)
	}
	if after, _ := e.db.LastChange(ctx); after != before {
		t.Errorf("re-importing the export changed %d records", after-before)
	}
	w = c.get("/policies/export?format=csv")
	lines := strings.Split(w.Body.String(), "\r\n")
	if !strings.HasSuffix(lines[0], ",summary,sources,confidence") {
		t.Errorf("CSV header %q", lines[0])
	}
	if !strings.Contains(w.Body.String(), ",https://gov.example/act;https://news.example/act?id=1,high\r\n") {
		t.Error("CSV export lacks the policy's sources and confidence")
	}
}

// TestPolicyPageSources: the policy page says where the record comes
// from, with links, and the confidence in words; without an official
// address it says so plainly; provisions show their label, and citations
// keep the key.
func TestPolicyPageSources(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	e := newEnv(t)
	p := sourcedPolicy()
	if _, err := e.db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	bare := store.Policy{Slug: "gb-bare-act", Title: "Bare Act", Jurisdictions: []string{"GB"}, Type: "law"}
	if _, err := e.db.SavePolicy(ctx, bare, store.Upsert); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	tests := []struct {
		slug, confidence string
		links            []string
		officialText     string
	}{
		{"gb-sourced-act", "Confidence: high — the facts were read on an official page or several consistent ones.", p.Sources,
			"No official link is known for this instrument."},
		{"gb-bare-act", "Confidence: not assessed.", nil, "No official link is known for this instrument."},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			w := c.get("/policies/" + tt.slug)
			wantStatus(t, tt.slug, w, http.StatusOK)
			d := doc(t, w)
			sec := d.Find("[data-testid=record-sources]")
			if text(sec.Find("h2")) != "Where this record comes from" {
				t.Errorf("section heading %q", text(sec.Find("h2")))
			}
			var links []string
			sec.Find("li a").Each(func(_ int, a *goquery.Selection) {
				links = append(links, a.AttrOr("href", ""))
				if a.AttrOr("rel", "") != "external noopener" || text(a) != a.AttrOr("href", "") {
					t.Errorf("source link %q rel=%q", text(a), a.AttrOr("rel", ""))
				}
			})
			if !slices.Equal(links, tt.links) {
				t.Errorf("source links %v, want %v", links, tt.links)
			}
			if len(tt.links) == 0 && !strings.Contains(text(sec), "No sources are recorded") {
				t.Errorf("section without sources says %q", text(sec))
			}
			if got := text(sec.Find("[data-testid=confidence]")); got != tt.confidence {
				t.Errorf("confidence %q, want %q", got, tt.confidence)
			}
			if dd, ok := fact(d, "Official text"); !ok || text(dd) != tt.officialText || dd.Find("a").Length() != 0 {
				t.Errorf("official text %q", text(dd))
			}
		})
	}
	d := doc(t, c.get("/policies/gb-sourced-act"))
	if got := text(d.Find("#prov-h-Art\\.13-2 .code")); got != "Article 13(2)" {
		t.Errorf("labelled provision heading shows %q, want its label", got)
	}
	if got := text(d.Find("#prov-h-Art\\.14 .code")); got != "Art.14" {
		t.Errorf("provision without a label shows %q, want its key", got)
	}
	if got := d.Find("#prov-Art\\.13-2 a[rel='external noopener']").AttrOr("href", ""); got != "https://gov.example/act#a13" {
		t.Errorf("provision source link %q", got)
	}
	if prov := d.Find("#prov-Art\\.13-2"); !strings.Contains(prov.Text()+prov.Find("input").AttrOr("value", ""), "[@gb-sourced-act §Art.13-2]") {
		t.Errorf("Cite this does not use the key: %q", text(prov))
	}
	if got := text(d.Find("table tbody th .muted a[href='#prov-Art.13-2']")); got != "Article 13(2)" {
		t.Errorf("mapping table names the provision %q, want its label", got)
	}
	d = doc(t, c.get("/frameworks/dc-isss-iot/items/C6"))
	found := false
	d.Find("a[href='/policies/gb-sourced-act#prov-Art.13-2']").Each(func(_ int, a *goquery.Selection) { found = found || text(a) == "Article 13(2)" })
	if !found {
		t.Error("the item page does not name the provision by its label")
	}
}

// TestPolicyFormSources: members edit the sources (one a line) and the
// confidence; a refused form names the line of a bad source and keeps
// everything typed.
func TestPolicyFormSources(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	e := newEnv(t)
	if _, err := e.db.SavePolicy(ctx, sourcedPolicy(), store.Upsert); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn("editor")
	d := doc(t, c.get("/policies/gb-sourced-act/edit"))
	if got := d.Find("textarea#f-sources").Text(); got != "https://gov.example/act\nhttps://news.example/act?id=1" {
		t.Errorf("sources field holds %q", got)
	}
	if got := d.Find("select#f-confidence option[selected]").AttrOr("value", ""); got != "high" {
		t.Errorf("confidence selected %q", got)
	}
	var opts []string
	d.Find("select#f-confidence option").Each(func(_ int, o *goquery.Selection) { opts = append(opts, o.AttrOr("value", "")+"="+text(o)) })
	if got := strings.Join(opts, ","); got != "=Not assessed,high=High,medium=Medium,low=Low" {
		t.Errorf("confidence options %s", got)
	}
	if d.Find("label[for=f-sources]").Length() != 1 || d.Find("label[for=f-confidence]").Length() != 1 {
		t.Error("sources or confidence without a label")
	}
	form := url.Values{"title": {"Sourced Act"}, "jurisdictions": {"GB"}, "type": {"report"}, "confidence": {"medium"},
		"sources": {"https://gov.example/act\r\n\r\nnot an address\r\nhttps://b.example/x\r\nftp://c.example/y"}, "notes": {"typed notes"},
		"rev": {d.Find("input[name=rev]").AttrOr("value", "")}}
	w := c.post("/policies/gb-sourced-act/edit", form)
	wantStatus(t, "bad sources", w, http.StatusUnprocessableEntity)
	d = doc(t, w)
	msg := text(d.Find("#f-sources-error"))
	for _, want := range []string{"Sources, line 3: not an http(s) address", "Sources, line 5: not an http(s) address"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if href := d.Find(".error-summary a").AttrOr("href", ""); href != "#f-sources" {
		t.Errorf("summary links to %q", href)
	}
	if got := d.Find("textarea#f-sources").Text(); got != "https://gov.example/act\n\nnot an address\nhttps://b.example/x\nftp://c.example/y" {
		t.Errorf("typed sources kept as %q", got)
	}
	if got := d.Find("select#f-confidence option[selected]").AttrOr("value", ""); got != "medium" {
		t.Errorf("typed confidence kept as %q", got)
	}
	if got := d.Find("#f-notes").Text(); got != "typed notes" {
		t.Errorf("typed notes kept as %q", got)
	}
	form.Set("confidence", "certain")
	w = c.post("/policies/gb-sourced-act/edit", form)
	if !strings.Contains(text(doc(t, w).Find("#f-confidence-error")), `"certain" is not a confidence`) {
		t.Error("a confidence out of the list is not named")
	}
	form.Set("sources", "https://gov.example/new\n  https://b.example/x  \n")
	form.Set("confidence", "")
	w = c.post("/policies/gb-sourced-act/edit", form)
	wantStatus(t, "good sources", w, http.StatusSeeOther)
	p, err := e.db.Policy(ctx, "gb-sourced-act")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Sources, []string{"https://gov.example/new", "https://b.example/x"}) || p.Confidence != "" {
		t.Errorf("saved sources %v, confidence %q", p.Sources, p.Confidence)
	}
	if len(p.Provisions) != 2 || p.Provisions[0].Label != "Article 13(2)" {
		t.Errorf("the policy form changed the provisions: %+v", p.Provisions)
	}
	// History shows the change, field by field.
	d = doc(t, c.get("/policies/gb-sourced-act/history"))
	rows := map[string]string{}
	d.Find(`[data-testid="changes"] tbody tr`).Each(func(_ int, tr *goquery.Selection) { rows[text(tr.Find("th"))] = text(tr.Find("td")) })
	if got := rows["Sources"]; !strings.Contains(got, "https://news.example/act?id=1") || !strings.Contains(got, "https://gov.example/new") {
		t.Errorf("history row Sources = %q (rows %v)", got, rows)
	}
	if got := rows["Confidence"]; !strings.Contains(got, "High") || !strings.Contains(got, "Not assessed") {
		t.Errorf("history row Confidence = %q", got)
	}
}

// TestProvisionFormLabelSource: a provision's label and source are edited
// in its form; a bad source is refused naming the field, keeping what was
// typed; reviewed topics stay reviewed while they stay the same.
func TestProvisionFormLabelSource(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	e := newEnv(t)
	p := sourcedPolicy()
	p.Provisions[0].Topics, p.Provisions[0].TopicsReviewed = []string{"software-updates"}, true
	if _, err := e.db.SavePolicy(ctx, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn("editor")
	path := "/policies/gb-sourced-act/provisions/Art.13-2/edit"
	d := doc(t, c.get(path))
	if got := text(doc(t, c.get("/policies/gb-sourced-act/mappings/new")).Find(`#f-provision option[value="Art.13-2"]`)); got != "Art.13-2 (Article 13(2)) Updates" {
		t.Errorf("mapping form offers the provision as %q", got)
	}
	if d.Find("#f-label").AttrOr("value", "") != "Article 13(2)" || d.Find("#f-source").AttrOr("value", "") != "https://gov.example/act#a13" {
		t.Errorf("form shows label %q, source %q", d.Find("#f-label").AttrOr("value", ""), d.Find("#f-source").AttrOr("value", ""))
	}
	form := url.Values{"ref": {"Art.13-2"}, "label": {"Art. 13 (2)"}, "title": {"Updates"}, "text": {"Updates are free."},
		"source": {"the act, page 3"}, "topics": {"software-updates"}}
	w := c.post(path, form)
	wantStatus(t, "bad source", w, http.StatusUnprocessableEntity)
	d = doc(t, w)
	if !strings.Contains(text(d.Find("#f-source-error")), "http(s) address") {
		t.Errorf("source error %q", text(d.Find("#f-source-error")))
	}
	if d.Find("#f-label").AttrOr("value", "") != "Art. 13 (2)" || d.Find("#f-source").AttrOr("value", "") != "the act, page 3" {
		t.Error("typed label or source not kept")
	}
	tests := []struct {
		name         string
		topics       []string
		wantReviewed bool
	}{
		{"same topics stay reviewed", []string{"software-updates"}, true},
		{"new topics are a suggestion", []string{"software-updates", "default-passwords"}, false},
	}
	for _, tt := range tests {
		form.Set("source", "https://gov.example/act#art13")
		form["topics"] = tt.topics
		w = c.post(path, form)
		wantStatus(t, tt.name, w, http.StatusSeeOther)
		got, err := e.db.Policy(ctx, "gb-sourced-act")
		if err != nil {
			t.Fatal(err)
		}
		v := got.Provisions[0]
		if v.Label != "Art. 13 (2)" || v.Source != "https://gov.example/act#art13" || v.TopicsReviewed != tt.wantReviewed {
			t.Errorf("%s: saved %+v", tt.name, v)
		}
	}
}

// TestNewPolicyTypes: report and technical-specification work end to
// end: offered in the form, saved, labelled, and filtered on.
func TestNewPolicyTypes(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("editor")
	d := doc(t, c.get("/policies/new"))
	for _, tc := range []struct{ value, label, slug string }{
		{"report", "Report", "gb-test-report"},
		{"technical-specification", "Technical specification", "gb-test-spec"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			if got := text(d.Find("select#f-type option[value=" + tc.value + "]")); got != tc.label {
				t.Errorf("type option %q, want %q", got, tc.label)
			}
			form := url.Values{"slug": {tc.slug}, "title": {"Test " + tc.label}, "jurisdictions": {"GB"}, "type": {tc.value},
				"sources": {"https://gov.example/" + tc.slug}, "confidence": {"low"}}
			wantStatus(t, "create", c.post("/policies/new", form), http.StatusSeeOther)
			pd := doc(t, c.get("/policies/"+tc.slug))
			if dd, _ := fact(pd, "Type"); text(dd) != tc.label {
				t.Errorf("type shown as %q", text(dd))
			}
			if got := text(pd.Find("[data-testid=confidence]")); !strings.HasPrefix(got, "Confidence: low") {
				t.Errorf("confidence %q", got)
			}
			ld := doc(t, c.get("/policies?type="+tc.value))
			if ld.Find("a[href='/policies/"+tc.slug+"']").Length() == 0 {
				t.Error("the type filter does not list the policy")
			}
			if !strings.Contains(ld.Text(), tc.label) {
				t.Error("the type filter does not name the type")
			}
		})
	}
}
