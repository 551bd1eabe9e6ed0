-- 0009_waiting.sql - a complaint waiting for the customer (actions wait and
-- resume): since when and why. SLA clocks may pause while it waits.
ALTER TABLE complaints ADD COLUMN waiting_since INTEGER;
ALTER TABLE complaints ADD COLUMN waiting_reason TEXT;
