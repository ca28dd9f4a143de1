package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// The messages Accord sends are composed here, because their links are
// URLs of the site; the store queues each in the transaction of the change
// it tells about.

// Events a comment's author is told about.
const (
	eventCommentCreated   = "created"
	eventCommentModerated = "moderated"
)

// commentNotifier tells a comment's author what became of it: a receipt
// when it is made, a note when a moderator approves or hides it.
func (s *Server) commentNotifier(event string) store.Notifier {
	return func(m store.Comment, u store.User) []store.Message {
		about := fmt.Sprintf("your comment on %s (%s)", m.ConsultationTitle, strings.ToLower(m.Target()))
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\n", u.Name)
		msg := store.Message{UserID: u.ID, To: u.Email}
		switch {
		case event == eventCommentCreated && m.State == store.CommentPending:
			msg.Kind, msg.Subject = "comment-receipt", "We received "+about
			fmt.Fprintf(&b, "Thank you: we received %s. It will appear on the consultation's pages once a moderator approves it.\n", about)
		case event == eventCommentCreated:
			msg.Kind, msg.Subject = "comment-receipt", "We received "+about
			fmt.Fprintf(&b, "Thank you: we received %s. It is published.\n", about)
		case m.State == store.CommentApproved:
			msg.Kind, msg.Subject = "comment-approved", "A moderator approved "+about
			fmt.Fprintf(&b, "A moderator approved %s. It is public now.\n", about)
		case m.State == store.CommentHidden:
			msg.Kind, msg.Subject = "comment-hidden", "A moderator hid "+about
			fmt.Fprintf(&b, "A moderator hid %s, as %s.\n", about, views.HideReasonLabel(m.HideReason))
			if m.Note != "" {
				fmt.Fprintf(&b, "Their note: %s\n", m.Note)
			}
			b.WriteString("A hidden comment is on no public page; you can still read it yourself.\n")
		default:
			return nil
		}
		fmt.Fprintf(&b, "\nYour comment: %s\n", s.siteURL(views.CommentURL(m.Consultation, m.ID)))
		fmt.Fprintf(&b, "All your comments and their state: %s\n", s.siteURL("/account/comments"))
		return []store.Message{s.commentNews(u, msg, &b)}
	}
}

// replyNotifier tells a comment's author that a member replied, with the
// reply's text and where to read it.
func (s *Server) replyNotifier() func(store.Comment, store.User, store.Reply) []store.Message {
	return func(m store.Comment, u store.User, r store.Reply) []store.Message {
		about := fmt.Sprintf("your comment on %s (%s)", m.ConsultationTitle, strings.ToLower(m.Target()))
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\nA member replied to %s.\n\n", cmpName(u), about)
		fmt.Fprintf(&b, "%s wrote:\n%s\n", r.Author, r.Body)
		fmt.Fprintf(&b, "\nRead it with your comment: %s\n", s.siteURL(views.CommentURL(m.Consultation, m.ID)))
		fmt.Fprintf(&b, "All your comments and their answers: %s\n", s.siteURL("/account/comments"))
		return []store.Message{s.commentNews(u, store.Message{Kind: "comment-reply", Subject: "A member replied to " + about}, &b)}
	}
}

// dispositionNotifier tells a comment's author the working group's
// answer: the disposition, its rationale, and the change that addressed
// the comment when there is one.
func (s *Server) dispositionNotifier() store.Notifier {
	return func(m store.Comment, u store.User) []store.Message {
		d := m.Disposition
		if d == nil {
			return nil
		}
		about := fmt.Sprintf("your comment on %s (%s)", m.ConsultationTitle, strings.ToLower(m.Target()))
		label := store.DispositionLabel(d.Value)
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\nThe working group answered %s: %s.\n\n", cmpName(u), about, label)
		fmt.Fprintf(&b, "Their reason:\n%s\n", d.Rationale)
		fmt.Fprintf(&b, "\nYour comment and the answer: %s\n", s.siteURL(views.CommentURL(m.Consultation, m.ID)))
		if a := d.AddressedIn; a.Version > 0 {
			// The redline is linked only once the public may open it; a
			// commenter is the public. (A read, on the read pool, is safe
			// inside the store's write transaction.)
			doc, err := s.db.Document(context.Background(), m.Document)
			if err == nil && doc.VersionVisibleTo(nil, a.Version) && doc.VersionVisibleTo(nil, m.Version) {
				fmt.Fprintf(&b, "It was addressed in version %d: %s\n", a.Version,
					s.siteURL(views.DiffURL(m.Document, m.Version, a.Version)+"#r-"+a.Paragraphs[0]))
			} else {
				fmt.Fprintf(&b, "It was addressed in version %d, which is not public yet; the page of your comment links to the change once it is.\n", a.Version)
			}
		}
		fmt.Fprintf(&b, "All your comments and their answers: %s\n", s.siteURL("/account/comments"))
		return []store.Message{s.commentNews(u, store.Message{Kind: "comment-disposition",
			Subject: "The working group answered your comment: " + label}, &b)}
	}
}

// commentNews finishes a message about u's own comment: addressed to u,
// with the one-click link that stops such messages (in the text and in the
// List-Unsubscribe header).
func (s *Server) commentNews(u store.User, m store.Message, body *strings.Builder) store.Message {
	m.UserID, m.To = u.ID, u.Email
	if unsub := s.unsubscribeURL(u.ID, store.TopicCommentNews); unsub != "" {
		m.Unsubscribe = unsub
		fmt.Fprintf(body, "\nYou receive this because you commented. Stop emails about your comments: %s\n", unsub)
	}
	m.Body = body.String()
	return m
}

// DispositionNotifier composes the message that tells a commenter the
// working group's answer, for answers given outside a request (the
// command line's import of a resolution table).
func (s *Server) DispositionNotifier() store.Notifier { return s.dispositionNotifier() }

// moderateComment approves or hides a comment and tells its author. The
// moderation page and the API both come through here.
func (s *Server) moderateComment(c echo.Context, id int64, action, reason, note string) (store.Comment, error) {
	return s.db.ModerateComment(actorCtx(c), id, action, reason, note, s.commentNotifier(eventCommentModerated))
}

// moderateGroup approves or hides every comment of a campaign group that
// is pending or approved, and tells each author; it returns how many.
func (s *Server) moderateGroup(c echo.Context, id int64, action, reason, note string) (int, error) {
	return s.db.ModerateGroup(actorCtx(c), id, action, reason, note, s.commentNotifier(eventCommentModerated))
}

// disposeGroup gives every approved comment of a campaign group the same
// disposition and tells each author; it returns how many.
func (s *Server) disposeGroup(c echo.Context, id int64, d store.Disposition) (int, error) {
	return s.db.DisposeGroup(actorCtx(c), id, d, s.dispositionNotifier())
}

// announceOpenings tells subscribers about every consultation that has
// opened since the last look, once each whichever node looks first, with a
// one-click unsubscribe link in every message. The messages are queued in
// the transaction that marks the opening announced.
func (s *Server) announceOpenings(ctx context.Context) error {
	// The unsubscribe links are signed inside the store's write
	// transaction: the key must be read (or made, a write of its own)
	// before it, or the one writer connection would wait for itself.
	if _, err := s.secret(ctx, unsubscribeKeyName); err != nil {
		return err
	}
	_, err := s.db.AnnounceOpened(ctx, func(c store.Consultation, subs []store.User) []store.Message {
		var msgs []store.Message
		loc := c.Location()
		for _, u := range subs {
			unsub := s.unsubscribeURL(u.ID, store.TopicConsultations)
			var b strings.Builder
			fmt.Fprintf(&b, "Hello %s,\n\nA consultation has opened: %s.\n", cmpName(u), c.Title)
			fmt.Fprintf(&b, "It asks for comments on %s, version %d, until %s.\n\n", c.DocumentTitle, c.Version,
				c.ClosesAt.In(loc).Format("2 January 2006, 15:04 MST"))
			fmt.Fprintf(&b, "Read it and comment: %s\n\n", s.siteURL(views.ConsultationURL(c.Slug)))
			fmt.Fprintf(&b, "You receive this because you asked to be told when a consultation opens.\nStop these emails: %s\n", unsub)
			msgs = append(msgs, store.Message{UserID: u.ID, To: u.Email, Kind: "consultation-opened",
				Subject: "Consultation open: " + c.Title, Body: b.String(), Unsubscribe: unsub})
		}
		return msgs
	})
	return err
}

func cmpName(u store.User) string {
	if u.Name != "" {
		return u.Name
	}
	return "there"
}

// Tick does one pass of the server's scheduled work: it tells subscribers
// about consultations that opened (which also brings their text into the
// search index). Several nodes may tick at once; each opening is told once.
func (s *Server) Tick(ctx context.Context) error {
	if err := s.announceOpenings(ctx); err != nil {
		return fmt.Errorf("announce consultations that opened: %w", err)
	}
	return nil
}

// Run ticks every interval until ctx ends, logging what fails.
func (s *Server) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("scheduled work", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
