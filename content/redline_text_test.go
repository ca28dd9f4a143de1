package content_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// TestPlainTextHasCharacters checks that a block's plain text holds the
// typographer's quotes and dashes as characters, not as HTML entities.
func TestPlainTextHasCharacters(t *testing.T) {
	md := content.NewMarkdown()
	c, err := md.Compose(context.Background(), "Singapore's scheme -- and \"others\".\n", nil, "dc-isss-iot", nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Blocks[0].Text, "Singapore’s scheme – and “others”."; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
}

// TestDiffDecodesEntities checks that a redline of versions saved with
// entities in their plain text shows the characters.
func TestDiffDecodesEntities(t *testing.T) {
	from := store.Version{Number: 1, Paragraphs: []store.Paragraph{{ID: "p1", Section: "0", Ordinal: 1, Kind: "paragraph", Text: "Singapore&rsquo;s scheme"}}}
	to := store.Version{Number: 2, Paragraphs: []store.Paragraph{{ID: "p1", Section: "0", Ordinal: 1, Kind: "paragraph", Text: "Singapore&rsquo;s new scheme"},
		{ID: "p2", Section: "0", Ordinal: 2, Kind: "code", Text: "a &amp;&amp; b"}}}
	r := content.Diff(from, to)
	var got []string
	for _, b := range r.Blocks {
		var s strings.Builder
		for _, p := range b.Parts {
			s.WriteString(p.Text)
		}
		got = append(got, s.String())
	}
	want := []string{"Singapore’s new scheme", "a &amp;&amp; b"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if r.Blocks[0].Parts[0].Text != "Singapore’s " {
		t.Errorf("got first part %q, want the unchanged words decoded", r.Blocks[0].Parts[0].Text)
	}
}

// TestLabelCitations checks that citations in plain text become the
// labels their links show on the page.
func TestLabelCitations(t *testing.T) {
	db := seeded(t)
	md := content.NewMarkdown()
	ctx := context.Background()
	tests := []struct{ name, text, want string }{
		{"policy", "See [@etsi-en-303-645].", "See ETSI EN 303 645."},
		{"provision", "See [@etsi-en-303-645 §5.1-1] now.", "See ETSI EN 303 645 §5.1-1 now."},
		{"policy without short title", "[@au-cop-iot-2020]", "Code of Practice: Securing the Internet of Things for Consumers"},
		{"items", "Addresses [#C3] and [#RQ1b].", "Addresses C3 and RQ1b."},
		{"unknown policy keeps its markup", "See [@no-such-policy].", "See [@no-such-policy]."},
		{"unknown provision keeps its markup", "See [@etsi-en-303-645 §9.9-9].", "See [@etsi-en-303-645 §9.9-9]."},
		{"a link is left alone", "[@someone](https://example.org)", "[@someone](https://example.org)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := store.Version{Paragraphs: []store.Paragraph{{ID: "p1", Kind: "paragraph", Text: tc.text}}}
			got, err := content.LabelCitations(ctx, v, db)
			if err != nil {
				t.Fatal(err)
			}
			if got.Paragraphs[0].Text != tc.want {
				t.Errorf("got %q, want %q", got.Paragraphs[0].Text, tc.want)
			}
			if v.Paragraphs[0].Text != tc.text {
				t.Errorf("the version given changed to %q", v.Paragraphs[0].Text)
			}
		})
	}
	// The label is the one the rendered link shows.
	c, err := md.Compose(ctx, "See [@etsi-en-303-645 §5.1-1].", db, "dc-isss-iot", nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c.HTML), ">ETSI EN 303 645 §5.1-1</a>") {
		t.Errorf("got %s, want the link labelled as the redline labels it", c.HTML)
	}
}
