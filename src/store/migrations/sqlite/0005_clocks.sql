-- 0005_clocks.sql - SLA clock runs on complaints (core/clock.h). One row
-- per run: a clock started again (a reopened complaint, a recurring
-- progress report) is a new run, so every run's outcome stays countable.
CREATE TABLE complaint_clocks (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
  name          TEXT NOT NULL,
  run           INTEGER NOT NULL CHECK (run >= 1),
  policy_id     INTEGER,
  calendar_id   INTEGER,
  -- 0 running, 1 paused, 2 met, 3 breached, 4 cancelled
  state         INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),
  started_at    INTEGER NOT NULL,
  due_at        INTEGER NOT NULL,
  opens_at      INTEGER,
  warn_at       INTEGER,
  stopped_at    INTEGER,
  department_id INTEGER,
  UNIQUE (complaint_id, name, run)
);

-- What is due next among the runs still counting: the scheduler's sweep
-- reads only the runs it has to act on, however many there are in all.
CREATE INDEX complaint_clocks_open_due ON complaint_clocks (due_at)
  WHERE state IN (0, 1);
