/* store/pg/report.c - the summary report on PostgreSQL.
 *
 * As on SQLite (store/sqlite/report.c; the row arithmetic both share is
 * store/report_rows.c):
 * counts from one GROUP BY per grouping, handling times (received ->
 * resolved) sorted per group from a second query with their median and
 * 90th percentile taken in C, on-time counts per clock from a third; the
 * three in one REPEATABLE READ snapshot so they agree.
 */
#include <string.h>

#include "store/pg/pg_int.h"
#include "store/report_rows.h"
#include "util/arena.h"

/* Statements per grouping (how its rows are ordered: store/report_rows.c).
 * Only the month texts use the time-zone offset ($4). */
static const struct {
  enum rd_pg_stmt counts, durations, clocks;
} groupings[] = {
  [RD_GROUP_CATEGORY]   = { PQ_REPORT_CATEGORY,   PQ_DURATIONS_CATEGORY,   PQ_CLOCKS_CATEGORY   },
  [RD_GROUP_DEPARTMENT] = { PQ_REPORT_DEPARTMENT, PQ_DURATIONS_DEPARTMENT, PQ_CLOCKS_DEPARTMENT },
  [RD_GROUP_SITE]       = { PQ_REPORT_SITE,       PQ_DURATIONS_SITE,       PQ_CLOCKS_SITE       },
  [RD_GROUP_CHANNEL]    = { PQ_REPORT_CHANNEL,    PQ_DURATIONS_CHANNEL,    PQ_CLOCKS_CHANNEL    },
  [RD_GROUP_SEVERITY]   = { PQ_REPORT_SEVERITY,   PQ_DURATIONS_SEVERITY,   PQ_CLOCKS_SEVERITY   },
  [RD_GROUP_MONTH]      = { PQ_REPORT_MONTH,      PQ_DURATIONS_MONTH,      PQ_CLOCKS_MONTH      },
  [RD_GROUP_STATUS]     = { PQ_REPORT_STATUS,     PQ_DURATIONS_STATUS,     PQ_CLOCKS_STATUS     },
};
_Static_assert(sizeof groupings / sizeof *groupings == RD_REPORT_GROUPINGS,
               "statements for every grouping");

static void
args_query(struct rd_pg_args *p, const struct rd_report_query *q)
{
  rd_pg_arg_int(p, q->from > 0 ? q->from : INT64_MIN);
  rd_pg_arg_int(p, q->to > 0 ? q->to : INT64_MAX);
  rd_pg_arg_int(p, q->scope_department_id);
  if (q->group_by == RD_GROUP_MONTH)
    rd_pg_arg_int(p, q->tz_offset_s);
}

/* Row i's column as text, "" for NULL (no copy: valid while r lives). */
static const char *
text_or_empty(PGresult *r, int i, int col)
{
  return PQgetisnull(r, i, col) ? "" : PQgetvalue(r, i, col);
}

enum rd_status
rd_pg_report_summary(struct rd_store *st, const struct rd_report_query *q,
                     struct rd_arena *a, struct rd_report_row **out, size_t *n,
                     struct rd_error *err)
{
  struct rd_pg_conn *c;
  struct rd_pg_args p = {0};
  PGresult *r = NULL;
  struct rd_report_row *rows = NULL, total = {0};
  size_t nrows = 0, cap = 0, nall = 0;
  double *all = NULL;
  size_t gi = q->group_by;
  enum rd_status rc;
  bool in_tx = false;

  *out = NULL;
  *n = 0;
  rc = rd_report_grouping_check(q->group_by, err);
  if (rc != RD_OK)
    return rc;
  args_query(&p, q);

  rc = rd_pg_acquire(st->impl, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = rd_pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "report", err);
  if (rc != RD_OK)
    goto out;
  in_tx = true;

  rc = rd_pg_run(c, groupings[gi].counts, &p, &r, "report", err);
  if (rc != RD_OK)
    goto out;
  for (int i = 0; i < PQntuples(r); i++) {
    struct rd_report_row *row = rd_report_row_new(&rows, &nrows, &cap, a);
    row->key = rd_arena_strdup(a, text_or_empty(r, i, 0));
    row->label = PQgetisnull(r, i, 1) ? row->key : rd_pg_text(r, i, 1, a);
    row->total = rd_pg_int(r, i, 2);
    row->closed = rd_pg_int(r, i, 3);
    row->open = row->total - row->closed;
    row->resolved = rd_pg_int(r, i, 4);
    row->followed_up = rd_pg_int(r, i, 5);
    row->satisfied = rd_pg_int(r, i, 6);
    row->reopened = rd_pg_int(r, i, 7);
    total.total += row->total;
    total.closed += row->closed;
    total.open += row->open;
    total.resolved += row->resolved;
    total.followed_up += row->followed_up;
    total.satisfied += row->satisfied;
    total.reopened += row->reopened;
  }
  PQclear(r);
  r = NULL;

  /* Handling times, sorted by (key, seconds): one run per group. */
  rc = rd_pg_run(c, groupings[gi].durations, &p, &r, "report durations", err);
  if (rc != RD_OK)
    goto out;
  all = rd_arena_alloc(a, (size_t)(PQntuples(r) ? PQntuples(r) : 1) * sizeof *all);
  for (int i = 0; i < PQntuples(r);) {
    const char *key = text_or_empty(r, i, 0);
    size_t start = nall;
    struct rd_report_row *row = NULL;

    do
      all[nall++] = (double)rd_pg_int(r, i++, 1);
    while (i < PQntuples(r) && strcmp(text_or_empty(r, i, 0), key) == 0);
    for (size_t k = 0; k < nrows && row == NULL; k++)
      if (strcmp(rows[k].key, key) == 0)
        row = &rows[k];
    if (row)
      rd_report_quantiles(all + start, nall - start, &row->handling_median_s,
                          &row->handling_p90_s);
  }
  PQclear(r);
  r = NULL;
  rd_report_quantiles_unsorted(all, nall, &total.handling_median_s,
                               &total.handling_p90_s);

  /* On-time counts per clock. */
  rc = rd_pg_run(c, groupings[gi].clocks, &p, &r, "report clocks", err);
  if (rc != RD_OK)
    goto out;
  for (int i = 0; i < PQntuples(r); i++) {
    const char *k = text_or_empty(r, i, 0);
    const char *name = text_or_empty(r, i, 2);
    int64_t met = rd_pg_int(r, i, 3), breached = rd_pg_int(r, i, 4);
    struct rd_report_row *row = NULL;
    for (size_t j = 0; j < nrows && row == NULL; j++)
      if (strcmp(rows[j].key, k) == 0)
        row = &rows[j];
    if (row == NULL) { /* a department late on complaints it no longer has */
      row = rd_report_row_new(&rows, &nrows, &cap, a);
      row->key = rd_arena_strdup(a, k);
      row->label = PQgetisnull(r, i, 1) ? row->key : rd_pg_text(r, i, 1, a);
    }
    rd_report_add_clock(row, name, met, breached, a);
    rd_report_add_clock(&total, name, met, breached, a);
  }

  rd_report_rows_finish(&rows, &nrows, &total, q->group_by, a);
  *out = rows;
  *n = nrows;
out:
  PQclear(r);
  if (in_tx && PQstatus(c->pg) == CONNECTION_OK) {
    struct rd_error ignored = {0};
    rd_pg_exec(c, "COMMIT", "commit", &ignored);
  }
  rd_pg_release(st->impl, c);
  return rc;
}
