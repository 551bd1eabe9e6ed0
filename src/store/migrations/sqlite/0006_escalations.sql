-- 0006_escalations.sql - escalation steps of clock runs and the
-- notifications they send (an outbox: shown in the API now, delivered by
-- email and webhooks later).

-- One row per escalation step of a run, written when the run starts with
-- the instant it fires. The scheduler claims a due step by moving it from
-- pending to fired in the transaction that writes its notifications, so a
-- step fires once, crash or not. A run that stops drops its pending steps.
CREATE TABLE clock_steps (
  id        INTEGER PRIMARY KEY,
  clock_id  INTEGER NOT NULL REFERENCES complaint_clocks (id),
  step      INTEGER NOT NULL,          -- index in the clock's "escalate"
  on_kind   INTEGER NOT NULL CHECK (on_kind IN (0, 1)),      -- 0 warn, 1 breach
  notify    INTEGER NOT NULL CHECK (notify BETWEEN 0 AND 2), -- core/clock.h
  fire_at   INTEGER NOT NULL,
  state     INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)), -- pending, fired, dropped
  fired_at  INTEGER,
  UNIQUE (clock_id, step)
);

-- The sweep reads only the pending steps that are due, however many there
-- are in all.
CREATE INDEX clock_steps_pending ON clock_steps (fire_at) WHERE state = 0;

CREATE TABLE notifications (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  complaint_id INTEGER REFERENCES complaints (id),
  step_id      INTEGER REFERENCES clock_steps (id),
  kind         TEXT NOT NULL,          -- clock.warning, clock.breach
  data_json    TEXT,
  created_at   INTEGER NOT NULL,
  read_at      INTEGER,
  UNIQUE (step_id, user_id)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
