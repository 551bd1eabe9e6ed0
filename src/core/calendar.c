/* core/calendar.c - working-time arithmetic on business calendars.
 *
 * The calendar is walked one local date at a time: each date's working
 * intervals (by weekday, holiday or make-up day) are turned into instants
 * through the zone's rules, and time is counted inside them. A working day
 * never crosses its local midnight (an interval ends at 24:00 at the
 * latest), so an instant belongs to exactly one date's intervals.
 */
#include "core/calendar.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"

static const char *const day_keys[7] = { "mon", "tue", "wed", "thu", "fri",
                                         "sat", "sun" };

/* ---- targets -------------------------------------------------------------------- */

enum rd_status
rd_target_parse(const char *text, struct rd_target *out, const char *field,
                struct rd_error *err)
{
  static const struct {
    const char *suffix;
    enum rd_target_unit unit;
    int64_t max; /* ten years of it, generously */
  } units[] = {
    { "cd", RD_TARGET_CALENDAR_DAYS, 3660 },
    { "m",  RD_TARGET_MINUTES,       5270400 },
    { "h",  RD_TARGET_HOURS,         87840 },
    { "d",  RD_TARGET_DAYS,          3660 },
  };
  const char *p = text;
  int64_t n = 0;

  if (text == NULL || *text == '\0')
    return rd_error_set(err, RD_E_INVALID, field,
                        "must be a time limit such as 30m, 2h, 3d or 15cd");
  while (*p >= '0' && *p <= '9') {
    if (n > 100000000)
      return rd_error_set(err, RD_E_INVALID, field, "is too long a time limit");
    n = n * 10 + (*p - '0');
    p++;
  }
  for (size_t i = 0; p != text && i < sizeof units / sizeof *units; i++) {
    if (strcmp(p, units[i].suffix) != 0)
      continue;
    if (n <= 0)
      return rd_error_set(err, RD_E_INVALID, field, "must be positive");
    if (n > units[i].max)
      return rd_error_set(err, RD_E_INVALID, field,
                          "is too long a time limit (at most %lld%s)",
                          (long long)units[i].max, units[i].suffix);
    out->unit = units[i].unit;
    out->n = n;
    return RD_OK;
  }
  return rd_error_set(err, RD_E_INVALID, field,
                      "must be a time limit such as 30m, 2h, 3d or 15cd");
}

char *
rd_target_format(const struct rd_target *t, char *out)
{
  static const char *const suffix[] = { "m", "h", "d", "cd" };
  snprintf(out, RD_TARGET_TEXT_MAX, "%" PRId64 "%s", t->n, suffix[t->unit]);
  return out;
}

/* ---- the calendar ---------------------------------------------------------------- */

static int64_t
hours_seconds(const struct rd_day_hours *h)
{
  int64_t s = 0;
  for (int i = 0; i < h->n; i++)
    s += (int64_t)(h->iv[i].end_min - h->iv[i].start_min) * 60;
  return s;
}

static enum rd_status
validate_hours(const struct rd_day_hours *h, const char *field,
               struct rd_error *err)
{
  if (h->n < 0 || h->n > RD_DAY_INTERVALS_MAX)
    return rd_error_set(err, RD_E_INVALID, field,
                        "at most %d working intervals a day", RD_DAY_INTERVALS_MAX);
  for (int i = 0; i < h->n; i++) {
    const struct rd_work_interval *iv = &h->iv[i];
    if (iv->start_min < 0 || iv->end_min > 1440 || iv->start_min >= iv->end_min)
      return rd_error_set(err, RD_E_INVALID, field,
                          "interval %d must start before it ends, within "
                          "00:00-24:00", i + 1);
    if (i > 0 && iv->start_min < h->iv[i - 1].end_min)
      return rd_error_set(err, RD_E_INVALID, field,
                          "interval %d must start after interval %d ends",
                          i + 1, i);
  }
  return RD_OK;
}

static bool
sorted_unique(const int32_t *d, size_t n)
{
  for (size_t i = 1; i < n; i++)
    if (d[i] <= d[i - 1])
      return false;
  return true;
}

static bool
contains(const int32_t *d, size_t n, int64_t date)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d[mid] < date)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && d[lo] == date;
}

enum rd_status
rd_calendar_validate(const struct rd_calendar *cal, struct rd_error *err)
{
  enum rd_status rc;
  char field[32];
  int64_t week = 0;

  if (cal->name == NULL || cal->name[0] == '\0')
    return rd_error_set(err, RD_E_INVALID, "name", "is required");
  if (cal->timezone == NULL || !rd_tz_valid(cal->timezone))
    return rd_error_set(err, RD_E_INVALID, "timezone",
                        "must be an IANA time zone such as Asia/Shanghai");
  for (int d = 0; d < 7; d++) {
    snprintf(field, sizeof field, "week.%s", day_keys[d]);
    if ((rc = validate_hours(&cal->week[d], field, err)))
      return rc;
    week += hours_seconds(&cal->week[d]);
  }
  if ((rc = validate_hours(&cal->workday_hours, "workday_hours", err)))
    return rc;
  if (week == 0)
    return rd_error_set(err, RD_E_INVALID, "week",
                        "must have working hours on at least one day");
  if (cal->n_holidays > RD_CALENDAR_DATES_MAX)
    return rd_error_set(err, RD_E_INVALID, "holidays", "at most %d dates",
                        RD_CALENDAR_DATES_MAX);
  if (cal->n_workdays > RD_CALENDAR_DATES_MAX)
    return rd_error_set(err, RD_E_INVALID, "workdays", "at most %d dates",
                        RD_CALENDAR_DATES_MAX);
  if (!sorted_unique(cal->holidays, cal->n_holidays))
    return rd_error_set(err, RD_E_INVALID, "holidays",
                        "dates must be given once each, in order");
  if (!sorted_unique(cal->workdays, cal->n_workdays))
    return rd_error_set(err, RD_E_INVALID, "workdays",
                        "dates must be given once each, in order");
  if (cal->n_workdays > 0 && cal->workday_hours.n == 0)
    return rd_error_set(err, RD_E_INVALID, "workday_hours",
                        "are required when there are make-up working days");
  for (size_t i = 0; i < cal->n_workdays; i++)
    if (contains(cal->holidays, cal->n_holidays, cal->workdays[i])) {
      char date[RD_DATE_TEXT_MAX];
      return rd_error_set(err, RD_E_INVALID, "workdays",
                          "%s is also a holiday",
                          rd_date_format(cal->workdays[i], date));
    }
  return RD_OK;
}

int64_t
rd_calendar_day_seconds(const struct rd_calendar *cal)
{
  /* The most common non-zero length among Monday-Friday, longest on a tie;
   * the whole week when Monday-Friday has none. */
  for (int days = 5; days <= 7; days += 2) {
    int64_t best = 0;
    int best_count = 0;
    for (int i = 0; i < days; i++) {
      int64_t len = hours_seconds(&cal->week[i]);
      int count = 0;
      if (len == 0)
        continue;
      for (int j = 0; j < days; j++)
        count += hours_seconds(&cal->week[j]) == len;
      if (count > best_count || (count == best_count && len > best)) {
        best = len;
        best_count = count;
      }
    }
    if (best > 0)
      return best;
  }
  return 0;
}

const struct rd_day_hours *
rd_calendar_hours_on(const struct rd_calendar *cal, int64_t date)
{
  static const struct rd_day_hours none = { 0 };
  if (contains(cal->holidays, cal->n_holidays, date))
    return &none;
  if (contains(cal->workdays, cal->n_workdays, date))
    return &cal->workday_hours;
  return &cal->week[rd_weekday(date)];
}

/* The working intervals of a date as instants [s[i], e[i]); how many. */
static int
day_instants(const struct rd_calendar *cal, int64_t date, int64_t *s,
             int64_t *e)
{
  const struct rd_day_hours *h = rd_calendar_hours_on(cal, date);
  int n = 0;

  for (int i = 0; i < h->n; i++) {
    int64_t a, b;
    if (!rd_time_from_local(cal->timezone, date, h->iv[i].start_min * 60, &a) ||
        !rd_time_from_local(cal->timezone, date, h->iv[i].end_min * 60, &b))
      continue;
    if (b > a) { /* an interval a DST change swallowed has no time */
      s[n] = a;
      e[n] = b;
      n++;
    }
  }
  return n;
}

static enum rd_status
out_of_reach(struct rd_error *err)
{
  return rd_error_set(err, RD_E_INVALID, "target",
                      "is not reached within %d days on this calendar",
                      RD_CALENDAR_SEARCH_DAYS);
}

enum rd_status
rd_calendar_add(const struct rd_calendar *cal, int64_t from, int64_t seconds,
                int64_t *due, struct rd_error *err)
{
  int64_t date = rd_time_local_date(from, cal->timezone);
  int64_t s[RD_DAY_INTERVALS_MAX], e[RD_DAY_INTERVALS_MAX];

  for (int k = 0; k < RD_CALENDAR_SEARCH_DAYS; k++, date++) {
    int n = day_instants(cal, date, s, e);
    for (int i = 0; i < n; i++) {
      int64_t start = s[i] > from ? s[i] : from;
      if (e[i] <= start)
        continue;
      /* <=: used up exactly at the end of an interval is due at that end. */
      if (seconds <= e[i] - start) {
        *due = start + seconds;
        return RD_OK;
      }
      seconds -= e[i] - start;
    }
  }
  return out_of_reach(err);
}

enum rd_status
rd_calendar_due(const struct rd_calendar *cal, int64_t from,
                const struct rd_target *target, int64_t *due,
                struct rd_error *err)
{
  int64_t seconds;

  switch (target->unit) {
  case RD_TARGET_CALENDAR_DAYS: {
    struct rd_civil c;
    int64_t date;
    rd_time_civil(from, cal->timezone, &c);
    date = rd_days_from_civil(c.year, c.month, c.day) + target->n;
    if (!rd_time_from_local(cal->timezone, date,
                            c.hour * 3600 + c.minute * 60 + c.second, due))
      return rd_error_set(err, RD_E_INVALID, "timezone", "unknown time zone");
    return RD_OK;
  }
  default:
    break;
  }
  seconds = rd_target_working_seconds(cal, target);
  if (seconds <= 0)
    return out_of_reach(err);
  return rd_calendar_add(cal, from, seconds, due, err);
}

int64_t
rd_target_working_seconds(const struct rd_calendar *cal,
                          const struct rd_target *t)
{
  switch (t->unit) {
  case RD_TARGET_MINUTES: return t->n * 60;
  case RD_TARGET_HOURS:   return t->n * 3600;
  case RD_TARGET_DAYS:    return t->n * rd_calendar_day_seconds(cal);
  default:                return 0;
  }
}

int64_t
rd_calendar_elapsed(const struct rd_calendar *cal, int64_t from, int64_t to)
{
  int64_t total = 0, date, last;
  int64_t s[RD_DAY_INTERVALS_MAX], e[RD_DAY_INTERVALS_MAX];

  if (to <= from)
    return 0;
  date = rd_time_local_date(from, cal->timezone);
  last = rd_time_local_date(to, cal->timezone);
  for (; date <= last; date++) {
    int n = day_instants(cal, date, s, e);
    for (int i = 0; i < n; i++) {
      int64_t a = s[i] > from ? s[i] : from;
      int64_t b = e[i] < to ? e[i] : to;
      if (b > a)
        total += b - a;
    }
  }
  return total;
}

bool
rd_calendar_is_working(const struct rd_calendar *cal, int64_t t)
{
  int64_t s[RD_DAY_INTERVALS_MAX], e[RD_DAY_INTERVALS_MAX];
  int n = day_instants(cal, rd_time_local_date(t, cal->timezone), s, e);
  for (int i = 0; i < n; i++)
    if (t >= s[i] && t < e[i])
      return true;
  return false;
}

enum rd_status
rd_calendar_next_working(const struct rd_calendar *cal, int64_t t,
                         int64_t *out, struct rd_error *err)
{
  int64_t date = rd_time_local_date(t, cal->timezone);
  int64_t s[RD_DAY_INTERVALS_MAX], e[RD_DAY_INTERVALS_MAX];

  for (int k = 0; k < RD_CALENDAR_SEARCH_DAYS; k++, date++) {
    int n = day_instants(cal, date, s, e);
    for (int i = 0; i < n; i++)
      if (e[i] > t) {
        *out = s[i] > t ? s[i] : t;
        return RD_OK;
      }
  }
  return out_of_reach(err);
}
