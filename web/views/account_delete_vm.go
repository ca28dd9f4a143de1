package views

import "time"

// AccountDeleteURL is the form that deletes one's own account.
const AccountDeleteURL = "/account/delete"

// WorkspaceURL is members' start page.
const WorkspaceURL = "/workspace"

// WorkspacePage is a member's start page.
type WorkspacePage struct {
	Base
	Role       string
	Drafts     []WorkspaceDoc
	Unreviewed int
	Recent     []WorkspaceEvent
	Imports    []WorkspaceEvent
	Comments   int
}

// Editor is whether the member edits (editors and admins).
func (p WorkspacePage) Editor() bool { return p.Role == "editor" || p.Role == "admin" }

// WorkspaceDoc is a document the member works on.
type WorkspaceDoc struct {
	Title, Status, Href string
	Updated             time.Time
}

// WorkspaceEvent is one change or import, from the audit log.
type WorkspaceEvent struct {
	At                            time.Time
	Actor, Action, Object, Detail string
}

// AccountDeletePage confirms the deletion of one's own account.
type AccountDeletePage struct {
	Base
	Form Form
	// LastAdmin is set when the account is the last administrator, who
	// cannot be deleted.
	LastAdmin bool
}
