package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Message is one email in the outbox: queued in the transaction of the
// event it tells about, sent later by the delivery loop, and kept after
// sending so that admins can see what went out.
type Message struct {
	ID int64
	// UserID is the recipient's account; 0 when the message is for an
	// address without one, or the account was deleted.
	UserID  int64
	To      string
	Kind    string // comment-receipt, comment-approved, consultation-opened...
	Subject string
	Body    string // plain text
	// Unsubscribe is the absolute one-click unsubscribe URL, or "".
	Unsubscribe string
	CreatedAt   time.Time
	Attempts    int
	NextAttempt time.Time
	// SentAt is zero until the message is sent.
	SentAt    time.Time
	LastError string
}

// MaxAttempts is how many failed sends a message gets; after that it
// stays in the outbox, with its last error, for an admin to look at.
const MaxAttempts = 8

// TopicConsultations is the subscription to "a consultation opens".
const TopicConsultations = "consultations"

// TopicCommentNews is the email about one's own comments: the receipt,
// moderation, replies and dispositions. Every commenter gets it until they
// opt out.
const TopicCommentNews = "comment-news"

// Topics are the kinds of email an account can turn on or off.
var Topics = []string{TopicConsultations, TopicCommentNews}

// optOut reports whether a topic is on until one says no (it is kept in
// email_optouts), rather than off until one asks (subscriptions).
func optOut(topic string) bool { return topic == TopicCommentNews }

// Validate checks that a message can be sent.
func (m *Message) Validate() error {
	pr := problems{}
	m.To = strings.TrimSpace(m.To)
	if m.To == "" || strings.ContainsAny(m.To, "\r\n") {
		pr.add("to", "Give the recipient's address")
	}
	if m.Kind == "" {
		pr.add("kind", "Say what kind of message this is")
	}
	if strings.TrimSpace(m.Subject) == "" || strings.ContainsAny(m.Subject, "\r\n") {
		pr.add("subject", "Give a subject on one line")
	}
	if strings.ContainsAny(m.Unsubscribe, "\r\n <>") {
		pr.add("unsubscribe", "The unsubscribe URL must be one URL")
	}
	return pr.err()
}

// qEnqueue queues a message.
const qEnqueue = `INSERT INTO outbox (user_id, to_addr, kind, subject, body, unsubscribe_url, created_at,
		next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// enqueue queues one message inside the caller's transaction, due at once,
// so that a message goes out if and only if the event it tells about was
// committed.
func (t *Tx) enqueue(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("queue %s message to %s: %w", m.Kind, m.To, err)
	}
	var uid any
	if m.UserID != 0 {
		uid = m.UserID
	}
	_, err := t.execCached(ctx, qEnqueue,
		uid, m.To, m.Kind, m.Subject, m.Body, m.Unsubscribe, t.stamp(), t.stamp())
	if err != nil {
		return fmt.Errorf("queue %s message to %s: %w", m.Kind, m.To, err)
	}
	return nil
}

// Enqueue queues messages in one transaction: all of them or none.
func (db *DB) Enqueue(ctx context.Context, msgs ...Message) error {
	return db.update(ctx, func(t *Tx) error {
		for _, m := range msgs {
			if err := t.enqueue(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

const messageColumns = `id, IFNULL(user_id, 0), to_addr, kind, subject, body, unsubscribe_url, created_at, attempts,
	next_attempt_at, sent_at, last_error`

func scanMessage(r interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var created, next, sent string
	err := r.Scan(&m.ID, &m.UserID, &m.To, &m.Kind, &m.Subject, &m.Body, &m.Unsubscribe, &created, &m.Attempts,
		&next, &sent, &m.LastError)
	m.CreatedAt, _ = time.Parse(time.RFC3339, created)
	m.NextAttempt, _ = time.Parse(time.RFC3339, next)
	if sent != "" {
		m.SentAt, _ = time.Parse(time.RFC3339, sent)
	}
	return m, err
}

// DueMessages lists up to limit unsent messages whose next attempt is due
// (and that have attempts left), oldest first.
func (db *DB) DueMessages(ctx context.Context, limit int) ([]Message, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+messageColumns+` FROM outbox
		WHERE sent_at = '' AND next_attempt_at <= ? AND attempts < ? ORDER BY next_attempt_at, id LIMIT ?`,
		db.Now().UTC().Format(time.RFC3339), MaxAttempts, limit)
	if err != nil {
		return nil, fmt.Errorf("list due messages: %w", err)
	}
	msgs, err := collect(rows, func(r *sql.Rows) (Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, fmt.Errorf("list due messages: %w", err)
	}
	return msgs, nil
}

// Message returns one message of the outbox by id.
func (db *DB) Message(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(db.read.QueryRowContext(ctx, "SELECT "+messageColumns+" FROM outbox WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Message{}, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

// MarkSent records that a message was handed to the mail server. A
// message carrying a link token keeps its body without it (see
// HideCredentials).
func (db *DB) MarkSent(ctx context.Context, id int64) error {
	return db.update(ctx, func(t *Tx) error {
		var kind, body string
		if err := t.tx.QueryRowContext(ctx, "SELECT kind, body FROM outbox WHERE id = ?", id).Scan(&kind, &body); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("mark message %d sent: %w", id, ErrNotFound)
			}
			return fmt.Errorf("mark message %d sent: %w", id, err)
		}
		res, err := t.exec(ctx, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '', body = ? WHERE id = ? AND sent_at = ''",
			t.stamp(), HideCredentials(kind, body), id)
		if err != nil {
			return fmt.Errorf("mark message %d sent: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("mark message %d sent: %w", id, ErrNotFound)
		}
		return nil
	})
}

// MarkFailed records a failed attempt and when to try again. After
// MaxAttempts failures the message is no longer due, but stays with its
// error for admins to see.
func (db *DB) MarkFailed(ctx context.Context, id int64, errText string, next time.Time) error {
	return db.update(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND sent_at = ''",
			errText, next.UTC().Format(time.RFC3339), id)
		if err != nil {
			return fmt.Errorf("mark message %d failed: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("mark message %d failed: %w", id, ErrNotFound)
		}
		return nil
	})
}

// Outbox lists one page of messages, newest first, and how many there are
// in all.
func (db *DB) Outbox(ctx context.Context, page, perPage int) (list []Message, total int, err error) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = 50
	}
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox").Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count outbox: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+messageColumns+" FROM outbox ORDER BY id DESC LIMIT ? OFFSET ?",
		perPage, (page-1)*perPage)
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	list, err = collect(rows, func(r *sql.Rows) (Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	return list, total, nil
}

// SetSubscription turns an account's subscription to a topic on or off.
// Turning on what is on, or off what is off, changes nothing and records
// nothing.
func (db *DB) SetSubscription(ctx context.Context, userID int64, topic string, on bool) error {
	if !in(Topics, topic) {
		return &ValidationError{Fields: map[string]string{"topic": "Choose a topic one can subscribe to"}}
	}
	return db.update(ctx, func(t *Tx) error {
		del, ins := "DELETE FROM subscriptions WHERE user_id = ? AND topic = ?",
			"INSERT INTO subscriptions (user_id, topic, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
		if optOut(topic) {
			// Turning an opt-out topic on removes the refusal.
			ins, del = "INSERT INTO email_optouts (user_id, topic, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				"DELETE FROM email_optouts WHERE user_id = ? AND topic = ?"
			on = !on
		}
		q := del
		args := []any{userID, topic}
		if on {
			q = ins
			args = append(args, t.stamp())
		}
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") {
				return fmt.Errorf("subscribe user %d: %w", userID, ErrNotFound)
			}
			return fmt.Errorf("set subscription of user %d to %s: %w", userID, topic, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		action := "subscription.on"
		if on == optOut(topic) {
			action = "subscription.off"
		}
		return t.audit(ctx, action, fmt.Sprintf("user/%d", userID), topic)
	})
}

// Subscribed reports whether an account is subscribed to a topic.
func (db *DB) Subscribed(ctx context.Context, userID int64, topic string) (bool, error) {
	return subscribed(ctx, db.read, userID, topic)
}

func subscribed(ctx context.Context, q querier, userID int64, topic string) (bool, error) {
	table := "subscriptions"
	if optOut(topic) {
		table = "email_optouts"
	}
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE user_id = ? AND topic = ?", userID, topic).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("subscription of user %d to %s: %w", userID, topic, err)
	}
	return (n > 0) != optOut(topic), nil
}

// Subscribers lists the enabled accounts subscribed to a topic, by email.
func (db *DB) Subscribers(ctx context.Context, topic string) ([]User, error) {
	return subscribersIn(ctx, db.read, topic)
}

func subscribersIn(ctx context.Context, q querier, topic string) ([]User, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+prefixed("u.", userColumns)+` FROM users u
		JOIN subscriptions s ON s.user_id = u.id WHERE s.topic = ? AND NOT u.disabled ORDER BY u.email`, topic)
	if err != nil {
		return nil, fmt.Errorf("list subscribers to %s: %w", topic, err)
	}
	users, err := collect(rows, func(r *sql.Rows) (User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("list subscribers to %s: %w", topic, err)
	}
	return users, nil
}

// Secret returns the random secret kept in the meta table under key,
// creating it (32 random bytes, base64url) on first use. The insert and
// the read share one write transaction, so processes racing to create it
// all end up with the one that was stored first.
func (db *DB) Secret(ctx context.Context, key string) (string, error) {
	if v, err := db.Meta(ctx, key); err != nil || v != "" {
		return v, err
	}
	fresh, err := newSecret()
	if err != nil {
		return "", fmt.Errorf("create secret %s: %w", key, err)
	}
	var v string
	err = db.update(ctx, func(t *Tx) error {
		if _, err := t.exec(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, fresh); err != nil {
			return fmt.Errorf("create secret %s: %w", key, err)
		}
		if err := t.tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v); err != nil {
			return fmt.Errorf("read secret %s: %w", key, err)
		}
		return nil
	})
	return v, err
}
