package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Consultation states, computed from the clock.
const (
	ConsultationUpcoming = "upcoming"
	ConsultationOpen     = "open"
	ConsultationClosed   = "closed"
)

// Moderation modes: in pre-moderation a comment waits for a moderator's
// approval before anyone else sees it; in post-moderation it is public at
// once and may be hidden later.
const (
	ModerationPre  = "pre"
	ModerationPost = "post"
)

// ModerationModes lists the moderation modes.
var ModerationModes = []string{ModerationPre, ModerationPost}

// Errors of the consultation rules; each is also an ErrConflict.
var (
	ErrConsultationNotOpen = fmt.Errorf("the consultation is not open yet: %w", ErrConflict)
	ErrConsultationClosed  = fmt.Errorf("the consultation is closed: %w", ErrConflict)
	ErrConsultationExists  = fmt.Errorf("the document has a consultation that has not closed: %w", ErrConflict)
	ErrConsultationOpen    = fmt.Errorf("the consultation is open: %w", ErrConflict)
)

// Consultation is a public consultation on one version of a document.
type Consultation struct {
	ID       int64
	Slug     string
	Title    string
	Document string // the document's slug
	// DocumentTitle is the document's title, for lists.
	DocumentTitle    string
	Version          int
	OpensAt          time.Time
	ClosesAt         time.Time
	Timezone         string
	Introduction     string
	IntroductionHTML string
	Questions        []Question
	Moderation       string
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	AnnouncedAt      time.Time
	Counts           ConsultationCounts
}

// Question is a guiding question; its number is its 1-based position.
type Question struct {
	Number  int
	Text    string
	Section string // "" when the question is about the whole document
}

// ConsultationCounts are the numbers of comments by state. Only Approved
// and ParagraphsCommented are public.
type ConsultationCounts struct {
	Approved            int
	ParagraphsCommented int
	Pending             int
	Hidden              int
	Flagged             int
}

// State is where the consultation stands at now.
func (c Consultation) State(now time.Time) string {
	switch {
	case now.Before(c.OpensAt):
		return ConsultationUpcoming
	case now.Before(c.ClosesAt):
		return ConsultationOpen
	default:
		return ConsultationClosed
	}
}

// Location is the consultation's time zone, UTC if it does not load.
func (c Consultation) Location() *time.Location {
	if loc, err := time.LoadLocation(c.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Question returns question n, if it exists.
func (c Consultation) Question(n int) (Question, bool) {
	if n < 1 || n > len(c.Questions) {
		return Question{}, false
	}
	return c.Questions[n-1], true
}

// reservedConsultationSlugs are path segments of /consultations/ that name
// pages rather than consultations.
var reservedConsultationSlugs = []string{"new"}

// Validate checks a consultation before it is saved. Fields are named as
// in the JSON API.
func (c *Consultation) Validate() error {
	pr := problems{}
	c.Slug = strings.TrimSpace(c.Slug)
	c.Title = strings.TrimSpace(c.Title)
	c.Timezone = strings.TrimSpace(c.Timezone)
	switch {
	case c.Slug == "":
		pr.add("slug", "Enter a slug, such as iot-baseline-2027")
	case !ValidSlug(c.Slug):
		pr.add("slug", "Use lowercase letters, digits and single hyphens only, at most 100 characters")
	case in(reservedConsultationSlugs, c.Slug):
		pr.add("slug", fmt.Sprintf("%q names a page; choose another slug", c.Slug))
	}
	if c.Title == "" {
		pr.add("title", "Enter the consultation's title")
	}
	checkText(pr, "title", c.Title, 300)
	if strings.ContainsAny(c.Title, "\r\n") {
		// The title goes into email subjects, which are one line.
		pr.add("title", "Write the title on one line")
	}
	if c.Document == "" {
		pr.add("document", "Choose the document to consult on")
	}
	if c.Version < 1 {
		pr.add("version", "Choose the version to consult on")
	}
	if c.OpensAt.IsZero() {
		pr.add("opens_at", "Enter when the consultation opens")
	}
	if c.ClosesAt.IsZero() {
		pr.add("closes_at", "Enter when the consultation closes")
	} else if !c.OpensAt.IsZero() && !c.ClosesAt.After(c.OpensAt) {
		pr.add("closes_at", "The closing time must be after the opening time")
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	// "Local" would mean whatever zone the server runs in.
	if _, err := time.LoadLocation(c.Timezone); err != nil || strings.Contains(c.Timezone, "..") || c.Timezone == "Local" {
		pr.add("timezone", "Use an IANA time zone name, such as Europe/Paris or UTC")
	}
	checkText(pr, "introduction", c.Introduction, 20000)
	if c.Moderation == "" {
		c.Moderation = ModerationPre
	}
	if !in(ModerationModes, c.Moderation) {
		pr.add("moderation", "Choose pre (comments wait for approval) or post (comments are public at once)")
	}
	if len(c.Questions) > 20 {
		pr.add("questions", "Ask at most 20 guiding questions")
	}
	for i := range c.Questions {
		q := &c.Questions[i]
		q.Number = i + 1
		q.Text = strings.TrimSpace(q.Text)
		q.Section = strings.TrimSpace(q.Section)
		field := fmt.Sprintf("questions[%d]", i)
		if q.Text == "" {
			pr.add(field, fmt.Sprintf("Question %d is empty: write it or remove it", q.Number))
		}
		checkText(pr, field, q.Text, 1000)
		checkText(pr, field+".section", q.Section, 100)
		if strings.ContainsAny(q.Text, "\r\n") {
			pr.add(field, fmt.Sprintf("Write question %d on one line", q.Number))
		}
	}
	c.OpensAt = c.OpensAt.UTC().Truncate(time.Second)
	c.ClosesAt = c.ClosesAt.UTC().Truncate(time.Second)
	return pr.err()
}

// Comment types.
const (
	CommentGeneral   = "general"
	CommentTechnical = "technical"
	CommentEditorial = "editorial"
)

// CommentTypes lists the kinds of comment, as standards bodies sort them.
var CommentTypes = []string{CommentGeneral, CommentTechnical, CommentEditorial}

// Display choices of a comment's author.
const (
	DisplayNamed     = "named"
	DisplayAnonymous = "anonymous"
)

// Displays lists the display choices.
var Displays = []string{DisplayNamed, DisplayAnonymous}

// Comment states.
const (
	CommentPending   = "pending"
	CommentApproved  = "approved"
	CommentHidden    = "hidden"
	CommentWithdrawn = "withdrawn"
)

// HideReasons are why a moderator hides a comment, and why a reader flags
// one.
var HideReasons = []string{"spam", "off-topic", "abusive", "duplicate", "personal-data"}

// Comment is one stakeholder's comment in a consultation.
type Comment struct {
	ID           int64
	Consultation string // slug
	// ConsultationTitle is the consultation's title, for messages and lists.
	ConsultationTitle string
	Paragraph         string // pid, "" for a question or the whole document
	Question          int    // 0 unless the comment answers a guiding question
	Section           string
	Label             string // "3.2 ¶1"; "" for the whole document
	Type              string
	Body              string
	BodyHTML          string
	Proposed          string
	Display           string
	AuthorID          int64
	Author            CommentAuthor
	State             string
	HideReason        string
	Note              string // the moderator's note
	Flagged           bool
	EditedAt          time.Time
	CreatedAt         time.Time
	// Version is the number of the consulted version.
	Version int
	// Document is the slug of the consulted document.
	Document string
	// Disposition is the working group's answer, nil until one is given.
	Disposition *Disposition
	// GroupID is the campaign group of near-identical comments the comment
	// belongs to, 0 for none.
	GroupID int64
}

// CommentAuthor is who wrote a comment as they were when they wrote it.
type CommentAuthor struct {
	Name         string
	Organisation string
	Group        string
	Country      string
}

// Public is what anyone may know of the author: everything for a named
// comment, only the stakeholder group and country for an anonymous one.
func (c Comment) Public() CommentAuthor {
	if c.Display == DisplayNamed {
		return c.Author
	}
	return CommentAuthor{Group: c.Author.Group, Country: c.Author.Country}
}

// Target says what the comment is about, in words.
func (c Comment) Target() string {
	switch {
	case c.Paragraph != "":
		return c.Label
	case c.Question > 0:
		return fmt.Sprintf("Question %d", c.Question)
	default:
		return "The whole document"
	}
}

// CommentRevision is an earlier text of an edited comment.
type CommentRevision struct {
	Number   int
	Type     string
	Body     string
	BodyHTML string
	Proposed string
	Written  time.Time
}

// Comment text limits.
const (
	MaxCommentBody     = 10000
	MaxCommentProposed = 10000
)

// NewComment is what a stakeholder sends. The author is the actor of the
// context; BodyHTML is the body already rendered and sanitised.
type NewComment struct {
	Consultation string
	Paragraph    string
	Question     int
	Type         string
	Body         string
	BodyHTML     string
	Proposed     string
	Display      string
	// Signature is the body's MinHash signature (content.MinHash), which
	// files the comment with its near copies; nil leaves it ungrouped.
	Signature Signature
}

// validate checks the fields that need no database.
func (n *NewComment) validate() problems {
	pr := problems{}
	n.Paragraph = strings.TrimSpace(n.Paragraph)
	n.Body = strings.TrimSpace(n.Body)
	n.Proposed = strings.TrimSpace(n.Proposed)
	if n.Type == "" {
		n.Type = CommentGeneral
	}
	if !in(CommentTypes, n.Type) {
		pr.add("type", "Choose general, technical or editorial")
	}
	if n.Body == "" {
		pr.add("body", "Write your comment")
	} else if utf8.RuneCountInString(n.Body) > MaxCommentBody {
		pr.add("body", fmt.Sprintf("Your comment has %d characters; use at most %d", utf8.RuneCountInString(n.Body), MaxCommentBody))
	}
	checkText(pr, "body", n.Body, MaxCommentBody)
	checkText(pr, "proposed_text", n.Proposed, MaxCommentProposed)
	if n.Proposed != "" && n.Paragraph == "" {
		pr.add("proposed_text", "Proposed text replaces a paragraph: comment on a paragraph to propose text")
	}
	if n.Display != "" && !in(Displays, n.Display) {
		pr.add("display", "Choose named or anonymous")
	}
	if n.Paragraph != "" && n.Question != 0 {
		pr.add("question", "A comment is about a paragraph or a question, not both")
	}
	if n.Question < 0 {
		pr.add("question", "Questions are numbered from 1")
	}
	return pr
}

// ProfileComplete reports whether a user may comment: a name, a
// stakeholder group and a country. An organisation may be empty (an
// individual).
func (u *User) ProfileComplete() bool {
	return u != nil && strings.TrimSpace(u.Name) != "" && u.StakeholderGroup != "" && u.Country != ""
}

// RateLimitError says an action was refused because its key acted too
// often; Wait is how long until it may act again.
type RateLimitError struct {
	Key  string
	Wait time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limit of %s: try again in %s", e.Key, e.Wait.Round(time.Second))
}

// IsRateLimited reports whether err is a *RateLimitError, and returns it.
func IsRateLimited(err error) (*RateLimitError, bool) {
	var rl *RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}

// Limits are the rate limits that apply to one request; zero turns a limit
// off.
type Limits struct {
	PerAccount int // per account per hour
	PerIP      int // per client address per hour
	IP         string
}

// HeatRow is one row of a consultation's heat table: a commentable
// paragraph (or the whole document, or the questions) and its approved
// comments by stakeholder group.
type HeatRow struct {
	Paragraph string // "" for the rows general and questions
	Key       string // the paragraph id, "general" or "questions"
	Section   string
	Label     string
	Counts    map[string]int
	Total     int
}

// CommentFilter selects comments of one consultation.
type CommentFilter struct {
	Consultation string
	Paragraph    string
	Section      string
	Group        string
	Country      string
	Type         string
	// Question selects comments on one guiding question.
	Question int
	// States are the states to include; empty means approved only.
	States []string
	// Sort is "document" (default), "newest" or "oldest".
	Sort    string
	Page    int
	PerPage int
	// Collapse lists each campaign group once, as the first (oldest) of
	// its comments the filter selects; the others the filter selects are
	// in CommentList.Similar. Total still counts every comment; pages
	// are pages of entries.
	Collapse bool
}

// CommentList is a page of comments.
type CommentList struct {
	Items   []Comment
	Total   int
	Page    int
	PerPage int
	// Entries is how many entries the pages hold: Total, or fewer when
	// campaign groups are collapsed.
	Entries int
	// Similar lists, by the id of an item that heads a collapsed
	// campaign group, the group's other comments the filter selects,
	// oldest first.
	Similar map[int64][]Comment
}

// Flag is a reader's flag on a comment.
type Flag struct {
	Reason  string
	Note    string
	By      string
	Created time.Time
}

// QueuedComment is a comment in the moderation queue, with its open flags.
type QueuedComment struct {
	Comment
	AuthorEmail string
	Flags       []Flag
}
