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

/* Civil dates as days since 1970-01-01 (proleptic Gregorian), and back. */
int64_t rd_days_from_civil(int year, int month, int day);
void rd_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Weekday of a day number: 0 = Monday ... 6 = Sunday. */
int rd_weekday(int64_t days);

/* Parses a date "2026-10-01" into a day number; RD_E_INVALID naming field. */
enum rd_status rd_date_parse(const char *text, int64_t *days, const char *field,
                             struct rd_error *err);

enum { RD_DATE_TEXT_MAX = 11 };

/* Formats a day number as "2026-10-01" into out (RD_DATE_TEXT_MAX bytes). */
char *rd_date_format(int64_t days, char *out);

/* The local date of t in zone, as a day number (UTC's when the zone is
 * unknown). */
int64_t rd_time_local_date(int64_t t, const char *zone);

/* The instant of a local wall time in zone: date (a day number) and the
 * seconds after its midnight (0 to 86400, 86400 being the next midnight).
 * A wall time a daylight-saving change skips gives the first valid instant
 * after the gap; one that occurs twice, the first. False when the zone is
 * unknown. */
bool rd_time_from_local(const char *zone, int64_t date, int second_of_day,
                        int64_t *out);

/* t seen in zone. Returns false (and UTC) when the zone is unknown. */
bool rd_time_civil(int64_t t, const char *zone, struct rd_civil *out);

/* Formats t as RFC 3339 in zone's offset at that instant into out
 * (RD_TIME_TEXT_MAX bytes), e.g. "2026-11-20T17:50:00+08:00". Returns out. */
char *rd_time_format(int64_t t, const char *zone, char *out);

#endif
