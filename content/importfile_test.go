package content_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// header is the CSV header before policies had sources and a confidence,
// which still imports; headerWithSources is today's.
const header = "slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary\n"

const headerWithSources = "slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary,sources,confidence\n"

func problems(t *testing.T, err error) []content.Problem {
	t.Helper()
	var fe *content.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("got error %v, want a *FileError", err)
	}
	return fe.Problems
}

func TestParseCSVProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []content.Problem // Message is matched as a substring
	}{
		{"bad type and date on one line", header + "a-b,A,,GB,,decree,,,2020-13,,,,,,\n",
			[]content.Problem{{Line: 2, Field: "adopted", Message: "not a date"}, {Line: 2, Field: "type", Message: "not a type"}}},
		{"each bad line named", header + "ok-1,OK,,GB,,law,,,,,,,,,\n" + "bad-1,,,GB,,law,,,,,,,,,\n" + "ok-2,OK,,GB,,law,,,,,,,,,\n" + "bad-2,B,,GB,,law,,,,,,,,nowhere,\n",
			[]content.Problem{{Line: 3, Field: "title", Message: "title"}, {Line: 5, Field: "layers", Message: "not a layer"}}},
		{"quoted newline counts lines", header + "a-1,\"Two\nlines\",,GB,,law,,,,,,,,,\n" + "b-1,B,,GB,,law,,,,,,,,,,\n",
			[]content.Problem{{Line: 4, Message: "16 columns"}}},
		{"bare quote", header + "a-1,B\"ad,,GB,,law,,,,,,,,,\n", []content.Problem{{Line: 2, Message: "quote"}}},
		{"wrong header", "slug;title\n", []content.Problem{{Line: 1, Message: "header must be exactly"}}},
		{"empty", "", []content.Problem{{Line: 1, Message: "empty"}}},
		{"header only", header, []content.Problem{{Line: 2, Message: "no policies"}}},
		{"not UTF-8", header + "a-1,Caf\xe9,,FR,,law,,,,,,,,,\n", []content.Problem{{Line: 2, Message: "UTF-8"}}},
		{"control character", header + "a-1,Bell\x07,,FR,,law,,,,,,,,,\n", []content.Problem{{Line: 2, Field: "title", Message: "control"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := content.ParseCSV("in.csv", []byte(tc.in))
			got := problems(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems %v, want %d %v", len(got), got, len(tc.want), tc.want)
			}
			for i := range got {
				if got[i].Line != tc.want[i].Line || got[i].Field != tc.want[i].Field || !strings.Contains(got[i].Message, tc.want[i].Message) {
					t.Errorf("problem %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestParseCSV(t *testing.T) {
	in := "\ufeff" + strings.ReplaceAll(header, "\n", "\r\n") +
		"gb-x,\"Title, with comma\",X,GB; EU ,Issuer,law,in-force,mandatory,2020,2021-01-01,https://example.org/x,en,sbom;supply-chain,device;network,'=cmd|' /C calc'!A0\r\n"
	recs, err := content.ParseCSV("in.csv", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := store.Policy{Slug: "gb-x", Title: "Title, with comma", ShortTitle: "X", Jurisdictions: []string{"GB", "EU"}, Issuer: "Issuer",
		Type: "law", Status: "in-force", Binding: "mandatory", Adopted: "2020", InForce: "2021-01-01", URL: "https://example.org/x",
		Language: "en", Topics: []string{"sbom", "supply-chain"}, Layers: []string{"device", "network"}, Summary: "=cmd|' /C calc'!A0"}
	if diff := cmp.Diff(want, recs[0].Policy); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
	if recs[0].Line != 2 || !recs[0].Partial {
		t.Errorf("got line %d partial %v, want line 2, partial", recs[0].Line, recs[0].Partial)
	}
}

func TestCSVFormulaRoundTrip(t *testing.T) {
	cells := []string{"=SUM(A1)", "+1", "-2", "@cmd", "\tTab", "'=already", "''=twice", "'plain", "a=b", "It's", "-"}
	var ps []store.Policy
	for i, c := range cells {
		ps = append(ps, store.Policy{Slug: "p-" + string(rune('a'+i)), Title: "T" + c, Jurisdictions: []string{"GB"}, Type: "law", Summary: c, Issuer: c})
	}
	var buf bytes.Buffer
	if err := content.WriteCSV(&buf, ps); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\r\n")[1:] {
		for _, cell := range strings.Split(line, ",") {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("exported cell %q starts like a formula", cell)
			}
		}
	}
	recs, err := content.ParseCSV("out.csv", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		// Parsing trims cells, so a leading tab does not survive; every
		// other value comes back exactly.
		want := strings.TrimSpace(cells[i])
		if r.Policy.Summary != want || r.Policy.Issuer != want {
			t.Errorf("got %q back, want %q", r.Policy.Summary, want)
		}
	}
}

func TestParseJSONProblems(t *testing.T) {
	in := `[
  {"slug": "ok-1", "title": "OK", "jurisdictions": ["GB"], "type": "law"},
  {
    "slug": "bad-1",
    "title": "Bad",
    "jurisdictions": ["GB"],
    "type": "law",
    "adopted": "2020-02-30"
  },
  {"slug": "bad-2", "title": "B", "jurisdictions": ["GB"], "type": "law",
   "colour": "red"}
]`
	_, err := content.ParseJSON("in.json", []byte(in))
	got := problems(t, err)
	want := []content.Problem{{Line: 8, Field: "adopted"}, {Line: 11, Field: "colour"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].Line != want[i].Line || got[i].Field != want[i].Field {
			t.Errorf("problem %d: got %+v, want line %d field %s", i, got[i], want[i].Line, want[i].Field)
		}
	}
	for _, tc := range []struct {
		name, in string
		line     int
	}{
		{"syntax", "[\n{\"slug\": \"a\",\n \"title\": ]\n", 3},
		{"not an array", `{"slug": "a"}`, 1},
		{"unclosed", "[\n{\"slug\": \"a\", \"title\": \"A\", \"jurisdictions\": [\"GB\"], \"type\": \"law\"}\n", 2},
		{"trailing data", "[]\n[]", 2},
		{"wrong type", "[\n{\"slug\": \"a\",\n \"title\": 7}]", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := content.ParseJSON("in.json", []byte(tc.in))
			ps := problems(t, err)
			if ps[0].Line != tc.line {
				t.Errorf("got %+v, want line %d", ps, tc.line)
			}
		})
	}
}

func TestParseMarkdownProblems(t *testing.T) {
	in := "---\nslug: de-x\ntitle: X\njurisdictions: [DE]\ntype: statute\nadopted: 2020-13-01\n---\nBody.\n"
	_, err := content.ParseMarkdown("de-x.md", []byte(in))
	got := problems(t, err)
	if len(got) != 2 || got[0].Line != 6 || got[0].Field != "adopted" || got[1].Line != 5 || got[1].Field != "type" {
		t.Errorf("got %+v, want adopted on line 6 and type on line 5", got)
	}
	_, err = content.ParseMarkdown("x.md", []byte("---\nslug: x\nbogus: 1\n---\n"))
	if got := problems(t, err); got[0].Line != 3 || got[0].Field != "bogus" {
		t.Errorf("got %+v, want the unknown field on line 3", got)
	}
	_, err = content.ParseMarkdown("x.md", []byte("---\nslug: [\n---\n"))
	if got := problems(t, err); got[0].Line < 2 {
		t.Errorf("got %+v, want a line inside the front matter", got)
	}
}

func TestImportIsAllOrNothingAndIdempotent(t *testing.T) {
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	b.Policies, b.Documents = nil, nil
	if _, err := content.Seed(ctx, db, b); err != nil {
		t.Fatal(err)
	}
	good := header + "gb-a,A,,GB,,law,,,,,,,sbom,,\n" + "gb-b,B,,GB,,law,,,,,,,,,\n"
	rep, err := content.Import(ctx, db, "a.csv", []byte(good))
	if err != nil || rep.Rejected || len(rep.Created) != 2 {
		t.Fatalf("got %+v, %v; want 2 created", rep, err)
	}
	rep, _ = content.Import(ctx, db, "a.csv", []byte(good))
	if len(rep.Unchanged) != 2 || len(rep.Created)+len(rep.Updated) != 0 {
		t.Errorf("second import: got %+v, want all unchanged", rep)
	}
	// A CSV row keeps the notes and provisions that CSV cannot carry.
	if _, _, err := db.EditPolicy(ctx, "gb-a", func(p *store.Policy) error {
		p.Notes = "kept"
		p.Provisions = []store.Provision{{Ref: "1"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rep, _ = content.Import(ctx, db, "a.csv", []byte(strings.Replace(good, "gb-a,A,", "gb-a,A2,", 1)))
	p, _ := db.Policy(ctx, "gb-a")
	if len(rep.Updated) != 1 || p.Title != "A2" || p.Notes != "kept" || len(p.Provisions) != 1 {
		t.Errorf("got %+v and %+v, want title updated, notes and provisions kept", rep, p)
	}
	seq, _ := db.LastChange(ctx)
	rep, err = content.Import(ctx, db, "b.csv", []byte(good+"gb-c,C,,GB,,law,,,,,,,no-such-topic,,\n"+"gb-b,dup,,GB,,law,,,,,,,,,\n"))
	if err != nil || !rep.Rejected {
		t.Fatalf("got %+v, %v; want rejected", rep, err)
	}
	want := []content.Problem{{Line: 4, Field: "topics", Message: "no-such-topic is not a known topic"},
		{Line: 5, Field: "slug", Message: "gb-b appears twice in the file (first on line 3)"}}
	if diff := cmp.Diff(want, rep.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if after, _ := db.LastChange(ctx); after != seq {
		t.Error("a rejected file wrote to the database")
	}
}

func TestMarkdownZipRoundTrip(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := content.WriteMarkdownZip(&buf, b.Policies); err != nil {
		t.Fatal(err)
	}
	recs, err := content.ParseFile("all.zip", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(b.Policies) {
		t.Fatalf("got %d policies back, want %d", len(recs), len(b.Policies))
	}
	for i, r := range recs {
		if diff := cmp.Diff(b.Policies[i].Title, r.Policy.Title); diff != "" {
			t.Errorf("%s: %s", r.Policy.Slug, diff)
		}
	}
}

// zipOf writes an archive of the named files, in order.
func zipOf(t *testing.T, files []zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zipFile struct {
	name string
	data []byte
}

// onePolicyMarkdown is one shipped policy as its exported .md file.
func onePolicyMarkdown(t *testing.T) zipFile {
	t.Helper()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := content.WriteMarkdownZip(&buf, b.Policies[:1]); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("export of one policy: %v, %d files", err, len(zr.File))
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return zipFile{zr.File[0].Name, data}
}

func TestZipImportLimits(t *testing.T) {
	md := onePolicyMarkdown(t)
	filler := func(n int) []zipFile {
		fs := make([]zipFile, n)
		for i := range fs {
			fs[i] = zipFile{name: fmt.Sprintf("notes/%05d.txt", i)}
		}
		return fs
	}
	big := bytes.Repeat([]byte("a"), content.MaxZipEntry+1)
	exact := append(append([]byte{}, md.data...), bytes.Repeat([]byte("\n"), content.MaxZipEntry-len(md.data))...)
	tests := []struct {
		name    string
		files   []zipFile
		want    int    // policies read, when accepted
		wantErr string // a part of the problem, when refused
	}{
		{"entries at the limit", append(filler(content.MaxZipEntries-1), md), 1, ""},
		{"one entry too many", append(filler(content.MaxZipEntries), md), 0, fmt.Sprintf("has %d entries; import at most %d", content.MaxZipEntries+1, content.MaxZipEntries)},
		{"entry at the size limit", []zipFile{{md.name, exact}}, 1, ""},
		{"entry over the size limit", []zipFile{md, {"huge.md", big}}, 0, "huge.md: unpacks to more than 8 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := content.ParseFile("policies.zip", zipOf(t, tt.files))
			if tt.wantErr == "" {
				if err != nil || len(recs) != tt.want {
					t.Fatalf("got %d policies, %v; want %d and no error", len(recs), err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
