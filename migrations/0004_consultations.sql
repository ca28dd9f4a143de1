-- 0004_consultations: public consultations on a version of a document, the
-- comments stakeholders make on its paragraphs, questions or whole text,
-- their earlier texts, flags raised by readers, and the rate-limit events
-- that keep commenting within bounds across every process.

CREATE TABLE consultations (
    id                INTEGER PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    document_id       INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version           INTEGER NOT NULL CHECK (version >= 1),
    -- opens_at and closes_at are RFC 3339 in UTC, so they compare as text;
    -- timezone is the IANA zone pages show them in.
    opens_at          TEXT NOT NULL,
    closes_at         TEXT NOT NULL,
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    introduction      TEXT NOT NULL DEFAULT '',
    introduction_html TEXT NOT NULL DEFAULT '',
    moderation        TEXT NOT NULL CHECK (moderation IN ('pre', 'post')),
    -- announced_at is set once the opening was told to subscribers and
    -- the search index, so that it happens once whichever node sees it.
    announced_at      TEXT NOT NULL DEFAULT '',
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (closes_at > opens_at)
) STRICT;
CREATE INDEX consultations_document ON consultations(document_id);

-- Guiding questions, numbered from 1 in the order given; section, when
-- set, is the section of the consulted version the question is about.
CREATE TABLE consultation_questions (
    consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    number          INTEGER NOT NULL CHECK (number >= 1),
    text            TEXT NOT NULL,
    section         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (consultation_id, number)
) STRICT;

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    -- A comment targets one paragraph (pid), one question, or neither (the
    -- whole document), never both.
    paragraph       TEXT,
    question        INTEGER,
    section         TEXT NOT NULL DEFAULT '',
    label           TEXT NOT NULL DEFAULT '',
    -- position orders comments as the document reads: the paragraph's
    -- position, then whole-document comments, then questions.
    position        INTEGER NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('general', 'technical', 'editorial')),
    body            TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    proposed_text   TEXT NOT NULL DEFAULT '',
    display         TEXT NOT NULL CHECK (display IN ('named', 'anonymous')),
    author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    -- The author as they were when they commented: the public record does
    -- not change when a profile does (consent aside, see UpdateProfile).
    author_name     TEXT NOT NULL DEFAULT '',
    author_org      TEXT NOT NULL DEFAULT '',
    author_group    TEXT NOT NULL DEFAULT '',
    author_country  TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'hidden', 'withdrawn')),
    hide_reason     TEXT NOT NULL DEFAULT '',
    moderation_note TEXT NOT NULL DEFAULT '',
    moderated_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    moderated_at    TEXT NOT NULL DEFAULT '',
    flagged         INTEGER NOT NULL DEFAULT 0,
    edited_at       TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    CHECK (paragraph IS NULL OR question IS NULL)
) STRICT;
CREATE INDEX comments_consultation ON comments(consultation_id, state, position, id);
CREATE INDEX comments_author ON comments(author_id);

-- The texts a comment had before each edit, oldest first.
CREATE TABLE comment_revisions (
    comment_id    INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    type          TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    proposed_text TEXT NOT NULL DEFAULT '',
    written_at    TEXT NOT NULL,
    PRIMARY KEY (comment_id, number)
) STRICT;

-- One flag per account per comment; resolved_at is set when a moderator
-- acts on the comment.
CREATE TABLE comment_flags (
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    resolved_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (comment_id, user_id)
) STRICT;

-- Rate-limit events: one row per counted action and key ('comment:user:7',
-- 'comment:ip:192.0.2.1'), kept in the database so that every process and
-- node counts the same; rows older than the window are pruned.
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;
CREATE INDEX rate_events_key ON rate_events(key, at);
