-- 0009_editions: the published editions of documents. Edition n is the n-th
-- publication of a document and names the version it published. Its title,
-- summary and record (the traceability of each recommendation and the
-- consultation record, as JSON) are frozen when it is published: readers
-- and citations rely on an edition never changing.

CREATE TABLE editions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number >= 1),
    version      INTEGER NOT NULL CHECK (version >= 1),
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    record       TEXT NOT NULL,                -- JSON, see store.Record
    comments     INTEGER NOT NULL DEFAULT 0,   -- approved comments in the record
    published_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    publisher    TEXT NOT NULL DEFAULT '',     -- the publisher's name when published
    published_at TEXT NOT NULL,
    UNIQUE (document_id, number),
    UNIQUE (document_id, version)
) STRICT;
CREATE INDEX editions_published ON editions(published_at);

CREATE TRIGGER editions_immutable
BEFORE UPDATE ON editions
BEGIN
    SELECT RAISE(ABORT, 'editions are immutable');
END;
