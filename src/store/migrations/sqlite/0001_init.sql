-- 0001_init.sql - the first schema of the SQLite store.
--
-- Instants are UTC Unix seconds; ids are INTEGER PRIMARY KEY (the rowid);
-- "none" ids and instants are NULL so that foreign keys hold. Vocabulary
-- values are stored by name, except complaints.status, whose enum order is
-- part of the stored data (core/complaint.h). Runs inside one transaction.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE departments (
  id     INTEGER PRIMARY KEY,
  code   TEXT NOT NULL UNIQUE,
  name   TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sites (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  calendar_id INTEGER,              -- calendars arrive with the working-time issue
  active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE categories (
  id        INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES categories(id),
  level     INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  name      TEXT NOT NULL,
  active    INTEGER NOT NULL DEFAULT 1
);
-- Names are unique among siblings; roots share the parent "0".
CREATE UNIQUE INDEX categories_sibling_name ON categories (coalesce(parent_id, 0), name);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  department_id INTEGER REFERENCES departments(id),
  locale        TEXT NOT NULL DEFAULT 'zh-CN',
  active        INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  name         TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,             -- NULL = never
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- match_* lists are comma-separated (channel names, ids); empty = any.
CREATE TABLE sla_policies (
  id                         INTEGER PRIMARY KEY,
  name                       TEXT NOT NULL,
  priority                   INTEGER NOT NULL,
  match_severity_mask        INTEGER NOT NULL DEFAULT 0,
  match_channels             TEXT NOT NULL DEFAULT '',
  match_category_ids         TEXT NOT NULL DEFAULT '',
  match_site_ids             TEXT NOT NULL DEFAULT '',
  calendar_id                INTEGER,
  approval_always            INTEGER NOT NULL DEFAULT 0,
  approval_severity_at_least INTEGER NOT NULL DEFAULT 0,
  approval_has_amount_over   INTEGER NOT NULL DEFAULT 0,
  approval_amount_over_fen   INTEGER NOT NULL DEFAULT 0,
  clocks_json                TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX sla_policies_priority ON sla_policies (priority, id);

CREATE TABLE customers (
  id         INTEGER PRIMARY KEY,
  name       TEXT,
  phone      TEXT,
  email      TEXT,
  refs_json  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- A phone identifies one customer (the upsert key).
CREATE UNIQUE INDEX customers_phone ON customers (phone) WHERE phone IS NOT NULL;

CREATE TABLE number_sequences (
  day_prefix TEXT PRIMARY KEY,
  last       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE complaints (
  id                       INTEGER PRIMARY KEY,
  number                   TEXT NOT NULL UNIQUE,
  registered_at            INTEGER NOT NULL,
  registered_by            INTEGER REFERENCES users(id),
  version                  INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL,
  status                   INTEGER NOT NULL,
  channel                  TEXT NOT NULL,
  external_ref             TEXT,
  received_at              INTEGER NOT NULL,
  customer_id              INTEGER NOT NULL REFERENCES customers(id),
  subject                  TEXT,
  content                  TEXT NOT NULL,
  demands                  TEXT,
  restatement              TEXT,
  restatement_confirmed    INTEGER NOT NULL DEFAULT 0,
  confirmed_at             INTEGER,
  anger                    INTEGER NOT NULL DEFAULT 0,
  validity                 TEXT NOT NULL DEFAULT 'unknown',
  invalid_reason           TEXT,
  transfer_to_party        TEXT,
  transfer_contact_person  TEXT,
  transfer_contact_phone   TEXT,
  transfer_contact_address TEXT,
  category_id              INTEGER REFERENCES categories(id),
  severity                 INTEGER NOT NULL DEFAULT 0,
  site_id                  INTEGER REFERENCES sites(id),
  department_id            INTEGER REFERENCES departments(id),
  assignee_id              INTEGER REFERENCES users(id),
  plan_present             INTEGER NOT NULL DEFAULT 0,
  plan_kind                TEXT,
  plan_description         TEXT,
  plan_has_amount          INTEGER NOT NULL DEFAULT 0,
  plan_amount_fen          INTEGER NOT NULL DEFAULT 0,
  plan_needs_approval      INTEGER NOT NULL DEFAULT 0,
  reopen_count             INTEGER NOT NULL DEFAULT 0,
  followup_attempts        INTEGER NOT NULL DEFAULT 0,
  satisfaction_score       INTEGER NOT NULL DEFAULT 0,
  satisfied                INTEGER NOT NULL DEFAULT -1,
  merged_into              INTEGER REFERENCES complaints(id),
  close_reason             TEXT,
  tags_json                TEXT,
  first_contact_at         INTEGER,
  resolved_at              INTEGER,
  closed_at                INTEGER,
  due_at                   INTEGER,
  -- The queue key for sort=due: due_at while the complaint is open and has
  -- one, else the largest integer, so "NULLs last" is plain index order.
  due_key                  INTEGER NOT NULL,
  -- The customer's name and phone as indexed for search (the external
  -- content of complaints_fts must be columns of this table).
  cust_name                TEXT,
  cust_phone               TEXT
);

-- Default list: newest first, overall and within a department (the implicit
-- rowid in each index is the id tiebreaker).
CREATE INDEX complaints_received       ON complaints (received_at);
CREATE INDEX complaints_dept_received  ON complaints (department_id, received_at);
CREATE INDEX complaints_status_received ON complaints (status, received_at);
-- Work queues (sort=due, overdue): soonest deadline first.
CREATE INDEX complaints_due            ON complaints (due_key);
CREATE INDEX complaints_dept_due       ON complaints (department_id, due_key);
CREATE INDEX complaints_status_due     ON complaints (status, due_key);
CREATE INDEX complaints_assignee_due   ON complaints (assignee_id, due_key);
CREATE INDEX complaints_customer       ON complaints (customer_id);
CREATE INDEX complaints_category       ON complaints (category_id);

-- Full-text search over the complaint and its customer. External content:
-- the text lives once, in complaints; the triggers below keep the index in
-- step. Tokenizer "redress" (store/sqlite/tokenizer.c): words for Latin and
-- digits, unigrams + bigrams for Chinese.
CREATE VIRTUAL TABLE complaints_fts USING fts5 (
  subject, content, demands, number, cust_name, cust_phone,
  content = 'complaints', content_rowid = 'id',
  tokenize = 'redress'
);

CREATE TRIGGER complaints_fts_insert AFTER INSERT ON complaints BEGIN
  INSERT INTO complaints_fts (rowid, subject, content, demands, number, cust_name, cust_phone)
  VALUES (new.id, new.subject, new.content, new.demands, new.number, new.cust_name, new.cust_phone);
END;

-- Only when indexed text changes: most updates are status moves.
CREATE TRIGGER complaints_fts_update AFTER UPDATE ON complaints
WHEN old.subject IS NOT new.subject OR old.content IS NOT new.content
  OR old.demands IS NOT new.demands OR old.number IS NOT new.number
  OR old.cust_name IS NOT new.cust_name OR old.cust_phone IS NOT new.cust_phone
BEGIN
  INSERT INTO complaints_fts (complaints_fts, rowid, subject, content, demands, number, cust_name, cust_phone)
  VALUES ('delete', old.id, old.subject, old.content, old.demands, old.number, old.cust_name, old.cust_phone);
  INSERT INTO complaints_fts (rowid, subject, content, demands, number, cust_name, cust_phone)
  VALUES (new.id, new.subject, new.content, new.demands, new.number, new.cust_name, new.cust_phone);
END;

CREATE TRIGGER complaints_fts_delete AFTER DELETE ON complaints BEGIN
  INSERT INTO complaints_fts (complaints_fts, rowid, subject, content, demands, number, cust_name, cust_phone)
  VALUES ('delete', old.id, old.subject, old.content, old.demands, old.number, old.cust_name, old.cust_phone);
END;

-- The timeline: append-only, enforced by the database itself.
CREATE TABLE complaint_events (
  id           INTEGER PRIMARY KEY,
  complaint_id INTEGER NOT NULL REFERENCES complaints(id),
  at           INTEGER NOT NULL,
  actor_id     INTEGER REFERENCES users(id),
  type         TEXT NOT NULL,
  from_status  INTEGER,
  to_status    INTEGER,
  note         TEXT,
  data_json    TEXT
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events BEGIN
  SELECT RAISE(ABORT, 'complaint_events is append-only');
END;
CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events BEGIN
  SELECT RAISE(ABORT, 'complaint_events is append-only');
END;

CREATE TABLE idempotency_keys (
  user_id      INTEGER NOT NULL,
  key          TEXT NOT NULL,
  body_sha256  TEXT NOT NULL,
  complaint_id INTEGER NOT NULL REFERENCES complaints(id),
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- Content-addressed storage: one row per distinct content.
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size   INTEGER NOT NULL,
  data   BLOB NOT NULL
);

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  complaint_id INTEGER NOT NULL REFERENCES complaints(id),
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  size         INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  filename     TEXT,
  uploaded_by  INTEGER REFERENCES users(id),
  uploaded_at  INTEGER NOT NULL
);
CREATE INDEX attachments_complaint ON attachments (complaint_id, id);
