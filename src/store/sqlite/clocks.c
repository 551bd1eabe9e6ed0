/* store/sqlite/clocks.c - SLA clock runs of complaints (0005_clocks.sql). */
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"
#include "util/buf.h"

static void
clock_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_clock *c = out;
  int state = sqlite3_column_int(s, 6);
  c->id = sqlite3_column_int64(s, 0);
  c->complaint_id = sqlite3_column_int64(s, 1);
  c->name = rd_sqlite_col_text(s, 2, a);
  c->run = sqlite3_column_int(s, 3);
  c->policy_id = sqlite3_column_int64(s, 4);
  c->calendar_id = sqlite3_column_int64(s, 5);
  c->state = state >= 0 && state < RD_CLOCK_STATE_COUNT ? (enum rd_clock_state)state
                                                        : RD_CLOCK_CANCELLED;
  c->started_at = sqlite3_column_int64(s, 7);
  c->due_at = sqlite3_column_int64(s, 8);
  c->opens_at = sqlite3_column_int64(s, 9);
  c->warn_at = sqlite3_column_int64(s, 10);
  c->stopped_at = sqlite3_column_int64(s, 11);
  c->department_id = sqlite3_column_int64(s, 12);
  c->paused_at = sqlite3_column_int64(s, 13);
}

enum rd_status
rd_sqlite_tx_clocks_of(struct rd_tx *tx, int64_t complaint_id,
                       struct rd_arena *a, struct rd_clock **out, size_t *n,
                       struct rd_error *err)
{
  return rd_sqlite_all(rd_sqlite_tx_conn(tx), SQ_CLOCKS_OF, complaint_id,
                       clock_row, sizeof **out, a, (void **)out, n, err);
}

enum rd_status
rd_sqlite_tx_complaint_set_due(struct rd_tx *tx, int64_t id, int64_t due_at,
                               struct rd_error *err)
{
  struct rd_sqlite_conn *conn = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  STMT_OR_FAIL(s, conn, SQ_COMPLAINT_SET_DUE, err);
  sqlite3_bind_int64(s, 1, id);
  rd_sqlite_bind_id(s, 2, due_at);
  return rd_sqlite_step_done(conn, s, "complaint deadline", err);
}

enum rd_status
rd_sqlite_tx_clock_insert(struct rd_tx *tx, struct rd_clock *c,
                          struct rd_error *err)
{
  struct rd_sqlite_conn *conn = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;

  STMT_OR_FAIL(s, conn, SQ_CLOCK_INSERT, err);
  sqlite3_bind_int64(s, 1, c->complaint_id);
  rd_sqlite_bind_text(s, 2, c->name);
  sqlite3_bind_int(s, 3, c->run);
  rd_sqlite_bind_id(s, 4, c->policy_id);
  rd_sqlite_bind_id(s, 5, c->calendar_id);
  sqlite3_bind_int(s, 6, (int)c->state);
  sqlite3_bind_int64(s, 7, c->started_at);
  sqlite3_bind_int64(s, 8, c->due_at);
  rd_sqlite_bind_id(s, 9, c->opens_at);
  rd_sqlite_bind_id(s, 10, c->warn_at);
  rd_sqlite_bind_id(s, 11, c->stopped_at);
  rd_sqlite_bind_id(s, 12, c->department_id);
  if ((rc = rd_sqlite_step_done(conn, s, "clock", err)) != RD_OK)
    return rc;
  c->id = sqlite3_last_insert_rowid(conn->db);
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_clock_update(struct rd_tx *tx, const struct rd_clock *c,
                          struct rd_error *err)
{
  struct rd_sqlite_conn *conn = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;

  STMT_OR_FAIL(s, conn, SQ_CLOCK_UPDATE, err);
  sqlite3_bind_int(s, 1, (int)c->state);
  rd_sqlite_bind_id(s, 2, c->stopped_at);
  rd_sqlite_bind_id(s, 3, c->department_id);
  sqlite3_bind_int64(s, 4, c->id);
  sqlite3_bind_int64(s, 5, c->due_at);
  rd_sqlite_bind_id(s, 6, c->warn_at);
  rd_sqlite_bind_id(s, 7, c->paused_at);
  rd_sqlite_bind_id(s, 8, c->opens_at);
  rd_sqlite_bind_id(s, 9, c->policy_id);
  rd_sqlite_bind_id(s, 10, c->calendar_id);
  if ((rc = rd_sqlite_step_done(conn, s, "clock", err)) != RD_OK)
    return rc;
  if (sqlite3_changes(conn->db) == 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such clock run");
  return RD_OK;
}

enum rd_status
rd_sqlite_clocks_of(struct rd_store *st, const int64_t *ids, size_t n,
                    struct rd_arena *a, struct rd_clock **out, size_t *n_out,
                    struct rd_error *err)
{
  struct rd_buf list = {0};
  enum rd_status rc;

  *out = NULL;
  *n_out = 0;
  if (n == 0)
    return RD_OK;
  if (n == 1) /* a complaint's page: the plain statement is cheaper */
    return rd_sqlite_read_all(st, SQ_CLOCKS_OF, ids[0], clock_row, sizeof **out,
                              a, (void **)out, n_out, err);
  rd_buf_putc(&list, '[');
  for (size_t i = 0; i < n; i++)
    rd_buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
  rd_buf_putc(&list, ']');
  rc = rd_sqlite_read_rows(st, SQ_CLOCKS_OF_MANY, NULL, 0, list.data, clock_row,
                           sizeof **out, a, (void **)out, n_out, err);
  rd_buf_free(&list);
  return rc;
}
