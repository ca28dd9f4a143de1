package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// policyFields are the policy form's fields, named as in the JSON shape,
// in page order.
var policyFields = []string{"slug", "title", "short_title", "jurisdictions", "issuer", "type", "status", "status_note",
	"binding", "adopted", "in_force", "url", "sources", "confidence", "language", "topics", "layers", "summary", "notes", "rev"}

func policyForm(p store.Policy) views.Form {
	f := views.NewForm(policyFields...)
	f.Set("slug", p.Slug)
	f.Set("title", p.Title)
	f.Set("short_title", p.ShortTitle)
	f.Set("jurisdictions", p.Jurisdictions...)
	f.Set("issuer", p.Issuer)
	f.Set("type", p.Type)
	f.Set("status", p.Status)
	f.Set("status_note", p.StatusNote)
	f.Set("binding", p.Binding)
	f.Set("adopted", string(p.Adopted))
	f.Set("in_force", string(p.InForce))
	f.Set("url", p.URL)
	f.Set("sources", strings.Join(p.Sources, "\n"))
	f.Set("confidence", p.Confidence)
	f.Set("language", p.Language)
	f.Set("topics", p.Topics...)
	f.Set("layers", p.Layers...)
	f.Set("summary", p.Summary)
	f.Set("notes", p.Notes)
	f.Set("rev", strconv.Itoa(p.Rev))
	return f
}

// policyFromForm reads a policy; provisions and mappings stay nil, so a
// save keeps the stored ones. The sources field holds one address a line;
// blank lines are skipped.
func policyFromForm(f views.Form) store.Policy {
	rev, _ := strconv.Atoi(f.Get("rev")) // absent or garbled: no concurrency check, as for the API
	nonEmpty := func(xs []string) []string {
		return slices.DeleteFunc(slices.Clone(xs), func(s string) bool { return s == "" })
	}
	return store.Policy{
		Slug: f.Get("slug"), Title: f.Get("title"), ShortTitle: f.Get("short_title"),
		Jurisdictions: nonEmpty(f.Values["jurisdictions"]), Issuer: f.Get("issuer"), Type: f.Get("type"),
		Status: f.Get("status"), StatusNote: f.Get("status_note"), Binding: f.Get("binding"),
		Adopted: store.Date(f.Get("adopted")), InForce: store.Date(f.Get("in_force")), URL: f.Get("url"),
		Language: f.Get("language"), Topics: nonEmpty(f.Values["topics"]), Layers: nonEmpty(f.Values["layers"]),
		Summary: f.Get("summary"), Notes: f.Get("notes"), BaseRev: rev,
		Sources: sourcesOf(f.Get("sources")), Confidence: f.Get("confidence"),
	}
}

// sourceLines splits the sources field into its non-blank lines, with the
// number of each line as typed, so that errors name the line the member
// sees.
func sourceLines(text string) (sources []string, lines []int) {
	sources = []string{}
	for i, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			sources = append(sources, l)
			lines = append(lines, i+1)
		}
	}
	return sources, lines
}

func sourcesOf(text string) []string {
	s, _ := sourceLines(text)
	return s
}

var sourceErrRE = regexp.MustCompile(`^sources\[(\d+)\]$`)

// sourceErrors turns the store's errors on sources[i] into one message on
// the sources field that names each line as typed: "Sources, line 3: not
// an http(s) address...".
func sourceErrors(f views.Form) {
	_, lines := sourceLines(f.Get("sources"))
	type lineErr struct {
		line int
		msg  string
	}
	var errs []lineErr
	for k, msg := range f.Errors {
		m := sourceErrRE.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		delete(f.Errors, k)
		i, _ := strconv.Atoi(m[1])
		line := i + 1
		if i < len(lines) {
			line = lines[i]
		}
		errs = append(errs, lineErr{line, msg})
	}
	if len(errs) == 0 {
		return
	}
	slices.SortFunc(errs, func(a, b lineErr) int { return a.line - b.line })
	parts := make([]string, 0, len(errs)+1)
	if msg := f.Errors["sources"]; msg != "" {
		parts = append(parts, msg)
	}
	for _, e := range errs {
		msg := e.msg
		if r, size := utf8.DecodeRuneInString(msg); size > 0 {
			msg = string(unicode.ToLower(r)) + msg[size:]
		}
		parts = append(parts, fmt.Sprintf("Sources, line %d: %s", e.line, msg))
	}
	f.Errors["sources"] = strings.Join(parts, ". ")
}

func (s *Server) showPolicyForm(c echo.Context, status int, f views.Form, isNew bool, p store.Policy) error {
	js, err := s.jurisdictionChoices(c, false)
	if err != nil {
		return err
	}
	topics, err := s.topicChoices(c)
	if err != nil {
		return err
	}
	f.Anchors["jurisdictions"] = views.FirstBoxID("jurisdictions")
	f.Anchors["topics"] = views.FirstBoxID("topics")
	f.Anchors["layers"] = views.FirstBoxID("layers")
	sourceErrors(f)
	title := "Add a policy"
	if !isNew {
		title = "Edit " + p.DisplayTitle()
	}
	page := views.PolicyFormPage{Base: s.noindex(c, title), Form: f, New: isNew, Slug: p.Slug, PolicyTitle: p.DisplayTitle(),
		Jurisdictions: js, Types: withBlank("Choose a type", choices(store.PolicyTypes)),
		Statuses: withBlank("Not recorded", choices(store.PolicyStatuses)), Bindings: withBlank("Not recorded", choices(store.Bindings)),
		Confidences: withBlank("Not assessed", choices(store.Confidences)), Topics: topics, Layers: choices(store.Layers)}
	return s.render(c, status, views.PolicyFormView(page))
}

func (s *Server) newPolicy(c echo.Context) error {
	return s.showPolicyForm(c, http.StatusOK, views.NewForm(policyFields...), true, store.Policy{})
}

func (s *Server) createPolicy(c echo.Context) error {
	f, err := formOf(c, policyFields...)
	if err != nil {
		return err
	}
	p := policyFromForm(f)
	_, err = s.db.SavePolicy(actorCtx(c), p, store.CreateOnly)
	if errors.Is(err, store.ErrConflict) {
		f.Errors["slug"] = fmt.Sprintf("A policy with the slug %s already exists; choose another", p.Slug)
		return s.showPolicyForm(c, unprocessable, f, true, p)
	}
	if setErrors(f, err, nil) {
		return s.showPolicyForm(c, unprocessable, f, true, p)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, views.PolicyURL(p.Slug), "policy-created")
}

func (s *Server) editPolicy(c echo.Context) error {
	p, err := s.db.Policy(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.showPolicyForm(c, http.StatusOK, policyForm(p), false, p)
}

func (s *Server) updatePolicy(c echo.Context) error {
	old, err := s.db.Policy(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	f, err := formOf(c, policyFields...)
	if err != nil {
		return err
	}
	f.Set("slug", old.Slug) // the slug is not editable
	p := policyFromForm(f)
	res, err := s.db.SavePolicy(actorCtx(c), p, store.UpdateOnly)
	if errors.Is(err, store.ErrConflict) {
		// Keep what this member typed, say what happened, and let the next
		// save go through on top of the newer revision.
		f.Errors["rev"] = fmt.Sprintf("Someone else saved this policy while you were editing it (now revision %d). "+
			"Your changes are kept below: compare them with the policy page and save again.", old.Rev)
		f.Anchors["rev"] = views.FieldID("title")
		f.Set("rev", strconv.Itoa(old.Rev))
		return s.showPolicyForm(c, http.StatusConflict, f, false, old)
	}
	if setErrors(f, err, nil) {
		return s.showPolicyForm(c, unprocessable, f, false, old)
	}
	if err != nil {
		return err
	}
	flash := "policy-saved"
	if res == store.Unchanged {
		flash = "policy-unchanged"
	}
	return s.redirectFlash(c, views.PolicyURL(p.Slug), flash)
}

func (s *Server) confirmDeletePolicy(c echo.Context) error {
	p, err := s.db.Policy(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ConfirmView(views.ConfirmPage{Base: s.noindex(c, "Delete "+p.DisplayTitle()),
		Heading: "Delete " + p.DisplayTitle() + "?",
		Message: fmt.Sprintf("This removes the policy with its %s and %s. Its history is kept.",
			views.Plural(len(p.Provisions), "provision", "provisions"), views.Plural(len(p.Mappings), "mapping", "mappings")),
		Action: views.PolicyURL(p.Slug) + "/delete", Button: "Delete policy", Cancel: views.PolicyURL(p.Slug)}))
}

func (s *Server) deletePolicy(c echo.Context) error {
	if err := s.db.DeletePolicy(actorCtx(c), c.Param("slug")); err != nil {
		return err
	}
	return s.redirectFlash(c, "/policies", "policy-deleted")
}

// pathParam is a path parameter unescaped (provision references may hold
// characters that travel escaped, such as spaces).
func pathParam(c echo.Context, name string) string {
	v, err := url.PathUnescape(c.Param(name))
	if err != nil {
		return c.Param(name)
	}
	return v
}

var provisionErrRE = regexp.MustCompile(`^provisions\[\d+\]\.`)

var provisionFields = []string{"ref", "label", "title", "text", "source", "topics"}

func (s *Server) showProvisionForm(c echo.Context, status int, f views.Form, p store.Policy, ref string) error {
	topics, err := s.topicChoices(c)
	if err != nil {
		return err
	}
	f.Anchors["topics"] = views.FirstBoxID("topics")
	page := views.ProvisionFormPage{Base: s.noindex(c, "Provision of "+p.DisplayTitle()), Form: f, PolicySlug: p.Slug,
		PolicyTitle: p.DisplayTitle(), Ref: ref, Topics: topics}
	return s.render(c, status, views.ProvisionFormView(page))
}

func (s *Server) provisionPage(c echo.Context) error {
	p, err := s.db.Policy(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	f := views.NewForm(provisionFields...)
	ref := pathParam(c, "ref")
	if ref != "" {
		i := slices.IndexFunc(p.Provisions, func(v store.Provision) bool { return v.Ref == ref })
		if i < 0 {
			return echo.ErrNotFound
		}
		v := p.Provisions[i]
		f.Set("ref", v.Ref)
		f.Set("label", v.Label)
		f.Set("title", v.Title)
		f.Set("text", v.Text)
		f.Set("source", v.Source)
		f.Set("topics", v.Topics...)
	}
	return s.showProvisionForm(c, http.StatusOK, f, p, ref)
}

// saveProvision adds a provision, or replaces the one named by the path;
// mappings to a renumbered provision follow it.
func (s *Server) saveProvision(c echo.Context) error {
	slug, ref := c.Param("slug"), pathParam(c, "ref")
	f, err := formOf(c, provisionFields...)
	if err != nil {
		return err
	}
	v := store.Provision{Ref: f.Get("ref"), Label: f.Get("label"), Title: f.Get("title"), Text: f.Get("text"),
		Source: f.Get("source"), Topics: slices.DeleteFunc(slices.Clone(f.Values["topics"]), func(s string) bool { return s == "" })}
	_, _, err = s.db.EditPolicy(actorCtx(c), slug, func(p *store.Policy) error {
		if ref == "" {
			p.Provisions = append(p.Provisions, v)
			return nil
		}
		index := slices.IndexFunc(p.Provisions, func(x store.Provision) bool { return x.Ref == ref })
		if index < 0 {
			return fmt.Errorf("provision %s of %s: %w", ref, slug, store.ErrNotFound)
		}
		// The topics stay reviewed while they stay as they were; new
		// topics are a new suggestion, as a changed mapping is.
		old := p.Provisions[index]
		v.TopicsReviewed = old.TopicsReviewed && sameSet(old.Topics, v.Topics)
		p.Provisions[index] = v
		for i := range p.Mappings {
			if p.Mappings[i].Provision == ref {
				p.Mappings[i].Provision = v.Ref
			}
		}
		return nil
	})
	// Only this provision changed, so any provision's error is about it
	// (a duplicate number is reported on the later of the two).
	if setErrors(f, err, func(k string) string { return provisionErrRE.ReplaceAllString(k, "") }) {
		p, perr := s.db.Policy(c.Request().Context(), slug)
		if perr != nil {
			return perr
		}
		return s.showProvisionForm(c, unprocessable, f, p, ref)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, views.PolicyURL(slug)+"#prov-"+url.PathEscape(v.Ref), "provision-saved")
}

func (s *Server) confirmDeleteProvision(c echo.Context) error {
	slug, ref := c.Param("slug"), pathParam(c, "ref")
	p, err := s.db.Policy(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(p.Provisions, func(v store.Provision) bool { return v.Ref == ref }) {
		return echo.ErrNotFound
	}
	return s.render(c, http.StatusOK, views.ConfirmView(views.ConfirmPage{Base: s.noindex(c, "Delete provision "+ref),
		Heading: "Delete provision " + ref + " of " + p.DisplayTitle() + "?",
		Message: "Mappings of this provision are removed with it.",
		Action:  views.ProvisionURL(slug, ref) + "/delete", Button: "Delete provision", Cancel: views.PolicyURL(slug) + "#provisions"}))
}

func (s *Server) deleteProvision(c echo.Context) error {
	slug, ref := c.Param("slug"), pathParam(c, "ref")
	_, _, err := s.db.EditPolicy(actorCtx(c), slug, func(p *store.Policy) error {
		n := len(p.Provisions)
		p.Provisions = slices.DeleteFunc(p.Provisions, func(v store.Provision) bool { return v.Ref == ref })
		if len(p.Provisions) == n {
			return fmt.Errorf("provision %s of %s: %w", ref, slug, store.ErrNotFound)
		}
		p.Mappings = slices.DeleteFunc(p.Mappings, func(m store.Mapping) bool { return m.Provision == ref })
		return nil
	})
	if err != nil {
		return err
	}
	return s.redirectFlash(c, views.PolicyURL(slug)+"#provisions", "provision-deleted")
}

// mappingFields are the fields of the mapping form. Review is not one of
// them: a second member reviews from the review queue, and saving a changed
// mapping resets its review.
var mappingFields = []string{"framework", "item", "provision", "relationship", "strength", "rationale", "evidence"}

func (s *Server) showMappingForm(c echo.Context, status int, f views.Form, p store.Policy, id int64) error {
	ctx := c.Request().Context()
	fws, err := s.db.Frameworks(ctx)
	if err != nil {
		return err
	}
	page := views.MappingFormPage{Base: s.noindex(c, "Mapping of "+p.DisplayTitle()), Form: f, PolicySlug: p.Slug,
		PolicyTitle: p.DisplayTitle(), ID: id, Relationships: withBlank("Choose a relationship", choices(store.Relationships)),
		Provisions: []views.Choice{{Value: "", Label: "The whole policy"}},
		Review:     "A new mapping is unreviewed until another member approves it from the review queue."}
	if id != 0 {
		m, err := s.db.Mapping(ctx, id)
		if err != nil {
			return err
		}
		page.Review = views.ReviewState(m) + " Saving a change resets the review; you cannot then review your own change."
	}
	for _, fw := range fws {
		page.Frameworks = append(page.Frameworks, views.Choice{Value: fw.Slug, Label: fw.Title})
		full, err := s.db.Framework(ctx, fw.Slug)
		if err != nil {
			return err
		}
		full.Walk(func(it *store.Item) {
			page.Items = append(page.Items, views.Choice{Value: it.Code, Label: it.Code + " " + it.Title, Group: fw.Title})
		})
	}
	page.Items = withBlank("Choose an item", page.Items)
	for _, v := range p.Provisions {
		// The key, which citations use, with the reference as written
		// when it differs.
		label := v.Ref
		if v.Label != "" && v.Label != v.Ref {
			label += " (" + v.Label + ")"
		}
		if v.Title != "" {
			label += " " + v.Title
		}
		page.Provisions = append(page.Provisions, views.Choice{Value: v.Ref, Label: label})
	}
	return s.render(c, status, views.MappingFormView(page))
}

func mappingForm(m store.Mapping) views.Form {
	f := views.NewForm(mappingFields...)
	f.Set("framework", m.Framework)
	f.Set("item", m.Item)
	f.Set("provision", m.Provision)
	f.Set("relationship", m.Relationship)
	if m.Strength > 0 {
		f.Set("strength", strconv.Itoa(m.Strength))
	}
	f.Set("rationale", m.Rationale)
	f.Set("evidence", m.Evidence)
	return f
}

func mappingFromForm(f views.Form) (store.Mapping, bool) {
	m := store.Mapping{Framework: f.Get("framework"), Item: f.Get("item"), Provision: f.Get("provision"),
		Relationship: f.Get("relationship"), Rationale: f.Get("rationale"), Evidence: f.Get("evidence")}
	if v := f.Get("strength"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10 {
			f.Errors["strength"] = "Give a strength from 1 to 10 as a whole number, or leave it empty"
			return m, false
		}
		m.Strength = n
	}
	return m, true
}

// policyMapping finds a mapping of the policy in the path; a mapping of
// another policy is not found here.
func (s *Server) policyMapping(c echo.Context) (store.Policy, store.Mapping, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.Policy{}, store.Mapping{}, echo.ErrNotFound
	}
	ctx := c.Request().Context()
	m, err := s.db.Mapping(ctx, id)
	if err != nil {
		return store.Policy{}, store.Mapping{}, err
	}
	if m.Policy != c.Param("slug") {
		return store.Policy{}, store.Mapping{}, echo.ErrNotFound
	}
	p, err := s.db.Policy(ctx, m.Policy)
	return p, m, err
}

func (s *Server) mappingPage(c echo.Context) error {
	if c.Param("id") == "" {
		p, err := s.db.Policy(c.Request().Context(), c.Param("slug"))
		if err != nil {
			return err
		}
		f := views.NewForm(mappingFields...)
		f.Set("framework", s.fwSlug)
		if ref := c.QueryParam("provision"); ref != "" {
			f.Set("provision", ref)
		}
		return s.showMappingForm(c, http.StatusOK, f, p, 0)
	}
	p, m, err := s.policyMapping(c)
	if err != nil {
		return err
	}
	return s.showMappingForm(c, http.StatusOK, mappingForm(m), p, m.ID)
}

func (s *Server) saveMapping(c echo.Context) error {
	f, err := formOf(c, mappingFields...)
	if err != nil {
		return err
	}
	var p store.Policy
	var id int64
	if c.Param("id") != "" {
		var old store.Mapping
		if p, old, err = s.policyMapping(c); err != nil {
			return err
		}
		id = old.ID
	} else if p, err = s.db.Policy(c.Request().Context(), c.Param("slug")); err != nil {
		return err
	}
	m, ok := mappingFromForm(f)
	if ok {
		m.Policy = p.Slug
		if id == 0 {
			_, err = s.db.AddMapping(actorCtx(c), m)
		} else {
			_, err = s.db.UpdateMapping(actorCtx(c), id, m)
		}
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["item"] = "This policy (or provision) is already mapped to that item; edit that mapping instead"
		case setErrors(f, err, nil):
		case err != nil:
			return err
		}
	}
	if f.Invalid() {
		return s.showMappingForm(c, unprocessable, f, p, id)
	}
	return s.redirectFlash(c, views.PolicyURL(p.Slug)+"#mappings", "mapping-saved")
}

func (s *Server) confirmDeleteMapping(c echo.Context) error {
	p, m, err := s.policyMapping(c)
	if err != nil {
		return err
	}
	what := m.Item
	if m.Provision != "" {
		what = "provision " + m.Provision + " to " + m.Item
	}
	return s.render(c, http.StatusOK, views.ConfirmView(views.ConfirmPage{Base: s.noindex(c, "Remove mapping"),
		Heading: "Remove the mapping of " + p.DisplayTitle() + " " + what + "?",
		Message: "Coverage counts change at once. The policy's history keeps the mapping.",
		Action:  views.PolicyURL(p.Slug) + "/mappings/" + strconv.FormatInt(m.ID, 10) + "/delete", Button: "Remove mapping",
		Cancel: views.PolicyURL(p.Slug) + "#mappings"}))
}

func (s *Server) deleteMapping(c echo.Context) error {
	p, m, err := s.policyMapping(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteMapping(actorCtx(c), m.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, views.PolicyURL(p.Slug)+"#mappings", "mapping-deleted")
}

// sameSet reports whether two lists hold the same values, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
