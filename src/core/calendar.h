/* core/calendar.h - business calendars and working-time arithmetic.
 *
 * Every time limit of the seeds is counted in effective working time (有效工
 * 作时间): the working intervals of each weekday with their breaks, minus
 * public holidays, plus make-up working days (调休) that have their own hours,
 * in the calendar's IANA time zone. This module answers two questions:
 * when is a target of working time used up from a given instant (due), and
 * how much working time lies between two instants (elapsed).
 *
 * Pure: instants are UTC Unix seconds handed in; local dates and times are
 * converted through util/time (the system time-zone database via ICU), so a
 * calendar in America/Los_Angeles counts real seconds across its daylight
 * saving changes.
 */
#ifndef RD_CORE_CALENDAR_H
#define RD_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

enum {
  RD_DAY_INTERVALS_MAX = 8,    /* working intervals in one day */
  RD_CALENDAR_DATES_MAX = 3660, /* holidays (or make-up days) per calendar */
  RD_CALENDAR_SEARCH_DAYS = 3660 /* how far due() looks for working time */
};

/* [start, end) in minutes after local midnight; end may be 1440 (24:00). */
struct rd_work_interval {
  int start_min, end_min;
};

/* A day's working hours: intervals in order, not overlapping. */
struct rd_day_hours {
  int n;
  struct rd_work_interval iv[RD_DAY_INTERVALS_MAX];
};

/* Dates are civil dates as days since 1970-01-01 (util/time). */
struct rd_calendar {
  int64_t id;
  const char *name;
  const char *timezone;               /* IANA zone, e.g. "Asia/Shanghai" */
  struct rd_day_hours week[7];        /* Monday = 0 ... Sunday = 6 */
  struct rd_day_hours workday_hours;  /* hours of a make-up working day */
  size_t n_holidays;
  const int32_t *holidays;            /* sorted ascending, no duplicates */
  size_t n_workdays;
  const int32_t *workdays;            /* sorted ascending, no duplicates */
  int64_t version;
};

/* A target: N working minutes / hours / days, or N calendar days. */
enum rd_target_unit {
  RD_TARGET_MINUTES,      /* "30m" */
  RD_TARGET_HOURS,        /* "2h" */
  RD_TARGET_DAYS,         /* "3d": N normal working days of the calendar */
  RD_TARGET_CALENDAR_DAYS /* "15cd": same local time N dates later */
};

struct rd_target {
  enum rd_target_unit unit;
  int64_t n;
};

enum { RD_TARGET_TEXT_MAX = 24 };

/* Parses "30m", "2h", "3d", "15cd" (a positive whole number and a unit);
 * RD_E_INVALID naming field otherwise. */
enum rd_status rd_target_parse(const char *text, struct rd_target *out,
                               const char *field, struct rd_error *err);

/* "30m" etc. into out (RD_TARGET_TEXT_MAX bytes); returns out. */
char *rd_target_format(const struct rd_target *t, char *out);

/* Checks a calendar a client sent: a known time zone, intervals within a
 * day, in order and not overlapping, at least some working time in the
 * week, no date both a holiday and a make-up day. Names the field. */
enum rd_status rd_calendar_validate(const struct rd_calendar *cal,
                                    struct rd_error *err);

/* Working seconds of the calendar's normal working day: the length most
 * Monday-to-Friday days have (the longest such on a tie), else of any day
 * of the week. What "1d" means. */
int64_t rd_calendar_day_seconds(const struct rd_calendar *cal);

/* The hours that apply on a date: none on a holiday, the make-up hours on a
 * make-up day, else the weekday's. */
const struct rd_day_hours *rd_calendar_hours_on(const struct rd_calendar *cal,
                                                int64_t date);

/* The instant when target is used up counting from `from`: working targets
 * count working time only (a start outside it counts from the next working
 * moment; a target used up exactly at the end of an interval is due at that
 * end); calendar days give the same local time N dates later.
 * RD_E_INVALID when the calendar has no working time within
 * RD_CALENDAR_SEARCH_DAYS days. */
enum rd_status rd_calendar_due(const struct rd_calendar *cal, int64_t from,
                               const struct rd_target *target, int64_t *due,
                               struct rd_error *err);

/* The instant `seconds` (> 0) of working time after from; as
 * rd_calendar_due for a working target. */
enum rd_status rd_calendar_add(const struct rd_calendar *cal, int64_t from,
                               int64_t seconds, int64_t *out,
                               struct rd_error *err);

/* Working seconds a working target stands for on cal (minutes, hours, or
 * days of rd_calendar_day_seconds); 0 for calendar days. */
int64_t rd_target_working_seconds(const struct rd_calendar *cal,
                                  const struct rd_target *t);

/* Working seconds in [from, to); 0 when to <= from. */
int64_t rd_calendar_elapsed(const struct rd_calendar *cal, int64_t from,
                            int64_t to);

/* Whether t falls inside working time. */
bool rd_calendar_is_working(const struct rd_calendar *cal, int64_t t);

/* The first working moment at or after t (t itself when working);
 * RD_E_INVALID as for rd_calendar_due. */
enum rd_status rd_calendar_next_working(const struct rd_calendar *cal,
                                        int64_t t, int64_t *out,
                                        struct rd_error *err);

#endif
