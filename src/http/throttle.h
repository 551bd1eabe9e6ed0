/* http/throttle.h - counting requests per key in a time window, to refuse
 * with 429 past a limit (failed sign-ins, the public portal).
 *
 * A fixed table in this process's memory, thread-safe; owned by struct
 * rd_http. Keys are short texts chosen by the caller ("ip:203.0.113.5").
 * Behind several server processes each counts on its own (issue 5 will
 * share the counts); the limits then hold per process.
 */
#ifndef RD_HTTP_THROTTLE_H
#define RD_HTTP_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

enum { RD_THROTTLE_KEY_MAX = 96 };  /* longer keys are cut */

struct rd_throttle;

struct rd_throttle *rd_throttle_new(void);
void rd_throttle_free(struct rd_throttle *t);   /* accepts NULL */

/* Whether key has counted fewer than max in its current window; when not,
 * *retry_after_s (>= 1) says when its window ends. Counts nothing. */
bool rd_throttle_check(struct rd_throttle *t, const char *key, int max,
                       int64_t now, int *retry_after_s);

/* Counts one against key; its window (window_s long) starts at its first
 * count and a new one starts once it has passed. */
void rd_throttle_count(struct rd_throttle *t, const char *key, int window_s,
                       int64_t now);

/* rd_throttle_check, and when allowed rd_throttle_count, under one lock:
 * for limits on every attempt rather than on failures. */
bool rd_throttle_take(struct rd_throttle *t, const char *key, int max,
                      int window_s, int64_t now, int *retry_after_s);

/* Forgets key's count. */
void rd_throttle_clear(struct rd_throttle *t, const char *key);

#endif
