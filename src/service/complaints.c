/* service/complaints.c - registering complaints and moving them through the
 * workflow. Each use case reads, decides (in the core) and writes the change
 * with its timeline event in one store transaction; a refusal writes nothing.
 */
#include "service/service_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "core/workflow.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/time.h"

/* ---- register --------------------------------------------------------------- */

struct register_ctx {
  const struct rd_principal *who;
  struct rd_complaint c;
  const char *day_prefix;   /* "TS20261120" */
  const char *idem_key;
  const char *body_sha256;
  struct rd_arena *a;
  bool replayed;
};

static enum rd_status
do_register(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct register_ctx *r = vctx;
  struct rd_complaint *c = &r->c;
  enum rd_status rc;
  const char *body_sha = r->body_sha256 ? r->body_sha256 : "";

  if (r->idem_key) {
    struct rd_idempotency rec;
    bool found = false;
    if ((rc = rd_tx_idempotency_get(tx, r->who->user_id, r->idem_key, &rec, &found, err)))
      return rc;
    if (found) {
      if (strcmp(rec.body_sha256, body_sha) != 0)
        return rd_error_set(err, RD_E_DUPLICATE, "Idempotency-Key",
                            "this Idempotency-Key was already used with a different body");
      r->replayed = true;
      return rd_tx_complaint_get(tx, rec.complaint_id, r->a, c, err);
    }
  }
  if ((rc = rd_tx_customer_upsert(tx, &c->customer, c->registered_at, err)) ||
      (rc = rd_tx_next_number(tx, r->day_prefix, r->a, &c->number, err)) ||
      (rc = rd_tx_complaint_insert(tx, c, err)))
    return rc;

  struct rd_event ev = {
      .complaint_id = c->id,
      .at = c->registered_at,
      .actor_id = r->who->user_id,
      .type = RD_EVENT_REGISTERED,
      .from_status = -1,
      .to_status = RD_STATE_REGISTERED,
      .note = c->subject,
  };
  if ((rc = rd_tx_event_append(tx, &ev, err)))
    return rc;
  if (r->idem_key) {
    struct rd_idempotency rec = {.complaint_id = c->id, .created_at = c->registered_at};
    snprintf(rec.body_sha256, sizeof rec.body_sha256, "%s", body_sha);
    if ((rc = rd_tx_idempotency_put(tx, r->who->user_id, r->idem_key, &rec, err)))
      return rc;
  }
  return RD_OK;
}

/* A reference to configuration must name an existing, active record. */
static enum rd_status
check_refs(struct rd_service *svc, struct rd_arena *a, int64_t site_id,
           int64_t category_id, int64_t department_id, struct rd_error *err)
{
  struct rd_error e = {0};
  if (site_id) {
    struct rd_site s;
    if (rd_store_site_get(svc->store, site_id, a, &s, &e) != RD_OK || !s.active)
      return rd_error_set(err, RD_E_INVALID, "site_id", "no active site has id %lld",
                          (long long)site_id);
  }
  if (category_id) {
    struct rd_category cat;
    if (rd_store_category_get(svc->store, category_id, a, &cat, &e) != RD_OK || !cat.active)
      return rd_error_set(err, RD_E_INVALID, "category_id",
                          "no active category has id %lld", (long long)category_id);
  }
  if (department_id) {
    struct rd_department d;
    if (rd_store_department_get(svc->store, department_id, a, &d, &e) != RD_OK || !d.active)
      return rd_error_set(err, RD_E_INVALID, "department_id",
                          "no active department has id %lld", (long long)department_id);
  }
  return RD_OK;
}

enum rd_status
rd_service_complaint_register(struct rd_service *svc,
                              const struct rd_principal *who,
                              const struct rd_complaint *in,
                              const char *idem_key, const char *body_sha256,
                              struct rd_arena *a, struct rd_complaint_view *out,
                              bool *replayed, struct rd_error *err)
{
  enum rd_status rc;
  int64_t now = rd_service_now(svc);
  if ((rc = rd_svc_require_writer(who, err)))
    return rc;
  if (idem_key && (!*idem_key || strlen(idem_key) > 255))
    return rd_error_set(err, RD_E_INVALID, "Idempotency-Key",
                        "Idempotency-Key must be 1 to 255 characters");

  struct register_ctx r = {.who = who, .c = *in, .idem_key = idem_key,
                           .body_sha256 = body_sha256, .a = a};
  struct rd_complaint *c = &r.c;
  c->id = 0;
  c->status = RD_STATE_REGISTERED;
  c->registered_at = now;
  c->registered_by = who->user_id;
  if (!c->received_at)
    c->received_at = now;
  c->satisfied = -1;
  if ((rc = rd_validate_new_complaint(c, now, err)) ||
      (rc = check_refs(svc, a, c->site_id, c->category_id, 0, err)))
    return rc;

  struct rd_civil day;
  rd_time_civil(now, svc->timezone, &day);
  r.day_prefix = rd_arena_sprintf(a, "%s%04d%02d%02d", svc->number_prefix,
                                  day.year, day.month, day.day);
  if ((rc = rd_store_write(svc->store, do_register, &r, err)))
    return rc;
  if (replayed)
    *replayed = r.replayed;
  rd_svc_view(who, c, a, out);
  return RD_OK;
}

/* ---- reads ------------------------------------------------------------------ */

enum rd_status
rd_service_complaint_get(struct rd_service *svc, const struct rd_principal *who,
                         const char *id_or_number, struct rd_arena *a,
                         struct rd_complaint_view *out, struct rd_error *err)
{
  struct rd_complaint c;
  enum rd_status rc = rd_svc_load_visible(svc, who, id_or_number, a, &c, err);
  if (rc == RD_OK)
    rd_svc_view(who, &c, a, out);
  return rc;
}

enum rd_status
rd_service_complaint_list(struct rd_service *svc, const struct rd_principal *who,
                          const struct rd_complaint_filter *f, struct rd_arena *a,
                          struct rd_complaint_view **items, size_t *n,
                          const char **next_cursor, struct rd_error *err)
{
  struct rd_complaint_filter scoped = *f;
  struct rd_complaint_page page;
  if (scoped.limit <= 0)
    scoped.limit = 50;
  if (scoped.limit > 500)
    scoped.limit = 500;
  if (!scoped.now)
    scoped.now = rd_service_now(svc);
  if (rd_role_is_departmental(who->role))
    /* -1 matches no department: a departmental user without one sees nothing. */
    scoped.scope_department_id = who->department_id ? who->department_id : -1;
  enum rd_status rc = rd_store_complaint_list(svc->store, &scoped, a, &page, err);
  if (rc)
    return rc;
  *items = rd_arena_alloc(a, (page.n ? page.n : 1) * sizeof **items);
  for (size_t i = 0; i < page.n; i++)
    rd_svc_view(who, &page.items[i], a, &(*items)[i]);
  *n = page.n;
  *next_cursor = page.next_cursor;
  return RD_OK;
}

enum rd_status
rd_service_event_list(struct rd_service *svc, const struct rd_principal *who,
                      int64_t id, struct rd_arena *a, struct rd_event **out,
                      size_t *n, struct rd_error *err)
{
  struct rd_complaint c;
  char key[24];
  snprintf(key, sizeof key, "%lld", (long long)id);
  enum rd_status rc = rd_svc_load_visible(svc, who, key, a, &c, err);
  if (rc)
    return rc;
  return rd_store_event_list(svc->store, id, a, out, n, err);
}

enum rd_status
rd_service_customer_lookup(struct rd_service *svc, const struct rd_principal *who,
                           const char *phone, struct rd_arena *a,
                           struct rd_customer *out,
                           struct rd_complaint_view **complaints, size_t *n,
                           struct rd_error *err)
{
  enum rd_status rc;
  if (!phone || !*phone)
    return rd_error_set(err, RD_E_INVALID, "phone", "phone is required");
  if ((rc = rd_validate_phone("phone", phone, err)))
    return rc;
  if ((rc = rd_store_customer_by_phone(svc->store, phone, a, out, err)))
    return rc;
  struct rd_complaint_filter f = {.customer_id = out->id, .limit = 50,
                                  .sort = RD_SORT_RECEIVED_DESC};
  const char *next;
  if ((rc = rd_service_complaint_list(svc, who, &f, a, complaints, n, &next, err)))
    return rc;
  if (!rd_role_sees_pii(who->role) && *n > 0)
    *out = (*complaints)[0].c.customer;
  else if (!rd_role_sees_pii(who->role))
    out->phone = "****", out->email = NULL, out->refs_json = NULL;
  return RD_OK;
}

/* ---- actions ------------------------------------------------------------------ */

struct act_ctx {
  struct rd_service *svc;
  const struct rd_principal *who;
  int64_t id;
  struct rd_action *act;
  int expected_version;
  const char *body_json;
  const struct rd_sla_policy *policies;
  size_t n_policies;
  struct rd_arena *a;
  int64_t now;
  struct rd_complaint c;
};

/* The main human text of an action, for the timeline's note. */
static const char *
action_note(const struct rd_action *act)
{
  const char *candidates[] = {act->note, act->reason, act->result,
                              act->description, act->comment};
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    if (candidates[i] && *candidates[i])
      return candidates[i];
  return NULL;
}

/* The assignee must be an active user of the complaint's department. */
static enum rd_status
check_assignee(struct rd_service *svc, struct rd_arena *a, int64_t assignee_id,
               int64_t department_id, struct rd_error *err)
{
  struct rd_user u;
  struct rd_error e = {0};
  if (!assignee_id)
    return RD_OK;
  if (rd_store_user_get(svc->store, assignee_id, a, &u, &e) != RD_OK || !u.active)
    return rd_error_set(err, RD_E_INVALID, "assignee_id", "no active user has id %lld",
                        (long long)assignee_id);
  if (u.department_id != department_id)
    return rd_error_set(err, RD_E_INVALID, "assignee_id",
                        "the assignee does not belong to department %lld",
                        (long long)department_id);
  return RD_OK;
}

static bool
all_digits(const char *s)
{
  if (!s || !*s)
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

static enum rd_status
do_act(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct act_ctx *x = vctx;
  struct rd_complaint *c = &x->c;
  struct rd_action *act = x->act;
  enum rd_status rc;

  if ((rc = rd_tx_complaint_get(tx, x->id, x->a, c, err)))
    return rc;
  if (!rd_svc_can_see(x->who, c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  if (x->expected_version && c->version != x->expected_version)
    return rd_error_set(err, RD_E_CONFLICT, "version",
                        "the complaint changed (version %d, not %d); reload it",
                        c->version, x->expected_version);
  if (act->kind == RD_ACT_MERGE && (act->fields & RD_F_INTO)) {
    struct rd_complaint target;
    struct rd_error e = {0};
    enum rd_status found =
        all_digits(act->into)
            ? rd_tx_complaint_get(tx, strtoll(act->into, NULL, 10), x->a, &target, &e)
            : rd_tx_complaint_get_by_number(tx, act->into ? act->into : "", x->a, &target, &e);
    if (found != RD_OK || !rd_svc_can_see(x->who, &target))
      return rd_error_set(err, RD_E_INVALID, "into", "no complaint %s to merge into",
                          act->into ? act->into : "");
    act->into_id = target.id;
  }

  const struct rd_approval_rule *rule =
      rd_policy_approval(x->policies, x->n_policies, c);
  struct rd_transition t;
  enum rd_state before = c->status;
  if ((rc = rd_workflow_apply(c, act, x->who->role, rule, x->now, &t, err)))
    return rc;

  /* References are checked after the workflow so that a wrong role or state
   * is reported as such, not as a bad id. */
  if (act->kind == RD_ACT_TRIAGE && act->valid) {
    struct rd_category cat;
    struct rd_error e = {0};
    if (rd_tx_category_get(tx, act->category_id, x->a, &cat, &e) != RD_OK || !cat.active)
      return rd_error_set(err, RD_E_INVALID, "category_id",
                          "no active category has id %lld", (long long)act->category_id);
  }
  if ((act->kind == RD_ACT_TRIAGE && act->valid) || act->kind == RD_ACT_ASSIGN) {
    if ((rc = check_refs(x->svc, x->a, 0, 0, act->department_id, err)) ||
        (rc = check_assignee(x->svc, x->a, c->assignee_id, c->department_id, err)))
      return rc;
  }

  if ((rc = rd_tx_complaint_update(tx, c, x->now, err)))
    return rc;
  struct rd_event ev = {
      .complaint_id = c->id,
      .at = x->now,
      .actor_id = x->who->user_id,
      .type = rd_action_name(act->kind),
      .from_status = (int)before,
      .to_status = (int)t.to,
      .note = action_note(act),
      .data_json = x->body_json,
  };
  return rd_tx_event_append(tx, &ev, err);
}

enum rd_status
rd_service_complaint_act(struct rd_service *svc, const struct rd_principal *who,
                         int64_t id, struct rd_action *act, int expected_version,
                         const char *body_json, struct rd_arena *a,
                         struct rd_complaint_view *out, struct rd_error *err)
{
  enum rd_status rc;
  struct act_ctx x = {.svc = svc, .who = who, .id = id, .act = act,
                      .expected_version = expected_version,
                      .body_json = body_json, .a = a, .now = rd_service_now(svc)};
  struct rd_sla_policy *policies = NULL;
  /* Only a plan consults the approval rule; other actions skip the read. */
  if (act->kind == RD_ACT_PROPOSE_PLAN) {
    if ((rc = rd_store_policy_list(svc->store, a, &policies, &x.n_policies, err)))
      return rc;
    x.policies = policies;
  }
  if ((rc = rd_store_write(svc->store, do_act, &x, err)))
    return rc;
  rd_svc_view(who, &x.c, a, out);
  return RD_OK;
}

/* ---- notes -------------------------------------------------------------------- */

struct note_ctx {
  const struct rd_principal *who;
  int64_t id;
  struct rd_arena *a;
  struct rd_event ev;
};

static enum rd_status
do_note(struct rd_tx *tx, void *vctx, struct rd_error *err)
{
  struct note_ctx *n = vctx;
  struct rd_complaint c;
  enum rd_status rc = rd_tx_complaint_get(tx, n->id, n->a, &c, err);
  if (rc)
    return rc;
  if (!rd_svc_can_see(n->who, &c))
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  n->ev.from_status = n->ev.to_status = (int)c.status;
  return rd_tx_event_append(tx, &n->ev, err);
}

enum rd_status
rd_service_note_add(struct rd_service *svc, const struct rd_principal *who,
                    int64_t id, const char *note, struct rd_arena *a,
                    struct rd_event *out, struct rd_error *err)
{
  enum rd_status rc;
  if ((rc = rd_svc_require_writer(who, err)) ||
      (rc = rd_validate_text("note", note, RD_MAX_TEXT, true, err)))
    return rc;
  struct note_ctx n = {.who = who, .id = id, .a = a};
  n.ev = (struct rd_event){.complaint_id = id, .at = rd_service_now(svc),
                           .actor_id = who->user_id, .type = RD_EVENT_NOTE,
                           .note = note, .actor_name = who->display_name};
  if ((rc = rd_store_write(svc->store, do_note, &n, err)))
    return rc;
  *out = n.ev;
  return RD_OK;
}
