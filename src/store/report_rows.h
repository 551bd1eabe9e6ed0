/* store/report_rows.h - the summary report's rows, built alike on every
 * backend.
 *
 * Each backend reads its three result sets (counts, handling times and
 * clocks per group) its own way; what becomes of the values - the rows,
 * clocks added up by name, quantiles, the order of the rows, state names
 * and the total row - is here, so a report reads the same on SQLite and
 * PostgreSQL. Rows and names are allocated in the caller's arena. Only
 * src/store/ includes this header.
 */
#ifndef RD_STORE_REPORT_ROWS_H
#define RD_STORE_REPORT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct rd_arena;

/* How many groupings there are: each backend's table of its statements is
 * indexed by enum rd_group_by and holds this many rows. */
enum { RD_REPORT_GROUPINGS = 7 };

/* RD_OK for a known grouping, else RD_E_INVALID on group_by. */
enum rd_status rd_report_grouping_check(enum rd_group_by by,
                                        struct rd_error *err);

/* A new zeroed row at the end of *rows, *n of them in room for *cap (grown
 * in a, always with room for one more: the total row). */
struct rd_report_row *rd_report_row_new(struct rd_report_row **rows, size_t *n,
                                        size_t *cap, struct rd_arena *a);

/* Adds a clock's counts to r (a name seen again adds up; a new name is
 * copied into a). */
void rd_report_add_clock(struct rd_report_row *r, const char *name,
                         int64_t met, int64_t breached, struct rd_arena *a);

/* Median and nearest-rank 90th percentile of n sorted values; 0 and 0 for
 * none. */
void rd_report_quantiles(const double *v, size_t n, double *median,
                         double *p90);

/* The same of n values in any order (every group's handling times: the
 * total row's), sorting v in place. Leaves *median and *p90 for none. */
void rd_report_quantiles_unsorted(double *v, size_t n, double *median,
                                  double *p90);

/* Orders the *n rows by key as grouping by wants (numbers by value, "" for
 * none first), names states for RD_GROUP_STATUS, appends total as the row
 * "total" (rows may be NULL when there are none), and orders every row's
 * clocks by name. */
void rd_report_rows_finish(struct rd_report_row **rows, size_t *n,
                           const struct rd_report_row *total,
                           enum rd_group_by by, struct rd_arena *a);

#endif
