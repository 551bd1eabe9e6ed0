-- 0003_limits.sql - rate-limit counters (failed sign-ins, the public portal),
-- the same table as SQLite's 0012_limits.
--
-- They lived in each server process's memory, so behind several nodes every
-- node counted on its own and a proxy spreading requests multiplied the
-- limits. One row per key and window: hits counted so far and the instant
-- the window ends (Unix seconds); a count after expires_at starts a new
-- window. Every node counts with one INSERT ... ON CONFLICT DO UPDATE, which
-- PostgreSQL runs atomically per row, so concurrent nodes never lose a hit.
CREATE TABLE rate_limits (
  limit_key  text PRIMARY KEY,
  hits       integer NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);
