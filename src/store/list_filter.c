/* store/list_filter.c - the complaint-list filter's checks, shared so that
 * SQLite and PostgreSQL refuse the same filters with the same words and
 * issue the same cursors; each backend builds its SQL from the result. */
#include <string.h>

#include "store/cursor.h"
#include "store/list_filter.h"

enum { LIMIT_DEFAULT = 50, LIMIT_MAX = 500 };

/* Each sort order's cursor letter: a cursor resumes only the order that
 * issued it. */
static const char letters[] = {
  [RD_SORT_RECEIVED_DESC] = 'r',
  [RD_SORT_RECEIVED_ASC]  = 'a',
  [RD_SORT_DUE]           = 'd',
};
_Static_assert(sizeof letters == RD_LIST_SORTS, "a letter for every sort order");

enum rd_status
rd_list_filter_check(const struct rd_complaint_filter *f, bool searchable,
                     struct rd_list_filter *out, struct rd_error *err)
{
  unsigned all_states = (1u << RD_STATE_COUNT) - 1;

  memset(out, 0, sizeof *out);
  out->limit = f->limit <= 0 ? LIMIT_DEFAULT : f->limit > LIMIT_MAX ? LIMIT_MAX : f->limit;
  if ((unsigned)f->sort >= RD_LIST_SORTS)
    return rd_error_set(err, RD_E_INVALID, "sort", "unknown sort order");
  out->sort = f->sort;
  out->letter = letters[f->sort];
  out->has_cursor = f->cursor && f->cursor[0];
  if (out->has_cursor &&
      !rd_cursor_decode(f->cursor, out->letter, &out->cursor_key, &out->cursor_id))
    return rd_error_set(err, RD_E_INVALID, "cursor",
                        "not a cursor from this list");
  if (f->status_mask) {
    out->status_mask = f->status_mask & all_states;
    if (out->status_mask == 0)
      return rd_error_set(err, RD_E_INVALID, "status", "unknown status");
    if (out->status_mask == all_states)
      out->status_mask = 0; /* every state: no condition */
  }
  if (f->q && !searchable)
    return rd_error_set(err, RD_E_INVALID, "q", "nothing to search for");
  if (f->severity_mask) {
    out->severity_mask = f->severity_mask & 0x3F;
    if (out->severity_mask == 0)
      return rd_error_set(err, RD_E_INVALID, "severity", "must be 1 to 5");
  }
  if (f->channel_mask) {
    out->channel_mask = f->channel_mask & ((1u << RD_CHANNEL_COUNT) - 1);
    if (out->channel_mask == 0)
      return rd_error_set(err, RD_E_INVALID, "channel", "unknown channel");
  }
  return RD_OK;
}
