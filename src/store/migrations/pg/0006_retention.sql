-- 0006_retention.sql - the retention policy on PostgreSQL (SQLite:
-- 0014_retention.sql; docs/retention.md).
--
-- anonymised_at marks a complaint whose customer, free texts, timeline
-- texts and attachment bytes were removed; what statistics read stays. The
-- partial index holds only what retention may still have to do.
ALTER TABLE complaints ADD COLUMN anonymised_at bigint;
CREATE INDEX complaints_retention ON complaints (closed_at)
  WHERE anonymised_at IS NULL AND closed_at IS NOT NULL;

-- The timeline stays append-only, with one exception: retention may, once,
-- take the texts out of an event (note, data) and mark it redacted. Who,
-- when, which type and which states are never changed; DELETE and TRUNCATE
-- are still refused.
ALTER TABLE complaint_events ADD COLUMN redacted_at bigint;

CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Nested: OLD is not a row in the statement-level TRUNCATE trigger.
  IF TG_OP = 'UPDATE' THEN
    IF OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
       AND NEW.id = OLD.id AND NEW.complaint_id = OLD.complaint_id
       AND NEW.at = OLD.at AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.type = OLD.type
       AND NEW.from_status IS NOT DISTINCT FROM OLD.from_status
       AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status
       AND NEW.note IS NULL THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'complaint_events is append-only';
END;
$$;

-- Work that runs once a period across every node: a node claims a run by
-- moving next_at forward in one conditional upsert (rd_tx_job_claim); a
-- concurrent claimer waits for the row and then finds it moved.
CREATE TABLE scheduled_jobs (
  name    text PRIMARY KEY,
  next_at bigint NOT NULL,
  last_at bigint NOT NULL
);
