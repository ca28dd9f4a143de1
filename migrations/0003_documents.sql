-- 0003_documents: recommendation documents, their immutable versions, the
-- paragraphs of each version with stable ids, the old-to-new id map between
-- consecutive versions, and the citations each version makes.

CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
               ('draft', 'consultation', 'review', 'published', 'archived')),
    -- next_para numbers the next new paragraph id, so an id is never reused
    -- within a document, even after its paragraph was deleted.
    next_para  INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE document_owners (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, user_id)
) STRICT;

CREATE TABLE document_versions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number >= 1),
    author_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author       TEXT NOT NULL DEFAULT '',     -- the author's name when saved
    note         TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,                -- the Markdown as written
    html         TEXT NOT NULL,                -- rendered and sanitised
    published_at TEXT NOT NULL DEFAULT '',     -- set when the version was published
    created_at   TEXT NOT NULL,
    UNIQUE (document_id, number)
) STRICT;

-- A version is immutable: only the moment it was published may be set later.
CREATE TRIGGER document_versions_immutable
BEFORE UPDATE OF document_id, number, author_id, author, note, source, html, created_at ON document_versions
BEGIN
    SELECT RAISE(ABORT, 'document versions are immutable');
END;

CREATE TABLE paragraphs (
    version_id INTEGER NOT NULL REFERENCES document_versions(id) ON DELETE CASCADE,
    pid        TEXT NOT NULL,                  -- stable across versions
    position   INTEGER NOT NULL,
    section    TEXT NOT NULL,                  -- "3.2"; "0" before the first h2
    ordinal    INTEGER NOT NULL,               -- the n of "3.2 ¶n"; 0 for headings
    kind       TEXT NOT NULL CHECK (kind IN
               ('heading', 'paragraph', 'list-item', 'table', 'quote', 'code', 'footnote')),
    text       TEXT NOT NULL,
    html       TEXT NOT NULL,
    PRIMARY KEY (version_id, pid),
    UNIQUE (version_id, position)
) STRICT;
CREATE INDEX paragraphs_pid ON paragraphs(pid);

CREATE TRIGGER paragraphs_immutable
BEFORE UPDATE ON paragraphs
BEGIN
    SELECT RAISE(ABORT, 'paragraphs of a version are immutable');
END;

-- paragraph_map says what became of each paragraph of a version in the next:
-- kept (same text), edited (similar), merged (into another paragraph),
-- split (part of it became new_id, which has a new id) or deleted.
CREATE TABLE paragraph_map (
    to_version_id INTEGER NOT NULL REFERENCES document_versions(id) ON DELETE CASCADE,
    old_pid       TEXT NOT NULL,
    new_pid       TEXT NOT NULL DEFAULT '',
    relation      TEXT NOT NULL CHECK (relation IN ('kept', 'edited', 'merged', 'split', 'deleted')),
    similarity    REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (to_version_id, old_pid, new_pid)
) STRICT;

CREATE TABLE citations (
    version_id  INTEGER NOT NULL REFERENCES document_versions(id) ON DELETE CASCADE,
    pid         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('policy', 'item')),
    target      TEXT NOT NULL,                 -- policy slug or item code
    ref         TEXT NOT NULL DEFAULT '',      -- provision reference, for a policy
    framework   TEXT NOT NULL DEFAULT '',      -- for an item
    line        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX citations_version ON citations(version_id);
CREATE INDEX citations_target ON citations(kind, target);
