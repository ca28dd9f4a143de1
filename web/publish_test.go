package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/dc-isss/accord/store"
)

func TestPublishForm(t *testing.T) {
	e := newEnv(t)
	e.addRecDocument("rec")
	e.reviseRec("rec", 1)
	e.addRecDocument("open")
	e.addConsultation("live", "open", -time.Hour, 24*time.Hour, store.ModerationPost)
	editor := e.signedIn("editor")

	t.Run("who may publish", func(t *testing.T) {
		// A form posted without a session is refused (a GET would be
		// redirected to sign in; a POST has nowhere to go back to).
		if w := publishForm(e.signedIn(""), "rec", "1"); w.Code != http.StatusUnauthorized {
			t.Errorf("anonymous: got %d, want 401", w.Code)
		}
		if w := publishForm(e.signedIn("stakeholder"), "rec", "1"); w.Code != http.StatusForbidden {
			t.Errorf("stakeholder: got %d, want 403", w.Code)
		}
		if w := e.client().get("/outcomes/rec"); w.Code != http.StatusNotFound {
			t.Errorf("after refused attempts: outcome got %d, want 404", w.Code)
		}
	})

	t.Run("the form", func(t *testing.T) {
		d := doc(t, editor.get("/documents/rec"))
		var values []string
		d.Find(`[data-testid="publish-form"] select[name="version"] option`).Each(func(_ int, s *goquery.Selection) {
			values = append(values, s.AttrOr("value", ""))
		})
		if strings.Join(values, ",") != "2,1" {
			t.Errorf("versions offered: got %v, want 2,1 (newest first)", values)
		}
		if sel := d.Find(`select[name="version"] option[selected]`).AttrOr("value", ""); sel != "2" {
			t.Errorf("default: got %q, want the newest, 2", sel)
		}
		if d.Find(`#status-select option[value="published"]`).Length() != 0 {
			t.Errorf("the status form still offers published")
		}
		if doc(t, e.signedIn("stakeholder").get("/documents/rec")).Find(`[data-testid="publish-form"]`).Length() != 0 {
			t.Errorf("a stakeholder sees the publish form")
		}
	})

	// selected is the option chosen on the page that comes back: the
	// version posted when it is a number, else the default.
	refusals := []struct {
		name, slug, version string
		status              int
		message, selected   string
	}{
		{"no such version", "rec", "9", http.StatusUnprocessableEntity, "Choose one of versions 1 and 2", "9"},
		{"not a number", "rec", "two", http.StatusUnprocessableEntity, "Choose the version to publish", "2"},
		{"not a whole number", "rec", "1.5", http.StatusUnprocessableEntity, "Choose the version to publish", "2"},
		{"consultation open", "open", "1", http.StatusConflict, "The consultation Consultation live is open until", "1"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			w := publishForm(editor, tc.slug, tc.version)
			wantStatus(t, "publish", w, tc.status)
			d := doc(t, w)
			summary := d.Find(`[data-testid="error-summary"]`)
			if !strings.Contains(summary.Text(), tc.message) || summary.Find(`a[href="#version"]`).Length() != 1 {
				t.Errorf("error summary: got %q, want %q linking to #version", summary.Text(), tc.message)
			}
			if sel := d.Find(`select[name="version"] option[selected]`).AttrOr("value", ""); sel != tc.selected {
				t.Errorf("kept value: got %q, want %q", sel, tc.selected)
			}
			// A value that is not a version number is not offered as one.
			offered := d.Find(`select[name="version"] option[value="`+tc.version+`"]`).Length() == 1
			if want := tc.selected == tc.version; offered != want {
				t.Errorf("option %q offered: got %v, want %v", tc.version, offered, want)
			}
			if !strings.HasPrefix(d.Find("title").Text(), "Error: ") {
				t.Errorf("title: got %q, want it to start with Error:", d.Find("title").Text())
			}
		})
	}

	t.Run("publish, then again", func(t *testing.T) {
		w := publishForm(editor, "rec", "1")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/outcomes/rec" {
			t.Fatalf("publish: got %d to %q, want 303 to /outcomes/rec", w.Code, w.Header().Get("Location"))
		}
		if flash := doc(t, editor.get("/outcomes/rec")).Find(".flash, [role=status]").Text(); !strings.Contains(flash, "Edition 1 published") {
			t.Errorf("flash: got %q, want Edition 1 published", flash)
		}
		w = publishForm(editor, "rec", "1")
		wantStatus(t, "publish again", w, http.StatusConflict)
		if s := doc(t, w).Find(`[data-testid="error-summary"]`).Text(); !strings.Contains(s, "Version 1 is published already") {
			t.Errorf("publish again: got %q", s)
		}
		w = publishForm(editor, "rec", "9")
		wantStatus(t, "out of range after edition 1", w, http.StatusUnprocessableEntity)
		if s := doc(t, w).Find(`[data-testid="error-summary"]`).Text(); !strings.Contains(s, "Choose version 2") {
			t.Errorf("out of range after edition 1: got %q, want Choose version 2", s)
		}
		d := doc(t, editor.get("/documents/rec"))
		if v := d.Find(`[data-testid="publish-form"] option`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") }); strings.Join(v, ",") != "2" {
			t.Errorf("after edition 1: versions offered got %v, want only 2", v)
		}
		wantStatus(t, "publish 2", publishForm(editor, "rec", "2"), http.StatusSeeOther)
		if doc(t, editor.get("/documents/rec")).Find(`[data-testid="publish-form"]`).Length() != 0 {
			t.Errorf("every version published: the form is still offered")
		}
	})
}
