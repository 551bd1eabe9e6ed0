/* service/extensions.c - deadline extensions (延期): a handler asks for a
 * clock's target to become longer, with a reason; an approver grants it,
 * moving the deadline (and the warning and escalation steps with it), or
 * refuses it. Each step is on the complaint's timeline. The bank rule of
 * the seeds: decide within 15 days, extendable to 30, then 60.
 */
#include "service/service_int.h"

#include <string.h>

#include "core/validate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/time.h"

/* The definition run r was started from: its policy's clock of that name,
 * else (the policy changed) the clock of that name in the policy that now
 * applies to c. */
static const struct rd_clock_def *
def_of(const struct rd_sla_snapshot *s, const struct rd_clock *r,
       const struct rd_complaint *c)
{
  const struct rd_sla_policy *now = rd_policy_select(s->policies, s->n_policies, c);
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < s->n_policies; i++) {
      if (pass == 0 ? s->policies[i].id != r->policy_id : &s->policies[i] != now)
        continue;
      for (size_t k = 0; k < s->n_defs[i]; k++)
        if (strcmp(s->defs[i][k].name, r->name) == 0)
          return &s->defs[i][k];
    }
  return NULL;
}

static const char *
event_data(const struct rd_clock_extension *x, const char *tz, struct rd_arena *a)
{
  struct rd_buf b = {0};
  char t[RD_TIME_TEXT_MAX];
  const char *text;
  rd_buf_puts(&b, "{\"extension_id\":");
  rd_buf_printf(&b, "%lld,\"clock\":", (long long)x->id);
  rd_buf_json_string(&b, x->clock_name);
  rd_buf_printf(&b, ",\"run\":%d,\"target\":", x->run);
  rd_buf_json_string(&b, x->target);
  rd_buf_puts(&b, ",\"due_before\":");
  rd_buf_json_string(&b, rd_time_format(x->due_before, tz, t));
  if (x->due_after) {
    rd_buf_puts(&b, ",\"due_after\":");
    rd_buf_json_string(&b, rd_time_format(x->due_after, tz, t));
  }
  rd_buf_putc(&b, '}');
  text = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return text;
}

/* The audit row's detail: which request, on which clock. */
static const char *
audit_detail(const struct rd_clock_extension *x, struct rd_arena *a)
{
  struct rd_buf b = {0};
  rd_buf_printf(&b, "{\"extension_id\":%lld,\"clock\":", (long long)x->id);
  rd_buf_json_string(&b, x->clock_name);
  rd_buf_putc(&b, '}');
  const char *text = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return text;
}

struct ext_ctx {
  struct rd_service *svc;
  const struct rd_principal *who;
  const struct rd_sla_snapshot *sla;
  int64_t complaint_id, extension_id, now;
  const char *clock_name;
  struct rd_target target;
  const char *target_text, *text; /* reason, or the decision's note */
  bool grant;
  struct rd_arena *a;
  struct rd_clock_extension x;     /* the record as written */
};

/* The complaint, visible to who, and its open run of clock name. */
static enum rd_status
load_run(struct rd_tx *tx, struct ext_ctx *e, const char *name,
         struct rd_complaint *c, struct rd_clock *run, struct rd_error *err)
{
  struct rd_clock *runs = NULL;
  size_t n = 0;
  enum rd_status rc;
  bool found = false;

  if ((rc = rd_tx_complaint_get(tx, e->complaint_id, e->a, c, err)))
    return rc;
  if (!rd_svc_can_see(e->who, c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if ((rc = rd_tx_clocks_of(tx, c->id, e->a, &runs, &n, err)))
    return rc;
  for (size_t i = 0; i < n; i++)
    if (strcmp(runs[i].name, name) == 0 && (!found || runs[i].run > run->run)) {
      *run = runs[i];
      found = true;
    }
  if (!found)
    return rd_error_set(err, RD_E_NOT_FOUND, "clock", "the complaint has no clock %.32s",
                        name);
  return RD_OK;
}

/* The run with its new deadline and steps, or why it cannot have one. */
static enum rd_status
extended(const struct ext_ctx *e, const struct rd_complaint *c,
         const struct rd_clock *run, const struct rd_target *target,
         struct rd_clock *out, struct rd_clock_step *steps, size_t *n_steps,
         struct rd_error *err)
{
  const struct rd_clock_def *d = def_of(e->sla, run, c);
  if (d == NULL)
    return rd_error_set(err, RD_E_INVALID, "clock",
                        "clock %s is no longer in any SLA policy", run->name);
  return rd_clock_extend(d, run, rd_sla_calendar(e->sla, run->calendar_id), target,
                         out, steps, n_steps, err);
}

static enum rd_status
request_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct ext_ctx *e = arg;
  struct rd_complaint c;
  struct rd_clock run, later;
  struct rd_clock_step steps[RD_CLOCK_STEPS_MAX];
  size_t n_steps;
  enum rd_status rc;

  if ((rc = load_run(tx, e, e->clock_name, &c, &run, err)) ||
      /* checked now, so that the approver decides on a possible request */
      (rc = extended(e, &c, &run, &e->target, &later, steps, &n_steps, err)))
    return rc;
  e->x = (struct rd_clock_extension){
    .complaint_id = c.id, .clock_id = run.id, .clock_name = run.name,
    .run = run.run, .target = e->target_text, .reason = e->text,
    .state = RD_EXT_REQUESTED, .requested_by = e->who->user_id,
    .requested_at = e->now, .due_before = run.due_at,
  };
  if ((rc = rd_tx_extension_add(tx, &e->x, err)))
    return rc;
  struct rd_event ev = {
    .complaint_id = c.id, .at = e->now, .actor_id = e->who->user_id,
    .type = "clock.extension_requested", .from_status = (int)c.status,
    .to_status = (int)c.status, .note = e->text,
    .data_json = event_data(&e->x, e->svc->timezone, e->a),
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;
  return rd_svc_audit(tx, e->who, e->now, "extension.request", "complaint", c.id,
                      audit_detail(&e->x, e->a), err);
}

static enum rd_status
decide_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct ext_ctx *e = arg;
  struct rd_complaint c;
  struct rd_clock run, later;
  struct rd_clock_step steps[RD_CLOCK_STEPS_MAX];
  struct rd_target target;
  size_t n_steps = 0;
  enum rd_status rc;

  if ((rc = rd_tx_extension_get(tx, e->complaint_id, e->extension_id, e->a, &e->x, err)))
    return rc;
  if (e->x.state != RD_EXT_REQUESTED)
    return rd_error_set(err, RD_E_CONFLICT, "", "the extension was %s already",
                        rd_extension_state_name(e->x.state));
  if ((rc = load_run(tx, e, e->x.clock_name, &c, &run, err)))
    return rc;
  if (run.id != e->x.clock_id)
    return rd_error_set(err, RD_E_CONFLICT, "", "the clock has run again since");
  e->x.decided_by = e->who->user_id;
  e->x.decided_at = e->now;
  e->x.note = e->text;
  e->x.state = e->grant ? RD_EXT_GRANTED : RD_EXT_REFUSED;
  if (e->grant) {
    if ((rc = rd_target_parse(e->x.target, &target, "target", err)) ||
        (rc = extended(e, &c, &run, &target, &later, steps, &n_steps, err)) ||
        (rc = rd_tx_clock_update(tx, &later, err)))
      return rc;
    /* Paused, its steps wait for the resumption to re-arm them. */
    if (later.state == RD_CLOCK_RUNNING &&
        (rc = rd_tx_clock_steps_add(tx, later.id, steps, n_steps, err)))
      return rc;
    e->x.due_after = later.due_at;
  }
  if ((rc = rd_tx_extension_decide(tx, &e->x, err)))
    return rc;
  struct rd_event ev = {
    .complaint_id = c.id, .at = e->now, .actor_id = e->who->user_id,
    .type = e->grant ? "clock.extended" : "clock.extension_refused",
    .from_status = (int)c.status, .to_status = (int)c.status, .note = e->text,
    .data_json = event_data(&e->x, e->svc->timezone, e->a),
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;
  return rd_svc_audit(tx, e->who, e->now,
                      e->grant ? "extension.grant" : "extension.refuse",
                      "complaint", c.id, audit_detail(&e->x, e->a), err);
}

static enum rd_status
run_with_snapshot(struct rd_service *svc, rd_store_write_fn fn, struct ext_ctx *e,
                  struct rd_error *err)
{
  struct rd_sla_snapshot *sla;
  enum rd_status rc;
  if ((rc = rd_svc_sla_acquire(svc, &sla, err)))
    return rc;
  e->sla = sla;
  rc = rd_store_write(svc->store, fn, e, err);
  rd_svc_sla_release(svc, sla);
  return rc;
}

enum rd_status
rd_service_extension_request(struct rd_service *svc, const struct rd_principal *who,
                             int64_t complaint_id, const char *clock,
                             const char *target, const char *reason,
                             struct rd_arena *a, struct rd_clock_extension *out,
                             struct rd_error *err)
{
  struct ext_ctx e = {.svc = svc, .who = who, .complaint_id = complaint_id,
                      .clock_name = clock, .target_text = target, .text = reason,
                      .now = rd_service_now(svc), .a = a};
  enum rd_status rc;

  if ((rc = rd_svc_require_writer(who, err)))
    return rc;
  if (who->user_id != 0 && who->role != RD_ROLE_HANDLER &&
      who->role != RD_ROLE_MANAGER && who->role != RD_ROLE_AGENT)
    return rd_error_set(err, RD_E_FORBIDDEN, "",
                        "extensions are asked for by the department or customer service");
  if (complaint_id <= 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if ((rc = rd_target_parse(target, &e.target, "target", err)) ||
      (rc = rd_validate_text("reason", reason, RD_MAX_TEXT, true, err)) ||
      (rc = run_with_snapshot(svc, request_tx, &e, err)))
    return rc;
  *out = e.x;
  return RD_OK;
}

enum rd_status
rd_service_extension_decide(struct rd_service *svc, const struct rd_principal *who,
                            int64_t complaint_id, int64_t extension_id, bool grant,
                            const char *note, struct rd_arena *a,
                            struct rd_clock_extension *out, struct rd_error *err)
{
  struct ext_ctx e = {.svc = svc, .who = who, .complaint_id = complaint_id,
                      .extension_id = extension_id, .grant = grant, .text = note,
                      .now = rd_service_now(svc), .a = a};
  enum rd_status rc;

  if (who->user_id != 0 && who->role != RD_ROLE_APPROVER)
    return rd_error_set(err, RD_E_FORBIDDEN, "",
                        "an approver grants or refuses extensions");
  if (!grant && (rc = rd_validate_text("reason", note, RD_MAX_TEXT, true, err)))
    return rc;
  if (grant && note && (rc = rd_validate_text("note", note, RD_MAX_TEXT, false, err)))
    return rc;
  if (complaint_id <= 0 || extension_id <= 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such extension");
  if ((rc = run_with_snapshot(svc, decide_tx, &e, err)))
    return rc;
  *out = e.x;
  return RD_OK;
}

enum rd_status
rd_service_extensions(struct rd_service *svc, const struct rd_principal *who,
                      int64_t complaint_id, struct rd_arena *a,
                      struct rd_clock_extension **out, size_t *n,
                      struct rd_error *err)
{
  struct rd_complaint c;
  enum rd_status rc;
  if ((rc = rd_svc_load_visible_id(svc, who, complaint_id, a, &c, err)))
    return rc;
  return rd_store_extensions_of(svc->store, c.id, a, out, n, err);
}
