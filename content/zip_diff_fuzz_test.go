package content

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// FuzzParseZip feeds arbitrary bytes to the zip import: it never panics,
// and an archive it accepts yields at least one policy that passes the
// store's validation.
func FuzzParseZip(f *testing.F) {
	b, err := ReadBundle(Builtin())
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteMarkdownZip(&buf, b.Policies[:2]); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	var odd bytes.Buffer
	zw := zip.NewWriter(&odd)
	for _, name := range []string{"dir/", "x.txt", "../up.md", "a.MD"} {
		w, _ := zw.Create(name)
		w.Write([]byte("---\nslug: a\n---\n"))
	}
	zw.Close()
	f.Add(odd.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ParseFile("f.zip", data)
		if err != nil {
			return
		}
		if len(recs) == 0 {
			t.Fatal("accepted an archive with no policies")
		}
		for _, r := range recs {
			if err := r.Policy.Validate(); err != nil {
				t.Fatalf("accepted %s, which the store refuses: %v", r.Policy.Slug, err)
			}
		}
	})
}

// FuzzWordDiff: the redline of two texts never panics, and its parts give
// back both texts exactly (the older without Op 1, the newer without
// Op -1).
func FuzzWordDiff(f *testing.F) {
	f.Add("Devices shall not use default passwords.", "Devices must not use universal default passwords.")
	f.Add("", "new")
	f.Add("é€😀 a b", "a b é")
	f.Add("\xff\x00", "\x00\xfe")
	f.Fuzz(func(t *testing.T, a, b string) {
		var older, newer strings.Builder
		for _, p := range WordDiff(a, b) {
			if p.Op != 1 {
				older.WriteString(p.Text)
			}
			if p.Op != -1 {
				newer.WriteString(p.Text)
			}
		}
		if older.String() != a || newer.String() != b {
			t.Fatalf("WordDiff(%q, %q) gives back %q and %q", a, b, older.String(), newer.String())
		}
	})
}

// FuzzDiff composes two versions of a document from arbitrary Markdown, the
// second from the first as an editor's save does, and compares them: it
// never panics, and its totals are its blocks' own counts.
func FuzzDiff(f *testing.F) {
	f.Add("# T\n\n## 1 Scope\n\nOne.\n\n- a\n- b\n", "# T\n\n## 1 Scope\n\nOne, edited.\n\n- b\n- a\n- c\n")
	f.Add("", "x")
	f.Add("| a |\n|---|\n| [@x] |\n", "> q [#C1]\n")
	md := NewMarkdown()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 4000 || len(b) > 4000 {
			return
		}
		c1, err := md.Compose(ctx, a, nil, "dc-isss-iot", nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		n1 := c1.NewVersion(0, a, "")
		c2, err := md.Compose(ctx, b, nil, "dc-isss-iot", n1.Paragraphs, c1.Counter)
		if err != nil {
			t.Fatal(err)
		}
		n2 := c2.NewVersion(1, b, "")
		v1 := store.Version{Number: 1, Source: a, Paragraphs: n1.Paragraphs}
		v2 := store.Version{Number: 2, Source: b, Paragraphs: n2.Paragraphs, Map: n2.Map}
		r := Diff(v1, v2)
		// A block has one status and may also have moved (a block both
		// edited and moved counts in Changed and in Moved), so the totals
		// are the blocks' own counts, and no more statuses than blocks.
		var changed, inserted, deleted, moved int
		for _, b := range r.Blocks {
			switch b.Status {
			case Changed:
				changed++
			case Inserted:
				inserted++
			case Deleted:
				deleted++
			}
			if b.Moved {
				moved++
			}
		}
		if r.Changed != changed || r.Inserted != inserted || r.Deleted != deleted || r.Moved != moved {
			t.Fatalf("Diff counts %d changed, %d inserted, %d deleted, %d moved; its blocks hold %d, %d, %d, %d",
				r.Changed, r.Inserted, r.Deleted, r.Moved, changed, inserted, deleted, moved)
		}
		if changed+inserted+deleted > len(r.Blocks) {
			t.Fatalf("Diff: %d statuses in %d blocks", changed+inserted+deleted, len(r.Blocks))
		}
	})
}
