/* service/sla.c - the SLA configuration snapshot and running a complaint's
 * clocks through a workflow step (see sla.h). */
#include "service/sla.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service_int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/time.h"

static const struct rd_calendar *calendar_for(const struct rd_sla_snapshot *s,
                                              const struct rd_sla_policy *p,
                                              const struct rd_complaint *c);

/* How old a snapshot may get before it is read again, for changes made by
 * another server process on the same database. */
enum { SNAPSHOT_TTL_MS = 2000 };

/* ---- parsing a policy's clocks -------------------------------------------------- */

/* What parse_clock and parse_steps read, for the HTTP layer's key check
 * (service.h): a key added to one of them belongs here too. */
const char *const rd_policy_clock_keys[] = {
  "name", "start", "stop", "restart_on", "pause_in", "target", "opens_after",
  "warn_at", "escalate", NULL,
};
const char *const rd_policy_step_keys[] = { "on", "notify", "after", "anytime", NULL };

/* A string or a list of strings, each a state or an action. */
static enum rd_status
parse_events(json_t *v, const char *field, bool required, rd_event_mask *out,
             struct rd_error *err)
{
  size_t i;
  json_t *e;

  *out = 0;
  if (v == NULL || json_is_null(v)) {
    if (required)
      return rd_error_set(err, RD_E_INVALID, field, "%s is required", field);
    return RD_OK;
  }
  if (json_is_string(v)) {
    if ((*out = rd_event_parse(json_string_value(v))) == 0)
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s: \"%.40s\" is neither a state nor an action", field,
                          json_string_value(v));
    return RD_OK;
  }
  if (!json_is_array(v) || json_array_size(v) == 0)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a state or action name, or a list of them", field);
  json_array_foreach(v, i, e) {
    rd_event_mask m = json_is_string(e) ? rd_event_parse(json_string_value(e)) : 0;
    if (m == 0)
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s item %zu is neither a state nor an action", field, i + 1);
    *out |= m;
  }
  return RD_OK;
}

/* "escalate": [{"on": "warn"|"breach", "after": "2h", "notify":
 * "assignee"|"department_manager"|"general_manager", "anytime": false}] */
static enum rd_status
parse_steps(json_t *v, const char *prefix, struct rd_clock_def *d,
            struct rd_error *err)
{
  char field[128];
  json_t *o, *x;
  size_t i;
  enum rd_status rc;

  snprintf(field, sizeof field, "%s.escalate", prefix);
  if (!json_is_array(v) || json_array_size(v) > RD_CLOCK_STEPS_MAX)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a list of at most %d steps", field,
                        RD_CLOCK_STEPS_MAX);
  json_array_foreach(v, i, o) {
    struct rd_escalation_step *st = &d->steps[i];
    const char *on;
    memset(st, 0, sizeof *st);
    snprintf(field, sizeof field, "%s.escalate[%zu]", prefix, i);
    if (!json_is_object(o))
      return rd_error_set(err, RD_E_INVALID, field, "%s must be an object", field);
    snprintf(field, sizeof field, "%s.escalate[%zu].on", prefix, i);
    x = json_object_get(o, "on");
    on = json_is_string(x) ? json_string_value(x) : "";
    if (strcmp(on, "warn") == 0)
      st->on = RD_STEP_WARN;
    else if (strcmp(on, "breach") == 0)
      st->on = RD_STEP_BREACH;
    else
      return rd_error_set(err, RD_E_INVALID, field, "%s must be warn or breach", field);
    snprintf(field, sizeof field, "%s.escalate[%zu].notify", prefix, i);
    x = json_object_get(o, "notify");
    if (!json_is_string(x) || !rd_notify_parse(json_string_value(x), &st->notify))
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s must be assignee, department_manager or general_manager",
                          field);
    if ((x = json_object_get(o, "after")) && !json_is_null(x)) {
      snprintf(field, sizeof field, "%s.escalate[%zu].after", prefix, i);
      if ((rc = rd_target_parse(json_is_string(x) ? json_string_value(x) : NULL,
                                &st->after, field, err)))
        return rc;
      st->has_after = true;
    }
    if ((x = json_object_get(o, "anytime")) && !json_is_null(x)) {
      snprintf(field, sizeof field, "%s.escalate[%zu].anytime", prefix, i);
      if (!json_is_boolean(x))
        return rd_error_set(err, RD_E_INVALID, field, "%s must be true or false", field);
      st->anytime = json_is_true(x);
    }
    d->n_steps++;
  }
  return RD_OK;
}

static enum rd_status
parse_clock(json_t *o, const char *prefix, struct rd_clock_def *d,
            struct rd_error *err)
{
  char field[64];
  json_t *v;
  enum rd_status rc;

  memset(d, 0, sizeof *d);
  if (!json_is_object(o))
    return rd_error_set(err, RD_E_INVALID, prefix, "%s must be an object", prefix);
  snprintf(field, sizeof field, "%s.name", prefix);
  v = json_object_get(o, "name");
  if (!json_is_string(v) || json_string_length(v) > RD_CLOCK_NAME_MAX)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a name of at most %d characters", field,
                        RD_CLOCK_NAME_MAX);
  snprintf(d->name, sizeof d->name, "%s", json_string_value(v));

  snprintf(field, sizeof field, "%s.start", prefix);
  if ((rc = parse_events(json_object_get(o, "start"), field, true, &d->start, err)))
    return rc;
  snprintf(field, sizeof field, "%s.stop", prefix);
  if ((rc = parse_events(json_object_get(o, "stop"), field, true, &d->stop, err)))
    return rc;
  snprintf(field, sizeof field, "%s.restart_on", prefix);
  if ((rc = parse_events(json_object_get(o, "restart_on"), field, false,
                         &d->restart, err)))
    return rc;

  snprintf(field, sizeof field, "%s.pause_in", prefix);
  if ((rc = parse_events(json_object_get(o, "pause_in"), field, false,
                         &d->pause, err)))
    return rc;

  snprintf(field, sizeof field, "%s.target", prefix);
  v = json_object_get(o, "target");
  if ((rc = rd_target_parse(json_is_string(v) ? json_string_value(v) : NULL,
                            &d->target, field, err)))
    return rc;
  if ((v = json_object_get(o, "opens_after")) && !json_is_null(v)) {
    snprintf(field, sizeof field, "%s.opens_after", prefix);
    if ((rc = rd_target_parse(json_is_string(v) ? json_string_value(v) : NULL,
                              &d->opens_after, field, err)))
      return rc;
    d->has_window = true;
  }
  if ((v = json_object_get(o, "warn_at")) && !json_is_null(v)) {
    snprintf(field, sizeof field, "%s.warn_at", prefix);
    if (!json_is_number(v))
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s must be a fraction such as 0.8", field);
    d->warn_at = json_number_value(v);
    if (d->warn_at <= 0)
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s must be a fraction of the target, above 0 and below 1",
                          field);
  }
  if ((v = json_object_get(o, "escalate")) && !json_is_null(v) &&
      (rc = parse_steps(v, prefix, d, err)))
    return rc;
  return rd_clock_def_validate(d, prefix, err);
}

enum rd_status
rd_svc_parse_clocks(const char *json, struct rd_arena *a,
                    struct rd_clock_def **out, size_t *n, struct rd_error *err)
{
  json_t *root = json_loads(json ? json : "[]", JSON_REJECT_DUPLICATES, NULL);
  enum rd_status rc = RD_OK;
  char prefix[48];
  json_t *o;
  size_t i;

  *out = NULL;
  *n = 0;
  if (!json_is_array(root)) {
    json_decref(root);
    return rd_error_set(err, RD_E_INVALID, "clocks", "clocks must be an array");
  }
  if (json_array_size(root) > RD_CLOCKS_MAX) {
    json_decref(root);
    return rd_error_set(err, RD_E_INVALID, "clocks", "at most %d clocks a policy",
                        RD_CLOCKS_MAX);
  }
  *out = rd_arena_zalloc(a, (json_array_size(root) + 1) * sizeof **out);
  json_array_foreach(root, i, o) {
    snprintf(prefix, sizeof prefix, "clocks[%zu]", i);
    if ((rc = parse_clock(o, prefix, &(*out)[i], err)))
      break;
    for (size_t j = 0; j < i; j++)
      if (strcmp((*out)[j].name, (*out)[i].name) == 0) {
        snprintf(prefix, sizeof prefix, "clocks[%zu].name", i);
        rc = rd_error_set(err, RD_E_INVALID, prefix,
                          "%s: another clock is already called %s", prefix,
                          (*out)[i].name);
        break;
      }
    if (rc)
      break;
  }
  json_decref(root);
  if (rc != RD_OK) {
    *out = NULL;
    return rc;
  }
  *n = i;
  return RD_OK;
}

/* ---- the snapshot ------------------------------------------------------------------ */

void
rd_sla_cache_init(struct rd_sla_cache *c)
{
  memset(c, 0, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
}

static void
snapshot_free(struct rd_sla_snapshot *s)
{
  if (s) {
    rd_arena_free(s->arena);
    free(s);
  }
}

void
rd_sla_cache_destroy(struct rd_sla_cache *c)
{
  if (c->current && --c->current->refs == 0)
    snapshot_free(c->current);
  c->current = NULL;
  pthread_mutex_destroy(&c->lock);
}

void
rd_sla_cache_changed(struct rd_sla_cache *c)
{
  pthread_mutex_lock(&c->lock);
  c->generation++;
  pthread_mutex_unlock(&c->lock);
}

static enum rd_status
load(struct rd_service *svc, uint64_t generation, struct rd_sla_snapshot **out,
     struct rd_error *err)
{
  struct rd_sla_snapshot *s = rd_xcalloc(1, sizeof *s);
  enum rd_status rc;

  s->arena = rd_arena_new();
  s->generation = generation;
  s->loaded_ms = rd_time_mono_ms();
  if ((rc = rd_store_policy_list(svc->store, s->arena, &s->policies,
                                 &s->n_policies, err)) ||
      (rc = rd_store_calendar_list(svc->store, s->arena, &s->calendars,
                                   &s->n_calendars, err)) ||
      (rc = rd_store_site_list(svc->store, s->arena, &s->sites, &s->n_sites, err))) {
    snapshot_free(s);
    return rc;
  }
  s->defs = rd_arena_zalloc(s->arena, (s->n_policies + 1) * sizeof *s->defs);
  s->n_defs = rd_arena_zalloc(s->arena, (s->n_policies + 1) * sizeof *s->n_defs);
  for (size_t i = 0; i < s->n_policies; i++) {
    struct rd_error perr = {0};
    /* Saved policies were checked; one that no longer parses (written by
     * another version) runs no clocks rather than stopping registrations. */
    if (rd_svc_parse_clocks(s->policies[i].clocks_json, s->arena, &s->defs[i],
                            &s->n_defs[i], &perr) != RD_OK)
      rd_log_warn("SLA policy %lld: %s: its clocks are ignored",
                  (long long)s->policies[i].id, perr.detail);
  }
  *out = s;
  return RD_OK;
}

enum rd_status
rd_svc_sla_acquire(struct rd_service *svc, struct rd_sla_snapshot **out,
                   struct rd_error *err)
{
  struct rd_sla_cache *c = &svc->sla;
  struct rd_sla_snapshot *s, *old = NULL;
  uint64_t generation;
  enum rd_status rc;

  pthread_mutex_lock(&c->lock);
  s = c->current;
  generation = c->generation;
  if (s && s->generation == generation &&
      rd_time_mono_ms() - s->loaded_ms < SNAPSHOT_TTL_MS) {
    s->refs++;
    pthread_mutex_unlock(&c->lock);
    *out = s;
    return RD_OK;
  }
  pthread_mutex_unlock(&c->lock);

  if ((rc = load(svc, generation, &s, err)))
    return rc;
  pthread_mutex_lock(&c->lock);
  s->refs = 2; /* the cache's and the caller's */
  old = c->current;
  c->current = s;
  if (old && --old->refs > 0)
    old = NULL; /* still in use: its last user frees it */
  pthread_mutex_unlock(&c->lock);
  snapshot_free(old);
  *out = s;
  return RD_OK;
}

void
rd_svc_sla_release(struct rd_service *svc, struct rd_sla_snapshot *s)
{
  bool last;
  if (s == NULL)
    return;
  pthread_mutex_lock(&svc->sla.lock);
  last = --s->refs == 0;
  pthread_mutex_unlock(&svc->sla.lock);
  if (last)
    snapshot_free(s);
}

const struct rd_calendar *
rd_sla_calendar(const struct rd_sla_snapshot *s, int64_t id)
{
  for (size_t i = 0; id && i < s->n_calendars; i++)
    if (s->calendars[i].id == id)
      return &s->calendars[i];
  return NULL;
}

/* ---- running clocks ------------------------------------------------------------------ */

const struct rd_calendar *
rd_sla_calendar_for(const struct rd_sla_snapshot *s, const struct rd_complaint *c)
{
  return calendar_for(s, rd_policy_select(s->policies, s->n_policies, c), c);
}

/* The calendar a complaint's clocks count on under policy p (may be NULL). */
static const struct rd_calendar *
calendar_for(const struct rd_sla_snapshot *s, const struct rd_sla_policy *p,
             const struct rd_complaint *c)
{
  const struct rd_calendar *cal = p ? rd_sla_calendar(s, p->calendar_id) : NULL;
  for (size_t i = 0; !cal && c->site_id && i < s->n_sites; i++)
    if (s->sites[i].id == c->site_id)
      cal = rd_sla_calendar(s, s->sites[i].calendar_id);
  if (!cal && s->n_calendars > 0)
    cal = &s->calendars[0]; /* listed by id: the first one made */
  return cal;
}

/* The timeline entry of a paused interval that just ended. */
static enum rd_status
pause_event(struct rd_tx *tx, const struct rd_complaint *c,
            const struct rd_clock *run, const struct rd_clock_pause *p,
            int64_t at, struct rd_arena *a, struct rd_error *err)
{
  struct rd_buf b = {0};
  char t1[RD_TIME_TEXT_MAX], t2[RD_TIME_TEXT_MAX], t3[RD_TIME_TEXT_MAX];
  struct rd_event ev = {
    .complaint_id = c->id, .at = at, .type = "clock.paused",
    .from_status = (int)c->status, .to_status = (int)c->status,
  };
  rd_buf_puts(&b, "{\"clock\":");
  rd_buf_json_string(&b, run->name);
  rd_buf_printf(&b, ",\"run\":%d,\"paused_at\":\"%s\",\"resumed_at\":\"%s\","
                "\"paused_working_seconds\":%lld,\"due_at\":\"%s\"}",
                run->run, rd_time_format(p->paused_at, "UTC", t1),
                rd_time_format(p->resumed_at, "UTC", t2),
                (long long)p->working_seconds, rd_time_format(run->due_at, "UTC", t3));
  ev.data_json = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return rd_tx_event_append(tx, &ev, err);
}

/* The timeline entry of a run recomputed under another policy. */
static enum rd_status
recompute_event(struct rd_tx *tx, const struct rd_complaint *c,
                const struct rd_clock *run, int64_t due_before, int64_t at,
                struct rd_arena *a, struct rd_error *err)
{
  struct rd_buf b = {0};
  char t1[RD_TIME_TEXT_MAX], t2[RD_TIME_TEXT_MAX];
  struct rd_event ev = {
    .complaint_id = c->id, .at = at, .type = "clock.recomputed",
    .from_status = (int)c->status, .to_status = (int)c->status,
  };
  rd_buf_puts(&b, "{\"clock\":");
  rd_buf_json_string(&b, run->name);
  rd_buf_printf(&b, ",\"run\":%d,\"policy_id\":%lld,\"due_before\":\"%s\","
                "\"due_after\":\"%s\"}", run->run, (long long)run->policy_id,
                rd_time_format(due_before, "UTC", t1),
                rd_time_format(run->due_at, "UTC", t2));
  ev.data_json = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return rd_tx_event_append(tx, &ev, err);
}

/* Writes the runs ch updated (and their steps and timeline entries), then
 * the runs it started. */
static enum rd_status
write_changes(struct rd_tx *tx, const struct rd_complaint *c,
              struct rd_clock_changes *ch, int64_t at, struct rd_arena *a,
              struct rd_error *err)
{
  enum rd_status rc;

  for (size_t i = 0; i < ch->n_updated; i++) {
    const struct rd_clock *u = &ch->updated[i];
    bool rearm = (ch->how[i] == RD_CLOCK_RESUMED || ch->how[i] == RD_CLOCK_RECOMPUTED) &&
                 u->state == RD_CLOCK_RUNNING;
    if ((rc = rd_tx_clock_update(tx, u, err)))
      return rc;
    /* Stopped or paused, a run's pending steps go or wait; running again
     * or recomputed, they are armed at their new times. */
    if (rearm)
      rc = rd_tx_clock_steps_add(tx, u->id, ch->updated_steps[i],
                                 ch->n_updated_steps[i], err);
    else if (ch->how[i] == RD_CLOCK_STOPPED || ch->how[i] == RD_CLOCK_PAUSED_NOW)
      rc = rd_tx_clock_steps_drop(tx, u->id, err);
    if (rc == RD_OK && ch->how[i] == RD_CLOCK_RESUMED)
      rc = pause_event(tx, c, u, &ch->pause[i], at, a, err);
    if (rc == RD_OK && ch->how[i] == RD_CLOCK_RECOMPUTED)
      rc = recompute_event(tx, c, u, ch->pause[i].paused_at, at, a, err);
    if (rc)
      return rc;
  }
  return rd_svc_clocks_insert(tx, c->id, ch, err);
}

/* The complaint's deadline: the soonest of its running clocks, now. */
static enum rd_status
set_due(struct rd_tx *tx, struct rd_complaint *c, const struct rd_clock *runs,
        size_t n_runs, const struct rd_clock_changes *ch, struct rd_error *err)
{
  int64_t due = rd_clocks_soonest_due(runs, n_runs);
  int64_t fresh = rd_clocks_soonest_due(ch->started, ch->n_started);
  if (fresh && (!due || fresh < due))
    due = fresh;
  c->due_at = due;
  return rd_tx_complaint_set_due(tx, c->id, due, err);
}

/* Replaces the runs ch updated in runs (by id). */
static void
apply_updates(struct rd_clock *runs, size_t n, const struct rd_clock_changes *ch)
{
  for (size_t i = 0; i < ch->n_updated; i++)
    for (size_t j = 0; j < n; j++)
      if (runs[j].id == ch->updated[i].id)
        runs[j] = ch->updated[i];
}

enum rd_status
rd_svc_clocks_step(struct rd_tx *tx, const struct rd_sla_snapshot *s,
                   struct rd_complaint *c, const struct rd_clock_event *ev,
                   int64_t start_from, bool fresh, struct rd_arena *a,
                   struct rd_error *err)
{
  const struct rd_sla_policy *p = rd_policy_select(s->policies, s->n_policies, c);
  const struct rd_clock_def *defs = NULL;
  const struct rd_calendar *cal = calendar_for(s, p, c);
  size_t n_defs = 0, n_runs = 0;
  struct rd_clock *runs = NULL;
  struct rd_clock_changes *ch;
  enum rd_status rc;

  if (p) {
    size_t k = (size_t)(p - s->policies);
    defs = s->defs[k];
    n_defs = s->n_defs[k];
  }
  if (!fresh && (rc = rd_tx_clocks_of(tx, c->id, a, &runs, &n_runs, err)))
    return rc;
  ch = rd_arena_alloc(a, sizeof *ch);
  if (n_defs == 0 && n_runs == 0) {
    ch->n_started = 0;
    return set_due(tx, c, NULL, 0, ch, err);
  }
  /* Another policy may apply now (a triage set the category and severity):
   * running clocks follow it first, then the step acts on them. */
  if ((rc = rd_clocks_reselect(defs, n_defs, p ? p->id : 0, cal, runs, n_runs, ev,
                               ch, err)) ||
      (rc = write_changes(tx, c, ch, ev->at, a, err)))
    return rc;
  apply_updates(runs, n_runs, ch);
  if (ev->action == RD_CLOCK_EDIT)
    return set_due(tx, c, runs, n_runs, ch, err);
  if ((rc = rd_clocks_step(defs, n_defs, p ? p->id : 0, cal, runs, n_runs, ev,
                           start_from, ch, err)) ||
      (rc = write_changes(tx, c, ch, ev->at, a, err)))
    return rc;
  apply_updates(runs, n_runs, ch);
  return set_due(tx, c, runs, n_runs, ch, err);
}

/* ---- showing clocks ------------------------------------------------------------------ */

/* Sets each view's clocks from runs (ordered by complaint; a name's runs
 * together, oldest first): the latest run of each name, as of now. */
static void
attach_runs(struct rd_service *svc, const struct rd_sla_snapshot *snap,
            struct rd_complaint_view *views, size_t n, const struct rd_clock *runs,
            size_t n_runs, struct rd_arena *a)
{
  int64_t now = rd_service_now(svc);
  size_t r = 0;

  while (r < n_runs) {
    size_t end = r, names = 0, k = 0;
    struct rd_complaint_view *v = NULL;
    while (end < n_runs && runs[end].complaint_id == runs[r].complaint_id)
      end++;
    for (size_t i = r; i < end; i++)
      names += i + 1 == end || strcmp(runs[i].name, runs[i + 1].name) != 0;
    for (size_t i = 0; i < n && !v; i++)
      if (views[i].c.id == runs[r].complaint_id)
        v = &views[i];
    if (v) {
      struct rd_clock_view *cv = rd_arena_alloc(a, names * sizeof *cv);
      for (size_t i = r; i < end; i++) {
        if (i + 1 < end && strcmp(runs[i].name, runs[i + 1].name) == 0)
          continue;
        const struct rd_calendar *cal = rd_sla_calendar(snap, runs[i].calendar_id);
        cv[k].run = runs[i];
        cv[k].run.name = rd_arena_strdup(a, runs[i].name);
        cv[k].state = rd_clock_state_at(&runs[i], now);
        cv[k].remaining = rd_clock_remaining(&runs[i], cal, now);
        cv[k].timezone = rd_arena_strdup(a, cal ? cal->timezone : svc->timezone);
        k++;
      }
      v->clocks = cv;
      v->n_clocks = k;
    }
    r = end;
  }
}

enum rd_status
rd_svc_views_clocks(struct rd_service *svc, struct rd_complaint_view *views,
                    size_t n, struct rd_arena *a, struct rd_error *err)
{
  struct rd_sla_snapshot *snap = NULL;
  struct rd_clock *runs = NULL;
  size_t n_runs = 0;
  int64_t *ids;
  enum rd_status rc;

  if (n == 0)
    return RD_OK;
  ids = rd_arena_alloc(a, n * sizeof *ids);
  for (size_t i = 0; i < n; i++) {
    ids[i] = views[i].c.id;
    views[i].clocks = NULL;
    views[i].n_clocks = 0;
  }
  if ((rc = rd_store_clocks_of(svc->store, ids, n, a, &runs, &n_runs, err)))
    return rc;
  if (n_runs == 0)
    return RD_OK;
  if ((rc = rd_svc_sla_acquire(svc, &snap, err)))
    return rc;
  attach_runs(svc, snap, views, n, runs, n_runs, a);
  rd_svc_sla_release(svc, snap);
  return RD_OK;
}

void
rd_svc_view_new_clocks(struct rd_service *svc, const struct rd_sla_snapshot *s,
                       struct rd_complaint_view *view,
                       const struct rd_clock_changes *ch, struct rd_arena *a)
{
  view->clocks = NULL;
  view->n_clocks = 0;
  attach_runs(svc, s, view, 1, ch->started, ch->n_started, a);
}

/* ---- registration ---------------------------------------------------------------- */

enum rd_status
rd_svc_clocks_at_registration(const struct rd_sla_snapshot *s,
                              const struct rd_complaint *c, int64_t now,
                              struct rd_clock_changes *out, struct rd_error *err)
{
  const struct rd_sla_policy *p = rd_policy_select(s->policies, s->n_policies, c);
  struct rd_clock_event ev = {
    .from = -1, .to = RD_STATE_REGISTERED, .action = -1, .at = now,
    .department_id = c->department_id, .waiting = c->waiting_since != 0,
  };
  size_t k;

  out->n_updated = out->n_started = 0;
  if (p == NULL)
    return RD_OK;
  k = (size_t)(p - s->policies);
  if (s->n_defs[k] == 0)
    return RD_OK;
  /* Clocks that start at registration count from when the customer
   * complained (received_at), not from when it was typed in. */
  return rd_clocks_step(s->defs[k], s->n_defs[k], p->id, calendar_for(s, p, c),
                        NULL, 0, &ev, c->received_at, out, err);
}

enum rd_status
rd_svc_clocks_insert(struct rd_tx *tx, int64_t complaint_id,
                     struct rd_clock_changes *ch, struct rd_error *err)
{
  enum rd_status rc;
  for (size_t i = 0; i < ch->n_started; i++) {
    ch->started[i].complaint_id = complaint_id;
    if ((rc = rd_tx_clock_insert(tx, &ch->started[i], err)) ||
        (rc = rd_tx_clock_steps_add(tx, ch->started[i].id, ch->steps[i],
                                    ch->n_steps[i], err)))
      return rc;
  }
  return RD_OK;
}
