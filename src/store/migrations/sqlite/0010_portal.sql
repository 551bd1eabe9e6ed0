-- 0010_portal.sql - what the public customer portal hands out: capabilities
-- tied to one complaint, a photo-upload link given with the complaint number
-- and a one-time satisfaction-survey link made by staff. Only the SHA-256
-- of each secret is kept, like sessions and API tokens.
CREATE TABLE portal_tokens (
  id           INTEGER PRIMARY KEY,
  complaint_id INTEGER NOT NULL REFERENCES complaints (id),
  purpose      TEXT NOT NULL CHECK (purpose IN ('upload', 'survey')),
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  created_by   INTEGER REFERENCES users (id),   -- NULL: the customer, at submission
  expires_at   INTEGER NOT NULL,
  uses_left    INTEGER NOT NULL CHECK (uses_left >= 0), -- photos left; 1 for a survey
  bound_at     INTEGER,   -- survey: the complaint's resolved_at it asks about
  used_at      INTEGER,   -- last use
  revoked_at   INTEGER    -- superseded by a newer link of the same purpose
);
CREATE INDEX portal_tokens_complaint ON portal_tokens (complaint_id, purpose);
