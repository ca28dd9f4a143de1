package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// maxResolutionUpload bounds an uploaded resolution table.
const maxResolutionUpload = content.MaxImportFile

// resolutionComments reads the approved comments of a consultation the
// reader may see, in document order: the rows of the resolution table.
func (s *Server) resolutionComments(c echo.Context) (store.Consultation, store.Document, []store.Comment, error) {
	con, d, err := s.visibleConsultation(c, c.Param("slug"))
	if err != nil {
		return con, d, nil, err
	}
	ms, err := s.db.ResolutionComments(c.Request().Context(), con.Slug)
	return con, d, ms, err
}

// resolutionRows makes the table's rows of the comments.
func resolutionRows(ms []store.Comment) []content.ResolutionRow {
	rows := make([]content.ResolutionRow, len(ms))
	for i, m := range ms {
		rows[i] = content.ResolutionRowOf(m)
	}
	return rows
}

// resolutionFilter reads the table's filters; a value that names nothing
// is a 400 naming the field.
func resolutionFilter(c echo.Context, v store.Version) (views.Form, error) {
	f := views.NewForm("group", "disposition", "type", "section")
	for _, name := range f.Order {
		if x := strings.TrimSpace(c.QueryParam(name)); x != "" {
			f.Set(name, x)
		}
	}
	if g := f.Get("group"); g != "" && !slices.Contains(store.StakeholderGroups, g) {
		return f, badRequest("group", "group must be one of "+strings.Join(store.StakeholderGroups, ", "))
	}
	if d := f.Get("disposition"); d != "" && d != "none" && !slices.Contains(store.DispositionValues, d) {
		return f, badRequest("disposition", "disposition must be none or one of "+strings.Join(store.DispositionValues, ", "))
	}
	if t := f.Get("type"); t != "" && !slices.Contains(store.CommentTypes, t) {
		return f, badRequest("type", "type must be one of "+strings.Join(store.CommentTypes, ", "))
	}
	if sec := f.Get("section"); sec != "" && !slices.ContainsFunc(v.Paragraphs, func(p store.Paragraph) bool { return p.Section == sec }) {
		return f, badRequest("section", "section must be a section of the consulted version, such as 3.2")
	}
	return f, nil
}

// keeps reports whether comment m passes the filters.
func keeps(f views.Form, m store.Comment) bool {
	disp := "none"
	if m.Disposition != nil {
		disp = m.Disposition.Value
	}
	sec := f.Get("section")
	return (f.Get("group") == "" || m.Author.Group == f.Get("group")) &&
		(f.Get("disposition") == "" || disp == f.Get("disposition")) &&
		(f.Get("type") == "" || m.Type == f.Get("type")) &&
		(sec == "" || m.Section == sec || strings.HasPrefix(m.Section, sec+"."))
}

// resolutionPage answers /consultations/{slug}/resolution: every approved
// comment with its disposition, the totals, filters and downloads.
// Dispositions and approved comments are public, so the table is too; it
// is not page-cached, since it changes with each disposition.
func (s *Server) resolutionPage(c echo.Context) error {
	ctx := c.Request().Context()
	con, d, ms, err := s.resolutionComments(c)
	if err != nil {
		return err
	}
	v, err := s.db.Version(ctx, con.Document, con.Version)
	if err != nil {
		return err
	}
	f, err := resolutionFilter(c, v)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	u := userFrom(c)
	page := views.ResolutionPage{Base: s.base(c, "Resolution table: "+con.Title), C: consultationHead(con, s.now()),
		Filters: f, Filtered: len(f.Values) > 0, Grouped: c.QueryParam("grouped") == "1", Total: len(ms),
		CanImport: u.HasRole("editor")}
	page.Description = "The working group's disposition of every published comment on " + con.DocumentTitle + "."
	q := c.QueryParams()
	q.Set("grouped", "1")
	page.GroupedURL = views.ResolutionURL(con.Slug) + "?" + q.Encode()
	q.Del("grouped")
	page.UngroupedURL = views.ResolutionURL(con.Slug)
	if len(q) > 0 {
		page.UngroupedURL += "?" + q.Encode()
	}
	page.Groups = withBlank("Any stakeholder group", choices(store.StakeholderGroups))
	page.Dispositions = []views.Choice{{Value: "", Label: "Any disposition"}, {Value: "none", Label: "No disposition yet"}}
	for _, dv := range store.DispositionValues {
		page.Dispositions = append(page.Dispositions, views.Choice{Value: dv, Label: store.DispositionLabel(dv)})
	}
	page.Types = []views.Choice{{Value: "", Label: "Any type"}}
	for _, t := range store.CommentTypes {
		page.Types = append(page.Types, views.Choice{Value: t, Label: strings.ToUpper(t[:1]) + t[1:]})
	}
	page.Sections = []views.Choice{{Value: "", Label: "Any section"}}
	for _, p := range v.Paragraphs {
		if p.Kind == "heading" && p.Section != "0" {
			page.Sections = append(page.Sections, views.Choice{Value: p.Section, Label: sectionLabel(p)})
		}
	}

	// Totals are of the whole table, whatever the filters.
	byDisp, byGroup := map[string]int{}, map[string]int{}
	for _, m := range ms {
		disp := ""
		if m.Disposition != nil {
			disp = m.Disposition.Value
		}
		byDisp[disp]++
		byGroup[m.Author.Group]++
	}
	for _, dv := range store.DispositionValues {
		page.ByDisposition = append(page.ByDisposition, views.TotalVM{Label: store.DispositionLabel(dv), Count: byDisp[dv]})
	}
	page.ByDisposition = append(page.ByDisposition, views.TotalVM{Label: "No disposition yet", Count: byDisp[""]},
		views.TotalVM{Label: "All comments", Count: len(ms)})
	for _, g := range store.StakeholderGroups {
		page.ByGroup = append(page.ByGroup, views.TotalVM{Label: l.value("stakeholder-group", g), Count: byGroup[g]})
	}
	page.ByGroup = append(page.ByGroup, views.TotalVM{Label: "All comments", Count: len(ms)})

	versions := map[int]store.Version{}
	groupRow := map[int64]int{} // campaign group -> index of its row
	for _, m := range ms {
		if !keeps(f, m) {
			continue
		}
		page.Shown++
		if page.Grouped && m.GroupID != 0 {
			if i, ok := groupRow[m.GroupID]; ok {
				page.Rows[i].Similar++
				continue
			}
			groupRow[m.GroupID] = len(page.Rows)
		}
		row, err := s.resolutionRowVM(c, l, d, m, versions)
		if err != nil {
			return err
		}
		page.Rows = append(page.Rows, row)
	}
	return s.render(c, http.StatusOK, views.ResolutionView(page))
}

// resolutionRowVM shapes one comment for the table. The addressed-in
// paragraphs link to their redline when the reader may see both versions.
func (s *Server) resolutionRowVM(c echo.Context, l *labels, d store.Document, m store.Comment, versions map[int]store.Version) (views.ResolutionRowVM, error) {
	r := content.ResolutionRowOf(m)
	vm := views.ResolutionRowVM{ID: m.ID, Group: l.value("stakeholder-group", m.Author.Group), Country: l.value("jurisdiction", m.Author.Country),
		Commenter: r.Commenter, Section: m.Section, Label: m.Target(), Type: store.Label(m.Type),
		// Sanitised with the comment policy when it was written, as every
		// comment card shows it; sanitising 10,000 again per request was
		// most of the page's time.
		CommentHTML: template.HTML(m.BodyHTML), Proposed: m.Proposed}
	if m.Paragraph != "" {
		vm.ParagraphHref = views.ParagraphURL(m.Consultation, m.Paragraph)
	}
	if m.Disposition == nil {
		return vm, nil
	}
	disp := m.Disposition
	vm.Disposition, vm.DispositionSlug = store.DispositionLabel(disp.Value), disp.Value
	vm.RationaleHTML = template.HTML(disp.RationaleHTML)
	a := disp.AddressedIn
	if a.Version == 0 {
		return vm, nil
	}
	u := userFrom(c)
	if !d.VersionVisibleTo(u, a.Version) || !d.VersionVisibleTo(u, m.Version) {
		vm.AddressedNote = fmt.Sprintf("version %d (not yet public)", a.Version)
		return vm, nil
	}
	v, ok := versions[a.Version]
	if !ok {
		var err error
		if v, err = s.db.Version(c.Request().Context(), d.Slug, a.Version); err != nil {
			return vm, err
		}
		versions[a.Version] = v
	}
	labels := map[string]string{}
	for _, p := range v.Paragraphs {
		labels[p.ID] = p.Label()
	}
	for _, pid := range a.Paragraphs {
		label := labels[pid]
		if label == "" {
			label = pid
		}
		vm.Addressed = append(vm.Addressed, views.AddressedLink{Label: fmt.Sprintf("version %d, %s", a.Version, label),
			Href: views.DiffURL(d.Slug, m.Version, a.Version) + "#r-" + pid})
	}
	return vm, nil
}

// resolutionCSV answers /consultations/{slug}/resolution.csv: one row per
// approved comment, whatever the grouping.
func (s *Server) resolutionCSV(c echo.Context) error {
	con, _, ms, err := s.resolutionComments(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := content.WriteResolutionCSV(&b, resolutionRows(ms)); err != nil {
		return err
	}
	attachment(c, "text/csv; charset=utf-8; header=present", con.Slug+"-resolution.csv")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8; header=present", b.Bytes())
}

// resolutionXLSX answers /consultations/{slug}/resolution.xlsx.
func (s *Server) resolutionXLSX(c echo.Context) error {
	con, _, ms, err := s.resolutionComments(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := content.WriteResolutionXLSX(&b, resolutionRows(ms)); err != nil {
		return err
	}
	const ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	attachment(c, ctype, con.Slug+"-resolution.xlsx")
	return c.Blob(http.StatusOK, ctype, b.Bytes())
}

// importPageFor is the import page of a consultation with an empty form.
func (s *Server) importPageFor(c echo.Context, con store.Consultation) views.ResolutionImportPage {
	return views.ResolutionImportPage{Base: s.noindex(c, "Import a resolution table: "+con.Title),
		C: consultationHead(con, s.now()), Form: views.NewForm("file"), MaxMB: maxResolutionUpload >> 20}
}

// resolutionImportPage is the editors' upload form.
func (s *Server) resolutionImportPage(c echo.Context) error {
	con, _, err := s.visibleConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ResolutionImportView(s.importPageFor(c, con)))
}

// resolutionImportUpload checks an uploaded table. A table with any
// problem is a 422 listing them all, and nothing is kept; a good one is
// staged for an hour and its changes previewed.
func (s *Server) resolutionImportUpload(c echo.Context) error {
	con, _, err := s.visibleConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	if c.Request().ContentLength > maxResolutionUpload+64<<10 {
		return tooLarge(maxResolutionUpload)
	}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxResolutionUpload+64<<10)
	page := s.importPageFor(c, con)
	fh, err := c.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		page.Form.Errors["file"] = "Choose the filled table, a .csv or .xlsx file"
		return s.render(c, unprocessable, views.ResolutionImportView(page))
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || (fh != nil && fh.Size > maxResolutionUpload) {
		return tooLarge(maxResolutionUpload)
	}
	if err != nil {
		return badRequest("file", "The upload could not be read; choose the file again.")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxResolutionUpload+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	ctx := actorCtx(c)
	page.File = fh.Filename
	changes, basedOn, err := content.PrepareResolution(ctx, s.db, s.md, con.Slug, fh.Filename, b)
	var re *content.ResolutionError
	if errors.As(err, &re) {
		for _, p := range re.Problems {
			page.Problems = append(page.Problems, views.ResolutionProblemVM{Row: p.Row, Column: p.Column, Message: p.Message})
		}
		return s.render(c, unprocessable, views.ResolutionImportView(page))
	}
	if err != nil {
		return err
	}
	page.Checked = true
	if len(changes) > 0 {
		js, err := json.Marshal(changes)
		if err != nil {
			return fmt.Errorf("stage import: %w", err)
		}
		if page.Token, err = s.db.StageImport(ctx, con.Slug, fh.Filename, js, basedOn); err != nil {
			return err
		}
	}
	for _, ch := range changes {
		page.Changes = append(page.Changes, changeVM(con.Slug, ch))
	}
	return s.render(c, http.StatusOK, views.ResolutionImportView(page))
}

func changeVM(slug string, ch content.ResolutionChange) views.ResolutionChangeVM {
	return views.ResolutionChangeVM{ID: ch.ID, Href: views.CommentURL(slug, ch.ID),
		From: store.DispositionLabel(ch.OldDisposition), To: store.DispositionLabel(ch.Disposition),
		RationaleChanged: ch.ObservationsChanged(), Rationale: ch.Observations,
		AddressedChanged: ch.AddressedChanged(), OldAddressed: ch.OldAddressedIn, NewAddressed: ch.AddressedIn.String()}
}

// staleImport is the answer to a stage that can no longer be applied:
// expired, or older than the newest disposition.
func staleImport(err error) *Error {
	return &Error{Status: http.StatusConflict, Code: "stale_import",
		Message: "This table can no longer be applied: it expired after an hour, or comments or their dispositions changed after it was checked. " +
			"Download the table again, fill it in and import it again; nothing was changed.", Err: err}
}

// resolutionImportApply applies a staged table in one transaction and
// goes back to the table.
func (s *Server) resolutionImportApply(c echo.Context) error {
	con, _, err := s.visibleConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	ctx := actorCtx(c)
	st, err := s.db.StagedImport(ctx, c.Param("token"))
	if errors.Is(err, store.ErrNotFound) {
		return staleImport(err)
	}
	if err != nil {
		return err
	}
	if st.Consultation != con.Slug {
		return fmt.Errorf("staged import of %s: %w", st.Consultation, store.ErrNotFound)
	}
	var changes []content.ResolutionChange
	if err := json.Unmarshal(st.Changes, &changes); err != nil {
		return fmt.Errorf("read staged import: %w", err)
	}
	if _, err := s.db.ApplyResolution(ctx, con.Slug, content.StoreChanges(s.md, changes), st.BasedOn, s.dispositionNotifier()); err != nil {
		return err // ErrStaleImport is a 409 stale_import
	}
	if err := s.db.DeleteStagedImport(ctx, st.Token); err != nil {
		return err
	}
	return s.redirectFlash(c, views.ResolutionURL(con.Slug), "resolution-applied")
}
