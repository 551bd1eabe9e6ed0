/* Unit tests of core/clock: clock definitions, and what registration and
 * each workflow step do to a complaint's clock runs on an office calendar
 * (Monday to Friday 09:00-12:00, 13:30-18:00, Asia/Shanghai). */
#include "../../testing.h"

#include <string.h>

#include "core/clock.h"
#include "util/time.h"

static struct rd_calendar
office(void)
{
  struct rd_calendar c = { .id = 7, .name = "office", .timezone = "Asia/Shanghai" };
  for (int d = 0; d < 5; d++)
    c.week[d] = (struct rd_day_hours){ 2, { { 540, 720 }, { 810, 1080 } } };
  return c;
}

static int64_t
at(const char *text)
{
  struct rd_error err = {0};
  int64_t t = 0;
  assert_int_equal(rd_time_parse(text, &t, "t", &err), RD_OK);
  return t;
}

static void
expect_time(int64_t t, const char *want)
{
  char got[RD_TIME_TEXT_MAX];
  rd_time_format(t, "Asia/Shanghai", got);
  if (strcmp(got, want) != 0)
    fail_msg("got %s, want %s", got, want);
}

static struct rd_clock_def
def(const char *name, const char *start, const char *stop, const char *target)
{
  struct rd_clock_def d = {0};
  struct rd_error err = {0};
  snprintf(d.name, sizeof d.name, "%s", name);
  d.start = rd_event_parse(start);
  d.stop = rd_event_parse(stop);
  assert_int_equal(rd_target_parse(target, &d.target, "target", &err), RD_OK);
  return d;
}

/* The seeds' clocks: forward in 30 working minutes, first contact in 2
 * working hours, resolve in 3 working days (warned at 80%), a progress
 * report every 3 working days, a follow-up window from day 5 to day 7. */
static size_t
seed_defs(struct rd_clock_def *d)
{
  struct rd_error err = {0};
  d[0] = def("forward", "registered", "assigned", "30m");
  d[1] = def("first_contact", "assigned", "in_progress", "2h");
  d[2] = def("resolve", "registered", "resolved", "3d");
  d[2].warn_at = 0.8;
  d[3] = def("progress", "assigned", "resolved", "3d");
  d[3].restart = rd_event_parse("progress");
  d[4] = def("follow_up", "resolved", "closed", "7cd");
  d[4].has_window = true;
  assert_int_equal(rd_target_parse("5cd", &d[4].opens_after, "x", &err), RD_OK);
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(rd_clock_def_validate(&d[i], "clocks[0]", &err), RD_OK);
  return 5;
}

/* Applies a step to runs (in place: stopped ones replaced, started appended). */
static void
step(struct rd_clock *runs, size_t *n, const struct rd_calendar *cal, int from,
     enum rd_state to, int action, const char *when, int64_t start_from)
{
  static struct rd_clock_def defs[RD_CLOCKS_MAX]; /* runs point at the names */
  size_t nd = seed_defs(defs);
  static struct rd_clock_changes ch;
  struct rd_error err = {0};
  /* Registered by customer service (no department), then department 3. */
  struct rd_clock_event ev = { from, to, action, at(when), from < 0 ? 0 : 3, false };

  assert_int_equal(rd_clocks_step(defs, nd, 11, cal, runs, *n, &ev, start_from,
                                  &ch, &err), RD_OK);
  for (size_t i = 0; i < ch.n_updated; i++)
    for (size_t j = 0; j < *n; j++)
      if (strcmp(runs[j].name, ch.updated[i].name) == 0 &&
          runs[j].run == ch.updated[i].run)
        runs[j] = ch.updated[i];
  for (size_t i = 0; i < ch.n_started; i++)
    runs[(*n)++] = ch.started[i];
}

static const struct rd_clock *
find(const struct rd_clock *runs, size_t n, const char *name, int run)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(runs[i].name, name) == 0 && runs[i].run == run)
      return &runs[i];
  fail_msg("no run %d of %s", run, name);
  return NULL;
}

static void
test_events_and_definitions(void **state)
{
  (void)state;
  struct rd_error err = {0};
  struct rd_clock_def d = def("forward", "registered", "assigned", "30m");

  assert_int_equal(rd_event_parse("assigned"), RD_EV_STATE(RD_STATE_ASSIGNED));
  assert_int_equal(rd_event_parse("progress"), RD_EV_ACTION(RD_ACT_PROGRESS));
  assert_int_equal(rd_event_parse("explain"), RD_EV_ACTION(RD_ACT_EXPLAIN));
  assert_int_equal(rd_event_parse("nonsense"), 0);
  assert_int_equal(rd_event_parse(""), 0);

  assert_int_equal(rd_clock_def_validate(&d, "clocks[0]", &err), RD_OK);
  d.name[0] = 'F';
  assert_int_equal(rd_clock_def_validate(&d, "clocks[0]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[0].name");
  d = def("forward", "registered", "assigned", "30m");
  d.stop = 0;
  assert_int_equal(rd_clock_def_validate(&d, "clocks[3]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[3].stop");
  d = def("loop", "assigned", "assigned", "30m");
  assert_int_equal(rd_clock_def_validate(&d, "clocks[1]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[1].stop");
  d = def("forward", "registered", "assigned", "30m");
  d.warn_at = 1.0;
  assert_int_equal(rd_clock_def_validate(&d, "clocks[0]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[0].warn_at");
}

static void
test_registration_friday_evening(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_clock runs[32];
  size_t n = 0;

  /* Received by phone Friday 17:50, typed in at 18:05: the clocks count
   * from when the customer complained. */
  step(runs, &n, &cal, -1, RD_STATE_REGISTERED, -1, "2026-11-20T18:05:00+08:00",
       at("2026-11-20T17:50:00+08:00"));
  assert_int_equal(n, 2); /* forward and resolve; the others wait for their start */
  const struct rd_clock *fw = find(runs, n, "forward", 1);
  expect_time(fw->started_at, "2026-11-20T17:50:00+08:00");
  expect_time(fw->due_at, "2026-11-23T09:20:00+08:00");
  assert_int_equal(fw->state, RD_CLOCK_RUNNING);
  assert_int_equal(fw->policy_id, 11);
  assert_int_equal(fw->calendar_id, 7);
  assert_int_equal(fw->warn_at, 0);
  const struct rd_clock *rs = find(runs, n, "resolve", 1);
  expect_time(rs->due_at, "2026-11-25T17:50:00+08:00");  /* 22.5 working hours */
  expect_time(rs->warn_at, "2026-11-25T11:50:00+08:00"); /* 18 of them */

  /* Remaining working time and the state shown as time passes. */
  assert_int_equal(rd_clock_remaining(fw, &cal, at("2026-11-20T17:55:00+08:00")), 1500);
  assert_int_equal(rd_clock_remaining(fw, &cal, at("2026-11-22T12:00:00+08:00")), 1200);
  assert_int_equal(rd_clock_state_at(fw, at("2026-11-23T09:20:00+08:00")), RD_CLOCK_RUNNING);
  assert_int_equal(rd_clock_state_at(fw, at("2026-11-23T09:20:01+08:00")), RD_CLOCK_BREACHED);
  assert_int_equal(rd_clock_remaining(fw, &cal, at("2026-11-23T09:30:00+08:00")), -600);
}

static void
test_met_and_breached(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_clock runs[32];
  size_t n = 0;

  step(runs, &n, &cal, -1, RD_STATE_REGISTERED, -1, "2026-11-20T17:50:00+08:00",
       at("2026-11-20T17:50:00+08:00"));
  /* Assigned Monday 09:10: forwarded in time; first contact starts. */
  step(runs, &n, &cal, RD_STATE_REGISTERED, RD_STATE_ASSIGNED, RD_ACT_TRIAGE,
       "2026-11-23T09:10:00+08:00", 0);
  const struct rd_clock *fw = find(runs, n, "forward", 1);
  assert_int_equal(fw->state, RD_CLOCK_MET);
  expect_time(fw->stopped_at, "2026-11-23T09:10:00+08:00");
  assert_int_equal(fw->department_id, 0); /* customer service forwarded it */
  assert_int_equal(find(runs, n, "resolve", 1)->department_id, 3); /* now the department's */
  const struct rd_clock *fc = find(runs, n, "first_contact", 1);
  expect_time(fc->due_at, "2026-11-23T11:10:00+08:00");
  find(runs, n, "progress", 1);
  /* Contacted at 11:30: 20 minutes late. */
  step(runs, &n, &cal, RD_STATE_ASSIGNED, RD_STATE_IN_PROGRESS, RD_ACT_CONTACT,
       "2026-11-23T11:30:00+08:00", 0);
  assert_int_equal(find(runs, n, "first_contact", 1)->state, RD_CLOCK_BREACHED);
  assert_int_equal(find(runs, n, "resolve", 1)->state, RD_CLOCK_RUNNING);
}

static void
test_recurring_progress_and_window(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_clock runs[32];
  size_t n = 0;

  step(runs, &n, &cal, -1, RD_STATE_REGISTERED, -1, "2026-11-23T09:00:00+08:00",
       at("2026-11-23T09:00:00+08:00"));
  step(runs, &n, &cal, RD_STATE_REGISTERED, RD_STATE_ASSIGNED, RD_ACT_TRIAGE,
       "2026-11-23T10:00:00+08:00", 0);
  expect_time(find(runs, n, "progress", 1)->due_at, "2026-11-26T10:00:00+08:00");
  /* A progress report on Wednesday ends run 1 and starts run 2. */
  step(runs, &n, &cal, RD_STATE_IN_PROGRESS, RD_STATE_IN_PROGRESS, RD_ACT_PROGRESS,
       "2026-11-25T15:00:00+08:00", 0);
  assert_int_equal(find(runs, n, "progress", 1)->state, RD_CLOCK_MET);
  const struct rd_clock *p2 = find(runs, n, "progress", 2);
  assert_int_equal(p2->state, RD_CLOCK_RUNNING);
  expect_time(p2->due_at, "2026-11-30T15:00:00+08:00");
  /* Resolved: resolve and progress stop; the follow-up window opens on day
   * 5 and closes on day 7 (calendar days). */
  step(runs, &n, &cal, RD_STATE_EXECUTING, RD_STATE_RESOLVED, RD_ACT_RESOLVE,
       "2026-11-26T16:00:00+08:00", 0);
  assert_int_equal(find(runs, n, "progress", 2)->state, RD_CLOCK_MET);
  /* 3 working days from Monday 09:00 ended Wednesday 18:00: a day late */
  assert_int_equal(find(runs, n, "resolve", 1)->state, RD_CLOCK_BREACHED);
  const struct rd_clock *fu = find(runs, n, "follow_up", 1);
  expect_time(fu->opens_at, "2026-12-01T16:00:00+08:00");
  expect_time(fu->due_at, "2026-12-03T16:00:00+08:00");
  step(runs, &n, &cal, RD_STATE_RESOLVED, RD_STATE_CLOSED, RD_ACT_FOLLOW_UP,
       "2026-12-02T10:00:00+08:00", 0);
  assert_int_equal(find(runs, n, "follow_up", 1)->state, RD_CLOCK_MET);
  for (size_t i = 0; i < n; i++)
    assert_false(rd_clock_open(&runs[i]));
}

static void
test_withdrawn_and_closed_early(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_clock runs[32];
  size_t n = 0;

  step(runs, &n, &cal, -1, RD_STATE_REGISTERED, -1, "2026-11-23T09:00:00+08:00",
       at("2026-11-23T09:00:00+08:00"));
  /* Withdrawn at 10:00: forward (due 09:30) was already missed; resolve
   * simply stops counting. */
  step(runs, &n, &cal, RD_STATE_REGISTERED, RD_STATE_WITHDRAWN, RD_ACT_WITHDRAW,
       "2026-11-23T10:00:00+08:00", 0);
  assert_int_equal(find(runs, n, "forward", 1)->state, RD_CLOCK_BREACHED);
  assert_int_equal(find(runs, n, "resolve", 1)->state, RD_CLOCK_CANCELLED);
  assert_int_equal(n, 2);

  /* Invalid: transferred and closed; forward never reaches "assigned". */
  n = 0;
  step(runs, &n, &cal, -1, RD_STATE_REGISTERED, -1, "2026-11-23T09:00:00+08:00",
       at("2026-11-23T09:00:00+08:00"));
  step(runs, &n, &cal, RD_STATE_REGISTERED, RD_STATE_TRANSFERRED, RD_ACT_TRIAGE,
       "2026-11-23T09:10:00+08:00", 0);
  assert_int_equal(find(runs, n, "forward", 1)->state, RD_CLOCK_RUNNING);
  step(runs, &n, &cal, RD_STATE_TRANSFERRED, RD_STATE_CLOSED, RD_ACT_EXPLAIN,
       "2026-11-23T09:20:00+08:00", 0);
  assert_int_equal(find(runs, n, "forward", 1)->state, RD_CLOCK_CANCELLED);
  assert_int_equal(find(runs, n, "resolve", 1)->state, RD_CLOCK_CANCELLED);
}

static void
test_round_the_clock_without_calendar(void **state)
{
  (void)state;
  struct rd_clock runs[32];
  size_t n = 0;
  step(runs, &n, NULL, -1, RD_STATE_REGISTERED, -1, "2026-11-21T23:00:00+08:00",
       at("2026-11-21T23:00:00+08:00"));
  const struct rd_clock *fw = find(runs, n, "forward", 1);
  expect_time(fw->due_at, "2026-11-21T23:30:00+08:00");
  assert_int_equal(fw->calendar_id, 0);
  /* "3d" is three whole days */
  expect_time(find(runs, n, "resolve", 1)->due_at, "2026-11-24T23:00:00+08:00");
}

/* Escalation steps fire at the warning point or the breach, plus their
 * delay in working time, moved to the next working moment unless anytime. */
static void
test_escalation_step_times(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_error err = {0};
  struct rd_clock_def d[2];
  static struct rd_clock_changes ch;
  struct rd_clock_event ev = { -1, RD_STATE_REGISTERED, -1,
                               at("2026-11-20T17:50:00+08:00"), 0, false };

  d[0] = def("resolve", "registered", "resolved", "1d");
  d[0].warn_at = 0.5;
  d[0].n_steps = 3;
  d[0].steps[0] = (struct rd_escalation_step){ .on = RD_STEP_WARN, .notify = RD_NOTIFY_ASSIGNEE };
  d[0].steps[1] = (struct rd_escalation_step){ .on = RD_STEP_BREACH, .has_after = true,
                                              .after = { RD_TARGET_HOURS, 2 },
                                              .notify = RD_NOTIFY_MANAGER };
  d[0].steps[2] = (struct rd_escalation_step){ .on = RD_STEP_BREACH,
                                              .notify = RD_NOTIFY_GENERAL_MANAGER };
  d[1] = def("regulator", "registered", "resolved", "1cd");
  d[1].n_steps = 2;
  d[1].steps[0] = (struct rd_escalation_step){ .on = RD_STEP_BREACH, .anytime = true,
                                              .notify = RD_NOTIFY_GENERAL_MANAGER };
  d[1].steps[1] = (struct rd_escalation_step){ .on = RD_STEP_BREACH,
                                              .notify = RD_NOTIFY_MANAGER };
  for (int i = 0; i < 2; i++)
    assert_int_equal(rd_clock_def_validate(&d[i], "clocks[0]", &err), RD_OK);

  assert_int_equal(rd_clocks_step(d, 2, 1, &cal, NULL, 0, &ev, ev.at, &ch, &err), RD_OK);
  assert_int_equal(ch.n_started, 2);
  assert_int_equal(ch.n_steps[0], 3);
  expect_time(ch.steps[0][0].fire_at, "2026-11-23T14:05:00+08:00"); /* warning */
  expect_time(ch.steps[0][1].fire_at, "2026-11-24T10:50:00+08:00"); /* breach + 2 working h */
  expect_time(ch.steps[0][2].fire_at, "2026-11-23T17:50:00+08:00"); /* the breach itself */
  assert_int_equal(ch.steps[0][1].notify, RD_NOTIFY_MANAGER);
  assert_int_equal(ch.steps[0][1].step, 1);
  assert_int_equal(ch.n_steps[1], 2);
  expect_time(ch.steps[1][0].fire_at, "2026-11-21T17:50:00+08:00"); /* Saturday, anytime */
  expect_time(ch.steps[1][1].fire_at, "2026-11-23T09:00:00+08:00"); /* Monday morning */

  /* A warning step needs a warning point. */
  d[1].steps[1].on = RD_STEP_WARN;
  assert_int_equal(rd_clock_def_validate(&d[1], "clocks[1]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[1].escalate[1].on");
}

/* A clock paused while the plan waits for approval: the deadline moves out
 * by exactly the working time paused, and the warning with it. */
static void
test_pause_moves_the_deadline(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_error err = {0};
  static struct rd_clock_def d[1];
  static struct rd_clock_changes ch;
  struct rd_clock run;
  struct rd_clock_event ev = { -1, RD_STATE_REGISTERED, -1,
                               at("2026-11-23T09:00:00+08:00"), 4, false };

  d[0] = def("resolve", "registered", "resolved", "3d");
  d[0].warn_at = 0.8;
  d[0].pause = rd_event_parse("pending_approval");
  d[0].n_steps = 1;
  d[0].steps[0] = (struct rd_escalation_step){ .on = RD_STEP_BREACH, .notify = RD_NOTIFY_MANAGER };
  assert_int_equal(rd_clock_def_validate(&d[0], "clocks[0]", &err), RD_OK);
  assert_int_equal(rd_clocks_step(d, 1, 1, &cal, NULL, 0, &ev, ev.at, &ch, &err), RD_OK);
  run = ch.started[0];
  expect_time(run.due_at, "2026-11-25T18:00:00+08:00");
  expect_time(run.warn_at, "2026-11-25T12:00:00+08:00"); /* 18 of 22.5 hours */

  /* Monday 10:00 the plan goes to the approver: paused. */
  ev = (struct rd_clock_event){ RD_STATE_IN_PROGRESS, RD_STATE_PENDING_APPROVAL,
                                RD_ACT_PROPOSE_PLAN, at("2026-11-23T10:00:00+08:00"), 4, false };
  assert_int_equal(rd_clocks_step(d, 1, 1, &cal, &run, 1, &ev, 0, &ch, &err), RD_OK);
  assert_int_equal(ch.n_updated, 1);
  assert_int_equal(ch.how[0], RD_CLOCK_PAUSED_NOW);
  run = ch.updated[0];
  assert_int_equal(run.state, RD_CLOCK_PAUSED);
  /* Frozen while paused: 21.5 working hours left, however long it lasts. */
  assert_int_equal(rd_clock_remaining(&run, &cal, at("2026-11-27T10:00:00+08:00")), 77400);
  assert_int_equal(rd_clock_state_at(&run, at("2026-11-27T10:00:00+08:00")), RD_CLOCK_PAUSED);

  /* Approved at 12:00: 2 working hours later the deadline is Thursday 11:00. */
  ev = (struct rd_clock_event){ RD_STATE_PENDING_APPROVAL, RD_STATE_EXECUTING,
                                RD_ACT_APPROVE, at("2026-11-23T12:00:00+08:00"), 4, false };
  assert_int_equal(rd_clocks_step(d, 1, 1, &cal, &run, 1, &ev, 0, &ch, &err), RD_OK);
  assert_int_equal(ch.how[0], RD_CLOCK_RESUMED);
  run = ch.updated[0];
  assert_int_equal(run.state, RD_CLOCK_RUNNING);
  assert_int_equal(run.paused_at, 0);
  expect_time(run.due_at, "2026-11-26T11:00:00+08:00");
  expect_time(run.warn_at, "2026-11-25T15:30:00+08:00");
  assert_int_equal(ch.pause[0].working_seconds, 7200);
  assert_int_equal(ch.n_updated_steps[0], 1);
  expect_time(ch.updated_steps[0][0].fire_at, "2026-11-26T11:00:00+08:00");

  /* The pause states must be open states. */
  d[0].pause = rd_event_parse("closed");
  assert_int_equal(rd_clock_def_validate(&d[0], "clocks[0]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[0].pause_in");
  d[0].pause = rd_event_parse("approve");
  assert_int_equal(rd_clock_def_validate(&d[0], "clocks[0]", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[0].pause_in");
}

/* An extension gives the run a longer target from its start; its steps
 * follow; a shorter one, or a stopped run, is refused. */
static void
test_extension(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_error err = {0};
  static struct rd_clock_def d[1];
  static struct rd_clock_changes ch;
  struct rd_clock later;
  struct rd_clock_step steps[RD_CLOCK_STEPS_MAX];
  size_t n_steps = 0;
  struct rd_target t30 = { RD_TARGET_CALENDAR_DAYS, 30 }, t10 = { RD_TARGET_CALENDAR_DAYS, 10 };
  struct rd_clock_event ev = { -1, RD_STATE_REGISTERED, -1,
                               at("2026-11-25T10:00:00+08:00"), 0, false };

  d[0] = def("decide", "registered", "resolved", "15cd");
  d[0].warn_at = 0.8;
  d[0].n_steps = 1;
  d[0].steps[0] = (struct rd_escalation_step){ .on = RD_STEP_BREACH, .anytime = true,
                                              .notify = RD_NOTIFY_GENERAL_MANAGER };
  assert_int_equal(rd_clocks_step(d, 1, 1, &cal, NULL, 0, &ev, ev.at, &ch, &err), RD_OK);
  expect_time(ch.started[0].due_at, "2026-12-10T10:00:00+08:00");
  assert_int_equal(rd_clock_extend(&d[0], &ch.started[0], &cal, &t30, &later, steps,
                                   &n_steps, &err), RD_OK);
  expect_time(later.due_at, "2026-12-25T10:00:00+08:00");
  expect_time(later.warn_at, "2026-12-19T10:00:00+08:00"); /* 24 of 30 days */
  assert_int_equal(n_steps, 1);
  expect_time(steps[0].fire_at, "2026-12-25T10:00:00+08:00");
  assert_int_equal(rd_clock_extend(&d[0], &ch.started[0], &cal, &t10, &later, steps,
                                   &n_steps, &err), RD_E_INVALID);
  assert_string_equal(err.field, "target");
  struct rd_clock stopped = ch.started[0];
  stopped.state = RD_CLOCK_MET;
  assert_int_equal(rd_clock_extend(&d[0], &stopped, &cal, &t30, &later, steps,
                                   &n_steps, &err), RD_E_INVALID);
  assert_string_equal(err.field, "clock");
}

/* Another policy applies: same-named clocks are recomputed from their
 * start, others end. */
static void
test_reselect(void **state)
{
  (void)state;
  struct rd_calendar cal = office();
  struct rd_error err = {0};
  struct rd_clock runs[32];
  size_t n = 0;
  static struct rd_clock_def urgent[1];
  static struct rd_clock_changes ch;
  struct rd_clock_event ev = { RD_STATE_REGISTERED, RD_STATE_REGISTERED, -2,
                               at("2026-11-23T09:10:00+08:00"), 0, false };

  step(runs, &n, &cal, -1, RD_STATE_REGISTERED, -1, "2026-11-23T09:00:00+08:00",
       at("2026-11-23T09:00:00+08:00"));
  urgent[0] = def("resolve", "registered", "resolved", "1d");
  assert_int_equal(rd_clocks_reselect(urgent, 1, 99, &cal, runs, n, &ev, &ch, &err), RD_OK);
  assert_int_equal(ch.n_updated, 2);
  for (size_t i = 0; i < ch.n_updated; i++) {
    if (strcmp(ch.updated[i].name, "resolve") == 0) {
      assert_int_equal(ch.how[i], RD_CLOCK_RECOMPUTED);
      assert_int_equal(ch.updated[i].policy_id, 99);
      expect_time(ch.updated[i].due_at, "2026-11-23T18:00:00+08:00");
      expect_time(ch.pause[i].paused_at, "2026-11-25T18:00:00+08:00"); /* before */
    } else {
      assert_string_equal(ch.updated[i].name, "forward");
      assert_int_equal(ch.how[i], RD_CLOCK_STOPPED);
      assert_int_equal(ch.updated[i].state, RD_CLOCK_CANCELLED);
    }
  }
  /* Under the same policy nothing changes. */
  assert_int_equal(rd_clocks_reselect(urgent, 1, 11, &cal, runs, n, &ev, &ch, &err), RD_OK);
  assert_int_equal(ch.n_updated, 0);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_reselect),
  cmocka_unit_test(test_extension),
  cmocka_unit_test(test_pause_moves_the_deadline),
  cmocka_unit_test(test_escalation_step_times),
  cmocka_unit_test(test_events_and_definitions),
  cmocka_unit_test(test_registration_friday_evening),
  cmocka_unit_test(test_met_and_breached),
  cmocka_unit_test(test_recurring_progress_and_window),
  cmocka_unit_test(test_withdrawn_and_closed_early),
  cmocka_unit_test(test_round_the_clock_without_calendar),
};

RD_TEST_MAIN("core/clock", tests)
