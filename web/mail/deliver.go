package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dc-isss/accord/store"
)

// batch is how many due messages one pass takes.
const batch = 50

// maxBackoff caps the wait between two attempts.
const maxBackoff = 6 * time.Hour

// Backoff is the wait after a message's nth failed attempt (n from 1):
// one minute, doubling each time, at most six hours.
func Backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 20 {
		return maxBackoff
	}
	if d := time.Minute << (n - 1); d < maxBackoff {
		return d
	}
	return maxBackoff
}

// Deliver sends the outbox's due messages every interval until ctx ends.
// Several processes may run it on one database: a message could then go
// out twice, never not at all.
func Deliver(ctx context.Context, db *store.DB, s *Sender, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := DeliverDue(ctx, db, s, log); err != nil && ctx.Err() == nil {
			log.Error("mail delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue makes one pass: it sends every due message, marking each
// sent, or failed with the next attempt after Backoff. It stops early,
// marking nothing more, when ctx ends.
func DeliverDue(ctx context.Context, db *store.DB, s *Sender, log *slog.Logger) (sent, failed int, err error) {
	for {
		msgs, err := db.DueMessages(ctx, batch)
		if err != nil {
			return sent, failed, err
		}
		for _, m := range msgs {
			sendErr := s.Send(ctx, m)
			if ctx.Err() != nil {
				return sent, failed, ctx.Err()
			}
			if sendErr == nil {
				if err := db.MarkSent(ctx, m.ID); err != nil {
					return sent, failed, err
				}
				sent++
				log.Info("mail sent", "id", m.ID, "kind", m.Kind)
				continue
			}
			next := db.Now().Add(Backoff(m.Attempts + 1))
			if err := db.MarkFailed(ctx, m.ID, sendErr.Error(), next); err != nil {
				return sent, failed, errors.Join(sendErr, err)
			}
			failed++
			log.Warn("mail not sent", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts+1, "next", next, "err", sendErr)
		}
		// A full batch may leave more due; a short one was the last, and
		// failures are no longer due, so the loop ends.
		if len(msgs) < batch {
			return sent, failed, nil
		}
	}
}
