-- 0015_session_idle.sql - idle session expiry and ending a user's sessions
-- (docs/security.md, "Sessions, tokens and passwords").
--
-- last_seen_at is when the session was last used, refreshed at most once a
-- minute (service/auth.c), so recording use does not turn every request
-- into a write. A session older than its idle limit since last_seen_at is
-- over, whatever expires_at says. Sessions from before this migration count
-- as used when they were created.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
-- "Log out everywhere" and ending a deactivated user's sessions delete by user.
CREATE INDEX sessions_user ON sessions (user_id);
