package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

// provisionsOn lists, from the database, "slug#ref" for every provision
// whose topics include topic: what a topic page must link, and no more.
func provisionsOn(t *testing.T, db *store.DB, topic string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for page := 1; ; page++ {
		list, err := db.Policies(ctx, store.PolicyFilter{PerPage: 500, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list.Items {
			full, err := db.Policy(ctx, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range full.Provisions {
				if slices.Contains(v.Topics, topic) {
					out = append(out, p.Slug+"#prov-"+v.Ref)
				}
			}
		}
		if page*500 >= list.Total {
			break
		}
	}
	slices.Sort(out)
	return out
}

func TestTopicsPage(t *testing.T) {
	e := newEnv(t)
	w := e.client().get("/topics")
	wantStatus(t, "GET /topics", w, http.StatusOK)
	d := doc(t, w)
	rows := d.Find(`[data-testid="topics"] tbody tr`)
	if rows.Length() != len(store.DefaultTopics) {
		t.Fatalf("got %d topic rows, want %d", rows.Length(), len(store.DefaultTopics))
	}
	row := rows.First()
	if href, _ := row.Find("th a").Attr("href"); href != "/topics/default-passwords" {
		t.Errorf("first topic links %q, want /topics/default-passwords", href)
	}
	// The provisions count is the number of provisions with the topic.
	if got, want := strings.TrimSpace(row.Find("td").Eq(1).Text()), len(provisionsOn(t, e.db, "default-passwords")); got != itoa(int64(want)) {
		t.Errorf("default-passwords provisions: got %s, want %d", got, want)
	}
	// The way in: the navigation and the policy finder lead here.
	if d.Find(`.site-nav a[href="/compare"]`).Length() != 1 {
		t.Errorf("the main navigation has no link to /compare")
	}
	if doc(t, e.client().get("/policies")).Find(`main a[href="/topics"]`).Length() == 0 {
		t.Errorf("/policies has no link to /topics")
	}
}

func TestTopicPage(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	w := c.get("/topics/default-passwords")
	wantStatus(t, "GET /topics/default-passwords", w, http.StatusOK)
	d := doc(t, w)
	if h := d.Find("h1").Text(); h != "No universal default passwords" {
		t.Errorf("heading %q", h)
	}
	// Every provision with the topic is linked to its anchor, and no other.
	var got []string
	d.Find(`.topic-list a[href*="#prov-"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		href = strings.TrimPrefix(href, "/policies/")
		if !slices.Contains(got, href) {
			got = append(got, href)
		}
	})
	slices.Sort(got)
	if want := provisionsOn(t, e.db, "default-passwords"); !slices.Equal(got, want) {
		t.Errorf("provision links:\n got %v\nwant %v", got, want)
	}
	// Grouped by region, then jurisdiction, then binding: the PSTI Act's
	// paragraph sits under Europe, the United Kingdom, Mandatory, and the
	// mandatory group comes before the voluntary one.
	gb := d.Find(`section.topic-region section[data-code="GB"]`)
	if region := gb.ParentsFiltered("section.topic-region").Find("h2").Text(); region != "Europe" {
		t.Errorf("GB is under region %q, want Europe", region)
	}
	var groups []string
	gb.Find("ul.topic-list").Each(func(_ int, ul *goquery.Selection) {
		b, _ := ul.Attr("data-binding")
		groups = append(groups, b)
	})
	if len(groups) < 2 || groups[0] != "mandatory" || groups[1] != "voluntary" {
		t.Errorf("GB groups %v, want mandatory then voluntary", groups)
	}
	if gb.Find(`ul[data-binding="mandatory"] a[href="/policies/uk-psti-act-2022#prov-Sch1-para1"]`).Length() != 1 {
		t.Errorf("GB's mandatory group does not link uk-psti-act-2022 Sch1-para1")
	}
	if gb.Find(`h4`).First().Text() != "Mandatory" {
		t.Errorf("GB's first group heading %q, want Mandatory", gb.Find("h4").First().Text())
	}
	// An instrument whose binding is not recorded is apart from both.
	if d.Find(`ul[data-binding="unknown"]`).Length() == 0 || !strings.Contains(d.Text(), "Binding not recorded") {
		t.Errorf("no group of instruments with binding not recorded")
	}
	wantStatus(t, "GET /topics/no-such-topic", c.get("/topics/no-such-topic"), http.StatusNotFound)

	// A policy page's topic chips lead to the topic pages.
	chips := doc(t, c.get("/policies/uk-psti-act-2022")).Find("a.tag")
	if chips.Length() == 0 {
		t.Fatalf("uk-psti-act-2022 shows no topic chips")
	}
	chips.Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if !strings.HasPrefix(href, "/topics/") {
			t.Errorf("topic chip %q links %q, want its topic page", a.Text(), href)
		} else {
			wantStatus(t, "GET "+href, c.get(href), http.StatusOK)
		}
	})
}

// compareCell is the cell of a topic row and a jurisdiction column.
func compareCell(t *testing.T, d *goquery.Document, topic, code string) *goquery.Selection {
	t.Helper()
	col := -1
	d.Find(`[data-testid="compare-table"] thead th`).Each(func(i int, th *goquery.Selection) {
		if c, _ := th.Attr("data-code"); c == code {
			col = i - 1 // the first column is the topic
		}
	})
	if col < 0 {
		t.Fatalf("no column %s", code)
	}
	row := d.Find(`[data-testid="compare-table"] tbody tr`).FilterFunction(func(_ int, tr *goquery.Selection) bool {
		href, _ := tr.Find("th a").Attr("href")
		return href == "/topics/"+topic
	})
	if row.Length() != 1 {
		t.Fatalf("no row for %s", topic)
	}
	return row.Find("td").Eq(col)
}

func TestCompare(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	w := c.get("/compare?jurisdictions=GB,US,SG")
	wantStatus(t, "GET /compare?jurisdictions=GB,US,SG", w, http.StatusOK)
	d := doc(t, w)
	var cols []string
	d.Find(`[data-testid="compare-table"] thead th[data-code]`).Each(func(_ int, th *goquery.Selection) {
		code, _ := th.Attr("data-code")
		cols = append(cols, code)
	})
	if !slices.Equal(cols, []string{"GB", "US", "SG"}) {
		t.Errorf("columns %v, want GB, US, SG in the order asked", cols)
	}
	if n := d.Find(`[data-testid="compare-table"] tbody tr`).Length(); n != len(store.DefaultTopics) {
		t.Errorf("got %d topic rows, want %d", n, len(store.DefaultTopics))
	}
	// Default passwords in GB: the PSTI Act's Sch1-para1, mandatory, first.
	gb := compareCell(t, d, "default-passwords", "GB")
	first := gb.Find("ul").First()
	if b, _ := first.Attr("data-binding"); b != "mandatory" || gb.Find("p.bind").First().Text() != "Mandatory" {
		t.Errorf("GB default-passwords: first group %q (%q), want mandatory", b, gb.Find("p.bind").First().Text())
	}
	if first.Find(`li a[href="/policies/uk-psti-act-2022#prov-Sch1-para1"]`).Length() != 1 {
		t.Errorf("GB default-passwords: the mandatory group does not list uk-psti-act-2022 Sch1-para1: %s", gb.Text())
	}
	// Mandatory, then voluntary, then unknown, in every cell.
	d.Find(`[data-testid="compare-table"] td`).Each(func(_ int, td *goquery.Selection) {
		last := -1
		td.Find("ul[data-binding]").Each(func(_ int, ul *goquery.Selection) {
			b, _ := ul.Attr("data-binding")
			r := map[string]int{"mandatory": 0, "voluntary": 1, "unknown": 2}[b]
			if r <= last {
				t.Errorf("cell groups out of order: %s", td.Text())
			}
			last = r
		})
	})
	// Empty cells say so.
	none := d.Find(`[data-testid="compare-table"] td.none`)
	if none.Length() == 0 {
		t.Errorf("no empty cell among GB, US, SG; want some, each saying so")
	}
	none.Each(func(_ int, td *goquery.Selection) {
		if strings.TrimSpace(td.Text()) != "Nothing found" {
			t.Errorf("empty cell reads %q, want Nothing found", td.Text())
		}
	})
	// The form shows the choice.
	for _, code := range []string{"GB", "US", "SG"} {
		if _, ok := d.Find(`#cj-` + code).Attr("checked"); !ok {
			t.Errorf("the box of %s is not checked", code)
		}
	}
	if href, _ := d.Find(`[data-testid="compare-csv"]`).Attr("href"); href != "/compare.csv?jurisdictions=GB,US,SG" {
		t.Errorf("CSV link %q", href)
	}
	// A first visit shows the form alone.
	w = c.get("/compare")
	wantStatus(t, "GET /compare", w, http.StatusOK)
	if d := doc(t, w); d.Find(`[data-testid="compare-table"]`).Length() != 0 || d.Find(`[data-testid="compare-form"] input[name="jurisdictions"]`).Length() < 10 {
		t.Errorf("/compare: want the form with its jurisdictions and no table")
	}
}

func TestCompareCanonical(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct{ in, want string }{
		{"/compare?jurisdictions=GB&jurisdictions=US&jurisdictions=SG", "/compare?jurisdictions=GB,US,SG"},
		{"/compare?jurisdictions=gb,+us&jurisdictions=SG&jurisdictions=GB", "/compare?jurisdictions=GB,US,SG"},
		{"/compare?jurisdictions=GB%2CUS", "/compare?jurisdictions=GB,US"},
		{"/compare?blocs=1&jurisdictions=DE&jurisdictions=GB", "/compare?jurisdictions=DE,GB&blocs=1"},
		{"/compare?jurisdictions=DE,GB&blocs=0", "/compare?jurisdictions=DE,GB"},
		// A bad choice keeps its codes on the way to the message.
		{"/compare?jurisdictions=GB", ""},
		{"/compare?jurisdictions=GB&jurisdictions=XX", "/compare?jurisdictions=GB,XX"},
	} {
		w := c.get(tc.in)
		if tc.want == "" {
			if w.Code == http.StatusSeeOther {
				t.Errorf("%s: redirected to %s, want no redirect (already canonical)", tc.in, w.Header().Get("Location"))
			}
			continue
		}
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("%s: got %d to %q, want 303 to %q", tc.in, w.Code, w.Header().Get("Location"), tc.want)
			continue
		}
		if w := c.get(tc.want); w.Code == http.StatusSeeOther {
			t.Errorf("%s redirects again", tc.want)
		}
	}
}

func TestCompareRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct {
		name, target, message string
		checked               []string
		blocs                 bool
	}{
		{"one", "/compare?jurisdictions=GB", "you chose 1", []string{"GB"}, false},
		{"one with blocs", "/compare?jurisdictions=DE&blocs=1", "you chose 1", []string{"DE"}, true},
		{"seven", "/compare?jurisdictions=GB,US,SG,JP,AU,CN,EU", "you chose 7", []string{"GB", "US", "SG", "JP", "AU", "CN", "EU"}, false},
		{"unknown code", "/compare?jurisdictions=GB,XX", `no jurisdiction with the code "XX"`, []string{"GB"}, false},
		{"none", "/compare?blocs=1", "Choose between 2 and 6", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := c.get(tc.target)
			wantStatus(t, tc.target, w, http.StatusBadRequest)
			d := doc(t, w)
			if msg := d.Find(`[data-testid="error-summary"]`).Text(); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q, want it to say %q", msg, tc.message)
			}
			var checked []string
			d.Find(`input[name="jurisdictions"][checked]`).Each(func(_ int, in *goquery.Selection) {
				v, _ := in.Attr("value")
				checked = append(checked, v)
			})
			slices.Sort(checked)
			want := slices.Sorted(slices.Values(tc.checked))
			if !slices.Equal(checked, want) {
				t.Errorf("checked boxes %v, want %v", checked, want)
			}
			if _, on := d.Find(`#compare-blocs`).Attr("checked"); on != tc.blocs {
				t.Errorf("blocs box checked %v, want %v", on, tc.blocs)
			}
			if d.Find(`[data-testid="compare-table"]`).Length() != 0 {
				t.Errorf("a refused choice shows a table")
			}
		})
	}
	if w := c.get("/compare?jurisdictions=GB,US&blocs=yes"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "blocs") {
		t.Errorf("blocs=yes: got %d, want 400 naming blocs", w.Code)
	}
}

func TestCompareBlocs(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	via := func(target string) (withVia, without int) {
		w := c.get(target)
		wantStatus(t, target, w, http.StatusOK)
		d := doc(t, w)
		for _, tp := range store.DefaultTopics {
			compareCell(t, d, tp.Slug, "DE").Find("li").Each(func(_ int, li *goquery.Selection) {
				if strings.Contains(li.Text(), "(via EU)") {
					withVia++
				} else {
					without++
				}
			})
		}
		return withVia, without
	}
	off, ownOff := via("/compare?jurisdictions=DE,GB")
	on, ownOn := via("/compare?jurisdictions=DE,GB&blocs=1")
	if off != 0 {
		t.Errorf("without blocs, Germany lists %d EU instruments, want none", off)
	}
	if on == 0 {
		t.Errorf("with blocs=1, Germany lists no EU instrument")
	}
	if ownOn != ownOff {
		t.Errorf("Germany's own instruments: %d with blocs, %d without; want the same", ownOn, ownOff)
	}
}

func TestCompareCSV(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A title that a spreadsheet would run as a formula.
	if _, err := e.db.SavePolicy(ctx, store.Policy{Slug: "gb-formula", Title: "=HYPERLINK(\"http://x\")", Type: "guideline",
		Jurisdictions: []string{"GB"}, Topics: []string{"default-passwords"}}, store.CreateOnly); err != nil {
		t.Fatal(err)
	}
	w := e.client().get("/compare.csv?jurisdictions=GB,US,SG")
	wantStatus(t, "GET /compare.csv", w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="accord-compare-GB-US-SG.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"topic", "topic_title", "jurisdiction", "jurisdiction_name", "binding", "via",
		"policy", "policy_title", "provision", "provision_label", "provision_title", "url"}
	if !slices.Equal(rows[0], header) {
		t.Fatalf("header %v, want %v", rows[0], header)
	}
	var psti, formula, empty bool
	cells := map[string]bool{}
	for _, r := range rows[1:] {
		cells[r[0]+"/"+r[2]] = true
		switch {
		case r[0] == "default-passwords" && r[2] == "GB" && r[6] == "uk-psti-act-2022" && r[8] == "Sch1-para1":
			psti = r[4] == "mandatory" && strings.HasSuffix(r[11], "/policies/uk-psti-act-2022#prov-Sch1-para1")
		case r[6] == "gb-formula":
			formula = r[7] == `'=HYPERLINK("http://x")`
		case r[6] == "":
			empty = r[4] == "" && r[11] == ""
		}
	}
	if !psti {
		t.Errorf("no mandatory row for uk-psti-act-2022 Sch1-para1 under default-passwords, GB")
	}
	if !formula {
		t.Errorf("the formula title is not neutralised with an apostrophe")
	}
	if !empty {
		t.Errorf("no row marks an empty cell")
	}
	// Every topic x jurisdiction has at least one row.
	if len(cells) != 3*len(store.DefaultTopics) {
		t.Errorf("got %d topic x jurisdiction pairs, want %d", len(cells), 3*len(store.DefaultTopics))
	}
	wantStatus(t, "GET /compare.csv one jurisdiction", e.client().get("/compare.csv?jurisdictions=GB"), http.StatusBadRequest)
}

func TestCompareAndTopicJSON(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	type provision struct {
		Ref, Label, Title, URL string
	}
	type instrument struct {
		Slug          string      `json:"slug"`
		Binding       *string     `json:"binding"`
		Jurisdictions []string    `json:"jurisdictions"`
		Tagged        bool        `json:"tagged"`
		Provisions    []provision `json:"provisions"`
		Via           *string     `json:"via"`
	}
	var cmpn struct {
		Jurisdictions []struct{ Code, Name, Region string } `json:"jurisdictions"`
		Blocs         bool                                  `json:"blocs"`
		Topics        []struct {
			Slug  string `json:"slug"`
			Cells []struct {
				Jurisdiction string       `json:"jurisdiction"`
				Instruments  []instrument `json:"instruments"`
			} `json:"cells"`
		} `json:"topics"`
	}
	w := c.get("/api/v1/compare?jurisdictions=GB&jurisdictions=US,SG")
	wantStatus(t, "GET /api/v1/compare", w, http.StatusOK)
	if err := json.Unmarshal(w.Body.Bytes(), &cmpn); err != nil {
		t.Fatal(err)
	}
	if len(cmpn.Jurisdictions) != 3 || cmpn.Jurisdictions[0].Code != "GB" || cmpn.Jurisdictions[0].Region != "Europe" {
		t.Fatalf("jurisdictions %+v", cmpn.Jurisdictions)
	}
	if len(cmpn.Topics) != len(store.DefaultTopics) || cmpn.Topics[0].Slug != "default-passwords" {
		t.Fatalf("topics: got %d, first %q", len(cmpn.Topics), cmpn.Topics[0].Slug)
	}
	gb := cmpn.Topics[0].Cells[0]
	if gb.Jurisdiction != "GB" || len(gb.Instruments) == 0 || gb.Instruments[0].Slug != "uk-psti-act-2022" ||
		gb.Instruments[0].Binding == nil || *gb.Instruments[0].Binding != "mandatory" || gb.Instruments[0].Via != nil {
		t.Fatalf("GB default-passwords: %+v", gb)
	}
	if p := gb.Instruments[0].Provisions; len(p) == 0 || p[0].Ref != "Sch1-para1" || !strings.HasSuffix(p[0].URL, "/policies/uk-psti-act-2022#prov-Sch1-para1") {
		t.Errorf("PSTI provisions %+v", p)
	}
	for _, tc := range []struct{ target, param string }{
		{"/api/v1/compare?jurisdictions=GB", "jurisdictions"},
		{"/api/v1/compare", "jurisdictions"},
		{"/api/v1/compare?jurisdictions=GB,XX", "jurisdictions"},
		{"/api/v1/compare?jurisdictions=GB,US&blocs=2", "blocs"},
	} {
		w := c.get(tc.target)
		wantStatus(t, tc.target, w, http.StatusBadRequest)
		var body struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Fields[tc.param] == "" {
			t.Errorf("%s: body %s, want an error naming %s", tc.target, w.Body, tc.param)
		}
	}

	var topic struct {
		Slug   string `json:"slug"`
		Title  string `json:"title"`
		Counts struct {
			Instruments, Provisions, Jurisdictions int
		} `json:"counts"`
		Instruments []instrument `json:"instruments"`
	}
	w = c.get("/api/v1/topics/default-passwords")
	wantStatus(t, "GET /api/v1/topics/default-passwords", w, http.StatusOK)
	if err := json.Unmarshal(w.Body.Bytes(), &topic); err != nil {
		t.Fatal(err)
	}
	var refs []string
	last := -1
	for _, in := range topic.Instruments {
		b := ""
		if in.Binding != nil {
			b = *in.Binding
		}
		if r := store.BindingRank(b); r < last {
			t.Errorf("%s (%q) after a less binding instrument", in.Slug, b)
		} else {
			last = r
		}
		for _, p := range in.Provisions {
			refs = append(refs, in.Slug+"#prov-"+p.Ref)
		}
	}
	slices.Sort(refs)
	if want := provisionsOn(t, e.db, "default-passwords"); !slices.Equal(refs, want) || topic.Counts.Provisions != len(want) ||
		topic.Counts.Instruments != len(topic.Instruments) {
		t.Errorf("topic provisions %v (counts %+v), want %v", refs, topic.Counts, want)
	}
	wantStatus(t, "GET /api/v1/topics/nope", c.get("/api/v1/topics/nope"), http.StatusNotFound)

	var list struct {
		Items []struct{ Slug string } `json:"items"`
		Total int                     `json:"total"`
	}
	w = c.get("/api/v1/topics")
	wantStatus(t, "GET /api/v1/topics", w, http.StatusOK)
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || list.Total != len(store.DefaultTopics) || len(list.Items) != list.Total {
		t.Errorf("topics list: total %d, %d items (%v)", list.Total, len(list.Items), err)
	}
}

func TestSitemapListsTopics(t *testing.T) {
	e := newEnv(t)
	body := e.client().get("/sitemap.xml").Body.String()
	for _, want := range []string{"/topics</loc>", "/topics/default-passwords</loc>", "/topics/interoperability</loc>"} {
		if !strings.Contains(body, want) {
			t.Errorf("sitemap lacks %s", want)
		}
	}
}

func TestComparePageWeight(t *testing.T) {
	e := newEnv(t)
	// The six jurisdictions with the most instruments, bloc instruments
	// counted for members: the heaviest comparison a reader can ask.
	js, err := e.db.Jurisdictions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(js, func(a, b store.Jurisdiction) int { return b.Policies - a.Policies })
	var codes []string
	for _, j := range js[:6] {
		codes = append(codes, j.Code)
	}
	target := "/compare?jurisdictions=" + strings.Join(codes, ",") + "&blocs=1"
	size := anGzipSize(t, e.h, target)
	t.Logf("%s: %d bytes gzipped", target, size)
	if size > 60*1024 {
		t.Errorf("%s gzipped: got %d bytes, want under 60 KB", target, size)
	}
}
