-- 0007_clock_pause.sql - a clock run pauses in its policy's pause states
-- (core/clock.h): when it paused, so that its deadline moves out by the
-- working time it spent paused.
ALTER TABLE complaint_clocks ADD COLUMN paused_at INTEGER;
