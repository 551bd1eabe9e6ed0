/* store/pg/clocks.c - SLA clock runs, their escalation steps, the
 * notifications those send and deadline extensions, on PostgreSQL.
 *
 * Claiming a step is one conditional UPDATE (pending -> fired) in the
 * transaction that writes its notifications and event, so a step fires
 * once however many nodes sweep: the claim and its effects commit
 * together, or roll back together when the node dies. Neither the due list
 * nor the claim waits for a step another node's transaction holds (SKIP
 * LOCKED): that node fires it, or its rollback leaves it pending for the
 * next sweep; a frozen node's transaction is ended by the server after the
 * lease (idle_in_transaction_session_timeout, conn.c). docs/sla.md, "Several
 * nodes".
 */
#include <stdio.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"
#include "util/buf.h"

/* ---- clock runs ------------------------------------------------------------ */

static enum rd_clock_state
clock_state(int64_t v)
{
  return v >= 0 && v < RD_CLOCK_STATE_COUNT ? (enum rd_clock_state)v
                                            : RD_CLOCK_CANCELLED;
}

static void
clock_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_clock *c = out;
  c->id = rd_pg_int(r, row, 0);
  c->complaint_id = rd_pg_int(r, row, 1);
  c->name = rd_pg_text(r, row, 2, a);
  c->run = (int)rd_pg_int(r, row, 3);
  c->policy_id = rd_pg_int(r, row, 4);
  c->calendar_id = rd_pg_int(r, row, 5);
  c->state = clock_state(rd_pg_int(r, row, 6));
  c->started_at = rd_pg_int(r, row, 7);
  c->due_at = rd_pg_int(r, row, 8);
  c->opens_at = rd_pg_int(r, row, 9);
  c->warn_at = rd_pg_int(r, row, 10);
  c->stopped_at = rd_pg_int(r, row, 11);
  c->department_id = rd_pg_int(r, row, 12);
  c->paused_at = rd_pg_int(r, row, 13);
}

enum rd_status
rd_pg_tx_clocks_of(struct rd_tx *tx, int64_t complaint_id, struct rd_arena *a,
                   struct rd_clock **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, complaint_id);
  return rd_pg_all(rd_pg_tx_conn(tx), PQ_CLOCKS_OF, &p, clock_row, sizeof **out,
                   a, (void **)out, n, err);
}

enum rd_status
rd_pg_tx_clock_insert(struct rd_tx *tx, struct rd_clock *c, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, c->complaint_id);
  rd_pg_arg_text(&p, c->name);
  rd_pg_arg_int(&p, c->run);
  rd_pg_arg_id(&p, c->policy_id);
  rd_pg_arg_id(&p, c->calendar_id);
  rd_pg_arg_int(&p, (int64_t)c->state);
  rd_pg_arg_int(&p, c->started_at);
  rd_pg_arg_int(&p, c->due_at);
  rd_pg_arg_id(&p, c->opens_at);
  rd_pg_arg_id(&p, c->warn_at);
  rd_pg_arg_id(&p, c->stopped_at);
  rd_pg_arg_id(&p, c->department_id);
  return rd_pg_returning(rd_pg_tx_conn(tx), PQ_CLOCK_INSERT, &p, &c->id, "clock",
                         err);
}

enum rd_status
rd_pg_tx_clock_update(struct rd_tx *tx, const struct rd_clock *c,
                      struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  rd_pg_arg_int(&p, (int64_t)c->state);
  rd_pg_arg_id(&p, c->stopped_at);
  rd_pg_arg_id(&p, c->department_id);
  rd_pg_arg_int(&p, c->id);
  rd_pg_arg_int(&p, c->due_at);
  rd_pg_arg_id(&p, c->warn_at);
  rd_pg_arg_id(&p, c->paused_at);
  rd_pg_arg_id(&p, c->opens_at);
  rd_pg_arg_id(&p, c->policy_id);
  rd_pg_arg_id(&p, c->calendar_id);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_CLOCK_UPDATE, &p, &changed, "clock", err);
  if (rc == RD_OK && changed == 0)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such clock run");
  return rc;
}

enum rd_status
rd_pg_clocks_of(struct rd_store *st, const int64_t *ids, size_t n,
                struct rd_arena *a, struct rd_clock **out, size_t *n_out,
                struct rd_error *err)
{
  struct rd_pg_args p = {0};
  struct rd_buf list = {0};
  enum rd_status rc;

  *out = NULL;
  *n_out = 0;
  if (n == 0)
    return RD_OK;
  /* One statement for any page size: the ids as one bigint[] parameter. */
  rd_buf_putc(&list, '{');
  for (size_t i = 0; i < n; i++)
    rd_buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
  rd_buf_putc(&list, '}');
  rd_pg_arg_text(&p, list.data);
  rc = rd_pg_read_all(st, PQ_CLOCKS_OF_MANY, &p, clock_row, sizeof **out, a,
                      (void **)out, n_out, err);
  rd_buf_free(&list);
  return rc;
}

/* ---- escalation steps and notifications --------------------------------------- */

enum rd_status
rd_pg_tx_clock_steps_add(struct rd_tx *tx, int64_t clock_id,
                         struct rd_clock_step *steps, size_t n,
                         struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);

  for (size_t i = 0; i < n; i++) {
    struct rd_pg_args p = {0};
    PGresult *r;
    enum rd_status rc;

    rd_pg_arg_int(&p, clock_id);
    rd_pg_arg_int(&p, steps[i].step);
    rd_pg_arg_int(&p, (int64_t)steps[i].on);
    rd_pg_arg_int(&p, (int64_t)steps[i].notify);
    rd_pg_arg_int(&p, steps[i].fire_at);
    rc = rd_pg_run(c, PQ_STEP_ADD, &p, &r, "clock step", err);
    if (rc != RD_OK)
      return rc;
    if (PQntuples(r) == 1) /* none: a fired step, left as it was */
      steps[i].id = rd_pg_int(r, 0, 0);
    PQclear(r);
    steps[i].clock_id = clock_id;
  }
  return RD_OK;
}

enum rd_status
rd_pg_tx_clock_steps_drop(struct rd_tx *tx, int64_t clock_id,
                          struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, clock_id);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_STEPS_DROP, &p, NULL, "clock steps",
                    err);
}

enum rd_status
rd_pg_tx_clock_step_claim(struct rd_tx *tx, int64_t step_id, int64_t now,
                          bool *claimed, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  *claimed = false;
  rd_pg_arg_int(&p, step_id);
  rd_pg_arg_int(&p, now);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_STEP_CLAIM, &p, &changed, "clock step",
                  err);
  *claimed = rc == RD_OK && changed == 1;
  return rc;
}

enum rd_status
rd_pg_tx_notification_add(struct rd_tx *tx, struct rd_notification *n,
                          struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, n->user_id);
  rd_pg_arg_id(&p, n->complaint_id);
  rd_pg_arg_id(&p, n->step_id);
  rd_pg_arg_text(&p, n->kind);
  rd_pg_arg_text(&p, n->data_json);
  rd_pg_arg_int(&p, n->created_at);
  return rd_pg_returning(rd_pg_tx_conn(tx), PQ_NOTIFICATION_ADD, &p, &n->id,
                         "notification", err);
}

enum rd_status
rd_pg_tx_notification_read(struct rd_tx *tx, int64_t user_id, int64_t id,
                           int64_t now, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  rd_pg_arg_int(&p, id);
  rd_pg_arg_int(&p, user_id);
  rd_pg_arg_int(&p, now);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_NOTIFICATION_READ, &p, &changed,
                  "notification", err);
  if (rc == RD_OK && changed == 0)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such notification");
  return rc;
}

static void
due_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_due_step *d = out;
  memset(d, 0, sizeof *d);
  d->step.id = rd_pg_int(r, row, 0);
  d->step.clock_id = rd_pg_int(r, row, 1);
  d->step.step = (int)rd_pg_int(r, row, 2);
  d->step.on = rd_pg_int(r, row, 3) ? RD_STEP_BREACH : RD_STEP_WARN;
  d->step.notify = (enum rd_notify)rd_pg_int(r, row, 4);
  d->step.fire_at = rd_pg_int(r, row, 5);
  d->run.id = rd_pg_int(r, row, 6);
  d->run.complaint_id = rd_pg_int(r, row, 7);
  d->run.name = rd_pg_text(r, row, 8, a);
  d->run.run = (int)rd_pg_int(r, row, 9);
  d->run.policy_id = rd_pg_int(r, row, 10);
  d->run.calendar_id = rd_pg_int(r, row, 11);
  d->run.state = clock_state(rd_pg_int(r, row, 12));
  d->run.started_at = rd_pg_int(r, row, 13);
  d->run.due_at = rd_pg_int(r, row, 14);
  d->run.opens_at = rd_pg_int(r, row, 15);
  d->run.warn_at = rd_pg_int(r, row, 16);
  d->run.stopped_at = rd_pg_int(r, row, 17);
  d->run.department_id = rd_pg_int(r, row, 18);
}

static void
notification_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_notification *n = out;
  n->id = rd_pg_int(r, row, 0);
  n->user_id = rd_pg_int(r, row, 1);
  n->complaint_id = rd_pg_int(r, row, 2);
  n->step_id = rd_pg_int(r, row, 3);
  n->kind = rd_pg_text(r, row, 4, a);
  n->data_json = rd_pg_text(r, row, 5, a);
  n->created_at = rd_pg_int(r, row, 6);
  n->read_at = rd_pg_int(r, row, 7);
}

enum rd_status
rd_pg_steps_due(struct rd_store *st, int64_t now, int limit, struct rd_arena *a,
                struct rd_due_step **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, now);
  rd_pg_arg_int(&p, limit);
  return rd_pg_read_all(st, PQ_STEPS_DUE, &p, due_row, sizeof **out, a,
                        (void **)out, n, err);
}

enum rd_status
rd_pg_notifications_of(struct rd_store *st, int64_t user_id, bool unread_only,
                       int64_t before_id, int limit, struct rd_arena *a,
                       struct rd_notification **out, size_t *n,
                       struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, user_id);
  rd_pg_arg_int(&p, before_id > 0 ? before_id : INT64_MAX);
  rd_pg_arg_bool(&p, unread_only);
  rd_pg_arg_int(&p, limit);
  return rd_pg_read_all(st, PQ_NOTIFICATIONS_OF, &p, notification_row,
                        sizeof **out, a, (void **)out, n, err);
}

/* ---- deadline extensions ------------------------------------------------------------ */

static void
extension_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_clock_extension *x = out;
  int64_t state = rd_pg_int(r, row, 7);
  memset(x, 0, sizeof *x);
  x->id = rd_pg_int(r, row, 0);
  x->complaint_id = rd_pg_int(r, row, 1);
  x->clock_id = rd_pg_int(r, row, 2);
  x->clock_name = rd_pg_text(r, row, 3, a);
  x->run = (int)rd_pg_int(r, row, 4);
  x->target = rd_pg_text(r, row, 5, a);
  x->reason = rd_pg_text(r, row, 6, a);
  x->state = state == 1 ? RD_EXT_GRANTED : state == 2 ? RD_EXT_REFUSED : RD_EXT_REQUESTED;
  x->requested_by = rd_pg_int(r, row, 8);
  x->requested_at = rd_pg_int(r, row, 9);
  x->decided_by = rd_pg_int(r, row, 10);
  x->decided_at = rd_pg_int(r, row, 11);
  x->note = rd_pg_text(r, row, 12, a);
  x->due_before = rd_pg_int(r, row, 13);
  x->due_after = rd_pg_int(r, row, 14);
}

enum rd_status
rd_pg_tx_extension_add(struct rd_tx *tx, struct rd_clock_extension *x,
                       struct rd_error *err)
{
  struct rd_pg_args p = {0};
  enum rd_status rc;

  rd_pg_arg_int(&p, x->complaint_id);
  rd_pg_arg_int(&p, x->clock_id);
  rd_pg_arg_text(&p, x->target);
  rd_pg_arg_text(&p, x->reason);
  rd_pg_arg_id(&p, x->requested_by);
  rd_pg_arg_int(&p, x->requested_at);
  rd_pg_arg_int(&p, x->due_before);
  rc = rd_pg_returning(rd_pg_tx_conn(tx), PQ_EXTENSION_ADD, &p, &x->id,
                       "extension", err);
  if (rc == RD_E_DUPLICATE)
    return rd_error_set(err, RD_E_DUPLICATE, "clock",
                        "this clock already has an extension waiting for a decision");
  return rc;
}

enum rd_status
rd_pg_tx_extension_get(struct rd_tx *tx, int64_t complaint_id, int64_t id,
                       struct rd_arena *a, struct rd_clock_extension *out,
                       struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, complaint_id);
  rd_pg_arg_int(&p, id);
  return rd_pg_one(rd_pg_tx_conn(tx), PQ_EXTENSION_GET, &p, extension_row, a,
                   out, "extension", err);
}

enum rd_status
rd_pg_tx_extension_decide(struct rd_tx *tx, const struct rd_clock_extension *x,
                          struct rd_error *err)
{
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;

  rd_pg_arg_int(&p, x->id);
  rd_pg_arg_int(&p, (int64_t)x->state);
  rd_pg_arg_id(&p, x->decided_by);
  rd_pg_arg_int(&p, x->decided_at);
  rd_pg_arg_text(&p, x->note);
  rd_pg_arg_id(&p, x->due_after);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_EXTENSION_DECIDE, &p, &changed,
                  "extension", err);
  if (rc == RD_OK && changed == 0)
    rc = rd_error_set(err, RD_E_CONFLICT, "", "the extension was decided already");
  return rc;
}

enum rd_status
rd_pg_extensions_of(struct rd_store *st, int64_t complaint_id,
                    struct rd_arena *a, struct rd_clock_extension **out,
                    size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, complaint_id);
  return rd_pg_read_all(st, PQ_EXTENSIONS_OF, &p, extension_row, sizeof **out,
                        a, (void **)out, n, err);
}
