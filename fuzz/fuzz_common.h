/* fuzz/fuzz_common.h - what every libFuzzer target shares.
 *
 * A target gets arbitrary bytes; the parsers take NUL-terminated text or a
 * (body, len) pair, so these helpers cut the input into pieces, and check
 * the invariants every fallible parser owes its caller: a failure fills
 * err with the status it returns and a message that names the problem,
 * in text a problem+json reply can carry (valid UTF-8). A broken invariant
 * aborts, which libFuzzer reports as a crash with the input saved.
 */
#ifndef RD_FUZZ_COMMON_H
#define RD_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/params.h"
#include "util/arena.h"
#include "util/status.h"

#define FUZZ_CHECK(cond)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
              #cond);                                                     \
      abort();                                                            \
    }                                                                     \
  } while (0)

/* A NUL-terminated copy of n bytes (text stops at an embedded NUL, as the
 * C strings the server hands its parsers do). */
static inline char *
fuzz_text(struct rd_arena *a, const uint8_t *data, size_t n)
{
  return rd_arena_strndup(a, (const char *)data, n);
}

/* The next '\n'-separated piece of [*data, *data + *size), consumed; the
 * rest of the input when there is no newline left. */
static inline char *
fuzz_line(struct rd_arena *a, const uint8_t **data, size_t *size)
{
  const uint8_t *nl = memchr(*data, '\n', *size);
  size_t n = nl ? (size_t)(nl - *data) : *size;
  char *s = fuzz_text(a, *data, n);
  *data += nl ? n + 1 : n;
  *size -= nl ? n + 1 : n;
  return s;
}

/* The invariants of an outcome: RD_OK leaves nothing to check; a failure
 * has err->code == rc, a non-empty English detail, terminated strings, and
 * a field that is valid UTF-8. (A detail may quote what the client sent,
 * invalid bytes and all: rd_reply_problem swaps such a detail for the
 * status's title, so only the field goes into the reply unchecked.) */
static inline void
fuzz_check_outcome(enum rd_status rc, const struct rd_error *err)
{
  FUZZ_CHECK((int)rc >= 0 && rc < RD_STATUS_COUNT);
  if (rc == RD_OK)
    return;
  FUZZ_CHECK(err->code == rc);
  FUZZ_CHECK(memchr(err->field, '\0', sizeof err->field) != NULL);
  FUZZ_CHECK(memchr(err->detail, '\0', sizeof err->detail) != NULL);
  FUZZ_CHECK(memchr(err->detail_zh, '\0', sizeof err->detail_zh) != NULL);
  FUZZ_CHECK(err->detail[0] != '\0');
  FUZZ_CHECK(rd_http_utf8_valid(err->field));
}

#endif
