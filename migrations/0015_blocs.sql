-- Which countries belong to which bloc (the EU), so that an instrument of
-- the bloc can be counted where it applies. Filled from the shipped
-- content file blocs.json on every start, like the jurisdictions.
CREATE TABLE bloc_members (
    bloc   TEXT NOT NULL REFERENCES jurisdictions (code) ON DELETE CASCADE,
    member TEXT NOT NULL REFERENCES jurisdictions (code) ON DELETE CASCADE,
    PRIMARY KEY (bloc, member)
) STRICT, WITHOUT ROWID;
CREATE INDEX bloc_members_member ON bloc_members (member);
