-- 0001_init: jurisdictions, the policy knowledge base, frameworks and
-- mappings, accounts, the changes feed and the audit log.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE jurisdictions (
    code      TEXT PRIMARY KEY,            -- ISO 3166-1 alpha-2, or EU / INT
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('country', 'bloc', 'international')),
    region    TEXT NOT NULL DEFAULT '',    -- UN M49 region
    subregion TEXT NOT NULL DEFAULT ''     -- UN M49 sub-region
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT NOT NULL DEFAULT '',
    organisation    TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL DEFAULT '',
    country         TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'stakeholder')),
    password_hash   TEXT NOT NULL DEFAULT '',
    consent_publish INTEGER NOT NULL DEFAULT 0,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,              -- SHA-256 of the cookie value
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL DEFAULT '',
    hash       TEXT NOT NULL UNIQUE,          -- SHA-256 of the token
    created_at TEXT NOT NULL,
    last_used  TEXT NOT NULL DEFAULT '',
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE topics (
    slug  TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    pos   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE policies (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    short_title TEXT NOT NULL DEFAULT '',
    issuer      TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT '',
    status_note TEXT NOT NULL DEFAULT '',
    binding     TEXT NOT NULL DEFAULT '',
    adopted     TEXT NOT NULL DEFAULT '',     -- YYYY, YYYY-MM or YYYY-MM-DD; '' unknown
    in_force    TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE policy_jurisdictions (
    policy_id    INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions(code),
    pos          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (policy_id, jurisdiction)
) STRICT;
CREATE INDEX policy_jurisdictions_code ON policy_jurisdictions(jurisdiction);

CREATE TABLE policy_topics (
    policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    topic     TEXT NOT NULL REFERENCES topics(slug),
    PRIMARY KEY (policy_id, topic)
) STRICT;

CREATE TABLE policy_layers (
    policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    layer     TEXT NOT NULL CHECK (layer IN ('device', 'network', 'service', 'application')),
    PRIMARY KEY (policy_id, layer)
) STRICT;

-- policy_terms is derived: one row per (policy, facet, value), rewritten with
-- every change to a policy or its mappings, so that filters and facet counts
-- are one indexed query whatever the facet.
CREATE TABLE policy_terms (
    policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    facet     TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (facet, value, policy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX policy_terms_policy ON policy_terms(policy_id);

CREATE TABLE policy_revisions (
    id         INTEGER PRIMARY KEY,
    policy_id  INTEGER REFERENCES policies(id) ON DELETE SET NULL,
    slug       TEXT NOT NULL,
    rev        INTEGER NOT NULL,
    snapshot   TEXT NOT NULL,                 -- the policy as JSON
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (slug, rev)
) STRICT;

CREATE TABLE provisions (
    id        INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    ref       TEXT NOT NULL,
    title     TEXT NOT NULL DEFAULT '',
    text      TEXT NOT NULL DEFAULT '',
    pos       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (policy_id, ref)
) STRICT;

CREATE TABLE provision_topics (
    provision_id INTEGER NOT NULL REFERENCES provisions(id) ON DELETE CASCADE,
    topic        TEXT NOT NULL REFERENCES topics(slug),
    PRIMARY KEY (provision_id, topic)
) STRICT;

CREATE TABLE frameworks (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    framework_id INTEGER NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    parent_id    INTEGER REFERENCES items(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT '',     -- question, challenge, group...
    title        TEXT NOT NULL,
    text         TEXT NOT NULL DEFAULT '',
    pos          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (framework_id, code)
) STRICT;

CREATE TABLE mappings (
    id           INTEGER PRIMARY KEY,
    policy_id    INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    provision_id INTEGER REFERENCES provisions(id) ON DELETE CASCADE,
    item_id      INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    relationship TEXT NOT NULL CHECK (relationship IN
                 ('equal', 'subset-of', 'superset-of', 'intersects-with', 'not-related')),
    strength     INTEGER CHECK (strength IS NULL OR strength BETWEEN 1 AND 10),
    rationale    TEXT NOT NULL CHECK (rationale <> ''),
    evidence     TEXT NOT NULL DEFAULT '',
    reviewed     INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX mappings_unique ON mappings(policy_id, IFNULL(provision_id, 0), item_id);
CREATE INDEX mappings_item ON mappings(item_id);

-- changes is the feed the search index tails: every write transaction
-- appends the objects it touched. seq only grows.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor      TEXT NOT NULL DEFAULT '',      -- email or 'system' / 'cli'
    action     TEXT NOT NULL,
    object     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    ip         TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_at ON audit(at);
