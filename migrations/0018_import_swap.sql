-- 0018_import_swap: `accord import` stages each policy of a large file as
-- the rows a save would write (the policy row, its lists, provisions,
-- provision topics, mappings, revision, changes-feed entry and audit
-- event), worked out in small transactions; one short transaction then
-- swaps them in with a few set-based statements.
--
-- Each table has the columns of its live table (store's
-- TestImportStagingColumns compares them: a column added to a live table
-- must be added here too), keyed by the import's token and the policy's
-- place in the file (seq) instead of ids, which the swap resolves by slug.
-- Rows of an import that died half way are cleared by the next import
-- once they are a day old (import_results.created_at).

DROP TABLE import_staging;

-- Deleting a provision deletes its mappings (ON DELETE CASCADE), which
-- without this index reads every mapping for each provision deleted: an
-- import (or a save) that drops provisions did that once per provision.
CREATE INDEX mappings_provision ON mappings(provision_id);

-- import_results: one row per policy of the file, changed or not: what the
-- import will do with it, and what it was worked out from, so that the
-- swap can refuse if the policy was written to meanwhile.
CREATE TABLE import_results (
    token      TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    slug       TEXT NOT NULL,
    line       INTEGER NOT NULL,
    result     TEXT NOT NULL CHECK (result IN ('created', 'updated', 'unchanged')),
    base_rev   INTEGER NOT NULL,   -- MAX(policy_revisions.rev) of the slug when staged
    base_seq   INTEGER NOT NULL,   -- MAX(changes.seq) when staged
    created_at TEXT NOT NULL,
    PRIMARY KEY (token, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX import_results_slug ON import_results(token, slug);
CREATE INDEX import_results_created ON import_results(created_at);

-- The policy rows of the created and updated policies (unchanged ones have
-- none). created_by/updated_by hold the importing actor.
CREATE TABLE import_policies (
    token       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    short_title TEXT NOT NULL DEFAULT '',
    issuer      TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT '',
    status_note TEXT NOT NULL DEFAULT '',
    binding     TEXT NOT NULL DEFAULT '',
    adopted     TEXT NOT NULL DEFAULT '',
    in_force    TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_by  INTEGER,
    updated_by  INTEGER,
    PRIMARY KEY (token, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX import_policies_slug ON import_policies(token, slug);

CREATE TABLE import_policy_jurisdictions (
    token        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    jurisdiction TEXT NOT NULL,
    pos          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token, seq, jurisdiction)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_policy_topics (
    token TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (token, seq, topic)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_policy_layers (
    token TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    layer TEXT NOT NULL,
    PRIMARY KEY (token, seq, layer)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_provisions (
    token TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    ref   TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    text  TEXT NOT NULL DEFAULT '',
    pos   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token, seq, ref)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_provision_topics (
    token TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    ref   TEXT NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (token, seq, ref, topic)
) STRICT, WITHOUT ROWID;

-- Mappings, in the policy's order (pos); the provision by its ref ('' for
-- the policy as a whole), the item by its id, authors and review state as
-- the save works them out from the stored mapping with the same target.
CREATE TABLE import_mappings (
    token        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    pos          INTEGER NOT NULL,
    ref          TEXT NOT NULL DEFAULT '',
    item_id      INTEGER NOT NULL,
    relationship TEXT NOT NULL,
    strength     INTEGER,
    rationale    TEXT NOT NULL,
    evidence     TEXT NOT NULL DEFAULT '',
    reviewed     INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    reviewed_by  INTEGER,
    reviewed_at  TEXT NOT NULL DEFAULT '',
    review_note  TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    updated_by   INTEGER,
    PRIMARY KEY (token, seq, pos)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_revisions (
    token    TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    slug     TEXT NOT NULL,
    rev      INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    user_id  INTEGER,
    note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (token, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_changes (
    token TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    op    TEXT NOT NULL,
    PRIMARY KEY (token, seq)
) STRICT, WITHOUT ROWID;

-- Audit events in the order the save writes them (pos within a policy).
CREATE TABLE import_audit (
    token   TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    pos     INTEGER NOT NULL,
    user_id INTEGER,
    actor   TEXT NOT NULL DEFAULT '',
    action  TEXT NOT NULL,
    object  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    ip      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (token, seq, pos)
) STRICT, WITHOUT ROWID;
