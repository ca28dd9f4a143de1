-- 0015_import_staging: policies checked by `accord import` wait here,
-- written in small transactions, until one short transaction applies them
-- all (or none). Rows are grouped by a random token per import; an import
-- that died half way leaves rows that the next import clears once they are
-- a day old.

CREATE TABLE import_staging (
    token      TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    line       INTEGER NOT NULL,
    keep_notes INTEGER NOT NULL DEFAULT 0,
    policy     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token, seq)
) STRICT, WITHOUT ROWID;
