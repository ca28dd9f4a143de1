-- 0010_mfa: time-based one-time passwords (TOTP, RFC 6238) as a second
-- factor. The secret is stored encrypted (AES-GCM, key "mfa_key" in meta),
-- so a copy of the users' rows alone does not yield working codes.
-- Enrolment is pending (enabled = 0) until a first code is confirmed.
-- last_step is the last 30-second step whose code was accepted: a code is
-- accepted once, so one seen over a shoulder cannot be replayed.

CREATE TABLE user_totp (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,               -- base64url(nonce || AES-GCM sealed secret)
    enabled      INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    confirmed_at TEXT
) STRICT;

-- Recovery codes: ten per enrolment, shown once, kept as SHA-256 hashes
-- (they are random and long, so a fast hash is enough), each used once.
CREATE TABLE mfa_recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    UNIQUE (user_id, code_hash)
) STRICT;
