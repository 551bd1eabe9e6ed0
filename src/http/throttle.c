/* http/throttle.c - request counts per key in a window (see throttle.h).
 *
 * No cache in front of the database: a cached "allowed" on one node would
 * let an address past a limit another node has already reached, and the
 * callers can afford the round trip (a sign-in failure already costs an
 * argon2id hash, tens of ms; a portal request costs a write of its own or
 * a lookup, and one more small statement is a fraction of that; figures in
 * docs/http.md). */
#include "http/throttle.h"

#include <stdlib.h>

#include "service/service.h"
#include "util/log.h"
#include "util/mem.h"

struct rd_throttle {
  struct rd_service *svc;
};

struct rd_throttle *
rd_throttle_new(struct rd_service *svc)
{
  struct rd_throttle *t = rd_xcalloc(1, sizeof *t);
  t->svc = svc;
  return t;
}

void
rd_throttle_free(struct rd_throttle *t)
{
  free(t);
}

/* Fails open (see throttle.h): the caller proceeds, the log says why. */
static bool
failed_open(const char *what, const struct rd_error *err, int *retry_after_s)
{
  rd_log_warn("rate limit %s failed, letting the request through: %s", what,
              err->detail);
  if (retry_after_s)
    *retry_after_s = 0;
  return true;
}

bool
rd_throttle_check(struct rd_throttle *t, const char *key, int max, int64_t now,
                  int *retry_after_s)
{
  struct rd_error err = {0};
  bool ok = true;
  if (rd_service_limit_check(t->svc, key, max, now, &ok, retry_after_s, &err) != RD_OK)
    return failed_open("check", &err, retry_after_s);
  return ok;
}

void
rd_throttle_count(struct rd_throttle *t, const char *key, int window_s,
                  int64_t now)
{
  struct rd_error err = {0};
  if (rd_service_limit_count(t->svc, key, window_s, now, &err) != RD_OK)
    failed_open("count", &err, NULL);
}

bool
rd_throttle_take(struct rd_throttle *t, const char *key, int max, int window_s,
                 int64_t now, int *retry_after_s)
{
  struct rd_error err = {0};
  bool ok = true;
  if (rd_service_limit_take(t->svc, key, max, window_s, now, &ok, retry_after_s,
                            &err) != RD_OK)
    return failed_open("take", &err, retry_after_s);
  return ok;
}

void
rd_throttle_clear(struct rd_throttle *t, const char *key)
{
  struct rd_error err = {0};
  if (rd_service_limit_clear(t->svc, key, &err) != RD_OK)
    failed_open("clear", &err, NULL);
}
