-- Review of mappings: who wrote a mapping last (its authors are created_by
-- and updated_by, neither of whom may review it), who reviewed it and when,
-- and whether the review rejected it. reviewed = 1 means approved; a
-- rejected mapping is kept, with reviewed = 0 and rejected = 1, and counted
-- nowhere. Any change to a mapping clears all of this.
ALTER TABLE mappings ADD COLUMN updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE mappings ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0 CHECK (rejected IN (0, 1));
ALTER TABLE mappings ADD COLUMN reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE mappings ADD COLUMN reviewed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE mappings ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
UPDATE mappings SET updated_by = created_by;
CREATE INDEX mappings_unreviewed ON mappings(reviewed, rejected);
