package content_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// TestParseCSVSources: the sources and confidence columns at the end of
// the header; a file without them still parses, with nil sources (keep
// the stored ones); a bad cell is reported with its line and field.
func TestParseCSVSources(t *testing.T) {
	row := "gb-x,T,,GB,,law,,,,,,,,,"
	tests := []struct {
		name           string
		in             string
		wantSources    []string
		wantConfidence string
		wantProblem    *content.Problem // Message matched as a substring
	}{
		{"two sources", headerWithSources + row + ", https://a.example/x ; http://b.example/y%3Bz ,high\n",
			[]string{"https://a.example/x", "http://b.example/y%3Bz"}, "high", nil},
		{"empty cells", headerWithSources + row + ",,\n", []string{}, "", nil},
		{"old header keeps", header + row + "\n", nil, "", nil},
		{"a bad source names its line and place", headerWithSources + "ok-1,OK,,GB,,law,,,,,,,,,,,\n" + row + ",https://a.example/;not an address,\n", nil, "",
			&content.Problem{Line: 3, Field: "sources[1]", Message: "http(s) address"}},
		{"a bad confidence names its line", headerWithSources + row + ",,certain\n", nil, "",
			&content.Problem{Line: 2, Field: "confidence", Message: `"certain" is not a confidence`}},
		{"old row under the new header", headerWithSources + row + "\n", nil, "",
			&content.Problem{Line: 2, Message: "has 15 columns, want 17"}},
		{"new row under the old header", header + row + ",,\n", nil, "",
			&content.Problem{Line: 2, Message: "has 17 columns, want 15"}},
		{"columns swapped", strings.Replace(headerWithSources, "sources,confidence", "confidence,sources", 1) + row + ",,\n", nil, "",
			&content.Problem{Line: 1, Message: "header must be exactly slug,title,short_title,jurisdictions,issuer,type,status,binding,adopted,in_force,url,language,topics,layers,summary,sources,confidence"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := content.ParseCSV("in.csv", []byte(tt.in))
			if tt.wantProblem != nil {
				got := problems(t, err)
				if len(got) != 1 || got[0].Line != tt.wantProblem.Line || got[0].Field != tt.wantProblem.Field ||
					!strings.Contains(got[0].Message, tt.wantProblem.Message) {
					t.Errorf("got problems %+v, want %+v", got, *tt.wantProblem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := recs[0].Policy
			if (p.Sources == nil) != (tt.wantSources == nil) || !slices.Equal(p.Sources, tt.wantSources) || p.Confidence != tt.wantConfidence {
				t.Errorf("got sources %#v, confidence %q; want %#v, %q", p.Sources, p.Confidence, tt.wantSources, tt.wantConfidence)
			}
		})
	}
}

// TestWriteCSVSources: the export writes today's header with the sources
// and confidence last, and a ";" inside an address does not split it.
func TestWriteCSVSources(t *testing.T) {
	ps := []store.Policy{{Slug: "gb-x", Title: "T", Jurisdictions: []string{"GB"}, Type: "law",
		Sources: []string{"https://a.example/x", "https://b.example/p;v=1"}, Confidence: "medium"}}
	var buf bytes.Buffer
	if err := content.WriteCSV(&buf, ps); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\r\n")
	if lines[0]+"\n" != headerWithSources {
		t.Errorf("header %q, want %q", lines[0], headerWithSources)
	}
	if !strings.HasSuffix(lines[1], ",https://a.example/x;https://b.example/p%3Bv=1,medium") {
		t.Errorf("row %q does not end with the sources and confidence", lines[1])
	}
	recs, err := content.ParseCSV("out.csv", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[0].Policy.Sources; len(got) != 2 || recs[0].Policy.Confidence != "medium" {
		t.Errorf("read back sources %v, confidence %q", got, recs[0].Policy.Confidence)
	}
}

// TestImportCSVSources: importing a CSV file without the two columns
// keeps a policy's stored sources and confidence, as it keeps its notes;
// a file with them sets them, and empty cells clear them.
func TestImportCSVSources(t *testing.T) {
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
	row := "gb-a,A,,GB,,law,,,,,,,,,"
	steps := []struct {
		name           string
		file           string
		wantSources    []string
		wantConfidence string
	}{
		{"new file sets", headerWithSources + row + ",https://a.example/1;https://a.example/2,high\n", []string{"https://a.example/1", "https://a.example/2"}, "high"},
		{"old file keeps", header + row + "\n", []string{"https://a.example/1", "https://a.example/2"}, "high"},
		{"new file changes", headerWithSources + row + ",https://gov.example/a,low\n", []string{"https://gov.example/a"}, "low"},
		{"empty cells clear", headerWithSources + row + ",,\n", []string{}, ""},
	}
	for _, st := range steps {
		rep, err := content.Import(ctx, db, "a.csv", []byte(st.file))
		if err != nil || rep.Rejected {
			t.Fatalf("%s: %+v, %v", st.name, rep, err)
		}
		p, err := db.Policy(ctx, "gb-a")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Sources, st.wantSources) || p.Confidence != st.wantConfidence {
			t.Errorf("%s: sources %v, confidence %q; want %v, %q", st.name, p.Sources, p.Confidence, st.wantSources, st.wantConfidence)
		}
	}
	rep, _ := content.Import(ctx, db, "b.csv", []byte(headerWithSources+row+",ftp://a.example/1,\n"))
	if !rep.Rejected || len(rep.Problems) != 1 || rep.Problems[0].Line != 2 || rep.Problems[0].Field != "sources[0]" {
		t.Errorf("a bad source: got %+v, want rejected naming line 2, sources[0]", rep)
	}
}

// TestPolicyFrontMatterSources: the agreed front matter keys parse, and a
// policy written as a file reads back the same.
func TestPolicyFrontMatterSources(t *testing.T) {
	file := `---
slug: gb-x
title: "Test Act"
jurisdictions: [GB]
type: report
url: null
sources:
  - "https://a.example/report"
  - "http://b.example/news?id=2"
confidence: medium
provisions:
  - ref: "5.1-1"
    label: "5.1 - 1"
    title: "No universal default passwords"
    text: "our own short text"
    source: "https://a.example/report#p5"
    topics: [default-passwords]
    topics_reviewed: false
  - ref: "Art.2"
    title: "Without the new keys"
    text: ""
    topics: []
---
A summary.
`
	p, err := content.ParsePolicy("gb-x.md", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Sources, []string{"https://a.example/report", "http://b.example/news?id=2"}) || p.Confidence != "medium" {
		t.Errorf("sources %v, confidence %q", p.Sources, p.Confidence)
	}
	v := p.Provisions[0]
	if v.Ref != "5.1-1" || v.Label != "5.1 - 1" || v.Source != "https://a.example/report#p5" || v.TopicsReviewed {
		t.Errorf("provision %+v", v)
	}
	if w := p.Provisions[1]; w.Label != "" || w.Source != "" || w.DisplayLabel() != "Art.2" {
		t.Errorf("provision without the new keys %+v", w)
	}
	out, err := content.FormatPolicy(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sources:\n  - https://a.example/report\n", "confidence: medium\n", "label: 5.1 - 1\n", "topics_reviewed: false\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("formatted file lacks %q:\n%s", want, out)
		}
	}
	back, err := content.ParsePolicy("gb-x.md", out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Sources, p.Sources) || back.Confidence != p.Confidence || !cmp.Equal(back.Provisions, p.Provisions) {
		t.Errorf("round trip changed it:\n got %+v\nwant %+v", back, p)
	}
	// null and unknown values.
	nullConf := strings.Replace(file, "confidence: medium", "confidence: null", 1)
	if p, err := content.ParsePolicy("gb-x.md", []byte(nullConf)); err != nil || p.Confidence != "" {
		t.Errorf("confidence null: %q, %v", p.Confidence, err)
	}
	for _, bad := range []struct{ from, to, want string }{
		{"confidence: medium", "confidence: certain", "confidence"},
		{`  - "http://b.example/news?id=2"`, `  - "b.example/news"`, "sources[1]"},
		{`    source: "https://a.example/report#p5"`, `    source: "page 5"`, "provisions[0].source"},
	} {
		_, err := content.ParsePolicy("gb-x.md", []byte(strings.Replace(file, bad.from, bad.to, 1)))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: got %v, want an error naming %s", bad.to, err, bad.want)
		}
	}
}
