package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// flashCookie carries a one-time confirmation across a redirect (POST,
// then 303 to a page that says what happened).
const flashCookie = "accord_flash"

// flashes are the confirmations, by the code the cookie carries. Only
// codes travel, so a forged cookie can show nothing but these words.
var flashes = map[string]string{
	"signed-in":         "You are signed in.",
	"signed-out":        "You are signed out.",
	"account-deleted":   "Your account is deleted and you are signed out.",
	"registered":        "Your account is ready and you are signed in.",
	"setup":             "The administrator account is ready and you are signed in.",
	"profile":           "Your profile is saved.",
	"password":          "Your password is changed; your other sessions were signed out.",
	"password-reset":    "Your password is changed: every session was signed out and every API token revoked. Sign in with the new password.",
	"token-revoked":     "The token is revoked.",
	"session-ended":     "The session is ended; that browser is signed out.",
	"sessions-ended":    "Every session of the account is ended; the account and its API tokens still work.",
	"subscriptions":     "Your email settings are saved.",
	"policy-created":    "The policy is added.",
	"policy-saved":      "The policy is saved.",
	"policy-unchanged":  "Nothing changed, so nothing was saved.",
	"policy-deleted":    "The policy is deleted. Its history is kept.",
	"provision-saved":   "The provision is saved.",
	"provision-deleted": "The provision is deleted.",
	"mapping-saved":     "The mapping is saved.",
	"mapping-deleted":   "The mapping is removed.",
	"mapping-approved":  "The mapping is approved and counts as reviewed evidence.",
	"mapping-rejected":  "The mapping is rejected: it is kept, and counted nowhere.",
	"role-changed":      "The role is changed.",
	"user-disabled":     "The account is disabled; its sessions and tokens no longer work.",
	"user-enabled":      "The account is enabled again.",
	// Consultations.
	"consultation-created": "The consultation is created.",
	"consultation-saved":   "The consultation is saved.",
	"consultation-deleted": "The consultation is deleted.",
	// Commenting and moderation (comments.go, moderation.go).
	"comment-published":       "Thank you: your comment is published.",
	"comment-pending":         "Thank you: your comment will appear once a moderator approves it.",
	"comment-edited":          "Your comment is changed; its earlier text is kept.",
	"comment-edited-pending":  "Your comment is changed; it will appear again once a moderator approves it.",
	"comment-withdrawn":       "Your comment is withdrawn.",
	"comment-flagged":         "Thank you: the moderators will look at this comment.",
	"comment-flagged-already": "You have already reported this comment; the moderators will look at it.",
	"comment-approved":        "The comment is approved and public.",
	"comment-hidden":          "The comment is hidden; its author sees why.",
	// Campaign groups (groups.go).
	"group-approved":    "Every comment of the group is approved and public; each author is told.",
	"group-hidden":      "Every comment of the group is hidden; each author sees why.",
	"group-disposed":    "Every published comment of the group has the disposition; each author is told.",
	"comment-ungrouped": "The comment is out of the group for good.",
	// Resolution (resolution.go).
	"reply-sent":        "Your reply is published; the commenter is told.",
	"disposition-saved": "The disposition is saved; the commenter is told.",
	// The resolution table (resolution.go).
	"resolution-applied": "The dispositions of the imported table are applied.",
}

// redirectFlash answers a successful form with a 303 to the page that
// shows the result, carrying a confirmation.
func (s *Server) redirectFlash(c echo.Context, to, code string) error {
	s.setCookie(c, flashCookie, code, 60)
	return c.Redirect(http.StatusSeeOther, to)
}

// takeFlash reads and clears the confirmation, if any.
func (s *Server) takeFlash(c echo.Context) string {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	s.clearCookie(c, flashCookie)
	if n, ok := strings.CutPrefix(ck.Value, editionFlashPrefix); ok {
		// Only a number travels after the prefix, so a forged cookie
		// still shows nothing but these words.
		if _, err := strconv.Atoi(n); err == nil && len(n) < 7 {
			return "Edition " + n + " published."
		}
		return ""
	}
	return flashes[ck.Value]
}

// editionFlashPrefix starts the code of a published edition's
// confirmation; the edition's number follows (publish.go).
const editionFlashPrefix = "edition-published-"
