package web

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/content/outcomepdf"
	"github.com/dc-isss/accord/store"
)

// TestOutcomePDFScriptFallback: a policy or a title in a script the PDF
// fonts lack is printed from its English rendering in brackets.
func TestOutcomePDFScriptFallback(t *testing.T) {
	text := content.OutcomeText{Slug: "iot-cn", Title: "物联网安全", Edition: 1, Date: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC),
		Site: "https://a.example", URL: "https://a.example/outcomes/iot-cn/editions/1",
		Record: store.Record{Recommendations: []store.Recommendation{{Number: 1, Paragraph: "p2", Paragraphs: []string{"p2"}, Title: "Follow the standard",
			Policies: []store.CitedPolicy{{Slug: "gb-t-22239", Title: "信息安全技术 网络安全等级保护基本要求"}}}}}}
	v := store.Version{Document: "iot-cn", Paragraphs: []store.Paragraph{
		{ID: "p1", Kind: "heading", Section: "0", Text: "物联网安全"},
		{ID: "p2", Kind: "paragraph", Section: "1", Ordinal: 1,
			HTML: `<p>Follow <a class="cite" href="/policies/gb-t-22239">信息安全技术</a> now.</p>`}}}
	withOutcomeURLs(&text)
	d := outcomePDF(text, v, map[string]string{"gb-t-22239": "GB/T 22239"})
	if d.Title != "[Iot Cn]" {
		t.Errorf("got title %q, want [Iot Cn]", d.Title)
	}
	var all []string
	for _, b := range d.Blocks {
		all = append(all, outcomepdf.PlainText(b.Runs))
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"Follow [GB/T 22239] now.", "Policy cited: [GB/T 22239]"} {
		if !strings.Contains(got, want) {
			t.Errorf("the PDF's blocks lack %q:\n%s", want, got)
		}
	}
}

// TestOutcomePDFNotice: the title page of a PDF that could not show all
// of its text says so and links the HTML edition; a PDF that shows it all
// says nothing of the kind.
func TestOutcomePDFNotice(t *testing.T) {
	const want = "Some text is in a script this PDF cannot show; the HTML edition at https://a.example/outcomes/iot/editions/1.html shows it in full."
	for _, tc := range []struct {
		name, text string
		notice     bool
	}{
		{"Latin, Greek and Cyrillic", "Follow the rule: ασφάλεια, безопасность.", false},
		{"Chinese in the body", "Follow 网络安全 now.", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := content.OutcomeText{Slug: "iot", Title: "IoT", Edition: 1, Site: "https://a.example",
				URL: "https://a.example/outcomes/iot/editions/1"}
			withOutcomeURLs(&text)
			v := store.Version{Document: "iot", Paragraphs: []store.Paragraph{
				{ID: "p1", Kind: "paragraph", Section: "0", Ordinal: 1, Text: tc.text, HTML: "<p>" + tc.text + "</p>"}}}
			d := outcomePDF(text, v, nil)
			got := outcomepdf.PlainText(d.Notice)
			if tc.notice && got != want {
				t.Errorf("got notice %q, want %q", got, want)
			}
			if !tc.notice && got != "" {
				t.Errorf("got notice %q, want none", got)
			}
			if tc.notice && d.Notice[1].Href != "https://a.example/outcomes/iot/editions/1.html" {
				t.Errorf("got notice link %q, want the HTML edition", d.Notice[1].Href)
			}
		})
	}
}

// TestOutcomeFilesBudget: the download cache holds no more bytes than its
// budget however many site addresses (forged Host headers) ask, and a
// file too large to keep is not kept.
func TestOutcomeFilesBudget(t *testing.T) {
	var f outcomeFiles
	body := make([]byte, 5<<20)
	for i := range 40 {
		f.put("https://host"+strconv.Itoa(i)+".example", newOutcomeFileEntry(body))
		if f.bytes > outcomeFilesBytes {
			t.Fatalf("after %d files: got %d bytes kept, want at most %d", i+1, f.bytes, outcomeFilesBytes)
		}
	}
	if got, want := len(f.entries), outcomeFilesBytes/len(body); got != want {
		t.Errorf("got %d files kept, want %d", got, want)
	}
	f.put("huge", newOutcomeFileEntry(make([]byte, outcomeFileMaxBytes+1)))
	if _, ok := f.get("huge"); ok {
		t.Error("a file over the size limit was kept")
	}
}

// TestOutcomeFileSanitised: the HTML download shows the version's HTML
// sanitised as the edition's page does, not as it was stored.
func TestOutcomeFileSanitised(t *testing.T) {
	s := &Server{md: content.NewMarkdown()}
	text := content.OutcomeText{Slug: "iot", Title: "IoT", Edition: 1, Site: "https://a.example", URL: "https://a.example/outcomes/iot/editions/1"}
	withOutcomeURLs(&text)
	v := store.Version{Document: "iot", HTML: `<p>Hello<script>alert(1)</script> <a href="javascript:alert(1)" onclick="alert(2)">x</a>` +
		`<iframe src="https://evil.example"></iframe></p>`}
	f, err := s.outcomeFileView(text, v)
	if err != nil {
		t.Fatal(err)
	}
	got := string(f.Text)
	for _, bad := range []string{"<script", "alert(", "onclick", "<iframe"} {
		if strings.Contains(got, bad) {
			t.Errorf("the HTML download keeps %q: %s", bad, got)
		}
	}
	if !strings.Contains(got, "Hello") {
		t.Errorf("got %q, want the text kept", got)
	}
}

// TestOutcomeRecordOrder: groups and dispositions with equal counts come
// in one fixed order (the lists' own), so that one edition always gives
// the same bytes under its strong ETag.
func TestOutcomeRecordOrder(t *testing.T) {
	k := store.ConsultationRecord{Slug: "k", Title: "K", Version: 1, Stats: store.CommentStats{Approved: 6,
		ByGroup:       map[string]int{store.StakeholderGroups[2]: 2, store.StakeholderGroups[0]: 2, store.StakeholderGroups[1]: 2},
		ByDisposition: map[string]int{store.DispositionValues[1]: 3, store.DispositionValues[0]: 3}}}
	text := content.OutcomeText{Slug: "iot", Title: "IoT", Edition: 1, Site: "https://a.example", URL: "https://a.example/outcomes/iot/editions/1",
		Record: store.Record{Consultations: []store.ConsultationRecord{k}}}
	withOutcomeURLs(&text)
	s := &Server{md: content.NewMarkdown()}
	render := func() string {
		var all []string
		for _, b := range recordPDF(text) {
			all = append(all, outcomepdf.PlainText(b.Runs))
		}
		f, err := s.outcomeFileView(text, store.Version{Document: "iot"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range f.Consultations {
			for _, g := range append(c.Groups, c.Dispositions...) {
				all = append(all, g.Name)
			}
		}
		return strings.Join(all, "\n") + s.md.OutcomeMarkdown(text)
	}
	want := render()
	if !strings.Contains(want, store.Label(store.StakeholderGroups[0])+": 2\n"+store.Label(store.StakeholderGroups[1])+": 2") {
		t.Errorf("the groups are not in their list's order:\n%s", want)
	}
	for range 20 {
		if got := render(); got != want {
			t.Fatalf("two renderings of one record differ:\n%s\n---\n%s", got, want)
		}
	}
}

// TestOutcomeFileOnce: readers asking for one download at the same moment
// share one rendering (and so one copy of the bytes).
func TestOutcomeFileOnce(t *testing.T) {
	s := &Server{md: content.NewMarkdown(), renderSlots: make(chan struct{}, 2)}
	text := content.OutcomeText{Slug: "iot", Title: "IoT", Edition: 1, Site: "https://a.example", URL: "https://a.example/outcomes/iot/editions/1",
		Source: "# IoT\n\n" + strings.Repeat("A long text to render. ", 20000)}
	withOutcomeURLs(&text)
	const readers = 8
	start := make(chan struct{})
	got := make(chan *byte, readers)
	for range readers {
		go func() {
			<-start
			e, err := s.outcomeFile(context.Background(), text, store.Version{Document: "iot"}, nil, formatMarkdown)
			if err != nil {
				t.Error(err)
				got <- nil
				return
			}
			got <- &e.body[0]
		}()
	}
	close(start)
	first := <-got
	for range readers - 1 {
		if p := <-got; p != first {
			t.Fatal("two readers got two renderings of one file")
		}
	}
}
