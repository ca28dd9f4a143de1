package web

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// Consultation pages: the list, a consultation's page with the consulted
// text, its approved comments with the heat table, a comment's permalink,
// and the editors' form that opens or changes a consultation.

// consultationVisibleTo reports whether a reader may see a consultation:
// editors always; everyone else once the consulted version is public to
// them (from the opening, or earlier if that version was published).
func consultationVisibleTo(u *store.User, d store.Document, c store.Consultation) bool {
	return u.HasRole("editor") || d.VersionVisibleTo(u, c.Version)
}

// visibleConsultation reads a consultation and its document when the
// reader may see it; any other is ErrNotFound, so that an upcoming
// consultation on a draft does not leak.
func (s *Server) visibleConsultation(c echo.Context, slug string) (store.Consultation, store.Document, error) {
	ctx := c.Request().Context()
	con, err := s.db.Consultation(ctx, slug)
	if err != nil {
		return store.Consultation{}, store.Document{}, err
	}
	d, err := s.db.Document(ctx, con.Document)
	if err != nil {
		return store.Consultation{}, store.Document{}, err
	}
	if !consultationVisibleTo(userFrom(c), d, con) {
		return store.Consultation{}, store.Document{}, fmt.Errorf("consultation %s: %w", slug, store.ErrNotFound)
	}
	return con, d, nil
}

func consultationHead(con store.Consultation, now time.Time) views.ConsultationHead {
	return views.ConsultationHead{Slug: con.Slug, Title: con.Title, State: con.State(now), DocumentSlug: con.Document,
		DocumentTitle: con.DocumentTitle, Version: con.Version}
}

// whenText says an instant in the consultation's zone and in UTC:
// "31 January 2027, 23:59 CET (22:59 UTC)".
func whenText(t time.Time, loc *time.Location) string {
	local := t.In(loc)
	out := local.Format("2 January 2006, 15:04 MST")
	if loc == time.UTC {
		return out
	}
	u := t.UTC()
	if u.Format("2006-01-02") == local.Format("2006-01-02") {
		return out + " (" + u.Format("15:04") + " UTC)"
	}
	return out + " (" + u.Format("2 January 2006, 15:04") + " UTC)"
}

// span says a duration in days, or hours, or minutes when shorter.
func span(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return views.Plural(int(d/(24*time.Hour)), "day", "days")
	case d >= time.Hour:
		return views.Plural(int(d/time.Hour), "hour", "hours")
	}
	return views.Plural(max(1, int(math.Ceil(d.Minutes()))), "minute", "minutes")
}

// timeLeft says how long an open consultation stays open.
func timeLeft(con store.Consultation, now time.Time) string {
	return span(con.ClosesAt.Sub(now)) + " left"
}

// consultations lists the consultations the reader may see: open ones
// first (closing soonest first), then upcoming (opening soonest first),
// then closed (most recently closed first).
func (s *Server) consultations(c echo.Context) error {
	ctx := c.Request().Context()
	u := userFrom(c)
	now := s.now()
	list, err := s.db.Consultations(ctx, "")
	if err != nil {
		return err
	}
	docs := map[string]store.Document{}
	page := views.ConsultationsPage{Base: s.base(c, "Consultations"), CanOpen: u.HasRole("editor")}
	page.Description = "Public consultations of the working group on its draft recommendations: comment paragraph by paragraph."
	for _, con := range list {
		d, ok := docs[con.Document]
		if !ok {
			if d, err = s.db.Document(ctx, con.Document); err != nil {
				return err
			}
			docs[con.Document] = d
		}
		textPublic := consultationVisibleTo(u, d, con)
		// An upcoming consultation is announced (title and dates) before
		// its text is public.
		if !textPublic && con.State(now) != store.ConsultationUpcoming {
			continue
		}
		loc := con.Location()
		row := views.ConsultationRow{Slug: con.Slug, Title: con.Title, DocumentSlug: con.Document, DocumentTitle: con.DocumentTitle,
			Version: con.Version, State: con.State(now), TextPublic: textPublic, Approved: con.Counts.Approved,
			Paragraphs: con.Counts.ParagraphsCommented}
		switch row.State {
		case store.ConsultationOpen:
			row.When = timeLeft(con, now) + " (closes " + con.ClosesAt.In(loc).Format("2 January 2006") + ")"
			page.Open = append(page.Open, row)
		case store.ConsultationUpcoming:
			row.When = "Opens " + con.OpensAt.In(loc).Format("2 January 2006")
			page.Upcoming = append(page.Upcoming, row)
		default:
			row.When = "Closed " + con.ClosesAt.In(loc).Format("2 January 2006")
			page.Closed = append(page.Closed, row)
		}
	}
	// The store lists by opening, newest first; readers want what closes
	// or opens next first.
	slices.Reverse(page.Open)
	slices.Reverse(page.Upcoming)
	return s.render(c, http.StatusOK, views.ConsultationsView(page))
}

// consultationFields are the fields of the consultation form in page
// order, for the error summary.
var consultationFields = []string{"slug", "title", "document", "version", "opens_at", "closes_at", "timezone",
	"introduction", "question_text", "question_section", "moderation"}

// questionRows is how many guiding questions the form offers at least.
const questionRows = 10

// datetimeLocal is the value format of a datetime-local input.
const datetimeLocal = "2006-01-02T15:04"

// parseLocal reads a datetime-local value in loc; seconds are accepted.
func parseLocal(v string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{datetimeLocal, datetimeLocal + ":05"} {
		t, err := time.ParseInLocation(layout, v, loc)
		if err != nil {
			continue
		}
		// A time the clocks skip in that zone (02:30 on the night summer
		// time starts) would be silently moved an hour: refuse it.
		if t.In(loc).Format(layout) != v {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}

// documentChoices lists every document by title, for the form.
func (s *Server) documentChoices(c echo.Context) ([]views.Choice, map[string]store.Document, error) {
	list, err := s.db.Documents(c.Request().Context(), false)
	if err != nil {
		return nil, nil, err
	}
	out := []views.Choice{{Value: "", Label: "Choose a document"}}
	bySlug := map[string]store.Document{}
	for _, d := range list {
		out = append(out, views.Choice{Value: d.Slug, Label: d.Title})
		bySlug[d.Slug] = d
	}
	return out, bySlug, nil
}

// rowsOf shapes the question rows of the form: the questions given, then
// blank rows up to questionRows.
func rowsOf(texts, sections []string) []views.QuestionRow {
	n := max(questionRows, len(texts), len(sections))
	rows := make([]views.QuestionRow, n)
	for i := range rows {
		rows[i].Index = i
		if i < len(texts) {
			rows[i].Text = texts[i]
		}
		if i < len(sections) {
			rows[i].Section = sections[i]
		}
	}
	return rows
}

// consultationForm is the form page for con (nil for a new one).
func (s *Server) consultationForm(c echo.Context, f views.Form, con *store.Consultation) (views.ConsultationForm, error) {
	page := views.ConsultationForm{Form: f, New: con == nil}
	page.Rows = rowsOf(f.Values["question_text"], f.Values["question_section"])
	if con == nil {
		page.Base = s.noindex(c, "Open a consultation")
		docs, _, err := s.documentChoices(c)
		if err != nil {
			return page, err
		}
		page.Documents = docs
	} else {
		now := s.now()
		page.Base = s.noindex(c, "Change "+con.Title)
		page.Slug, page.Title = con.Slug, con.Title
		page.DocumentTitle, page.Version = con.DocumentTitle, con.Version
		page.Started = con.State(now) != store.ConsultationUpcoming
		page.OpensText = whenText(con.OpensAt, con.Location())
		page.Moderation = con.Moderation
		for _, q := range con.Questions {
			page.Questions = append(page.Questions, views.QuestionRow{Index: q.Number - 1, Text: q.Text, Section: q.Section})
		}
		page.CanDelete = !page.Started && con.Counts.Approved+con.Counts.Pending+con.Counts.Hidden == 0
	}
	// The question rows' errors are reached from the summary through the
	// row's own input.
	for name := range f.Errors {
		switch {
		case page.Started && (name == "opens_at" || name == "moderation" || strings.HasPrefix(name, "questions")):
			// Shown as text once open: the summary leads to the form.
			f.Anchors[name] = views.FieldID("title")
		case strings.HasPrefix(name, "questions["):
			f.Anchors[name] = views.FieldID(name)
		}
	}
	page.Base = page.Base.WithErrors(f.Invalid())
	return page, nil
}

func (s *Server) showConsultationForm(c echo.Context, status int, f views.Form, con *store.Consultation) error {
	page, err := s.consultationForm(c, f, con)
	if err != nil {
		return err
	}
	return s.render(c, status, views.ConsultationFormView(page))
}

func (s *Server) newConsultation(c echo.Context) error {
	f := views.NewForm(consultationFields...)
	f.Set("timezone", "UTC")
	f.Set("moderation", store.ModerationPre)
	if slug := c.QueryParam("document"); slug != "" {
		f.Set("document", slug)
		if d, err := s.db.Document(c.Request().Context(), slug); err == nil && d.Latest > 0 {
			f.Set("version", strconv.Itoa(d.Latest))
		}
	}
	if n, ok := store.VersionNumber(c.QueryParam("version")); ok {
		f.Set("version", strconv.Itoa(n))
	}
	return s.showConsultationForm(c, http.StatusOK, f, nil)
}

// consultationFromForm reads what the form carries into a consultation;
// problems only the form can have (a date that does not parse) go into
// f.Errors. rows maps the store's question numbers back to form rows,
// since blank rows are left out.
func (s *Server) consultationFromForm(c echo.Context, f views.Form) (store.Consultation, []int, error) {
	con := store.Consultation{Slug: f.Get("slug"), Title: f.Get("title"), Document: f.Get("document"),
		Timezone: f.Get("timezone"), Introduction: f.Get("introduction"), Moderation: f.Get("moderation")}
	if con.Timezone == "" {
		con.Timezone = "UTC"
	}
	if v := f.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			f.Errors["version"] = "Enter a version number, such as 1"
		}
		con.Version = n
	} else if d, err := s.db.Document(c.Request().Context(), con.Document); err == nil {
		con.Version = d.Latest
	}
	// A zone that does not load is the store's to report; the times are
	// then read as UTC so that their own problems show at the same time.
	loc, err := time.LoadLocation(con.Timezone)
	if err != nil {
		loc = time.UTC
	}
	for _, fd := range []struct {
		name string
		dst  *time.Time
	}{{"opens_at", &con.OpensAt}, {"closes_at", &con.ClosesAt}} {
		v := f.Get(fd.name)
		if v == "" {
			continue // the store says it is missing
		}
		t, ok := parseLocal(v, loc)
		if !ok {
			f.Errors[fd.name] = "Enter a date and time, such as 2027-01-31T23:59"
			continue
		}
		*fd.dst = t
	}
	texts, sections := f.Values["question_text"], f.Values["question_section"]
	var rows []int
	for i := range max(len(texts), len(sections)) {
		var q store.Question
		if i < len(texts) {
			q.Text = texts[i]
		}
		if i < len(sections) {
			q.Section = sections[i]
		}
		if q.Text == "" && q.Section == "" {
			continue
		}
		rows = append(rows, i)
		con.Questions = append(con.Questions, q)
	}
	html, err := s.md.Render(con.Introduction)
	if err != nil {
		return con, rows, fmt.Errorf("render introduction: %w", err)
	}
	con.IntroductionHTML = string(html)
	return con, rows, nil
}

// questionRename maps the store's question fields ("questions[2]",
// "questions[2].section") to the form's rows.
func questionRename(rows []int) func(string) string {
	return func(name string) string {
		rest, ok := strings.CutPrefix(name, "questions[")
		if !ok {
			return name
		}
		num, tail, ok := strings.Cut(rest, "]")
		i, err := strconv.Atoi(num)
		if !ok || err != nil || i < 0 || i >= len(rows) {
			return name
		}
		return "questions[" + strconv.Itoa(rows[i]) + "]" + tail
	}
}

// conflictMessage says why a consultation could not be saved for a rule
// of consultations, with the field to show it on.
func conflictMessage(err error) (string, string, bool) {
	switch {
	case errors.Is(err, store.ErrConsultationExists):
		return "document", "This document already has a consultation that has not closed. " +
			"Close it (change its closing time) or wait until it closes before opening another.", true
	case errors.Is(err, store.ErrConsultationOpen):
		return "opens_at", "The consultation has opened meanwhile: its opening time, guiding questions and moderation " +
			"can no longer change, and it can no longer be deleted. Your other changes are kept below; save again.", true
	}
	return "", "", false
}

func (s *Server) createConsultation(c echo.Context) error {
	f, err := formOf(c, consultationFields...)
	if err != nil {
		return err
	}
	con, rows, err := s.consultationFromForm(c, f)
	if err != nil {
		return err
	}
	if f.Invalid() {
		// Let the store find the other problems too, without saving.
		if verr := con.Validate(); verr != nil {
			setErrors(f, verr, questionRename(rows))
		}
		return s.showConsultationForm(c, unprocessable, f, nil)
	}
	saved, err := s.db.CreateConsultation(actorCtx(c), con)
	if field, msg, ok := conflictMessage(err); ok {
		f.Errors[field] = msg
		return s.showConsultationForm(c, http.StatusConflict, f, nil)
	}
	if setErrors(f, err, questionRename(rows)) {
		return s.showConsultationForm(c, unprocessable, f, nil)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, views.ConsultationURL(saved.Slug), "consultation-created")
}

// formOfConsultation fills the form with a stored consultation, times in
// its own zone.
func formOfConsultation(con store.Consultation) views.Form {
	f := views.NewForm(consultationFields...)
	loc := con.Location()
	f.Set("title", con.Title)
	f.Set("opens_at", con.OpensAt.In(loc).Format(datetimeLocal))
	f.Set("closes_at", con.ClosesAt.In(loc).Format(datetimeLocal))
	f.Set("timezone", con.Timezone)
	f.Set("introduction", con.Introduction)
	f.Set("moderation", con.Moderation)
	var texts, sections []string
	for _, q := range con.Questions {
		texts = append(texts, q.Text)
		sections = append(sections, q.Section)
	}
	f.Set("question_text", texts...)
	f.Set("question_section", sections...)
	return f
}

func (s *Server) editConsultation(c echo.Context) error {
	con, err := s.db.Consultation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.showConsultationForm(c, http.StatusOK, formOfConsultation(con), &con)
}

func (s *Server) updateConsultation(c echo.Context) error {
	old, err := s.db.Consultation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	started := old.State(s.now()) != store.ConsultationUpcoming
	f, err := formOf(c, consultationFields...)
	if err != nil {
		return err
	}
	if started {
		// What is fixed once open is not in the form: read it from the
		// store so the times parse in the zone typed now.
		f.Set("opens_at", old.OpensAt.In(old.Location()).Format(datetimeLocal))
		f.Set("moderation", old.Moderation)
		kept := formOfConsultation(old)
		f.Set("question_text", kept.Values["question_text"]...)
		f.Set("question_section", kept.Values["question_section"]...)
	}
	f.Set("slug", old.Slug)
	f.Set("document", old.Document)
	f.Set("version", strconv.Itoa(old.Version))
	con, rows, err := s.consultationFromForm(c, f)
	if err != nil {
		return err
	}
	if f.Invalid() {
		if verr := con.Validate(); verr != nil {
			setErrors(f, verr, questionRename(rows))
		}
		return s.showConsultationForm(c, unprocessable, f, &old)
	}
	p := store.ConsultationPatch{Title: &con.Title, ClosesAt: &con.ClosesAt, Timezone: &con.Timezone,
		Introduction: &con.Introduction, IntroductionHTML: &con.IntroductionHTML}
	if !started {
		p.OpensAt, p.Questions, p.Moderation = &con.OpensAt, &con.Questions, &con.Moderation
	}
	saved, err := s.db.UpdateConsultation(actorCtx(c), old.Slug, p)
	if field, msg, ok := conflictMessage(err); ok {
		f.Errors[field] = msg
		return s.showConsultationForm(c, http.StatusConflict, f, &old)
	}
	if setErrors(f, err, questionRename(rows)) {
		return s.showConsultationForm(c, unprocessable, f, &old)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, views.ConsultationURL(saved.Slug), "consultation-saved")
}

func (s *Server) confirmDeleteConsultation(c echo.Context) error {
	con, err := s.db.Consultation(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ConfirmView(views.ConfirmPage{Base: s.noindex(c, "Delete "+con.Title),
		Heading: "Delete the consultation " + con.Title + "?",
		Message: "It has not opened and has no comments. Deleting it removes it for good; the document and its versions stay.",
		Action:  views.ConsultationURL(con.Slug) + "/delete", Button: "Delete consultation", Cancel: views.ConsultationURL(con.Slug)}))
}

func (s *Server) deleteConsultation(c echo.Context) error {
	slug := c.Param("slug")
	err := s.db.DeleteConsultation(actorCtx(c), slug)
	if errors.Is(err, store.ErrConsultationOpen) {
		return &Error{Status: http.StatusConflict, Code: "consultation_open",
			Message: "This consultation has opened or has comments, so it can no longer be deleted. Change its closing time to end it."}
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/consultations", "consultation-deleted")
}

// consultation is a consultation's page; /consultations/{slug}.atom is its
// feed, since the router's :slug takes the suffix too.
func (s *Server) consultation(c echo.Context) error {
	slug := c.Param("slug")
	if strings.HasSuffix(slug, ".atom") {
		return s.consultationFeed(c, strings.TrimSuffix(slug, ".atom"))
	}
	ctx := c.Request().Context()
	u := userFrom(c)
	now := s.now()
	con, err := s.db.Consultation(ctx, slug)
	if err != nil {
		return err
	}
	d, err := s.db.Document(ctx, con.Document)
	if err != nil {
		return err
	}
	loc := con.Location()
	if !consultationVisibleTo(u, d, con) {
		// Announced before it opens: its title, dates, introduction and
		// questions, but not the text, which is still a draft.
		if con.State(now) != store.ConsultationUpcoming {
			return fmt.Errorf("consultation %s: %w", slug, store.ErrNotFound)
		}
		page := views.ConsultationPage{Base: s.base(c, con.Title), C: consultationHead(con, now),
			Opens: whenText(con.OpensAt, loc), Closes: whenText(con.ClosesAt, loc), Span: span(con.ClosesAt.Sub(con.OpensAt)),
			IntroductionHTML: s.md.Sanitize(con.IntroductionHTML), TextLater: true}
		page.Description = "Public consultation on " + con.DocumentTitle + ", opening " + con.OpensAt.In(loc).Format("2 January 2006") + "."
		for _, q := range con.Questions {
			page.Questions = append(page.Questions, views.GuidingQuestion{Number: q.Number, Text: q.Text, Section: q.Section})
		}
		return s.render(c, http.StatusOK, views.ConsultationView(page))
	}
	v, err := s.db.Version(ctx, con.Document, con.Version)
	if err != nil {
		return err
	}
	heat, err := s.db.Heat(ctx, con.Slug)
	if err != nil {
		return err
	}
	counts := make(map[string]int, len(heat))
	for _, h := range heat {
		counts[h.Key] = h.Total
	}
	page := views.ConsultationPage{Base: s.base(c, con.Title), C: consultationHead(con, now),
		Opens: whenText(con.OpensAt, loc), Closes: whenText(con.ClosesAt, loc), Span: span(con.ClosesAt.Sub(con.OpensAt)),
		IntroductionHTML: s.md.Sanitize(con.IntroductionHTML), Approved: con.Counts.Approved,
		Paragraphs: con.Counts.ParagraphsCommented, CanEdit: u.HasRole("editor")}
	page.Description = "Public consultation on " + con.DocumentTitle + ", version " + strconv.Itoa(con.Version) + "."
	if page.Open() {
		page.Left = timeLeft(con, now)
	}
	if page.CanEdit {
		page.Pending, page.Hidden, page.Flagged = con.Counts.Pending, con.Counts.Hidden, con.Counts.Flagged
		page.CanDelete = page.C.State == store.ConsultationUpcoming && con.Counts.Approved+con.Counts.Pending+con.Counts.Hidden == 0
	}
	if page.C.State == store.ConsultationClosed {
		l, err := s.labels(ctx)
		if err != nil {
			return err
		}
		if page.Stats, err = s.consultationStats(ctx, l, con.Slug); err != nil {
			return err
		}
		page.Stats.Heat, _ = heatTable(con.Slug, heat)
		page.Stats.HeatGroups = store.StakeholderGroups
	}
	headings := map[string]string{}
	for _, p := range v.Paragraphs {
		b := views.ConsultedBlock{ID: p.ID, Label: p.Label(), LabelHTML: template.HTML(content.AnchorLabel(p)), Kind: p.Kind, HTML: s.md.Sanitize(p.HTML),
			Heading: p.Kind == "heading", Comments: counts[p.ID]}
		if b.Heading {
			if _, ok := headings[p.Section]; !ok {
				headings[p.Section] = p.ID
			}
		}
		page.Blocks = append(page.Blocks, b)
	}
	for _, q := range con.Questions {
		gq := views.GuidingQuestion{Number: q.Number, Text: q.Text, Section: q.Section}
		if id, ok := headings[q.Section]; ok && q.Section != "" {
			gq.SectionHref = "#p-" + id
		}
		page.Questions = append(page.Questions, gq)
	}
	return s.render(c, http.StatusOK, views.ConsultationView(page))
}

// commentFilter reads the filters of the comments page; a value that
// names nothing is a 400 naming the field.
func commentFilter(c echo.Context, con store.Consultation, v store.Version, countries []string) (store.CommentFilter, views.Form, error) {
	f := views.NewForm("paragraph", "section", "group", "country", "type", "question", "sort")
	q := c.QueryParams()
	for _, name := range f.Order {
		if x := strings.TrimSpace(q.Get(name)); x != "" {
			f.Set(name, x)
		}
	}
	cf := store.CommentFilter{Consultation: con.Slug, Paragraph: f.Get("paragraph"), Section: f.Get("section"),
		Group: f.Get("group"), Country: f.Get("country"), Type: f.Get("type"), Sort: f.Get("sort"), Page: 1, PerPage: 20}
	if cf.Paragraph != "" && !slices.ContainsFunc(v.Paragraphs, func(p store.Paragraph) bool {
		return p.ID == cf.Paragraph && p.Kind != "heading"
	}) {
		return cf, f, badRequest("paragraph", "paragraph must be a paragraph of the consulted version")
	}
	if cf.Section != "" && !slices.ContainsFunc(v.Paragraphs, func(p store.Paragraph) bool { return p.Section == cf.Section }) {
		return cf, f, badRequest("section", "section must be a section of the consulted version, such as 3.2")
	}
	if cf.Group != "" && !slices.Contains(store.StakeholderGroups, cf.Group) {
		return cf, f, badRequest("group", "group must be one of "+strings.Join(store.StakeholderGroups, ", "))
	}
	if cf.Country != "" && !slices.Contains(countries, cf.Country) {
		return cf, f, badRequest("country", "country must be the code of a country of a commenter, such as KE")
	}
	if cf.Type != "" && !slices.Contains(store.CommentTypes, cf.Type) {
		return cf, f, badRequest("type", "type must be one of "+strings.Join(store.CommentTypes, ", "))
	}
	if x := f.Get("question"); x != "" {
		n, err := strconv.Atoi(x)
		if _, ok := con.Question(n); err != nil || !ok {
			return cf, f, badRequest("question", "question must be the number of a guiding question")
		}
		cf.Question = n
	}
	if cf.Sort != "" && !slices.Contains([]string{"document", "newest", "oldest"}, cf.Sort) {
		return cf, f, badRequest("sort", "sort must be document, newest or oldest")
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &cf.Page, math.MaxInt32}, {"per_page", &cf.PerPage, 100}} {
		x := q.Get(p.name)
		if x == "" {
			continue
		}
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 || n > p.max {
			return cf, f, badRequest(p.name, fmt.Sprintf("%s must be a number from 1 to %d", p.name, p.max))
		}
		*p.dst = n
	}
	return cf, f, nil
}

// heatShade is a cell's shade: 0 for none, then 1 to 4 by its share of
// the largest count.
func heatShade(n, most int) int {
	if n <= 0 || most <= 0 {
		return 0
	}
	return min(4, max(1, int(math.Ceil(4*float64(n)/float64(most)))))
}

// heatTable shapes the heat rows for the page.
func heatTable(slug string, rows []store.HeatRow) ([]views.HeatRowVM, int) {
	most, mostTotal := 0, 0
	for _, r := range rows {
		for _, n := range r.Counts {
			most = max(most, n)
		}
		mostTotal = max(mostTotal, r.Total)
	}
	out := make([]views.HeatRowVM, 0, len(rows))
	for _, r := range rows {
		vm := views.HeatRowVM{Label: r.Label, Total: views.HeatCell{Count: r.Total, Shade: heatShade(r.Total, mostTotal)}}
		if r.Paragraph != "" {
			vm.Href = views.ParagraphURL(slug, r.Paragraph)
		}
		for _, g := range store.StakeholderGroups {
			vm.Cells = append(vm.Cells, views.HeatCell{Count: r.Counts[g], Shade: heatShade(r.Counts[g], most)})
		}
		out = append(out, vm)
	}
	return out, most
}

// sectionLabel names a section by its heading: "3.2 Rules".
func sectionLabel(p store.Paragraph) string {
	if strings.HasPrefix(p.Text, p.Section) {
		return p.Text
	}
	return p.Section + " " + p.Text
}

// commentsPage lists a consultation's approved comments with filters and
// the heat table of paragraphs by stakeholder group.
func (s *Server) commentsPage(c echo.Context) error {
	ctx := c.Request().Context()
	now := s.now()
	con, _, err := s.visibleConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	v, err := s.db.Version(ctx, con.Document, con.Version)
	if err != nil {
		return err
	}
	countries, err := s.db.CommentCountries(ctx, con.Slug)
	if err != nil {
		return err
	}
	cf, f, err := commentFilter(c, con, v, countries)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	heat, err := s.db.Heat(ctx, con.Slug)
	if err != nil {
		return err
	}
	cf.Collapse = true
	list, err := s.db.Comments(ctx, cf)
	if err != nil {
		return err
	}
	page := views.CommentsPage{Base: s.base(c, "Comments on "+con.Title), C: consultationHead(con, now), Filters: f,
		Total: list.Total, HeatGroups: store.StakeholderGroups}
	page.Description = "Approved comments of the consultation " + con.Title + ", by paragraph and stakeholder group."
	page.Filtered = len(f.Values) > 0
	page.Heat, page.HeatMax = heatTable(con.Slug, heat)
	text := map[string]string{}
	page.Paragraphs = []views.Choice{{Value: "", Label: "Any paragraph"}}
	page.Sections = []views.Choice{{Value: "", Label: "Any section"}}
	for _, p := range v.Paragraphs {
		text[p.ID] = p.Text
		switch {
		case p.Kind != "heading":
			page.Paragraphs = append(page.Paragraphs, views.Choice{Value: p.ID, Label: p.Label()})
		case p.Section != "0":
			page.Sections = append(page.Sections, views.Choice{Value: p.Section, Label: sectionLabel(p)})
		}
	}
	page.Groups = withBlank("Any stakeholder group", choices(store.StakeholderGroups))
	page.Countries = []views.Choice{{Value: "", Label: "Any country"}}
	for _, code := range countries {
		page.Countries = append(page.Countries, views.Choice{Value: code, Label: l.value("jurisdiction", code)})
	}
	page.Types = []views.Choice{{Value: "", Label: "Any type"}}
	for _, t := range store.CommentTypes {
		// The vocabulary's words are lowercase; a select reads better
		// capitalised.
		page.Types = append(page.Types, views.Choice{Value: t, Label: strings.ToUpper(t[:1]) + t[1:]})
	}
	page.Questions = []views.Choice{{Value: "", Label: "Any question"}}
	for _, q := range con.Questions {
		page.Questions = append(page.Questions, views.Choice{Value: strconv.Itoa(q.Number), Label: fmt.Sprintf("Question %d", q.Number)})
	}
	page.Sorts = []views.Choice{{Value: "document", Label: "Document order"}, {Value: "newest", Label: "Newest first"},
		{Value: "oldest", Label: "Oldest first"}}
	open := page.C.State == store.ConsultationOpen
	r, err := s.resolutionFor(ctx, userFrom(c), withSimilar(list.Items, list.Similar))
	if err != nil {
		return err
	}
	for _, m := range list.Items {
		vm := s.commentVM(c, l, m, text[m.Paragraph], nil, r)
		vm.CanEdit = vm.CanEdit && open
		for _, o := range list.Similar[m.ID] {
			sim := s.commentVM(c, l, o, text[o.Paragraph], nil, r)
			sim.CanEdit = sim.CanEdit && open
			vm.Similar = append(vm.Similar, sim)
		}
		page.Comments = append(page.Comments, vm)
	}
	query := c.QueryParams()
	page.Pager = views.Pager{Page: list.Page, Pages: (list.Entries + list.PerPage - 1) / list.PerPage, Total: list.Total,
		Href: func(n int) string {
			q := url.Values{}
			for k, vs := range query {
				q[k] = vs
			}
			q.Set("page", strconv.Itoa(n))
			return views.CommentsURL(con.Slug) + "?" + q.Encode()
		}}
	return s.render(c, http.StatusOK, views.CommentsView(page))
}

// commentPage is a comment's permalink. Pending, hidden and withdrawn
// comments are shown to editors and their author only.
func (s *Server) commentPage(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	con, _, err := s.visibleConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	m, err := s.visibleComment(c, id)
	if err != nil {
		return err
	}
	if m.Consultation != con.Slug {
		return fmt.Errorf("comment %d of %s: %w", id, con.Slug, store.ErrNotFound)
	}
	return s.renderCommentPage(c, m, views.NewForm(views.ReplyFormFields...), dispositionFormOf(m), http.StatusOK)
}

// renderCommentPage shows a comment's permalink with, for members, the
// forms that answer it: reply and disposition hold what was typed in the
// one that was sent.
func (s *Server) renderCommentPage(c echo.Context, m store.Comment, reply, disp views.Form, status int) error {
	ctx := c.Request().Context()
	u := userFrom(c)
	now := s.now()
	con, err := s.db.Consultation(ctx, m.Consultation)
	if err != nil {
		return err
	}
	l, err := s.labels(ctx)
	if err != nil {
		return err
	}
	var revisions []store.CommentRevision
	if u.HasRole("editor") || (u != nil && u.ID == m.AuthorID) {
		if revisions, err = s.db.CommentRevisions(ctx, m.ID); err != nil {
			return err
		}
	}
	paragraph := ""
	if m.Paragraph != "" {
		v, err := s.db.Version(ctx, con.Document, con.Version)
		if err != nil {
			return err
		}
		for _, p := range v.Paragraphs {
			if p.ID == m.Paragraph {
				paragraph = p.Text
			}
		}
	}
	r, err := s.resolutionFor(ctx, u, []store.Comment{m})
	if err != nil {
		return err
	}
	vm := s.commentVM(c, l, m, paragraph, revisions, r)
	vm.CanEdit = vm.CanEdit && con.State(now) == store.ConsultationOpen
	vm.AnswerURL = ""
	page := views.CommentPage{Base: s.base(c, "Comment on "+m.Target()+" · "+con.Title), C: consultationHead(con, now), Comment: vm}
	page.NoIndex = m.State != store.CommentApproved
	if u.HasRole("editor") {
		if m.Disposition != nil {
			history, err := s.db.DispositionHistory(ctx, m.ID)
			if err != nil {
				return err
			}
			for _, d := range history[:len(history)-1] {
				page.Comment.Resolution.History = append(page.Comment.Resolution.History, r.disposition(m, d))
			}
		}
		if m.State == store.CommentApproved {
			if page.Answer, err = s.answerForms(c, m, reply, disp); err != nil {
				return err
			}
		}
	}
	_, page.Back = commentTarget(m)
	if m.Paragraph != "" {
		page.Back += "#" + views.CommentAnchor(m.ID)
	}
	return s.render(c, status, views.CommentView(page))
}
