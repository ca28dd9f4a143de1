package content

import (
	"context"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// FuzzCompose feeds arbitrary Markdown to the block splitter, the citation
// parser and the id matcher: nothing may panic, every block gets a unique
// id, and a second identical version keeps every id.
func FuzzCompose(f *testing.F) {
	for _, s := range []string{
		"", "# T\n\n## A\n\ntext [@x] and [#C1]\n", "- a\n- b\n  - c\n", "[@", "[#]", "[@a §]", "[@a §1.2-3](u)",
		"| a | b |\n|---|---|\n| [@x] | y |\n", "> q\n>\n> [#RQ1b]\n", "```\n[@x]\n```\n", "x[^1]\n\n[^1]: n [@y]\n",
		"<script>alert(1)</script>", "[a](javascript:alert(1))", "###### deep\n\n## back\n",
	} {
		f.Add(s)
	}
	md := NewMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		c, err := md.Compose(context.Background(), src, nil, "dc-isss-iot", nil, 1)
		if err != nil {
			t.Fatalf("Compose(%q): %v", src, err)
		}
		seen := map[string]bool{}
		for _, id := range c.IDs {
			if seen[id] {
				t.Fatalf("Compose(%q): id %s twice", src, id)
			}
			seen[id] = true
		}
		v := c.NewVersion(0, src, "")
		again, err := md.Compose(context.Background(), src, nil, "dc-isss-iot", v.Paragraphs, c.Counter)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(again.IDs, " ") != strings.Join(c.IDs, " ") {
			t.Fatalf("Compose(%q) twice: ids %v then %v, want the same", src, c.IDs, again.IDs)
		}
		for _, m := range again.Map {
			if m.Relation != store.RelKept {
				t.Fatalf("Compose(%q) twice: map %+v, want all kept", src, again.Map)
			}
		}
	})
}
