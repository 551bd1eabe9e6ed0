/* Unit tests of http/throttle: counts per key in a window, Retry-After,
 * check-and-count in one step, clearing, and the login policy on top. */
#include "../../testing.h"

#include "http/auth.h"
#include "http/throttle.h"

enum { T0 = 1795168200 };

static void
test_take_counts_until_the_limit(void **state)
{
  struct rd_throttle *t = rd_throttle_new();
  int retry = -1;
  for (int i = 0; i < 3; i++)
    assert_true(rd_throttle_take(t, "portal.lookup:1.2.3.4", 3, 600, T0 + i, &retry));
  assert_false(rd_throttle_take(t, "portal.lookup:1.2.3.4", 3, 600, T0 + 10, &retry));
  assert_int_equal(retry, 590);                          /* the window began at T0 */
  assert_true(rd_throttle_take(t, "portal.lookup:5.6.7.8", 3, 600, T0 + 10, &retry));
  assert_true(rd_throttle_take(t, "portal.lookup:1.2.3.4", 3, 600, T0 + 600, &retry));
  rd_throttle_free(t);
}

static void
test_check_does_not_count(void **state)
{
  struct rd_throttle *t = rd_throttle_new();
  int retry;
  for (int i = 0; i < 10; i++)
    assert_true(rd_throttle_check(t, "k", 2, T0, &retry));
  rd_throttle_count(t, "k", 60, T0);
  rd_throttle_count(t, "k", 60, T0 + 1);
  assert_false(rd_throttle_check(t, "k", 2, T0 + 2, &retry));
  assert_int_equal(retry, 58);
  rd_throttle_clear(t, "k");
  assert_true(rd_throttle_check(t, "k", 2, T0 + 2, &retry));
  assert_int_equal(retry, 0);
  rd_throttle_free(t);
}

static void
test_login_policy(void **state)
{
  struct rd_throttle *t = rd_throttle_new();
  int retry;
  for (int i = 0; i < RD_THROTTLE_USER_MAX; i++) {
    assert_true(rd_throttle_allow(t, "kefu", "10.0.0.1", T0, &retry));
    rd_throttle_fail(t, "kefu", "10.0.0.1", T0);
  }
  assert_false(rd_throttle_allow(t, "kefu", "10.0.0.2", T0 + 1, &retry));
  assert_true(retry > 0 && retry <= RD_THROTTLE_WINDOW_S);
  assert_true(rd_throttle_allow(t, "admin", "10.0.0.1", T0 + 1, &retry));
  rd_throttle_success(t, "kefu");
  assert_true(rd_throttle_allow(t, "kefu", "10.0.0.1", T0 + 2, &retry));
  rd_throttle_free(t);
  rd_throttle_free(NULL);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_take_counts_until_the_limit),
  cmocka_unit_test(test_check_does_not_count),
  cmocka_unit_test(test_login_policy),
};

RD_TEST_MAIN("http/throttle", tests)
