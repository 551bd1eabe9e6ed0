-- 0012_limits.sql - rate-limit counters (failed sign-ins, the public portal).
--
-- They lived in each server process's memory, so behind several nodes every
-- node counted on its own and a proxy spreading requests multiplied the
-- limits. One row per key and window: hits counted so far and the instant
-- the window ends (Unix seconds); a count after expires_at starts a new
-- window. Rows whose window has passed mean nothing and are swept by
-- expires_at, hence its index.
CREATE TABLE rate_limits (
  limit_key  TEXT PRIMARY KEY,
  hits       INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);
