/* util/time.c - RFC 3339 parsing (pure arithmetic) and zone lookups via ICU. */
#include "util/time.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

int64_t
rd_time_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec;
}

int64_t
rd_time_mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

int64_t
rd_days_from_civil(int year, int month, int day)
{
  return days_from_civil(year, (unsigned)month, (unsigned)day);
}

int
rd_weekday(int64_t days)
{
  /* 1970-01-01 was a Thursday (weekday 3 with Monday = 0). */
  return (int)(((days % 7) + 7 + 3) % 7);
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int
days_in_month(int y, int m)
{
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

static bool
digits(const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

static bool
parse_date_part(const char *s, int *y, int *mo, int *d)
{
  return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, mo) &&
         s[7] == '-' && digits(s + 8, 2, d) && *mo >= 1 && *mo <= 12 &&
         *d >= 1 && *d <= days_in_month(*y, *mo) && *y >= 1900 && *y <= 9999;
}

enum rd_status
rd_time_parse(const char *text, int64_t *out, const char *field,
              struct rd_error *err)
{
  int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 1;
  const char *s = text;
  if (!s || strlen(s) < 20 || !parse_date_part(s, &y, &mo, &d) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
      s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
      !digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 60)
    goto bad;
  s += 19;
  if (*s == '.') {
    s++;
    if (*s < '0' || *s > '9')
      goto bad;
    while (*s >= '0' && *s <= '9')
      s++;
  }
  if (*s == 'Z' || *s == 'z') {
    s++;
  } else if (*s == '+' || *s == '-') {
    sign = *s == '-' ? -1 : 1;
    if (!digits(s + 1, 2, &oh) || s[3] != ':' || !digits(s + 4, 2, &om) ||
        oh > 23 || om > 59)
      goto bad;
    s += 6;
  } else {
    goto bad;
  }
  if (*s)
    goto bad;
  if (sec == 60)
    sec = 59; /* a leap second is read as the second before it */
  *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
         mi * 60 + sec - sign * (oh * 3600 + om * 60);
  return RD_OK;
bad:
  return rd_error_set(err, RD_E_INVALID, field,
                      "must be an RFC 3339 time with offset, such as "
                      "2026-11-20T17:50:00+08:00");
}

/* One cached ICU calendar per thread; reopened only when the zone changes.
 * A thread-specific key closes it when the thread exits (the HTTP server
 * runs a thread per connection, so these come and go). */
static _Thread_local UCalendar *cached_cal;
static _Thread_local char cached_zone[64];
static pthread_key_t cal_key;
static pthread_once_t cal_key_once = PTHREAD_ONCE_INIT;

static void
close_calendar(void *cal)
{
  ucal_close(cal);
}

static void
make_cal_key(void)
{
  pthread_key_create(&cal_key, close_calendar);
}

static UCalendar *
calendar_for(const char *zone)
{
  if (cached_cal && strcmp(cached_zone, zone) == 0)
    return cached_cal;
  UChar uzone[64];
  UErrorCode status = U_ZERO_ERROR;
  if (strlen(zone) >= sizeof cached_zone)
    return NULL;
  u_uastrncpy(uzone, zone, 63);
  uzone[63] = 0;
  /* ICU silently falls back to GMT for unknown ids: check the id first. */
  UChar canonical[64];
  UBool system_id = 0;
  ucal_getCanonicalTimeZoneID(uzone, -1, canonical, 64, &system_id, &status);
  if (U_FAILURE(status) || !system_id)
    return NULL;
  UCalendar *cal = ucal_open(uzone, -1, "en_US_POSIX", UCAL_GREGORIAN, &status);
  if (U_FAILURE(status))
    return NULL;
  if (cached_cal)
    ucal_close(cached_cal);
  cached_cal = cal;
  pthread_once(&cal_key_once, make_cal_key);
  pthread_setspecific(cal_key, cal);
  snprintf(cached_zone, sizeof cached_zone, "%s", zone);
  return cal;
}

bool
rd_tz_valid(const char *zone)
{
  return zone && *zone && calendar_for(zone) != NULL;
}

/* Howard Hinnant's civil_from_days. */
void
rd_civil_from_days(int64_t days, int *year, int *month, int *day)
{
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = (int)(y + (m <= 2));
  *month = (int)m;
  *day = (int)d;
}

static void
civil_utc(int64_t t, int offset_s, struct rd_civil *out)
{
  int64_t local = t + offset_s;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  rd_civil_from_days(days, &out->year, &out->month, &out->day);
  out->hour = (int)(secs / 3600);
  out->minute = (int)(secs / 60 % 60);
  out->second = (int)(secs % 60);
  out->weekday = rd_weekday(days);
  out->offset_s = offset_s;
}

/* The offset in force over [from, to) in one zone, remembered per thread:
 * a list of complaints renders hundreds of instants, nearly all within one
 * stretch between two transitions, and asking ICU for each is the slow part. */
static _Thread_local struct {
  char zone[64];
  int64_t from, to;
  int offset_s;
} span;

/* The transition of cal's zone before (inclusive) or after t, in Unix
 * seconds; the given fallback when the zone has none that way. */
static int64_t
transition(UCalendar *cal, UTimeZoneTransitionType type, int64_t fallback)
{
  UErrorCode status = U_ZERO_ERROR;
  UDate when = 0;
  if (!ucal_getTimeZoneTransitionDate(cal, type, &when, &status) || U_FAILURE(status))
    return fallback;
  /* Transitions fall on whole seconds; round towards the span's inside. */
  return type == UCAL_TZ_TRANSITION_NEXT ? (int64_t)(when / 1000.0)
                                         : (int64_t)((when + 999.0) / 1000.0);
}

bool
rd_time_civil(int64_t t, const char *zone, struct rd_civil *out)
{
  if (zone && t >= span.from && t < span.to && strcmp(zone, span.zone) == 0) {
    civil_utc(t, span.offset_s, out);
    return true;
  }
  UCalendar *cal = zone ? calendar_for(zone) : NULL;
  int offset_ms = 0;
  bool ok = false;
  if (cal) {
    UErrorCode status = U_ZERO_ERROR;
    ucal_setMillis(cal, (UDate)t * 1000.0, &status);
    int32_t zone_ms = ucal_get(cal, UCAL_ZONE_OFFSET, &status);
    int32_t dst_ms = ucal_get(cal, UCAL_DST_OFFSET, &status);
    if (U_SUCCESS(status)) {
      offset_ms = zone_ms + dst_ms;
      ok = true;
      span.from = transition(cal, UCAL_TZ_TRANSITION_PREVIOUS_INCLUSIVE, INT64_MIN);
      span.to = transition(cal, UCAL_TZ_TRANSITION_NEXT, INT64_MAX);
      span.offset_s = offset_ms / 1000;
      if (t < span.from || t >= span.to)
        span.to = span.from; /* ICU disagreed with itself: cache nothing */
      snprintf(span.zone, sizeof span.zone, "%s", zone);
    }
  }
  civil_utc(t, offset_ms / 1000, out);
  return ok;
}

enum rd_status
rd_time_parse_date(const char *text, const char *zone, int64_t *out,
                   const char *field, struct rd_error *err)
{
  int y, mo, d;
  if (!text || strlen(text) != 10 || !parse_date_part(text, &y, &mo, &d))
    return rd_error_set(err, RD_E_INVALID, field,
                        "must be a date such as 2026-11-20");
  int64_t guess = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
  /* Two rounds settle the offset even across a transition at midnight. */
  struct rd_civil c;
  rd_time_civil(guess, zone, &c);
  int64_t t = guess - c.offset_s;
  rd_time_civil(t, zone, &c);
  *out = guess - c.offset_s;
  return RD_OK;
}

enum rd_status
rd_date_parse(const char *text, int64_t *days, const char *field,
              struct rd_error *err)
{
  int y, mo, d;
  if (!text || strlen(text) != 10 || !parse_date_part(text, &y, &mo, &d))
    return rd_error_set(err, RD_E_INVALID, field,
                        "must be a date such as 2026-10-01");
  *days = days_from_civil(y, (unsigned)mo, (unsigned)d);
  return RD_OK;
}

char *
rd_date_format(int64_t days, char *out)
{
  int y, m, d;
  rd_civil_from_days(days, &y, &m, &d);
  snprintf(out, RD_DATE_TEXT_MAX, "%04d-%02d-%02d", y, m, d);
  return out;
}

int64_t
rd_time_local_date(int64_t t, const char *zone)
{
  struct rd_civil c;
  rd_time_civil(t, zone, &c);
  return days_from_civil(c.year, (unsigned)c.month, (unsigned)c.day);
}

/* Local dates on which the zone's offset does not change, remembered per
 * thread: working-time arithmetic turns the same few dates' interval
 * boundaries into instants again and again, and on such a date that is
 * plain arithmetic. Dates with a transition go to ICU. */
enum { PLAIN_DAYS = 16 };
static _Thread_local struct {
  char zone[64];
  int64_t date;
  int offset_s;
} plain_days[PLAIN_DAYS];
static _Thread_local unsigned plain_next;

/* Whether zone's offset is the same all through local date (and a day
 * either side, which covers any offset); *offset_s it. */
static bool
plain_day(const char *zone, int64_t date, int *offset_s)
{
  struct rd_civil c;
  int64_t noon = date * 86400 + 43200;

  for (unsigned i = 0; i < PLAIN_DAYS; i++)
    if (plain_days[i].date == date && strcmp(plain_days[i].zone, zone) == 0) {
      *offset_s = plain_days[i].offset_s;
      return true;
    }
  if (strlen(zone) >= sizeof plain_days[0].zone || !rd_time_civil(noon, zone, &c))
    return false;
  /* rd_time_civil left the span of this offset in `span`. */
  if (strcmp(span.zone, zone) != 0 || span.from > noon - 2 * 86400 ||
      span.to < noon + 2 * 86400)
    return false;
  unsigned k = plain_next++ % PLAIN_DAYS;
  snprintf(plain_days[k].zone, sizeof plain_days[k].zone, "%s", zone);
  plain_days[k].date = date;
  plain_days[k].offset_s = c.offset_s;
  *offset_s = c.offset_s;
  return true;
}

bool
rd_time_from_local(const char *zone, int64_t date, int second_of_day,
                   int64_t *out)
{
  UCalendar *cal;
  UErrorCode status = U_ZERO_ERROR;
  int y, m, d, offset_s;

  if (zone == NULL)
    return false;
  date += second_of_day / 86400;
  second_of_day %= 86400;
  if (plain_day(zone, date, &offset_s)) {
    *out = date * 86400 + second_of_day - offset_s;
    return true;
  }
  if ((cal = calendar_for(zone)) == NULL)
    return false;
  rd_civil_from_days(date, &y, &m, &d);
  ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
  ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
  ucal_clear(cal);
  ucal_setDateTime(cal, y, m - 1, d, second_of_day / 3600,
                   second_of_day / 60 % 60, second_of_day % 60, &status);
  UDate ms = ucal_getMillis(cal, &status);
  if (U_FAILURE(status))
    return false;
  *out = (int64_t)(ms / 1000.0);
  return true;
}

char *
rd_time_format(int64_t t, const char *zone, char *out)
{
  struct rd_civil c;
  rd_time_civil(t, zone, &c);
  int off = c.offset_s < 0 ? -c.offset_s : c.offset_s;
  if (c.offset_s == 0 && (!zone || strcmp(zone, "UTC") == 0))
    snprintf(out, RD_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year,
             c.month, c.day, c.hour, c.minute, c.second);
  else
    snprintf(out, RD_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
             c.year, c.month, c.day, c.hour, c.minute, c.second,
             c.offset_s < 0 ? '-' : '+', off / 3600, off / 60 % 60);
  return out;
}
