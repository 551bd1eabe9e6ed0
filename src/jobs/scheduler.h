/* jobs/scheduler.h - the background work of a serving process: firing the
 * escalation steps that fall due (rd_service_sweep) and linking committed
 * audit rows into the chain (rd_service_audit_chain), once a second; and
 * the daily retention run (rd_service_retention_daily). */
#ifndef RD_JOBS_SCHEDULER_H
#define RD_JOBS_SCHEDULER_H

#include "util/status.h"

struct rd_service;
struct rd_scheduler;

/* Starts the scheduler thread: a sweep every interval_ms (and at once again
 * while a sweep finds a full batch); with retention_days > 0, the retention
 * policy at start and then daily (docs/retention.md), 0 = off. */
enum rd_status rd_scheduler_start(struct rd_service *svc, int interval_ms,
                                  int retention_days,
                                  struct rd_scheduler **out,
                                  struct rd_error *err);

/* Stops it, letting a sweep in progress finish; accepts NULL. */
void rd_scheduler_stop(struct rd_scheduler *s);

#endif
