/* store/sqlite/report.c - the summary report and status counts on SQLite.
 *
 * Counts come from one GROUP BY per grouping; handling times (received ->
 * resolved) come sorted per group from a second query and their median and
 * 90th percentile are taken in C. Both run in one read transaction so they
 * see the same snapshot.
 */
#include <string.h>

#include "store/report_rows.h"
#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"

/* Statements per grouping (how its rows are ordered: store/report_rows.c). */
static const struct {
  enum rd_sqlite_stmt counts, durations, clocks;
} groupings[] = {
  [RD_GROUP_CATEGORY]   = { SQ_REPORT_CATEGORY,   SQ_DURATIONS_CATEGORY,   SQ_CLOCKS_CATEGORY   },
  [RD_GROUP_DEPARTMENT] = { SQ_REPORT_DEPARTMENT, SQ_DURATIONS_DEPARTMENT, SQ_CLOCKS_DEPARTMENT },
  [RD_GROUP_SITE]       = { SQ_REPORT_SITE,       SQ_DURATIONS_SITE,       SQ_CLOCKS_SITE       },
  [RD_GROUP_CHANNEL]    = { SQ_REPORT_CHANNEL,    SQ_DURATIONS_CHANNEL,    SQ_CLOCKS_CHANNEL    },
  [RD_GROUP_SEVERITY]   = { SQ_REPORT_SEVERITY,   SQ_DURATIONS_SEVERITY,   SQ_CLOCKS_SEVERITY   },
  [RD_GROUP_MONTH]      = { SQ_REPORT_MONTH,      SQ_DURATIONS_MONTH,      SQ_CLOCKS_MONTH      },
  [RD_GROUP_STATUS]     = { SQ_REPORT_STATUS,     SQ_DURATIONS_STATUS,     SQ_CLOCKS_STATUS     },
};
_Static_assert(sizeof groupings / sizeof *groupings == RD_REPORT_GROUPINGS,
               "statements for every grouping");

static void
bind_query(sqlite3_stmt *s, const struct rd_report_query *q)
{
  sqlite3_bind_int64(s, 1, q->from > 0 ? q->from : INT64_MIN);
  sqlite3_bind_int64(s, 2, q->to > 0 ? q->to : INT64_MAX);
  sqlite3_bind_int64(s, 3, q->scope_department_id);
  sqlite3_bind_int(s, 4, q->tz_offset_s); /* unused by most: SQLITE_RANGE ignored */
  sqlite3_bind_int(s, 5, RD_STATE_CLOSED);
  sqlite3_bind_int(s, 6, RD_STATE_WITHDRAWN);
  sqlite3_bind_int(s, 7, RD_STATE_MERGED);
}

enum rd_status
rd_sqlite_report_summary(struct rd_store *st, const struct rd_report_query *q,
                         struct rd_arena *a, struct rd_report_row **out,
                         size_t *n, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s = NULL;
  struct rd_report_row *rows = NULL, total = {0};
  size_t nrows = 0, cap = 0, nall = 0, capall = 0;
  double *all = NULL;
  size_t gi = q->group_by;
  enum rd_status rc;
  int src;

  *out = NULL;
  *n = 0;
  rc = rd_report_grouping_check(q->group_by, err);
  if (rc != RD_OK)
    return rc;

  rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = rd_sqlite_exec(c, SQ_BEGIN_READ, err);
  if (rc != RD_OK)
    goto out;

  s = rd_sqlite_stmt(c, groupings[gi].counts, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  bind_query(s, q);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    struct rd_report_row *r = rd_report_row_new(&rows, &nrows, &cap, a);
    r->key = rd_sqlite_col_text(s, 0, a);
    r->label = rd_sqlite_col_text(s, 1, a);
    if (r->key == NULL)
      r->key = "";
    if (r->label == NULL)
      r->label = r->key;
    r->total = sqlite3_column_int64(s, 2);
    r->closed = sqlite3_column_int64(s, 3);
    r->open = r->total - r->closed;
    r->resolved = sqlite3_column_int64(s, 4);
    r->followed_up = sqlite3_column_int64(s, 5);
    r->satisfied = sqlite3_column_int64(s, 6);
    r->reopened = sqlite3_column_int64(s, 7);
    total.total += r->total;
    total.closed += r->closed;
    total.open += r->open;
    total.resolved += r->resolved;
    total.followed_up += r->followed_up;
    total.satisfied += r->satisfied;
    total.reopened += r->reopened;
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE) {
    rc = rd_sqlite_fail(c->db, src, "report", err);
    goto out;
  }

  /* Handling times, sorted by (key, seconds): one run per group. */
  s = rd_sqlite_stmt(c, groupings[gi].durations, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  bind_query(s, q);
  src = sqlite3_step(s);
  while (src == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(s, 0);
    char *key = rd_arena_strdup(a, k ? k : "");
    size_t start = nall;
    struct rd_report_row *r = NULL;

    do {
      if (nall == capall) {
        double *bigger;
        capall = capall ? capall * 2 : 256;
        bigger = rd_arena_alloc(a, capall * sizeof *bigger);
        if (nall)
          memcpy(bigger, all, nall * sizeof *all);
        all = bigger;
      }
      all[nall++] = sqlite3_column_double(s, 1);
      src = sqlite3_step(s);
      k = src == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    } while (src == SQLITE_ROW && strcmp(k ? k : "", key) == 0);

    for (size_t i = 0; i < nrows && r == NULL; i++)
      if (strcmp(rows[i].key, key) == 0)
        r = &rows[i];
    if (r)
      rd_report_quantiles(all + start, nall - start, &r->handling_median_s,
                          &r->handling_p90_s);
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE) {
    rc = rd_sqlite_fail(c->db, src, "report durations", err);
    goto out;
  }
  rd_report_quantiles_unsorted(all, nall, &total.handling_median_s,
                               &total.handling_p90_s);

  /* On-time counts per clock. */
  s = rd_sqlite_stmt(c, groupings[gi].clocks, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  bind_query(s, q);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(s, 0);
    const char *name = (const char *)sqlite3_column_text(s, 2);
    int64_t met = sqlite3_column_int64(s, 3), breached = sqlite3_column_int64(s, 4);
    struct rd_report_row *r = NULL;
    if (k == NULL)
      k = "";
    for (size_t i = 0; i < nrows && r == NULL; i++)
      if (strcmp(rows[i].key, k) == 0)
        r = &rows[i];
    if (r == NULL) { /* a department late on complaints it no longer has */
      r = rd_report_row_new(&rows, &nrows, &cap, a);
      r->key = rd_arena_strdup(a, k);
      r->label = rd_sqlite_col_text(s, 1, a);
      if (r->label == NULL)
        r->label = r->key;
    }
    rd_report_add_clock(r, name ? name : "", met, breached, a);
    rd_report_add_clock(&total, name ? name : "", met, breached, a);
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE) {
    rc = rd_sqlite_fail(c->db, src, "report clocks", err);
    goto out;
  }

  rd_report_rows_finish(&rows, &nrows, &total, q->group_by, a);
  *out = rows;
  *n = nrows;
out:
  if (!sqlite3_get_autocommit(c->db))
    rd_sqlite_exec(c, SQ_COMMIT, NULL);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_count_by_status(struct rd_store *st, int64_t counts[RD_STATE_COUNT],
                          struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  enum rd_status rc;
  int src;

  memset(counts, 0, sizeof(int64_t) * RD_STATE_COUNT);
  rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  s = rd_sqlite_stmt(c, SQ_COUNT_BY_STATUS, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    int state = sqlite3_column_int(s, 0);
    if (state >= 0 && state < RD_STATE_COUNT)
      counts[state] = sqlite3_column_int64(s, 1);
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    rc = rd_sqlite_fail(c->db, src, "status counts", err);
out:
  rd_sqlite_reader_release(st, c);
  return rc;
}
