/* Unit tests of store/report_rows: the row arithmetic both backends' summary
 * reports share (tests/store checks whole reports through each backend). */
#include "../../testing.h"

#include <string.h>

#include "store/report_rows.h"
#include "util/arena.h"

static void
test_quantiles(void **state)
{
  double median = -1, p90 = -1;
  const double sorted[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
  double any[] = { 40, 10, 30, 20 };

  rd_report_quantiles(sorted, 0, &median, &p90);
  assert_true(median == 0 && p90 == 0);
  rd_report_quantiles(sorted, 11, &median, &p90);
  assert_true(median == 6 && p90 == 10); /* rank ceil(9.9) = 10 */
  rd_report_quantiles(sorted, 10, &median, &p90);
  assert_true(median == 5.5 && p90 == 9);

  rd_report_quantiles_unsorted(any, 4, &median, &p90);
  assert_true(median == 25 && p90 == 40);
  assert_true(any[0] == 10 && any[3] == 40);
  median = p90 = -1; /* none: left as they were */
  rd_report_quantiles_unsorted(NULL, 0, &median, &p90);
  assert_true(median == -1 && p90 == -1);
}

static void
test_clocks_add_up_by_name(void **state)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_report_row r = {0};
  char name[] = "resolve";

  rd_report_add_clock(&r, name, 2, 1, a);
  rd_report_add_clock(&r, "first_contact", 5, 0, a);
  memcpy(name, "xxxxxxx", sizeof name); /* copied, not kept */
  rd_report_add_clock(&r, "resolve", 3, 4, a);
  assert_int_equal(r.n_clocks, 2);
  assert_string_equal(r.clocks[0].name, "resolve");
  assert_int_equal(r.clocks[0].met, 5);
  assert_int_equal(r.clocks[0].breached, 5);
  assert_string_equal(r.clocks[1].name, "first_contact");
  rd_arena_free(a);
}

static void
test_finish_orders_names_totals_and_clocks(void **state)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_report_row *rows = NULL, total = { .total = 3 };
  size_t n = 0, cap = 0;
  static const char *const keys[] = { "10", "", "9", "2" };
  struct rd_error err = {0};

  for (size_t i = 0; i < 4; i++)
    rd_report_row_new(&rows, &n, &cap, a)->key = keys[i];
  rd_report_rows_finish(&rows, &n, &total, RD_GROUP_SEVERITY, a);
  assert_int_equal(n, 5);
  /* Numbers by value, "" first; the total last. */
  assert_string_equal(rows[0].key, "");
  assert_string_equal(rows[1].key, "2");
  assert_string_equal(rows[2].key, "9");
  assert_string_equal(rows[3].key, "10");
  assert_string_equal(rows[4].key, "total");
  assert_string_equal(rows[4].label, "total");
  assert_int_equal(rows[4].total, 3);

  /* Text keys as text; states by name. */
  n = cap = 0;
  rows = NULL;
  for (size_t i = 0; i < 4; i++)
    rd_report_row_new(&rows, &n, &cap, a)->key = keys[i];
  rd_report_rows_finish(&rows, &n, &total, RD_GROUP_MONTH, a);
  assert_string_equal(rows[1].key, "10");
  assert_string_equal(rows[2].key, "2");

  n = cap = 0;
  rows = NULL;
  rd_report_row_new(&rows, &n, &cap, a)->key = "1";
  rd_report_rows_finish(&rows, &n, &total, RD_GROUP_STATUS, a);
  assert_string_equal(rows[0].key, rd_state_name((enum rd_state)1));
  assert_string_equal(rows[0].label, rows[0].key);

  /* No rows at all: the total alone. */
  n = 0;
  rows = NULL;
  rd_report_rows_finish(&rows, &n, &total, RD_GROUP_SITE, a);
  assert_int_equal(n, 1);
  assert_string_equal(rows[0].key, "total");

  /* Every row's clocks by name, whatever order the backend met them in. */
  struct rd_report_row with_clocks = {0};
  n = cap = 0;
  rows = NULL;
  struct rd_report_row *r = rd_report_row_new(&rows, &n, &cap, a);
  r->key = "1";
  rd_report_add_clock(r, "resolve", 1, 0, a);
  rd_report_add_clock(r, "first_contact", 2, 0, a);
  rd_report_add_clock(r, "follow_up", 3, 0, a);
  rd_report_add_clock(&with_clocks, "resolve", 1, 0, a);
  rd_report_add_clock(&with_clocks, "first_contact", 2, 0, a);
  rd_report_rows_finish(&rows, &n, &with_clocks, RD_GROUP_SITE, a);
  assert_string_equal(rows[0].clocks[0].name, "first_contact");
  assert_int_equal(rows[0].clocks[0].met, 2);
  assert_string_equal(rows[0].clocks[1].name, "follow_up");
  assert_string_equal(rows[0].clocks[2].name, "resolve");
  assert_string_equal(rows[1].clocks[0].name, "first_contact");
  assert_string_equal(rows[1].clocks[1].name, "resolve");

  assert_int_equal(rd_report_grouping_check(RD_GROUP_STATUS, &err), RD_OK);
  assert_int_equal(rd_report_grouping_check((enum rd_group_by)RD_REPORT_GROUPINGS, &err),
                   RD_E_INVALID);
  assert_string_equal(err.field, "group_by");
  assert_string_equal(err.detail, "unknown grouping");
  rd_arena_free(a);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_quantiles),
  cmocka_unit_test(test_clocks_add_up_by_name),
  cmocka_unit_test(test_finish_orders_names_totals_and_clocks),
};

RD_TEST_MAIN("store/report_rows", tests)
