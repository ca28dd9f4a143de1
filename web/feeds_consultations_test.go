package web

import (
	"context"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"
)

// feedFixture is a server over a real database holding one consultation
// with comments of every kind. The consultation feed is reached through
// the consultation page's handler, which another file owns, so the tests
// call the handlers on an echo context.
type feedFixture struct {
	s   *Server
	db  *store.DB
	now time.Time
}

var feedT0 = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)

func newFeedFixture(t *testing.T) *feedFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &feedFixture{db: db, now: feedT0}
	db.Now = func() time.Time { return f.now }
	f.s = &Server{db: db, md: content.NewMarkdown(), log: slog.New(slog.DiscardHandler), fwSlug: "none",
		now: func() time.Time { return f.now }}
	v := store.NewVersion{Source: "## 1 Scope\n\nOne.", HTML: "<p>x</p>", NextParagraph: 3, Paragraphs: []store.Paragraph{
		{ID: "p1", Section: "1", Kind: "heading", Text: "1 Scope"},
		{ID: "p2", Section: "1", Ordinal: 1, Kind: "paragraph", Text: "One.", Position: 1},
	}}
	if _, err := db.CreateDocument(ctx, store.Document{Slug: "doc", Title: "The doc"}, v); err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertJurisdictions(ctx, []store.Jurisdiction{{Code: "KE", Name: "Kenya", Kind: "country"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateConsultation(ctx, store.Consultation{Slug: "round-1", Title: "Round one", Document: "doc", Version: 1,
		OpensAt: feedT0.Add(time.Hour), ClosesAt: feedT0.Add(240 * time.Hour), Timezone: "Africa/Nairobi", Moderation: store.ModerationPost,
		Questions: []store.Question{{Text: "Anything missing?"}}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// comment saves a comment by a new account and returns it.
func (f *feedFixture) comment(t *testing.T, u store.User, n store.NewComment) store.Comment {
	t.Helper()
	ctx := context.Background()
	u.Role = "stakeholder"
	u, err := f.db.CreateUser(ctx, u, "")
	if err != nil {
		t.Fatal(err)
	}
	n.Consultation = "round-1"
	html, err := f.s.md.RenderComment(n.Body)
	if err != nil {
		t.Fatal(err)
	}
	n.BodyHTML = string(html)
	m, err := f.db.CreateComment(store.WithActor(ctx, store.Actor{UserID: u.ID, Email: u.Email}), n, store.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Minute)
	return m
}

// get calls a feed handler as a request for target would.
func (f *feedFixture) get(t *testing.T, target string, h func(echo.Context) error) (*httptest.ResponseRecorder, error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	return rec, h(echo.New().NewContext(req, rec))
}

type parsedFeed struct {
	Title   string `xml:"title"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Author  string `xml:"author>name"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func TestConsultationFeed(t *testing.T) {
	f := newFeedFixture(t)
	feed := func(c echo.Context) error { return f.s.consultationFeed(c, "round-1") }
	if _, err := f.get(t, "/consultations/round-1.atom", feed); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("before opening: got %v, want not found", err)
	}
	f.now = feedT0.Add(2 * time.Hour)
	secret := store.User{Email: "secret.person@example.org", Name: "Secret Person", Organisation: "Secret Org",
		StakeholderGroup: "civil-society", Country: "KE"}
	anon := f.comment(t, secret, store.NewComment{Paragraph: "p2", Body: "An *anonymous* view <script>alert(1)</script>", Display: store.DisplayAnonymous})
	named := f.comment(t, store.User{Email: "bob@example.org", Name: "Bob Named", Organisation: "Bob Corp",
		StakeholderGroup: "private-sector", Country: "KE"}, store.NewComment{Question: 1, Body: "Named view.", Display: store.DisplayNamed})
	whole := f.comment(t, store.User{Email: "carol@example.org", Name: "Carol", StakeholderGroup: "academia", Country: "KE"},
		store.NewComment{Body: "Whole view.", Display: store.DisplayNamed})
	hidden := f.comment(t, store.User{Email: "dan@example.org", Name: "Dan", StakeholderGroup: "other", Country: "KE"},
		store.NewComment{Body: "Spam.", Display: store.DisplayNamed})
	if _, err := f.db.ModerateComment(context.Background(), hidden.ID, store.ModerateHide, "spam", "", nil); err != nil {
		t.Fatal(err)
	}

	rec, err := f.get(t, "/consultations/round-1.atom", feed)
	if err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("Content-Type: got %q", ct)
	}
	for _, s := range []string{secret.Name, secret.Email, secret.Organisation, "<script>", "Spam."} {
		if strings.Contains(rec.Body.String(), s) {
			t.Errorf("the feed carries %q", s)
		}
	}
	var got parsedFeed
	if err := xml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	type entry struct{ Title, ID, Author, Link, ContentType string }
	var entries []entry
	for _, e := range got.Entries {
		entries = append(entries, entry{e.Title, e.ID, e.Author, e.Link.Href, e.Content.Type})
	}
	perma := func(id int64) string {
		return "http://example.com/consultations/round-1/comments/" + strconv.FormatInt(id, 10)
	}
	want := []entry{
		{"Comment on the whole document", perma(whole.ID), "Carol (individual) · Academia, Kenya", perma(whole.ID), "html"},
		{"Comment on question 1", perma(named.ID), "Bob Named, Bob Corp · Private sector, Kenya", perma(named.ID), "html"},
		{"Comment on 1 ¶1", perma(anon.ID), "A participant from civil society, Kenya",
			"http://example.com/consultations/round-1/paragraphs/p2#c-" + strconv.FormatInt(anon.ID, 10), "html"},
	}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("entries differ (-want +got):\n%s", diff)
	}
	if len(got.Entries) == 3 && !strings.Contains(got.Entries[2].Content.Text, "<em>anonymous</em>") {
		t.Errorf("content: got %q, want the rendered body", got.Entries[2].Content.Text)
	}
}

func TestConsultationsFeed(t *testing.T) {
	f := newFeedFixture(t)
	rec, err := f.get(t, "/consultations.atom", f.s.consultationsFeed)
	if err != nil {
		t.Fatal(err)
	}
	var got parsedFeed
	if err := xml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 0 {
		t.Errorf("before opening: got %d entries, want none", len(got.Entries))
	}
	f.now = feedT0.Add(2 * time.Hour)
	rec, err = f.get(t, "/consultations.atom", f.s.consultationsFeed)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 1 {
		t.Fatalf("after opening: got %d entries, want 1", len(got.Entries))
	}
	e := got.Entries[0]
	if e.Title != "Round one" || e.Link.Href != "http://example.com/consultations/round-1" || e.Updated != "2027-01-10T13:00:00Z" ||
		!strings.Contains(e.Summary, "The doc") || !strings.Contains(e.Summary, "10 January 2027, 16:00 EAT") {
		t.Errorf("entry: got %+v", e)
	}
}
