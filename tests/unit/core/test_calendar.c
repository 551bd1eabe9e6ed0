/* Unit tests of core/calendar: working-time arithmetic on business calendars
 * with lunch breaks, weekends, the official PRC 2025 and 2026 holiday
 * schedules with their make-up working days (国务院办公厅 notices of
 * 2024-11-12 and 2025-11-04), a seven-day venue, daylight saving time in
 * America/Los_Angeles, and calendar-day targets. */
#include "../../testing.h"

#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "util/time.h"

/* ---- calendars ------------------------------------------------------------------- */

static const struct rd_day_hours office_day = {
  2, { { 9 * 60, 12 * 60 }, { 13 * 60 + 30, 18 * 60 } }
};
static const struct rd_day_hours no_hours = { 0 };

/* Dates of the two notices: holidays, and the weekend days worked instead. */
static const char *const prc_holidays[] = {
  /* 2025 */
  "2025-01-01",
  "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01",
  "2025-02-02", "2025-02-03", "2025-02-04",
  "2025-04-04", "2025-04-05", "2025-04-06",
  "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05",
  "2025-05-31", "2025-06-01", "2025-06-02",
  "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05",
  "2025-10-06", "2025-10-07", "2025-10-08",
  /* 2026 */
  "2026-01-01", "2026-01-02", "2026-01-03",
  "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
  "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
  "2026-04-04", "2026-04-05", "2026-04-06",
  "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
  "2026-06-19", "2026-06-20", "2026-06-21",
  "2026-09-25", "2026-09-26", "2026-09-27",
  "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
  "2026-10-06", "2026-10-07",
};
static const char *const prc_workdays[] = {
  "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
  "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
  "2026-10-10",
};

static int
cmp_date(const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static int32_t *
dates(const char *const *text, size_t n)
{
  int32_t *d = calloc(n, sizeof *d);
  struct rd_error err = {0};
  for (size_t i = 0; i < n; i++) {
    int64_t v;
    assert_int_equal(rd_date_parse(text[i], &v, "date", &err), RD_OK);
    d[i] = (int32_t)v;
  }
  qsort(d, n, sizeof *d, cmp_date);
  return d;
}

/* Headquarters in Beijing: Monday to Friday 09:00-12:00 and 13:30-18:00,
 * the PRC holidays, make-up days on the same hours. */
static struct rd_calendar
office(void)
{
  static int32_t *hol, *work;
  struct rd_calendar c = { .id = 1, .name = "总部工作日", .timezone = "Asia/Shanghai" };
  if (hol == NULL) {
    hol = dates(prc_holidays, sizeof prc_holidays / sizeof *prc_holidays);
    work = dates(prc_workdays, sizeof prc_workdays / sizeof *prc_workdays);
  }
  for (int d = 0; d < 5; d++)
    c.week[d] = office_day;
  c.week[5] = c.week[6] = no_hours;
  c.workday_hours = office_day;
  c.holidays = hol;
  c.n_holidays = sizeof prc_holidays / sizeof *prc_holidays;
  c.workdays = work;
  c.n_workdays = sizeof prc_workdays / sizeof *prc_workdays;
  return c;
}

/* A swimming venue: open 06:00-22:00 every day, holidays included. */
static struct rd_calendar
venue(void)
{
  struct rd_calendar c = { .id = 2, .name = "游泳馆", .timezone = "Asia/Shanghai" };
  for (int d = 0; d < 7; d++)
    c.week[d] = (struct rd_day_hours){ 1, { { 6 * 60, 22 * 60 } } };
  return c;
}

/* An office in Los Angeles, Monday to Friday 09:00-17:00. */
static struct rd_calendar
los_angeles(bool all_day)
{
  struct rd_calendar c = { .id = 3, .name = "LA", .timezone = "America/Los_Angeles" };
  for (int d = 0; d < 7; d++)
    c.week[d] = all_day || d < 5
                  ? (struct rd_day_hours){ 1, { { all_day ? 0 : 9 * 60,
                                                  all_day ? 24 * 60 : 17 * 60 } } }
                  : no_hours;
  return c;
}

/* ---- helpers ------------------------------------------------------------------- */

static int64_t
at(const char *text)
{
  struct rd_error err = {0};
  int64_t t = 0;
  assert_int_equal(rd_time_parse(text, &t, "t", &err), RD_OK);
  return t;
}

static void
expect_due(const struct rd_calendar *cal, const char *from, const char *target,
           const char *want)
{
  struct rd_target tg;
  struct rd_error err = {0};
  char got[RD_TIME_TEXT_MAX];
  int64_t due = 0;

  assert_int_equal(rd_target_parse(target, &tg, "target", &err), RD_OK);
  assert_int_equal(rd_calendar_due(cal, at(from), &tg, &due, &err), RD_OK);
  rd_time_format(due, cal->timezone, got);
  if (strcmp(got, want) != 0)
    fail_msg("%s + %s: due %s, want %s", from, target, got, want);
}

static void
expect_elapsed(const struct rd_calendar *cal, const char *from, const char *to,
               int64_t want)
{
  int64_t got = rd_calendar_elapsed(cal, at(from), at(to));
  if (got != want)
    fail_msg("elapsed %s .. %s: %lld s, want %lld s", from, to, (long long)got,
             (long long)want);
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_targets(void **state)
{
  (void)state;
  struct rd_target t;
  struct rd_error err = {0};
  char text[RD_TARGET_TEXT_MAX];
  const char *good[] = { "30m", "2h", "3d", "15cd", "1m", "3660cd" };
  const char *bad[] = { "", "0m", "-5m", "5", "m", "5x", "3 d", "3dd", "d3",
                        "99999999999999d", "3661cd", "2.5h", "+2h", "5M" };

  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    assert_int_equal(rd_target_parse(good[i], &t, "target", &err), RD_OK);
    assert_string_equal(rd_target_format(&t, text), good[i]);
  }
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    if (rd_target_parse(bad[i], &t, "target", &err) != RD_E_INVALID)
      fail_msg("target \"%s\" was accepted", bad[i]);
    assert_string_equal(err.field, "target");
  }
  assert_int_equal(rd_target_parse(NULL, &t, "clocks[0].target", &err), RD_E_INVALID);
  assert_string_equal(err.field, "clocks[0].target");
}

static void
test_start_inside_at_start_at_end_in_break(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* Monday 2026-11-23 */
  expect_due(&c, "2026-11-23T10:00:00+08:00", "30m", "2026-11-23T10:30:00+08:00");
  expect_due(&c, "2026-11-23T09:00:00+08:00", "2h", "2026-11-23T11:00:00+08:00");
  expect_due(&c, "2026-11-23T08:15:00+08:00", "2h", "2026-11-23T11:00:00+08:00");
  /* at the end of the morning: the afternoon */
  expect_due(&c, "2026-11-23T12:00:00+08:00", "30m", "2026-11-23T14:00:00+08:00");
  /* inside the lunch break */
  expect_due(&c, "2026-11-23T12:30:00+08:00", "30m", "2026-11-23T14:00:00+08:00");
  /* across the break */
  expect_due(&c, "2026-11-23T11:30:00+08:00", "1h", "2026-11-23T14:00:00+08:00");
  /* at the end of the day: the next morning */
  expect_due(&c, "2026-11-23T18:00:00+08:00", "30m", "2026-11-24T09:30:00+08:00");
  expect_due(&c, "2026-11-23T23:59:59+08:00", "1m", "2026-11-24T09:01:00+08:00");
  /* an instant given in another offset is the same instant */
  expect_due(&c, "2026-11-23T02:00:00Z", "30m", "2026-11-23T10:30:00+08:00");
}

static void
test_target_used_up_at_the_end_of_an_interval(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  expect_due(&c, "2026-11-23T09:00:00+08:00", "3h", "2026-11-23T12:00:00+08:00");
  expect_due(&c, "2026-11-23T09:00:00+08:00", "1d", "2026-11-23T18:00:00+08:00");
  expect_due(&c, "2026-11-23T09:00:00+08:00", "3d", "2026-11-25T18:00:00+08:00");
  expect_due(&c, "2026-11-23T13:30:00+08:00", "270m", "2026-11-23T18:00:00+08:00");
  assert_int_equal(rd_calendar_day_seconds(&c), 27000); /* 7.5 hours */
}

static void
test_friday_evening(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* API.md's example: Friday 17:50 + 30 working minutes = Monday 09:20 */
  expect_due(&c, "2026-11-20T17:50:00+08:00", "30m", "2026-11-23T09:20:00+08:00");
  expect_due(&c, "2026-11-20T19:00:00+08:00", "2h", "2026-11-23T11:00:00+08:00");
  expect_due(&c, "2026-11-21T10:00:00+08:00", "30m", "2026-11-23T09:30:00+08:00");
  /* 1d from Friday 14:00: 4 h on Friday, 3.5 h on Monday */
  expect_due(&c, "2026-11-20T14:00:00+08:00", "1d", "2026-11-23T14:00:00+08:00");
  expect_elapsed(&c, "2026-11-20T17:50:00+08:00", "2026-11-23T09:20:00+08:00", 1800);
}

static void
test_holiday_week_and_make_up_days_2026(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* National Day 2026: 10-01 (Thu) to 10-07 off; 09-20 (Sun) and 10-10
   * (Sat) worked. */
  expect_due(&c, "2026-09-30T17:00:00+08:00", "2h", "2026-10-08T10:00:00+08:00");
  expect_due(&c, "2026-10-09T17:00:00+08:00", "2h", "2026-10-10T10:00:00+08:00");
  expect_due(&c, "2026-09-18T17:00:00+08:00", "2h", "2026-09-20T10:00:00+08:00");
  /* Mid-Autumn 09-25..27: Thursday evening to Monday */
  expect_due(&c, "2026-09-24T17:30:00+08:00", "1h", "2026-09-28T09:30:00+08:00");
  /* Spring Festival 2026: 02-15 to 02-23 off, 02-14 and 02-28 (Sat) worked */
  expect_due(&c, "2026-02-13T17:00:00+08:00", "4h", "2026-02-14T12:00:00+08:00");
  expect_due(&c, "2026-02-14T17:00:00+08:00", "2h", "2026-02-24T10:00:00+08:00");
  expect_due(&c, "2026-02-27T18:00:00+08:00", "30m", "2026-02-28T09:30:00+08:00");
  /* Labour Day: 05-01 (Fri) to 05-05 off, 05-09 (Sat) worked */
  expect_due(&c, "2026-04-30T18:00:00+08:00", "4d", "2026-05-09T18:00:00+08:00");
  expect_elapsed(&c, "2026-04-30T18:00:00+08:00", "2026-05-11T09:00:00+08:00",
                 4 * 27000);
  /* Qingming 04-04..06 (Sat-Mon), Dragon Boat 06-19..21 (Fri-Sun) */
  expect_due(&c, "2026-04-03T17:00:00+08:00", "2h", "2026-04-07T10:00:00+08:00");
  expect_due(&c, "2026-06-18T17:00:00+08:00", "2h", "2026-06-22T10:00:00+08:00");
}

static void
test_prc_2025(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* New Year 2025: Wednesday 01-01 only */
  expect_due(&c, "2024-12-31T17:00:00+08:00", "2h", "2025-01-02T10:00:00+08:00");
  /* Spring Festival: 01-28 to 02-04 off; Sunday 01-26 and Saturday 02-08 worked */
  expect_due(&c, "2025-01-24T17:00:00+08:00", "1d", "2025-01-26T17:00:00+08:00");
  expect_due(&c, "2025-01-27T18:00:00+08:00", "30m", "2025-02-05T09:30:00+08:00");
  expect_due(&c, "2025-02-07T18:00:00+08:00", "30m", "2025-02-08T09:30:00+08:00");
  /* Labour Day: 05-01 to 05-05 off, Sunday 04-27 worked */
  expect_due(&c, "2025-04-25T18:00:00+08:00", "30m", "2025-04-27T09:30:00+08:00");
  expect_due(&c, "2025-04-30T18:00:00+08:00", "30m", "2025-05-06T09:30:00+08:00");
  /* Dragon Boat 05-31..06-02 */
  expect_due(&c, "2025-05-30T18:00:00+08:00", "30m", "2025-06-03T09:30:00+08:00");
  /* National Day and Mid-Autumn: 10-01 to 10-08 off, 09-28 (Sun) and 10-11
   * (Sat) worked */
  expect_due(&c, "2025-09-26T18:00:00+08:00", "30m", "2025-09-28T09:30:00+08:00");
  expect_due(&c, "2025-09-30T18:00:00+08:00", "1h", "2025-10-09T10:00:00+08:00");
  expect_due(&c, "2025-10-10T18:00:00+08:00", "1h", "2025-10-11T10:00:00+08:00");
  /* the whole of October 2025: 23 weekdays - 6 holidays + 1 make-up day */
  expect_elapsed(&c, "2025-10-01T00:00:00+08:00", "2025-11-01T00:00:00+08:00",
                 18 * 27000);
}

static void
test_year_end(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* 2025-12-31 (Wed) -> 2026-01-01..03 off -> Sunday 01-04 worked */
  expect_due(&c, "2025-12-31T17:00:00+08:00", "2h", "2026-01-04T10:00:00+08:00");
  expect_due(&c, "2025-12-31T09:00:00+08:00", "2d", "2026-01-04T18:00:00+08:00");
  expect_elapsed(&c, "2025-12-31T00:00:00+08:00", "2026-01-06T00:00:00+08:00",
                 3 * 27000);
  /* a calendar without holidays simply rolls over */
  struct rd_calendar plain = c;
  plain.n_holidays = plain.n_workdays = 0;
  expect_due(&plain, "2026-12-31T17:00:00+08:00", "2h", "2027-01-01T10:00:00+08:00");
}

static void
test_seven_day_venue(void **state)
{
  (void)state;
  struct rd_calendar c = venue();
  assert_int_equal(rd_calendar_day_seconds(&c), 16 * 3600);
  expect_due(&c, "2026-11-21T21:30:00+08:00", "1h", "2026-11-22T06:30:00+08:00");
  expect_due(&c, "2026-11-22T06:00:00+08:00", "1d", "2026-11-22T22:00:00+08:00");
  expect_due(&c, "2026-11-22T05:00:00+08:00", "30m", "2026-11-22T06:30:00+08:00");
  /* weekends and (absent) holidays are working days here */
  expect_due(&c, "2026-10-01T10:00:00+08:00", "20h", "2026-10-02T14:00:00+08:00");
  expect_elapsed(&c, "2026-11-21T00:00:00+08:00", "2026-11-23T00:00:00+08:00",
                 32 * 3600);
}

static void
test_daylight_saving_los_angeles(void **state)
{
  (void)state;
  struct rd_calendar c = los_angeles(false);
  /* 2026-03-08 02:00 PST -> 03:00 PDT; Friday 16:00 + 2 h = Monday 10:00 */
  expect_due(&c, "2026-03-06T16:00:00-08:00", "2h", "2026-03-09T10:00:00-07:00");
  expect_elapsed(&c, "2026-03-06T16:00:00-08:00", "2026-03-09T10:00:00-07:00", 7200);
  /* 2026-11-01 02:00 PDT -> 01:00 PST */
  expect_due(&c, "2026-10-30T16:00:00-07:00", "2h", "2026-11-02T10:00:00-08:00");
  assert_int_equal(rd_calendar_day_seconds(&c), 8 * 3600);

  /* Round the clock: the short and the long day have 23 and 25 hours. */
  struct rd_calendar all = los_angeles(true);
  expect_elapsed(&all, "2026-03-08T00:00:00-08:00", "2026-03-09T00:00:00-07:00",
                 23 * 3600);
  expect_elapsed(&all, "2026-11-01T00:00:00-07:00", "2026-11-02T00:00:00-08:00",
                 25 * 3600);
  expect_due(&all, "2026-03-08T00:00:00-08:00", "3h", "2026-03-08T04:00:00-07:00");
  expect_due(&all, "2026-11-01T00:00:00-07:00", "3h", "2026-11-01T02:00:00-08:00");

  /* Calendar days keep the local time across the change. */
  expect_due(&c, "2026-03-07T10:00:00-08:00", "1cd", "2026-03-08T10:00:00-07:00");
  expect_due(&c, "2026-10-31T10:00:00-07:00", "1cd", "2026-11-01T10:00:00-08:00");
  /* 02:30 does not exist on 2026-03-08: the first moment after the gap */
  expect_due(&c, "2026-03-07T02:30:00-08:00", "1cd", "2026-03-08T03:00:00-07:00");
}

static void
test_calendar_days_across_holidays(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* The bank rule: decide within 15 calendar days, holidays counted. */
  expect_due(&c, "2026-09-30T10:00:00+08:00", "15cd", "2026-10-15T10:00:00+08:00");
  expect_due(&c, "2026-02-10T16:20:00+08:00", "15cd", "2026-02-25T16:20:00+08:00");
  /* outside working time too: calendar days do not wait for it */
  expect_due(&c, "2026-10-03T23:00:00+08:00", "1cd", "2026-10-04T23:00:00+08:00");
  expect_due(&c, "2026-01-31T12:00:00+08:00", "30cd", "2026-03-02T12:00:00+08:00");
  expect_due(&c, "2025-12-20T08:00:00+08:00", "60cd", "2026-02-18T08:00:00+08:00");
}

static void
test_elapsed_across_make_up_day(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  /* Friday 02-13 and make-up Saturday 02-14, then the Spring Festival */
  expect_elapsed(&c, "2026-02-13T09:00:00+08:00", "2026-02-24T09:00:00+08:00",
                 2 * 27000);
  /* part of the make-up day, across its lunch break */
  expect_elapsed(&c, "2026-02-14T11:00:00+08:00", "2026-02-14T14:00:00+08:00",
                 3600 + 1800);
  /* an ordinary Saturday has none */
  expect_elapsed(&c, "2026-02-07T00:00:00+08:00", "2026-02-08T00:00:00+08:00", 0);
  /* empty and reversed ranges */
  expect_elapsed(&c, "2026-02-13T10:00:00+08:00", "2026-02-13T10:00:00+08:00", 0);
  expect_elapsed(&c, "2026-02-13T11:00:00+08:00", "2026-02-13T10:00:00+08:00", 0);
  /* a half-open range: [10:00, 10:00:01) holds one second */
  expect_elapsed(&c, "2026-02-13T10:00:00+08:00", "2026-02-13T10:00:01+08:00", 1);
}

static void
test_working_moments(void **state)
{
  (void)state;
  struct rd_calendar c = office();
  struct rd_error err = {0};
  char text[RD_TIME_TEXT_MAX];
  int64_t next;

  assert_true(rd_calendar_is_working(&c, at("2026-11-23T09:00:00+08:00")));
  assert_false(rd_calendar_is_working(&c, at("2026-11-23T12:00:00+08:00")));
  assert_false(rd_calendar_is_working(&c, at("2026-11-22T10:00:00+08:00")));
  assert_true(rd_calendar_is_working(&c, at("2026-02-14T10:00:00+08:00")));
  assert_false(rd_calendar_is_working(&c, at("2026-10-05T10:00:00+08:00")));
  assert_int_equal(rd_calendar_next_working(&c, at("2026-11-20T18:00:00+08:00"),
                                            &next, &err), RD_OK);
  assert_string_equal(rd_time_format(next, c.timezone, text),
                      "2026-11-23T09:00:00+08:00");
  assert_int_equal(rd_calendar_next_working(&c, at("2026-11-23T10:15:00+08:00"),
                                            &next, &err), RD_OK);
  assert_string_equal(rd_time_format(next, c.timezone, text),
                      "2026-11-23T10:15:00+08:00");
}

static void
test_validation(void **state)
{
  (void)state;
  struct rd_error err = {0};
  struct rd_calendar c = office();
  int32_t both[] = { 0 };

  assert_int_equal(rd_calendar_validate(&c, &err), RD_OK);
  assert_int_equal(rd_calendar_validate(&(struct rd_calendar){ 0 }, &err), RD_E_INVALID);
  assert_string_equal(err.field, "name");

  c.timezone = "Asia/Beijing"; /* not an IANA zone */
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "timezone");

  c = office();
  c.week[2].iv[1].start_min = 11 * 60; /* overlaps the morning */
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "week.wed");

  c = office();
  c.week[4].iv[0] = (struct rd_work_interval){ 12 * 60, 9 * 60 };
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "week.fri");

  c = office();
  c.week[0].iv[1].end_min = 1441;
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "week.mon");

  c = office();
  for (int d = 0; d < 7; d++)
    c.week[d] = no_hours;
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "week");

  c = office();
  both[0] = c.workdays[0];
  c.holidays = both;
  c.n_holidays = 1;
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "workdays");
  assert_non_null(strstr(err.detail, "2025-01-26"));

  c = office();
  c.workday_hours = no_hours;
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "workday_hours");

  int32_t unsorted[] = { 20000, 19999 };
  c = office();
  c.holidays = unsorted;
  c.n_holidays = 2;
  assert_int_equal(rd_calendar_validate(&c, &err), RD_E_INVALID);
  assert_string_equal(err.field, "holidays");
}

static void
test_out_of_reach(void **state)
{
  (void)state;
  struct rd_error err = {0};
  struct rd_calendar c = office();
  struct rd_target tg = { RD_TARGET_DAYS, 3660 };
  int64_t due;
  /* 3660 working days do not fit in 3660 calendar days */
  assert_int_equal(rd_calendar_due(&c, at("2026-11-23T09:00:00+08:00"), &tg,
                                   &due, &err), RD_E_INVALID);
  assert_string_equal(err.field, "target");
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_targets),
  cmocka_unit_test(test_start_inside_at_start_at_end_in_break),
  cmocka_unit_test(test_target_used_up_at_the_end_of_an_interval),
  cmocka_unit_test(test_friday_evening),
  cmocka_unit_test(test_holiday_week_and_make_up_days_2026),
  cmocka_unit_test(test_prc_2025),
  cmocka_unit_test(test_year_end),
  cmocka_unit_test(test_seven_day_venue),
  cmocka_unit_test(test_daylight_saving_los_angeles),
  cmocka_unit_test(test_calendar_days_across_holidays),
  cmocka_unit_test(test_elapsed_across_make_up_day),
  cmocka_unit_test(test_working_moments),
  cmocka_unit_test(test_validation),
  cmocka_unit_test(test_out_of_reach),
};

RD_TEST_MAIN("core/calendar", tests)
