-- 0008_clock_extensions.sql - deadline extensions: a handler asks for a
-- clock's target to become longer (the bank's 15 -> 30 -> 60 days), an
-- approver grants or refuses it.
CREATE TABLE clock_extensions (
  id           INTEGER PRIMARY KEY,
  complaint_id INTEGER NOT NULL REFERENCES complaints (id),
  clock_id     INTEGER NOT NULL REFERENCES complaint_clocks (id),
  target       TEXT NOT NULL,          -- the new target from the run's start
  reason       TEXT NOT NULL,
  state        INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)), -- requested, granted, refused
  requested_by INTEGER REFERENCES users (id),
  requested_at INTEGER NOT NULL,
  decided_by   INTEGER REFERENCES users (id),
  decided_at   INTEGER,
  note         TEXT,
  due_before   INTEGER NOT NULL,
  due_after    INTEGER
);
CREATE INDEX clock_extensions_complaint ON clock_extensions (complaint_id, id);
-- At most one request waiting per clock run.
CREATE UNIQUE INDEX clock_extensions_waiting ON clock_extensions (clock_id)
  WHERE state = 0;
