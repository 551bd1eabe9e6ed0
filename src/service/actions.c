/* service/actions.c - applying a workflow action to a complaint.
 *
 * The core decides what an action may do (core/workflow.c); this file adds
 * what needs the store: department scope, the version check, the referenced
 * department, assignee, category and merge target, the approval rule of
 * the matching SLA policy, and the clocks the step starts and stops. The
 * change, its timeline event and its clock runs are written in one
 * transaction; any refusal returns before anything is written.
 */
#include "service/service_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "util/arena.h"

/* The action's human text for the timeline note, by kind; 0 = none (the
 * offset of `kind`, never a string, serves as the marker). */
static const size_t note_field[RD_ACT_COUNT] = {
  [RD_ACT_TRIAGE]       = offsetof(struct rd_action, reason),
  [RD_ACT_EXPLAIN]      = offsetof(struct rd_action, note),
  [RD_ACT_ASSIGN]       = offsetof(struct rd_action, note),
  [RD_ACT_CONTACT]      = offsetof(struct rd_action, note),
  [RD_ACT_PROGRESS]     = offsetof(struct rd_action, note),
  [RD_ACT_PROPOSE_PLAN] = offsetof(struct rd_action, description),
  [RD_ACT_APPROVE]      = offsetof(struct rd_action, note),
  [RD_ACT_REJECT]       = offsetof(struct rd_action, reason),
  [RD_ACT_RESOLVE]      = offsetof(struct rd_action, result),
  [RD_ACT_FOLLOW_UP]    = offsetof(struct rd_action, comment),
  [RD_ACT_CLOSE]        = offsetof(struct rd_action, reason),
  [RD_ACT_WITHDRAW]     = offsetof(struct rd_action, reason),
  [RD_ACT_MERGE]        = offsetof(struct rd_action, reason),
  [RD_ACT_RESUME]       = offsetof(struct rd_action, note),
};

static const char *
note_of(const struct rd_action *act)
{
  if ((unsigned)act->kind >= RD_ACT_COUNT || note_field[act->kind] == 0)
    return NULL;
  const char *text = *(const char *const *)((const char *)act + note_field[act->kind]);
  return text && *text ? text : NULL;
}

struct act_ctx {
  int64_t id;
  const struct rd_principal *who;
  const struct rd_action *act;
  int expected_version;
  const char *body_json;
  rd_svc_tx_hook guard;               /* NULL = none */
  void *guard_ctx;
  const struct rd_sla_snapshot *sla;  /* policies (approval, clocks), calendars */
  const struct rd_user *users;        /* for an after-hours alert; NULL if none */
  size_t n_users;
  int64_t now;
  struct rd_arena *a;
  /* A reference the action names that failed its check before the write;
   * raised only after the core accepted the action, so that role and state
   * errors come first (the order of SPEC §2). */
  enum rd_status ref_rc;
  struct rd_error ref_err;
  struct rd_complaint c;       /* the record as written */
};

/* The merge target named by act->into, visible to who, not itself, and not
 * already withdrawn or merged. Sets *into_id. */
static enum rd_status
resolve_into(struct rd_tx *tx, const struct act_ctx *x, int64_t *into_id,
             struct rd_error *err)
{
  struct rd_complaint target;
  struct rd_error e = {0};
  const char *into = x->act->into;
  enum rd_status rc;

  if (!(x->act->fields & RD_F_INTO) || !into || !*into)
    return rd_error_set(err, RD_E_INVALID, "into", "into is required");
  if (rd_svc_all_digits(into))
    rc = rd_tx_complaint_get(tx, strtoll(into, NULL, 10), x->a, &target, &e);
  else
    rc = rd_tx_complaint_get_by_number(tx, into, x->a, &target, &e);
  if (rc == RD_E_NOT_FOUND || (rc == RD_OK && !rd_svc_can_see(x->who, &target)))
    return rd_error_set(err, RD_E_INVALID, "into", "there is no complaint %.64s", into);
  if (rc != RD_OK) {
    *err = e;
    return rc;
  }
  if (target.id == x->c.id)
    return rd_error_set(err, RD_E_INVALID, "into", "a complaint cannot be merged into itself");
  if (target.status == RD_STATE_WITHDRAWN || target.status == RD_STATE_MERGED)
    return rd_error_set(err, RD_E_INVALID, "into", "%s is %s; merge into the complaint it went to",
                        target.number, rd_state_name(target.status));
  *into_id = target.id;
  return RD_OK;
}

static enum rd_status
act_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct act_ctx *x = arg;
  struct rd_complaint *c = &x->c;
  struct rd_action act = *x->act;
  struct rd_transition t;
  enum rd_status rc;

  if ((rc = rd_tx_complaint_get(tx, x->id, x->a, c, err)))
    return rc;
  if (!rd_svc_can_see(x->who, c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if (x->expected_version && c->version != x->expected_version)
    return rd_error_set(err, RD_E_CONFLICT, "version",
                        "the complaint changed (version %d, not %d); reload it",
                        c->version, x->expected_version);
  if (x->guard && (rc = x->guard(tx, x->guard_ctx, c, err)))
    return rc;

  if (act.kind == RD_ACT_MERGE && (rc = resolve_into(tx, x, &act.into_id, err))) {
    /* Report role and state errors before the target's: try the action on
     * a scratch copy with a stand-in target. */
    struct rd_complaint scratch = *c;
    struct rd_action probe = act;
    struct rd_error probe_err = {0};
    probe.fields |= RD_F_INTO;
    probe.into_id = INT64_MAX;
    enum rd_status prc = rd_workflow_apply(&scratch, &probe, x->who->role,
                                           &RD_APPROVAL_DEFAULT, x->now, NULL,
                                           &probe_err);
    if (prc != RD_OK && prc != RD_E_INVALID) {
      *err = probe_err;
      return prc;
    }
    return rc;
  }

  const struct rd_approval_rule *rule =
      rd_policy_approval(x->sla->policies, x->sla->n_policies, c);
  int from = (int)c->status, severity_before = c->severity;
  if ((rc = rd_workflow_apply(c, &act, x->who->role, rule, x->now, &t, err)))
    return rc;
  if (x->ref_rc) {
    *err = x->ref_err;
    return x->ref_rc;
  }
  if ((rc = rd_tx_complaint_update(tx, c, x->now, err)))
    return rc;

  struct rd_event ev = {
    .complaint_id = c->id,
    .at = x->now,
    .actor_id = x->who->user_id,
    .type = rd_action_name(act.kind),
    .from_status = from,
    .to_status = (int)c->status,
    .note = note_of(&act),
    .data_json = x->body_json && *x->body_json ? x->body_json : NULL,
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;

  struct rd_clock_event cev = {
    .from = from, .to = c->status, .action = (int)act.kind, .at = x->now,
    .department_id = c->department_id, .waiting = c->waiting_since != 0,
  };
  if ((rc = rd_svc_clocks_step(tx, x->sla, c, &cev, 0, false, x->a, err)) ||
      (rc = rd_svc_after_hours_alert(tx, x->sla, c, severity_before, x->now,
                                     x->users, x->n_users, x->a, err)))
    return rc;
  const char *detail = rd_arena_sprintf(x->a, "{\"from\":\"%s\",\"to\":\"%s\"}",
                                        rd_state_name((enum rd_state)from),
                                        rd_state_name(c->status));
  return rd_svc_audit(tx, x->who, x->now,
                      rd_arena_sprintf(x->a, "complaint.action.%s",
                                       rd_action_name(act.kind)),
                      "complaint", c->id, detail, err);
}

/* Checks, before the write, the department and assignee a triage or assign
 * names: the department exists and is active, the assignee is an active
 * user of it. Failures are kept in x->ref_rc for act_tx to raise in order. */
static enum rd_status
check_references(struct rd_service *svc, struct act_ctx *x)
{
  const struct rd_action *act = x->act;
  struct rd_error *e = &x->ref_err;
  struct rd_department d;
  struct rd_user u;
  enum rd_status rc;

  bool routes = act->kind == RD_ACT_ASSIGN || (act->kind == RD_ACT_TRIAGE && act->valid);
  if (!routes)
    return RD_OK;
  if (act->kind == RD_ACT_TRIAGE && (act->fields & RD_F_CATEGORY) && act->category_id > 0 &&
      (rc = rd_svc_check_category(svc, "category_id", act->category_id, x->a, e)))
    return rc;
  if ((act->fields & RD_F_DEPARTMENT) && act->department_id > 0) {
    rc = rd_store_department_get(svc->store, act->department_id, x->a, &d, e);
    if (rc == RD_E_NOT_FOUND)
      return rd_error_set(e, RD_E_INVALID, "department_id", "there is no department %lld",
                          (long long)act->department_id);
    if (rc)
      return rc;
    if (!d.active)
      return rd_error_set(e, RD_E_INVALID, "department_id", "department %s is inactive",
                          d.code);
  }
  if ((act->fields & RD_F_ASSIGNEE) && act->assignee_id > 0) {
    rc = rd_store_user_get(svc->store, act->assignee_id, x->a, &u, e);
    if (rc == RD_E_NOT_FOUND)
      return rd_error_set(e, RD_E_INVALID, "assignee_id", "there is no user %lld",
                          (long long)act->assignee_id);
    if (rc)
      return rc;
    if (!u.active)
      return rd_error_set(e, RD_E_INVALID, "assignee_id", "user %s is inactive", u.username);
    if (u.department_id != act->department_id)
      return rd_error_set(e, RD_E_INVALID, "assignee_id",
                          "user %s does not belong to department %lld", u.username,
                          (long long)act->department_id);
  }
  return RD_OK;
}

enum rd_status
rd_service_complaint_act(struct rd_service *svc, const struct rd_principal *who,
                         int64_t id, struct rd_action *act, int expected_version,
                         const char *body_json, struct rd_arena *a,
                         struct rd_complaint_view *out, struct rd_error *err)
{
  return rd_svc_complaint_act_with(svc, who, id, act, expected_version, body_json,
                                   NULL, NULL, a, out, err);
}

enum rd_status
rd_svc_complaint_act_with(struct rd_service *svc, const struct rd_principal *who,
                          int64_t id, struct rd_action *act, int expected_version,
                          const char *body_json, rd_svc_tx_hook guard,
                          void *guard_ctx, struct rd_arena *a,
                          struct rd_complaint_view *out, struct rd_error *err)
{
  enum rd_status rc;
  struct act_ctx x = {
    .id = id, .who = who, .act = act, .expected_version = expected_version,
    .body_json = body_json, .guard = guard, .guard_ctx = guard_ctx,
    .now = rd_service_now(svc), .a = a,
  };

  if ((rc = rd_svc_require_writer(who, err)))
    return rc;
  if (id <= 0)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if ((unsigned)act->kind >= RD_ACT_COUNT)
    return rd_error_set(err, RD_E_NOT_FOUND, "action", "unknown action");
  x.ref_rc = check_references(svc, &x);
  if (x.ref_rc != RD_OK && x.ref_rc != RD_E_INVALID) {
    *err = x.ref_err;
    return x.ref_rc;  /* the store failed: no point going on */
  }
  /* A triage that makes it major may need to wake the general manager. */
  if ((act->fields & RD_F_SEVERITY) && act->severity >= RD_SEVERITY_MAJOR) {
    struct rd_user *users = NULL;
    if ((rc = rd_store_user_list(svc->store, a, &users, &x.n_users, err)))
      return rc;
    x.users = users;
  }
  struct rd_sla_snapshot *sla;
  if ((rc = rd_svc_sla_acquire(svc, &sla, err)))
    return rc;
  x.sla = sla;
  rc = rd_store_write(svc->store, act_tx, &x, err);
  rd_svc_sla_release(svc, sla);
  if (rc)
    return rc;
  /* The merge target resolved inside the transaction is the caller's too. */
  if (act->kind == RD_ACT_MERGE)
    act->into_id = x.c.merged_into;
  rd_svc_view(who, &x.c, a, out);
  return rd_svc_views_clocks(svc, out, 1, a, err);
}
