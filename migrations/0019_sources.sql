-- 0019_sources: where a record comes from. A policy lists the public pages
-- it rests on (sources, a JSON array of http(s) addresses) and how sure the
-- group is of its facts (confidence; NULL when not assessed). A provision
-- keeps the reference as the instrument writes it (label, shown to readers;
-- ref stays the key of addresses and citations), the page its text was read
-- on (source) and whether its topics were reviewed by a member.
ALTER TABLE policies ADD COLUMN sources TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources) AND json_type(sources) = 'array');
ALTER TABLE policies ADD COLUMN confidence TEXT CHECK (confidence IN ('high', 'medium', 'low'));
ALTER TABLE provisions ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE provisions ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE provisions ADD COLUMN topics_reviewed INTEGER NOT NULL DEFAULT 0 CHECK (topics_reviewed IN (0, 1));
