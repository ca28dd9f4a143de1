package views

import "strconv"

// MFALoginPage is the second step of signing in: the code from the
// authenticator app, or a recovery code.
type MFALoginPage struct {
	Base
	Form Form
	// Token is the signed pending sign-in (the user and its expiry) that
	// the password step issued; it is not a session.
	Token string
	Next  string
	// TOTP is true when the account has an authenticator app (and so
	// recovery codes); Passkey when it has a passkey this site can use.
	TOTP    bool
	Passkey bool
	// PasskeyOff says why the account's passkeys cannot be used here.
	PasskeyOff string
}

// MFAPage is /account/mfa: enrolment, the recovery codes once, or the
// state of an enabled second factor with the form to turn it off.
type MFAPage struct {
	Base
	Form Form
	// Enabled is true when TOTP is on; then RecoveryLeft and the disable
	// form are shown.
	Enabled      bool
	RecoveryLeft int
	// Secret (base32, for typing by hand) and QR (a data: URL of a PNG)
	// enrol an app; set while enrolment is pending.
	Secret string
	QR     string
	// RecoveryCodes are shown once, right after enrolment is confirmed.
	RecoveryCodes []string
	// Required says that --require-mfa keeps this account here until it
	// enrols.
	Required bool
	// Disabled says that the second factor was just turned off.
	Disabled bool
	// Passkeys are the account's passkeys; PasskeyOff, when set, says
	// why passkeys cannot be added on this site.
	Passkeys   []PasskeyRow
	PasskeyOff string
	// Remove is the refused removal of passkey RemoveID: its password
	// error is shown beside that passkey.
	Remove   Form
	RemoveID int64
}

// PasskeyRow is one of the account's passkeys as /account/mfa lists it.
type PasskeyRow struct {
	ID       int64
	Name     string
	Created  string
	LastUsed string
}

// PasskeyRemoveURL is the form action that removes the account's passkey id.
func PasskeyRemoveURL(id int64) string {
	return "/account/mfa/passkeys/" + strconv.FormatInt(id, 10) + "/remove"
}

// PasskeyPasswordID is the id of the password field in the form that
// removes passkey id: one per passkey, apart from the other password
// fields of the page.
func PasskeyPasswordID(id int64) string {
	return "passkey-password-" + strconv.FormatInt(id, 10)
}

// errorFor is the password error of the removal of passkey id, if that
// removal was just refused.
func errorFor(p MFAPage, id int64) string {
	if p.RemoveID != id {
		return ""
	}
	return p.Remove.Err("password")
}
