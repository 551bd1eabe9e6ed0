/* store/pg/retention.c - the retention policy's store side on PostgreSQL
 * (0006_retention.sql): which closed complaints are due, anonymising one,
 * and claiming a periodic job's run.
 *
 * The same statements as SQLite's, in the caller's transaction; the first
 * (the complaint itself, only while not anonymised) decides whether the
 * rest run. Two nodes anonymising the same complaint: the second waits for
 * the row and finds it done, so each complaint is anonymised (and audited)
 * once.
 */
#include <libpq-fe.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"

static void
id_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  (void)a;
  *(int64_t *)out = rd_pg_int(r, row, 0);
}

enum rd_status
rd_pg_retention_due(struct rd_store *st, int64_t closed_before,
                    int64_t after_id, int limit, struct rd_arena *a,
                    int64_t **ids, size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, closed_before);
  rd_pg_arg_int(&p, after_id);
  rd_pg_arg_int(&p, limit);
  rd_pg_arg_int(&p, RD_STATE_CLOSED);
  rd_pg_arg_int(&p, RD_STATE_WITHDRAWN);
  rd_pg_arg_int(&p, RD_STATE_MERGED);
  return rd_pg_read_all(st, PQ_RETENTION_DUE, &p, id_row, sizeof **ids, a,
                        (void **)ids, n, err);
}

/* Runs statement id with $1 = complaint id and, when with_now, $2 = now. */
static enum rd_status
run(struct rd_pg_conn *c, enum rd_pg_stmt id, int64_t complaint_id,
    bool with_now, int64_t now, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, complaint_id);
  if (with_now)
    rd_pg_arg_int(&p, now);
  return rd_pg_done(c, id, &p, NULL, "anonymise", err);
}

enum rd_status
rd_pg_tx_complaint_anonymise(struct rd_tx *tx, int64_t id, int64_t now,
                             bool *done, struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);
  struct rd_pg_args p = {0};
  PGresult *r = NULL;
  struct rd_arena *a = NULL;
  enum rd_status rc;

  *done = false;
  rd_pg_arg_int(&p, id);
  rd_pg_arg_int(&p, now);
  rd_pg_arg_int(&p, RD_STATE_CLOSED);
  rd_pg_arg_int(&p, RD_STATE_WITHDRAWN);
  rd_pg_arg_int(&p, RD_STATE_MERGED);
  if ((rc = rd_pg_run(c, PQ_ANON_COMPLAINT, &p, &r, "anonymise", err)))
    return rc;
  if (PQntuples(r) != 1) {
    PQclear(r);
    return RD_OK;   /* open, unknown, or done before */
  }
  /* Its number stays findable: it names the case, not the person. */
  a = rd_arena_new();
  struct rd_complaint only_number = { .number = rd_pg_text(r, 0, 0, a) };
  PQclear(r);
  struct rd_pg_args q = {0};
  rd_pg_arg_int(&q, id);
  rd_pg_arg_text(&q, rd_pg_search_document(a, &only_number, NULL, NULL));
  rc = rd_pg_done(c, PQ_ANON_SEARCH, &q, NULL, "anonymise", err);
  rd_arena_free(a);
  if (rc)
    return rc;
  /* The customer last: its check looks at this complaint's new mark. */
  if ((rc = run(c, PQ_ANON_EVENTS, id, true, now, err)) ||
      (rc = run(c, PQ_ANON_EXTENSIONS, id, false, now, err)) ||
      (rc = run(c, PQ_ANON_ATTACHMENTS, id, false, now, err)) ||
      (rc = run(c, PQ_ANON_BLOBS, id, false, now, err)) ||
      (rc = run(c, PQ_ANON_CUSTOMER, id, true, now, err)))
    return rc;
  *done = true;
  return RD_OK;
}

enum rd_status
rd_pg_tx_job_claim(struct rd_tx *tx, const char *name, int64_t now,
                   int64_t next_at, bool *claimed, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  *claimed = false;
  if (!name || !*name)
    return rd_error_set(err, RD_E_INVALID, "name", "a job needs a name");
  rd_pg_arg_text(&p, name);
  rd_pg_arg_int(&p, now);
  rd_pg_arg_int(&p, next_at);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_JOB_CLAIM, &p, &changed, "job claim", err);
  *claimed = rc == RD_OK && changed == 1;
  return rc;
}
