/* Unit tests of util/time: RFC 3339 parsing (good and bad, naming the field),
 * formatting in Asia/Shanghai and America/Los_Angeles across the 2026 DST
 * changes, civil time, and dates as local midnight. Expected instants were
 * computed independently with Python's zoneinfo. */
#include "../../testing.h"

#include <string.h>

#include "util/time.h"

enum { T_2026_11_20_0950Z = 1795168200 };

static void
test_parse_good(void **state)
{
  const struct { const char *text; int64_t want; } good[] = {
    {"2026-11-20T17:50:00+08:00", T_2026_11_20_0950Z},
    {"2026-11-20T09:50:00Z", T_2026_11_20_0950Z},
    {"2026-11-20T09:50:00z", T_2026_11_20_0950Z},
    {"2026-11-20t09:50:00Z", T_2026_11_20_0950Z},
    {"2026-11-20 09:50:00Z", T_2026_11_20_0950Z},
    {"2026-11-20T09:50:00.123456Z", T_2026_11_20_0950Z}, /* fraction ignored */
    {"2026-11-20T01:50:00-08:00", T_2026_11_20_0950Z},
    {"2026-11-20T09:50:00+00:00", T_2026_11_20_0950Z},
    {"2026-11-20T09:50:00-00:00", T_2026_11_20_0950Z},
    {"2024-02-29T12:00:00-05:30", 1709227800},           /* leap day, half-hour offset */
    {"1970-01-01T00:00:00Z", 0},
    {"1900-01-01T00:00:00Z", -2208988800LL},
    {"2026-12-31T23:59:60Z", 1798761599},                /* leap second reads as :59 */
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    int64_t t = -1;
    struct rd_error err = {0};
    if (rd_time_parse(good[i].text, &t, "received_at", &err) != RD_OK)
      fail_msg("%s refused: %s", good[i].text, err.detail);
    assert_int_equal(t, good[i].want);
  }
}

static void
test_parse_bad(void **state)
{
  const char *bad[] = {
    "", "2026-11-20", "2026-11-20T09:50:00",      /* no offset */
    "2026-11-20T09:50Z", "2026-11-20T09:50:00+0800", "2026-11-20T09:50:00+08",
    "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T23:60:00Z",
    "2026-11-20T23:59:61Z", "2026-11-20T09:50:00+24:00", "2026-11-20T09:50:00+08:60",
    "2026-11-20T09:50:00.Z", "2026-11-20T09:50:00Z ", " 2026-11-20T09:50:00Z",
    "2026-11-20X09:50:00Z", "2026/11/20T09:50:00Z", "26-11-20T09:50:00Z",
    "2026-11-20T09:50:00ZZ", "next tuesday", "2026-1１-20T09:50:00Z",
    "1899-12-31T23:59:59Z", NULL,
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t t = 12345;
    struct rd_error err = {0};
    if (rd_time_parse(bad[i], &t, "received_at", &err) != RD_E_INVALID)
      fail_msg("accepted %s", bad[i] ? bad[i] : "NULL");
    assert_int_equal(err.code, RD_E_INVALID);
    assert_string_equal(err.field, "received_at");
    assert_int_equal(t, 12345); /* *out untouched */
  }
}

static void
test_format_shanghai(void **state)
{
  char buf[RD_TIME_TEXT_MAX];
  assert_string_equal(rd_time_format(T_2026_11_20_0950Z, "Asia/Shanghai", buf),
                      "2026-11-20T17:50:00+08:00");
  assert_ptr_equal(rd_time_format(0, "Asia/Shanghai", buf), buf);
  assert_string_equal(buf, "1970-01-01T08:00:00+08:00");
  /* Midnight rolls the date. */
  assert_string_equal(rd_time_format(1795104000, "Asia/Shanghai", buf),
                      "2026-11-20T00:00:00+08:00");
  assert_string_equal(rd_time_format(T_2026_11_20_0950Z, "UTC", buf),
                      "2026-11-20T09:50:00Z");
}

/* Format and parse agree: what we print reads back as the same instant. */
static void
test_round_trip(void **state)
{
  const char *zones[] = {"Asia/Shanghai", "America/Los_Angeles", "UTC", "Asia/Kolkata"};
  const int64_t instants[] = {0, 1772963999, 1772964000, 1793521800, 1793525400,
                              T_2026_11_20_0950Z, 4102444799LL};
  for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++)
    for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
      char buf[RD_TIME_TEXT_MAX];
      int64_t back = -1;
      struct rd_error err = {0};
      rd_time_format(instants[i], zones[z], buf);
      assert_int_equal(rd_time_parse(buf, &back, "t", &err), RD_OK);
      assert_int_equal(back, instants[i]);
    }
}

/* Los Angeles springs forward on 2026-03-08 at 02:00 and falls back on
 * 2026-11-01 at 02:00: the offset follows the instant. */
static void
test_format_los_angeles_across_dst(void **state)
{
  char buf[RD_TIME_TEXT_MAX];
  const char *la = "America/Los_Angeles";
  assert_string_equal(rd_time_format(1772963999, la, buf), "2026-03-08T01:59:59-08:00");
  assert_string_equal(rd_time_format(1772964000, la, buf), "2026-03-08T03:00:00-07:00");
  assert_string_equal(rd_time_format(1793516400, la, buf), "2026-11-01T00:00:00-07:00");
  /* 01:30 happens twice on the fall-back night, an hour apart. */
  assert_string_equal(rd_time_format(1793521800, la, buf), "2026-11-01T01:30:00-07:00");
  assert_string_equal(rd_time_format(1793521800 + 3600, la, buf), "2026-11-01T01:30:00-08:00");
  assert_string_equal(rd_time_format(T_2026_11_20_0950Z, la, buf), "2026-11-20T01:50:00-08:00");
}

static void
test_civil(void **state)
{
  struct rd_civil c;
  assert_true(rd_time_civil(T_2026_11_20_0950Z, "Asia/Shanghai", &c));
  assert_int_equal(c.year, 2026);
  assert_int_equal(c.month, 11);
  assert_int_equal(c.day, 20);
  assert_int_equal(c.hour, 17);
  assert_int_equal(c.minute, 50);
  assert_int_equal(c.second, 0);
  assert_int_equal(c.weekday, 4); /* a Friday, Monday = 0 */
  assert_int_equal(c.offset_s, 8 * 3600);

  assert_true(rd_time_civil(1772964000, "America/Los_Angeles", &c));
  assert_int_equal(c.weekday, 6); /* Sunday */
  assert_int_equal(c.hour, 3);
  assert_int_equal(c.offset_s, -7 * 3600);

  /* An unknown zone: false, and UTC. */
  assert_false(rd_time_civil(T_2026_11_20_0950Z, "Mars/Olympus_Mons", &c));
  assert_int_equal(c.hour, 9);
  assert_int_equal(c.offset_s, 0);
}

static void
test_zone_valid(void **state)
{
  assert_true(rd_tz_valid("Asia/Shanghai"));
  assert_true(rd_tz_valid("America/Los_Angeles"));
  assert_true(rd_tz_valid("UTC"));
  assert_false(rd_tz_valid("Mars/Olympus_Mons"));
  assert_false(rd_tz_valid("Asia/Shanghai "));
  assert_false(rd_tz_valid(""));
  assert_false(rd_tz_valid(NULL));
  /* Still valid after an unknown one was asked (the per-thread cache). */
  assert_true(rd_tz_valid("Asia/Shanghai"));
}

static void
test_parse_date(void **state)
{
  int64_t t = -1;
  struct rd_error err = {0};
  assert_int_equal(rd_time_parse_date("2026-11-20", "Asia/Shanghai", &t, "from", &err), RD_OK);
  assert_int_equal(t, 1795104000); /* 2026-11-19T16:00:00Z */
  /* Midnight in Los Angeles on the spring-forward day is still PST. */
  assert_int_equal(rd_time_parse_date("2026-03-08", "America/Los_Angeles", &t, "from", &err),
                   RD_OK);
  assert_int_equal(t, 1772956800);
  /* ...and on the fall-back day still PDT. */
  assert_int_equal(rd_time_parse_date("2026-11-01", "America/Los_Angeles", &t, "from", &err),
                   RD_OK);
  assert_int_equal(t, 1793516400);
  assert_int_equal(rd_time_parse_date("2024-02-29", "UTC", &t, "from", &err), RD_OK);
  assert_int_equal(t, 1709164800);

  const char *bad[] = {"2026-02-29", "2026-11-20T00:00:00Z", "20261120", "2026-11-2",
                       "2026-11-20 ", "", NULL};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct rd_error e = {0};
    t = 777;
    assert_int_equal(rd_time_parse_date(bad[i], "Asia/Shanghai", &t, "to", &e), RD_E_INVALID);
    assert_string_equal(e.field, "to");
    assert_int_equal(t, 777);
  }
}

static void
test_clocks_move(void **state)
{
  int64_t now = rd_time_now();
  assert_true(now > 1735689600); /* after 2025-01-01: a real wall clock */
  int64_t a = rd_time_mono_ms(), b = rd_time_mono_ms();
  assert_true(b >= a);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_parse_good),
  cmocka_unit_test(test_parse_bad),
  cmocka_unit_test(test_format_shanghai),
  cmocka_unit_test(test_round_trip),
  cmocka_unit_test(test_format_los_angeles_across_dst),
  cmocka_unit_test(test_civil),
  cmocka_unit_test(test_zone_valid),
  cmocka_unit_test(test_parse_date),
  cmocka_unit_test(test_clocks_move),
};

RD_TEST_MAIN("util/time", tests)
