/* service/sweep.c - firing the escalation steps that are due, and the
 * notifications users read.
 *
 * A sweep reads the pending steps whose time has come (an index holds only
 * pending steps, so a sweep costs what it fires, not what is running),
 * finds whom each notifies, and in one transaction for the batch claims
 * each step (pending -> fired), writes one notification per recipient and
 * a timeline event. A step already claimed (by another sweep, or before a
 * crash) is skipped: each fires exactly once. A batch that fails is rolled
 * back whole and tried again at the next sweep.
 */
#include "service/service_int.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/time.h"

enum { RECIPIENTS_MAX = 64 };

/* One due step, ready to fire. */
struct firing {
  const struct rd_due_step *due;
  struct rd_complaint c;
  int64_t users[RECIPIENTS_MAX];
  size_t n_users;
  const char *kind;
  const char *data_json;
  bool fired;                  /* claimed and fired by this batch */
};

struct fire_ctx {
  struct firing *f;
  size_t n;
  int64_t now;
  size_t fired;
};

/* Fires a batch of steps in one transaction: one commit (one fsync) for
 * the batch, each step claimed first so that none fires twice. */
static enum rd_status
fire_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct fire_ctx *x = arg;
  enum rd_status rc;

  x->fired = 0;
  for (size_t k = 0; k < x->n; k++)
    x->f[k].fired = false;   /* a retried transaction starts afresh */
  for (size_t k = 0; k < x->n; k++) {
    struct firing *f = &x->f[k];
    bool claimed = false;
    if ((rc = rd_tx_clock_step_claim(tx, f->due->step.id, x->now, &claimed, err)))
      return rc;
    if (!claimed)
      continue; /* another sweep had it */
    for (size_t i = 0; i < f->n_users; i++) {
      struct rd_notification n = {
        .user_id = f->users[i], .complaint_id = f->c.id,
        .step_id = f->due->step.id, .kind = f->kind, .data_json = f->data_json,
        .created_at = x->now,
      };
      if ((rc = rd_tx_notification_add(tx, &n, err)))
        return rc;
    }
    struct rd_event ev = {
      .complaint_id = f->c.id,
      .at = x->now,
      .type = f->kind,
      .from_status = (int)f->c.status,
      .to_status = (int)f->c.status,
      .data_json = f->data_json,
    };
    if ((rc = rd_tx_event_append(tx, &ev, err)))
      return rc;
    f->fired = true;
    x->fired++;
  }
  /* The audit rows after every claim, in the same transaction: a fired
   * step without its row cannot commit. (Appending takes no lock others
   * wait for: on PostgreSQL the rows are linked into the chain later.) */
  for (size_t k = 0; k < x->n; k++)
    if (x->f[k].fired &&
        (rc = rd_svc_audit(tx, &RD_PRINCIPAL_SYSTEM, x->now, "escalation.fire",
                           "complaint", x->f[k].c.id, x->f[k].data_json, err)))
      return rc;
  return RD_OK;
}

/* Active users of role (in dept when dept != 0), into out. */
static size_t
users_with(const struct rd_user *users, size_t n, enum rd_role role,
           int64_t dept, int64_t *out, size_t n_out, size_t max)
{
  for (size_t i = 0; i < n && n_out < max; i++)
    if (users[i].active && users[i].role == role &&
        (dept == 0 || users[i].department_id == dept))
      out[n_out++] = users[i].id;
  return n_out;
}

/* Whom a step notifies about complaint c: its assignee (or, without one,
 * the department's managers), the department's managers, or the general
 * managers (approvers). */
static size_t
recipients(const struct rd_due_step *d, const struct rd_complaint *c,
           const struct rd_user *users, size_t n_users, int64_t *out)
{
  size_t n = 0;
  switch (d->step.notify) {
  case RD_NOTIFY_ASSIGNEE:
    for (size_t i = 0; c->assignee_id && i < n_users; i++)
      if (users[i].id == c->assignee_id && users[i].active)
        out[n++] = users[i].id;
    if (n == 0 && c->department_id)
      n = users_with(users, n_users, RD_ROLE_MANAGER, c->department_id, out, 0,
                     RECIPIENTS_MAX);
    break;
  case RD_NOTIFY_MANAGER:
    if (c->department_id)
      n = users_with(users, n_users, RD_ROLE_MANAGER, c->department_id, out, 0,
                     RECIPIENTS_MAX);
    break;
  case RD_NOTIFY_GENERAL_MANAGER:
  default:
    n = users_with(users, n_users, RD_ROLE_APPROVER, 0, out, 0, RECIPIENTS_MAX);
    break;
  }
  return n;
}

static const char *
details(struct rd_service *svc, const struct rd_due_step *d,
        const struct rd_complaint *c, const int64_t *users, size_t n,
        struct rd_arena *a)
{
  struct rd_buf b = {0};
  char due[RD_TIME_TEXT_MAX];
  const char *text;

  rd_buf_puts(&b, "{\"number\":");
  rd_buf_json_string(&b, c->number);
  rd_buf_puts(&b, ",\"clock\":");
  rd_buf_json_string(&b, d->run.name);
  rd_buf_printf(&b, ",\"run\":%d,\"due_at\":", d->run.run);
  rd_buf_json_string(&b, rd_time_format(d->run.due_at, svc->timezone, due));
  rd_buf_puts(&b, ",\"notify\":");
  rd_buf_json_string(&b, rd_notify_name(d->step.notify));
  rd_buf_printf(&b, ",\"step\":%d,\"notified\":[", d->step.step);
  for (size_t i = 0; i < n; i++)
    rd_buf_printf(&b, "%s%lld", i ? "," : "", (long long)users[i]);
  rd_buf_puts(&b, "]}");
  text = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return text;
}

enum rd_status
rd_service_sweep(struct rd_service *svc, int limit, size_t *fired,
                 struct rd_error *err)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_due_step *due = NULL;
  struct rd_user *users = NULL;
  size_t n_due = 0, n_users = 0;
  int64_t now = rd_service_now(svc);
  enum rd_status rc;

  *fired = 0;
  if ((rc = rd_store_steps_due(svc->store, now, limit, a, &due, &n_due, err)) ||
      n_due == 0 ||
      (rc = rd_store_user_list(svc->store, a, &users, &n_users, err)))
    goto out;
  struct firing *f = rd_arena_alloc(a, n_due * sizeof *f);
  for (size_t i = 0; i < n_due; i++) {
    const struct rd_due_step *d = &due[i];
    f[i].due = d;
    if ((rc = rd_store_complaint_get(svc->store, d->run.complaint_id, a, &f[i].c, err)))
      goto out;
    f[i].n_users = recipients(d, &f[i].c, users, n_users, f[i].users);
    f[i].kind = d->step.on == RD_STEP_WARN ? "clock.warning" : "clock.breach";
    f[i].data_json = details(svc, d, &f[i].c, f[i].users, f[i].n_users, a);
  }
  struct fire_ctx x = { .f = f, .n = n_due, .now = now };
  if ((rc = rd_store_write(svc->store, fire_tx, &x, err)))
    goto out;
  *fired = x.fired;
out:
  rd_arena_free(a);
  return rc;
}

/* ---- out-of-hours intake ---------------------------------------------------------- */

enum rd_status
rd_svc_after_hours_alert(struct rd_tx *tx, const struct rd_sla_snapshot *s,
                         const struct rd_complaint *c, int previous_severity,
                         int64_t at, const struct rd_user *users, size_t n_users,
                         struct rd_arena *a, struct rd_error *err)
{
  const struct rd_calendar *cal;
  int64_t to[RECIPIENTS_MAX];
  size_t n;
  struct rd_buf b = {0};
  const char *data;
  enum rd_status rc;

  if (c->severity < RD_SEVERITY_MAJOR || previous_severity >= RD_SEVERITY_MAJOR)
    return RD_OK;
  cal = rd_sla_calendar_for(s, c);
  if (cal == NULL || rd_calendar_is_working(cal, at))
    return RD_OK; /* in working time the clocks and the people are there */
  n = users_with(users, n_users, RD_ROLE_APPROVER, 0, to, 0, RECIPIENTS_MAX);
  rd_buf_puts(&b, "{\"number\":");
  rd_buf_json_string(&b, c->number);
  rd_buf_printf(&b, ",\"severity\":%d,\"notified\":[", c->severity);
  for (size_t i = 0; i < n; i++)
    rd_buf_printf(&b, "%s%lld", i ? "," : "", (long long)to[i]);
  rd_buf_puts(&b, "]}");
  data = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  for (size_t i = 0; i < n; i++) {
    struct rd_notification note = {
      .user_id = to[i], .complaint_id = c->id, .kind = "complaint.after_hours",
      .data_json = data, .created_at = at,
    };
    if ((rc = rd_tx_notification_add(tx, &note, err)))
      return rc;
  }
  struct rd_event ev = {
    .complaint_id = c->id, .at = at, .type = "complaint.after_hours",
    .from_status = (int)c->status, .to_status = (int)c->status, .data_json = data,
  };
  return rd_tx_event_append(tx, &ev, err);
}

/* ---- reading notifications ---------------------------------------------------------- */

enum rd_status
rd_service_notifications(struct rd_service *svc, const struct rd_principal *who,
                         bool unread_only, int64_t before_id, int limit,
                         struct rd_arena *a, struct rd_notification **out,
                         size_t *n, struct rd_error *err)
{
  if (who->user_id == 0)
    return rd_error_set(err, RD_E_FORBIDDEN, "", "notifications belong to users");
  if (limit <= 0)
    limit = 50;
  if (limit > 500)
    limit = 500;
  return rd_store_notifications_of(svc->store, who->user_id, unread_only,
                                   before_id, limit, a, out, n, err);
}

struct read_ctx {
  int64_t user_id, id, now;
};

static enum rd_status
read_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct read_ctx *x = arg;
  return rd_tx_notification_read(tx, x->user_id, x->id, x->now, err);
}

enum rd_status
rd_service_notification_read(struct rd_service *svc,
                             const struct rd_principal *who, int64_t id,
                             struct rd_error *err)
{
  struct read_ctx x = { who->user_id, id, rd_service_now(svc) };
  if (who->user_id == 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such notification");
  return rd_store_write(svc->store, read_tx, &x, err);
}
