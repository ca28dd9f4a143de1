package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	gocmp "github.com/google/go-cmp/cmp"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// This file is the search package's conformance test: it runs against a
// real SQLite database holding the shipped content and a real bleve index.

// etsiProvisions replace the provisions of the shipped ETSI EN 303 645 so
// that the tests below do not depend on how the shipped content evolves.
var etsiProvisions = []store.Provision{
	{Ref: "5.1-1", Title: "No universal default passwords",
		Text:   "Where passwords are used and in any state other than the factory default, all consumer IoT device passwords shall be unique per device or defined by the user.",
		Topics: []string{"default-passwords"}},
	{Ref: "5.1-2", Title: "Unique pre-installed passwords",
		Text: "Where pre-installed unique per device passwords are used, these shall be generated with a mechanism that reduces the risk of automated attacks."},
	{Ref: "5.3-1", Title: "Software components should be securely updateable",
		Text: "All software components in consumer IoT devices should be securely updateable.", Topics: []string{"software-updates"}},
}

// mustOpen opens a copy of a database seeded with the shipped content plus
// the ETSI provisions above; the seeding is done once per test binary
// (seededTemplate).
func mustOpen(t *testing.T) *store.DB {
	t.Helper()
	tpl, err := seededTemplate()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "accord.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// templateDir holds the seeded database; TestMain removes it.
var templateDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "accord-search-test-") })

// seededTemplate makes the database mustOpen copies and returns its path:
// one file written by VACUUM INTO, with no -wal beside it.
var seededTemplate = sync.OnceValues(func() (string, error) {
	dir, err := templateDir()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "seeding.db"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		return "", err
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		return "", fmt.Errorf("seed the template: %w", err)
	}
	p, err := db.Policy(ctx, "etsi-en-303-645")
	if err != nil {
		return "", err
	}
	p.Provisions = etsiProvisions
	// Keep the policy-level mappings; the shipped provision-level ones point
	// at provisions that the fixture replaces.
	var mappings []store.Mapping
	for _, m := range p.Mappings {
		if m.Provision == "" {
			mappings = append(mappings, m)
		}
	}
	p.Mappings = mappings
	if _, err := db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		return "", fmt.Errorf("replace the ETSI provisions in the template: %w", err)
	}
	path := filepath.Join(dir, "template.db")
	if err := db.Backup(ctx, path); err != nil {
		return "", err
	}
	return path, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := templateDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// mustIndex opens the index in dir and brings it up to date.
func mustIndex(t *testing.T, db *store.DB, dir string) *Index {
	t.Helper()
	ix, err := Open(dir, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !ix.Ready() {
		t.Fatal("index not ready after CatchUp")
	}
	return ix
}

func search(t *testing.T, ix *Index, q Query) Results {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// ids lists the hits as "kind:slug" or "provision:slug#ref".
func ids(res Results) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Kind + ":" + h.Slug
		if h.Ref != "" {
			out[i] += "#" + h.Ref
		}
	}
	return out
}

func TestFirstHit(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	tests := []struct {
		name  string
		q     string
		want  string
		fuzzy bool
	}{
		{"title", "Cyber Resilience Act", "policy:eu-cra", false},
		{"title words in any order", "act resilience cyber", "policy:eu-cra", false},
		{"short title", "PSTI", "policy:uk-psti-act-2022", false},
		{"identifier", "8259A", "policy:nistir-8259a", false},
		{"identifier lower case", "nistir 8259a", "policy:nistir-8259a", false},
		{"identifier with spaces", "EN 303 645", "policy:etsi-en-303-645", false},
		{"identifier run together", "EN303645", "policy:etsi-en-303-645", false},
		{"RFC", "RFC 8520", "policy:ietf-rfc-8520", false},
		{"dotted identifier", "X.1352", "policy:itu-t-x1352", false},
		{"provision reference", "5.1-1", "provision:etsi-en-303-645#5.1-1", false},
		{"country name", "Finland", "policy:fi-cybersecurity-label", false},
		{"country and stem", "Singapore labelling", "policy:sg-cls", false},
		{"region", "Asia labelling", "policy:sg-cls", false},
		{"provision words", "default passwords", "provision:etsi-en-303-645#5.1-1", false},
		{"misspelled country", "Singpore labelling", "policy:sg-cls", true},
		{"misspelled word", "pasword universal", "provision:etsi-en-303-645#5.1-1", true},
		{"issuer", "Traficom", "policy:fi-cybersecurity-label", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, Query{Q: tt.q})
			got := ids(res)
			if len(got) == 0 || got[0] != tt.want {
				t.Errorf("Search(%q) = %v, want %s first", tt.q, got, tt.want)
			}
			if res.Fuzzy != tt.fuzzy {
				t.Errorf("Search(%q).Fuzzy = %v, want %v", tt.q, res.Fuzzy, tt.fuzzy)
			}
		})
	}
}

func TestTitleOutranksText(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	// "Strategy" is in two titles; other policies only mention it in
	// their summaries. ("Strategic" in a third title is another word, and
	// a word the index holds is never taken for a typo of another.)
	res := search(t, ix, Query{Q: "strategy", Kinds: []string{KindPolicy}})
	for i, h := range res.Hits {
		inTitle := strings.Contains(strings.ToLower(h.Title), "strateg")
		if !inTitle {
			for _, h2 := range res.Hits[i:] {
				if strings.Contains(strings.ToLower(h2.Title), "strateg") {
					t.Fatalf("Search(strategy) = %v: %s (title %q) ranks below a hit without the word in its title", ids(res), h2.Slug, h2.Title)
				}
			}
			break
		}
	}
	if len(res.Hits) < 2 {
		t.Fatalf("Search(strategy) = %v, want at least the two strategies", ids(res))
	}
}

func TestStemming(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	want := []string{"policy:fi-cybersecurity-label", "policy:sg-cls", "policy:us-fcc-cyber-trust-mark"}
	for _, q := range []string{"labelling", "labels", "label", "labeling"} {
		got := ids(search(t, ix, Query{Q: q}))
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("Search(%q) = %v, want it to include %s", q, got, w)
			}
		}
	}
}

func TestPhrase(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	words := ids(search(t, ix, Query{Q: "consumer internet", PerPage: MaxPerPage}))
	phrase := ids(search(t, ix, Query{Q: `"consumer internet"`, PerPage: MaxPerPage}))
	// The AU code of practice says "Internet of Things for Consumers":
	// both words, not the phrase.
	if !slices.Contains(words, "policy:au-cop-iot-2020") {
		t.Errorf("words: got %v, want au-cop-iot-2020 among them", words)
	}
	if slices.Contains(phrase, "policy:au-cop-iot-2020") {
		t.Errorf("phrase: got %v, want no au-cop-iot-2020", phrase)
	}
	for _, w := range []string{"policy:etsi-en-303-645", "policy:etsi-ts-103-701"} {
		if !slices.Contains(phrase, w) {
			t.Errorf("phrase: got %v, want %s", phrase, w)
		}
	}
	for _, id := range phrase {
		if !slices.Contains(words, id) {
			t.Errorf("phrase hit %s is not a hit of the words %v", id, words)
		}
	}
	// A phrase and a word together: both must hold.
	// TS 103 701 (conformance assessment, with its IXIT provisions) and the
	// NIST labelling criteria (conformity assessment, "Consumer Internet of
	// Things" in the title) hold both; the EN, which has only the phrase, not.
	both := ids(search(t, ix, Query{Q: `"consumer internet" conformance`, PerPage: MaxPerPage}))
	if len(both) == 0 || both[0] != "policy:etsi-ts-103-701" {
		t.Errorf("phrase and word: got %v, want etsi-ts-103-701 first", both)
	}
	for _, id := range both {
		if !strings.HasPrefix(id, "policy:etsi-ts-103-701") && !strings.HasPrefix(id, "provision:etsi-ts-103-701#") &&
			id != "policy:nist-consumer-iot-labeling-criteria-2022" {
			t.Errorf("phrase and word: hit %s holds not both", id)
		}
	}
}

// TestPhrasePairs checks that phrases answered through the word pairs
// (see phraseQuery) find exactly what word positions alone find, and are
// highlighted.
func TestPhrasePairs(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	tests := []string{
		"consumer internet",           // two words: the pair alone
		"default passwords",           // stemmed
		"internet of things",          // parted by a stop word: positions alone
		"consumer internet of things", // a pair, then positions
		"cyber resilience act",        // two pairs, then positions
		"passwords default",           // the words, but not in this order
	}
	for _, ph := range tests {
		t.Run(ph, func(t *testing.T) {
			alts := make([]query.Query, 0, len(textFields))
			for _, f := range textFields {
				mq := query.NewMatchPhraseQuery(ph)
				mq.SetField(f.name)
				alts = append(alts, mq)
			}
			bi, err := ix.current()
			if err != nil {
				t.Fatal(err)
			}
			sr, err := bi.Search(bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(alts), 1000, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{}
			for _, h := range sr.Hits {
				want = append(want, h.ID)
			}
			res := search(t, ix, Query{Q: `"` + ph + `"`, Private: true, PerPage: 100})
			got := append([]string{}, ids(res)...)
			slices.Sort(want)
			slices.Sort(got)
			if len(want) > MaxPerPage {
				// More than a page: the same number, and the page drawn
				// from them.
				if res.Total != len(want) {
					t.Errorf("Search(%q): %d hits, positions alone find %d", ph, res.Total, len(want))
				}
				for _, id := range got {
					if _, ok := slices.BinarySearch(want, id); !ok {
						t.Errorf("Search(%q): hit %s not found by positions alone", ph, id)
					}
				}
			} else if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("Search(%q) against positions alone (-want +got):\n%s", ph, diff)
			}
			// The first word as a word: "cyber" is not shown by "Cybersecurity".
			first := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(strings.Fields(ph)[0]) + `\b`)
			for _, h := range res.Hits {
				shown := strings.Join(append(h.Highlights["title"], h.Highlights["text"]...), " ")
				// A record may match in a field that is not shown (the
				// context); one that shows the words must mark them.
				if first.MatchString(shown) && !strings.Contains(shown, "<mark>") {
					t.Errorf("Search(%q) hit %s: no word marked in %v", ph, h.Slug, h.Highlights)
				}
			}
		})
	}
}

func TestFacetsMatchFilteredTotals(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	for _, private := range []bool{false, true} {
		for _, q := range []string{"", "security", "iot devices"} {
			all := search(t, ix, Query{Q: q, PerPage: 100, Private: private})
			if all.Total == 0 {
				t.Fatalf("Search(%q, Private: %v) found nothing", q, private)
			}
			sum := 0
			for _, c := range all.Facets["kind"] {
				sum += c.Count
			}
			if sum != all.Total {
				t.Errorf("Search(%q, Private: %v): kind counts sum to %d, want total %d", q, private, sum, all.Total)
			}
			for _, name := range FacetNames {
				if _, ok := all.Facets[name]; !ok {
					t.Errorf("Search(%q): no %s facet", q, name)
				}
				for _, c := range all.Facets[name] {
					f := Query{Q: q, Filters: map[string][]string{name: {c.Value}}, Private: private}
					got := search(t, ix, f).Total
					if got != c.Count {
						t.Errorf("Search(%q, Private: %v) with %s=%s: got total %d, want the facet's count %d", q, private, name, c.Value, got, c.Count)
					}
				}
			}
		}
	}
}

// TestDisjunctiveFacetCounts checks the counts of filtered facets: with
// two facets filtered, each value of either says how many records
// choosing it instead would give, the other filter kept; an unfiltered
// facet counts the records that hold both filters.
func TestDisjunctiveFacetCounts(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	base := map[string][]string{"region": {"Europe"}, "type": {"regulation", "law"}}
	res := search(t, ix, Query{Q: "security", Filters: base})
	if res.Total == 0 {
		t.Fatal("Search(security, region=Europe, type=regulation|law) found nothing")
	}
	for _, name := range []string{"region", "type", "challenge", "year"} {
		if len(res.Facets[name]) == 0 {
			t.Errorf("no %s counts in %+v", name, res.Facets)
		}
		for _, c := range res.Facets[name] {
			filters := map[string][]string{}
			for k, v := range base {
				filters[k] = v
			}
			filters[name] = []string{c.Value}
			got := search(t, ix, Query{Q: "security", Filters: filters}).Total
			if got != c.Count {
				t.Errorf("%s=%s: got total %d with %v, want the facet's count %d", name, c.Value, got, filters, c.Count)
			}
		}
	}
}

func TestFilters(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ctx := context.Background()
	count := func(res Results, facet, value string) int {
		for _, c := range res.Facets[facet] {
			if c.Value == value {
				return c.Count
			}
		}
		return 0
	}
	all := search(t, ix, Query{Kinds: []string{KindPolicy}})
	// Within a facet: alternatives.
	or := search(t, ix, Query{Kinds: []string{KindPolicy}, Filters: map[string][]string{"jurisdiction": {"FI", "SG", "JP"}}})
	if want := count(all, "jurisdiction", "FI") + count(all, "jurisdiction", "SG") + count(all, "jurisdiction", "JP"); or.Total != want || want != 13 {
		t.Errorf("FI or SG or JP: got %d, want %d (and 13)", or.Total, want)
	}
	// The counts of a facet being filtered on ignore its own filter.
	if got, want := count(or, "jurisdiction", "US"), count(all, "jurisdiction", "US"); got != want {
		t.Errorf("US count while filtering on jurisdiction: got %d, want %d", got, want)
	}
	// Across facets: all must hold.
	and := search(t, ix, Query{Filters: map[string][]string{"region": {"Europe"}, "type": {"regulation", "law"}}, PerPage: 100})
	if and.Total == 0 {
		t.Fatal("Europe and regulation or law: no hits")
	}
	for _, h := range and.Hits {
		p, err := db.Policy(ctx, h.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if p.Type != "regulation" && p.Type != "law" {
			t.Errorf("hit %s has type %s, want regulation or law", h.Slug, p.Type)
		}
		inEurope := false
		for _, code := range p.Jurisdictions {
			j, err := db.Jurisdiction(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			inEurope = inEurope || code == "EU" || j.Region == "Europe"
		}
		if !inEurope {
			t.Errorf("hit %s is in %v, not in Europe", h.Slug, p.Jurisdictions)
		}
	}
	// Kinds, and the challenge and topic facets that come from mappings
	// and provisions.
	prov := search(t, ix, Query{Kinds: []string{KindProvision}, Filters: map[string][]string{"topic": {"default-passwords"}}, PerPage: MaxPerPage})
	// A provision with no topics of its own takes its policy's (the EV
	// charge point regulations' paragraphs that fit no topic of the
	// vocabulary, for instance).
	wantProv := []string{
		"provision:etsi-en-303-645#5.1-1",
		"provision:etsi-en-303-645#5.1-2",
		"provision:etsi-ts-103-701#IXIT-1-AuthMech",
		"provision:etsi-ts-103-701#IXIT-2-UserInfo",
		"provision:etsi-ts-103-701#IXIT-4-Conf",
		"provision:owasp-iot-top10-2018#I1",
		"provision:owasp-isvs#2.1.6",
		"provision:sg-cls#Level-1",
		"provision:uk-cop-consumer-iot-2018#1",
		"provision:uk-ev-smart-charge-points-regs-2021#Sch-1-para-1",
		"provision:uk-ev-smart-charge-points-regs-2021#Sch-1-para-11",
		"provision:uk-ev-smart-charge-points-regs-2021#Sch-1-para-2",
		"provision:uk-ev-smart-charge-points-regs-2021#Sch-1-para-9",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-10",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-11",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-12",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-13",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-5",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-8",
		"provision:uk-ev-smart-charge-points-regs-2021#reg-9",
		"provision:uk-psti-act-2022#Sch-2-para-1",
		"provision:uk-psti-act-2022#Sch1-para1",
		"provision:ul-iot-security-top-20#Principle-1",
		"provision:ul-iot-security-top-20#Principle-2",
	}
	if diff := gocmp.Diff(wantProv, slices.Sorted(slices.Values(ids(prov)))); diff != "" {
		t.Errorf("provisions on default passwords (-want +got):\n%s", diff)
	}
	c6 := search(t, ix, Query{Q: "labelling", Kinds: []string{KindPolicy}, Filters: map[string][]string{"challenge": {"C6"}}})
	if !slices.Contains(ids(c6), "policy:sg-cls") {
		t.Errorf("labelling mapped to C6: got %v, want sg-cls", ids(c6))
	}
	year := search(t, ix, Query{Kinds: []string{KindPolicy}, Filters: map[string][]string{"year": {"2019"}}, PerPage: 100})
	for _, h := range year.Hits {
		p, _ := db.Policy(ctx, h.Slug)
		if p.Year() != 2019 {
			t.Errorf("year 2019: hit %s adopted %s", h.Slug, p.Adopted)
		}
	}
	if year.Total == 0 {
		t.Error("year 2019: no hits")
	}
}

func TestHitFields(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	res := search(t, ix, Query{Q: "default passwords", Kinds: []string{KindProvision}})
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	h := res.Hits[0]
	want := Hit{Kind: KindProvision, Slug: "etsi-en-303-645", Ref: "5.1-1", Title: "No universal default passwords",
		Parent: "ETSI EN 303 645", URL: "/policies/etsi-en-303-645#prov-5.1-1", Jurisdictions: []string{"EU"}}
	got := h
	got.Score, got.Highlights = 0, nil
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("first hit (-want +got):\n%s", diff)
	}
	if h.Score <= 0 {
		t.Errorf("score %v, want > 0", h.Score)
	}
	if got, want := h.Highlights["title"], []string{"No universal <mark>default</mark> <mark>passwords</mark>"}; !gocmp.Equal(got, want) {
		t.Errorf("title highlight %q, want %q", got, want)
	}
	if len(h.Highlights["text"]) != 1 || !strings.Contains(h.Highlights["text"][0], "<mark>passwords</mark>") {
		t.Errorf("text highlight %q, want passwords marked", h.Highlights["text"])
	}
	pol := search(t, ix, Query{Q: "Cyber Resilience Act"}).Hits[0]
	if pol.URL != "/policies/eu-cra" || pol.Ref != "" || pol.Kind != KindPolicy {
		t.Errorf("policy hit %+v, want kind policy, URL /policies/eu-cra, no ref", pol)
	}
}

func TestHighlightsEscape(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	p := store.Policy{Slug: "test-escape", Title: "Tags <b>in</b> a title & more", Jurisdictions: []string{"GB"}, Type: "guideline",
		Summary: `Beware <script>alert("x")</script> of default credentials & "quotes" in summaries.`}
	if _, err := db.SavePolicy(ctx, p, store.CreateOnly); err != nil {
		t.Fatal(err)
	}
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	res := search(t, ix, Query{Q: "script credentials"})
	if len(res.Hits) == 0 || res.Hits[0].Slug != "test-escape" {
		t.Fatalf("got %v, want test-escape first", ids(res))
	}
	h := res.Hits[0]
	wantText := `Beware &lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script</mark>&gt; of default <mark>credentials</mark> &amp; &#34;quotes&#34; in summaries.`
	if got := h.Highlights["text"]; len(got) != 1 || got[0] != wantText {
		t.Errorf("text highlight\n got %q\nwant %q", got, wantText)
	}
	if got, want := h.Highlights["title"], "Tags &lt;b&gt;in&lt;/b&gt; a title &amp; more"; len(got) != 1 || got[0] != want {
		t.Errorf("title highlight %q, want %q", got, want)
	}
	if h.Title != p.Title {
		t.Errorf("Title %q, want the plain %q", h.Title, p.Title)
	}
}

func TestFragment(t *testing.T) {
	long := strings.Repeat("early ipsum dolor ", 30) + "the match is here " + strings.Repeat("sit amet ", 30)
	at := strings.Index(long, "match")
	tests := []struct {
		name  string
		text  string
		spans []span
		max   int
		want  string
	}{
		{"whole", "a <b> c", []span{{0, 1}}, 0, "<mark>a</mark> &lt;b&gt; c"},
		{"no match keeps the start", "alpha beta gamma delta", nil, 12, "alpha beta…"},
		{"window around the match", long, []span{{at, at + 5}}, 60, "…ipsum dolor the <mark>match</mark> is here sit amet sit amet sit…"},
		{"multibyte cut", "ééééé match", []span{{11, 16}}, 9, "…<mark>match</mark>"},
		{"two matches in one window", "one two three four five six seven", []span{{4, 7}, {14, 18}}, 20, "one <mark>two</mark> three <mark>four</mark>…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fragment(tt.text, tt.spans, tt.max); got != tt.want {
				t.Errorf("fragment(%q, %v, %d)\n got %q\nwant %q", tt.text, tt.spans, tt.max, got, tt.want)
			}
		})
	}
}

// version is a document version of the given paragraphs (id and text),
// all in section 2, citing framework item C3 from its first paragraph.
func version(base int, paras ...[2]string) store.NewVersion {
	v := store.NewVersion{Base: base, Note: "test", NextParagraph: 100}
	for i, p := range paras {
		v.Source += p[1] + "\n\n"
		v.HTML += "<p>" + p[1] + "</p>"
		v.Paragraphs = append(v.Paragraphs, store.Paragraph{ID: p[0], Section: "2", Ordinal: i + 1,
			Kind: "paragraph", Text: p[1], HTML: "<p>" + p[1] + "</p>", Position: i})
	}
	v.Citations = []store.Citation{{Paragraph: paras[0][0], Kind: "item", Target: "C3", Framework: "dc-isss-iot", Line: 1}}
	return v
}

// hitsOfKind lists the hits of one kind as "slug#ref url".
func hitsOfKind(res Results, kind string) []string {
	var out []string
	for _, h := range res.Hits {
		if h.Kind == kind {
			out = append(out, h.Slug+"#"+h.Ref+" "+h.URL)
		}
	}
	return out
}

// publicLeaks reports whatever of res shows a document to the public:
// document hits, or a document counted in the kind facet.
func publicLeaks(res Results) []string {
	leaks := hitsOfKind(res, KindDocument)
	for _, c := range res.Facets["kind"] {
		if c.Value == KindDocument {
			leaks = append(leaks, fmt.Sprintf("kind facet %+v", c))
		}
	}
	return leaks
}

func TestDocumentBlocks(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	baseline := map[string]int{}
	queries := []string{"zebrafish", "default passwords", "zebrafish okapi", ""}
	for _, q := range queries {
		baseline[q] = search(t, ix, Query{Q: q}).Total
	}
	if _, err := db.CreateDocument(ctx, store.Document{Slug: "passwords-note", Title: "Passwords note"},
		version(0, [2]string{"p1", "Zebrafish draft text on default passwords."}, [2]string{"p2", "Okapi paragraph that goes away."})); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	// A draft: members find its blocks, nobody else sees a trace of it.
	for _, q := range queries {
		pub := search(t, ix, Query{Q: q, PerPage: 100})
		if leaks := publicLeaks(pub); len(leaks) > 0 {
			t.Errorf("public Search(%q) shows the draft: %v", q, leaks)
		}
		if pub.Total != baseline[q] {
			t.Errorf("public Search(%q): got total %d, want %d as before the draft", q, pub.Total, baseline[q])
		}
		for _, c := range pub.Facets["challenge"] {
			if f := search(t, ix, Query{Q: q, Filters: map[string][]string{"challenge": {c.Value}}}); f.Total != c.Count {
				t.Errorf("public Search(%q) challenge=%s: got total %d, want the facet's count %d", q, c.Value, f.Total, c.Count)
			}
		}
		if kinds := search(t, ix, Query{Q: q, Kinds: []string{KindDocument}}); kinds.Total != 0 || len(kinds.Hits) != 0 {
			t.Errorf("public Search(%q, kind=document): got total %d, hits %v, want none of the draft", q, kinds.Total, ids(kinds))
		}
	}
	priv := search(t, ix, Query{Q: "zebrafish", Private: true})
	want := []string{"passwords-note#p1 /documents/passwords-note/versions/1#p-p1"}
	if diff := gocmp.Diff(want, hitsOfKind(priv, KindDocument)); diff != "" {
		t.Errorf("private Search(zebrafish) document hits (-want +got):\n%s", diff)
	}
	if len(priv.Hits) > 0 {
		h := priv.Hits[0]
		if h.Title != "Passwords note, 2 ¶1" || !strings.Contains(h.Highlights["text"][0], "<mark>Zebrafish</mark>") {
			t.Errorf("draft hit: got title %q, highlights %v, want %q with Zebrafish marked", h.Title, h.Highlights, "Passwords note, 2 ¶1")
		}
	}
	if got := search(t, ix, Query{Q: "zebrafish", Private: true, Filters: map[string][]string{"challenge": {"C3"}}}).Total; got != 1 {
		t.Errorf("private Search(zebrafish, challenge=C3): got total %d, want 1 (the block citing C3)", got)
	}

	// Published: the blocks of the published version are public, with
	// the anchor of that version.
	if err := db.SetDocumentStatus(ctx, "passwords-note", store.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, private := range []bool{false, true} {
		got := hitsOfKind(search(t, ix, Query{Q: "okapi", Private: private}), KindDocument)
		want := []string{"passwords-note#p2 /documents/passwords-note/versions/1#p-p2"}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("Search(okapi, Private: %v) after publishing (-want +got):\n%s", private, diff)
		}
	}

	// A new edition: back to review, version 2 saved, the document is
	// no longer public, so its blocks are members' only; published again,
	// version 2's blocks replace version 1's.
	if err := db.SetDocumentStatus(ctx, "passwords-note", store.StatusReview); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveVersion(ctx, "passwords-note", version(1,
		[2]string{"p1", "Zebrafish text on default passwords, revised."}, [2]string{"p3", "Narwhal paragraph added."})); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if leaks := publicLeaks(search(t, ix, Query{Q: "zebrafish narwhal"})); len(leaks) > 0 {
		t.Errorf("public search shows a document in review: %v", leaks)
	}
	if err := db.SetDocumentStatus(ctx, "passwords-note", store.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"zebrafish", []string{"passwords-note#p1 /documents/passwords-note/versions/2#p-p1"}},
		{"narwhal", []string{"passwords-note#p3 /documents/passwords-note/versions/2#p-p3"}},
		{"okapi", nil},
	}
	for _, tt := range tests {
		for _, private := range []bool{false, true} {
			got := hitsOfKind(search(t, ix, Query{Q: tt.q, Private: private}), KindDocument)
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Search(%q, Private: %v) after the second edition (-want +got):\n%s", tt.q, private, diff)
			}
		}
	}

	// A rebuild holds the same blocks.
	if err := ix.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := hitsOfKind(search(t, ix, Query{Q: "zebrafish"}), KindDocument); len(got) != 1 || !strings.HasSuffix(got[0], "/versions/2#p-p1") {
		t.Errorf("Search(zebrafish) after Rebuild: got %v, want the block of version 2", got)
	}
}

// TestShippedDraftIsPrivate checks the shipped example draft: members find
// it, the public sees no trace of it in hits, totals or facets.
func TestShippedDraftIsPrivate(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	for _, q := range []string{"security by design", "recommendation", "challenge", ""} {
		pub := search(t, ix, Query{Q: q, PerPage: 100})
		if leaks := publicLeaks(pub); len(leaks) > 0 {
			t.Errorf("public Search(%q) shows the draft: %v", q, leaks)
		}
		priv := search(t, ix, Query{Q: q, PerPage: 100, Private: true})
		blocks := 0
		for _, c := range priv.Facets["kind"] {
			if c.Value == KindDocument {
				blocks = c.Count
			}
		}
		if priv.Total != pub.Total+blocks {
			t.Errorf("Search(%q): private total %d, want public total %d + %d draft blocks", q, priv.Total, pub.Total, blocks)
		}
		if q == "security by design" && blocks == 0 {
			t.Errorf("private Search(%q) finds no block of the shipped draft", q)
		}
	}
}

func TestOddInput(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	tests := []struct {
		name    string
		q       Query
		wantErr string // the QueryError field, "" for an answer
	}{
		{"empty", Query{}, ""},
		{"spaces", Query{Q: "   \t "}, ""},
		{"quote", Query{Q: `"`}, ""},
		{"unbalanced quote", Query{Q: `"default passwords`}, ""},
		{"empty phrase", Query{Q: `""`}, ""},
		{"parentheses", Query{Q: "(("}, ""},
		{"star", Query{Q: "*"}, ""},
		{"tilde", Query{Q: "~"}, ""},
		{"field syntax", Query{Q: "a:b"}, ""},
		{"query syntax", Query{Q: `+title:"x" -y^3 z~2 /re.*/ [a TO b]`}, ""},
		{"stop words", Query{Q: "the of and"}, ""},
		{"control characters", Query{Q: "default\x00passwords\x1b"}, ""},
		{"CJK", Query{Q: "物联网安全标签"}, ""},
		{"Arabic", Query{Q: "أمن إنترنت الأشياء"}, ""},
		{"emoji", Query{Q: "🔒 iot"}, ""},
		{"at the limit", Query{Q: strings.Repeat("é", MaxQueryLen)}, ""},
		{"too long", Query{Q: strings.Repeat("a", 10000)}, "q"},
		{"invalid UTF-8", Query{Q: "pass\xffword"}, "q"},
		{"too many words", Query{Q: strings.Repeat("w1 ", 120)}, "q"},
		{"unknown kind", Query{Kinds: []string{"user"}}, "kind"},
		{"unknown filter", Query{Filters: map[string][]string{"password": {"x"}}}, "password"},
		{"invalid filter value", Query{Filters: map[string][]string{"jurisdiction": {"\xff"}}}, "jurisdiction"},
		{"unknown sort", Query{Sort: "title"}, "sort"},
		{"negative page", Query{Q: "iot", Page: -3, PerPage: -1}, ""},
		{"huge per page", Query{Q: "iot", PerPage: 1 << 30}, ""},
		{"too deep", Query{Q: "iot", Page: 100000}, "page"},
		{"newest", Query{Q: "iot", Sort: SortNewest}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tt.q)
			var qe *QueryError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Search(%+.40v): %v, want an answer", tt.q, err)
			case tt.wantErr != "" && !errors.As(err, &qe):
				t.Fatalf("Search(%+.40v): %v, want a *QueryError", tt.q, err)
			case tt.wantErr != "" && qe.Field != tt.wantErr:
				t.Fatalf("Search(%+.40v): error on %q, want on %q", tt.q, qe.Field, tt.wantErr)
			case err != nil:
				return
			}
			if res.Hits == nil || len(res.Facets) != len(FacetNames) {
				t.Errorf("Search(%+.40v): hits %v, facets %v: want a non-nil list and every facet", tt.q, res.Hits, res.Facets)
			}
			if len(res.Hits) > MaxPerPage {
				t.Errorf("Search(%+.40v): %d hits on a page, want at most %d", tt.q, len(res.Hits), MaxPerPage)
			}
		})
	}
}

func TestEmptyQueryListsNewestFirst(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	res := search(t, ix, Query{Kinds: []string{KindPolicy}, PerPage: 100})
	if res.Total != 194 {
		t.Errorf("got %d policies, want 194", res.Total)
	}
	ctx := context.Background()
	prev := "9999"
	for _, h := range res.Hits {
		p, _ := db.Policy(ctx, h.Slug)
		if string(p.Adopted) > prev && p.Adopted != "" {
			t.Errorf("%s adopted %s comes after one adopted %s", h.Slug, p.Adopted, prev)
		}
		if p.Adopted != "" {
			prev = string(p.Adopted)
		}
	}
}

// TestFollowsTheDatabase covers the changes feed: writes applied by
// CatchUp, updates that drop provisions, deletes, and writes made while
// the index was closed.
func TestFollowsTheDatabase(t *testing.T) {
	db := mustOpen(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix := mustIndex(t, db, dir)
	ctx := context.Background()
	find := func(q string) []string { return ids(search(t, ix, Query{Q: q})) }

	p := store.Policy{Slug: "zz-toaster-act", Title: "Zanzibar Toaster Security Act", Jurisdictions: []string{"TZ"}, Type: "law",
		Summary: "Toasters must not ship with default passwords.",
		Provisions: []store.Provision{{Ref: "1", Title: "Crumb trays", Text: "Crumb trays shall be removable."},
			{Ref: "2", Title: "Firmware", Text: "Toaster firmware shall be signed."}}}
	if _, err := db.SavePolicy(ctx, p, store.CreateOnly); err != nil {
		t.Fatal(err)
	}
	if got := find("toaster"); len(got) != 0 {
		t.Fatalf("before CatchUp: got %v, want nothing", got)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// The provisions match by their own text, or by their policy's title
	// (at a lower weight).
	want := []string{"policy:zz-toaster-act", "provision:zz-toaster-act#2", "provision:zz-toaster-act#1"}
	if got := find("toaster"); !gocmp.Equal(got, want) {
		t.Errorf("after create: got %v, want %v", got, want)
	}
	// Either word finds a record; the one holding both comes first.
	if got := find("crumb Tanzania"); len(got) == 0 || got[0] != "provision:zz-toaster-act#1" {
		t.Errorf("provision by country: got %v, want provision:zz-toaster-act#1 first", got)
	}

	p.Provisions = p.Provisions[1:]
	p.Title = "Zanzibar Kettle Security Act"
	if _, err := db.SavePolicy(ctx, p, store.UpdateOnly); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find("crumb"); len(got) != 0 {
		t.Errorf("after dropping provision 1: got %v, want nothing", got)
	}
	if got := find("kettle"); !gocmp.Equal(got, []string{"policy:zz-toaster-act", "provision:zz-toaster-act#2"}) {
		t.Errorf("after retitling: got %v", got)
	}

	if err := db.DeletePolicy(ctx, "zz-toaster-act"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find("zanzibar"); len(got) != 0 {
		t.Errorf("after delete: got %v, want nothing", got)
	}

	// Writes while the index is closed are applied on the next catch-up.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	q := store.Policy{Slug: "zz-offline", Title: "Offline Widget Ordinance", Jurisdictions: []string{"NZ"}, Type: "regulation"}
	if _, err := db.SavePolicy(ctx, q, store.CreateOnly); err != nil {
		t.Fatal(err)
	}
	if err := db.DeletePolicy(ctx, "sg-cls"); err != nil {
		t.Fatal(err)
	}
	ix = mustIndex(t, db, dir)
	if got := find("widget ordinance"); !gocmp.Equal(got, []string{"policy:zz-offline"}) {
		t.Errorf("written while closed: got %v", got)
	}
	if got := find("Cybersecurity Labelling Scheme"); slices.Contains(got, "policy:sg-cls") {
		t.Errorf("deleted while closed: got %v, want no sg-cls", got)
	}
}

// TestFollowAnotherProcess writes through a second database handle, as
// `accord import` does from its own process, and waits for Follow to make
// the policy searchable. The wait is generous: this checks that the write
// arrives, the benchmarks measure how fast.
func TestFollowAnotherProcess(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, filepath.Join(t.TempDir(), "index"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Follow(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Follow: %v", err)
		}
	}()
	other, err := store.Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p := store.Policy{Slug: "zz-imported", Title: "Imported Gizmo Directive", Jurisdictions: []string{"IS"}, Type: "law"}
	if _, err := other.SavePolicy(ctx, p, store.CreateOnly); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if got := ids(search(t, ix, Query{Q: "gizmo"})); gocmp.Equal(got, []string{"policy:zz-imported"}) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the imported policy never became searchable")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// answers runs a fixed set of queries, for comparing indexes: the hits
// with their scores, ties in id order (an index orders ties as its
// segments fall, which a rebuild may change).
func answers(t *testing.T, ix *Index) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, q := range []string{"", "Cyber Resilience Act", "8259A", "Finland", "Singpore", "default passwords", `"consumer internet"`, "security"} {
		// All pages: the shipped content has more than a page of records,
		// and ties in the newest-first order of the empty query are not
		// broken the same way by every build of the index.
		var hs []Hit
		for page := 1; ; page++ {
			res := search(t, ix, Query{Q: q, Page: page, PerPage: 100})
			hs = append(hs, res.Hits...)
			if len(res.Hits) == 0 || len(hs) >= res.Total {
				break
			}
		}
		slices.SortStableFunc(hs, func(a, b Hit) int {
			return cmp.Or(-cmp.Compare(a.Score, b.Score), cmp.Compare(a.URL, b.URL))
		})
		for _, h := range hs {
			out[q] = append(out[q], fmt.Sprintf("%s %.4f", h.URL, h.Score))
		}
	}
	return out
}

func TestRecovery(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	damage := []struct {
		name string
		do   func(t *testing.T, dir string)
	}{
		{"folder deleted", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}},
		{"files truncated", func(t *testing.T, dir string) {
			eachFile(t, dir, func(path string, size int64) error { return os.Truncate(path, size/2) })
		}},
		{"files emptied", func(t *testing.T, dir string) {
			eachFile(t, dir, func(path string, size int64) error { return os.Truncate(path, 0) })
		}},
		{"files garbled", func(t *testing.T, dir string) {
			eachFile(t, dir, func(path string, size int64) error {
				return os.WriteFile(path, []byte(strings.Repeat("garbage!", int(size/8)+1)), 0o600)
			})
		}},
		{"folder is a file", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, []byte("not an index"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, d := range damage {
		t.Run(d.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			ix := mustIndex(t, db, dir)
			want := answers(t, ix)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			d.do(t, dir)

			ix, err := Open(dir, db, nil)
			if err != nil {
				t.Fatalf("Open after damage: %v", err)
			}
			defer ix.Close()
			if ix.Ready() {
				t.Error("Ready before the rebuild, want not ready")
			}
			if _, err := ix.Search(ctx, Query{Q: "iot"}); !errors.Is(err, ErrNotReady) {
				t.Errorf("Search before the rebuild: %v, want ErrNotReady", err)
			}
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(want, answers(t, ix)); diff != "" {
				t.Errorf("answers after recovery (-before +after):\n%s", diff)
			}
		})
	}
}

// eachFile calls fn on every regular file under dir.
func eachFile(t *testing.T, dir string, fn func(path string, size int64) error) {
	t.Helper()
	n := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		n++
		return fn(path, info.Size())
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no files in %s", dir)
	}
}

func TestRebuild(t *testing.T) {
	db := mustOpen(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix := mustIndex(t, db, dir)
	want := answers(t, ix)
	var calls [][2]int
	if err := ix.Rebuild(context.Background(), func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
		t.Fatal(err)
	}
	stats, err := db.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := stats.Policies + stats.Provisions
	slugs, err := db.DocumentSlugs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range slugs {
		blocks, err := ix.documentBlocks(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		n += len(blocks)
	}
	fws, err := db.Frameworks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range fws {
		f, err := db.Framework(context.Background(), fw.Slug)
		if err != nil {
			t.Fatal(err)
		}
		n += len(itemDocs(f))
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{n, n} {
		t.Errorf("progress calls %v, want the last to be {%d %d}", calls, n, n)
	}
	if diff := gocmp.Diff(want, answers(t, ix)); diff != "" {
		t.Errorf("answers after Rebuild (-before +after):\n%s", diff)
	}
	if _, err := os.Stat(dir + ".new"); !os.IsNotExist(err) {
		t.Errorf("the build folder is left behind: %v", err)
	}
}

func TestInUse(t *testing.T) {
	db := mustOpen(t)
	dir := filepath.Join(t.TempDir(), "index")
	mustIndex(t, db, dir)
	ix, err := Open(dir, db, nil)
	if !errors.Is(err, ErrInUse) {
		if ix != nil {
			ix.Close()
		}
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
}

func TestIdentifiers(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ETSI EN 303 645", []string{"etsien303", "etsien303645", "en303", "en303645", "303", "303645", "645"}},
		{"NISTIR 8259A IoT", []string{"nistir8259a", "nistir8259aiot", "8259a", "8259aiot"}},
		{"5.1-1", []string{"5.1-1"}},
		{"Top 10 (2018)", []string{"top10", "top102018", "102018", "2018"}},
		{"no digits here", nil},
	}
	for _, tt := range tests {
		if diff := gocmp.Diff(tt.want, identifiers(tt.in)); diff != "" {
			t.Errorf("identifiers(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestTopicsFindPolicies: a policy tagged with a topic is found by the
// topic's name even when its own summary never uses those words.
func TestTopicsFindPolicies(t *testing.T) {
	db := mustOpen(t)
	ix := mustIndex(t, db, t.TempDir())
	p, err := db.Policy(context.Background(), "etsi-en-303-645")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(p.Summary), "default password") || !slices.Contains(p.Topics, "default-passwords") {
		t.Fatalf("the fixture changed: summary %q, topics %v", p.Summary, p.Topics)
	}
	res := search(t, ix, Query{Q: "default passwords", Kinds: []string{KindPolicy}, PerPage: 50})
	if got := ids(res); !slices.Contains(got, "policy:etsi-en-303-645") {
		t.Errorf("policies for \"default passwords\": %v, want etsi-en-303-645 among them", got)
	}
}
