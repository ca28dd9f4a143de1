package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// TestCommentSizeLimits: a comment body over the limit is refused before
// anything renders it, and a request body over 64 KB before anything
// reads it.
func TestCommentSizeLimits(t *testing.T) {
	ce := newConsultEnv(t)
	ce.consultation(t, store.ModerationPost)
	ce.advance(48 * time.Hour)
	tests := []struct {
		name   string
		body   string
		status int
	}{
		// Pathological Markdown that would take long to render, at the
		// character limit plus one.
		{"over 10,000 characters", `{"paragraph":"p2","body":"` + strings.Repeat("[a](", 2501) + `"}`, http.StatusUnprocessableEntity},
		{"over 64 KB", `{"paragraph":"p2","body":"` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := ce.alice.json("POST", "/api/v1/consultations/round-1/comments", tt.body)
			wantStatus(t, tt.name, w, tt.status)
			if ce.stored(t) != 0 {
				t.Errorf("a refused comment was stored")
			}
		})
	}
	// The limit is per route: a larger policy import still goes through.
	w := ce.editor.json("POST", "/api/v1/consultations", `{"slug":"x","title":"`+strings.Repeat("y", 70<<10)+`"}`)
	if w.Code == http.StatusRequestEntityTooLarge {
		t.Errorf("the comment limit applied to another route")
	}
}
