-- 0013_audit.sql - the audit log: every change and every staff read of
-- personal data, append-only and hash-chained (docs/audit.md).
--
-- seq counts 1, 2, 3 ... without gaps; each row's hash is SHA-256 over the
-- previous row's hash and this row's canonical bytes (store/audit.c), so an
-- edited or deleted row breaks the chain at that seq. audit_head holds the
-- chain's end (the last seq and hash): the insert trigger below checks each
-- new row against it and moves it, so a row can only join at the end, and
-- a log cut short no longer matches its head. The triggers refuse UPDATE
-- and DELETE; someone with the file can drop them, and the chain catches
-- what they then change.
CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,              -- Unix seconds
  actor       TEXT NOT NULL CHECK (actor IN ('user', 'customer', 'system')),
  user_id     INTEGER,                       -- NULL unless actor = 'user'
  client_addr TEXT,                          -- NULL when not over HTTP
  action      TEXT NOT NULL,                 -- complaint.create, login.failed, ...
  object_kind TEXT,                          -- complaint, user, ...; NULL: none
  object_id   INTEGER,
  detail      TEXT NOT NULL,                 -- small JSON: field names, not values
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,                     -- the last row's seq (0: empty)
  hash TEXT NOT NULL                         -- the last row's hash
);
INSERT INTO audit_head VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_join BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head WHERE id = 1)
  OR NEW.prev_hash IS NOT (SELECT hash FROM audit_head WHERE id = 1)
BEGIN
  SELECT RAISE(ABORT, 'audit_log: a row joins only at the end of the chain');
END;
CREATE TRIGGER audit_log_advance AFTER INSERT ON audit_log
BEGIN
  UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.seq IS NOT OLD.seq + 1
BEGIN
  SELECT RAISE(ABORT, 'audit_head moves only with a new audit_log row');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
  SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
