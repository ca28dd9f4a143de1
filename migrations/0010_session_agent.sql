-- 0010_session_agent: the browser's User-Agent, kept with each session so
-- that the account page can name the device of each session it lists.
-- Sessions from before have none and are shown as an unknown device.

ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
