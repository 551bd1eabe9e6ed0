/* store/pg/statements.c - every SQL text of the PostgreSQL backend, by name.
 *
 * Designated initialisers tie each text to its enum rd_pg_stmt name. The
 * complaint INSERT and UPDATE are generated once from RD_PG_COMPLAINT_*
 * (placeholders must be numbered, which the preprocessor cannot do), so
 * columns and binds stay in step; rd_pg_statements_init() refuses to start
 * if any statement has no text.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "store/pg/pg_int.h"

#define SEL(col, kind, member)   "c." #col ", "

#define COMPLAINT_COLS                                                   \
  RD_PG_COMPLAINT_FIXED(SEL) RD_PG_COMPLAINT_MUTABLE(SEL)                \
  "c.id, c.version, c.updated_at, cu.name, cu.phone, cu.email, cu.refs_json,"  \
  " c.anonymised_at"
#define COMPLAINT_FROM " FROM complaints c JOIN customers cu ON cu.id = c.customer_id "

const char rd_pg_complaint_cols[] = COMPLAINT_COLS;

#define CUSTOMER_COLS "id, name, phone, email, refs_json"
#define USER_COLS \
  "id, username, display_name, role, department_id, locale, active," \
  " password_hash, created_at"
#define TOKEN_COLS "id, user_id, name, token_sha256, created_at, expires_at, revoked"

/* The columns of an audit row, in the order audit.c reads them. */
#define AUDIT_COLS                                                            \
  "SELECT seq, at, actor, user_id, client_addr, action, object_kind,"         \
  " object_id, detail, prev_hash, hash FROM audit_log"

static const char *sql[PQ_STMT_COUNT] = {
  [PQ_PING] = "SELECT 1",
  [PQ_SCHEMA_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_migrations",
  [PQ_MIGRATION_RECORD] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",

  /* The row lock taken by the upsert orders concurrent creates of every
   * node; the transaction that rolls back gives its number back. */
  [PQ_NUMBER_NEXT] =
    "INSERT INTO number_sequences AS n (day_prefix, last) VALUES ($1, 1)"
    " ON CONFLICT (day_prefix) DO UPDATE SET last = n.last + 1 RETURNING last",

  [PQ_CUSTOMER_BY_PHONE] = "SELECT " CUSTOMER_COLS " FROM customers WHERE phone = $1",
  [PQ_CUSTOMER_GET] = "SELECT " CUSTOMER_COLS " FROM customers WHERE id = $1",
  /* A phone already there (a concurrent create on another node) is
   * refreshed like a found one instead of failing the registration. */
  [PQ_CUSTOMER_INSERT] =
    "INSERT INTO customers AS cu (name, phone, email, refs_json, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $5)"
    " ON CONFLICT (phone) WHERE phone IS NOT NULL DO UPDATE SET"
    " name = coalesce(excluded.name, cu.name), email = coalesce(excluded.email, cu.email),"
    " refs_json = coalesce(excluded.refs_json, cu.refs_json), updated_at = excluded.updated_at"
    " RETURNING id",
  [PQ_CUSTOMER_REFRESH] =
    "UPDATE customers SET name = coalesce($1, name), email = coalesce($2, email),"
    " refs_json = coalesce($3, refs_json), updated_at = $4 WHERE id = $5",

  [PQ_COMPLAINT_VERSION] = "SELECT version FROM complaints WHERE id = $1",
  [PQ_COMPLAINT_GET] = "SELECT " COMPLAINT_COLS COMPLAINT_FROM "WHERE c.id = $1",
  [PQ_COMPLAINT_GET_BY_NUMBER] =
    "SELECT " COMPLAINT_COLS COMPLAINT_FROM "WHERE c.number = $1",

  /* due_key: "never" unless open with a deadline (rd_pg_due_key; the open
   * states are the first seven, as on SQLite). */
  [PQ_COMPLAINT_SET_DUE] =
    "UPDATE complaints SET due_at = $2::bigint, due_key = CASE WHEN $2::bigint IS NOT NULL"
    " AND status IN (0, 1, 2, 3, 4, 5, 6) THEN $2 ELSE 9223372036854775807 END"
    " WHERE id = $1",

  [PQ_EVENT_INSERT] =
    "INSERT INTO complaint_events (complaint_id, at, actor_id, type, from_status,"
    " to_status, note, data_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
  [PQ_EVENT_LIST] =
    "SELECT e.id, e.complaint_id, e.at, e.actor_id, u.display_name, e.type,"
    " e.from_status, e.to_status, e.note, e.data_json"
    " FROM complaint_events e LEFT JOIN users u ON u.id = e.actor_id"
    " WHERE e.complaint_id = $1 ORDER BY e.id",

  [PQ_IDEM_GET] =
    "SELECT complaint_id, body_sha256, created_at FROM idempotency_keys"
    " WHERE user_id = $1 AND key = $2",
  [PQ_IDEM_PUT] =
    "INSERT INTO idempotency_keys (user_id, key, body_sha256, complaint_id,"
    " created_at) VALUES ($1, $2, $3, $4, $5)",

  [PQ_BLOB_PUT] =
    "INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3)"
    " ON CONFLICT (sha256) DO NOTHING",
  [PQ_BLOB_GET] = "SELECT data FROM blobs WHERE sha256 = $1",
  [PQ_ATTACHMENT_INSERT] =
    "INSERT INTO attachments (complaint_id, sha256, size, content_type, filename,"
    " uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
  [PQ_ATTACHMENT_GET] =
    "SELECT id, complaint_id, sha256, size, content_type, filename, uploaded_by,"
    " uploaded_at FROM attachments WHERE id = $1",
  [PQ_ATTACHMENT_LIST] =
    "SELECT id, complaint_id, sha256, size, content_type, filename, uploaded_by,"
    " uploaded_at FROM attachments WHERE complaint_id = $1 ORDER BY id",

  [PQ_DEPARTMENT_INSERT] =
    "INSERT INTO departments (code, name, active) VALUES ($1, $2, $3) RETURNING id",
  [PQ_DEPARTMENT_UPDATE] =
    "UPDATE departments SET code = $1, name = $2, active = $3 WHERE id = $4",
  [PQ_DEPARTMENT_GET] = "SELECT id, code, name, active FROM departments WHERE id = $1",
  [PQ_DEPARTMENT_BY_CODE] =
    "SELECT id, code, name, active FROM departments WHERE code = $1",
  [PQ_DEPARTMENT_LIST] = "SELECT id, code, name, active FROM departments ORDER BY id",

  [PQ_SITE_INSERT] =
    "INSERT INTO sites (code, name, calendar_id, active) VALUES ($1, $2, $3, $4)"
    " RETURNING id",
  [PQ_SITE_UPDATE] =
    "UPDATE sites SET code = $1, name = $2, calendar_id = $3, active = $4"
    " WHERE id = $5",
  [PQ_SITE_GET] =
    "SELECT id, code, name, calendar_id, active FROM sites WHERE id = $1",
  [PQ_SITE_LIST] =
    "SELECT id, code, name, calendar_id, active FROM sites ORDER BY id",

  [PQ_CATEGORY_INSERT] =
    "INSERT INTO categories (parent_id, level, name, active) VALUES ($1, $2, $3, $4)"
    " RETURNING id",
  [PQ_CATEGORY_UPDATE] =
    "UPDATE categories SET parent_id = $1, level = $2, name = $3, active = $4"
    " WHERE id = $5",
  [PQ_CATEGORY_GET] =
    "SELECT id, parent_id, level, name, active FROM categories WHERE id = $1",
  [PQ_CATEGORY_LIST] =
    "SELECT id, parent_id, level, name, active FROM categories ORDER BY id",

  /* A NULL password_hash on update keeps the stored one: editing a user
   * must not silently lock them out. */
  [PQ_USER_INSERT] =
    "INSERT INTO users (username, display_name, role, department_id, locale,"
    " active, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    " RETURNING id",
  [PQ_USER_UPDATE] =
    "UPDATE users SET username = $1, display_name = $2, role = $3,"
    " department_id = $4, locale = $5, active = $6,"
    " password_hash = coalesce($7, password_hash) WHERE id = $8",
  [PQ_USER_GET] = "SELECT " USER_COLS " FROM users WHERE id = $1",
  [PQ_USER_BY_NAME] = "SELECT " USER_COLS " FROM users WHERE username = $1",
  [PQ_USER_LIST] = "SELECT " USER_COLS " FROM users ORDER BY id",
  [PQ_USER_SET_LOCALE] = "UPDATE users SET locale = $2 WHERE id = $1",
  [PQ_USER_SET_PASSWORD] =
    "UPDATE users SET password_hash = $3"
    " WHERE id = $1 AND active AND password_hash = $2",

#define POLICY_COLS \
  "id, name, priority, match_severity_mask, match_channels, match_category_ids," \
  " match_site_ids, calendar_id, approval_always, approval_severity_at_least," \
  " approval_has_amount_over, approval_amount_over_fen, clocks_json"
  [PQ_POLICY_INSERT] =
    "INSERT INTO sla_policies (name, priority, match_severity_mask, match_channels,"
    " match_category_ids, match_site_ids, calendar_id, approval_always,"
    " approval_severity_at_least, approval_has_amount_over,"
    " approval_amount_over_fen, clocks_json)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
  [PQ_POLICY_UPDATE] =
    "UPDATE sla_policies SET name = $1, priority = $2, match_severity_mask = $3,"
    " match_channels = $4, match_category_ids = $5, match_site_ids = $6,"
    " calendar_id = $7, approval_always = $8, approval_severity_at_least = $9,"
    " approval_has_amount_over = $10, approval_amount_over_fen = $11,"
    " clocks_json = $12 WHERE id = $13",
  [PQ_POLICY_GET] = "SELECT " POLICY_COLS " FROM sla_policies WHERE id = $1",
  [PQ_POLICY_LIST] = "SELECT " POLICY_COLS " FROM sla_policies ORDER BY priority, id",

  [PQ_SESSION_PUT] =
    "INSERT INTO sessions (token_sha256, user_id, csrf_token, created_at, expires_at,"
    " last_seen_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (token_sha256) DO UPDATE SET"
    " user_id = excluded.user_id, csrf_token = excluded.csrf_token,"
    " created_at = excluded.created_at, expires_at = excluded.expires_at,"
    " last_seen_at = excluded.last_seen_at",
  [PQ_SESSION_GET] =
    "SELECT token_sha256, user_id, csrf_token, created_at, expires_at, last_seen_at"
    " FROM sessions WHERE token_sha256 = $1",
  [PQ_SESSION_DELETE] = "DELETE FROM sessions WHERE token_sha256 = $1",
  [PQ_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at < $1",
  [PQ_SESSION_TOUCH] =
    "UPDATE sessions SET last_seen_at = $2 WHERE token_sha256 = $1 AND last_seen_at < $2",
  [PQ_SESSION_DELETE_USER] =
    "DELETE FROM sessions WHERE user_id = $1 AND token_sha256 <> $2",

  [PQ_TOKEN_INSERT] =
    "INSERT INTO api_tokens (user_id, name, token_sha256, created_at, expires_at,"
    " revoked) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
  [PQ_TOKEN_UPDATE] =
    "UPDATE api_tokens SET user_id = $1, name = $2, token_sha256 = $3,"
    " created_at = $4, expires_at = $5, revoked = $6 WHERE id = $7",
  [PQ_TOKEN_GET] = "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_sha256 = $1",
  [PQ_TOKEN_LIST] = "SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = $1 ORDER BY id",
  [PQ_TOKEN_BY_ID] = "SELECT " TOKEN_COLS " FROM api_tokens WHERE id = $1",

  /* Retention (0006_retention, docs/retention.md): the same texts as
   * SQLite's. $1 closed before, $2 after id, $3 limit, $4..$6 the closed
   * states. */
  [PQ_RETENTION_DUE] =
    "SELECT id FROM complaints WHERE anonymised_at IS NULL"
    " AND closed_at IS NOT NULL AND closed_at < $1 AND id > $2"
    " AND status IN ($4, $5, $6) ORDER BY id LIMIT $3",
  /* Only a closed complaint not anonymised yet; a concurrent anonymiser
   * waits for the row and then finds it done. The number comes back for
   * the search document (PQ_ANON_SEARCH), which keeps only it. */
  [PQ_ANON_COMPLAINT] =
    "UPDATE complaints SET anonymised_at = $2, version = version + 1,"
    " updated_at = $2, subject = NULL, content = '', demands = NULL,"
    " restatement = NULL, external_ref = NULL, invalid_reason = NULL,"
    " transfer_contact_person = NULL, transfer_contact_phone = NULL,"
    " transfer_contact_address = NULL,"
    " plan_description = CASE WHEN plan_description IS NULL THEN NULL ELSE '' END,"
    " waiting_reason = NULL, close_reason = NULL, cust_name = NULL,"
    " cust_phone = NULL, search = ''::tsvector"
    " WHERE id = $1 AND anonymised_at IS NULL AND status IN ($3, $4, $5)"
    " RETURNING number",
  [PQ_ANON_SEARCH] = "UPDATE complaints SET search = $2::tsvector WHERE id = $1",
  [PQ_ANON_EVENTS] =
    "UPDATE complaint_events SET note = NULL,"
    " data_json = CASE WHEN type LIKE 'clock.%' THEN data_json END,"
    " redacted_at = $2 WHERE complaint_id = $1 AND redacted_at IS NULL",
  [PQ_ANON_EXTENSIONS] =
    "UPDATE clock_extensions SET reason = '', note = NULL WHERE complaint_id = $1",
  [PQ_ANON_ATTACHMENTS] =
    "UPDATE attachments SET filename = NULL WHERE complaint_id = $1",
  [PQ_ANON_BLOBS] =
    "UPDATE blobs b SET data = ''::bytea WHERE b.sha256 IN"
    " (SELECT sha256 FROM attachments WHERE complaint_id = $1)"
    " AND NOT EXISTS (SELECT 1 FROM attachments t JOIN complaints c"
    " ON c.id = t.complaint_id WHERE t.sha256 = b.sha256"
    " AND c.anonymised_at IS NULL)",
  [PQ_ANON_CUSTOMER] =
    "UPDATE customers cu SET name = NULL, phone = NULL, email = NULL,"
    " refs_json = NULL, updated_at = $2"
    " WHERE cu.id = (SELECT customer_id FROM complaints WHERE id = $1)"
    " AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.customer_id = cu.id"
    " AND c.anonymised_at IS NULL)",
  /* Inserted (first run) or moved when due; a concurrent claimer waits for
   * the row lock and then sees next_at moved: no change, not claimed. */
  [PQ_JOB_CLAIM] =
    "INSERT INTO scheduled_jobs AS j (name, next_at, last_at) VALUES ($1, $3, $2)"
    " ON CONFLICT (name) DO UPDATE SET next_at = excluded.next_at,"
    " last_at = excluded.last_at WHERE j.next_at <= $2",
  [PQ_SETTING_PUT] =
    "INSERT INTO settings (key, value) VALUES ($1, $2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  [PQ_SETTING_GET] = "SELECT value FROM settings WHERE key = $1",

  [PQ_COUNT_BY_STATUS] = "SELECT status, count(*) FROM complaints GROUP BY status",

  [PQ_CALENDAR_INSERT] =
    "INSERT INTO calendars (name, timezone, version, updated_at)"
    " VALUES ($1, $2, 1, $3) RETURNING id, version",
  [PQ_CALENDAR_UPDATE] =
    "UPDATE calendars SET name = $1, timezone = $2, version = version + 1,"
    " updated_at = $3 WHERE id = $4 RETURNING id, version",
  [PQ_CALENDAR_GET] =
    "SELECT id, name, timezone, version FROM calendars WHERE id = $1",
  [PQ_CALENDAR_LIST] = "SELECT id FROM calendars ORDER BY id",
  [PQ_CALENDAR_HOURS_CLEAR] = "DELETE FROM calendar_hours WHERE calendar_id = $1",
  [PQ_CALENDAR_HOURS_ADD] =
    "INSERT INTO calendar_hours (calendar_id, day, seq, start_min, end_min)"
    " VALUES ($1, $2, $3, $4, $5)",
  [PQ_CALENDAR_HOURS_GET] =
    "SELECT day, start_min, end_min FROM calendar_hours WHERE calendar_id = $1"
    " ORDER BY day, seq",
  [PQ_CALENDAR_DATES_CLEAR] = "DELETE FROM calendar_dates WHERE calendar_id = $1",
  [PQ_CALENDAR_DATES_ADD] =
    "INSERT INTO calendar_dates (calendar_id, date, kind) VALUES ($1, $2, $3)",
  [PQ_CALENDAR_DATES_GET] =
    "SELECT date, kind FROM calendar_dates WHERE calendar_id = $1 ORDER BY date",

#define CLOCK_COLS \
  "id, complaint_id, name, run, policy_id, calendar_id, state, started_at," \
  " due_at, opens_at, warn_at, stopped_at, department_id, paused_at"
  /* Names in byte order (COLLATE "C"), as SQLite orders them, whatever the
   * database's collation. */
  [PQ_CLOCKS_OF] =
    "SELECT " CLOCK_COLS " FROM complaint_clocks WHERE complaint_id = $1"
    " ORDER BY name COLLATE \"C\", run",
  /* $1: the complaint ids as one bigint[] (one statement for any page) */
  [PQ_CLOCKS_OF_MANY] =
    "SELECT " CLOCK_COLS " FROM complaint_clocks"
    " WHERE complaint_id = ANY ($1::bigint[])"
    " ORDER BY complaint_id, name COLLATE \"C\", run",
  [PQ_CLOCK_INSERT] =
    "INSERT INTO complaint_clocks (complaint_id, name, run, policy_id,"
    " calendar_id, state, started_at, due_at, opens_at, warn_at, stopped_at,"
    " department_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    " RETURNING id",
  [PQ_CLOCK_UPDATE] =
    "UPDATE complaint_clocks SET state = $1, stopped_at = $2, department_id = $3,"
    " due_at = $5, warn_at = $6, paused_at = $7, opens_at = $8, policy_id = $9,"
    " calendar_id = $10 WHERE id = $4",

  /* A resumed run re-arms its steps at their new times; one already fired
   * stays fired (and returns no row). */
  [PQ_STEP_ADD] =
    "INSERT INTO clock_steps AS s (clock_id, step, on_kind, notify, fire_at)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (clock_id, step) DO UPDATE SET"
    " on_kind = excluded.on_kind, notify = excluded.notify,"
    " fire_at = excluded.fire_at, state = 0 WHERE s.state <> 1 RETURNING id",
  [PQ_STEPS_DROP] =
    "UPDATE clock_steps SET state = 2 WHERE clock_id = $1 AND state = 0",
  /* Claims skip a step another transaction holds (a sweep on another
   * node): it is fired by that one, or pending again if it rolls back. */
  [PQ_STEP_CLAIM] =
    "UPDATE clock_steps SET state = 1, fired_at = $2 WHERE id ="
    " (SELECT id FROM clock_steps WHERE id = $1 AND state = 0"
    " FOR NO KEY UPDATE SKIP LOCKED)",
  [PQ_STEPS_DUE] =
    "SELECT s.id, s.clock_id, s.step, s.on_kind, s.notify, s.fire_at,"
    " c.id, c.complaint_id, c.name, c.run, c.policy_id, c.calendar_id, c.state,"
    " c.started_at, c.due_at, c.opens_at, c.warn_at, c.stopped_at, c.department_id"
    " FROM clock_steps s JOIN complaint_clocks c ON c.id = s.clock_id"
    " WHERE s.state = 0 AND s.fire_at <= $1 ORDER BY s.fire_at, s.id LIMIT $2"
    " FOR SHARE OF s SKIP LOCKED",
  [PQ_NOTIFICATION_ADD] =
    "INSERT INTO notifications (user_id, complaint_id, step_id, kind, data_json,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
  [PQ_NOTIFICATION_READ] =
    "UPDATE notifications SET read_at = coalesce(read_at, $3)"
    " WHERE id = $1 AND user_id = $2",
  [PQ_NOTIFICATIONS_OF] =
    "SELECT id, user_id, complaint_id, step_id, kind, data_json, created_at, read_at"
    " FROM notifications WHERE user_id = $1 AND id < $2"
    " AND (NOT $3::boolean OR read_at IS NULL) ORDER BY id DESC LIMIT $4",

#define EXTENSION_COLS \
  "x.id, x.complaint_id, x.clock_id, c.name, c.run, x.target, x.reason, x.state," \
  " x.requested_by, x.requested_at, x.decided_by, x.decided_at, x.note," \
  " x.due_before, x.due_after FROM clock_extensions x" \
  " JOIN complaint_clocks c ON c.id = x.clock_id"
  [PQ_EXTENSION_ADD] =
    "INSERT INTO clock_extensions (complaint_id, clock_id, target, reason,"
    " requested_by, requested_at, due_before) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " RETURNING id",
  [PQ_EXTENSION_GET] =
    "SELECT " EXTENSION_COLS " WHERE x.complaint_id = $1 AND x.id = $2",
  [PQ_EXTENSION_DECIDE] =
    "UPDATE clock_extensions SET state = $2, decided_by = $3, decided_at = $4,"
    " note = $5, due_after = $6 WHERE id = $1 AND state = 0",
  [PQ_EXTENSIONS_OF] =
    "SELECT " EXTENSION_COLS " WHERE x.complaint_id = $1 ORDER BY x.id",

#define PORTAL_TOKEN_COLS \
  "id, complaint_id, purpose, token_sha256, created_at, created_by, expires_at," \
  " uses_left, bound_at, used_at, revoked_at FROM portal_tokens"
  [PQ_PORTAL_TOKEN_REVOKE] =
    "UPDATE portal_tokens SET revoked_at = $3"
    " WHERE complaint_id = $1 AND purpose = $2 AND revoked_at IS NULL",
  [PQ_PORTAL_TOKEN_INSERT] =
    "INSERT INTO portal_tokens (complaint_id, purpose, token_sha256, created_at,"
    " created_by, expires_at, uses_left, bound_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
  [PQ_PORTAL_TOKEN_GET] = "SELECT " PORTAL_TOKEN_COLS " WHERE token_sha256 = $1",
  [PQ_PORTAL_TOKEN_USE] =
    "UPDATE portal_tokens SET uses_left = uses_left - 1, used_at = $2"
    " WHERE id = $1 AND uses_left > 0 AND revoked_at IS NULL",
  /* One statement: counts a hit, restarting a window that has passed,
   * and never counts past max + 1 (a refused take changes nothing that
   * matters, and the number cannot grow without bound). $1 key, $2 max,
   * $3 now, $4 window length. SET sees the row as it was. (The casts:
   * PostgreSQL cannot type "$3 + $4" from the parameters alone.) */
  [PQ_LIMIT_TAKE] =
    "INSERT INTO rate_limits (limit_key, hits, expires_at)"
    " VALUES ($1, 1, $3::bigint + $4::bigint)"
    " ON CONFLICT (limit_key) DO UPDATE SET"
    " hits = CASE WHEN rate_limits.expires_at <= $3 THEN 1"
    " WHEN rate_limits.hits <= $2 THEN rate_limits.hits + 1"
    " ELSE rate_limits.hits END,"
    " expires_at = CASE WHEN rate_limits.expires_at <= $3 THEN $3::bigint + $4::bigint"
    " ELSE rate_limits.expires_at END"
    " RETURNING hits, expires_at",
  [PQ_LIMIT_GET] = "SELECT hits, expires_at FROM rate_limits WHERE limit_key = $1",
  [PQ_LIMIT_CLEAR] = "DELETE FROM rate_limits WHERE limit_key = $1",
  [PQ_LIMIT_SWEEP] = "DELETE FROM rate_limits WHERE expires_at <= $1",
  /* The chainer's lock (0005_audit_chainer): held by one chainer at a time
   * across every node; writers never take it. The _TRY form skips it when
   * another chainer has it (that one links the rows). */
  [PQ_AUDIT_HEAD] = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
  [PQ_AUDIT_HEAD_TRY] =
    "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE SKIP LOCKED",
  [PQ_AUDIT_HEAD_READ] = "SELECT seq, hash FROM audit_head WHERE id = 1",
  /* Unchained: the id comes from the identity, the chain columns stay NULL. */
  [PQ_AUDIT_INSERT] =
    "INSERT INTO audit_log (at, actor, user_id, client_addr, action,"
    " object_kind, object_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
  /* A batch as one JSON array of rows (the read appender's): one round trip
   * for up to 500 rows, ids given in the array's order. */
  [PQ_AUDIT_INSERT_BATCH] =
    "INSERT INTO audit_log (at, actor, user_id, client_addr, action,"
    " object_kind, object_id, detail)"
    " SELECT r.at, r.actor, r.user_id, r.client_addr, r.action, r.object_kind,"
    "        r.object_id, r.detail"
    " FROM json_array_elements($1::json) WITH ORDINALITY AS e(j, n),"
    "      json_to_record(e.j) AS r(at bigint, actor text, user_id bigint,"
    "        client_addr text, action text, object_kind text, object_id bigint,"
    "        detail text)"
    " ORDER BY e.n",
  [PQ_AUDIT_UNCHAINED] =
    "SELECT id, at, actor, user_id, client_addr, action, object_kind,"
    " object_id, detail FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1",
  /* One statement per batch ($1 ids, $2 seqs, $3 prev_hashes, $4 hashes as
   * arrays); the statement trigger audit_log_link_batch checks that they
   * continue the chain and moves the head. */
  [PQ_AUDIT_LINK] =
    "UPDATE audit_log a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash"
    " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])"
    "   AS v(id, seq, prev_hash, hash)"
    " WHERE a.id = v.id AND a.seq IS NULL",
  [PQ_AUDIT_PENDING] = "SELECT count(*) FROM audit_log WHERE seq IS NULL",
  /* $1 before seq, $2 user, $3 object kind, $4 object id, $5 action (exact,
   * or a prefix when it ends in '.'), $6 from, $7 to, $8 limit; NULL = any. */
  [PQ_AUDIT_PAGE] = AUDIT_COLS
    " WHERE seq < $1 AND ($2::bigint IS NULL OR user_id = $2)"
    " AND ($3::text IS NULL OR object_kind = $3)"
    " AND ($4::bigint IS NULL OR object_id = $4)"
    " AND ($5::text IS NULL OR action = $5"
    "      OR (right($5, 1) = '.' AND left(action, length($5)) = $5))"
    " AND ($6::bigint IS NULL OR at >= $6) AND ($7::bigint IS NULL OR at < $7)"
    " ORDER BY seq DESC LIMIT $8",
  [PQ_AUDIT_RANGE] = AUDIT_COLS " WHERE seq > $1 ORDER BY seq LIMIT $2",
};

/* ---- the report texts --------------------------------------------------------- */

/* One text per grouping: $1 from, $2 to (exclusive), $3 department scope
 * (0 = all), $4 the time-zone offset (month texts only: PostgreSQL refuses
 * parameters a text does not use). "%s" is where the closed states go,
 * inlined from enum rd_state when the texts are built. Keys are compared
 * in C, so the key expression is the same in the three texts. */
#define REPORT_WHERE                                                     \
  " WHERE c.received_at >= $1 AND c.received_at < $2"                    \
  " AND ($3 = 0 OR c.department_id = $3)"
#define REPORT(key, label, join)                                         \
  "SELECT " key ", " label ", count(*),"                                 \
  " count(*) FILTER (WHERE c.status IN (%s)),"                           \
  " count(*) FILTER (WHERE c.resolved_at IS NOT NULL),"                  \
  " count(*) FILTER (WHERE c.satisfied >= 0),"                           \
  " count(*) FILTER (WHERE c.satisfied = 1),"                            \
  " count(*) FILTER (WHERE c.reopen_count > 0)"                          \
  " FROM complaints c " join REPORT_WHERE " GROUP BY 1, 2"
#define DURATIONS(key, join)                                             \
  "SELECT " key ", c.resolved_at - c.received_at FROM complaints c " join \
  REPORT_WHERE " AND c.resolved_at IS NOT NULL ORDER BY 1, 2"
/* Met and breached runs per group and clock. By department, a run counts
 * for the department it is attributed to (responsible at its due time). */
#define CLOCKS(key, label, join)                                         \
  "SELECT " key ", " label ", k.name, count(*) FILTER (WHERE k.state = 2)," \
  " count(*) FILTER (WHERE k.state = 3)"                                 \
  " FROM complaint_clocks k JOIN complaints c ON c.id = k.complaint_id "  \
  join REPORT_WHERE " AND k.state IN (2, 3) GROUP BY 1, 2, 3 ORDER BY 1, 3"
#define J_CLOCK_DEPARTMENT "LEFT JOIN departments g ON g.id = k.department_id"

#define K_CATEGORY "CAST(c.category_id AS text)"
#define J_CATEGORY "LEFT JOIN categories g ON g.id = c.category_id"
#define K_DEPARTMENT "g.code"
#define J_DEPARTMENT "LEFT JOIN departments g ON g.id = c.department_id"
#define K_SITE "g.code"
#define J_SITE "LEFT JOIN sites g ON g.id = c.site_id"
#define K_SEVERITY "CASE WHEN c.severity > 0 THEN CAST(c.severity AS text) END"
#define K_STATUS "CAST(c.status AS text)"
/* The session's time zone is UTC (conn.c), so this is UTC + offset. */
#define K_MONTH "to_char(to_timestamp(c.received_at + $4::integer), 'YYYY-MM')"

static const struct {
  enum rd_pg_stmt id;
  const char *text;
} report_texts[] = {
  { PQ_REPORT_CATEGORY,      REPORT(K_CATEGORY, "g.name", J_CATEGORY) },
  { PQ_REPORT_DEPARTMENT,    REPORT(K_DEPARTMENT, "g.name", J_DEPARTMENT) },
  { PQ_REPORT_SITE,          REPORT(K_SITE, "g.name", J_SITE) },
  { PQ_REPORT_CHANNEL,       REPORT("c.channel", "c.channel", "") },
  { PQ_REPORT_SEVERITY,      REPORT(K_SEVERITY, K_SEVERITY, "") },
  { PQ_REPORT_MONTH,         REPORT(K_MONTH, K_MONTH, "") },
  { PQ_REPORT_STATUS,        REPORT(K_STATUS, K_STATUS, "") },
  { PQ_DURATIONS_CATEGORY,   DURATIONS(K_CATEGORY, J_CATEGORY) },
  { PQ_DURATIONS_DEPARTMENT, DURATIONS(K_DEPARTMENT, J_DEPARTMENT) },
  { PQ_DURATIONS_SITE,       DURATIONS(K_SITE, J_SITE) },
  { PQ_DURATIONS_CHANNEL,    DURATIONS("c.channel", "") },
  { PQ_DURATIONS_SEVERITY,   DURATIONS(K_SEVERITY, "") },
  { PQ_DURATIONS_MONTH,      DURATIONS(K_MONTH, "") },
  { PQ_DURATIONS_STATUS,     DURATIONS(K_STATUS, "") },
  { PQ_CLOCKS_CATEGORY,      CLOCKS(K_CATEGORY, "g.name", J_CATEGORY) },
  { PQ_CLOCKS_DEPARTMENT,    CLOCKS(K_DEPARTMENT, "g.name", J_CLOCK_DEPARTMENT) },
  { PQ_CLOCKS_SITE,          CLOCKS(K_SITE, "g.name", J_SITE) },
  { PQ_CLOCKS_CHANNEL,       CLOCKS("c.channel", "c.channel", "") },
  { PQ_CLOCKS_SEVERITY,      CLOCKS(K_SEVERITY, K_SEVERITY, "") },
  { PQ_CLOCKS_MONTH,         CLOCKS(K_MONTH, K_MONTH, "") },
  { PQ_CLOCKS_STATUS,        CLOCKS(K_STATUS, K_STATUS, "") },
};

enum { REPORT_TEXT_MAX = 1024 };
static char report_built[sizeof report_texts / sizeof *report_texts][REPORT_TEXT_MAX];

/* The texts with the closed states filled in; only the counts have "%s". */
static void
build_reports(void)
{
  char closed[48];

  snprintf(closed, sizeof closed, "%d, %d, %d", (int)RD_STATE_CLOSED,
           (int)RD_STATE_WITHDRAWN, (int)RD_STATE_MERGED);
  for (size_t i = 0; i < sizeof report_texts / sizeof *report_texts; i++) {
    const char *t = report_texts[i].text;
    const char *hole = strstr(t, "%s");
    if (hole)
      snprintf(report_built[i], REPORT_TEXT_MAX, "%.*s%s%s", (int)(hole - t), t,
               closed, hole + 2);
    else
      snprintf(report_built[i], REPORT_TEXT_MAX, "%s", t);
    sql[report_texts[i].id] = report_built[i];
  }
}

/* ---- the generated complaint texts ----------------------------------------- */

#define NAME(col, kind, member) #col,
static const char *const fixed_cols[] = { RD_PG_COMPLAINT_FIXED(NAME) };
static const char *const mutable_cols[] = { RD_PG_COMPLAINT_MUTABLE(NAME) };
#define N_FIXED (sizeof fixed_cols / sizeof *fixed_cols)
#define N_MUTABLE (sizeof mutable_cols / sizeof *mutable_cols)

static char insert_text[4096], update_text[4096];
static pthread_once_t built = PTHREAD_ONCE_INIT;

/* Appends to buf at *o; the buffers are sized for the table with room. */
#define PUT(buf, o, ...) \
  ((o) += (size_t)snprintf((buf) + (o), sizeof (buf) - (o), __VA_ARGS__))

/* INSERT: fixed and mutable columns as $1..$n, then updated_at, due_key,
 * the customer id for cust_name/cust_phone and the search tsvector,
 * RETURNING id.
 * UPDATE: mutable columns as $1..$m, then updated_at, due_key, customer id,
 * id, expected version and the search tsvector. (complaints.c binds in
 * this order.) */
static void
build(void)
{
  size_t o = 0;
  int n = 0;

  PUT(insert_text, o, "INSERT INTO complaints (");
  for (size_t i = 0; i < N_FIXED; i++)
    PUT(insert_text, o, "%s, ", fixed_cols[i]);
  for (size_t i = 0; i < N_MUTABLE; i++)
    PUT(insert_text, o, "%s, ", mutable_cols[i]);
  PUT(insert_text, o, "version, updated_at, due_key, cust_name, cust_phone, search) VALUES (");
  for (size_t i = 0; i < N_FIXED + N_MUTABLE; i++)
    PUT(insert_text, o, "$%d, ", ++n);
  PUT(insert_text, o, "1, $%d, $%d, (SELECT name FROM customers WHERE id = $%d),"
      " (SELECT phone FROM customers WHERE id = $%d), $%d::tsvector) RETURNING id",
      n + 1, n + 2, n + 3, n + 3, n + 4);

  o = 0;
  n = 0;
  PUT(update_text, o, "UPDATE complaints SET ");
  for (size_t i = 0; i < N_MUTABLE; i++)
    PUT(update_text, o, "%s = $%d, ", mutable_cols[i], ++n);
  PUT(update_text, o, "version = version + 1, updated_at = $%d, due_key = $%d,"
      " cust_name = (SELECT name FROM customers WHERE id = $%d),"
      " cust_phone = (SELECT phone FROM customers WHERE id = $%d),"
      " search = $%d::tsvector WHERE id = $%d AND version = $%d",
      n + 1, n + 2, n + 3, n + 3, n + 6, n + 4, n + 5);

  sql[PQ_COMPLAINT_INSERT] = insert_text;
  sql[PQ_COMPLAINT_UPDATE] = update_text;
  build_reports();
}

enum rd_status
rd_pg_statements_init(struct rd_error *err)
{
  pthread_once(&built, build);
  for (int i = 0; i < PQ_STMT_COUNT; i++)
    if (sql[i] == NULL)
      return rd_error_set(err, RD_E_INTERNAL, "", "statement %d has no SQL", i);
  return RD_OK;
}

const char *
rd_pg_sql(enum rd_pg_stmt id)
{
  return sql[id];
}
