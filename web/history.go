package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
	"github.com/sergi/go-diff/diffmatchpatch"
)

func (s *Server) history(c echo.Context) error {
	ctx := c.Request().Context()
	slug := c.Param("slug")
	revs, err := s.db.PolicyRevisions(ctx, slug)
	if err != nil {
		return err
	}
	page := views.HistoryPage{Slug: slug, Title: revs[0].Policy.DisplayTitle()}
	_, err = s.db.Policy(ctx, slug)
	switch {
	case err == nil:
		page.Exists = true
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	byRev := map[int]store.Revision{}
	for _, r := range revs {
		byRev[r.Rev] = r
		author := r.Author
		if author == "" {
			author = "system or command line"
		}
		note := r.Note
		switch {
		case note == "" && r.Rev == 1:
			note = "created"
		case note == "":
			note = "saved"
		}
		page.Revisions = append(page.Revisions, views.RevisionRow{Rev: r.Rev, Author: author, Note: note, At: r.At})
	}
	// By default compare the newest revision with the one before it.
	page.To = revs[0].Rev
	if len(revs) > 1 {
		page.From = revs[1].Rev
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &page.From}, {"to", &page.To}} {
		v := c.QueryParam(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if _, ok := byRev[n]; err != nil || !ok {
			return badRequest(p.name, p.name+" must be one of the revision numbers listed")
		}
		*p.dst = n
	}
	if page.From > 0 {
		a, err := revisionText(byRev[page.From].Policy)
		if err != nil {
			return err
		}
		b, err := revisionText(byRev[page.To].Policy)
		if err != nil {
			return err
		}
		page.Diff = lineDiff(a, b)
		page.Same = a == b
	}
	page.Base = s.noindex(c, "History of "+page.Title)
	return s.render(c, http.StatusOK, views.HistoryView(page))
}

// revisionText is a revision as people read it: the policy file format,
// one field per line, provisions and mappings included.
func revisionText(p store.Policy) (string, error) {
	b, err := content.FormatPolicy(p)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// lineDiff compares two texts line by line (whole lines read better than
// scattered characters for structured text), then tidies the result into
// runs people can follow.
func lineDiff(a, b string) []views.DiffPart {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	diffs = dmp.DiffCleanupSemantic(diffs)
	out := make([]views.DiffPart, 0, len(diffs))
	for _, d := range diffs {
		op := "eq"
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "ins"
		case diffmatchpatch.DiffDelete:
			op = "del"
		}
		out = append(out, views.DiffPart{Op: op, Text: d.Text})
	}
	return out
}
