/* store/sqlite/escalations.c - escalation steps of clock runs, the
 * notifications they send (0006_escalations.sql) and deadline extensions
 * (0008_clock_extensions.sql). */
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"


enum rd_status
rd_sqlite_tx_clock_steps_add(struct rd_tx *tx, int64_t clock_id,
                             struct rd_clock_step *steps, size_t n,
                             struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;

  for (size_t i = 0; i < n; i++) {
    STMT_OR_FAIL(s, c, SQ_STEP_ADD, err);
    sqlite3_bind_int64(s, 1, clock_id);
    sqlite3_bind_int(s, 2, steps[i].step);
    sqlite3_bind_int(s, 3, (int)steps[i].on);
    sqlite3_bind_int(s, 4, (int)steps[i].notify);
    sqlite3_bind_int64(s, 5, steps[i].fire_at);
    if ((rc = rd_sqlite_step_done(c, s, "clock step", err)))
      return rc;
    steps[i].id = sqlite3_last_insert_rowid(c->db);
    steps[i].clock_id = clock_id;
  }
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_clock_steps_drop(struct rd_tx *tx, int64_t clock_id,
                              struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  STMT_OR_FAIL(s, c, SQ_STEPS_DROP, err);
  sqlite3_bind_int64(s, 1, clock_id);
  return rd_sqlite_step_done(c, s, "clock steps", err);
}

enum rd_status
rd_sqlite_tx_clock_step_claim(struct rd_tx *tx, int64_t step_id, int64_t now,
                              bool *claimed, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_STEP_CLAIM, err);
  sqlite3_bind_int64(s, 1, step_id);
  sqlite3_bind_int64(s, 2, now);
  if ((rc = rd_sqlite_step_done(c, s, "clock step", err)))
    return rc;
  *claimed = sqlite3_changes(c->db) == 1;
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_notification_add(struct rd_tx *tx, struct rd_notification *n,
                              struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_NOTIFICATION_ADD, err);
  sqlite3_bind_int64(s, 1, n->user_id);
  rd_sqlite_bind_id(s, 2, n->complaint_id);
  rd_sqlite_bind_id(s, 3, n->step_id);
  rd_sqlite_bind_text(s, 4, n->kind);
  rd_sqlite_bind_text(s, 5, n->data_json);
  sqlite3_bind_int64(s, 6, n->created_at);
  if ((rc = rd_sqlite_step_done(c, s, "notification", err)))
    return rc;
  n->id = sqlite3_last_insert_rowid(c->db);
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_notification_read(struct rd_tx *tx, int64_t user_id, int64_t id,
                               int64_t now, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_NOTIFICATION_READ, err);
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, user_id);
  sqlite3_bind_int64(s, 3, now);
  if ((rc = rd_sqlite_step_done(c, s, "notification", err)))
    return rc;
  if (sqlite3_changes(c->db) == 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such notification");
  return RD_OK;
}

/* ---- reads ---------------------------------------------------------------------- */

static void
due_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_due_step *d = out;
  int state = sqlite3_column_int(s, 12);
  memset(d, 0, sizeof *d);
  d->step.id = sqlite3_column_int64(s, 0);
  d->step.clock_id = sqlite3_column_int64(s, 1);
  d->step.step = sqlite3_column_int(s, 2);
  d->step.on = sqlite3_column_int(s, 3) ? RD_STEP_BREACH : RD_STEP_WARN;
  d->step.notify = (enum rd_notify)sqlite3_column_int(s, 4);
  d->step.fire_at = sqlite3_column_int64(s, 5);
  d->run.id = sqlite3_column_int64(s, 6);
  d->run.complaint_id = sqlite3_column_int64(s, 7);
  d->run.name = rd_sqlite_col_text(s, 8, a);
  d->run.run = sqlite3_column_int(s, 9);
  d->run.policy_id = sqlite3_column_int64(s, 10);
  d->run.calendar_id = sqlite3_column_int64(s, 11);
  d->run.state = state >= 0 && state < RD_CLOCK_STATE_COUNT
                   ? (enum rd_clock_state)state : RD_CLOCK_CANCELLED;
  d->run.started_at = sqlite3_column_int64(s, 13);
  d->run.due_at = sqlite3_column_int64(s, 14);
  d->run.opens_at = sqlite3_column_int64(s, 15);
  d->run.warn_at = sqlite3_column_int64(s, 16);
  d->run.stopped_at = sqlite3_column_int64(s, 17);
  d->run.department_id = sqlite3_column_int64(s, 18);
}

static void
notification_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_notification *n = out;
  n->id = sqlite3_column_int64(s, 0);
  n->user_id = sqlite3_column_int64(s, 1);
  n->complaint_id = sqlite3_column_int64(s, 2);
  n->step_id = sqlite3_column_int64(s, 3);
  n->kind = rd_sqlite_col_text(s, 4, a);
  n->data_json = rd_sqlite_col_text(s, 5, a);
  n->created_at = sqlite3_column_int64(s, 6);
  n->read_at = sqlite3_column_int64(s, 7);
}

enum rd_status
rd_sqlite_steps_due(struct rd_store *st, int64_t now, int limit,
                    struct rd_arena *a, struct rd_due_step **out, size_t *n,
                    struct rd_error *err)
{
  int64_t ints[2] = { now, limit };
  return rd_sqlite_read_rows(st, SQ_STEPS_DUE, ints, 2, NULL, due_row,
                             sizeof **out, a, (void **)out, n, err);
}

enum rd_status
rd_sqlite_notifications_of(struct rd_store *st, int64_t user_id,
                           bool unread_only, int64_t before_id, int limit,
                           struct rd_arena *a, struct rd_notification **out,
                           size_t *n, struct rd_error *err)
{
  int64_t ints[4] = { user_id, before_id > 0 ? before_id : INT64_MAX,
                      unread_only ? 1 : 0, limit };
  return rd_sqlite_read_rows(st, SQ_NOTIFICATIONS_OF, ints, 4, NULL,
                             notification_row, sizeof **out, a, (void **)out,
                             n, err);
}

/* ---- deadline extensions ------------------------------------------------------------ */

static void
extension_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_clock_extension *x = out;
  int state = sqlite3_column_int(s, 7);
  x->id = sqlite3_column_int64(s, 0);
  x->complaint_id = sqlite3_column_int64(s, 1);
  x->clock_id = sqlite3_column_int64(s, 2);
  x->clock_name = rd_sqlite_col_text(s, 3, a);
  x->run = sqlite3_column_int(s, 4);
  x->target = rd_sqlite_col_text(s, 5, a);
  x->reason = rd_sqlite_col_text(s, 6, a);
  x->state = state == 1 ? RD_EXT_GRANTED : state == 2 ? RD_EXT_REFUSED : RD_EXT_REQUESTED;
  x->requested_by = sqlite3_column_int64(s, 8);
  x->requested_at = sqlite3_column_int64(s, 9);
  x->decided_by = sqlite3_column_int64(s, 10);
  x->decided_at = sqlite3_column_int64(s, 11);
  x->note = rd_sqlite_col_text(s, 12, a);
  x->due_before = sqlite3_column_int64(s, 13);
  x->due_after = sqlite3_column_int64(s, 14);
}

enum rd_status
rd_sqlite_tx_extension_add(struct rd_tx *tx, struct rd_clock_extension *x,
                           struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_EXTENSION_ADD, err);
  sqlite3_bind_int64(s, 1, x->complaint_id);
  sqlite3_bind_int64(s, 2, x->clock_id);
  rd_sqlite_bind_text(s, 3, x->target);
  rd_sqlite_bind_text(s, 4, x->reason);
  rd_sqlite_bind_id(s, 5, x->requested_by);
  sqlite3_bind_int64(s, 6, x->requested_at);
  sqlite3_bind_int64(s, 7, x->due_before);
  if ((rc = rd_sqlite_step_done(c, s, "extension", err))) {
    if (rc == RD_E_DUPLICATE)
      return rd_error_set(err, RD_E_DUPLICATE, "clock",
                          "this clock already has an extension waiting for a decision");
    return rc;
  }
  x->id = sqlite3_last_insert_rowid(c->db);
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_extension_get(struct rd_tx *tx, int64_t complaint_id, int64_t id,
                           struct rd_arena *a, struct rd_clock_extension *out,
                           struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int src;
  STMT_OR_FAIL(s, c, SQ_EXTENSION_GET, err);
  sqlite3_bind_int64(s, 1, complaint_id);
  sqlite3_bind_int64(s, 2, id);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW) {
    memset(out, 0, sizeof *out);
    extension_row(s, a, out);
  }
  rd_sqlite_done(s);
  if (src == SQLITE_DONE)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such extension");
  if (src != SQLITE_ROW)
    return rd_sqlite_fail(c->db, src, "extension", err);
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_extension_decide(struct rd_tx *tx,
                              const struct rd_clock_extension *x,
                              struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_EXTENSION_DECIDE, err);
  sqlite3_bind_int64(s, 1, x->id);
  sqlite3_bind_int(s, 2, (int)x->state);
  rd_sqlite_bind_id(s, 3, x->decided_by);
  sqlite3_bind_int64(s, 4, x->decided_at);
  rd_sqlite_bind_text(s, 5, x->note);
  rd_sqlite_bind_id(s, 6, x->due_after);
  if ((rc = rd_sqlite_step_done(c, s, "extension", err)))
    return rc;
  if (sqlite3_changes(c->db) == 0)
    return rd_error_set(err, RD_E_CONFLICT, "", "the extension was decided already");
  return RD_OK;
}

enum rd_status
rd_sqlite_extensions_of(struct rd_store *st, int64_t complaint_id,
                        struct rd_arena *a, struct rd_clock_extension **out,
                        size_t *n, struct rd_error *err)
{
  return rd_sqlite_read_rows(st, SQ_EXTENSIONS_OF, &complaint_id, 1, NULL,
                             extension_row, sizeof **out, a, (void **)out, n,
                             err);
}
