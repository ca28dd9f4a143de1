-- API tokens may expire; '' means never. Last use (last_used, already
-- there) is now recorded, at most once a minute per token.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
