/* util/time.h - instants as UTC Unix seconds, RFC 3339 text, and IANA zones.
 *
 * Zone offsets come from the ICU time-zone database (never hand-written tables);
 * each thread keeps its own cached calendar, so these calls are thread-safe.
 * Nothing here reads the clock except rd_time_now().
 */
#ifndef RD_UTIL_TIME_H
#define RD_UTIL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "util/status.h"

enum { RD_TIME_TEXT_MAX = 32 };

/* A civil date and time in some zone. */
struct rd_civil {
  int year, month, day;      /* month 1-12, day 1-31 */
  int hour, minute, second;
  int weekday;               /* 0 = Monday ... 6 = Sunday */
  int offset_s;              /* UTC offset in force, seconds east */
};

/* The current instant (wall clock). Only the outer layers call this; the
 * domain core is handed `now`. */
int64_t rd_time_now(void);

/* Current instant in milliseconds on a monotonic clock, for latencies. */
int64_t rd_time_mono_ms(void);

/* Parses "2026-11-20T17:50:00+08:00" (also "Z", fractional seconds ignored).
 * Returns RD_E_INVALID naming `field` when text is not RFC 3339 with an offset. */
enum rd_status rd_time_parse(const char *text, int64_t *out, const char *field,
                             struct rd_error *err);

/* Parses a date "2026-11-20" as local midnight in zone. */
enum rd_status rd_time_parse_date(const char *text, const char *zone,
                                  int64_t *out, const char *field,
                                  struct rd_error *err);

/* True when zone names an IANA time zone ICU knows. */
bool rd_tz_valid(const char *zone);

/* t seen in zone. Returns false (and UTC) when the zone is unknown. */
bool rd_time_civil(int64_t t, const char *zone, struct rd_civil *out);

/* Formats t as RFC 3339 in zone's offset at that instant into out
 * (RD_TIME_TEXT_MAX bytes), e.g. "2026-11-20T17:50:00+08:00". Returns out. */
char *rd_time_format(int64_t t, const char *zone, char *out);

#endif
