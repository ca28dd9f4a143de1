package content_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
)

// checkParsed holds for every importer: a bad file is a *FileError with at
// least one problem, every problem has a message, and every policy that
// parsed is valid.
func checkParsed(t *testing.T, recs []content.Record, err error) {
	t.Helper()
	if err != nil {
		var fe *content.FileError
		if !errors.As(err, &fe) || len(fe.Problems) == 0 {
			t.Fatalf("got error %v, want a *FileError with problems", err)
		}
		for _, p := range fe.Problems {
			if p.Message == "" || p.Line < 0 {
				t.Errorf("problem without message or with negative line: %+v", p)
			}
		}
	}
	for _, r := range recs {
		if verr := r.Policy.Validate(); verr != nil {
			t.Errorf("parsed policy %q does not validate: %v", r.Policy.Slug, verr)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(header + "gb-x,T,,GB,,law,,,2020,,,,,,\n"))
	f.Add([]byte(header + "gb-x,\"a \"\"q\"\" b\",,GB;EU,,law,in-force,mandatory,2020-01,,https://x.org,en,sbom,device,'=1+1\n"))
	f.Add([]byte("\ufeff" + header + "a-b,\"multi\nline\",,GB,,law,,,,,,,,,\r\n"))
	f.Add([]byte(header + "a,\"unclosed\n"))
	f.Add([]byte(headerWithSources + "gb-x,T,,GB,,law,,,2020,,,,,,,https://a.example/x;http://b.example/y%3Bz,high\n"))
	f.Add([]byte("slug\n\xff\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := content.ParseCSV("f.csv", b)
		checkParsed(t, recs, err)
		if err != nil {
			return
		}
		// What parsed writes out and parses back the same.
		var buf bytes.Buffer
		out := recsToPolicies(recs)
		if err := content.WriteCSV(&buf, out); err != nil {
			t.Fatal(err)
		}
		ps, err := content.ParseCSV("again.csv", buf.Bytes())
		if err != nil {
			t.Fatalf("re-parse of written CSV: %v\n%s", err, buf.Bytes())
		}
		// A file without the sources column is written with an empty one,
		// which reads back as an empty list rather than "keep the stored".
		for i := range out {
			if out[i].Sources == nil {
				out[i].Sources = []string{}
			}
		}
		if diff := cmp.Diff(out, recsToPolicies(ps)); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`[{"slug":"gb-x","title":"T","jurisdictions":["GB"],"type":"law"}]`))
	f.Add([]byte("[\n {\"slug\":\"a\",\"title\":\"T\",\"jurisdictions\":[\"GB\"],\"type\":\"law\",\"adopted\":2020,\n  \"provisions\":[{\"ref\":\"1\",\"title\":\"\",\"text\":\"\",\"topics\":[]}],\n  \"mappings\":[{\"framework\":\"f\",\"item\":\"C1\",\"provision\":\"1\",\"relationship\":\"equal\",\"strength\":3,\"rationale\":\"r\",\"reviewed\":true}]}\n]"))
	f.Add([]byte(`[{"slug":"a","bogus":1}]`))
	f.Add([]byte(`[{"slug": 1}, {"title": [}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := content.ParseJSON("f.json", b)
		checkParsed(t, recs, err)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		out := recsToPolicies(recs)
		if err := content.WriteJSON(&buf, out); err != nil {
			t.Fatal(err)
		}
		again, err := content.ParseJSON("again.json", buf.Bytes())
		if err != nil {
			t.Fatalf("re-parse of written JSON: %v\n%s", err, buf.Bytes())
		}
		var buf2 bytes.Buffer
		if err := content.WriteJSON(&buf2, recsToPolicies(again)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Errorf("JSON round trip differs:\n%s\n%s", buf.Bytes(), buf2.Bytes())
		}
	})
}

func FuzzParseMarkdown(f *testing.F) {
	f.Add([]byte("---\nslug: de-x\ntitle: X\njurisdictions: [DE]\ntype: law\n---\nBody.\n"))
	f.Add([]byte("---\nslug: de-x\ntitle: X\njurisdictions: [DE]\ntype: law\nadopted: 2020-01-02\nprovisions:\n  - ref: \"1\"\n---\n"))
	f.Add([]byte("---\nslug: [\n---\n"))
	f.Add([]byte("no front matter"))
	f.Add([]byte("---\n&a [*a]\n---\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := content.ParseMarkdown("f.md", b)
		if err != nil {
			checkParsed(t, nil, err)
			return
		}
		checkParsed(t, []content.Record{r}, nil)
		out, err := content.FormatPolicy(r.Policy)
		if err != nil {
			t.Fatal(err)
		}
		again, err := content.ParseMarkdown("again.md", out)
		if err != nil {
			t.Fatalf("re-parse of formatted policy: %v\n%s", err, out)
		}
		if again.Policy.Slug != r.Policy.Slug || again.Policy.Title != r.Policy.Title || again.Policy.Summary != r.Policy.Summary {
			t.Errorf("round trip changed the policy:\n%+v\n%+v", r.Policy, again.Policy)
		}
	})
}

func recsToPolicies(recs []content.Record) []store.Policy {
	out := make([]store.Policy, len(recs))
	for i, r := range recs {
		out[i] = r.Policy
	}
	return out
}
