/* http/throttle.h - counting requests per key in a time window, to refuse
 * with 429 past a limit (failed sign-ins, the public portal).
 *
 * A thin front on the service's shared counters (rd_service_limit_*, kept
 * in the database), so every server node on one database counts together
 * and a proxy may send any request to any node. Owned by struct rd_http;
 * borrows the service. Keys are short texts chosen by the caller
 * ("ip:203.0.113.5"). When the database cannot count, the request is let
 * through (and a warning logged): a limit must not turn an outage of the
 * counters into an outage of sign-in or the portal.
 */
#ifndef RD_HTTP_THROTTLE_H
#define RD_HTTP_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum { RD_THROTTLE_KEY_MAX = RD_LIMIT_KEY_MAX };  /* longer keys are cut */

struct rd_service;
struct rd_throttle;

struct rd_throttle *rd_throttle_new(struct rd_service *svc);
void rd_throttle_free(struct rd_throttle *t);   /* accepts NULL */

/* Whether key has counted fewer than max in its current window; when not,
 * *retry_after_s (>= 1) says when its window ends. Counts nothing. */
bool rd_throttle_check(struct rd_throttle *t, const char *key, int max,
                       int64_t now, int *retry_after_s);

/* Counts one against key; its window (window_s long) starts at its first
 * count and a new one starts once it has passed. */
void rd_throttle_count(struct rd_throttle *t, const char *key, int window_s,
                       int64_t now);

/* rd_throttle_check, and when allowed rd_throttle_count, atomically (one
 * statement in the database): for limits on every attempt rather than on
 * failures. */
bool rd_throttle_take(struct rd_throttle *t, const char *key, int max,
                      int window_s, int64_t now, int *retry_after_s);

/* Forgets key's count. */
void rd_throttle_clear(struct rd_throttle *t, const char *key);

#endif
