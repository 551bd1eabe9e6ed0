/* store/sqlite/statements.c - every SQL text of the SQLite backend, by name.
 *
 * Designated initialisers tie each text to its enum rd_sqlite_stmt name;
 * rd_sqlite_open() refuses to start if one is missing. Complaint texts are
 * generated from RD_SQLITE_COMPLAINT_* so columns and binds stay in step.
 */
#include "store/sqlite/sqlite_int.h"

#define COL(col, kind, member)   #col ", "
#define QMARK(col, kind, member) "?, "
#define SET(col, kind, member)   #col " = ?, "
#define SEL(col, kind, member)   "c." #col ", "

/* Columns read by rd_sqlite_complaint_read(), joined with the customer. */
#define COMPLAINT_COLS                                                   \
  RD_SQLITE_COMPLAINT_FIXED(SEL) RD_SQLITE_COMPLAINT_MUTABLE(SEL)        \
  "c.id, c.version, c.updated_at, cu.name, cu.phone, cu.email, cu.refs_json,"  \
  " c.anonymised_at"

#define COMPLAINT_FROM " FROM complaints c JOIN customers cu ON cu.id = c.customer_id "

const char rd_sqlite_complaint_cols[] = COMPLAINT_COLS;

#define CUSTOMER_COLS "id, name, phone, email, refs_json"

/* Reports: one text per grouping. ?1 from, ?2 to (exclusive), ?3 department
 * scope (0 = all), ?4 tz offset for months, ?5..?7 the closed states (texts
 * that do not use a parameter simply ignore its bind). The key expression is
 * the same in the counts and the durations, which are matched by it. */
#define REPORT_WHERE                                                     \
  " WHERE c.received_at >= ?1 AND c.received_at < ?2"                    \
  " AND (?3 = 0 OR c.department_id = ?3)"
#define REPORT(key, label, join, group)                                  \
  "SELECT " key ", " label ", count(*),"                                 \
  " sum(c.status IN (?5, ?6, ?7)), sum(c.resolved_at IS NOT NULL),"      \
  " sum(c.satisfied >= 0), sum(c.satisfied = 1), sum(c.reopen_count > 0)"\
  " FROM complaints c " join REPORT_WHERE " GROUP BY " group
#define DURATIONS(key, join)                                             \
  "SELECT " key ", c.resolved_at - c.received_at FROM complaints c " join \
  REPORT_WHERE " AND c.resolved_at IS NOT NULL ORDER BY 1, 2"

/* Met and breached clock runs per group and clock. By department, a run
 * counts for the department it is attributed to (responsible at its due
 * time), not the complaint's current one. */
#define CLOCKS(key, label, join)                                         \
  "SELECT " key ", " label ", k.name, sum(k.state = 2), sum(k.state = 3)"  \
  " FROM complaint_clocks k JOIN complaints c ON c.id = k.complaint_id "  \
  join REPORT_WHERE " AND k.state IN (2, 3) GROUP BY 1, 3 ORDER BY 1, 3"
#define J_CLOCK_DEPARTMENT "LEFT JOIN departments g ON g.id = k.department_id"

#define K_CATEGORY "CAST(c.category_id AS TEXT)"
#define J_CATEGORY "LEFT JOIN categories g ON g.id = c.category_id"
#define K_DEPARTMENT "g.code"
#define J_DEPARTMENT "LEFT JOIN departments g ON g.id = c.department_id"
#define K_SITE "g.code"
#define J_SITE "LEFT JOIN sites g ON g.id = c.site_id"
#define K_SEVERITY "CASE WHEN c.severity > 0 THEN CAST(c.severity AS TEXT) END"
#define K_STATUS "CAST(c.status AS TEXT)"
#define K_MONTH "strftime('%Y-%m', c.received_at + ?4, 'unixepoch')"

/* The columns of an audit row, in the order audit.c reads them. */
#define AUDIT_COLS                                                            \
  "SELECT seq, at, actor, user_id, client_addr, action, object_kind,"         \
  " object_id, detail, prev_hash, hash FROM audit_log"

/* The columns of an audit row, in the order audit.c reads them. */
#define AUDIT_COLS                                                            \
  "SELECT seq, at, actor, user_id, client_addr, action, object_kind,"         \
  " object_id, detail, prev_hash, hash FROM audit_log"

const char *const rd_sqlite_sql[SQ_STMT_COUNT] = {
  [SQ_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
  [SQ_COMMIT] = "COMMIT",
  [SQ_ROLLBACK] = "ROLLBACK",
  [SQ_SAVEPOINT] = "SAVEPOINT job",
  [SQ_RELEASE] = "RELEASE job",
  [SQ_ROLLBACK_TO] = "ROLLBACK TO job",
  [SQ_BEGIN_READ] = "BEGIN DEFERRED",
  [SQ_PING] = "SELECT 1",
  [SQ_SCHEMA_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_migrations",
  [SQ_MIGRATION_RECORD] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",

  [SQ_NUMBER_NEXT] =
    "INSERT INTO number_sequences (day_prefix, last) VALUES (?, 1)"
    " ON CONFLICT (day_prefix) DO UPDATE SET last = last + 1 RETURNING last",

  [SQ_CUSTOMER_BY_PHONE] = "SELECT " CUSTOMER_COLS " FROM customers WHERE phone = ?",
  [SQ_CUSTOMER_GET] = "SELECT " CUSTOMER_COLS " FROM customers WHERE id = ?",
  [SQ_CUSTOMER_INSERT] =
    "INSERT INTO customers (name, phone, email, refs_json, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
  [SQ_CUSTOMER_REFRESH] =
    "UPDATE customers SET name = coalesce(?1, name), email = coalesce(?2, email),"
    " refs_json = coalesce(?3, refs_json), updated_at = ?4 WHERE id = ?5",

  [SQ_COMPLAINT_INSERT] =
    "INSERT INTO complaints ("
    RD_SQLITE_COMPLAINT_FIXED(COL) RD_SQLITE_COMPLAINT_MUTABLE(COL)
    "version, updated_at, due_key, cust_name, cust_phone, search_seq) VALUES ("
    RD_SQLITE_COMPLAINT_FIXED(QMARK) RD_SQLITE_COMPLAINT_MUTABLE(QMARK)
    "1, ?, ?, (SELECT name FROM customers WHERE id = ?),"
    " (SELECT phone FROM customers WHERE id = ?),"
    " (SELECT coalesce(max(search_seq), 0) + 1 FROM complaints))",
  [SQ_COMPLAINT_UPDATE] =
    "UPDATE complaints SET " RD_SQLITE_COMPLAINT_MUTABLE(SET)
    "version = version + 1, updated_at = ?, due_key = ?,"
    " cust_name = (SELECT name FROM customers WHERE id = ?),"
    " cust_phone = (SELECT phone FROM customers WHERE id = ?)"
    " WHERE id = ? AND version = ?",
  [SQ_COMPLAINT_VERSION] = "SELECT version FROM complaints WHERE id = ?",
  [SQ_COMPLAINT_GET] = "SELECT " COMPLAINT_COLS COMPLAINT_FROM "WHERE c.id = ?",
  [SQ_COMPLAINT_GET_BY_NUMBER] =
    "SELECT " COMPLAINT_COLS COMPLAINT_FROM "WHERE c.number = ?",

  [SQ_EVENT_INSERT] =
    "INSERT INTO complaint_events (complaint_id, at, actor_id, type, from_status,"
    " to_status, note, data_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  [SQ_EVENT_LIST] =
    "SELECT e.id, e.complaint_id, e.at, e.actor_id, u.display_name, e.type,"
    " e.from_status, e.to_status, e.note, e.data_json"
    " FROM complaint_events e LEFT JOIN users u ON u.id = e.actor_id"
    " WHERE e.complaint_id = ? ORDER BY e.id",

  [SQ_IDEM_GET] =
    "SELECT complaint_id, body_sha256, created_at FROM idempotency_keys"
    " WHERE user_id = ? AND key = ?",
  [SQ_IDEM_PUT] =
    "INSERT INTO idempotency_keys (user_id, key, body_sha256, complaint_id,"
    " created_at) VALUES (?, ?, ?, ?, ?)",

  [SQ_BLOB_PUT] =
    "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?)"
    " ON CONFLICT (sha256) DO NOTHING",
  [SQ_BLOB_GET] = "SELECT data FROM blobs WHERE sha256 = ?",
  [SQ_ATTACHMENT_INSERT] =
    "INSERT INTO attachments (complaint_id, sha256, size, content_type, filename,"
    " uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  [SQ_ATTACHMENT_GET] =
    "SELECT id, complaint_id, sha256, size, content_type, filename, uploaded_by,"
    " uploaded_at FROM attachments WHERE id = ?",
  [SQ_ATTACHMENT_LIST] =
    "SELECT id, complaint_id, sha256, size, content_type, filename, uploaded_by,"
    " uploaded_at FROM attachments WHERE complaint_id = ? ORDER BY id",

  [SQ_DEPARTMENT_INSERT] =
    "INSERT INTO departments (code, name, active) VALUES (?1, ?2, ?3)",
  [SQ_DEPARTMENT_UPDATE] =
    "UPDATE departments SET code = ?1, name = ?2, active = ?3 WHERE id = ?4",
  [SQ_DEPARTMENT_GET] = "SELECT id, code, name, active FROM departments WHERE id = ?",
  [SQ_DEPARTMENT_BY_CODE] =
    "SELECT id, code, name, active FROM departments WHERE code = ?",
  [SQ_DEPARTMENT_LIST] = "SELECT id, code, name, active FROM departments ORDER BY id",

  [SQ_SITE_INSERT] =
    "INSERT INTO sites (code, name, calendar_id, active) VALUES (?1, ?2, ?3, ?4)",
  [SQ_SITE_UPDATE] =
    "UPDATE sites SET code = ?1, name = ?2, calendar_id = ?3, active = ?4"
    " WHERE id = ?5",
  [SQ_SITE_GET] =
    "SELECT id, code, name, calendar_id, active FROM sites WHERE id = ?",
  [SQ_SITE_LIST] =
    "SELECT id, code, name, calendar_id, active FROM sites ORDER BY id",

  [SQ_CATEGORY_INSERT] =
    "INSERT INTO categories (parent_id, level, name, active) VALUES (?1, ?2, ?3, ?4)",
  [SQ_CATEGORY_UPDATE] =
    "UPDATE categories SET parent_id = ?1, level = ?2, name = ?3, active = ?4"
    " WHERE id = ?5",
  [SQ_CATEGORY_GET] =
    "SELECT id, parent_id, level, name, active FROM categories WHERE id = ?",
  [SQ_CATEGORY_LIST] =
    "SELECT id, parent_id, level, name, active FROM categories ORDER BY id",

  /* A NULL password_hash on update keeps the stored one: editing a user
   * must not silently lock them out. */
  [SQ_USER_INSERT] =
    "INSERT INTO users (username, display_name, role, department_id, locale,"
    " active, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [SQ_USER_UPDATE] =
    "UPDATE users SET username = ?1, display_name = ?2, role = ?3,"
    " department_id = ?4, locale = ?5, active = ?6,"
    " password_hash = coalesce(?7, password_hash) WHERE id = ?9",
  [SQ_USER_GET] =
    "SELECT id, username, display_name, role, department_id, locale, active,"
    " password_hash, created_at FROM users WHERE id = ?",
  [SQ_USER_BY_NAME] =
    "SELECT id, username, display_name, role, department_id, locale, active,"
    " password_hash, created_at FROM users WHERE username = ?",
  [SQ_USER_LIST] =
    "SELECT id, username, display_name, role, department_id, locale, active,"
    " password_hash, created_at FROM users ORDER BY id",
  [SQ_USER_SET_LOCALE] = "UPDATE users SET locale = ?2 WHERE id = ?1",
  [SQ_USER_SET_PASSWORD] =
    "UPDATE users SET password_hash = ?3"
    " WHERE id = ?1 AND active = 1 AND password_hash = ?2",

  [SQ_POLICY_INSERT] =
    "INSERT INTO sla_policies (name, priority, match_severity_mask, match_channels,"
    " match_category_ids, match_site_ids, calendar_id, approval_always,"
    " approval_severity_at_least, approval_has_amount_over,"
    " approval_amount_over_fen, clocks_json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
  [SQ_POLICY_UPDATE] =
    "UPDATE sla_policies SET name = ?1, priority = ?2, match_severity_mask = ?3,"
    " match_channels = ?4, match_category_ids = ?5, match_site_ids = ?6,"
    " calendar_id = ?7, approval_always = ?8, approval_severity_at_least = ?9,"
    " approval_has_amount_over = ?10, approval_amount_over_fen = ?11,"
    " clocks_json = ?12 WHERE id = ?13",
  [SQ_POLICY_GET] =
    "SELECT id, name, priority, match_severity_mask, match_channels,"
    " match_category_ids, match_site_ids, calendar_id, approval_always,"
    " approval_severity_at_least, approval_has_amount_over,"
    " approval_amount_over_fen, clocks_json FROM sla_policies WHERE id = ?",
  [SQ_POLICY_LIST] =
    "SELECT id, name, priority, match_severity_mask, match_channels,"
    " match_category_ids, match_site_ids, calendar_id, approval_always,"
    " approval_severity_at_least, approval_has_amount_over,"
    " approval_amount_over_fen, clocks_json FROM sla_policies"
    " ORDER BY priority, id",

  [SQ_SESSION_PUT] =
    "INSERT OR REPLACE INTO sessions (token_sha256, user_id, csrf_token,"
    " created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
  [SQ_SESSION_GET] =
    "SELECT token_sha256, user_id, csrf_token, created_at, expires_at, last_seen_at"
    " FROM sessions WHERE token_sha256 = ?",
  [SQ_SESSION_DELETE] = "DELETE FROM sessions WHERE token_sha256 = ?",
  [SQ_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at < ?",
  [SQ_SESSION_TOUCH] =
    "UPDATE sessions SET last_seen_at = ?2 WHERE token_sha256 = ?1 AND last_seen_at < ?2",
  [SQ_SESSION_DELETE_USER] =
    "DELETE FROM sessions WHERE user_id = ?1 AND token_sha256 <> ?2",

  [SQ_TOKEN_INSERT] =
    "INSERT INTO api_tokens (user_id, name, token_sha256, created_at, expires_at,"
    " revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [SQ_TOKEN_UPDATE] =
    "UPDATE api_tokens SET user_id = ?1, name = ?2, token_sha256 = ?3,"
    " created_at = ?4, expires_at = ?5, revoked = ?6 WHERE id = ?7",
  [SQ_TOKEN_GET] =
    "SELECT id, user_id, name, token_sha256, created_at, expires_at, revoked"
    " FROM api_tokens WHERE token_sha256 = ?",
  [SQ_TOKEN_LIST] =
    "SELECT id, user_id, name, token_sha256, created_at, expires_at, revoked"
    " FROM api_tokens WHERE user_id = ? ORDER BY id",
  [SQ_TOKEN_BY_ID] =
    "SELECT id, user_id, name, token_sha256, created_at, expires_at, revoked"
    " FROM api_tokens WHERE id = ?",

  [SQ_CALENDAR_INSERT] =
    "INSERT INTO calendars (name, timezone, version, updated_at)"
    " VALUES (?1, ?2, 1, ?3)",
  [SQ_CALENDAR_UPDATE] =
    "UPDATE calendars SET name = ?1, timezone = ?2, version = version + 1,"
    " updated_at = ?3 WHERE id = ?4 RETURNING version",
  [SQ_CALENDAR_GET] =
    "SELECT id, name, timezone, version FROM calendars WHERE id = ?",
  [SQ_CALENDAR_LIST] = "SELECT id FROM calendars ORDER BY id",
  [SQ_CALENDAR_HOURS_CLEAR] = "DELETE FROM calendar_hours WHERE calendar_id = ?",
  [SQ_CALENDAR_HOURS_ADD] =
    "INSERT INTO calendar_hours (calendar_id, day, seq, start_min, end_min)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
  [SQ_CALENDAR_HOURS_GET] =
    "SELECT day, start_min, end_min FROM calendar_hours WHERE calendar_id = ?"
    " ORDER BY day, seq",
  [SQ_CALENDAR_DATES_CLEAR] = "DELETE FROM calendar_dates WHERE calendar_id = ?",
  [SQ_CALENDAR_DATES_ADD] =
    "INSERT INTO calendar_dates (calendar_id, date, kind) VALUES (?1, ?2, ?3)",
  [SQ_CALENDAR_DATES_GET] =
    "SELECT date, kind FROM calendar_dates WHERE calendar_id = ? ORDER BY date",

#define CLOCK_COLS \
  "id, complaint_id, name, run, policy_id, calendar_id, state, started_at," \
  " due_at, opens_at, warn_at, stopped_at, department_id, paused_at"
  [SQ_CLOCKS_OF] =
    "SELECT " CLOCK_COLS " FROM complaint_clocks WHERE complaint_id = ?"
    " ORDER BY name, run",
  /* ?1: a JSON array of complaint ids (one statement for any page size) */
  [SQ_CLOCKS_OF_MANY] =
    "SELECT " CLOCK_COLS " FROM complaint_clocks"
    " WHERE complaint_id IN (SELECT value FROM json_each(?1))"
    " ORDER BY complaint_id, name, run",
  /* due_key: "never" unless open with a deadline (rd_sqlite_due_key). */
  [SQ_COMPLAINT_SET_DUE] =
    "UPDATE complaints SET due_at = ?2, due_key = CASE WHEN ?2 IS NOT NULL"
    " AND status IN (0, 1, 2, 3, 4, 5, 6) THEN ?2 ELSE 9223372036854775807 END"
    " WHERE id = ?1",
  [SQ_CLOCK_INSERT] =
    "INSERT INTO complaint_clocks (complaint_id, name, run, policy_id,"
    " calendar_id, state, started_at, due_at, opens_at, warn_at, stopped_at,"
    " department_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
  [SQ_CLOCK_UPDATE] =
    "UPDATE complaint_clocks SET state = ?1, stopped_at = ?2, department_id = ?3,"
    " due_at = ?5, warn_at = ?6, paused_at = ?7, opens_at = ?8, policy_id = ?9,"
    " calendar_id = ?10 WHERE id = ?4",

  /* A resumed run re-arms its steps at their new times; one already fired
   * stays fired. */
  [SQ_STEP_ADD] =
    "INSERT INTO clock_steps (clock_id, step, on_kind, notify, fire_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (clock_id, step) DO UPDATE SET"
    " on_kind = excluded.on_kind, notify = excluded.notify,"
    " fire_at = excluded.fire_at, state = 0 WHERE clock_steps.state <> 1",
  [SQ_STEPS_DROP] =
    "UPDATE clock_steps SET state = 2 WHERE clock_id = ? AND state = 0",
  [SQ_STEP_CLAIM] =
    "UPDATE clock_steps SET state = 1, fired_at = ?2 WHERE id = ?1 AND state = 0",
  [SQ_STEPS_DUE] =
    "SELECT s.id, s.clock_id, s.step, s.on_kind, s.notify, s.fire_at,"
    " c.id, c.complaint_id, c.name, c.run, c.policy_id, c.calendar_id, c.state,"
    " c.started_at, c.due_at, c.opens_at, c.warn_at, c.stopped_at, c.department_id"
    " FROM clock_steps s JOIN complaint_clocks c ON c.id = s.clock_id"
    " WHERE s.state = 0 AND s.fire_at <= ?1 ORDER BY s.fire_at, s.id LIMIT ?2",
  [SQ_NOTIFICATION_ADD] =
    "INSERT INTO notifications (user_id, complaint_id, step_id, kind, data_json,"
    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [SQ_NOTIFICATION_READ] =
    "UPDATE notifications SET read_at = coalesce(read_at, ?3)"
    " WHERE id = ?1 AND user_id = ?2",
  [SQ_NOTIFICATIONS_OF] =
    "SELECT id, user_id, complaint_id, step_id, kind, data_json, created_at, read_at"
    " FROM notifications WHERE user_id = ?1 AND id < ?2"
    " AND (?3 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?4",

#define EXTENSION_COLS \
  "x.id, x.complaint_id, x.clock_id, c.name, c.run, x.target, x.reason, x.state," \
  " x.requested_by, x.requested_at, x.decided_by, x.decided_at, x.note," \
  " x.due_before, x.due_after FROM clock_extensions x" \
  " JOIN complaint_clocks c ON c.id = x.clock_id"
  [SQ_EXTENSION_ADD] =
    "INSERT INTO clock_extensions (complaint_id, clock_id, target, reason,"
    " requested_by, requested_at, due_before) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [SQ_EXTENSION_GET] =
    "SELECT " EXTENSION_COLS " WHERE x.complaint_id = ?1 AND x.id = ?2",
  [SQ_EXTENSION_DECIDE] =
    "UPDATE clock_extensions SET state = ?2, decided_by = ?3, decided_at = ?4,"
    " note = ?5, due_after = ?6 WHERE id = ?1 AND state = 0",
  [SQ_EXTENSIONS_OF] =
    "SELECT " EXTENSION_COLS " WHERE x.complaint_id = ?1 ORDER BY x.id",

  [SQ_SETTING_PUT] =
    "INSERT INTO settings (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  [SQ_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",

  /* Retention (0014_retention, docs/retention.md). ?1 closed before, ?2
   * after id, ?3 limit, ?4..?6 the closed states. */
  [SQ_RETENTION_DUE] =
    "SELECT id FROM complaints WHERE anonymised_at IS NULL"
    " AND closed_at IS NOT NULL AND closed_at < ?1 AND id > ?2"
    " AND status IN (?4, ?5, ?6) ORDER BY id LIMIT ?3",
  /* ?1 id, ?2 now, ?3..?5 the closed states. Only a closed complaint not
   * anonymised yet: the change count says whether this call did it. The
   * search trigger renumbers it, so the index drops its old text. */
  [SQ_ANON_COMPLAINT] =
    "UPDATE complaints SET anonymised_at = ?2, version = version + 1,"
    " updated_at = ?2, subject = NULL, content = '', demands = NULL,"
    " restatement = NULL, external_ref = NULL, invalid_reason = NULL,"
    " transfer_contact_person = NULL, transfer_contact_phone = NULL,"
    " transfer_contact_address = NULL,"
    " plan_description = CASE WHEN plan_description IS NULL THEN NULL ELSE '' END,"
    " waiting_reason = NULL, close_reason = NULL, cust_name = NULL,"
    " cust_phone = NULL"
    " WHERE id = ?1 AND anonymised_at IS NULL AND status IN (?3, ?4, ?5)",
  /* clock.* events (escalations) carry the number, clock and deadline only. */
  [SQ_ANON_EVENTS] =
    "UPDATE complaint_events SET note = NULL,"
    " data_json = CASE WHEN type LIKE 'clock.%' THEN data_json END,"
    " redacted_at = ?2 WHERE complaint_id = ?1 AND redacted_at IS NULL",
  [SQ_ANON_EXTENSIONS] =
    "UPDATE clock_extensions SET reason = '', note = NULL WHERE complaint_id = ?1",
  [SQ_ANON_ATTACHMENTS] =
    "UPDATE attachments SET filename = NULL WHERE complaint_id = ?1",
  /* A blob is shared by content: it keeps its bytes while a complaint
   * that is not anonymised has it attached. */
  [SQ_ANON_BLOBS] =
    "UPDATE blobs SET data = X'' WHERE sha256 IN"
    " (SELECT sha256 FROM attachments WHERE complaint_id = ?1)"
    " AND NOT EXISTS (SELECT 1 FROM attachments t JOIN complaints c"
    " ON c.id = t.complaint_id WHERE t.sha256 = blobs.sha256"
    " AND c.anonymised_at IS NULL)",
  /* A customer with a newer complaint keeps what that complaint shows. */
  [SQ_ANON_CUSTOMER] =
    "UPDATE customers SET name = NULL, phone = NULL, email = NULL,"
    " refs_json = NULL, updated_at = ?2"
    " WHERE id = (SELECT customer_id FROM complaints WHERE id = ?1)"
    " AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.customer_id = customers.id"
    " AND c.anonymised_at IS NULL)",
  /* ?1 name, ?2 now, ?3 next_at: inserted (first run) or moved when due;
   * no change when another node already claimed this period. */
  [SQ_JOB_CLAIM] =
    "INSERT INTO scheduled_jobs (name, next_at, last_at) VALUES (?1, ?3, ?2)"
    " ON CONFLICT (name) DO UPDATE SET next_at = excluded.next_at,"
    " last_at = excluded.last_at WHERE scheduled_jobs.next_at <= ?2",

  [SQ_FTS_COUNT] =
    "SELECT count(*) FROM (SELECT rowid FROM search.complaints_fts"
    " WHERE complaints_fts MATCH ?1 LIMIT ?2)",
  [SQ_OVERDUE_COUNT] =
    "SELECT count(*) FROM (SELECT 1 FROM complaints WHERE due_key < ?1 LIMIT ?2)",
  [SQ_COUNT_BY_STATUS] = "SELECT status, count(*) FROM complaints GROUP BY status",

  [SQ_REPORT_CATEGORY] = REPORT(K_CATEGORY, "g.name", J_CATEGORY, "c.category_id"),
  [SQ_REPORT_DEPARTMENT] =
    REPORT(K_DEPARTMENT, "g.name", J_DEPARTMENT, "c.department_id"),
  [SQ_REPORT_SITE] = REPORT(K_SITE, "g.name", J_SITE, "c.site_id"),
  [SQ_REPORT_CHANNEL] = REPORT("c.channel", "c.channel", "", "c.channel"),
  [SQ_REPORT_SEVERITY] = REPORT(K_SEVERITY, K_SEVERITY, "", "c.severity"),
  [SQ_REPORT_MONTH] = REPORT(K_MONTH, K_MONTH, "", "1"),
  [SQ_CLOCKS_CATEGORY] = CLOCKS(K_CATEGORY, "g.name", J_CATEGORY),
  [SQ_CLOCKS_DEPARTMENT] = CLOCKS(K_DEPARTMENT, "g.name", J_CLOCK_DEPARTMENT),
  [SQ_CLOCKS_SITE] = CLOCKS(K_SITE, "g.name", J_SITE),
  [SQ_CLOCKS_CHANNEL] = CLOCKS("c.channel", "c.channel", ""),
  [SQ_CLOCKS_SEVERITY] = CLOCKS(K_SEVERITY, K_SEVERITY, ""),
  [SQ_CLOCKS_MONTH] = CLOCKS(K_MONTH, K_MONTH, ""),
  [SQ_DURATIONS_CATEGORY] = DURATIONS(K_CATEGORY, J_CATEGORY),
  [SQ_DURATIONS_DEPARTMENT] = DURATIONS(K_DEPARTMENT, J_DEPARTMENT),
  [SQ_DURATIONS_SITE] = DURATIONS(K_SITE, J_SITE),
  [SQ_DURATIONS_CHANNEL] = DURATIONS("c.channel", ""),
  [SQ_DURATIONS_SEVERITY] = DURATIONS(K_SEVERITY, ""),
  [SQ_DURATIONS_MONTH] = DURATIONS(K_MONTH, ""),
  /* By state: the key is the state's number here, its name in report.c. */
  [SQ_REPORT_STATUS] = REPORT(K_STATUS, K_STATUS, "", "c.status"),
  [SQ_CLOCKS_STATUS] = CLOCKS(K_STATUS, K_STATUS, ""),
  [SQ_DURATIONS_STATUS] = DURATIONS(K_STATUS, ""),

#define PORTAL_TOKEN_COLS \
  "id, complaint_id, purpose, token_sha256, created_at, created_by, expires_at," \
  " uses_left, bound_at, used_at, revoked_at FROM portal_tokens"
  [SQ_PORTAL_TOKEN_REVOKE] =
    "UPDATE portal_tokens SET revoked_at = ?3"
    " WHERE complaint_id = ?1 AND purpose = ?2 AND revoked_at IS NULL",
  [SQ_PORTAL_TOKEN_INSERT] =
    "INSERT INTO portal_tokens (complaint_id, purpose, token_sha256, created_at,"
    " created_by, expires_at, uses_left, bound_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [SQ_PORTAL_TOKEN_GET] = "SELECT " PORTAL_TOKEN_COLS " WHERE token_sha256 = ?1",
  [SQ_PORTAL_TOKEN_USE] =
    "UPDATE portal_tokens SET uses_left = uses_left - 1, used_at = ?2"
    " WHERE id = ?1 AND uses_left > 0 AND revoked_at IS NULL",
  /* One statement: counts a hit, restarting a window that has passed,
   * and never counts past max + 1 (a refused take changes nothing that
   * matters, and the number cannot grow without bound). ?1 key, ?2 max,
   * ?3 now, ?4 window length. SET sees the row as it was. */
  [SQ_LIMIT_TAKE] =
    "INSERT INTO rate_limits (limit_key, hits, expires_at) VALUES (?1, 1, ?3 + ?4)"
    " ON CONFLICT (limit_key) DO UPDATE SET"
    " hits = CASE WHEN rate_limits.expires_at <= ?3 THEN 1"
    " WHEN rate_limits.hits <= ?2 THEN rate_limits.hits + 1"
    " ELSE rate_limits.hits END,"
    " expires_at = CASE WHEN rate_limits.expires_at <= ?3 THEN ?3 + ?4"
    " ELSE rate_limits.expires_at END"
    " RETURNING hits, expires_at",
  [SQ_LIMIT_GET] = "SELECT hits, expires_at FROM rate_limits WHERE limit_key = ?1",
  [SQ_LIMIT_CLEAR] = "DELETE FROM rate_limits WHERE limit_key = ?1",
  [SQ_LIMIT_SWEEP] = "DELETE FROM rate_limits WHERE expires_at <= ?1",
  [SQ_AUDIT_HEAD] = "SELECT seq, hash FROM audit_head WHERE id = 1",
  /* The trigger audit_log_join checks seq and prev_hash against the head
   * and audit_log_advance moves it. */
  [SQ_AUDIT_INSERT] =
    "INSERT INTO audit_log (seq, at, actor, user_id, client_addr, action,"
    " object_kind, object_id, detail, prev_hash, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
  /* ?1 the rows as a JSON array (store/audit.c, rd_audit_rows_json), already
   * chained; inserted in array order, the triggers checking each. */
  [SQ_AUDIT_INSERT_BATCH] =
    "INSERT INTO audit_log (seq, at, actor, user_id, client_addr, action,"
    " object_kind, object_id, detail, prev_hash, hash)"
    " SELECT value->>'seq', value->>'at', value->>'actor', value->>'user_id',"
    " value->>'client_addr', value->>'action', value->>'object_kind',"
    " value->>'object_id', value->>'detail', value->>'prev_hash', value->>'hash'"
    " FROM json_each(?1) ORDER BY key",
  /* ?1 before seq, ?2 user, ?3 object kind, ?4 object id, ?5 action (exact,
   * or a prefix when it ends in '.'), ?6 from, ?7 to, ?8 limit; NULL = any.
   * Newest first along the primary key. */
  [SQ_AUDIT_PAGE] = AUDIT_COLS
    " WHERE seq < ?1 AND (?2 IS NULL OR user_id = ?2)"
    " AND (?3 IS NULL OR object_kind = ?3) AND (?4 IS NULL OR object_id = ?4)"
    " AND (?5 IS NULL OR action = ?5"
    "      OR (substr(?5, -1) = '.' AND substr(action, 1, length(?5)) = ?5))"
    " AND (?6 IS NULL OR at >= ?6) AND (?7 IS NULL OR at < ?7)"
    " ORDER BY seq DESC LIMIT ?8",
  [SQ_AUDIT_RANGE] = AUDIT_COLS " WHERE seq > ?1 ORDER BY seq LIMIT ?2",
};
