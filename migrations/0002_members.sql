-- 0002_members: sign-in throttling. One row per throttled key (an account's
-- email or a client address) with its recent failures, so that the limit
-- holds across every process that opens the database.

CREATE TABLE login_failures (
    key      TEXT PRIMARY KEY,               -- 'account:<email>' or 'ip:<address>'
    failures INTEGER NOT NULL DEFAULT 0,
    last_at  TEXT NOT NULL                   -- RFC 3339, UTC
) STRICT;

CREATE INDEX audit_action ON audit(action);
CREATE INDEX audit_actor ON audit(actor);
