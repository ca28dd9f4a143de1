package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// drafts is the one path by which documents are written.
func (s *Server) drafts() content.Drafts {
	return content.Drafts{DB: s.db, MD: s.md, Framework: s.fwSlug}
}

// visibleDocument reads a document the reader may see; any other is
// ErrNotFound, so that a draft's existence does not leak.
func (s *Server) visibleDocument(c echo.Context, slug string) (store.Document, error) {
	d, err := s.db.Document(c.Request().Context(), slug)
	if err != nil {
		return store.Document{}, err
	}
	if !d.VisibleTo(userFrom(c)) {
		return store.Document{}, fmt.Errorf("document %s: %w", slug, store.ErrNotFound)
	}
	return d, nil
}

// versionParam reads a version number from the URL or query; a malformed
// one is a 404 in a path and a 400 in a query.
func versionParam(c echo.Context, name string, inPath bool) (int, error) {
	v := c.Param(name)
	if !inPath {
		v = c.QueryParam(name)
	}
	n, ok := store.VersionNumber(v)
	if ok {
		return n, nil
	}
	if inPath {
		return 0, echo.ErrNotFound
	}
	return 0, badRequest(name, name+" must be a version number, such as 1")
}

func (s *Server) documents(c echo.Context) error {
	u := userFrom(c)
	drafts := u.HasRole("editor")
	list, err := s.db.Documents(c.Request().Context(), !drafts)
	if err != nil {
		return err
	}
	page := views.DocumentsPage{Base: s.base(c, "Documents"), ShowsDrafts: drafts}
	page.Description = "Recommendation documents of the working group, with versions, citations and redlines."
	for _, d := range list {
		page.Rows = append(page.Rows, views.DocumentRow{Slug: d.Slug, Title: d.Title, Summary: d.Summary, Status: d.Status,
			Latest: d.LatestVisible(u), Updated: d.UpdatedAt.Format("2 January 2006")})
	}
	return s.render(c, http.StatusOK, views.DocumentsView(page))
}

// formFields is the order of a document form's fields, for the error
// summary.
var formFields = []string{"slug", "title", "summary", "body", "note", "base"}

func fieldErrors(fields map[string]string) []views.FieldError {
	var out []views.FieldError
	for _, f := range formFields {
		if m, ok := fields[f]; ok {
			out = append(out, views.FieldError{Field: f, Message: m})
		}
	}
	for f, m := range fields {
		if !slices.Contains(formFields, f) {
			out = append(out, views.FieldError{Field: "body", Message: m})
		}
	}
	return out
}

// renderForm shows a document form again: after a preview, or with the
// problems that stopped a save (a 422 keeps what was typed).
func (s *Server) renderForm(c echo.Context, f views.DocumentForm, status int, err error) error {
	var ve *store.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		f.Errors = fieldErrors(ve.Fields)
		status = http.StatusUnprocessableEntity
	case errors.Is(err, store.ErrConflict):
		f.Errors = []views.FieldError{{Field: "body", Message: "Someone saved a new version while you were editing. " +
			"Your text is kept below: open the document in another tab, compare, and save again from the newest version."}}
		status = http.StatusConflict
	default:
		return err
	}
	return s.render(c, status, views.DocumentFormView(f))
}

func (s *Server) newDocument(c echo.Context) error {
	f := views.DocumentForm{Base: s.base(c, "New document"), New: true}
	f.NoIndex = true
	return s.render(c, http.StatusOK, views.DocumentFormView(f))
}

func (s *Server) createDocument(c echo.Context) error {
	ctx := actorCtx(c)
	f := views.DocumentForm{Base: s.base(c, "New document"), New: true,
		Slug: strings.TrimSpace(c.FormValue("slug")), Title: strings.TrimSpace(c.FormValue("title")),
		Summary: c.FormValue("summary"), Body: c.FormValue("body"), Note: c.FormValue("note")}
	f.NoIndex = true
	if c.FormValue("action") == "preview" {
		return s.preview(c, ctx, f, "")
	}
	d, err := s.drafts().Create(ctx, store.Document{Slug: f.Slug, Title: f.Title, Summary: f.Summary}, f.Body, f.Note)
	if err != nil {
		return s.renderForm(c, f, http.StatusOK, err)
	}
	return c.Redirect(http.StatusSeeOther, views.DocumentURL(d.Slug))
}

// preview renders the body without saving: the form comes back with the
// rendering and, if a citation does not resolve, the problem (422).
func (s *Server) preview(c echo.Context, ctx context.Context, f views.DocumentForm, slug string) error {
	comp, err := s.drafts().Preview(ctx, slug, f.Body)
	var ve *store.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	f.Preview = &views.DocumentPreview{HTML: comp.HTML, Blocks: len(comp.Blocks)}
	return s.renderForm(c, f, http.StatusOK, err)
}

func (s *Server) editDocument(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	f := views.DocumentForm{Base: s.base(c, "Edit "+d.Title), Slug: d.Slug, Title: d.Title, BaseVersion: d.Latest}
	f.NoIndex = true
	if d.Latest > 0 {
		v, err := s.db.Version(ctx, d.Slug, d.Latest)
		if err != nil {
			return err
		}
		f.Body = v.Source
	}
	return s.render(c, http.StatusOK, views.DocumentFormView(f))
}

func (s *Server) reviseDocument(c echo.Context) error {
	ctx := actorCtx(c)
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(c.FormValue("base"))
	f := views.DocumentForm{Base: s.base(c, "Edit "+d.Title), Slug: d.Slug, Title: d.Title, BaseVersion: base,
		Body: c.FormValue("body"), Note: c.FormValue("note")}
	f.NoIndex = true
	if c.FormValue("action") == "preview" {
		return s.preview(c, ctx, f, d.Slug)
	}
	v, err := s.drafts().Revise(ctx, d.Slug, base, f.Body, f.Note)
	if err != nil {
		return s.renderForm(c, f, http.StatusOK, err)
	}
	return c.Redirect(http.StatusSeeOther, views.VersionURL(d.Slug, v.Number))
}

func (s *Server) documentStatus(c echo.Context) error {
	ctx := actorCtx(c)
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	if err := s.db.SetDocumentStatus(ctx, d.Slug, c.FormValue("status")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, views.DocumentURL(d.Slug))
}

func (s *Server) document(c echo.Context) error {
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	n := d.LatestVisible(userFrom(c))
	if n == 0 {
		return fmt.Errorf("document %s has no version: %w", d.Slug, store.ErrNotFound)
	}
	return s.renderVersion(c, d, n)
}

func (s *Server) documentVersion(c echo.Context) error {
	d, n, err := s.visibleVersion(c)
	if err != nil {
		return err
	}
	return s.renderVersion(c, d, n)
}

// visibleVersion is the document and version number the path names, when
// the reader may see that version; otherwise ErrNotFound.
func (s *Server) visibleVersion(c echo.Context) (store.Document, int, error) {
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return store.Document{}, 0, err
	}
	n, err := versionParam(c, "n", true)
	if err != nil {
		return store.Document{}, 0, err
	}
	if !d.VersionVisibleTo(userFrom(c), n) {
		return store.Document{}, 0, fmt.Errorf("version %d of %s: %w", n, d.Slug, store.ErrNotFound)
	}
	return d, n, nil
}

// tocMinSections is how many numbered headings (sections and
// subsections) make a document long enough for a table of contents: below
// it, the reader sees the whole outline on the first screen or two.
const tocMinSections = 6

// tableOfContents lists the numbered section headings of v, each linked to
// its paragraph anchor, when there are at least tocMinSections of them.
func tableOfContents(v store.Version) []views.TOCEntry {
	var toc []views.TOCEntry
	for _, p := range v.Paragraphs {
		if p.Kind != "heading" || p.Section == "0" || p.Section == "notes" {
			continue
		}
		toc = append(toc, views.TOCEntry{Section: p.Section, Title: html.UnescapeString(p.Text), Anchor: "p-" + p.ID,
			Depth: strings.Count(p.Section, ".") + 1})
	}
	if len(toc) < tocMinSections {
		return nil
	}
	return toc
}

func head(d store.Document) views.DocumentHead {
	return views.DocumentHead{Slug: d.Slug, Title: d.Title, Summary: d.Summary, Status: d.Status, Owners: d.Owners, CreatedBy: d.CreatedBy}
}

func (s *Server) renderVersion(c echo.Context, d store.Document, n int) error {
	page, err := s.versionPage(c, d, n)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.DocumentView(page))
}

// versionPage is the page of version n of d, with the publishing form for
// editors (publish.go fills it).
func (s *Server) versionPage(c echo.Context, d store.Document, n int) (views.DocumentPage, error) {
	ctx := c.Request().Context()
	u := userFrom(c)
	v, err := s.db.Version(ctx, d.Slug, n)
	if err != nil {
		return views.DocumentPage{}, err
	}
	latest := d.LatestVisible(u)
	page := views.DocumentPage{Base: s.base(c, d.Title), Doc: head(d), Number: v.Number, Latest: n == latest,
		Author: v.Author, Note: v.Note, Date: v.CreatedAt.Format("2 January 2006"), Public: v.Published,
		HTML: s.md.Sanitize(v.HTML), Paragraph: len(v.Paragraphs), CanEdit: u.HasRole("editor")}
	if n != latest {
		page.Title = fmt.Sprintf("%s, version %d", d.Title, n)
	}
	page.Description = d.Summary
	page.NoIndex = d.Status != store.StatusPublished
	page.TOC = tableOfContents(v)
	// Oldest first, so that each row knows the visible version before it;
	// shown newest first.
	prev := 0
	for _, vi := range d.Versions {
		if !d.VersionVisibleTo(u, vi.Number) {
			continue
		}
		page.Versions = append(page.Versions, views.VersionRow{Number: vi.Number, Author: vi.Author, Note: vi.Note,
			Date: vi.CreatedAt.Format("2 January 2006"), Published: vi.Published, Current: vi.Number == n, Previous: prev})
		if vi.Number == n {
			page.Previous = prev
		}
		prev = vi.Number
	}
	slices.Reverse(page.Versions)
	if page.CanEdit {
		page.NewConsultation = views.NewConsultationURL(d.Slug, n)
		// The moves are those of the status members set: the derived one
		// (consultation, review) would offer moves the store refuses.
		for _, st := range store.NextStatuses(d.StoredStatus()) {
			// A document is in consultation while one of its
			// consultations is open: that status is derived, not chosen.
			// Publishing goes through the publishing form, which says
			// which version becomes which edition.
			if st == store.StatusConsultation || st == store.StatusPublished {
				continue
			}
			page.Statuses = append(page.Statuses, views.Option{Value: st, Label: views.StatusLabel(st)})
		}
	}
	if err := s.publishing(c, &page, d); err != nil {
		return views.DocumentPage{}, err
	}
	if err := s.traceability(ctx, &page, v); err != nil {
		return views.DocumentPage{}, err
	}
	if page.Consultation, err = s.consultationNotice(c, d); err != nil {
		return views.DocumentPage{}, err
	}
	return page, nil
}

// traceability lists what a version cites and which research questions
// and challenges of the lead framework it does not address yet. An item
// counts as addressed when it or one of its sub-items is cited.
func (s *Server) traceability(ctx context.Context, page *views.DocumentPage, v store.Version) error {
	byPolicy := map[string]int{}
	cited := map[string]bool{}
	for _, ct := range v.Citations {
		switch ct.Kind {
		case "policy":
			i, ok := byPolicy[ct.Target]
			if !ok {
				p, err := s.db.Policy(ctx, ct.Target)
				title := ct.Target
				switch {
				case err == nil:
					title = p.DisplayTitle()
				case !errors.Is(err, store.ErrNotFound):
					return err
				}
				i = len(page.Cited)
				byPolicy[ct.Target] = i
				page.Cited = append(page.Cited, views.CitedPolicy{Slug: ct.Target, Title: title})
			}
			cp := &page.Cited[i]
			cp.Count++
			if ct.Ref != "" && !slices.Contains(cp.Provisions, ct.Ref) {
				cp.Provisions = append(cp.Provisions, ct.Ref)
			}
		case "item":
			if ct.Framework == s.fwSlug {
				cited[ct.Target] = true
			}
		}
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	var addressed func(it *store.Item) bool
	addressed = func(it *store.Item) bool {
		if cited[it.Code] {
			return true
		}
		for _, ch := range it.Children {
			if addressed(ch) {
				return true
			}
		}
		return false
	}
	l.framework.Walk(func(it *store.Item) {
		ref := views.ItemRef{Framework: s.fwSlug, Code: it.Code, Title: it.Title}
		if addressed(it) {
			page.Addressed = append(page.Addressed, ref)
		} else {
			page.Missing = append(page.Missing, ref)
		}
	})
	return nil
}

func (s *Server) documentDiff(c echo.Context) error {
	ctx := c.Request().Context()
	u := userFrom(c)
	d, err := s.visibleDocument(c, c.Param("slug"))
	if err != nil {
		return err
	}
	var visible []int
	for _, vi := range d.Versions {
		if d.VersionVisibleTo(u, vi.Number) {
			visible = append(visible, vi.Number)
		}
	}
	to := d.LatestVisible(u)
	if c.QueryParam("to") != "" {
		if to, err = versionParam(c, "to", false); err != nil {
			return err
		}
	}
	from := 0
	for _, n := range visible {
		if n < to {
			from = n
		}
	}
	if c.QueryParam("from") != "" {
		if from, err = versionParam(c, "from", false); err != nil {
			return err
		}
	}
	if from == 0 || !d.VersionVisibleTo(u, from) || !d.VersionVisibleTo(u, to) {
		return fmt.Errorf("compare versions %d and %d of %s: %w", from, to, d.Slug, store.ErrNotFound)
	}
	a, err := s.db.Version(ctx, d.Slug, from)
	if err != nil {
		return err
	}
	b, err := s.db.Version(ctx, d.Slug, to)
	if err != nil {
		return err
	}
	// The redline shows citations as the text does, by their labels.
	if a, err = content.LabelCitations(ctx, a, s.db); err != nil {
		return fmt.Errorf("version %d of %s: %w", from, d.Slug, err)
	}
	if b, err = content.LabelCitations(ctx, b, s.db); err != nil {
		return fmt.Errorf("version %d of %s: %w", to, d.Slug, err)
	}
	page := views.DiffPage{Base: s.base(c, fmt.Sprintf("Changes from version %d to %d of %s", from, to, d.Title)),
		Doc: head(d), Red: content.Diff(a, b), Versions: visible}
	page.NoIndex = true
	return s.render(c, http.StatusOK, views.DiffView(page))
}

// consultationNotice is the newest consultation on d the reader may see,
// nil when there is none.
func (s *Server) consultationNotice(c echo.Context, d store.Document) (*views.ConsultationNotice, error) {
	list, err := s.db.Consultations(c.Request().Context(), d.Slug)
	if err != nil {
		return nil, err
	}
	u, now := userFrom(c), s.now()
	for _, con := range list {
		if !consultationVisibleTo(u, d, con) {
			continue
		}
		n := &views.ConsultationNotice{Slug: con.Slug, Title: con.Title, State: con.State(now), Version: con.Version}
		loc := con.Location()
		switch n.State {
		case store.ConsultationOpen:
			n.When = "Open for comments until " + whenText(con.ClosesAt, loc) + "."
		case store.ConsultationUpcoming:
			n.When = "Opens for comments " + whenText(con.OpensAt, loc) + "."
		default:
			n.When = "Closed " + whenText(con.ClosesAt, loc) + "."
		}
		return n, nil
	}
	return nil, nil
}
