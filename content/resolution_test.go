package content

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"
)

// sampleRows are table rows with the cells that make round trips hard:
// formulas, quotes, new lines, commas, non-ASCII text.
func sampleRows() []ResolutionRow {
	return []ResolutionRow{
		{ID: 3, StakeholderGroup: "industry", Country: "KE", Commenter: "Wanjiru Kamau", Clause: "3.2", Paragraph: "p4", Type: "te",
			Comment: "Devices ship with \"admin\" passwords,\nwhich is bad.", Proposed: "=SUM(A1:A2)", Disposition: "accepted",
			Observations: "Agreed; see 3.2.", AddressedIn: "2:p4;p9"},
		{ID: 7, StakeholderGroup: "civil-society", Country: "BR", Commenter: "anonymous", Clause: "4", Paragraph: "p11", Type: "ed",
			Comment: "-typo here", Proposed: "'+quoted", Disposition: "", Observations: "", AddressedIn: ""},
		{ID: 12, StakeholderGroup: "government", Country: "DE", Commenter: "Jürgen Groß", Clause: "", Paragraph: "", Type: "ge",
			Comment: "@all: a general remark, with commas", Disposition: "noted", Observations: "Thanks.\n\nNoted for v3."},
	}
}

func writeCSV(t *testing.T, rows []ResolutionRow) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteResolutionCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestResolutionRowOf(t *testing.T) {
	m := store.Comment{ID: 5, Section: "2", Paragraph: "p3", Type: store.CommentEditorial, Body: "b", Proposed: "p",
		Display: store.DisplayAnonymous, Author: store.CommentAuthor{Name: "Secret Name", Group: "academia", Country: "FR"},
		Disposition: &store.Disposition{Value: "noted", Rationale: "r", AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"p3"}}}}
	got := ResolutionRowOf(m)
	want := ResolutionRow{ID: 5, StakeholderGroup: "academia", Country: "FR", Commenter: "anonymous", Clause: "2", Paragraph: "p3",
		Type: "ed", Comment: "b", Proposed: "p", Disposition: "noted", Observations: "r", AddressedIn: "2:p3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("anonymous row (-want +got):\n%s", diff)
	}
	m.Display = store.DisplayNamed
	if got := ResolutionRowOf(m).Commenter; got != "Secret Name" {
		t.Errorf("named commenter: got %q, want %q", got, "Secret Name")
	}
}

func TestResolutionCSVRoundTrip(t *testing.T) {
	first := writeCSV(t, sampleRows())
	if bytes.HasPrefix(first, []byte("\xef\xbb\xbf")) {
		t.Error("the export starts with a byte order mark")
	}
	if !bytes.HasPrefix(first, []byte(strings.Join(ResolutionHeader, ",")+"\r\n")) {
		t.Errorf("header line: got %q", first[:min(len(first), 140)])
	}
	if !bytes.Contains(first, []byte(`'=SUM(A1:A2)`)) || !bytes.Contains(first, []byte(`''+quoted`)) || !bytes.Contains(first, []byte(`'-typo`)) {
		t.Errorf("formula cells not neutralised:\n%s", first)
	}
	rows, err := ParseResolutionCSV("t.csv", first)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleRows(), rows, cmpopts.IgnoreFields(ResolutionRow{}, "Row")); diff != "" {
		t.Errorf("parsed rows (-want +got):\n%s", diff)
	}
	if second := writeCSV(t, rows); !bytes.Equal(first, second) {
		t.Errorf("export, import, export is not byte-identical:\n%q\n%q", first, second)
	}
	// A byte order mark, as spreadsheets save "CSV UTF-8", is accepted.
	if _, err := ParseResolutionCSV("bom.csv", append([]byte("\xef\xbb\xbf"), first...)); err != nil {
		t.Errorf("with a BOM: %v", err)
	}
	changes, err := ResolutionChanges("t.csv", sampleRows(), rows)
	if err != nil || len(changes) != 0 {
		t.Errorf("unchanged file: got %v changes, error %v; want none", changes, err)
	}
}

func TestResolutionXLSXRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteResolutionXLSX(&b, sampleRows()); err != nil {
		t.Fatal(err)
	}
	rows, err := ParseResolution("t.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleRows(), rows, cmpopts.IgnoreFields(ResolutionRow{}, "Row")); diff != "" {
		t.Errorf("parsed rows (-want +got):\n%s", diff)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	panes, err := f.GetPanes(resolutionSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes: got %+v (%v), want frozen below row 1", panes, err)
	}
	dvs, err := f.GetDataValidations(resolutionSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	if got := lists["G2"]; !strings.Contains(got, "ge,te,ed") {
		t.Errorf("type list: got %q, want ge,te,ed", got)
	}
	if got := lists["J2"]; !strings.Contains(got, strings.Join(store.DispositionValues, ",")) {
		t.Errorf("disposition list: got %q, want the five slugs", got)
	}
	for cell, wantLocked := range map[string]bool{"A2": true, "H2": true, "J2": false, "K3": false, "L4": false} {
		id, _ := f.GetCellStyle(resolutionSheet, cell)
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		locked := st.Protection == nil || st.Protection.Locked
		if locked != wantLocked {
			t.Errorf("%s locked: got %v, want %v", cell, locked, wantLocked)
		}
		if st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("%s: text not wrapped", cell)
		}
	}
	hid, _ := f.GetCellStyle(resolutionSheet, "A1")
	if st, _ := f.GetStyle(hid); st == nil || st.Font == nil || !st.Font.Bold {
		t.Error("header not bold")
	}
	if w, _ := f.GetColWidth(resolutionSheet, "H"); w < 40 {
		t.Errorf("comment column width: got %v, want a wide column", w)
	}
}

func TestResolutionBadFiles(t *testing.T) {
	current := sampleRows()
	good := string(writeCSV(t, current))
	header := strings.Join(ResolutionHeader, ",") + "\r\n"
	tests := []struct {
		name string
		file string
		want []ResolutionProblem // Row and Column only
	}{
		{"wrong header", "id,group,country\r\n3,industry,KE\r\n", []ResolutionProblem{{Row: 1}}},
		{"empty", "", []ResolutionProblem{{Row: 1}}},
		{"unknown id and disposition", header +
			"99,industry,KE,x,3.2,p4,te,c,,accepted,ok,\r\n" +
			"3,industry,KE,Wanjiru Kamau,3.2,p4,te,\"Devices ship with \"\"admin\"\" passwords,\nwhich is bad.\",,rejected,no,\r\n",
			[]ResolutionProblem{{Row: 3, Column: "disposition"}, {Row: 2, Column: "id"}}},
		{"empty observations", header + "7,civil-society,BR,anonymous,4,p11,ed,'-typo here,,Noted,  ,\r\n",
			[]ResolutionProblem{{Row: 2, Column: "observations"}}},
		{"changed comment", header + "7,civil-society,BR,anonymous,4,p11,ed,a better typo,,noted,ok,\r\n",
			[]ResolutionProblem{{Row: 2, Column: "comment"}}},
		{"bad addressed_in", header + "7,civil-society,BR,anonymous,4,p11,ed,'-typo here,,noted,ok,p4 in v2\r\n",
			[]ResolutionProblem{{Row: 2, Column: "addressed_in"}}},
		{"bad id and columns", header + "x7,a\r\nseven,civil-society,BR,anonymous,4,p11,ed,'-typo here,,,,\r\n",
			[]ResolutionProblem{{Row: 2}, {Row: 3, Column: "id"}}},
		{"disposition taken away", header + "3,industry,KE,Wanjiru Kamau,3.2,p4,te,\"Devices ship with \"\"admin\"\" passwords,\nwhich is bad.\",,,,\r\n",
			[]ResolutionProblem{{Row: 2, Column: "disposition"}}},
		{"duplicate id", good + "12,government,DE,x,,,ge,@all: a general remark,,noted,x,\r\n",
			[]ResolutionProblem{{Row: 5, Column: "id"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckResolution("bad.csv", []byte(tt.file), current)
			var fe *ResolutionError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *ResolutionError", err)
			}
			var got []ResolutionProblem
			for _, p := range fe.Problems {
				got = append(got, ResolutionProblem{Row: p.Row, Column: p.Column})
			}
			sortProblems := func(a, b ResolutionProblem) int { return a.Row - b.Row }
			slices.SortFunc(got, sortProblems)
			slices.SortFunc(tt.want, sortProblems)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nall: %v", diff, fe)
			}
		})
	}
}

func TestResolutionChanges(t *testing.T) {
	current := sampleRows()
	file := sampleRows()
	file[0].Observations = "Agreed; see 3.2.  " // trailing spaces change nothing
	file[0].Comment = strings.ReplaceAll(file[0].Comment, "\n", "  \r\n")
	file[1].Disposition, file[1].Observations, file[1].AddressedIn = "Accepted in part", "Partly.", "2:p11"
	file[2].AddressedIn = "2:p1"
	got, err := ResolutionChanges("f.csv", current, file)
	if err != nil {
		t.Fatal(err)
	}
	want := []ResolutionChange{
		{ID: 7, OldDisposition: "", Disposition: "accepted-in-part", Observations: "Partly.",
			AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"p11"}}},
		{ID: 12, OldDisposition: "noted", Disposition: "noted", OldObservations: "Thanks.\n\nNoted for v3.", Observations: "Thanks.\n\nNoted for v3.",
			AddressedIn: store.Addressed{Version: 2, Paragraphs: []string{"p1"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if got[1].ObservationsChanged() || !got[1].AddressedChanged() {
		t.Errorf("change of 12: observations changed %v, addressed changed %v; want false, true", got[1].ObservationsChanged(), got[1].AddressedChanged())
	}
}

// FuzzParseResolutionCSV feeds the resolution table reader arbitrary
// files: it must never panic, and a file it accepts must export and read
// back to the same rows.
func FuzzParseResolutionCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WriteResolutionCSV(&b, sampleRows()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(strings.Join(ResolutionHeader, ",") + "\r\n1,a,b,c,d,e,ge,\"x\ny\",,noted,ok,2:p1\r\n"))
	f.Add([]byte("\xef\xbb\xbfid\r\n\"unterminated"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows, err := ParseResolutionCSV("fuzz.csv", in)
		if err != nil {
			var fe *ResolutionError
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("error %v is not a *ResolutionError with problems", err)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteResolutionCSV(&out, rows); err != nil {
			t.Fatal(err)
		}
		again, err := ParseResolutionCSV("again.csv", out.Bytes())
		if err != nil {
			t.Fatalf("re-export of an accepted file rejected: %v\n%q", err, out.Bytes())
		}
		if len(again) != len(rows) {
			t.Fatalf("re-export: got %d rows, want %d", len(again), len(rows))
		}
	})
}
