-- 0005_audit_chainer.sql - audit rows are appended without the chain's lock
-- and linked into the chain afterwards (docs/audit.md).
--
-- Under 0004 every append locked audit_head until COMMIT, so every write of
-- every node waited for the one before it to reach the disk. Now a writer
-- inserts its row unchained (seq, prev_hash, hash NULL; id from a sequence)
-- and takes no shared lock; the chainer (store/audit.c, one at a time
-- across nodes: it holds audit_head FOR UPDATE, others skip) links the
-- committed unchained rows in id order, setting seq, prev_hash and hash in
-- one UPDATE per batch, and this file's triggers check that the batch
-- continues the chain from audit_head and move the head.
--
-- Append-only still: a chained row never changes and no row is deleted; the
-- one change allowed is setting the chain columns of an unchained row, once,
-- and nothing else of it.
DROP TRIGGER audit_log_join ON audit_log;
DROP FUNCTION audit_log_join();
DROP TRIGGER audit_log_no_change ON audit_log;
DROP TRIGGER audit_head_forward ON audit_head;
DROP FUNCTION audit_head_forward();

-- Rows before this migration are chained already; their ids are arbitrary.
ALTER TABLE audit_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL,
  ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_seq_key UNIQUE (seq);
ALTER TABLE audit_log ADD CONSTRAINT audit_log_chain_whole
  CHECK ((seq IS NULL) = (prev_hash IS NULL) AND (seq IS NULL) = (hash IS NULL));
-- The chainer's queue.
CREATE INDEX audit_log_unchained ON audit_log (id) WHERE seq IS NULL;

-- A row is inserted unchained: it joins the chain only through the chainer.
CREATE FUNCTION audit_log_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
    RAISE EXCEPTION 'audit_log: a row joins the chain only through the chainer';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_insert BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_insert();

-- The one change allowed: an unchained row gets its chain columns, all
-- three, and nothing else of it changes.
CREATE FUNCTION audit_log_link_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seq IS NOT NULL OR OLD.prev_hash IS NOT NULL OR OLD.hash IS NOT NULL THEN
    RAISE EXCEPTION 'audit_log is append-only: a chained row never changes';
  END IF;
  IF NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL THEN
    RAISE EXCEPTION 'audit_log is append-only: only linking an unchained row is allowed';
  END IF;
  IF (NEW.id, NEW.at, NEW.actor, NEW.user_id, NEW.client_addr, NEW.action,
      NEW.object_kind, NEW.object_id, NEW.detail)
     IS DISTINCT FROM
     (OLD.id, OLD.at, OLD.actor, OLD.user_id, OLD.client_addr, OLD.action,
      OLD.object_kind, OLD.object_id, OLD.detail) THEN
    RAISE EXCEPTION 'audit_log is append-only: linking sets the chain columns only';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_link_row BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_link_row();

-- After a linking UPDATE, the rows it linked must continue the chain from
-- the head without a gap, each prev_hash the hash before it; then the head
-- moves to the last of them. Checked per statement, because the rows of
-- one UPDATE are visited in no particular order.
CREATE FUNCTION audit_log_link_batch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h audit_head%ROWTYPE;
  n bigint;
  lo bigint;
  hi bigint;
  broken bigint;
BEGIN
  SELECT count(*), min(seq), max(seq) INTO n, lo, hi FROM linked;
  IF n = 0 THEN
    RETURN NULL;
  END IF;
  SELECT * INTO h FROM audit_head WHERE id = 1 FOR UPDATE;
  IF lo IS DISTINCT FROM h.seq + 1 OR hi - lo + 1 <> n THEN
    RAISE EXCEPTION 'audit_log: rows join only at the end of the chain';
  END IF;
  SELECT count(*) INTO broken
    FROM linked l LEFT JOIN linked p ON p.seq = l.seq - 1
   WHERE l.prev_hash IS DISTINCT FROM CASE WHEN l.seq = lo THEN h.hash ELSE p.hash END;
  IF broken > 0 THEN
    RAISE EXCEPTION 'audit_log: a linked row''s prev_hash is not the hash before it';
  END IF;
  UPDATE audit_head SET seq = hi, hash = (SELECT hash FROM linked WHERE seq = hi)
   WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_log_link_batch AFTER UPDATE ON audit_log
  REFERENCING NEW TABLE AS linked
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_link_batch();

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();

-- The head moves forward only, and only from the trigger above (depth 2),
-- never by a statement of its own.
CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR pg_trigger_depth() < 2 OR NEW.seq <= OLD.seq THEN
    RAISE EXCEPTION 'audit_head moves only with new chained audit_log rows';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_forward();
