package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web"
)

const csvHeader = "slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary\r\n"

func TestImportUpload(t *testing.T) {
	ctx := context.Background()
	good := csvHeader +
		"br-iot-plan-2019,Plano Nacional de Internet das Coisas,IoT plan,BR,Government of Brazil,strategy,adopted,voluntary,2019-06-25,,https://www.gov.br/iot,pt,governance;supply-chain,device;network,National IoT plan.\r\n" +
		`za-popia,"Protection of Personal Information Act, 2013",POPIA,ZA,Parliament of South Africa,law,in-force,mandatory,2013,2021-07-01,,en,personal-data,,"=HYPERLINK(""http://evil"")"` + "\r\n"
	for _, tc := range []struct {
		name      string
		files     map[string][]byte
		want      int
		wantText  []string
		wantSlugs []string // that must exist afterwards
		wantNone  []string // that must not
	}{
		{name: "good CSV", files: map[string][]byte{"colleague.csv": []byte(good)}, want: 200,
			wantText: []string{"2 policies created"}, wantSlugs: []string{"br-iot-plan-2019", "za-popia"}},
		{name: "bad row rejects the whole file", want: 422,
			files:    map[string][]byte{"bad.csv": []byte(good + "xx-bad,Bad,,GB,,law,,,2020-02-30,,,,,,\r\n" + "xx-bad2,Bad,,XX,,law,,,,,,,,,\r\n")},
			wantText: []string{"Line 4", "adopted", "Line 5", "jurisdictions", "XX is not a known jurisdiction"}, wantNone: []string{"br-iot-plan-2019", "za-popia"}},
		{name: "malformed CSV", want: 422, files: map[string][]byte{"quote.csv": []byte(csvHeader + "a,\"unclosed,,GB,,law,,,,,,,,,\r\n")},
			wantText: []string{"Line 2"}},
		{name: "wrong header", want: 422, files: map[string][]byte{"h.csv": []byte("slug,name\r\nx,y\r\n")}, wantText: []string{"Line 1", "header"}},
		{name: "invalid UTF-8", want: 422, files: map[string][]byte{"latin1.csv": []byte(csvHeader + "fr-loi,Loi \xe9lectronique,,FR,,law,,,,,,,,,\r\n")},
			wantText: []string{"Line 2", "UTF-8"}, wantNone: []string{"fr-loi"}},
		{name: "malformed JSON", want: 422, files: map[string][]byte{"p.json": []byte("[\n{\"slug\": \"a\",\n\"title\": }\n]")}, wantText: []string{"Line 3"}},
		{name: "JSON with an unknown field", want: 422,
			files:    map[string][]byte{"p.json": []byte("[\n  {\"slug\": \"gb-x\", \"title\": \"X\", \"jurisdictions\": [\"GB\"], \"type\": \"law\",\n   \"colour\": \"red\"}\n]")},
			wantText: []string{"Line 3", "colour"}, wantNone: []string{"gb-x"}},
		{name: "Markdown", want: 200, files: map[string][]byte{"de-it-sig.md": []byte("---\nslug: de-it-sig\ntitle: IT-Sicherheitsgesetz 2.0\njurisdictions: [DE]\ntype: law\n---\nStrengthens the BSI.\n")},
			wantSlugs: []string{"de-it-sig"}},
		{name: "Markdown with a bad type", want: 422, files: map[string][]byte{"x.md": []byte("---\nslug: de-x\ntitle: X\njurisdictions: [DE]\ntype: statute\n---\n")},
			wantText: []string{"Line 5", "type"}},
		{name: "unknown extension", want: 422, files: map[string][]byte{"p.xlsx": []byte("PK")}, wantText: []string{".csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.signedIn("editor")
			before, _ := e.db.LastChange(ctx)
			w := c.upload("/policies/import", tc.files)
			wantStatus(t, "upload", w, tc.want)
			text := doc(t, w).Find("[data-testid=import-report]").Text()
			for _, want := range tc.wantText {
				if !strings.Contains(text, want) {
					t.Errorf("report %q lacks %q", strings.Join(strings.Fields(text), " "), want)
				}
			}
			for _, s := range tc.wantSlugs {
				if _, err := e.db.Policy(ctx, s); err != nil {
					t.Errorf("policy %s: %v", s, err)
				}
			}
			for _, s := range tc.wantNone {
				if _, err := e.db.Policy(ctx, s); err == nil {
					t.Errorf("policy %s saved from a rejected file", s)
				}
			}
			if tc.want != 200 {
				if after, _ := e.db.LastChange(ctx); after != before {
					t.Errorf("a rejected file changed the database (changes %d -> %d)", before, after)
				}
			}
		})
	}
	t.Run("formula is data, and the policy is listed", func(t *testing.T) {
		e := newEnv(t)
		c := e.signedIn("editor")
		wantStatus(t, "upload", c.upload("/policies/import", map[string][]byte{"a.csv": []byte(good)}), 200)
		p, err := e.db.Policy(ctx, "za-popia")
		if err != nil || p.Summary != `=HYPERLINK("http://evil")` || p.Title != "Protection of Personal Information Act, 2013" {
			t.Fatalf("got %q / %q, %v", p.Title, p.Summary, err)
		}
		if !strings.Contains(c.get("/policies?q=POPIA").Body.String(), "/policies/za-popia") {
			t.Error("imported policy not in the list")
		}
		again := c.upload("/policies/import", map[string][]byte{"a.csv": []byte(good)})
		if got := doc(t, again).Find("[data-testid=import-report]").Text(); !strings.Contains(got, "0 policies created, 0 updated, 2 unchanged") {
			t.Errorf("second import: %q, want all unchanged", strings.Join(strings.Fields(got), " "))
		}
	})
	t.Run("oversized upload", func(t *testing.T) {
		e := newEnv(t)
		c := e.signedIn("editor")
		big := []byte(csvHeader + strings.Repeat("x", web.DefaultUploadLimit))
		wantStatus(t, "upload", c.upload("/policies/import", map[string][]byte{"big.csv": big}), http.StatusRequestEntityTooLarge)
	})
	t.Run("no file", func(t *testing.T) {
		e := newEnv(t)
		w := e.signedIn("editor").upload("/policies/import", nil)
		wantStatus(t, "upload", w, http.StatusUnprocessableEntity)
		if doc(t, w).Find(".error-summary a[href='#f-file']").Length() != 1 {
			t.Error("no error summary pointing at the file field")
		}
	})
}

func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.signedIn("editor")
	// Give the data some edges: a formula-looking summary, a provision, a
	// reviewed mapping with a strength.
	form := newPolicyForm()
	form.Set("summary", "=1+2 and -3")
	form.Set("title", "@risk; \"quoted\", and, commas")
	wantStatus(t, "create", c.post("/policies/new", form), http.StatusSeeOther)
	if _, _, err := e.db.EditPolicy(store.WithActor(ctx, store.Actor{Process: "test"}), "ke-iot-guidelines-2025", func(p *store.Policy) error {
		p.Provisions = append(p.Provisions, store.Provision{Ref: "1", Title: "T", Text: "+text", Topics: []string{"sbom"}})
		p.Mappings = append(p.Mappings, store.Mapping{Framework: "dc-isss-iot", Item: "C2", Provision: "1", Relationship: "equal", Strength: 4, Rationale: "r", Reviewed: true})
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	w := c.get("/policies/export?format=json")
	wantStatus(t, "export json", w, http.StatusOK)
	if got := w.Header().Get("Content-Disposition"); !strings.Contains(got, "attachment") || !strings.Contains(got, ".json") {
		t.Errorf("Content-Disposition %q", got)
	}
	first := w.Body.Bytes()

	// Import into an empty instance (vocabularies and framework only).
	db2, err := store.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	b, _ := bundle()
	b.Policies, b.Documents = nil, nil
	if _, err := content.Seed(ctx, db2, b); err != nil {
		t.Fatal(err)
	}
	rep, err := content.Import(ctx, db2, "export.json", first)
	if err != nil || rep.Rejected {
		t.Fatalf("import of the export: %+v, %v", rep.Problems, err)
	}
	w2 := httptestGet(web.New(web.Deps{Store: db2}), "/policies/export?format=json")
	if !bytes.Equal(w2.Body.Bytes(), first) {
		t.Errorf("export of the re-imported data differs from the original export (%d vs %d bytes)", w2.Body.Len(), len(first))
	}

	w = c.get("/policies/export?format=csv")
	wantStatus(t, "export csv", w, http.StatusOK)
	rows, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row[0] == "ke-iot-guidelines-2025" {
			if row[14] != "'=1+2 and -3" || row[1] != "'@risk; \"quoted\", and, commas" {
				t.Errorf("got cells %q and %q, want formulas neutralised with an apostrophe", row[14], row[1])
			}
		}
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %d of %s starts with %q", i, row[0], cell[0])
			}
		}
	}
	wantStatus(t, "export markdown", c.get("/policies/export?format=markdown"), http.StatusOK)
	wantStatus(t, "export bad format", c.get("/policies/export?format=xlsx"), http.StatusBadRequest)
}
