/* core/clock.h - SLA clocks: what an SLA policy's clocks are, and what a
 * workflow step does to a complaint's running clocks.
 *
 * A clock definition (one entry of a policy's "clocks") names the events
 * that start and stop it: an event is a state entered ("assigned",
 * "resolved") or an action taken ("progress", "explain"). A clock counts a
 * target of working time on a calendar (core/calendar.h); "restart_on"
 * makes it recurring (each such action ends the run and starts the next:
 * a progress report every 3 working days); "opens_after" gives it a window
 * (a follow-up visit between day 5 and day 7).
 *
 * Each start makes a new run of the clock (a reopened complaint runs its
 * clocks again); a run ends met (stopped by its due time), breached
 * (stopped, or still running, after it) or cancelled (the complaint was
 * withdrawn or merged). Pure: the service loads the runs, calls
 * rd_clocks_step and writes what it returns.
 */
#ifndef RD_CORE_CLOCK_H
#define RD_CORE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/calendar.h"
#include "core/complaint.h"

enum {
  RD_CLOCKS_MAX = 16,        /* clocks per policy */
  RD_CLOCK_NAME_MAX = 32,
  RD_CLOCK_STEPS_MAX = 8     /* escalation steps per clock */
};

/* An event bit: states first, then actions. */
typedef uint32_t rd_event_mask;
#define RD_EV_STATE(s)  ((rd_event_mask)1u << (s))
#define RD_EV_ACTION(a) ((rd_event_mask)1u << (RD_STATE_COUNT + (a)))
/* Not an event but a condition, for pause_in: waiting for the customer. */
#define RD_EV_WAITING   ((rd_event_mask)1u << (RD_STATE_COUNT + RD_ACT_COUNT))

/* When an escalation step fires: at the warning point or at the breach
 * (the due time), plus `after` (working time on the clock's calendar, or
 * calendar days), moved to the next working moment unless `anytime`. */
enum rd_step_on { RD_STEP_WARN, RD_STEP_BREACH };

/* Whom a step notifies. */
#define RD_NOTIFY_TABLE(X)                                  \
  X(RD_NOTIFY_ASSIGNEE,        "assignee")                  \
  X(RD_NOTIFY_MANAGER,         "department_manager")        \
  X(RD_NOTIFY_GENERAL_MANAGER, "general_manager")

enum rd_notify {
#define RD_X(c, n) c,
  RD_NOTIFY_TABLE(RD_X)
#undef RD_X
  RD_NOTIFY_COUNT
};

const char *rd_notify_name(enum rd_notify n);
bool rd_notify_parse(const char *name, enum rd_notify *out);

struct rd_escalation_step {
  enum rd_step_on on;
  bool has_after;
  struct rd_target after;
  enum rd_notify notify;
  bool anytime;               /* may fire outside working time */
};

struct rd_clock_def {
  char name[RD_CLOCK_NAME_MAX + 1];
  rd_event_mask start, stop, restart;
  rd_event_mask pause;        /* open states, or RD_EV_WAITING, in which the
                                 clock does not count */
  struct rd_target target;
  double warn_at;             /* fraction of the target, 0 = no warning */
  bool has_window;
  struct rd_target opens_after;
  size_t n_steps;
  struct rd_escalation_step steps[RD_CLOCK_STEPS_MAX];
};

/* Parses one event name (a state or an action, or "waiting" for pause_in)
 * into its bit; 0 if unknown. */
rd_event_mask rd_event_parse(const char *name);

/* Checks one definition; names the field under prefix ("clocks[2].stop"). */
enum rd_status rd_clock_def_validate(const struct rd_clock_def *d,
                                     const char *prefix, struct rd_error *err);

#define RD_CLOCK_STATE_TABLE(X)           \
  X(RD_CLOCK_RUNNING,   "running")        \
  X(RD_CLOCK_PAUSED,    "paused")         \
  X(RD_CLOCK_MET,       "met")            \
  X(RD_CLOCK_BREACHED,  "breached")       \
  X(RD_CLOCK_CANCELLED, "cancelled")

enum rd_clock_state {
#define RD_X(c, n) c,
  RD_CLOCK_STATE_TABLE(RD_X)
#undef RD_X
  RD_CLOCK_STATE_COUNT
};

const char *rd_clock_state_name(enum rd_clock_state s);
bool rd_clock_state_parse(const char *name, enum rd_clock_state *out);

/* One run of a clock on a complaint. */
struct rd_clock {
  int64_t id;
  int64_t complaint_id;
  const char *name;
  int run;                    /* 1, 2, ... per (complaint, name) */
  int64_t policy_id;          /* 0 = none */
  int64_t calendar_id;        /* 0 = round the clock */
  enum rd_clock_state state;
  int64_t started_at;         /* counting began (received_at at registration) */
  int64_t due_at;
  int64_t opens_at;           /* 0 = no window */
  int64_t warn_at;            /* 0 = no warning */
  int64_t stopped_at;         /* 0 while running */
  int64_t paused_at;          /* when it paused; 0 unless paused */
  int64_t department_id;      /* responsible: followed while the run is on
                                 time, so a breach stays with the department
                                 that had it when it fell due */
};

/* Whether a run is still counting (running or paused). */
bool rd_clock_open(const struct rd_clock *c);

/* What happened: the complaint went from `from` to `to` by `action` (or was
 * registered: from = -1, action = -1) at `at`. */
struct rd_clock_event {
  int from;                   /* an rd_state, or -1 at registration */
  enum rd_state to;
  int action;                 /* an rd_action_kind, or -1 at registration */
  int64_t at;
  int64_t department_id;      /* responsible after the step */
  bool waiting;               /* waiting for the customer after the step */
};

/* One escalation step of a run, with the instant it fires. */
struct rd_clock_step {
  int64_t id;
  int64_t clock_id;
  int step;                   /* index in the definition's steps */
  enum rd_step_on on;
  enum rd_notify notify;
  int64_t fire_at;
};

/* How a run changed. */
enum rd_clock_change {
  RD_CLOCK_STOPPED,           /* met, breached or cancelled: drop its pending steps */
  RD_CLOCK_PAUSED_NOW,        /* paused: its pending steps wait */
  RD_CLOCK_RESUMED,           /* counting again, due later by the paused time */
  RD_CLOCK_RECOMPUTED,        /* another policy applies now: new target, calendar */
  RD_CLOCK_REASSIGNED         /* another department is responsible for it now */
};

/* A paused interval, for the timeline. */
struct rd_clock_pause {
  int64_t paused_at, resumed_at;
  int64_t working_seconds;    /* of the calendar, inside the interval */
};

/* The changes a step makes: runs updated (with how, and for a resumed run
 * its escalation steps at their new times and the pause it ended) and runs
 * inserted (started, with their escalation steps). Arrays of at most
 * 2 * RD_CLOCKS_MAX. */
struct rd_clock_changes {
  size_t n_updated;
  struct rd_clock updated[2 * RD_CLOCKS_MAX];
  enum rd_clock_change how[2 * RD_CLOCKS_MAX];
  struct rd_clock_pause pause[2 * RD_CLOCKS_MAX];
  size_t n_updated_steps[2 * RD_CLOCKS_MAX];
  struct rd_clock_step updated_steps[2 * RD_CLOCKS_MAX][RD_CLOCK_STEPS_MAX];
  size_t n_started;
  struct rd_clock started[2 * RD_CLOCKS_MAX];
  size_t n_steps[2 * RD_CLOCKS_MAX];
  struct rd_clock_step steps[2 * RD_CLOCKS_MAX][RD_CLOCK_STEPS_MAX];
};

/* Applies ev to the runs of one complaint: stops the open runs ev stops
 * (met, or breached when ev comes after their due time), cancels every open
 * run when the complaint leaves the open states other than by closing,
 * restarts recurring ones, pauses running runs entering one of their pause
 * states and resumes paused ones leaving them (their due time, warning and
 * escalation steps move out by the working time paused), and starts each
 * clock ev starts that has no open run. Runs are matched to definitions by
 * name; a run whose clock the policy no longer has only stops or cancels. New runs count from start_from (the complaint's received_at at
 * registration, ev->at otherwise) on cal (NULL: round the clock).
 * RD_E_INVALID when a target cannot be reached on cal. */
enum rd_status rd_clocks_step(const struct rd_clock_def *defs, size_t n_defs,
                              int64_t policy_id, const struct rd_calendar *cal,
                              const struct rd_clock *runs, size_t n_runs,
                              const struct rd_clock_event *ev,
                              int64_t start_from,
                              struct rd_clock_changes *out,
                              struct rd_error *err);

/* A request to extend a clock run's deadline, and its decision. */
enum rd_extension_state { RD_EXT_REQUESTED, RD_EXT_GRANTED, RD_EXT_REFUSED };

struct rd_clock_extension {
  int64_t id;
  int64_t complaint_id;
  int64_t clock_id;
  const char *clock_name;     /* read with the run */
  int run;
  const char *target;         /* "30cd" */
  const char *reason;
  enum rd_extension_state state;
  int64_t requested_by, requested_at;
  int64_t decided_by, decided_at;
  const char *note;
  int64_t due_before, due_after;
};

const char *rd_extension_state_name(enum rd_extension_state s);

/* When a change of the complaint (severity, category, site, channel) makes
 * another policy apply: each open run started under another policy is
 * recomputed from its start with the clock of the same name in the new
 * policy (defs, policy_id, on cal; NULL: round the clock), or cancelled
 * (breached if already late) when the new policy has no such clock. The
 * previous due time of a recomputed run is in out->pause[k].paused_at. */
enum rd_status rd_clocks_reselect(const struct rd_clock_def *defs, size_t n_defs,
                                  int64_t policy_id, const struct rd_calendar *cal,
                                  const struct rd_clock *runs, size_t n_runs,
                                  const struct rd_clock_event *ev,
                                  struct rd_clock_changes *out,
                                  struct rd_error *err);

/* An extension of run r (the bank's 15 -> 30 -> 60 days): its target
 * becomes `target`, counted from the run's start, and its warning and
 * escalation steps follow (steps: RD_CLOCK_STEPS_MAX). RD_E_INVALID naming
 * "target" unless the new due time is later than the current one, or
 * "clock" when the run no longer counts. */
enum rd_status rd_clock_extend(const struct rd_clock_def *d,
                               const struct rd_clock *r,
                               const struct rd_calendar *cal,
                               const struct rd_target *target,
                               struct rd_clock *out,
                               struct rd_clock_step *steps, size_t *n_steps,
                               struct rd_error *err);

/* Working seconds left until c's due time at now on cal (negative: late by
 * that much; frozen while paused); 0 for a stopped run. */
int64_t rd_clock_remaining(const struct rd_clock *c,
                           const struct rd_calendar *cal, int64_t now);

/* The soonest due time among the runs still counting (running, not
 * paused): the complaint's deadline; 0 when none runs. */
int64_t rd_clocks_soonest_due(const struct rd_clock *runs, size_t n);

/* The state to show at now: a running run past its due time shows breached. */
enum rd_clock_state rd_clock_state_at(const struct rd_clock *c, int64_t now);

#endif
