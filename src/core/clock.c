/* core/clock.c - SLA clock definitions and runs. */
#include "core/clock.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
#define RD_X(c, n) n,
  RD_CLOCK_STATE_TABLE(RD_X)
#undef RD_X
};

static const char *const notify_names[] = {
#define RD_X(c, n) n,
  RD_NOTIFY_TABLE(RD_X)
#undef RD_X
};

const char *
rd_notify_name(enum rd_notify n)
{
  return n >= 0 && n < RD_NOTIFY_COUNT ? notify_names[n] : "unknown";
}

bool
rd_notify_parse(const char *name, enum rd_notify *out)
{
  for (int i = 0; name && i < RD_NOTIFY_COUNT; i++)
    if (strcmp(name, notify_names[i]) == 0) {
      *out = (enum rd_notify)i;
      return true;
    }
  return false;
}

const char *
rd_clock_state_name(enum rd_clock_state s)
{
  return s >= 0 && s < RD_CLOCK_STATE_COUNT ? state_names[s] : "unknown";
}

bool
rd_clock_state_parse(const char *name, enum rd_clock_state *out)
{
  for (int i = 0; name && i < RD_CLOCK_STATE_COUNT; i++)
    if (strcmp(name, state_names[i]) == 0) {
      *out = (enum rd_clock_state)i;
      return true;
    }
  return false;
}

const char *
rd_extension_state_name(enum rd_extension_state s)
{
  switch (s) {
  case RD_EXT_REQUESTED: return "requested";
  case RD_EXT_GRANTED:   return "granted";
  case RD_EXT_REFUSED:   return "refused";
  }
  return "unknown";
}

rd_event_mask
rd_event_parse(const char *name)
{
  enum rd_state s;
  enum rd_action_kind a;
  if (name && strcmp(name, "waiting") == 0)
    return RD_EV_WAITING;
  if (rd_state_parse(name, &s))
    return RD_EV_STATE(s);
  if (rd_action_parse(name, &a))
    return RD_EV_ACTION(a);
  return 0;
}

enum rd_status
rd_clock_def_validate(const struct rd_clock_def *d, const char *prefix,
                      struct rd_error *err)
{
  char field[64];
  size_t n = strlen(d->name);

  snprintf(field, sizeof field, "%s.name", prefix);
  if (n == 0)
    return rd_error_set(err, RD_E_INVALID, field, "%s is required", field);
  for (size_t i = 0; i < n; i++) {
    char c = d->name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s must be 1 to %d of a-z, 0-9 and _", field,
                          RD_CLOCK_NAME_MAX);
  }
  if ((d->start | d->stop | d->restart) & RD_EV_WAITING) {
    snprintf(field, sizeof field, "%s.%s", prefix,
             d->start & RD_EV_WAITING ? "start" : d->stop & RD_EV_WAITING ? "stop"
                                                                          : "restart_on");
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s: \"waiting\" is a condition for pause_in, not an event",
                        field);
  }
  snprintf(field, sizeof field, "%s.start", prefix);
  if (d->start == 0)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must name a state or an action", field);
  snprintf(field, sizeof field, "%s.stop", prefix);
  if (d->stop == 0)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must name a state or an action", field);
  if (d->start & d->stop)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s names an event that also starts the clock", field);
  snprintf(field, sizeof field, "%s.pause_in", prefix);
  if (d->pause & ~(RD_EV_STATE(RD_STATE_COUNT) - 1) & ~RD_EV_WAITING)
    return rd_error_set(err, RD_E_INVALID, field, "%s takes states, not actions", field);
  for (int st = 0; st < RD_STATE_COUNT; st++)
    if ((d->pause & RD_EV_STATE(st)) && !rd_state_is_open((enum rd_state)st))
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s names %s, which is not an open state", field,
                          rd_state_name((enum rd_state)st));
  snprintf(field, sizeof field, "%s.warn_at", prefix);
  if (d->warn_at < 0 || d->warn_at >= 1)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a fraction of the target, above 0 and below 1",
                        field);
  for (size_t i = 0; i < d->n_steps; i++)
    if (d->steps[i].on == RD_STEP_WARN && d->warn_at <= 0) {
      snprintf(field, sizeof field, "%s.escalate[%zu].on", prefix, i);
      return rd_error_set(err, RD_E_INVALID, field,
                          "%s is warn, but the clock has no warn_at", field);
    }
  if (d->has_window && d->target.unit != d->opens_after.unit &&
      (d->target.unit == RD_TARGET_CALENDAR_DAYS ||
       d->opens_after.unit == RD_TARGET_CALENDAR_DAYS)) {
    snprintf(field, sizeof field, "%s.opens_after", prefix);
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s and target must both be calendar days, or both "
                        "working time", field);
  }
  return RD_OK;
}

bool
rd_clock_open(const struct rd_clock *c)
{
  return c->state == RD_CLOCK_RUNNING || c->state == RD_CLOCK_PAUSED;
}

/* No calendar: working time is all time, in UTC. A constant: threads share
 * it without a first-use race. */
#define ALL_DAY { 1, { { 0, 1440 } } }
static const struct rd_calendar all_time = {
  .name = "24x7",
  .timezone = "UTC",
  .week = { ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY },
};
#undef ALL_DAY

static const struct rd_calendar *
round_the_clock(void)
{
  return &all_time;
}

/* The open run of clock name among runs, or NULL. */
static const struct rd_clock *
open_run(const struct rd_clock *runs, size_t n, const char *name, int *last_run)
{
  const struct rd_clock *open = NULL;
  *last_run = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(runs[i].name, name) != 0)
      continue;
    if (runs[i].run > *last_run)
      *last_run = runs[i].run;
    if (rd_clock_open(&runs[i]))
      open = &runs[i];
  }
  return open;
}

static enum rd_status
start_run(const struct rd_clock_def *d, int64_t policy_id,
          const struct rd_calendar *cal, int64_t calendar_id, int64_t from,
          int run, const struct rd_clock_event *ev, struct rd_clock *out,
          struct rd_error *err)
{
  enum rd_status rc;

  memset(out, 0, sizeof *out);
  out->name = d->name;
  out->run = run;
  out->policy_id = policy_id;
  out->calendar_id = calendar_id;
  out->state = RD_CLOCK_RUNNING;
  out->started_at = from;
  out->department_id = ev->department_id;
  if ((rc = rd_calendar_due(cal, from, &d->target, &out->due_at, err)))
    return rc;
  if (d->has_window &&
      (rc = rd_calendar_due(cal, from, &d->opens_after, &out->opens_at, err)))
    return rc;
  if (d->warn_at > 0) {
    if (d->target.unit == RD_TARGET_CALENDAR_DAYS) {
      out->warn_at = from + (int64_t)((double)(out->due_at - from) * d->warn_at);
    } else {
      int64_t s = (int64_t)((double)rd_target_working_seconds(cal, &d->target) *
                            d->warn_at);
      if (s > 0 && (rc = rd_calendar_add(cal, from, s, &out->warn_at, err)))
        return rc;
    }
  }
  return RD_OK;
}

/* When each escalation step of run r fires. */
static enum rd_status
step_times(const struct rd_clock_def *d, const struct rd_clock *r,
           const struct rd_calendar *cal, struct rd_clock_step *out, size_t *n,
           struct rd_error *err)
{
  enum rd_status rc;

  *n = 0;
  for (size_t i = 0; i < d->n_steps; i++) {
    const struct rd_escalation_step *st = &d->steps[i];
    int64_t at = st->on == RD_STEP_WARN ? r->warn_at : r->due_at;
    if (at == 0)
      continue;
    if (st->has_after && (rc = rd_calendar_due(cal, at, &st->after, &at, err)))
      return rc;
    /* Never at 3 a.m. on a Sunday unless the step says so. */
    if (!st->anytime && (rc = rd_calendar_next_working(cal, at, &at, err)))
      return rc;
    out[*n] = (struct rd_clock_step){ .step = (int)i, .on = st->on,
                                      .notify = st->notify, .fire_at = at };
    (*n)++;
  }
  return RD_OK;
}

static void
stop_run(const struct rd_clock *open, enum rd_clock_state how,
         const struct rd_clock_event *ev, struct rd_clock_changes *out)
{
  size_t k = out->n_updated++;
  struct rd_clock *s = &out->updated[k];
  out->how[k] = RD_CLOCK_STOPPED;
  *s = *open;
  s->paused_at = 0;
  /* Past its due time a run was missed, however it ends; a paused one was
   * judged when it paused. */
  if ((open->state == RD_CLOCK_PAUSED ? open->paused_at : ev->at) > open->due_at)
    how = RD_CLOCK_BREACHED;
  s->state = how;
  s->stopped_at = ev->at;
  /* The department stays the one responsible before this step (followed
   * while the run was on time): whoever had it when it was met, or when it
   * fell due. 0 is customer service, before any department had it. */
}

/* Pauses a running run entering one of d's pause states, resumes a paused
 * one leaving them: due, warning and pending steps move out by the working
 * time paused (calendar time for a calendar-day clock). */
static enum rd_status
pause_or_resume(const struct rd_clock_def *d, const struct rd_clock *open,
                const struct rd_calendar *cal, const struct rd_clock_event *ev,
                struct rd_clock_changes *out, struct rd_error *err)
{
  bool pausing = (d->pause & (RD_EV_STATE(ev->to) |
                              (ev->waiting ? RD_EV_WAITING : 0))) != 0;
  size_t k;
  struct rd_clock *u;
  int64_t shift;
  enum rd_status rc;

  if (open->state == RD_CLOCK_RUNNING && pausing) {
    k = out->n_updated++;
    out->how[k] = RD_CLOCK_PAUSED_NOW;
    u = &out->updated[k];
    *u = *open;
    u->state = RD_CLOCK_PAUSED;
    u->paused_at = ev->at;
    return RD_OK;
  }
  if (open->state != RD_CLOCK_PAUSED || pausing)
    return RD_OK;
  k = out->n_updated++;
  out->how[k] = RD_CLOCK_RESUMED;
  u = &out->updated[k];
  *u = *open;
  u->state = RD_CLOCK_RUNNING;
  u->paused_at = 0;
  if (d->target.unit == RD_TARGET_CALENDAR_DAYS) {
    shift = ev->at - open->paused_at;
    u->due_at += shift;
    if (u->warn_at)
      u->warn_at += shift;
  } else {
    shift = rd_calendar_elapsed(cal, open->paused_at, ev->at);
    /* What was left at the pause is left now: counted from the resumption. */
    if (shift > 0) {
      int64_t left = rd_calendar_elapsed(cal, open->paused_at, open->due_at);
      if (open->due_at <= open->paused_at || left == 0)
        u->due_at = open->due_at; /* already late when it paused */
      else if ((rc = rd_calendar_add(cal, ev->at, left, &u->due_at, err)))
        return rc;
      if (u->warn_at > open->paused_at) {
        left = rd_calendar_elapsed(cal, open->paused_at, open->warn_at);
        if (left > 0 && (rc = rd_calendar_add(cal, ev->at, left, &u->warn_at, err)))
          return rc;
      }
    }
  }
  out->pause[k] = (struct rd_clock_pause){ open->paused_at, ev->at, shift };
  return step_times(d, u, cal, out->updated_steps[k], &out->n_updated_steps[k],
                    err);
}

/* While a run is on time, it belongs to the department responsible now
 * (the update pause_or_resume made at index `from`, or a new one). */
static void
follow_department(const struct rd_clock *open, size_t from,
                  const struct rd_clock_event *ev, struct rd_clock_changes *out)
{
  size_t k;
  if (ev->at > open->due_at || ev->department_id == open->department_id)
    return;
  if (out->n_updated > from) {
    out->updated[from].department_id = ev->department_id;
    return;
  }
  k = out->n_updated++;
  out->how[k] = RD_CLOCK_REASSIGNED;
  out->updated[k] = *open;
  out->updated[k].department_id = ev->department_id;
}

enum rd_status
rd_clocks_step(const struct rd_clock_def *defs, size_t n_defs,
               int64_t policy_id, const struct rd_calendar *cal,
               const struct rd_clock *runs, size_t n_runs,
               const struct rd_clock_event *ev, int64_t start_from,
               struct rd_clock_changes *out, struct rd_error *err)
{
  rd_event_mask happened = RD_EV_STATE(ev->to);
  bool cancel = ev->to == RD_STATE_WITHDRAWN || ev->to == RD_STATE_MERGED;
  int64_t calendar_id = cal ? cal->id : 0;
  enum rd_status rc;

  memset(out, 0, sizeof *out);
  if (cal == NULL)
    cal = round_the_clock();
  if (ev->action >= 0)
    happened |= RD_EV_ACTION(ev->action);

  /* Withdrawn or merged: nothing was met or missed, the question went away. */
  if (cancel) {
    for (size_t i = 0; i < n_runs; i++)
      if (rd_clock_open(&runs[i]) && out->n_updated < 2 * RD_CLOCKS_MAX)
        stop_run(&runs[i], RD_CLOCK_CANCELLED, ev, out);
    return RD_OK;
  }

  for (size_t k = 0; k < n_defs; k++) {
    const struct rd_clock_def *d = &defs[k];
    int last = 0;
    const struct rd_clock *open = open_run(runs, n_runs, d->name, &last);
    bool starts = (d->start & happened) != 0;

    if (open && (d->stop & happened)) {
      stop_run(open, RD_CLOCK_MET, ev, out);
      open = NULL;
    } else if (open && (d->restart & happened)) {
      stop_run(open, RD_CLOCK_MET, ev, out);
      open = NULL;
      starts = true;
    } else if (open && !rd_state_is_open(ev->to)) {
      /* Closed before the clock's own stop (an invalid complaint never
       * reaches "assigned"): the question went away, unless already late. */
      stop_run(open, RD_CLOCK_CANCELLED, ev, out);
      open = NULL;
      starts = false;
    }
    if (open) {
      size_t before = out->n_updated;
      if ((rc = pause_or_resume(d, open, cal, ev, out, err)))
        return rc;
      follow_department(open, before, ev, out);
    }
    if (open || !starts || !rd_state_is_open(ev->to))
      continue;
    if ((rc = start_run(d, policy_id, cal, calendar_id,
                        ev->from < 0 ? start_from : ev->at, last + 1, ev,
                        &out->started[out->n_started], err)) ||
        (rc = step_times(d, &out->started[out->n_started], cal,
                         out->steps[out->n_started], &out->n_steps[out->n_started],
                         err)))
      return rc;
    out->n_started++;
  }
  return RD_OK;
}

enum rd_status
rd_clocks_reselect(const struct rd_clock_def *defs, size_t n_defs,
                   int64_t policy_id, const struct rd_calendar *cal,
                   const struct rd_clock *runs, size_t n_runs,
                   const struct rd_clock_event *ev, struct rd_clock_changes *out,
                   struct rd_error *err)
{
  int64_t calendar_id = cal ? cal->id : 0;
  enum rd_status rc;

  memset(out, 0, sizeof *out);
  if (cal == NULL)
    cal = round_the_clock();
  for (size_t i = 0; i < n_runs && out->n_updated < 2 * RD_CLOCKS_MAX; i++) {
    const struct rd_clock *r = &runs[i];
    const struct rd_clock_def *d = NULL;
    struct rd_clock fresh;
    size_t k;

    if (!rd_clock_open(r) || r->policy_id == policy_id)
      continue;
    for (size_t j = 0; j < n_defs && !d; j++)
      if (strcmp(defs[j].name, r->name) == 0)
        d = &defs[j];
    if (d == NULL) {
      stop_run(r, RD_CLOCK_CANCELLED, ev, out);
      continue;
    }
    if ((rc = start_run(d, policy_id, cal, calendar_id, r->started_at, r->run, ev,
                        &fresh, err)))
      return rc;
    k = out->n_updated++;
    out->how[k] = RD_CLOCK_RECOMPUTED;
    out->pause[k] = (struct rd_clock_pause){ .paused_at = r->due_at };
    out->updated[k] = *r;
    out->updated[k].policy_id = policy_id;
    out->updated[k].calendar_id = calendar_id;
    out->updated[k].due_at = fresh.due_at;
    out->updated[k].opens_at = fresh.opens_at;
    out->updated[k].warn_at = fresh.warn_at;
    if ((rc = step_times(d, &out->updated[k], cal, out->updated_steps[k],
                         &out->n_updated_steps[k], err)))
      return rc;
  }
  return RD_OK;
}

enum rd_status
rd_clock_extend(const struct rd_clock_def *d, const struct rd_clock *r,
                const struct rd_calendar *cal, const struct rd_target *target,
                struct rd_clock *out, struct rd_clock_step *steps,
                size_t *n_steps, struct rd_error *err)
{
  struct rd_clock_def longer = *d;
  struct rd_clock_event ev = { .department_id = r->department_id };
  struct rd_clock fresh;
  enum rd_status rc;

  if (!rd_clock_open(r))
    return rd_error_set(err, RD_E_INVALID, "clock",
                        "clock %s no longer runs: it is %s", r->name,
                        rd_clock_state_name(r->state));
  if (cal == NULL)
    cal = round_the_clock();
  longer.target = *target;
  if ((rc = start_run(&longer, r->policy_id, cal, r->calendar_id, r->started_at,
                      r->run, &ev, &fresh, err)))
    return rc;
  if (fresh.due_at <= r->due_at) {
    char due[RD_TARGET_TEXT_MAX];
    return rd_error_set(err, RD_E_INVALID, "target",
                        "%s from the clock's start is not later than its "
                        "current deadline", rd_target_format(target, due));
  }
  *out = *r;
  out->due_at = fresh.due_at;
  out->warn_at = fresh.warn_at;
  return step_times(&longer, out, cal, steps, n_steps, err);
}

int64_t
rd_clock_remaining(const struct rd_clock *c, const struct rd_calendar *cal,
                   int64_t now)
{
  if (!rd_clock_open(c))
    return 0;
  if (cal == NULL)
    cal = round_the_clock();
  if (c->state == RD_CLOCK_PAUSED)
    now = c->paused_at; /* not counting */
  if (now <= c->due_at)
    return rd_calendar_elapsed(cal, now, c->due_at);
  return -rd_calendar_elapsed(cal, c->due_at, now);
}

int64_t
rd_clocks_soonest_due(const struct rd_clock *runs, size_t n)
{
  int64_t soonest = 0;
  for (size_t i = 0; i < n; i++)
    if (runs[i].state == RD_CLOCK_RUNNING && (soonest == 0 || runs[i].due_at < soonest))
      soonest = runs[i].due_at;
  return soonest;
}

enum rd_clock_state
rd_clock_state_at(const struct rd_clock *c, int64_t now)
{
  if (c->state == RD_CLOCK_RUNNING && now > c->due_at)
    return RD_CLOCK_BREACHED;
  return c->state;
}
