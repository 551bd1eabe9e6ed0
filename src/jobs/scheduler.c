/* jobs/scheduler.c - one thread that sweeps for due escalation steps,
 * links committed audit rows into the chain (PostgreSQL; one node's
 * scheduler at a time does it, the others find the head taken and go on)
 * and, when a retention age is set, runs the retention policy once a day
 * (one node of several: rd_service_retention_daily claims the day). */
#include "jobs/scheduler.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "service/service.h"
#include "util/log.h"
#include "util/mem.h"

enum { BATCH = 500 };

/* Seconds of the service's clock between retention claims: a day after a
 * run this node did; after one another node did (the claim found the day
 * taken), a little while, so a node that took over sees the next day soon
 * without writing every second. On the service's clock, not the wall's:
 * tests move it (REDRESS_FAKE_NOW). */
enum { RETENTION_AFTER_RUN_S = 86400, RETENTION_RETRY_S = 600 };

struct rd_scheduler {
  struct rd_service *svc;
  int interval_ms;
  int retention_days;          /* 0 = the retention policy is off */
  int64_t retention_next;      /* service time of the next claim attempt */
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stopping;
};

/* Claims and runs today's retention when its time has come. */
static void
retention_tick(struct rd_scheduler *s)
{
  int64_t now = rd_service_now(s->svc);
  if (s->retention_days <= 0 || now < s->retention_next)
    return;
  struct rd_retention_report r;
  struct rd_error err = {0};
  bool ran = false;
  if (rd_service_retention_daily(s->svc, s->retention_days, &ran, &r, &err) != RD_OK) {
    rd_log_error("scheduler: retention failed (retrying later): %s", err.detail);
    s->retention_next = now + RETENTION_RETRY_S;
    return;
  }
  s->retention_next = now + (ran ? RETENTION_AFTER_RUN_S : RETENTION_RETRY_S);
  if (ran)
    rd_log_info("scheduler: retention anonymised %lld complaint%s closed over %d days ago",
                (long long)r.anonymised, r.anonymised == 1 ? "" : "s",
                s->retention_days);
}

static void *
scheduler_main(void *arg)
{
  struct rd_scheduler *s = arg;
  bool failing = false;

  pthread_mutex_lock(&s->lock);
  while (!s->stopping) {
    struct rd_error err = {0};
    size_t fired = 0;
    pthread_mutex_unlock(&s->lock);
    enum rd_status rc = rd_service_sweep(s->svc, BATCH, &fired, &err);
    if (rc != RD_OK && !failing)
      rd_log_error("scheduler: sweep failed (retrying): %s", err.detail);
    else if (rc == RD_OK && failing)
      rd_log_info("scheduler: sweeps work again");
    failing = rc != RD_OK;
    struct rd_error cerr = {0};
    if (rd_service_audit_chain(s->svc, &cerr) != RD_OK)
      rd_log_warn("scheduler: audit chaining failed (retrying): %s", cerr.detail);
    retention_tick(s);
    if (fired > 0)
      rd_log_info("scheduler: %zu escalation step%s fired", fired,
                  fired == 1 ? "" : "s");
    pthread_mutex_lock(&s->lock);
    if (rc == RD_OK && fired == BATCH)
      continue; /* more are due */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->interval_ms / 1000;
    until.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    if (!s->stopping)
      pthread_cond_timedwait(&s->wake, &s->lock, &until);
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

enum rd_status
rd_scheduler_start(struct rd_service *svc, int interval_ms, int retention_days,
                   struct rd_scheduler **out, struct rd_error *err)
{
  struct rd_scheduler *s = rd_xcalloc(1, sizeof *s);
  s->svc = svc;
  s->retention_days = retention_days > 0 ? retention_days : 0;
  s->interval_ms = interval_ms > 0 ? interval_ms : 1000;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  if (pthread_create(&s->thread, NULL, scheduler_main, s) != 0) {
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s);
    *out = NULL;
    return rd_error_set(err, RD_E_INTERNAL, "", "cannot start the scheduler");
  }
  *out = s;
  return RD_OK;
}

void
rd_scheduler_stop(struct rd_scheduler *s)
{
  if (s == NULL)
    return;
  pthread_mutex_lock(&s->lock);
  s->stopping = true;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->wake);
  free(s);
}
