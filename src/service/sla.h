/* service/sla.h - the SLA configuration a use case needs (policies with
 * their parsed clocks, calendars, sites), and running a complaint's clocks
 * through a workflow step. Private to the service.
 *
 * The configuration is read from the store into an immutable snapshot that
 * use cases share: registering a complaint must not read three tables and
 * parse JSON each time. A snapshot is replaced when this process saves a
 * policy, calendar or site, and otherwise after SNAPSHOT_TTL_MS, so that
 * changes made through another server process are seen within seconds.
 */
#ifndef RD_SERVICE_SLA_H
#define RD_SERVICE_SLA_H

#include <pthread.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/org.h"
#include "core/policy.h"
#include "service/service.h"
#include "store/store.h"

struct rd_arena;
struct rd_service;

struct rd_sla_snapshot {
  int refs;                      /* under rd_sla_cache.lock */
  uint64_t generation;
  int64_t loaded_ms;
  struct rd_arena *arena;
  struct rd_sla_policy *policies;
  size_t n_policies;
  struct rd_clock_def **defs;    /* per policy, parsed from clocks_json */
  size_t *n_defs;
  struct rd_calendar *calendars;
  size_t n_calendars;
  struct rd_site *sites;
  size_t n_sites;
};

struct rd_sla_cache {
  pthread_mutex_t lock;
  struct rd_sla_snapshot *current;
  uint64_t generation;           /* bumped by every local configuration save */
};

void rd_sla_cache_init(struct rd_sla_cache *c);
void rd_sla_cache_destroy(struct rd_sla_cache *c);

/* Marks the snapshot stale: a policy, calendar or site was saved. */
void rd_sla_cache_changed(struct rd_sla_cache *c);

/* A current snapshot, held until rd_svc_sla_release. */
enum rd_status rd_svc_sla_acquire(struct rd_service *svc,
                                  struct rd_sla_snapshot **out,
                                  struct rd_error *err);
void rd_svc_sla_release(struct rd_service *svc, struct rd_sla_snapshot *s);

/* Parses a policy's "clocks" (a JSON array) into definitions from a;
 * RD_E_INVALID naming the field ("clocks[1].target"). */
enum rd_status rd_svc_parse_clocks(const char *json, struct rd_arena *a,
                                   struct rd_clock_def **out, size_t *n,
                                   struct rd_error *err);

/* The calendar id in s (NULL when 0 or unknown). */
const struct rd_calendar *rd_sla_calendar(const struct rd_sla_snapshot *s,
                                          int64_t id);

/* ev->action for an edit of descriptive fields: only a change of policy
 * can touch the clocks. */
enum { RD_CLOCK_EDIT = -2 };

/* The calendar c's clocks count on (NULL: round the clock). */
const struct rd_calendar *rd_sla_calendar_for(const struct rd_sla_snapshot *s,
                                              const struct rd_complaint *c);

/* Severity from which a complaint is major (SPEC §1: 5 = 重大). */
enum { RD_SEVERITY_MAJOR = 5 };

/* A complaint that became major (registered, or triaged, with severity
 * RD_SEVERITY_MAJOR; it was below before) outside its calendar's working
 * time: the general managers (approvers) in users are notified at once
 * (complaint.after_hours) and the alert goes on the timeline. Nothing
 * otherwise. */
enum rd_status rd_svc_after_hours_alert(struct rd_tx *tx,
                                        const struct rd_sla_snapshot *s,
                                        const struct rd_complaint *c,
                                        int previous_severity, int64_t at,
                                        const struct rd_user *users,
                                        size_t n_users, struct rd_arena *a,
                                        struct rd_error *err);

/* Runs complaint c's clocks through ev inside tx: the policy that applies
 * to c as it is now gives the definitions (running clocks of another
 * policy are recomputed with it first, on the timeline as
 * clock.recomputed), the calendar is the policy's, else c's site's, else
 * the first calendar, else round the clock. New runs count from start_from
 * at registration. `fresh`: c has no runs yet. Sets c->due_at (stored
 * too) to the soonest deadline of its running clocks. */
enum rd_status rd_svc_clocks_step(struct rd_tx *tx,
                                  const struct rd_sla_snapshot *s,
                                  struct rd_complaint *c,
                                  const struct rd_clock_event *ev,
                                  int64_t start_from, bool fresh,
                                  struct rd_arena *a, struct rd_error *err);

/* Fills the clocks of n views (the latest run of each clock, its state
 * and remaining working time at the service's now). */
enum rd_status rd_svc_views_clocks(struct rd_service *svc,
                                   struct rd_complaint_view *views, size_t n,
                                   struct rd_arena *a, struct rd_error *err);

/* The clock runs a new complaint c starts (c->id not yet known), computed
 * before its write so that the calendar arithmetic stays off the store's
 * writer. */
enum rd_status rd_svc_clocks_at_registration(const struct rd_sla_snapshot *s,
                                             const struct rd_complaint *c,
                                             int64_t now,
                                             struct rd_clock_changes *out,
                                             struct rd_error *err);

/* Inserts those runs for the complaint, setting their ids. */
enum rd_status rd_svc_clocks_insert(struct rd_tx *tx, int64_t complaint_id,
                                    struct rd_clock_changes *ch,
                                    struct rd_error *err);

/* Shows a new complaint's clocks from the runs just inserted. */
void rd_svc_view_new_clocks(struct rd_service *svc,
                            const struct rd_sla_snapshot *s,
                            struct rd_complaint_view *view,
                            const struct rd_clock_changes *ch,
                            struct rd_arena *a);

#endif
