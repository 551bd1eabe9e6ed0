/* store/pg/report.c - the summary report on PostgreSQL.
 *
 * As on SQLite (store/sqlite/report.c, whose row arithmetic this repeats):
 * counts from one GROUP BY per grouping, handling times (received ->
 * resolved) sorted per group from a second query with their median and
 * 90th percentile taken in C, on-time counts per clock from a third; the
 * three in one REPEATABLE READ snapshot so they agree.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"

/* Statements per grouping, and whether its keys are numbers (for ordering).
 * Only the month texts use the time-zone offset ($4). */
static const struct {
  enum rd_group_by by;
  enum rd_pg_stmt counts, durations, clocks;
  bool numeric;
} groupings[] = {
  { RD_GROUP_CATEGORY,   PQ_REPORT_CATEGORY,   PQ_DURATIONS_CATEGORY,   PQ_CLOCKS_CATEGORY,   true  },
  { RD_GROUP_DEPARTMENT, PQ_REPORT_DEPARTMENT, PQ_DURATIONS_DEPARTMENT, PQ_CLOCKS_DEPARTMENT, false },
  { RD_GROUP_SITE,       PQ_REPORT_SITE,       PQ_DURATIONS_SITE,       PQ_CLOCKS_SITE,       false },
  { RD_GROUP_CHANNEL,    PQ_REPORT_CHANNEL,    PQ_DURATIONS_CHANNEL,    PQ_CLOCKS_CHANNEL,    false },
  { RD_GROUP_SEVERITY,   PQ_REPORT_SEVERITY,   PQ_DURATIONS_SEVERITY,   PQ_CLOCKS_SEVERITY,   true  },
  { RD_GROUP_MONTH,      PQ_REPORT_MONTH,      PQ_DURATIONS_MONTH,      PQ_CLOCKS_MONTH,      false },
  { RD_GROUP_STATUS,     PQ_REPORT_STATUS,     PQ_DURATIONS_STATUS,     PQ_CLOCKS_STATUS,     true  },
};

/* Adds a clock's counts to a row (a name seen again adds up). */
static void
add_clock(struct rd_report_row *r, const char *name, int64_t met,
          int64_t breached, struct rd_arena *a)
{
  for (size_t i = 0; i < r->n_clocks; i++)
    if (strcmp(r->clocks[i].name, name) == 0) {
      r->clocks[i].met += met;
      r->clocks[i].breached += breached;
      return;
    }
  /* Few clocks per policy: grow one at a time. */
  struct rd_report_clock *more = rd_arena_alloc(a, (r->n_clocks + 1) * sizeof *more);
  if (r->n_clocks)
    memcpy(more, r->clocks, r->n_clocks * sizeof *more);
  more[r->n_clocks] = (struct rd_report_clock){ rd_arena_strdup(a, name), met, breached };
  r->clocks = more;
  r->n_clocks++;
}

/* A new zeroed row at the end of *rows (grown in the arena). */
static struct rd_report_row *
new_row(struct rd_report_row **rows, size_t *n, size_t *cap, struct rd_arena *a)
{
  if (*n == *cap) {
    struct rd_report_row *bigger;
    *cap = *cap ? *cap * 2 : 16;
    bigger = rd_arena_alloc(a, (*cap + 1) * sizeof *bigger); /* +1: total */
    if (*n)
      memcpy(bigger, *rows, *n * sizeof **rows);
    *rows = bigger;
  }
  struct rd_report_row *r = &(*rows)[(*n)++];
  memset(r, 0, sizeof *r);
  return r;
}

static void
args_query(struct rd_pg_args *p, const struct rd_report_query *q)
{
  rd_pg_arg_int(p, q->from > 0 ? q->from : INT64_MIN);
  rd_pg_arg_int(p, q->to > 0 ? q->to : INT64_MAX);
  rd_pg_arg_int(p, q->scope_department_id);
  if (q->group_by == RD_GROUP_MONTH)
    rd_pg_arg_int(p, q->tz_offset_s);
}

static int
cmp_double(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Median and nearest-rank 90th percentile of n sorted values. */
static void
quantiles(const double *v, size_t n, double *median, double *p90)
{
  size_t rank;
  if (n == 0) {
    *median = *p90 = 0;
    return;
  }
  *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  rank = (n * 9 + 9) / 10; /* ceil(0.9 n) */
  *p90 = v[rank - 1];
}

/* Orders rows by key; numeric keys by value, "" (none) first. */
static void
sort_rows(struct rd_report_row *rows, size_t n, bool numeric)
{
  /* qsort has no context argument for `numeric`; groups are few, so an
   * insertion sort. */
  for (size_t i = 1; i < n; i++) {
    struct rd_report_row r = rows[i];
    size_t j = i;
    while (j > 0) {
      const struct rd_report_row *p = &rows[j - 1];
      int c;
      if (numeric && p->key[0] && r.key[0]) {
        long long kp = atoll(p->key), kr = atoll(r.key);
        c = (kp > kr) - (kp < kr);
      } else {
        c = strcmp(p->key, r.key);
      }
      if (c <= 0)
        break;
      rows[j] = rows[j - 1];
      j--;
    }
    rows[j] = r;
  }
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
  size_t gi = 0;
  enum rd_status rc;
  bool in_tx = false;

  *out = NULL;
  *n = 0;
  while (gi < sizeof groupings / sizeof *groupings && groupings[gi].by != q->group_by)
    gi++;
  if (gi == sizeof groupings / sizeof *groupings)
    return rd_error_set(err, RD_E_INVALID, "group_by", "unknown grouping");
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
    struct rd_report_row *row = new_row(&rows, &nrows, &cap, a);
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
      quantiles(all + start, nall - start, &row->handling_median_s,
                &row->handling_p90_s);
  }
  PQclear(r);
  r = NULL;
  if (nall) {
    qsort(all, nall, sizeof *all, cmp_double);
    quantiles(all, nall, &total.handling_median_s, &total.handling_p90_s);
  }

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
      row = new_row(&rows, &nrows, &cap, a);
      row->key = rd_arena_strdup(a, k);
      row->label = PQgetisnull(r, i, 1) ? row->key : rd_pg_text(r, i, 1, a);
    }
    add_clock(row, name, met, breached, a);
    add_clock(&total, name, met, breached, a);
  }

  sort_rows(rows, nrows, groupings[gi].numeric);
  /* States are stored as numbers (in workflow order, which the sort kept);
   * clients know them by name. */
  if (q->group_by == RD_GROUP_STATUS)
    for (size_t i = 0; i < nrows; i++) {
      const char *name = rows[i].key[0] ? rd_state_name((enum rd_state)atoi(rows[i].key)) : NULL;
      rows[i].key = rows[i].label = name ? name : "";
    }
  if (rows == NULL)
    rows = rd_arena_alloc(a, sizeof *rows);
  total.key = "total";
  total.label = "total";
  rows[nrows++] = total;
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
