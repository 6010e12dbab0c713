-- When each session was last used, so that a session left idle ends (ASVS 5.0 V7.3) whatever its
-- absolute lifetime. Existing sessions count as used when they were created.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
