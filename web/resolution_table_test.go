package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/xuri/excelize/v2"
)

// dispose gives comment id a disposition as the test process.
func (f *commentsFixture) dispose(id int64, value, rationale string) {
	f.e.t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	if _, err := f.e.db.SetDisposition(ctx, id, store.Disposition{Value: value, Rationale: rationale,
		RationaleHTML: "<p>" + rationale + "</p>"}, nil); err != nil {
		f.e.t.Fatal(err)
	}
}

func TestResolutionTable(t *testing.T) {
	f := newCommentsFixture(t)
	f.dispose(f.approved[0].ID, "accepted", "Agreed.")
	f.dispose(f.approved[3].ID, "noted", "Fixed the typo.")
	reader := f.e.client()

	w := reader.get("/consultations/round-1/resolution")
	wantStatus(t, "resolution table", w, http.StatusOK)
	d := doc(t, w)
	var ids []string
	d.Find(`[data-testid="row"]`).Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-id", "")) })
	var want []string
	for _, id := range f.order() {
		want = append(want, itoa(id))
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("rows: got %v, want the approved comments %v", ids, want)
	}
	body := w.Body.String()
	for _, s := range append(f.secrets, "Pending words", "Hidden spam", "Withdrawn words") {
		if strings.Contains(body, s) {
			t.Errorf("the table shows %q", s)
		}
	}
	if n := d.Find(`[data-testid="commenter"]:contains("anonymous")`).Length(); n != 2 {
		t.Errorf("anonymous commenters: got %d, want 2", n)
	}
	totals := map[string]string{}
	d.Find(`[data-testid="totals-disposition"] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		totals[s.Find("th").Text()] = s.Find("td").Text()
	})
	if totals["Accepted"] != "1" || totals["Noted"] != "1" || totals["No disposition yet"] != "4" || totals["All comments"] != "6" {
		t.Errorf("totals by disposition: got %v", totals)
	}
	groups := map[string]string{}
	d.Find(`[data-testid="totals-group"] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		groups[s.Find("th").Text()] = s.Find("td").Text()
	})
	if groups["All comments"] != "6" {
		t.Errorf("totals by group: got %v", groups)
	}
	if got := d.Find(`[data-testid="import-link"]`).Length(); got != 0 {
		t.Errorf("a reader sees the import link")
	}

	// Filters.
	for _, tt := range []struct {
		query string
		want  int
	}{{"disposition=accepted", 1}, {"disposition=none", 4}, {"type=editorial", 1}, {"group=government", 2}} {
		w := reader.get("/consultations/round-1/resolution?" + tt.query)
		wantStatus(t, tt.query, w, http.StatusOK)
		if got := doc(t, w).Find(`[data-testid="row"]`).Length(); got != tt.want {
			t.Errorf("%s: got %d rows, want %d", tt.query, got, tt.want)
		}
	}
	wantStatus(t, "bad filter", reader.get("/consultations/round-1/resolution?disposition=maybe"), http.StatusBadRequest)

	// The consultation page links to the table.
	if doc(t, reader.get("/consultations/round-1")).Find(`a[href="/consultations/round-1/resolution"]`).Length() == 0 {
		t.Error("the consultation page does not link to the resolution table")
	}

	// Downloads: one row per approved comment, anonymous commenters as such.
	w = reader.get("/consultations/round-1/resolution.csv")
	wantStatus(t, "csv", w, http.StatusOK)
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("csv Content-Disposition: got %q", cd)
	}
	rows, err := content.ParseResolutionCSV("r.csv", w.Body.Bytes())
	if err != nil || len(rows) != len(f.approved) {
		t.Fatalf("csv: got %d rows (%v), want %d", len(rows), err, len(f.approved))
	}
	for _, s := range f.secrets {
		if strings.Contains(w.Body.String(), s) {
			t.Errorf("the CSV shows %q", s)
		}
	}
	w = reader.get("/consultations/round-1/resolution.xlsx")
	wantStatus(t, "xlsx", w, http.StatusOK)
	xf, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	xrows, _ := xf.GetRows(xf.GetSheetList()[0])
	if len(xrows) != len(f.approved)+1 {
		t.Errorf("xlsx: got %d rows, want %d", len(xrows), len(f.approved)+1)
	}
	for _, r := range xrows {
		for _, cell := range r {
			for _, s := range f.secrets {
				if strings.Contains(cell, s) {
					t.Errorf("the XLSX shows %q", s)
				}
			}
		}
	}
}

// order lists the approved comments' ids in document order.
func (f *commentsFixture) order() []int64 {
	f.e.t.Helper()
	ms, err := f.e.db.ResolutionComments(context.Background(), "round-1")
	if err != nil {
		f.e.t.Fatal(err)
	}
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// filled is the CSV of the table with the rows' cells changed by fn.
func filled(t *testing.T, c *client, fn func(rows []content.ResolutionRow)) []byte {
	t.Helper()
	w := c.get("/consultations/round-1/resolution.csv")
	rows, err := content.ParseResolutionCSV("r.csv", w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	fn(rows)
	var b bytes.Buffer
	if err := content.WriteResolutionCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestResolutionImport(t *testing.T) {
	f := newCommentsFixture(t)
	order := f.order()
	f.dispose(order[0], "accepted", "Agreed.")
	editor := f.e.signedIn("editor")
	const path = "/consultations/round-1/resolution/import"

	// Readers and stakeholders may not import.
	wantStatus(t, "reader", f.e.signedIn("").get(path), http.StatusSeeOther)
	if w := f.e.signedIn("stakeholder").get(path); w.Code != http.StatusForbidden {
		t.Errorf("stakeholder: got %d, want 403", w.Code)
	}
	wantStatus(t, "editor form", editor.get(path), http.StatusOK)

	// Unchanged: nothing to apply.
	unchanged := editor.get("/consultations/round-1/resolution.csv").Body.Bytes()
	w := editor.upload(path, map[string][]byte{"same.csv": unchanged})
	wantStatus(t, "unchanged", w, http.StatusOK)
	if doc(t, w).Find(`[data-testid="change"]`).Length() != 0 {
		t.Error("an unchanged table lists changes")
	}
	xlsx := editor.get("/consultations/round-1/resolution.xlsx").Body.Bytes()
	w = editor.upload(path, map[string][]byte{"same.xlsx": xlsx})
	wantStatus(t, "unchanged xlsx", w, http.StatusOK)
	if d := doc(t, w); d.Find(`[data-testid="preview"]`).Length() != 1 || d.Find(`[data-testid="change"]`).Length() != 0 {
		t.Errorf("an unchanged XLSX: got %s", w.Body)
	}

	// A bad table: every problem by row and column, nothing changed.
	bad := filled(t, editor, func(rows []content.ResolutionRow) {
		rows[1].Disposition, rows[1].Observations = "perhaps", "x"
		rows[2].Disposition = "noted"
		rows[3].Comment = "Rewritten"
		rows[4].ID = 99999
		rows[5].Disposition, rows[5].Observations = "noted", "ok"
	})
	w = editor.upload(path, map[string][]byte{"bad.csv": bad})
	wantStatus(t, "bad table", w, http.StatusUnprocessableEntity)
	d := doc(t, w)
	problems := d.Find(`[data-testid="problems"] li`)
	text := problems.Text()
	for _, s := range []string{"Row 3", "disposition", "Row 4", "observations", "Row 5", "comment", "Row 6", "id"} {
		if !strings.Contains(text, s) {
			t.Errorf("problems do not name %q: %s", s, text)
		}
	}
	if problems.Length() != 4 {
		t.Errorf("problems: got %d, want 4: %s", problems.Length(), text)
	}
	if m, _ := f.e.db.Comment(context.Background(), order[5]); m.Disposition != nil {
		t.Errorf("a rejected table changed comment %d: %+v", m.ID, m.Disposition)
	}

	// A good table: preview, then apply.
	good := filled(t, editor, func(rows []content.ResolutionRow) {
		rows[0].Observations = "Agreed, and done."
		rows[1].Disposition, rows[1].Observations = "Accepted in part", "Partly."
		rows[5].Disposition, rows[5].Observations = "out-of-scope", "Not for this document."
	})
	w = editor.upload(path, map[string][]byte{"good.csv": good})
	wantStatus(t, "good table", w, http.StatusOK)
	d = doc(t, w)
	if n := d.Find(`[data-testid="change"]`).Length(); n != 3 {
		t.Fatalf("preview: got %d changes, want 3:\n%s", n, w.Body)
	}
	if m, _ := f.e.db.Comment(context.Background(), order[1]); m.Disposition != nil {
		t.Error("the preview applied a change")
	}
	apply, _ := d.Find(`form[action*="/resolution/import/"]`).Attr("action")
	w = editor.post(apply, nil)
	wantStatus(t, "apply", w, http.StatusSeeOther)
	for i, want := range map[int]string{0: "accepted", 1: "accepted-in-part", 5: "out-of-scope"} {
		m, _ := f.e.db.Comment(context.Background(), order[i])
		if m.Disposition == nil || m.Disposition.Value != want {
			t.Errorf("comment %d after apply: got %+v, want %s", m.ID, m.Disposition, want)
		}
	}
	if m, _ := f.e.db.Comment(context.Background(), order[0]); m.Disposition.Rationale != "Agreed, and done." {
		t.Errorf("comment %d rationale: got %+v, want the new one", m.ID, m.Disposition)
	}
	if hist, _ := f.e.db.DispositionHistory(context.Background(), order[0]); len(hist) != 2 {
		t.Errorf("comment %d history: got %d revisions, want 2", order[0], len(hist))
	}
	// The stage is gone once applied.
	if w := editor.post(apply, nil); w.Code != http.StatusConflict {
		t.Errorf("apply twice: got %d, want 409", w.Code)
	}

	// A stale stage: a disposition given after the check.
	again := filled(t, editor, func(rows []content.ResolutionRow) {
		rows[2].Disposition, rows[2].Observations = "noted", "Later."
	})
	w = editor.upload(path, map[string][]byte{"again.csv": again})
	wantStatus(t, "again", w, http.StatusOK)
	apply, _ = doc(t, w).Find(`form[action*="/resolution/import/"]`).Attr("action")
	f.e.advance(2e9)
	f.dispose(order[4], "noted", "Meanwhile.")
	w = editor.post(apply, nil)
	wantStatus(t, "stale", w, http.StatusConflict)
	if !strings.Contains(w.Body.String(), "can no longer be applied") {
		t.Errorf("stale answer does not say why: %s", w.Body)
	}
	if m, _ := f.e.db.Comment(context.Background(), order[2]); m.Disposition != nil {
		t.Errorf("a stale table changed comment %d", m.ID)
	}
}

func TestResolutionAddressedAndGrouped(t *testing.T) {
	f := newCommentsFixture(t)
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	drafts := content.Drafts{DB: f.e.db, MD: content.NewMarkdown(), Framework: "dc-isss-iot"}
	v2, err := drafts.Revise(ctx, "doc-a", 1, strings.Replace(consultedText, "consumer IoT devices", "consumer and industrial IoT devices", 1), "second")
	if err != nil {
		t.Fatal(err)
	}
	pid := f.approved[0].Paragraph
	if _, err := f.e.db.SetDisposition(ctx, f.approved[0].ID, store.Disposition{Value: "accepted", Rationale: "Widened.",
		AddressedIn: store.Addressed{Version: v2.Number, Paragraphs: []string{pid}}}, nil); err != nil {
		t.Fatal(err)
	}
	row := `[data-testid="row"][data-id="` + itoa(f.approved[0].ID) + `"] [data-testid="addressed"]`

	// An editor may see version 2: the cell links to the redline of
	// exactly that paragraph.
	editor := f.e.signedIn("editor")
	d := doc(t, editor.get("/consultations/round-1/resolution"))
	href, _ := d.Find(row + " a").Attr("href")
	if want := "/documents/doc-a/diff?from=1&to=2#r-" + pid; href != want {
		t.Errorf("editor's addressed-in link: got %q, want %q", href, want)
	}
	// A reader may not see the draft version 2 yet: no link.
	d = doc(t, f.e.client().get("/consultations/round-1/resolution"))
	cell := d.Find(row)
	if cell.Find("a").Length() != 0 || !strings.Contains(cell.Text(), "version 2 (not yet public)") {
		t.Errorf("reader's addressed-in cell: got %q", cell.Text())
	}

	// A campaign: three copies on one paragraph form one row when grouped.
	_, cctx := f.e.commenter("camp@example.org", "Camp", "", "other", "KE", true)
	body := "We the undersigned ask that every device ship with a unique password and a clear support period."
	for i := 0; i < 3; i++ {
		m := f.e.comment(cctx, store.NewComment{Consultation: "round-1", Paragraph: pid, Body: body, Signature: content.MinHash(body)})
		f.e.moderate(m.ID, store.ModerateApprove)
	}
	reader := f.e.client()
	all := doc(t, reader.get("/consultations/round-1/resolution")).Find(`[data-testid="row"]`).Length()
	grouped := doc(t, reader.get("/consultations/round-1/resolution?grouped=1"))
	if got := grouped.Find(`[data-testid="row"]`).Length(); got != all-2 {
		t.Errorf("grouped rows: got %d, want %d (of %d)", got, all-2, all)
	}
	if got := grouped.Find(`[data-testid="similar"]`).Text(); !strings.Contains(got, "and 2 similar comments") {
		t.Errorf("grouped row: got %q, want and 2 similar comments", got)
	}
	rows, err := content.ParseResolutionCSV("r.csv", reader.get("/consultations/round-1/resolution.csv?grouped=1").Body.Bytes())
	if err != nil || len(rows) != all {
		t.Errorf("csv: got %d rows (%v), want one per comment, %d", len(rows), err, all)
	}
}
