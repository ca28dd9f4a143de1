package web

import (
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// TestOutcomePDFScriptFallback: a policy or a title in a script the PDF
// fonts lack is printed from its English rendering in brackets.
func TestOutcomePDFScriptFallback(t *testing.T) {
	text := content.OutcomeText{Title: "物联网安全", Edition: 1, Date: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC),
		Site: "https://a.example", URL: "https://a.example/outcomes/iot-cn/editions/1",
		Record: store.Record{Recommendations: []store.Recommendation{{Number: 1, Paragraph: "p2", Paragraphs: []string{"p2"}, Title: "Follow the standard",
			Policies: []store.CitedPolicy{{Slug: "gb-t-22239", Title: "信息安全技术 网络安全等级保护基本要求"}}}}}}
	v := store.Version{Document: "iot-cn", Paragraphs: []store.Paragraph{
		{ID: "p1", Kind: "heading", Section: "0", Text: "物联网安全"},
		{ID: "p2", Kind: "paragraph", Section: "1", Ordinal: 1,
			HTML: `<p>Follow <a class="cite" href="/policies/gb-t-22239">信息安全技术</a> now.</p>`}}}
	d := outcomePDF(text, v, map[string]string{"gb-t-22239": "GB/T 22239"})
	if d.Title != "[Iot Cn]" {
		t.Errorf("got title %q, want [Iot Cn]", d.Title)
	}
	var all []string
	for _, b := range d.Blocks {
		all = append(all, joinText(b.Runs))
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"Follow [GB/T 22239] now.", "Policy cited: [GB/T 22239]"} {
		if !strings.Contains(got, want) {
			t.Errorf("the PDF's blocks lack %q:\n%s", want, got)
		}
	}
}
