package views

// AccountDeleteURL is the form that deletes one's own account.
const AccountDeleteURL = "/account/delete"

// WorkspaceURL is members' start page.
const WorkspaceURL = "/workspace"
