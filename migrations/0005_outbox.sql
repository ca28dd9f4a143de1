-- 0005_outbox: the notification outbox and email subscriptions.
--
-- A message is written to the outbox in the same transaction as the event
-- it tells about (a comment received, a consultation opened), so that no
-- event is announced that did not happen and none is lost if the process
-- stops before sending. A separate loop sends what is due; without SMTP
-- configured nothing is sent and admins read the messages at /admin/outbox.
-- (0004 is taken by consultations, built in parallel.)

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- The recipient's account, if any; the message outlives a deleted
    -- account so that admins can still see what was sent.
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    to_addr         TEXT NOT NULL,
    kind            TEXT NOT NULL,             -- 'comment-receipt', 'consultation-opened'...
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,             -- plain text
    unsubscribe_url TEXT NOT NULL DEFAULT '',  -- also sent as List-Unsubscribe
    created_at      TEXT NOT NULL,             -- RFC 3339, UTC
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the next try is due (RFC 3339, UTC); moved forward after each
    -- failure. Second-precision UTC strings compare in time order.
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT NOT NULL DEFAULT '',  -- '' until sent
    last_error      TEXT NOT NULL DEFAULT ''
) STRICT;
-- The sender asks for unsent messages that are due.
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

-- Who wants to hear of what by email. A row is an opt-in; no row, no mail.
CREATE TABLE subscriptions (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,                  -- 'consultations'
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
) STRICT;
