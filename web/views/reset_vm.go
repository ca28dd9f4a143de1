package views

// ForgotURL is the form that asks for a password reset link.
const ForgotURL = "/password/forgot"

// ResetURL is the page a reset link opens: the new-password form.
func ResetURL(token string) string { return Q("/password/reset", "token", token) }

// ConfirmRegistrationURL is the page a registration's confirmation link
// opens.
func ConfirmRegistrationURL(token string) string { return Q("/register/confirm", "token", token) }

// ForgotPage asks for the address to send a reset link to.
type ForgotPage struct {
	Base
	Form Form
	// Available is false when this site cannot send mail: the page then
	// says how else to get a new password, and has no form.
	Available bool
	// SentTo is the address just asked for: the page says that a link was
	// sent if an account has it, whether or not one does.
	SentTo string
}

// ResetPage is the new-password form a reset link opens.
type ResetPage struct {
	Base
	Form  Form
	Token string
	Email string
}

// LinkInvalidPage answers a reset or confirmation link that no longer
// works, with a way to ask for a new one.
type LinkInvalidPage struct {
	Base
	Message    string
	AgainURL   string
	AgainLabel string
}

// RegisterSentPage answers a registration while mail can be sent: the
// same words whether or not the address already has an account.
type RegisterSentPage struct {
	Base
	Email string
}

// ConfirmRegistrationPage is what a confirmation link opens: the form
// that chooses the account's password and creates the account. A GET
// changes nothing, so that mail scanners following links do not use it
// up.
type ConfirmRegistrationPage struct {
	Base
	Form  Form
	Token string
	Email string
}
