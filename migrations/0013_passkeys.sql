-- 0013_passkeys: WebAuthn passkeys as a second factor beside TOTP. A
-- credential holds its public key only: a copy of this table signs in
-- nowhere. sign_count is the authenticator's signature counter; an
-- assertion whose counter does not move forward (when either is non-zero)
-- is refused as a possible clone. flags keeps the credential's backup
-- bits (which the specification forbids to change) and user-verified bit.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id BLOB NOT NULL UNIQUE,
    public_key    BLOB NOT NULL,
    sign_count    INTEGER NOT NULL DEFAULT 0,
    transports    TEXT NOT NULL DEFAULT '',   -- comma-separated, as the browser reported
    aaguid        BLOB,
    flags         INTEGER NOT NULL DEFAULT 0, -- 1 user present, 2 user verified, 4 backup eligible, 8 backed up
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
) STRICT;
CREATE INDEX passkeys_user ON passkeys (user_id);

-- Ceremony challenges: kept on the server, one per binding (a hash of the
-- session, or of the pending sign-in) and purpose, taken (deleted) by the
-- first answer, and refused once expired.
CREATE TABLE webauthn_challenges (
    binding    TEXT NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    data       TEXT NOT NULL,                 -- the ceremony's session data, JSON
    expires_at INTEGER NOT NULL,              -- Unix seconds
    PRIMARY KEY (binding, purpose)
) STRICT;
