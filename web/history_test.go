package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

func TestHistoryComparesFieldByField(t *testing.T) {
	e := newEnv(t)
	ctx := store.WithActor(context.Background(), store.Actor{Process: "test"})
	save := func(change func(p *store.Policy)) {
		t.Helper()
		p, err := e.db.Policy(ctx, "uk-psti-act-2022")
		if err != nil {
			t.Fatal(err)
		}
		p.Mappings = nil // keep the stored ones
		change(&p)
		if _, err := e.db.SavePolicy(ctx, p, store.Upsert); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := e.db.PolicyRevisions(ctx, "uk-psti-act-2022")
	if err != nil {
		t.Fatal(err)
	}
	first := revs[0].Policy
	if len(first.Provisions) == 0 {
		t.Fatal("the shipped policy has no provision to change")
	}
	ref := first.Provisions[0].Ref
	save(func(p *store.Policy) {
		p.ShortTitle = "Resilience Act"
		p.Summary = "A short new summary of the act."
		p.Provisions[0].Text = p.Provisions[0].Text + " Added words at the end."
	})
	save(func(p *store.Policy) { p.Language = "de" })
	r1, r2, r3 := itoa(int64(revs[0].Rev)), itoa(int64(revs[0].Rev+1)), itoa(int64(revs[0].Rev+2))

	ed := e.signedIn("editor")
	rows := func(d *goquery.Document) map[string]*goquery.Selection {
		out := map[string]*goquery.Selection{}
		d.Find(`[data-testid="changes"] tbody tr`).Each(func(_ int, tr *goquery.Selection) {
			out[strings.TrimSpace(tr.Find("th").Text())] = tr
		})
		return out
	}

	// By default: the newest revision against its predecessor.
	rec := ed.get("/policies/uk-psti-act-2022/history")
	wantStatus(t, "history", rec, http.StatusOK)
	d := doc(t, rec)
	got := rows(d)
	if len(got) != 1 || got["Language"] == nil {
		t.Fatalf("default comparison rows = %v, want only Language", keys(got))
	}
	if txt := strings.Join(strings.Fields(got["Language"].Find("td").Text()), " "); !strings.Contains(txt, first.Language+" → changed to de") {
		t.Errorf("Language row reads %q, want old → new", txt)
	}
	if h := d.Find("#diff-heading").Text(); h != "Changes from revision "+r2+" to revision "+r3 {
		t.Errorf("heading %q", h)
	}
	// Each revision says what changed since the one before, and links
	// to that comparison.
	row := d.Find(`[data-testid="revisions"] tbody tr`).Eq(1)
	if txt := row.Find("td").Eq(3).Text(); !strings.Contains(txt, "Short title, Summary, Provision "+ref+".") {
		t.Errorf("revision %s lists %q as changed", r2, txt)
	}
	href := row.Find("td").Eq(3).Find("a").AttrOr("href", "")
	if href != "/policies/uk-psti-act-2022/history?from="+r1+"&to="+r2+"#diff-heading" {
		t.Errorf("revision %s links to %q", r2, href)
	}

	// Two chosen revisions: short fields old → new, long text word by
	// word; never the file format.
	rec = ed.get("/policies/uk-psti-act-2022/history?from=" + r1 + "&to=" + r3)
	wantStatus(t, "history from first to last", rec, http.StatusOK)
	d = doc(t, rec)
	got = rows(d)
	for _, f := range []string{"Short title", "Summary", "Provision " + ref, "Language"} {
		if got[f] == nil {
			t.Errorf("no row for %s among %v", f, keys(got))
		}
	}
	if len(got) != 4 {
		t.Errorf("rows %v, want 4", keys(got))
	}
	if st := got["Short title"]; st != nil {
		if st.Find(".old").Text() != first.ShortTitle || st.Find(".new").Text() != "Resilience Act" || !strings.Contains(st.Text(), "→") {
			t.Errorf("Short title row reads %q", st.Text())
		}
	}
	if pv := got["Provision "+ref]; pv != nil {
		if ins := pv.Find(`[data-testid="word-diff"] ins`).Text(); !strings.Contains(ins, "Added words at the end.") {
			t.Errorf("provision diff adds %q", ins)
		}
		if pv.Find("del").Length() != 0 {
			t.Errorf("provision diff removes %q, want nothing removed", pv.Find("del").Text())
		}
	}
	if sm := got["Summary"]; sm != nil && sm.Find("ins").Length() == 0 {
		t.Error("the summary is not compared word by word")
	}
	for _, yaml := range []string{"short_title:", "jurisdictions:", "provisions:"} {
		if strings.Contains(rec.Body.String(), yaml) {
			t.Errorf("the history shows the file format (%q)", yaml)
		}
	}

	d = doc(t, ed.get("/policies/uk-psti-act-2022/history?from="+r2+"&to="+r2))
	if d.Find(`[data-testid="changes"]`).Length() != 0 || !strings.Contains(d.Find("main").Text(), "The two revisions are the same.") {
		t.Error("a revision compared with itself shows changes")
	}
	// Choosing works without script: the form is a GET with a radio
	// column for each end.
	form := d.Find(`main form[method="get"][action="/policies/uk-psti-act-2022/history"]`)
	if form.Find(`input[type=radio][name=from]`).Length() != 3 || form.Find(`input[type=radio][name=to]`).Length() != 3 {
		t.Error("no GET form to choose the two revisions")
	}
	wantStatus(t, "unknown revision", ed.get("/policies/uk-psti-act-2022/history?to=99"), http.StatusBadRequest)
}

// keys lists a map's keys, for messages.
func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
