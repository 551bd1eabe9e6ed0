-- 0014_retention.sql - the retention policy: closed complaints older than
-- the configured age lose their personal data (docs/retention.md).
--
-- anonymised_at marks a complaint whose customer, free texts, timeline
-- texts and attachment bytes were removed; everything statistics read
-- (category, department, site, channel, severity, states, instants, clocks,
-- satisfaction, counts) stays. The partial index holds only what retention
-- may still have to do, so a daily run costs what it anonymises.
ALTER TABLE complaints ADD COLUMN anonymised_at INTEGER;
CREATE INDEX complaints_retention ON complaints (closed_at)
  WHERE anonymised_at IS NULL AND closed_at IS NOT NULL;

-- The timeline stays append-only, with one exception: retention may, once,
-- take the texts out of an event (note, data) and mark it redacted. Who,
-- when, which type and which states are never changed.
ALTER TABLE complaint_events ADD COLUMN redacted_at INTEGER;
DROP TRIGGER complaint_events_no_update;
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
WHEN NOT (OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
          AND NEW.id = OLD.id AND NEW.complaint_id = OLD.complaint_id
          AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id
          AND NEW.type = OLD.type AND NEW.from_status IS OLD.from_status
          AND NEW.to_status IS OLD.to_status AND NEW.note IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'complaint_events is append-only');
END;

-- Work that runs once a period across every server on the database: a
-- node claims a run by moving next_at forward in one conditional statement
-- (store: rd_tx_job_claim), the way a sweep claims an escalation step.
CREATE TABLE scheduled_jobs (
  name    TEXT PRIMARY KEY,
  next_at INTEGER NOT NULL,   -- not claimed again before this instant
  last_at INTEGER NOT NULL    -- when the last run was claimed
) WITHOUT ROWID;
