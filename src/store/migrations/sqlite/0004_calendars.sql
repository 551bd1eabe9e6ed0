-- 0004_calendars.sql - business calendars (core/calendar.h): a time zone,
-- working intervals per weekday, holidays and make-up working days (调休)
-- with their own hours. Sites and SLA policies name one by calendar_id.
CREATE TABLE calendars (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  timezone   TEXT NOT NULL,
  version    INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);

-- day 0-6 = Monday-Sunday, 7 = the hours of a make-up working day; seq
-- orders a day's intervals. Minutes after local midnight, end up to 1440.
CREATE TABLE calendar_hours (
  calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
  day         INTEGER NOT NULL CHECK (day BETWEEN 0 AND 7),
  seq         INTEGER NOT NULL,
  start_min   INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
  end_min     INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
  PRIMARY KEY (calendar_id, day, seq)
) WITHOUT ROWID;

-- Dates as text (YYYY-MM-DD, so they read well in a SQL session and sort in
-- date order); kind 0 = holiday, 1 = make-up working day.
CREATE TABLE calendar_dates (
  calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
  date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  kind        INTEGER NOT NULL CHECK (kind IN (0, 1)),
  PRIMARY KEY (calendar_id, date)
) WITHOUT ROWID;
