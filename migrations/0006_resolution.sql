-- 0006_resolution: what the working group answers to each comment. Members
-- reply to comments; each approved comment gets a disposition with a
-- rationale and, once a later version exists, the paragraphs of that
-- version where it was addressed; every disposition given is kept.
-- Near-identical comments (campaigns) are grouped; a filled resolution
-- table uploaded for import waits in a staging row until it is applied.

CREATE TABLE comment_replies (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL DEFAULT '',   -- the member's name when they replied
    body        TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX comment_replies_comment ON comment_replies(comment_id, id);

-- The current disposition lives on the comment, so that lists, filters and
-- totals read one row; every disposition ever given, the current one
-- included, is in comment_dispositions.
ALTER TABLE comments ADD COLUMN disposition TEXT NOT NULL DEFAULT ''
    CHECK (disposition IN ('', 'accepted', 'accepted-in-part', 'not-accepted', 'noted', 'out-of-scope'));
ALTER TABLE comments ADD COLUMN rationale TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN rationale_html TEXT NOT NULL DEFAULT '';
-- addressed_version is 0 while the comment is addressed in no later version;
-- addressed_paragraphs are that version's paragraph ids, separated by ';'.
ALTER TABLE comments ADD COLUMN addressed_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN addressed_paragraphs TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN disposed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN disposed_at TEXT NOT NULL DEFAULT '';

CREATE TABLE comment_dispositions (
    comment_id           INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    number               INTEGER NOT NULL,
    disposition          TEXT NOT NULL,
    rationale            TEXT NOT NULL,
    rationale_html       TEXT NOT NULL,
    addressed_version    INTEGER NOT NULL DEFAULT 0,
    addressed_paragraphs TEXT NOT NULL DEFAULT '',
    by_id                INTEGER REFERENCES users(id) ON DELETE SET NULL,
    by_name              TEXT NOT NULL DEFAULT '',
    at                   TEXT NOT NULL,
    PRIMARY KEY (comment_id, number)
) STRICT;

-- Campaign groups: comments of one consultation on the same target whose
-- texts are near copies. group_id is assigned when a comment is made and
-- kept; group_removed marks a comment a moderator took out of its group,
-- which it never joins again.
CREATE TABLE comment_groups (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL
) STRICT;
ALTER TABLE comments ADD COLUMN group_id INTEGER REFERENCES comment_groups(id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN group_removed INTEGER NOT NULL DEFAULT 0;
-- signature is the comment's MinHash signature (little-endian uint32s).
ALTER TABLE comments ADD COLUMN signature BLOB;
CREATE INDEX comments_group ON comments(group_id);

-- Locality-sensitive hashing bands of each signature, so that the near
-- copies of a new comment are found by index lookups, not by comparing it
-- with every comment.
CREATE TABLE comment_bands (
    consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    target          TEXT NOT NULL,              -- pid, 'q<n>' or 'general'
    band            INTEGER NOT NULL,
    hash            INTEGER NOT NULL,
    comment_id      INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX comment_bands_lookup ON comment_bands(consultation_id, target, band, hash);

-- An uploaded resolution table, checked and waiting for a member to apply
-- it; it expires after an hour.
CREATE TABLE resolution_imports (
    id              INTEGER PRIMARY KEY,
    token           TEXT NOT NULL UNIQUE,
    consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    -- based_on is the time of the newest disposition when the file was
    -- checked: applying is refused once a newer one was given.
    based_on        TEXT NOT NULL DEFAULT '',
    filename        TEXT NOT NULL DEFAULT '',
    changes         TEXT NOT NULL            -- JSON: the changes to apply
) STRICT;
