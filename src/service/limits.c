/* service/limits.c - the shared rate-limit counters (store/store.h), with
 * the sweep of ended windows riding on the counts that create rows: no
 * scheduler job needed, and a quiet server has nothing to sweep. */
#include <stdatomic.h>

#include "service/service_int.h"
#include "util/log.h"

/* Ended windows are dropped this often per process; between sweeps the
 * table holds at most the keys counted in the last minute plus the live
 * windows, a few rows per active address. */
enum { SWEEP_EVERY_S = 60 };

static void
maybe_sweep(struct rd_service *svc, int64_t now)
{
  int64_t last = atomic_load(&svc->limits_swept_at);
  if (now - last < SWEEP_EVERY_S ||
      !atomic_compare_exchange_strong(&svc->limits_swept_at, &last, now))
    return;
  struct rd_error err = {0};
  int64_t removed = 0;
  if (rd_store_limit_sweep(svc->store, now, &removed, &err) != RD_OK)
    rd_log_warn("rate limits: sweep failed: %s", err.detail);
  else if (removed)
    rd_log_debug("rate limits: swept %lld ended windows", (long long)removed);
}

enum rd_status
rd_service_limit_take(struct rd_service *svc, const char *key, int max,
                      int window_s, int64_t now, bool *allowed,
                      int *retry_after_s, struct rd_error *err)
{
  maybe_sweep(svc, now);
  return rd_store_limit_take(svc->store, key, max, window_s, now, allowed,
                             retry_after_s, err);
}

enum rd_status
rd_service_limit_count(struct rd_service *svc, const char *key, int window_s,
                       int64_t now, struct rd_error *err)
{
  maybe_sweep(svc, now);
  return rd_store_limit_count(svc->store, key, window_s, now, err);
}

enum rd_status
rd_service_limit_check(struct rd_service *svc, const char *key, int max,
                       int64_t now, bool *allowed, int *retry_after_s,
                       struct rd_error *err)
{
  return rd_store_limit_check(svc->store, key, max, now, allowed, retry_after_s,
                              err);
}

enum rd_status
rd_service_limit_clear(struct rd_service *svc, const char *key,
                       struct rd_error *err)
{
  return rd_store_limit_clear(svc->store, key, err);
}
