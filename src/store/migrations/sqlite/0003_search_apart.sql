-- 0003_search_apart.sql - the full-text index leaves the commit path.
--
-- Indexing a complaint (two FTS5 tokens per Chinese character) cost more
-- than the rest of its registration together, on the single writer that
-- every durable write waits for. The index now lives in its own database
-- beside this one (<db>-search, store/sqlite/search.c), written by its own
-- thread after each commit. search_seq tells that thread what changed: a
-- new complaint, or a change of indexed text, takes the next number, and
-- the index records the last number it holds. Searches wait for it to catch
-- up, so what was committed before a search is found by it.
-- Which store an index belongs to: a search database left beside a store
-- that was deleted and created again, or restored from a backup, is rebuilt
-- instead of trusted.
INSERT INTO settings (key, value)
VALUES ('search.store_id', lower(hex(randomblob(16))));

DROP TRIGGER complaints_fts_insert;
DROP TRIGGER complaints_fts_update;
DROP TRIGGER complaints_fts_delete;
DROP TABLE complaints_fts;

ALTER TABLE complaints ADD COLUMN search_seq INTEGER NOT NULL DEFAULT 0;
UPDATE complaints SET search_seq = id;
CREATE INDEX complaints_search_seq ON complaints (search_seq);

-- New rows take their number in the INSERT (statements.c). Only a change
-- of indexed text renumbers: most updates are status moves. (Recursive
-- triggers are off: the inner UPDATE does not fire this again.)
CREATE TRIGGER complaints_search_touch AFTER UPDATE ON complaints
WHEN old.subject IS NOT new.subject OR old.content IS NOT new.content
  OR old.demands IS NOT new.demands OR old.number IS NOT new.number
  OR old.cust_name IS NOT new.cust_name OR old.cust_phone IS NOT new.cust_phone
BEGIN
  UPDATE complaints SET search_seq = (SELECT max(search_seq) FROM complaints) + 1
  WHERE id = new.id;
END;
