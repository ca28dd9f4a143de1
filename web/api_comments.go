package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// commentJSON is a comment in the API and in the JSON download.
type commentJSON struct {
	ID           int64             `json:"id"`
	Consultation string            `json:"consultation"`
	Paragraph    *string           `json:"paragraph"`
	Section      string            `json:"section"`
	Label        string            `json:"label"`
	Question     *int              `json:"question"`
	Type         string            `json:"type"`
	Body         string            `json:"body"`
	BodyHTML     string            `json:"body_html"`
	Proposed     string            `json:"proposed_text"`
	Display      string            `json:"display"`
	Author       commentAuthorJSON `json:"author"`
	State        string            `json:"state"`
	Flagged      bool              `json:"flagged"`
	EditedAt     *string           `json:"edited_at"`
	CreatedAt    string            `json:"created_at"`
	URL          string            `json:"url"`
	// Group is the campaign group of near-identical comments, null for
	// none.
	Group   *int64      `json:"group"`
	Anchor  anchorJSON  `json:"anchor"`
	Current currentJSON `json:"current"`
	// Disposition is the working group's answer, null until given.
	Disposition *dispositionJSON `json:"disposition"`
	Replies     []replyJSON      `json:"replies"`
	// HideReason and ModerationNote are for moderators and the author.
	HideReason     *string `json:"hide_reason,omitempty"`
	ModerationNote *string `json:"moderation_note,omitempty"`
}

// commentAuthorJSON is who wrote a comment. Name and organisation are
// pointers so that an anonymous comment carries no such keys at all,
// while a named one without an organisation says "" (an individual).
type commentAuthorJSON struct {
	Name         *string `json:"name,omitempty"`
	Organisation *string `json:"organisation,omitempty"`
	Group        string  `json:"group"`
	Country      string  `json:"country"`
}

// anchorJSON is where a comment was made: the consulted version, the
// paragraph (null for a question or the whole document) and its section.
type anchorJSON struct {
	Version   int     `json:"version"`
	Paragraph *string `json:"paragraph"`
	Section   string  `json:"section"`
}

// currentJSON is where the comment's paragraph stands in the newest
// version the reader may see: paragraph null once deleted; parts lists
// the other paragraphs of a split.
type currentJSON struct {
	Version   int      `json:"version"`
	Paragraph *string  `json:"paragraph"`
	Section   string   `json:"section"`
	Relation  string   `json:"relation"`
	Parts     []string `json:"parts,omitempty"`
}

// dispositionJSON is the working group's answer to a comment.
type dispositionJSON struct {
	Value         string         `json:"value"`
	Label         string         `json:"label"`
	Rationale     string         `json:"rationale"`
	RationaleHTML string         `json:"rationale_html"`
	AddressedIn   *addressedJSON `json:"addressed_in"`
	By            string         `json:"by"`
	At            string         `json:"at"`
	// Number counts the revisions, from 1; in the history only.
	Number int `json:"number,omitempty"`
}

// addressedJSON names the version and paragraphs that addressed a
// comment, in the answer and in PUT .../disposition.
type addressedJSON struct {
	Version    int      `json:"version"`
	Paragraphs []string `json:"paragraphs"`
}

// replyJSON is a member's reply: author is the member's name, group the
// working group's.
type replyJSON struct {
	ID        int64  `json:"id"`
	Author    string `json:"author"`
	Group     string `json:"group"`
	Body      string `json:"body"`
	BodyHTML  string `json:"body_html"`
	CreatedAt string `json:"created_at"`
}

func toDispositionJSON(d store.Disposition) *dispositionJSON {
	out := &dispositionJSON{Value: d.Value, Label: store.DispositionLabel(d.Value), Rationale: d.Rationale,
		RationaleHTML: d.RationaleHTML, By: d.By, At: apiTime(d.At), Number: d.Number}
	if d.AddressedIn.Version > 0 {
		out.AddressedIn = &addressedJSON{Version: d.AddressedIn.Version, Paragraphs: d.AddressedIn.Paragraphs}
	}
	return out
}

func toReplyJSON(r store.Reply, group string) replyJSON {
	return replyJSON{ID: r.ID, Author: r.Author, Group: group, Body: r.Body, BodyHTML: r.BodyHTML, CreatedAt: apiTime(r.CreatedAt)}
}

// toCommentJSON shapes a comment for a reader. moderator adds what only
// moderators (and the author) may know; the author's name and
// organisation are in only for a named comment, whoever reads. r is what
// the comments of the answer carry, read once for the reader.
func toCommentJSON(m store.Comment, moderator bool, r *resolution) commentJSON {
	a := m.Public()
	out := commentJSON{ID: m.ID, Consultation: m.Consultation, Section: m.Section, Label: m.Label, Type: m.Type,
		Body: m.Body, BodyHTML: m.BodyHTML, Proposed: m.Proposed, Display: m.Display,
		Author: commentAuthorJSON{Group: a.Group, Country: a.Country}, State: m.State, Flagged: m.Flagged,
		CreatedAt: apiTime(m.CreatedAt), URL: views.CommentURL(m.Consultation, m.ID)}
	switch {
	case m.Display == store.DisplayNamed:
		out.Author.Name, out.Author.Organisation = &a.Name, &a.Organisation
	case moderator && r.user.HasRole("editor"):
		// Moderators see who wrote an anonymous comment (the form tells
		// commenters so); the display field says it is not public. The
		// author is shown their comment as the public sees it.
		out.Author.Name, out.Author.Organisation = &m.Author.Name, &m.Author.Organisation
	}
	if m.Paragraph != "" {
		pid := m.Paragraph
		out.Paragraph = &pid
	}
	if m.Question > 0 {
		q := m.Question
		out.Question = &q
	}
	if m.GroupID != 0 {
		g := m.GroupID
		out.Group = &g
	}
	if !m.EditedAt.IsZero() {
		t := apiTime(m.EditedAt)
		out.EditedAt = &t
	}
	out.Anchor = anchorJSON{Version: m.Version, Paragraph: out.Paragraph, Section: m.Section}
	out.Current = currentJSON{Version: m.Version, Paragraph: out.Paragraph, Section: m.Section, Relation: store.RelKept}
	if cur, ok := r.currentOf(m); ok {
		out.Current = currentJSON{Version: cur.Version, Section: cur.Section, Relation: cur.Relation, Parts: cur.Parts}
		if cur.Paragraph != "" {
			pid := cur.Paragraph
			out.Current.Paragraph = &pid
		}
	} else if m.Paragraph == "" {
		// A question or the whole document follows the document itself.
		out.Current.Version = max(m.Version, r.newest(m.Document))
	}
	if m.Disposition != nil {
		out.Disposition = toDispositionJSON(*m.Disposition)
	}
	out.Replies = []replyJSON{}
	for _, p := range r.replies[m.ID] {
		out.Replies = append(out.Replies, toReplyJSON(p, r.group))
	}
	if moderator {
		reason, note := m.HideReason, m.Note
		out.HideReason, out.ModerationNote = &reason, &note
	}
	return out
}

// commentJSONFor shapes one comment for the reader of this request.
func (s *Server) commentJSONFor(c echo.Context, m store.Comment) (commentJSON, error) {
	list, err := s.commentsJSONFor(c, []store.Comment{m})
	if err != nil {
		return commentJSON{}, err
	}
	return list[0], nil
}

// commentsJSONFor shapes comments for the reader of this request, reading
// what they carry once for them all.
func (s *Server) commentsJSONFor(c echo.Context, ms []store.Comment) ([]commentJSON, error) {
	u := userFrom(c)
	r, err := s.resolutionFor(c.Request().Context(), u, ms)
	if err != nil {
		return nil, err
	}
	out := make([]commentJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, toCommentJSON(m, u.HasRole("editor") || (u != nil && u.ID == m.AuthorID), r))
	}
	return out, nil
}

// commentAnswer answers with one comment for the reader, bare or wrapped
// under "comment" when it was created.
func (s *Server) commentAnswer(c echo.Context, status int, m store.Comment) error {
	out, err := s.commentJSONFor(c, m)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		return c.JSON(status, map[string]any{"comment": out})
	}
	return c.JSON(status, out)
}

// commentStates are the values of the state filter, for editors.
var commentStates = []string{store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentWithdrawn, "all"}

// countryCodeRE is what a country filter may look like: a jurisdiction
// code.
var countryCodeRE = regexp.MustCompile(`^[A-Z]{2,8}$`)

// apiCommentFilter reads the filters of a comment list; a bad value is a
// 400 naming the parameter.
func apiCommentFilter(c echo.Context, slug string) (store.CommentFilter, error) {
	f := store.CommentFilter{Consultation: slug}
	var err error
	if f.Page, f.PerPage, err = apiPaging(c, 50); err != nil {
		return f, err
	}
	qp := c.QueryParams()
	f.Paragraph = strings.TrimSpace(qp.Get("paragraph"))
	f.Section = strings.TrimSpace(qp.Get("section"))
	if len(f.Paragraph) > 100 {
		return f, badRequest("paragraph", "paragraph must be a paragraph id")
	}
	if len(f.Section) > 100 {
		return f, badRequest("section", "section must be a section number, such as 3.2")
	}
	choices := []struct {
		name    string
		dst     *string
		allowed []string
	}{
		{"group", &f.Group, store.StakeholderGroups},
		{"type", &f.Type, store.CommentTypes},
		{"sort", &f.Sort, []string{"document", "newest", "oldest"}},
	}
	for _, ch := range choices {
		v := qp.Get(ch.name)
		if v == "" {
			continue
		}
		if !slices.Contains(ch.allowed, v) {
			return f, badRequest(ch.name, ch.name+" must be one of "+strings.Join(ch.allowed, ", "))
		}
		*ch.dst = v
	}
	if v := qp.Get("country"); v != "" {
		if !countryCodeRE.MatchString(v) {
			return f, badRequest("country", "country must be a country code, such as KE")
		}
		f.Country = v
	}
	if v := qp.Get("question"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return f, badRequest("question", "question must be a question number, from 1")
		}
		f.Question = n
	}
	if v := qp.Get("state"); v != "" {
		if !slices.Contains(commentStates, v) {
			return f, badRequest("state", "state must be one of "+strings.Join(commentStates, ", "))
		}
		if v != store.CommentApproved && !userFrom(c).HasRole("editor") {
			return f, badRequest("state", "Only approved comments are public; other states are for editors")
		}
		f.States = []string{v}
		if v == "all" {
			f.States = []string{store.CommentPending, store.CommentApproved, store.CommentHidden, store.CommentWithdrawn}
		}
	}
	return f, nil
}

func (s *Server) apiComments(c echo.Context) error {
	k, err := s.readableConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	f, err := apiCommentFilter(c, k.Slug)
	if err != nil {
		return err
	}
	list, err := s.db.Comments(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items, err := s.commentsJSONFor(c, list.Items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": list.Total, "page": list.Page, "per_page": list.PerPage})
}

// newCommentJSON is the body of POST /api/v1/consultations/{slug}/comments.
type newCommentJSON struct {
	Paragraph *string `json:"paragraph"`
	Question  *int    `json:"question"`
	Type      string  `json:"type"`
	Body      string  `json:"body"`
	Proposed  string  `json:"proposed_text"`
	Display   string  `json:"display"`
}

func (s *Server) apiPostComment(c echo.Context) error {
	var in newCommentJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n := store.NewComment{Consultation: c.Param("slug"), Type: in.Type, Body: in.Body, Proposed: in.Proposed, Display: in.Display}
	if in.Paragraph != nil {
		n.Paragraph = *in.Paragraph
	}
	if in.Question != nil {
		if *in.Question < 1 {
			return &store.ValidationError{Fields: map[string]string{"question": "Questions are numbered from 1; send null for no question"}}
		}
		n.Question = *in.Question
	}
	m, err := s.postComment(c, n)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, views.CommentURL(m.Consultation, m.ID))
	return s.commentAnswer(c, http.StatusCreated, m)
}

// commentID reads the :id of a comment route; anything but a number is a
// comment that does not exist.
func commentID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("comment %q: %w", c.Param("id"), store.ErrNotFound)
	}
	return id, nil
}

func (s *Server) apiComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	m, err := s.visibleComment(c, id)
	if err != nil {
		return err
	}
	return s.commentAnswer(c, http.StatusOK, m)
}

// commentPatchJSON is the body of PATCH /api/v1/comments/{id}; absent
// fields keep their value. The target cannot change.
type commentPatchJSON struct {
	Type     *string `json:"type"`
	Body     *string `json:"body"`
	Proposed *string `json:"proposed_text"`
	Display  *string `json:"display"`
}

func (s *Server) apiPatchComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var in commentPatchJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.visibleComment(c, id)
	if err != nil {
		return err
	}
	n := store.NewComment{Consultation: m.Consultation, Type: m.Type, Body: m.Body, Proposed: m.Proposed, Display: m.Display}
	for _, f := range []struct{ dst, src *string }{{&n.Type, in.Type}, {&n.Body, in.Body}, {&n.Proposed, in.Proposed}, {&n.Display, in.Display}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	// The store refuses anyone but the author with ErrNotFound.
	m, err = s.reviseComment(c, id, n)
	if err != nil {
		return err
	}
	return s.commentAnswer(c, http.StatusOK, m)
}

func (s *Server) apiWithdrawComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	m, err := s.db.WithdrawComment(actorCtx(c), id)
	if err != nil {
		return err
	}
	return s.commentAnswer(c, http.StatusOK, m)
}

// moderationJSON is the body of POST /api/v1/comments/{id}/moderation.
type moderationJSON struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

func (s *Server) apiModerateComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var in moderationJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.moderateComment(c, id, in.Action, in.Reason, in.Note)
	if err != nil {
		return err
	}
	return s.commentAnswer(c, http.StatusOK, m)
}

// flagJSON is a reader's flag, in the request and the answer of
// POST /api/v1/comments/{id}/flags.
type flagJSON struct {
	Reason    string `json:"reason"`
	Note      string `json:"note"`
	CreatedAt string `json:"created_at,omitempty"`
}

func (s *Server) apiFlagComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.db.FlagComment(actorCtx(c), id, in.Reason, in.Note); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"flag": flagJSON{Reason: in.Reason, Note: strings.TrimSpace(in.Note),
		CreatedAt: apiTime(s.now())}})
}

// heatJSON is a consultation's heat table: approved comments by target and
// stakeholder group.
type heatJSON struct {
	Groups []string      `json:"groups"`
	Rows   []heatRowJSON `json:"rows"`
}

type heatRowJSON struct {
	Paragraph *string        `json:"paragraph"`
	Key       string         `json:"key"`
	Section   string         `json:"section"`
	Label     string         `json:"label"`
	Counts    map[string]int `json:"counts"`
	Total     int            `json:"total"`
}

func toHeatJSON(rows []store.HeatRow) heatJSON {
	out := heatJSON{Groups: slices.Clone(store.StakeholderGroups), Rows: []heatRowJSON{}}
	for _, r := range rows {
		row := heatRowJSON{Key: r.Key, Section: r.Section, Label: r.Label, Counts: r.Counts, Total: r.Total}
		if r.Paragraph != "" {
			pid := r.Paragraph
			row.Paragraph = &pid
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

func (s *Server) apiHeat(c echo.Context) error {
	k, err := s.readableConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	rows, err := s.db.Heat(c.Request().Context(), k.Slug)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toHeatJSON(rows))
}

// statsJSON sums up a consultation's approved comments; every approved
// comment counts once, campaign copies included.
type statsJSON struct {
	ByGroup   map[string]int `json:"by_group"`
	ByCountry map[string]int `json:"by_country"`
	ByType    map[string]int `json:"by_type"`
	// ByDisposition has every disposition slug, zeros included, and
	// "none" for comments without a disposition yet.
	ByDisposition map[string]int `json:"by_disposition"`
	Answered      answeredJSON   `json:"answered"`
	Approved      int            `json:"approved"`
	Heat          heatJSON       `json:"heat"`
}

// answeredJSON is how many approved comments have a disposition, and
// their share of all (0 to 1; 0 when there is no comment).
type answeredJSON struct {
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

func (s *Server) apiStats(c echo.Context) error {
	k, err := s.readableConsultation(c, c.Param("slug"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := s.db.CommentStats(ctx, k.Slug)
	if err != nil {
		return err
	}
	out := statsJSON{ByGroup: st.ByGroup, ByCountry: map[string]int{}, ByType: st.ByType, ByDisposition: map[string]int{},
		Answered: answeredJSON{Count: st.Answered, Share: st.Share()}, Approved: st.Approved}
	for _, cc := range st.ByCountry {
		out.ByCountry[cc.Country] = cc.Count
	}
	for d, n := range st.ByDisposition {
		if d == "" {
			d = "none"
		}
		out.ByDisposition[d] = n
	}
	rows, err := s.db.Heat(ctx, k.Slug)
	if err != nil {
		return err
	}
	out.Heat = toHeatJSON(rows)
	return c.JSON(http.StatusOK, out)
}

// eachApprovedComment calls fn for every approved comment of a
// consultation in document order, a page at a time.
func (s *Server) eachApprovedComment(c echo.Context, slug string, fn func(store.Comment) error) error {
	for page := 1; ; page++ {
		list, err := s.db.Comments(c.Request().Context(), store.CommentFilter{Consultation: slug, Page: page, PerPage: maxAPIPerPage})
		if err != nil {
			return err
		}
		for _, m := range list.Items {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(list.Items) < maxAPIPerPage {
			return nil
		}
	}
}

// dispositionInJSON is the body of PUT /api/v1/comments/{id}/disposition.
type dispositionInJSON struct {
	Disposition string         `json:"disposition"`
	Rationale   string         `json:"rationale"`
	AddressedIn *addressedJSON `json:"addressed_in"`
}

// apiDisposeComment answers PUT /api/v1/comments/{id}/disposition: an
// editor gives or revises the disposition; the answer is the comment.
func (s *Server) apiDisposeComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var in dispositionInJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d := store.Disposition{Value: in.Disposition, Rationale: in.Rationale}
	if in.AddressedIn != nil {
		d.AddressedIn = store.Addressed{Version: in.AddressedIn.Version, Paragraphs: in.AddressedIn.Paragraphs}
		if in.AddressedIn.Version < 1 {
			return &store.ValidationError{Fields: map[string]string{"addressed_in.version": "Versions are numbered from 1; send null when no later version addressed the comment"}}
		}
	}
	m, err := s.dispose(c, id, d)
	if err != nil {
		return err
	}
	return s.commentAnswer(c, http.StatusOK, m)
}

// apiDispositionHistory answers GET /api/v1/comments/{id}/dispositions:
// every disposition given to a comment, oldest first. Dispositions are
// public once given, like the comment they answer.
func (s *Server) apiDispositionHistory(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	if _, err := s.visibleComment(c, id); err != nil {
		return err
	}
	list, err := s.db.DispositionHistory(c.Request().Context(), id)
	if err != nil {
		return err
	}
	items := make([]*dispositionJSON, 0, len(list))
	for _, d := range list {
		items = append(items, toDispositionJSON(d))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)})
}

// apiReplyToComment answers POST /api/v1/comments/{id}/replies: an
// editor's public reply, 201 with the reply and the comment's permalink.
func (s *Server) apiReplyToComment(c echo.Context) error {
	id, err := commentID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.replyTo(c, id, in.Body)
	if err != nil {
		return err
	}
	m, err := s.db.Comment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	group, err := s.db.GroupName(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, views.CommentURL(m.Consultation, m.ID))
	return c.JSON(http.StatusCreated, map[string]any{"reply": toReplyJSON(r, group)})
}
