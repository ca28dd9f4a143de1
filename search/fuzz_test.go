package search

import (
	"context"
	"errors"
	"html"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
)

// FuzzPlan feeds arbitrary reader input to the query planner: it never
// panics, and it either builds a plan or refuses with a QueryError naming
// a field, never another kind of error.
func FuzzPlan(f *testing.F) {
	for _, s := range []string{"", "default passwords", `"security by design" 8259A`, "EN 303 645", "5.1-1",
		`"""`, "\x00\xff", "a~2 +b -c ^d", strings.Repeat("word ", 300), `"a" "b" "c" "d" "e" "f" "g" "h" "i"`} {
		f.Add(s, "jurisdiction", "GB", 1, 20, "")
	}
	db, err := store.Open(context.Background(), filepath.Join(f.TempDir(), "accord.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	ix, err := Open(f.TempDir(), db, nil)
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	f.Fuzz(func(t *testing.T, q, facet, value string, page, perPage int, sort string) {
		_, err := ix.plan(Query{Q: q, Filters: map[string][]string{facet: {value}}, Page: page, PerPage: perPage, Sort: sort}, nil)
		var qe *QueryError
		if err != nil && (!errors.As(err, &qe) || qe.Field == "") {
			t.Fatalf("plan(%q, %s=%q): got %v, want a QueryError naming a field", q, facet, value, err)
		}
	})
}

// FuzzFragment feeds arbitrary text and match positions to the
// highlighter: it never panics, and its output is the text escaped, with
// no markup but <mark> and no broken UTF-8 where the text had none.
func FuzzFragment(f *testing.F) {
	f.Add("Devices shall not use universal default passwords.", 30, 38, 11, 18, 40)
	f.Add("<script>alert(1)</script> default", 26, 33, 0, 8, 10)
	f.Add("é€😀 passwords", 0, 2, 10, 19, 5)
	f.Fuzz(func(t *testing.T, text string, s1, e1, s2, e2, maxLen int) {
		if maxLen < 0 || maxLen > 1<<16 {
			return
		}
		spans := []span{{s1, e1}, {s2, e2}}
		if s2 < s1 {
			spans[0], spans[1] = spans[1], spans[0]
		}
		out := fragment(text, spans, maxLen)
		bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(out)
		if strings.ContainsAny(bare, "<>") {
			t.Fatalf("fragment(%q) = %q: markup other than <mark>", text, out)
		}
		if plain := html.UnescapeString(strings.ReplaceAll(bare, "…", "")); !strings.Contains(text, plain) && utf8.ValidString(text) && maxLen == 0 {
			t.Fatalf("fragment(%q, all) = %q: not the text", text, out)
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("fragment(%q, %d) = %q: cut inside a character", text, maxLen, out)
		}
	})
}
