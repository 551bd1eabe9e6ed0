/* store/sqlite/retention.c - the retention policy's store side on SQLite
 * (0014_retention.sql): which closed complaints are due, anonymising one,
 * and claiming a periodic job's run.
 *
 * Anonymising is a handful of named statements in the caller's
 * transaction; the first (the complaint itself, only while not anonymised)
 * decides whether the rest run, so a second call changes nothing.
 */
#include "store/sqlite/sqlite_int.h"

static void
id_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  (void)a;
  *(int64_t *)out = sqlite3_column_int64(s, 0);
}

enum rd_status
rd_sqlite_retention_due(struct rd_store *st, int64_t closed_before,
                        int64_t after_id, int limit, struct rd_arena *a,
                        int64_t **ids, size_t *n, struct rd_error *err)
{
  int64_t ints[6] = { closed_before, after_id, limit, RD_STATE_CLOSED,
                      RD_STATE_WITHDRAWN, RD_STATE_MERGED };
  return rd_sqlite_read_rows(st, SQ_RETENTION_DUE, ints, 6, NULL, id_row,
                             sizeof **ids, a, (void **)ids, n, err);
}

/* Runs statement id with ?1 = complaint id and ?2 = now. */
static enum rd_status
run(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id, int64_t complaint_id,
    int64_t now, struct rd_error *err)
{
  sqlite3_stmt *s;
  STMT_OR_FAIL(s, c, id, err);
  sqlite3_bind_int64(s, 1, complaint_id);
  if (sqlite3_bind_parameter_count(s) >= 2)
    sqlite3_bind_int64(s, 2, now);
  return rd_sqlite_step_done(c, s, "anonymise", err);
}

enum rd_status
rd_sqlite_tx_complaint_anonymise(struct rd_tx *tx, int64_t id, int64_t now,
                                 bool *done, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;

  *done = false;
  STMT_OR_FAIL(s, c, SQ_ANON_COMPLAINT, err);
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, now);
  sqlite3_bind_int(s, 3, RD_STATE_CLOSED);
  sqlite3_bind_int(s, 4, RD_STATE_WITHDRAWN);
  sqlite3_bind_int(s, 5, RD_STATE_MERGED);
  if ((rc = rd_sqlite_step_done(c, s, "anonymise", err)))
    return rc;
  if (sqlite3_changes(c->db) != 1)
    return RD_OK;   /* open, unknown, or done before */
  /* The customer last: its check looks at this complaint's new mark. */
  if ((rc = run(c, SQ_ANON_EVENTS, id, now, err)) ||
      (rc = run(c, SQ_ANON_EXTENSIONS, id, now, err)) ||
      (rc = run(c, SQ_ANON_ATTACHMENTS, id, now, err)) ||
      (rc = run(c, SQ_ANON_BLOBS, id, now, err)) ||
      (rc = run(c, SQ_ANON_CUSTOMER, id, now, err)))
    return rc;
  *done = true;
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_job_claim(struct rd_tx *tx, const char *name, int64_t now,
                       int64_t next_at, bool *claimed, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;

  *claimed = false;
  if (!name || !*name)
    return rd_error_set(err, RD_E_INVALID, "name", "a job needs a name");
  STMT_OR_FAIL(s, c, SQ_JOB_CLAIM, err);
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, now);
  sqlite3_bind_int64(s, 3, next_at);
  if ((rc = rd_sqlite_step_done(c, s, "job claim", err)))
    return rc;
  *claimed = sqlite3_changes(c->db) == 1;
  return RD_OK;
}
