/* store/list_filter.h - the complaint-list filter, checked once for every
 * backend.
 *
 * Both backends refuse the same filters with the same errors, and take the
 * same sort orders, cursors and page sizes from it; only the SQL they build
 * from the result differs. Pure: nothing is allocated, any thread. Only
 * src/store/ includes this header.
 */
#ifndef RD_STORE_LIST_FILTER_H
#define RD_STORE_LIST_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* How many sort orders there are: each backend's table of their SQL is
 * indexed by enum rd_sort and holds this many rows. */
enum { RD_LIST_SORTS = 3 };

/* What is left of a valid filter to build a query from. */
struct rd_list_filter {
  enum rd_sort sort;        /* a known order, < RD_LIST_SORTS */
  char letter;              /* the order's cursor letter (store/cursor.h) */
  bool has_cursor;          /* resume after (cursor_key, cursor_id) */
  int64_t cursor_key, cursor_id;
  unsigned status_mask;     /* known states only; 0 = any (also for all of them) */
  unsigned severity_mask;   /* bits 0-5 only; 0 = any */
  unsigned channel_mask;    /* known channels only; 0 = any */
  int limit;                /* the page size, 1 to 500 */
};

/* Checks f and fills *out, or returns RD_E_INVALID naming the first field
 * that is wrong, in this order: sort, cursor (not issued for this order),
 * status, q, severity, channel (no known value left in the mask). The
 * backends turn f->q into their own search expression; searchable says
 * whether it kept anything to search for (read only when f->q is set). The
 * limit is never refused: 0 or less becomes 50, more than 500 becomes 500. */
enum rd_status rd_list_filter_check(const struct rd_complaint_filter *f,
                                    bool searchable,
                                    struct rd_list_filter *out,
                                    struct rd_error *err);

#endif
