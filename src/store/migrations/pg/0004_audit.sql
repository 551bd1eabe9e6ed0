-- 0004_audit.sql - the audit log, the same table as SQLite's 0013_audit:
-- every change and every staff read of personal data, append-only and
-- hash-chained (docs/audit.md).
--
-- seq counts 1, 2, 3 ... without gaps; each row's hash is SHA-256 over the
-- previous row's hash and this row's canonical bytes (store/audit.c).
-- audit_head holds the chain's end: a writer locks its one row (SELECT ...
-- FOR UPDATE) before appending, which orders appends from every node, and
-- the insert trigger checks each new row against it and moves it. Triggers
-- refuse UPDATE and DELETE (and TRUNCATE); a superuser can disable them,
-- and the chain catches what is then changed.
CREATE TABLE audit_log (
  seq         bigint PRIMARY KEY,
  at          bigint NOT NULL,
  actor       text NOT NULL CHECK (actor IN ('user', 'customer', 'system')),
  user_id     bigint,
  client_addr text,
  action      text NOT NULL,
  object_kind text,
  object_id   bigint,
  detail      text NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_join() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h audit_head%ROWTYPE;
BEGIN
  SELECT * INTO h FROM audit_head WHERE id = 1;
  IF NEW.seq IS DISTINCT FROM h.seq + 1 OR NEW.prev_hash IS DISTINCT FROM h.hash THEN
    RAISE EXCEPTION 'audit_log: a row joins only at the end of the chain';
  END IF;
  UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_join BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_join();

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.seq IS DISTINCT FROM OLD.seq + 1 THEN
    RAISE EXCEPTION 'audit_head moves only with a new audit_log row';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_forward();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
