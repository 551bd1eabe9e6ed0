/* Unit tests of store/list_filter: what both backends take from a list
 * filter, and which field a wrong one is refused for, first wrong first
 * (tests/store checks the same through each backend). */
#include "../../testing.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "store/cursor.h"
#include "store/list_filter.h"
#include "util/arena.h"

static void
test_defaults_and_limits(void **state)
{
  struct rd_complaint_filter f = {0};
  struct rd_list_filter lf;
  struct rd_error err = {0};

  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
  assert_int_equal(lf.sort, RD_SORT_RECEIVED_DESC);
  assert_int_equal(lf.letter, 'r');
  assert_false(lf.has_cursor);
  assert_int_equal(lf.status_mask, 0);
  assert_int_equal(lf.severity_mask, 0);
  assert_int_equal(lf.channel_mask, 0);
  assert_int_equal(lf.limit, 50);

  static const int limits[][2] = { {-1, 50}, {1, 1}, {500, 500}, {501, 500} };
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
    f.limit = limits[i][0];
    assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
    assert_int_equal(lf.limit, limits[i][1]);
  }
}

static void
test_masks(void **state)
{
  unsigned all_states = (1u << RD_STATE_COUNT) - 1;
  struct rd_complaint_filter f = {
    .status_mask = all_states | 1u << 31,     /* every state: no condition */
    .severity_mask = 1u << 2 | 1u << 6,       /* bit 6 is no severity */
    .channel_mask = 1u << RD_CHANNEL_WEB | 1u << 31,
  };
  struct rd_list_filter lf;
  struct rd_error err = {0};

  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
  assert_int_equal(lf.status_mask, 0);
  assert_int_equal(lf.severity_mask, 1u << 2);
  assert_int_equal(lf.channel_mask, 1u << RD_CHANNEL_WEB);

  f.status_mask = 1u << RD_STATE_CLOSED | 1u << 31;
  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
  assert_int_equal(lf.status_mask, 1u << RD_STATE_CLOSED);
}

static void
test_cursor_of_its_order(void **state)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_complaint_filter f = { .sort = RD_SORT_DUE };
  struct rd_list_filter lf;
  struct rd_error err = {0};

  f.cursor = rd_cursor_encode(a, 'd', 1795000000, 7);
  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
  assert_true(lf.has_cursor);
  assert_int_equal(lf.letter, 'd');
  assert_int_equal(lf.cursor_key, 1795000000);
  assert_int_equal(lf.cursor_id, 7);

  f.cursor = ""; /* no cursor: the first page */
  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
  assert_false(lf.has_cursor);

  f.cursor = rd_cursor_encode(a, 'r', 1795000000, 7); /* another order's */
  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_E_INVALID);
  assert_string_equal(err.field, "cursor");
  assert_string_equal(err.detail, "not a cursor from this list");
  rd_arena_free(a);
}

static void
test_first_wrong_field(void **state)
{
  struct rd_arena *a = rd_arena_new();
  /* Everything wrong; each step puts one field right. */
  struct rd_complaint_filter f = {
    .sort = (enum rd_sort)RD_LIST_SORTS,
    .cursor = "garbage",
    .status_mask = 1u << 31,
    .q = "   ",
    .severity_mask = 1u << 6,
    .channel_mask = 1u << 31,
  };
  static const char *const expected[][2] = {
    { "sort", "unknown sort order" },
    { "cursor", "not a cursor from this list" },
    { "status", "unknown status" },
    { "q", "nothing to search for" },
    { "severity", "must be 1 to 5" },
    { "channel", "unknown channel" },
  };
  struct rd_list_filter lf;

  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
    struct rd_error err = {0};
    assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_E_INVALID);
    assert_string_equal(err.field, expected[i][0]);
    assert_string_equal(err.detail, expected[i][1]);
    switch (i) {
    case 0: f.sort = RD_SORT_RECEIVED_ASC; break;
    case 1: f.cursor = rd_cursor_encode(a, 'a', 1, 1); break;
    case 2: f.status_mask = 1u << RD_STATE_REGISTERED; break;
    case 3: f.q = NULL; break;
    case 4: f.severity_mask = 1u << 5; break;
    default: f.channel_mask = 1u << RD_CHANNEL_PHONE; break;
    }
  }
  struct rd_error err = {0};
  assert_int_equal(rd_list_filter_check(&f, false, &lf, &err), RD_OK);
  f.q = "投诉"; /* a backend found something to search for */
  assert_int_equal(rd_list_filter_check(&f, true, &lf, &err), RD_OK);
  rd_arena_free(a);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_defaults_and_limits),
  cmocka_unit_test(test_masks),
  cmocka_unit_test(test_cursor_of_its_order),
  cmocka_unit_test(test_first_wrong_field),
};

RD_TEST_MAIN("store/list_filter", tests)
