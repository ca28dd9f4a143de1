-- 0007_email_optouts: email a person gets unless they say no. Messages
-- about one's own comments (receipt, moderation, replies, dispositions) go
-- to every commenter; each carries a one-click link that records the
-- refusal here. (Subscriptions, which one asks for, are in 0005.)

CREATE TABLE email_optouts (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,                 -- 'comment-news'
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
) STRICT;
