package views

// MFALoginPage is the second step of signing in: the code from the
// authenticator app, or a recovery code.
type MFALoginPage struct {
	Base
	Form Form
	// Token is the signed pending sign-in (the user and its expiry) that
	// the password step issued; it is not a session.
	Token string
	Next  string
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
}
