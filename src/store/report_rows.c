/* store/report_rows.c - the summary report's row arithmetic, shared so that
 * SQLite and PostgreSQL order, add up and total a report alike; each backend
 * only reads its result sets into it. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/report_rows.h"
#include "util/arena.h"

/* Whether a grouping's keys are numbers (ids, severities, states), which
 * order by value rather than as text. */
static const bool numeric[] = {
  [RD_GROUP_CATEGORY]   = true,
  [RD_GROUP_DEPARTMENT] = false,
  [RD_GROUP_SITE]       = false,
  [RD_GROUP_CHANNEL]    = false,
  [RD_GROUP_SEVERITY]   = true,
  [RD_GROUP_MONTH]      = false,
  [RD_GROUP_STATUS]     = true,
};
_Static_assert(sizeof numeric / sizeof *numeric == RD_REPORT_GROUPINGS,
               "every grouping");

enum rd_status
rd_report_grouping_check(enum rd_group_by by, struct rd_error *err)
{
  if ((unsigned)by >= RD_REPORT_GROUPINGS)
    return rd_error_set(err, RD_E_INVALID, "group_by", "unknown grouping");
  return RD_OK;
}

struct rd_report_row *
rd_report_row_new(struct rd_report_row **rows, size_t *n, size_t *cap,
                  struct rd_arena *a)
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

void
rd_report_add_clock(struct rd_report_row *r, const char *name, int64_t met,
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

void
rd_report_quantiles(const double *v, size_t n, double *median, double *p90)
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

static int
cmp_clock(const void *x, const void *y)
{
  return strcmp(((const struct rd_report_clock *)x)->name,
                ((const struct rd_report_clock *)y)->name);
}

static int
cmp_double(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

void
rd_report_quantiles_unsorted(double *v, size_t n, double *median, double *p90)
{
  if (n == 0)
    return;
  qsort(v, n, sizeof *v, cmp_double);
  rd_report_quantiles(v, n, median, p90);
}

/* Orders rows by key; numeric keys by value, "" (none) first. */
static void
sort_rows(struct rd_report_row *rows, size_t n, bool by_value)
{
  /* qsort has no context argument for `by_value`; groups are few, so an
   * insertion sort. */
  for (size_t i = 1; i < n; i++) {
    struct rd_report_row r = rows[i];
    size_t j = i;
    while (j > 0) {
      const struct rd_report_row *p = &rows[j - 1];
      int c;
      if (by_value && p->key[0] && r.key[0]) {
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

void
rd_report_rows_finish(struct rd_report_row **rows, size_t *n,
                      const struct rd_report_row *total, enum rd_group_by by,
                      struct rd_arena *a)
{
  sort_rows(*rows, *n, numeric[by]);
  /* States are stored as numbers (in workflow order, which the sort kept);
   * clients know them by name. */
  if (by == RD_GROUP_STATUS)
    for (size_t i = 0; i < *n; i++) {
      struct rd_report_row *r = &(*rows)[i];
      const char *name = r->key[0] ? rd_state_name((enum rd_state)atoi(r->key)) : NULL;
      r->key = r->label = name ? name : "";
    }
  if (*rows == NULL)
    *rows = rd_arena_alloc(a, sizeof **rows);
  (*rows)[*n] = *total;
  (*rows)[*n].key = "total";
  (*rows)[*n].label = "total";
  (*n)++;
  /* Clocks come in the order the result set first named them, which is
   * the backend's; by name they read the same on either. */
  for (size_t i = 0; i < *n; i++)
    if ((*rows)[i].n_clocks > 1)
      qsort((*rows)[i].clocks, (*rows)[i].n_clocks, sizeof *(*rows)[i].clocks, cmp_clock);
}
