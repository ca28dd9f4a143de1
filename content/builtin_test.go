package content_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

func mustOpen(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBuiltinParses(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(b.Policies); got != 194 {
		t.Errorf("got %d policies, want 194", got)
	}
	// The issue counts EU and INT as jurisdictions beside the countries.
	js := map[string]bool{}
	for _, p := range b.Policies {
		for _, j := range p.Jurisdictions {
			js[j] = true
		}
	}
	if len(js) != 43 {
		t.Errorf("policies come from %d jurisdictions, want 43", len(js))
	}
	if len(b.Frameworks) != 1 || b.Frameworks[0].Slug != "dc-isss-iot" {
		t.Fatalf("got frameworks %+v, want dc-isss-iot", b.Frameworks)
	}
	codes := map[string]bool{}
	b.Frameworks[0].Walk(func(it *store.Item) { codes[it.Code] = true })
	for _, c := range []string{"RQ1", "RQ1a", "RQ1b", "RQ1c", "RQ1d", "RQ1e", "RQ2", "RQ3", "C1", "C2", "C3", "C4", "C5", "C6"} {
		if !codes[c] {
			t.Errorf("framework lacks item %s", c)
		}
	}
	if len(codes) != 14 {
		t.Errorf("got %d items, want 14", len(codes))
	}
	if n := len(b.Jurisdictions); n < 249 {
		t.Errorf("got %d jurisdictions, want every ISO 3166-1 country plus EU and INT", n)
	}
}

// shipped is the shape of the data files the shipped content was made
// from; testdata/policies.json and testdata/policies-2.json are verbatim
// copies of them (the second adds sources, confidence and url_note).
type shipped struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Jurisdiction string   `json:"jurisdiction"`
	Issuer       *string  `json:"issuer"`
	Year         *int     `json:"year"`
	Type         string   `json:"type"`
	Status       *string  `json:"status"`
	URL          *string  `json:"url"`
	URLNote      *string  `json:"url_note"`
	Summary      string   `json:"summary"`
	Challenges   []string `json:"challenges"`
	Sources      []string `json:"sources"`
	Confidence   *string  `json:"confidence"`
}

// corrections is testdata/corrections.json: addresses found for shipped
// policies that had none, and corrected facts.
type corrections struct {
	URLs map[string]struct {
		URL    string `json:"url"`
		Source string `json:"source"`
	} `json:"urls"`
	Facts map[string]struct {
		Provision string `json:"provision"`
		Title     string `json:"title"`
		Adopted   string `json:"adopted"`
	} `json:"facts"`
}

// dataProvision is one entry of testdata/provisions.json.
type dataProvision struct {
	Ref     string `json:"ref"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func builtinBySlug(t *testing.T) map[string]store.Policy {
	t.Helper()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]store.Policy{}
	for _, p := range b.Policies {
		bySlug[p.Slug] = p
	}
	return bySlug
}

// statusWords are the words of the free status text that may set each
// status of the vocabulary (DECISIONS: draft or consultation -> proposed;
// approved, issued or published -> published).
var statusWords = map[string]*regexp.Regexp{
	"proposed":   regexp.MustCompile(`(?i)\b(draft|consultation|proposed)\b`),
	"published":  regexp.MustCompile(`(?i)\b(approved|issued|published)\b`),
	"in-force":   regexp.MustCompile(`(?i)\bin force\b`),
	"withdrawn":  regexp.MustCompile(`(?i)\bwithdrawn\b`),
	"superseded": regexp.MustCompile(`(?i)\bsuperseded\b`),
}

// TestBuiltinKeepsFacts checks every shipped policy against the source data:
// title, jurisdiction, issuer, year, type, URL, summary, sources and
// confidence exactly; the free status text kept as the status note and the
// status and binding taken only from its words (or a law's type); each
// suggested challenge a mapping marked unreviewed; the corrections applied.
// A null stays empty.
func TestBuiltinKeepsFacts(t *testing.T) {
	var first, second []shipped
	readJSON(t, "policies.json", &first)
	readJSON(t, "policies-2.json", &second)
	var corr corrections
	readJSON(t, "corrections.json", &corr)
	bySlug := builtinBySlug(t)
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	relationships := map[string]bool{"equal": true, "subset-of": true, "superset-of": true, "intersects-with": true, "not-related": true}
	generic := 0
	for i, s := range append(append([]shipped{}, first...), second...) {
		fromFirst := i < len(first)
		p, ok := bySlug[s.ID]
		if !ok {
			t.Errorf("%s: not shipped", s.ID)
			continue
		}
		wantURL, wantSources, wantYear, wantAdopted := str(s.URL), s.Sources, 0, ""
		if s.Year != nil {
			wantYear, wantAdopted = *s.Year, strconv.Itoa(*s.Year)
		}
		if c, ok := corr.URLs[s.ID]; ok {
			if wantURL != "" {
				t.Errorf("%s: corrections.json gives an address for a record that has one", s.ID)
			}
			wantURL, wantSources = c.URL, append(slices.Clone(wantSources), c.Source)
		}
		if f, ok := corr.Facts[s.ID]; ok && f.Adopted != "" {
			wantAdopted = f.Adopted
			wantYear, _ = strconv.Atoi(f.Adopted[:4])
		}
		if wantSources == nil {
			wantSources = []string{}
		}
		checks := []struct{ field, got, want string }{
			{"title", p.Title, s.Title},
			{"issuer", p.Issuer, str(s.Issuer)},
			{"type", p.Type, s.Type},
			{"url", p.URL, wantURL},
			{"summary", p.Summary, s.Summary},
			{"status_note", p.StatusNote, str(s.Status)},
			{"confidence", p.Confidence, str(s.Confidence)},
			{"sources", strings.Join(p.Sources, " "), strings.Join(wantSources, " ")},
		}
		if !fromFirst {
			// The first 46 keep the dates and notes they shipped with.
			checks = append(checks,
				struct{ field, got, want string }{"adopted", string(p.Adopted), wantAdopted},
				struct{ field, got, want string }{"in_force", string(p.InForce), ""})
			if s.URLNote != nil {
				checks = append(checks, struct{ field, got, want string }{"notes", p.Notes, "About the official address: " + *s.URLNote})
			}
		} else if f, ok := corr.Facts[s.ID]; ok && f.Adopted != "" {
			checks = append(checks, struct{ field, got, want string }{"adopted", string(p.Adopted), wantAdopted})
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %q, want %q", s.ID, c.field, c.got, c.want)
			}
		}
		if p.Year() != wantYear {
			t.Errorf("%s: year = %d, want %d", s.ID, p.Year(), wantYear)
		}
		if len(p.Jurisdictions) != 1 || p.Jurisdictions[0] != s.Jurisdiction {
			t.Errorf("%s: jurisdictions = %v, want [%s]", s.ID, p.Jurisdictions, s.Jurisdiction)
		}
		if s.Status == nil && p.Status != "" {
			t.Errorf("%s: status = %q without a status text", s.ID, p.Status)
		}
		if !fromFirst {
			// DECISIONS: the status comes only from the words of the text;
			// binding only from "voluntary" or "mandatory" there, or from a
			// law's or regulation's type.
			if re := statusWords[p.Status]; p.Status != "" && (re == nil || !re.MatchString(str(s.Status))) {
				t.Errorf("%s: status %q is not said by %q", s.ID, p.Status, str(s.Status))
			}
			text := strings.ToLower(str(s.Status))
			vol, man := strings.Contains(text, "voluntary"), strings.Contains(text, "mandatory")
			want := ""
			switch {
			case vol && !man:
				want = "voluntary"
			case man && !vol:
				want = "mandatory"
			case s.Type == "law" || s.Type == "regulation":
				want = "mandatory"
			}
			if p.Binding != want {
				t.Errorf("%s: binding = %q, want %q from %q (%s)", s.ID, p.Binding, want, str(s.Status), s.Type)
			}
		}
		// Provision-level mappings are our own additions; the suggestions
		// from the data are the policy-level ones, kept in order.
		var policyLevel []store.Mapping
		for _, m := range p.Mappings {
			if m.Provision == "" {
				policyLevel = append(policyLevel, m)
			}
		}
		if len(policyLevel) != len(s.Challenges) {
			t.Errorf("%s: %d policy-level mappings, want %d", s.ID, len(policyLevel), len(s.Challenges))
			continue
		}
		for i, m := range policyLevel {
			if m.Item != s.Challenges[i] || m.Framework != "dc-isss-iot" || !relationships[m.Relationship] || m.Reviewed || strings.TrimSpace(m.Rationale) == "" {
				t.Errorf("%s: mapping %d = %+v, want an unreviewed, explained mapping to %s", s.ID, i, m, s.Challenges[i])
			}
			if m.Rationale == "Initial suggestion from the shipped data; not yet reviewed" {
				generic++
			}
		}
	}
	if generic > 0 {
		t.Errorf("%d suggested mappings still carry the generic sentence instead of a reason", generic)
	}
	if want := len(first) + len(second); len(bySlug) != want {
		t.Errorf("shipped %d policies, the data has %d", len(bySlug), want)
	}
}

// provisionKey is the key a data reference gets (DECISIONS: spaces become
// '-', brackets and parentheses are dropped).
func provisionKey(ref string) string {
	return strings.NewReplacer(" ", "-", "(", "", ")", "", "[", "", "]", "").Replace(ref)
}

// reconciled lists, for the provisions that shipped before the data came,
// where the data's key, title or owner differ from what shipped and what was
// kept: the data's reference and title win, existing keys never change, and
// our texts stay.
var reconciled = []struct {
	data, dataRef string // as in provisions.json (or corrections.json)
	policy, key   string // where it ships
	was, now      string // the shipped title, replaced by the data's
}{
	{"etsi-en-303-645", "5.1-1", "etsi-en-303-645", "5.1-1", "Passwords unique per device or set by the user", "No universal default passwords"},
	{"etsi-en-303-645", "5.1-2", "etsi-en-303-645", "5.1-2", "Unpredictable pre-installed passwords", "No universal default passwords"},
	{"etsi-en-303-645", "5.2-1", "etsi-en-303-645", "5.2-1", "Published vulnerability disclosure policy", "Implement a means to manage reports of vulnerabilities"},
	{"etsi-en-303-645", "5.3-1", "etsi-en-303-645", "5.3-1", "Securely updatable software", "Keep software updated"},
	{"etsi-en-303-645", "5.3-13", "etsi-en-303-645", "5.3-13", "Published support period", "Keep software updated"},
	{"etsi-en-303-645", "5.4-1", "etsi-en-303-645", "5.4-1", "Protected persistent storage of sensitive parameters", "Securely store sensitive security parameters"},
	{"etsi-en-303-645", "5.5-1", "etsi-en-303-645", "5.5-1", "Best-practice cryptography in communication", "Communicate securely"},
	{"etsi-en-303-645", "5.6-1", "etsi-en-303-645", "5.6-1", "Unused interfaces disabled", "Minimize exposed attack surfaces"},
	// The regulations made under the PSTI Act ship with the Act; their
	// Schedule 1 keeps the keys it shipped with.
	{"uk-psti-regs-2023", "Sch 1 para 1", "uk-psti-act-2022", "Sch1-para1", "Passwords", "Passwords"},
	{"uk-psti-regs-2023", "Sch 1 para 2", "uk-psti-act-2022", "Sch1-para2", "Information on how to report security issues", "Information on how to report security issues"},
	{"uk-psti-regs-2023", "Sch 1 para 3", "uk-psti-act-2022", "Sch1-para3", "Information on minimum security update periods", "Information on minimum security update periods"},
	// corrections.json: the shipped title dropped "and users".
	{"nistir-8259", "Activity 1", "nistir-8259", "Activity-1", "Identify expected customers and define expected use cases", "Identify expected customers and users, and define expected use cases"},
}

// TestBuiltinShipsProvisions checks that every provision of the data ships
// under its policy with its reference as the label, its title and its
// source; that where the shipped list and the data differed the data won
// (reconciled names each such entry); that no list holds a key twice; and
// that EN 303 645 keeps the entries only it had, in document order.
func TestBuiltinShipsProvisions(t *testing.T) {
	var data map[string][]dataProvision
	readJSON(t, "provisions.json", &data)
	var corr corrections
	readJSON(t, "corrections.json", &corr)
	bySlug := builtinBySlug(t)
	type target struct{ policy, key string }
	where := map[[2]string]target{}
	for _, r := range reconciled {
		where[[2]string{r.data, r.dataRef}] = target{r.policy, r.key}
	}
	owner := map[string]string{"uk-psti-regs-2023": "uk-psti-act-2022"}
	find := func(slug, key string) (store.Provision, bool) {
		for _, v := range bySlug[slug].Provisions {
			if v.Ref == key {
				return v, true
			}
		}
		return store.Provision{}, false
	}
	total := 0
	for id, list := range data {
		for _, d := range list {
			total++
			tg, ok := where[[2]string{id, d.Ref}]
			if !ok {
				tg = target{id, provisionKey(d.Ref)}
				if o, ok := owner[id]; ok {
					tg.policy = o
				}
			}
			v, ok := find(tg.policy, tg.key)
			if !ok {
				t.Errorf("%s %s: not shipped as %s %s", id, d.Ref, tg.policy, tg.key)
				continue
			}
			if v.Label != d.Ref || v.Title != d.Title || v.Source != d.Source || v.TopicsReviewed || strings.TrimSpace(v.Text) == "" {
				t.Errorf("%s %s: shipped label %q title %q source %q text %q reviewed %v, want %q %q %q, our text, unreviewed",
					id, d.Ref, v.Label, v.Title, v.Source, v.Text, v.TopicsReviewed, d.Ref, d.Title, d.Source)
			}
		}
	}
	if total != 538 {
		t.Errorf("provisions.json holds %d provisions, want 538", total)
	}
	for slug, f := range corr.Facts {
		if f.Provision == "" {
			continue
		}
		v, ok := find(slug, provisionKey(f.Provision))
		if !ok || v.Label != f.Provision || v.Title != f.Title {
			t.Errorf("%s: correction of %s not applied: %+v", slug, f.Provision, v)
		}
	}
	for _, r := range reconciled {
		v, ok := find(r.policy, r.key)
		switch {
		case !ok:
			t.Errorf("%s %s: shipped entry lost in reconciliation", r.policy, r.key)
		case v.Title != r.now:
			t.Errorf("%s %s: title %q, want the data's %q (shipped as %q)", r.policy, r.key, v.Title, r.now, r.was)
		}
	}
	shippedTotal := 0
	for slug, p := range bySlug {
		seen := map[string]bool{}
		for _, v := range p.Provisions {
			shippedTotal++
			if seen[v.Ref] {
				t.Errorf("%s: provision %s twice", slug, v.Ref)
			}
			seen[v.Ref] = true
		}
	}
	if shippedTotal <= 500 {
		t.Errorf("%d provisions shipped, want more than 500", shippedTotal)
	}
	// EN 303 645: the clause-level entries only the shipped list had stay,
	// and the whole list reads in the standard's order (4-1, 5.1, 5.1-1, ...).
	var refs []string
	for _, v := range bySlug["etsi-en-303-645"].Provisions {
		refs = append(refs, v.Ref)
	}
	for _, k := range []string{"5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10", "5.11", "5.12", "5.13", "6"} {
		if !slices.Contains(refs, k) {
			t.Errorf("etsi-en-303-645: shipped clause %s dropped", k)
		}
	}
	order := func(ref string) [3]int {
		n := [3]int{-1, -1, -1}
		head, item, hasItem := strings.Cut(ref, "-")
		major, minor, hasMinor := strings.Cut(head, ".")
		n[0], _ = strconv.Atoi(major)
		if hasMinor {
			n[1], _ = strconv.Atoi(minor)
		}
		if hasItem {
			n[2], _ = strconv.Atoi(item)
		}
		return n
	}
	if !slices.IsSortedFunc(refs, func(a, b string) int {
		x, y := order(a), order(b)
		return slices.Compare(x[:], y[:])
	}) {
		t.Errorf("etsi-en-303-645: provisions not in document order: %v", refs)
	}
}

// TestBuiltinVocabulary checks that every shipped policy and provision uses
// only topics of the controlled vocabulary, that the first collection's
// policies have topics (the second's have them only where their summary
// names a topic plainly), that provision topics await review, and that
// mappings added at provision level are unreviewed, explained, and point at
// a provision of the same policy.
func TestBuiltinVocabulary(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, tp := range store.DefaultTopics {
		known[tp.Slug] = true
	}
	var first []shipped
	readJSON(t, "policies.json", &first)
	firstIDs := map[string]bool{}
	for _, s := range first {
		firstIDs[s.ID] = true
	}
	withTopics := 0
	for _, p := range b.Policies {
		if len(p.Topics) > 0 {
			withTopics++
		}
		if firstIDs[p.Slug] && len(p.Topics) == 0 {
			t.Errorf("%s: no topics", p.Slug)
		}
		for _, tp := range p.Topics {
			if !known[tp] {
				t.Errorf("%s: unknown topic %q", p.Slug, tp)
			}
		}
		refs := map[string]bool{}
		for _, v := range p.Provisions {
			refs[v.Ref] = true
			if strings.ContainsAny(v.Ref, " \t#/?") {
				t.Errorf("%s: provision ref %q cannot serve as a page anchor", p.Slug, v.Ref)
			}
			// A provision may have no topic when none of the vocabulary fits
			// (EN 303 645's 4-1 on reporting how it was implemented).
			if v.Title == "" || v.Text == "" || v.TopicsReviewed {
				t.Errorf("%s: provision %s lacks a title or text, or claims reviewed topics", p.Slug, v.Ref)
			}
			for _, tp := range v.Topics {
				if !known[tp] {
					t.Errorf("%s: provision %s: unknown topic %q", p.Slug, v.Ref, tp)
				}
			}
		}
		for _, m := range p.Mappings {
			if m.Provision == "" {
				continue
			}
			if !refs[m.Provision] || m.Reviewed || m.Relationship != "intersects-with" || m.Rationale == "" {
				t.Errorf("%s: provision mapping %+v", p.Slug, m)
			}
		}
	}
	// Topic and compare pages find policies by their topics.
	if withTopics*2 <= len(b.Policies) {
		t.Errorf("only %d of %d policies have topics", withTopics, len(b.Policies))
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := content.Seed(ctx, db, b)
	if err != nil || !loaded {
		t.Fatalf("first seed: loaded=%v err=%v", loaded, err)
	}
	first, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := db.LastChange(ctx)
	for i := 0; i < 2; i++ {
		loaded, err := content.Seed(ctx, db, b)
		if err != nil || loaded {
			t.Fatalf("seed again: loaded=%v err=%v, want not loaded", loaded, err)
		}
	}
	again, _ := db.Stats(ctx)
	if again != first {
		t.Errorf("stats after reseeding = %+v, want %+v", again, first)
	}
	if first.Policies != 194 || first.Mappings == 0 {
		t.Errorf("stats = %+v, want 194 policies with mappings", first)
	}
	if l, _ := db.LastChange(ctx); l != last {
		t.Errorf("reseeding wrote changes: last %d, was %d", l, last)
	}
}

func TestSeedGroupName(t *testing.T) {
	ctx := context.Background()
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, before, want string
	}{
		{"unset", "", content.ShippedGroupName},
		{"the operator's own", "Our group", "Our group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t)
			if tt.before != "" {
				if err := db.SetGroupName(ctx, tt.before); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 2; i++ {
				if _, err := content.Seed(ctx, db, b); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := db.GroupName(ctx); err != nil || got != tt.want {
				t.Errorf("group name after seeding: got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestPolicyFileRoundTrip(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range b.Policies {
		out, err := content.FormatPolicy(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := content.ParsePolicy(p.Slug+".md", out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", p.Slug, err, out)
		}
		a, _ := json.Marshal(p)
		c, _ := json.Marshal(back)
		if string(a) != string(c) {
			t.Errorf("%s: round trip changed it:\n got %s\nwant %s", p.Slug, c, a)
		}
	}
}

// TestExampleDocument: the shipped draft loads with two versions whose
// redline shows edits, one insertion and one deletion, every citation
// resolved, and the public cannot see it.
func TestExampleDocument(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	d, err := db.Document(ctx, "iot-security-by-design")
	if err != nil {
		t.Fatal(err)
	}
	if d.Latest != 2 || d.Status != store.StatusDraft || d.VisibleTo(nil) {
		t.Errorf("example: got %+v, want an invisible draft with 2 versions", d)
	}
	v1, _ := db.Version(ctx, d.Slug, 1)
	v2, _ := db.Version(ctx, d.Slug, 2)
	r := content.Diff(v1, v2)
	if r.Changed < 2 || r.Inserted != 1 || r.Deleted != 1 {
		t.Errorf("example redline: changed %d inserted %d deleted %d, want edits, 1 insertion, 1 deletion", r.Changed, r.Inserted, r.Deleted)
	}
	items := map[string]bool{}
	for _, c := range v2.Citations {
		if c.Kind == "item" {
			items[c.Target] = true
		}
	}
	for _, code := range []string{"C1", "C2", "C3", "C4", "C5", "C6"} {
		if !items[code] {
			t.Errorf("example version 2 does not cite %s", code)
		}
	}
}

// TestParseBlocs checks the shipped blocs.json and that a member which is
// no country, or a bloc code of the wrong form, is refused.
func TestParseBlocs(t *testing.T) {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Blocs) != 1 || b.Blocs[0].Code != "EU" || len(b.Blocs[0].Members) != 27 {
		t.Fatalf("shipped blocs = %+v, want the EU with 27 members", b.Blocs)
	}
	for _, j := range b.Jurisdictions {
		if j.Code == "EU" {
			t.Errorf("jurisdictions hold the EU; blocs.json alone should")
		}
	}
	for name, data := range map[string]string{
		"not a country":  `{"blocs":[{"code":"EU","name":"European Union","members":["DE","INT"]}]}`,
		"unknown member": `{"blocs":[{"code":"EU","name":"European Union","members":["ZZ"]}]}`,
		"twice":          `{"blocs":[{"code":"EU","name":"European Union","members":["DE","DE"]}]}`,
		"two letters":    `{"blocs":[{"code":"XB","name":"A bloc","members":["DE"]}]}`,
		"no members":     `{"blocs":[{"code":"ABC","name":"A bloc","members":[]}]}`,
		"unknown field":  `{"blocs":[{"code":"ABC","name":"A bloc","members":["DE"],"size":1}]}`,
	} {
		if _, err := content.ParseBlocs([]byte(data), b.Jurisdictions); err == nil {
			t.Errorf("%s: ParseBlocs accepted %s", name, data)
		}
	}
	if got, err := content.ParseBlocs([]byte(`{"blocs":[{"code":"ASEAN","name":"ASEAN","members":["SG"]}]}`), b.Jurisdictions); err != nil || len(got) != 1 {
		t.Errorf("a three-or-more-letter bloc: %v, %v", got, err)
	}
}
