package store_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// FuzzDate: any text given as a date is judged without panicking; a date
// judged valid is a real calendar date in one of the three forms, keeps
// its year, and goes through JSON unchanged.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"", "2020", "2020-06", "2020-06-30", "2020-02-30", "2020-13", "0000-00-00", "99999", "2020-6-1", "२०२०", "2020\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := store.Date(s)
		y := d.Year()
		if !d.Valid() || s == "" {
			return
		}
		layout := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}[len(s)]
		tm, err := time.Parse(layout, s)
		if layout == "" || err != nil || tm.Format(layout) != s {
			t.Fatalf("Date(%q) valid, but it is not a date in the form %q: %v", s, layout, err)
		}
		if y != tm.Year() {
			t.Fatalf("Date(%q).Year() = %d, want %d", s, y, tm.Year())
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back store.Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("Date(%q) through JSON: got %q, %v", s, back, err)
		}
	})
}

// FuzzVersionNumber: a version number from a URL is accepted only as the
// plain decimal form of a whole number from 1 to 1,000,000.
func FuzzVersionNumber(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "+1", "01", "1000000", "1000001", "1e3", " 1", "99999999999999999999", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := store.VersionNumber(s)
		if !ok {
			return
		}
		if n < 1 || n > 1_000_000 {
			t.Fatalf("VersionNumber(%q) = %d, accepted out of range", s, n)
		}
		if back, err := strconv.Atoi(s); err != nil || back != n {
			t.Fatalf("VersionNumber(%q) = %d, but the text reads %d (%v)", s, n, back, err)
		}
	})
}
