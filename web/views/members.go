package views

import (
	"net/url"
	"strconv"
	"time"

	"github.com/dc-isss/accord/content"
)

// LoginPage is the sign-in form.
type LoginPage struct {
	Base
	Form Form
	Next string
	// ForgotPassword offers the reset by email, only where mail can be
	// sent.
	ForgotPassword bool
}

// RegisterPage is the stakeholder registration form.
type RegisterPage struct {
	Base
	Form      Form
	Groups    []Choice
	Countries []Choice
	// SubscribedConsultations is the "email me when a consultation
	// opens" setting.
	SubscribedConsultations bool
	// Next is the page to go back to once registered, such as the
	// paragraph the stakeholder wanted to comment on; "" for the account
	// page.
	Next string // ByMail is true when this site can send mail: the address is then
	// confirmed by an emailed link, and the password chosen on the page
	// it opens, not here.
	ByMail bool
}

// RegisterURL is the registration form, coming back to next afterwards
// (a local path; "" or "/" for none).
func RegisterURL(next string) string {
	if next == "" || next == "/" {
		return "/register"
	}
	return Q("/register", "next", next)
}

// LoginURL is the sign-in form, coming back to next afterwards.
func LoginURL(next string) string {
	if next == "" || next == "/" {
		return "/login"
	}
	return Q("/login", "next", next)
}

// SetupPage creates the first administrator.
type SetupPage struct {
	Base
	Form Form
}

// TokenRow is one API token on the account page.
type TokenRow struct {
	ID       int64
	Name     string
	Created  time.Time
	LastUsed time.Time // zero: never used
	Expires  time.Time // zero: never expires
	Revoked  bool
	// Active is neither revoked nor expired.
	Active bool
}

// AccountPage is one's own profile, password and API tokens.
type AccountPage struct {
	Base
	Email     string
	Role      string
	Profile   Form
	Password  Form
	TokenForm Form
	Tokens    []TokenRow
	// NewToken is shown once, right after it was created.
	NewToken  string
	Groups    []Choice
	Countries []Choice
	// SubscribedConsultations is the "email me when a consultation
	// opens" setting.
	SubscribedConsultations bool
	// CommentNews is the "email me about my comments" setting.
	CommentNews bool
	// Sessions are the account's signed-in browsers.
	Sessions []SessionRow
}

// SessionRow is one signed-in browser on the account page.
type SessionRow struct {
	ID int64
	// Device is a short name from the user agent ("Firefox on Linux");
	// Agent is the user agent itself, for whoever wants the detail.
	Device  string
	Agent   string
	IP      string
	Created time.Time
	Seen    time.Time
	// Current is the browser looking at the page.
	Current bool
}

// PolicyFormPage adds or edits a policy.
type PolicyFormPage struct {
	Base
	Form          Form
	New           bool
	Slug          string
	PolicyTitle   string
	Jurisdictions []Choice
	Types         []Choice
	Statuses      []Choice
	Bindings      []Choice
	Confidences   []Choice
	Topics        []Choice
	Layers        []Choice
}

// ProvisionFormPage adds or edits a provision of a policy.
type ProvisionFormPage struct {
	Base
	Form        Form
	PolicySlug  string
	PolicyTitle string
	Ref         string // the provision edited; "" when adding
	Topics      []Choice
}

// MappingFormPage adds or edits a mapping of a policy to a framework item.
type MappingFormPage struct {
	Base
	Form          Form
	PolicySlug    string
	PolicyTitle   string
	ID            int64 // the mapping edited; 0 when adding
	Frameworks    []Choice
	Items         []Choice
	Provisions    []Choice
	Relationships []Choice
	// Review says where the mapping's review stands and that saving a
	// change resets it; a second member reviews from the review queue.
	Review string
}

// ConfirmPage asks before something is deleted.
type ConfirmPage struct {
	Base
	Heading string
	Message string
	Action  string
	Button  string
	Cancel  string
}

// RevisionRow is one revision in a policy's history.
type RevisionRow struct {
	Rev    int
	Author string
	Note   string
	At     time.Time
	// Previous is the revision before, 0 for the first; Changed names the
	// fields that changed since it.
	Previous int
	Changed  []string
}

// HistoryURL is the address of a policy's history comparing revisions
// from and to.
func HistoryURL(slug string, from, to int) string {
	return Q(PolicyURL(slug)+"/history", "from", strconv.Itoa(from), "to", strconv.Itoa(to))
}

// FieldChange is one field that differs between two revisions: its old
// and new values, and for long text the words that changed.
type FieldChange struct {
	Field    string
	Old, New string
	// Parts is the word diff of a long text field, nil for a short one.
	Parts []content.Part
}

// HistoryPage lists a policy's revisions and compares two of them.
type HistoryPage struct {
	Base
	Slug      string
	Title     string
	Exists    bool
	Revisions []RevisionRow
	From, To  int
	// Changes lists the fields that differ from revision From to To.
	Changes []FieldChange
}

// ImportProblem is one line of an import report.
type ImportProblem struct {
	Line    int
	Field   string
	Message string
}

// ImportReport says what importing one file did.
type ImportReport struct {
	File      string
	Rejected  bool
	Created   []string
	Updated   []string
	Unchanged []string
	Problems  []ImportProblem
}

// ImportPage is the upload form and, after an upload, its report.
type ImportPage struct {
	Base
	Form    Form
	Reports []ImportReport
	MaxMB   int
}

// Invalid reports whether the upload went wrong: no file chosen, or a file
// rejected.
func (p ImportPage) Invalid() bool {
	for _, r := range p.Reports {
		if r.Rejected {
			return true
		}
	}
	return p.Form.Invalid()
}

// UserRow is one account on the admin page.
type UserRow struct {
	ID           int64
	Email        string
	Name         string
	Organisation string
	Role         string
	Disabled     bool
	Self         bool
	Created      time.Time
	// MFA is set when the account has a second factor (an admin may reset it).
	MFA bool
}

// AdminUsersPage lists accounts with role and access controls.
type AdminUsersPage struct {
	Base
	Users []UserRow
	Roles []Choice
}

// AuditRow is one audit event.
type AuditRow struct {
	At     time.Time
	Actor  string
	Action string
	Object string
	Detail string
	IP     string
}

// AuditPage is the filterable audit log.
type AuditPage struct {
	Base
	Form    Form
	Actions []Choice
	Rows    []AuditRow
	Total   int
	Pager   Pager
}

// UTC formats a time for the audit log and history, always in UTC.
func UTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// I64 formats an id for templates.
func I64(n int64) string { return strconv.FormatInt(n, 10) }

// ProvisionURL is the address of a provision's editing pages.
func ProvisionURL(slug, ref string) string {
	return PolicyURL(slug) + "/provisions/" + url.PathEscape(ref)
}
