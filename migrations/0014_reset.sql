-- 0013_reset: single-use links sent by email. A password reset (purpose
-- 'reset', one hour) names the account; a registration awaiting its
-- confirmation (purpose 'register', 24 hours) holds the account to be
-- created, as JSON with the password already hashed, so that nothing of
-- it exists as an account, or can sign in, until the link is followed.
-- Only a SHA-256 hash of the random token is kept. A newer link for the
-- same purpose and address replaces the older ones (they are deleted).

CREATE TABLE email_links (
    id           INTEGER PRIMARY KEY,
    purpose      TEXT NOT NULL CHECK (purpose IN ('reset', 'register')),
    token_hash   TEXT NOT NULL UNIQUE,
    email        TEXT NOT NULL COLLATE NOCASE,
    user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE,
    registration TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
) STRICT;

CREATE INDEX email_links_by_email ON email_links (purpose, email);
