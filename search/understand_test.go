package search

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests cover how queries are understood: synonyms, typo rules,
// "Did you mean", and words that name a type or a framework item.

func TestParseSynonyms(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    [][]string
		wantErr string
	}{
		{"groups, comments and blanks", "# a comment\n\nSBOM, software bill of materials\n  labelling ,labeling  \n",
			[][]string{{"SBOM", "software bill of materials"}, {"labelling", "labeling"}}, ""},
		{"spaces inside entries collapse", "IoT,  internet   of things", [][]string{{"IoT", "internet of things"}}, ""},
		{"repeated entries kept once", "car, car, vehicle", [][]string{{"car", "vehicle"}}, ""},
		{"one entry is not a group", "# x\nSBOM\n", nil, "line 2"},
		{"empty entries do not count", "SBOM, ,", nil, "line 1"},
		{"entry too long", "a, " + strings.Repeat("b", 101), nil, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSynonyms("synonyms.txt", strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSynonyms: got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Groups(); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("groups = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestShippedSynonymsParse(t *testing.T) {
	s := builtinSynonyms(t)
	if len(s.Groups()) < 20 {
		t.Fatalf("shipped vocabulary has %d groups; want the acronyms and spellings", len(s.Groups()))
	}
}

func TestSynonymExpansion(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	tests := []struct {
		q    string
		want []string // policies that must be among the first five
	}{
		// The first of each never writes the word typed.
		{"SBOM", []string{"us-fdca-524b", "eu-cra"}},
		{"automotive", []string{"iso-sae-21434-2021", "us-nhtsa-vehicle-cybersecurity-best-practices-2022"}},
		{"car", []string{"iso-sae-21434-2021", "us-nhtsa-vehicle-cybersecurity-best-practices-2022"}},
		{"labeling scheme", []string{"sg-cls"}},
		{"CII", []string{"cn-cybersecurity-law-2016", "enisa-baseline-iot-2017"}},
		{"consumer connectable product", []string{"uk-psti-act-2022"}},
		{"industrial internet of things", []string{"iic-iisf"}},
		{"organization", []string{"nist-sp-800-213"}}, // its summary says "organisations"
	}
	top := func(q string) []string {
		var out []string
		for _, h := range search(t, ix, Query{Q: q, Kinds: []string{KindPolicy, KindProvision}}).Hits {
			if !slices.Contains(out, h.Slug) {
				out = append(out, h.Slug)
			}
		}
		return out[:min(5, len(out))]
	}
	// Without the vocabulary, the acronyms and other words miss.
	for _, q := range []string{"SBOM", "automotive", "CII"} {
		if got := top(q); len(got) > 0 && got[0] == tests[slices.IndexFunc(tests, func(x struct {
			q    string
			want []string
		}) bool {
			return x.q == q
		})].want[0] {
			t.Errorf("without synonyms, %q already finds %v: the test proves nothing", q, got)
		}
	}
	ix.SetSynonyms(builtinSynonyms(t))
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := top(tt.q)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Search(%q) first five = %v, want %s among them", tt.q, got, w)
				}
			}
		})
	}
	// A data folder's group applies at once, without a rebuild.
	if got := top("zebracar"); len(got) != 0 {
		t.Fatalf("zebracar before its group: %v", got)
	}
	extra, err := ParseSynonyms("data synonyms.txt", strings.NewReader("zebracar, UN Regulation No. 155"))
	if err != nil {
		t.Fatal(err)
	}
	ix.SetSynonyms(builtinSynonyms(t).Merge(extra))
	if got := top("zebracar"); !slices.Contains(got, "unece-r155") {
		t.Errorf("zebracar with its group = %v, want unece-r155", got)
	}
}

func TestFuzzinessFor(t *testing.T) {
	for _, tt := range []struct {
		word string
		want int
	}{{"iot", 0}, {"mark", 0}, {"label", 1}, {"Singpore", 1}, {"pasword", 1}, {"vulnerabilty", 2}, {"ÉTÉÉ", 0}, {"ééééé", 1}} {
		if got := fuzzinessFor(tt.word); got != tt.want {
			t.Errorf("fuzzinessFor(%q) = %d, want %d", tt.word, got, tt.want)
		}
	}
}

func TestMinShould(t *testing.T) {
	for _, tt := range []struct{ n, want int }{{1, 1}, {2, 1}, {3, 2}, {4, 3}, {5, 3}, {6, 4}} {
		if got := minShould(tt.n); got != tt.want {
			t.Errorf("minShould(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

// marked returns the words highlighted in a result's titles and snippets,
// lowercased.
func marked(res Results) []string {
	var out []string
	for _, h := range res.Hits {
		for _, frags := range h.Highlights {
			for _, f := range frags {
				for _, part := range strings.Split(f, "<mark>")[1:] {
					w, _, _ := strings.Cut(part, "</mark>")
					if w = strings.ToLower(w); !slices.Contains(out, w) {
						out = append(out, w)
					}
				}
			}
		}
	}
	return out
}

func TestTypoRules(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ix.SetSynonyms(builtinSynonyms(t))
	tests := []struct {
		name      string
		q         string
		fuzzy     bool
		first     []string // the first hit's policy is one of these; none for no hits at all
		notMarked []string // words no hit may be highlighted for
	}{
		// "media" is in the name of the UK department that issued these
		// four, and one edit from the stem of "medical", which records
		// hold too.
		{"a known word is never a typo", "media", false, []string{"uk-cop-consumer-iot-2018",
			"uk-dcms-consumer-iot-regulatory-proposals-consultation-2019",
			"uk-dcms-connected-product-security-call-for-views-response-2021", "uk-secure-by-design-report-2018"}, []string{"medical"}},
		{"one edit in eight letters", "Singpore labelling", true, []string{"sg-cls"}, nil},
		{"one edit in seven letters", "pasword universal", true, []string{"etsi-en-303-645"}, nil},
		{"two edits beyond eight letters", "Singaproe labelling", true, []string{"sg-cls"}, nil},
		{"no edits up to four letters", "iott", false, nil, nil},
		// Stemming takes "vulnerabilty" far from "vulner": the typo is
		// compared with the words as the records write them. The first
		// hits are those of "vulnerability": the records titled by it.
		{"a typo that stems unlike its word", "vulnerabilty", true, []string{"etsi-ts-103-701", "eu-nis2"}, nil},
		// The vehicle instruments that say "automotive" or are found by
		// its group (vehicle, car).
		{"a typo of a vocabulary word", "autmotive", true, []string{"unece-r155", "iso-sae-21434-2021", "iso-24089-2023",
			"us-nhtsa-vehicle-cybersecurity-best-practices-2016", "us-nhtsa-vehicle-cybersecurity-best-practices-2022"}, nil},
		// NISTIR 8259A to 8259D exist; 8259F is one edit from them.
		{"no edits in identifiers", "8259F", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, Query{Q: tt.q})
			if res.Fuzzy != tt.fuzzy {
				t.Errorf("Search(%q).Fuzzy = %v, want %v", tt.q, res.Fuzzy, tt.fuzzy)
			}
			switch {
			case len(tt.first) == 0:
				if res.Total != 0 {
					t.Errorf("Search(%q) = %v, want nothing", tt.q, ids(res))
				}
			case len(res.Hits) == 0 || !slices.Contains(tt.first, res.Hits[0].Slug):
				t.Errorf("Search(%q) = %v, want one of %v first", tt.q, ids(res), tt.first)
			}
			for _, w := range marked(res) {
				for _, bad := range tt.notMarked {
					if w == bad {
						t.Errorf("Search(%q) highlights %q: a result built from another word", tt.q, w)
					}
				}
			}
		})
	}
}

// TestTwoWords checks that either of two words finds a record, those
// holding both first, and that a word no record holds is not fuzzed into
// one two edits away.
func TestTwoWords(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ix.SetSynonyms(builtinSynonyms(t))
	key := func(h Hit) string { return h.Kind + "/" + h.Slug + "/" + h.Ref }
	// Every hit, page by page: a word such as "IoT" is in more records
	// than one page holds.
	all := func(q string) []Hit {
		var out []Hit
		for page := 1; ; page++ {
			res := search(t, ix, Query{Q: q, PerPage: MaxPerPage, Page: page})
			out = append(out, res.Hits...)
			if len(res.Hits) < MaxPerPage || len(out) >= res.Total {
				return out
			}
		}
	}
	for _, tt := range []struct{ a, b string }{{"default", "passwords"}, {"Japan", "IoT"}, {"ransomware", "reporting"}} {
		q := tt.a + " " + tt.b
		t.Run(q, func(t *testing.T) {
			inA := map[string]bool{}
			for _, h := range all(tt.a) {
				inA[key(h)] = true
			}
			both, either := map[string]bool{}, 0
			for _, h := range all(tt.b) {
				if inA[key(h)] {
					both[key(h)] = true
				}
			}
			hits := all(q)
			seenOne := false
			for i, h := range hits {
				if !both[key(h)] {
					seenOne = true
					either++
					continue
				}
				if seenOne {
					t.Fatalf("Search(%q): hit %d (%s) holds both words but comes after one holding one", q, i, key(h))
				}
			}
			if len(both) == 0 || either == 0 {
				t.Fatalf("Search(%q): %d hits with both words, %d with one; want some of each", q, len(both), either)
			}
		})
	}

	// No record says "finished"; some say "Finnish", whose stem
	// "finnish" is one edit from the stem "finish" but two from the word
	// typed: the hits are those holding the reader's other word, never
	// one built from "Finnish".
	devices := map[string]bool{}
	for _, h := range all("devices") {
		devices[key(h)] = true
	}
	res := search(t, ix, Query{Q: "finished devices", PerPage: MaxPerPage})
	if res.Total == 0 || res.Fuzzy {
		t.Fatalf("Search(finished devices) = %d hits, fuzzy %v; want the records about devices, not fuzzed", res.Total, res.Fuzzy)
	}
	for _, h := range res.Hits {
		if slices.Contains(marked(Results{Hits: []Hit{h}}), "finnish") {
			t.Errorf("hit %s highlights \"Finnish\": a result built from another word", key(h))
		}
		if !devices[key(h)] {
			t.Errorf("hit %s does not hold \"devices\"", key(h))
		}
	}
}

func TestDidYouMean(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ix.SetSynonyms(builtinSynonyms(t))
	tests := []struct{ q, want string }{
		{"Singpore labelling", "Singapore labelling"},
		{"singpore", "singapore"},
		{"default pasword", "default password"},
		{`"default passwords" Finlnd`, `"default passwords" Finland`},
		{"medical devices", ""},           // every word is in the index
		{"qqqzzzxxx", ""},                 // nothing near
		{"8259F", ""},                     // identifiers are not typos
		{"iott security", "iot security"}, // suggestions reach short words by one edit
		{"vulnerabilty", "vulnerability"}, // compared with the written words, not the stems
		{"autmotive", "automotive"},       // a word of the synonym vocabulary
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			if got := search(t, ix, Query{Q: tt.q}).Suggestion; got != tt.want {
				t.Errorf("Search(%q).Suggestion = %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestNamedFacets(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	tests := []struct {
		q     string
		facet string // every one of the first five policies carries it
	}{
		{"C3", "c:C3"},
		{"RQ1d", "c:RQ1d"},
		{"law", "t:law"},
		{"laws", "t:law"},
		{"code of practice", "t:code-of-practice"},
		{"scheme", "t:certification-scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			kinds := []string{KindPolicy, KindProvision} // RQ1d is mapped to a provision
			res := search(t, ix, Query{Q: tt.q, Kinds: kinds, PerPage: 5})
			if len(res.Hits) == 0 {
				t.Fatalf("Search(%q) found nothing", tt.q)
			}
			// A named facet scores like a word: a NaN score orders hits
			// at random and cannot be written as JSON.
			for _, h := range res.Hits {
				if math.IsNaN(h.Score) || math.IsInf(h.Score, 0) || h.Score <= 0 {
					t.Errorf("Search(%q): %s scored %v", tt.q, h.Slug, h.Score)
				}
			}
			name, value, _ := strings.Cut(tt.facet, ":")
			filtered := search(t, ix, Query{Q: tt.q, Kinds: kinds, PerPage: 100,
				Filters: map[string][]string{facetNames[name]: {value}}})
			var carrying []string
			for _, h := range filtered.Hits {
				carrying = append(carrying, h.Slug)
			}
			for _, h := range res.Hits {
				if !slices.Contains(carrying, h.Slug) {
					t.Errorf("Search(%q) = %v: %s does not carry %s", tt.q, ids(res), h.Slug, tt.facet)
				}
			}
		})
	}
}

func TestPolicySlugs(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ix.SetSynonyms(builtinSynonyms(t))
	tests := []struct {
		q     string
		first string // "" for none
	}{
		{"SBOM", "us-fdca-524b"},     // never says "SBOM": found by the vocabulary
		{"5.1-1", "etsi-en-303-645"}, // a provision stands for its policy
		{"qqqzzzxxx", ""},
		{"the", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := ix.PolicySlugs(context.Background(), Query{Q: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if tt.first == "" {
				if len(got) != 0 || got == nil {
					t.Errorf("PolicySlugs(%q) = %#v, want an empty list", tt.q, got)
				}
				return
			}
			if len(got) == 0 || got[0] != tt.first {
				t.Errorf("PolicySlugs(%q) = %v, want %s first", tt.q, got, tt.first)
			}
			for i, s := range got {
				if slices.Contains(got[:i], s) {
					t.Errorf("PolicySlugs(%q) lists %s twice", tt.q, s)
				}
			}
		})
	}
}

// TestFrameworkItems checks that an item's code or title finds the item
// itself, even when no policy is mapped to it.
func TestFrameworkItems(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ix.SetSynonyms(builtinSynonyms(t))
	for _, q := range []string{"RQ1b", "competing protocols"} {
		res := search(t, ix, Query{Q: q})
		if len(res.Hits) == 0 {
			t.Fatalf("Search(%q) found nothing, want item RQ1b first", q)
		}
		h := res.Hits[0]
		if h.Kind != KindItem || h.Slug != "dc-isss-iot" || h.Ref != "RQ1b" || h.ItemKind != "question" ||
			h.URL != "/frameworks/dc-isss-iot/items/RQ1b" || h.Title != "Competing protocols" {
			t.Errorf("Search(%q) first hit = %+v, want item RQ1b of dc-isss-iot", q, h)
		}
	}
	if res := search(t, ix, Query{Q: "RQ1b", Kinds: []string{KindPolicy}}); slices.ContainsFunc(res.Hits, func(h Hit) bool { return h.Kind == KindItem }) {
		t.Errorf("kind=policy still lists items: %v", ids(res))
	}
}
