package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

func TestQualityAccess(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		role   string
		status int
	}{
		{"", http.StatusSeeOther},
		{"stakeholder", http.StatusForbidden},
		{"editor", http.StatusOK},
		{"admin", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run("role "+tt.role, func(t *testing.T) {
			w := e.signedIn(tt.role).get("/quality")
			wantStatus(t, "GET /quality", w, tt.status)
			if tt.status == http.StatusSeeOther && w.Header().Get("Location") != "/login?next=%2Fquality" {
				t.Errorf("redirect to %q, want the sign-in page coming back", w.Header().Get("Location"))
			}
		})
	}
	// Editors find it among their pages.
	ed := e.signedIn("editor")
	for _, page := range []string{"/workspace", "/policies"} {
		if doc(t, ed.get(page)).Find(`main a[href="/quality"]`).Length() == 0 {
			t.Errorf("%s offers an editor no link to /quality", page)
		}
	}
	if doc(t, e.signedIn("stakeholder").get("/workspace")).Find(`a[href="/quality"]`).Length() != 0 {
		t.Error("a stakeholder's workspace links to /quality, which refuses them")
	}
}

// qualitySection is the titles and fix links of one list of /quality, and
// the count it shows.
type qualitySection struct {
	count  string
	titles []string
	fixes  map[string]string // title -> fix link
}

func readQuality(t *testing.T, d *goquery.Document, id string) qualitySection {
	t.Helper()
	sec := d.Find(`section#` + id)
	if sec.Length() != 1 {
		t.Fatalf("no section %s", id)
	}
	q := qualitySection{count: strings.Trim(sec.Find(`[data-testid="quality-count"]`).Text(), "()"), fixes: map[string]string{}}
	sec.Find("li").Each(func(_ int, li *goquery.Selection) {
		title := li.Find("a").First().Text()
		q.titles = append(q.titles, title)
		q.fixes[title], _ = li.Find(`[data-testid="quality-fix"]`).Attr("href")
	})
	return q
}

// TestQualityLists checks each list of /quality against the policies as
// the store returns them, after members set a confidence, clear an
// address and approve a mapping.
func TestQualityLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ed := e.users["editor"]
	member := store.WithActor(ctx, store.Actor{UserID: ed.ID, Email: ed.Email})
	all, err := e.db.AllPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One policy of low confidence, one of high; one loses its address.
	low, high, noURL := all[0].Slug, all[1].Slug, all[2].Slug
	for slug, fn := range map[string]func(p *store.Policy){
		low:   func(p *store.Policy) { p.Confidence = "low" },
		high:  func(p *store.Policy) { p.Confidence = "high" },
		noURL: func(p *store.Policy) { p.URL = "" },
	} {
		if _, _, err := e.db.EditPolicy(member, slug, func(p *store.Policy) error { fn(p); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	// A member approves one mapping of a policy that had none reviewed.
	var approved string
	for _, p := range all {
		if len(p.Mappings) > 0 && !slices.ContainsFunc(p.Mappings, func(m store.Mapping) bool { return m.Reviewed }) && p.Slug != low && p.Slug != high && p.Slug != noURL {
			approved = p.Slug
			admin := e.users["admin"]
			if _, err := e.db.ReviewMapping(store.WithActor(ctx, store.Actor{UserID: admin.ID, Email: admin.Email}),
				p.Mappings[0].ID, store.Review{Action: store.ReviewApprove}); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if all, err = e.db.AllPolicies(ctx); err != nil {
		t.Fatal(err)
	}

	w := e.signedIn("editor").get("/quality")
	wantStatus(t, "GET /quality", w, http.StatusOK)
	d := doc(t, w)
	title := func(p store.Policy) string { return p.DisplayTitle() }
	tests := []struct {
		id   string
		has  func(p store.Policy) bool
		fix  func(p store.Policy) string // "" to check only that there is one
		must []string                    // slugs that must be listed
		not  []string                    // slugs that must not be
	}{
		{"no-url", func(p store.Policy) bool { return p.URL == "" }, func(p store.Policy) string { return "/policies/" + p.Slug + "/edit#f-url" },
			[]string{noURL}, nil},
		{"no-year", func(p store.Policy) bool { return p.Adopted == "" }, func(p store.Policy) string { return "/policies/" + p.Slug + "/edit#f-adopted" }, nil, nil},
		{"no-binding", func(p store.Policy) bool { return p.Binding == "" }, func(p store.Policy) string { return "/policies/" + p.Slug + "/edit#f-binding" }, nil, nil},
		{"no-language", func(p store.Policy) bool { return p.Language == "" }, func(p store.Policy) string { return "/policies/" + p.Slug + "/edit#f-language" }, nil, nil},
		{"no-provisions", func(p store.Policy) bool { return len(p.Provisions) == 0 }, func(p store.Policy) string { return "/policies/" + p.Slug + "/provisions/new" }, nil, nil},
		{"no-reviewed-mapping", func(p store.Policy) bool {
			return !slices.ContainsFunc(p.Mappings, func(m store.Mapping) bool { return m.Reviewed })
		}, nil, nil, []string{approved}},
		{"low-confidence", func(p store.Policy) bool { return p.Confidence == "low" }, func(p store.Policy) string { return "/policies/" + p.Slug + "/edit#f-confidence" },
			[]string{low}, []string{high}},
		{"no-confidence", func(p store.Policy) bool { return p.Confidence == "" }, func(p store.Policy) string { return "/policies/" + p.Slug + "/edit#f-confidence" },
			nil, []string{low, high}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got := readQuality(t, d, tt.id)
			var want []string
			slugOf := map[string]string{}
			for _, p := range all {
				if tt.has(p) {
					want = append(want, title(p))
					slugOf[title(p)] = p.Slug
					if tt.fix != nil && got.fixes[title(p)] != tt.fix(p) {
						t.Errorf("%s: fix link %q, want %q", p.Slug, got.fixes[title(p)], tt.fix(p))
					}
				}
			}
			// SQLite's NOCASE folds ASCII letters only.
			fold := func(s string) string {
				return strings.Map(func(r rune) rune {
					if r >= 'A' && r <= 'Z' {
						return r + 'a' - 'A'
					}
					return r
				}, s)
			}
			if !slices.IsSortedFunc(got.titles, func(a, b string) int { return strings.Compare(fold(a), fold(b)) }) {
				t.Errorf("not listed by title: %q", got.titles)
			}
			slices.Sort(want)
			gotSorted := slices.Sorted(slices.Values(got.titles))
			if !slices.Equal(gotSorted, want) {
				t.Errorf("listed %q, want %q", got.titles, want)
			}
			if got.count != itoa(int64(len(want))) {
				t.Errorf("count %q, want %d", got.count, len(want))
			}
			if summary := d.Find(`[data-testid="quality-summary"] a[href="#` + tt.id + `"]`).Parent().Text(); !strings.HasSuffix(summary, ": "+itoa(int64(len(want)))) {
				t.Errorf("summary line %q does not end with the count %d", summary, len(want))
			}
			listed := map[string]bool{}
			for _, ti := range got.titles {
				listed[slugOf[ti]] = true
			}
			for _, s := range tt.must {
				if !listed[s] {
					t.Errorf("%s is not listed", s)
				}
			}
			for _, s := range tt.not {
				if listed[s] {
					t.Errorf("%s is listed", s)
				}
			}
		})
	}

	// A policy without a reviewed mapping links to where its first
	// mapping awaiting review is in the queue, or to the form adding one.
	t.Run("review links", func(t *testing.T) {
		got := readQuality(t, d, "no-reviewed-mapping")
		reviewer := e.signedIn("admin")
		checked := 0
		for _, p := range all {
			href, ok := got.fixes[title(p)]
			if !ok {
				continue
			}
			if len(p.Mappings) == 0 {
				if href != "/policies/"+p.Slug+"/mappings/new" {
					t.Errorf("%s has no mapping: fix %q, want the form adding one", p.Slug, href)
				}
				continue
			}
			page, anchor, _ := strings.Cut(href, "#")
			if !strings.HasPrefix(page, "/review") || !strings.HasPrefix(anchor, "mapping-") {
				t.Errorf("%s: fix %q, want a page of the review queue at a mapping", p.Slug, href)
				continue
			}
			if checked < 3 || strings.Contains(page, "page=") && checked < 6 {
				row := doc(t, reviewer.get(page)).Find("#" + anchor)
				if row.Length() != 1 || !strings.Contains(row.Find("h2 a").First().AttrOr("href", ""), "/policies/"+p.Slug) {
					t.Errorf("%s: %s holds no row %s of this policy", p.Slug, page, anchor)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Error("no review link was followed")
		}
	})
}
