package views

import "time"

// OutboxRow is one message of the outbox.
type OutboxRow struct {
	ID          int64
	To          string
	Kind        string
	Subject     string
	Body        string
	Unsubscribe string
	Created     time.Time
	Attempts    int
	NextAttempt time.Time
	Sent        time.Time // zero until sent
	LastError   string
}

// OutboxPage lists the notification outbox for admins.
type OutboxPage struct {
	Base
	// Server is the SMTP server's host:port; "" when mail is not configured.
	Server      string
	Rows        []OutboxRow
	Total       int
	MaxAttempts int
	Pager       Pager
}

// UnsubscribePage confirms, then reports, turning a subscription off
// from a signed link.
type UnsubscribePage struct {
	Base
	// Topic says what the subscription sends, such as "emails when a
	// consultation opens".
	Topic string
	// Action is where the confirmation button posts (the signed link).
	Action string
	// Done is set once the subscription is off.
	Done bool
}
