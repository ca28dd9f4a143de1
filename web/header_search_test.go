package web_test

import (
	"net/http"
	"testing"
)

// TestHeaderSearch: the header's box says no more than it does ("Search":
// it finds policies, provisions and documents) while its label says it
// all; on /search, whose own form is the search, the header has none.
func TestHeaderSearch(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	d := doc(t, c.get("/policies"))
	box := d.Find(`header input#site-q`)
	if got := box.AttrOr("placeholder", ""); got != "Search" {
		t.Errorf("header placeholder %q, want %q", got, "Search")
	}
	if got := d.Find(`label[for="site-q"]`).Text(); got != "Search policies, provisions and documents" {
		t.Errorf("header label %q", got)
	}
	w := c.get("/search")
	wantStatus(t, "/search", w, http.StatusOK)
	d = doc(t, w)
	if n := d.Find(`#site-q`).Length(); n != 0 {
		t.Errorf("/search shows the header search box as well as its own")
	}
	if n := d.Find(`input[type="search"]`).Length(); n != 1 {
		t.Errorf("/search has %d search boxes, want 1", n)
	}
}
