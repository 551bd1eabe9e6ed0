/* Unit tests of http/throttle: counts per key in a window, Retry-After,
 * check-and-count in one step, clearing, and the login policy on top; over
 * the service's counters on a throwaway SQLite database (the store contract
 * tests cover both backends). */
#include "../../testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/throttle.h"
#include "service/service.h"

enum { T0 = 1795168200 };

struct fixture {
  char dir[64], path[96];
  struct rd_store *st;
  struct rd_service *svc;
};

static int
setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  struct rd_error err = {0};
  snprintf(f->dir, sizeof f->dir, "/tmp/rd-throttle-test-XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
  if (rd_store_open(f->path, &f->st, &err) != RD_OK ||
      rd_store_migrate(f->st, NULL, &err) != RD_OK)
    return -1;
  f->svc = rd_service_new(f->st, NULL);
  *state = f;
  return 0;
}

static int
teardown(void **state)
{
  struct fixture *f = *state;
  char cmd[128];
  rd_service_free(f->svc);
  rd_store_close(f->st);
  snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
  if (system(cmd) != 0)
    return -1;
  free(f);
  return 0;
}

static struct rd_throttle *
new_throttle(void **state)
{
  return rd_throttle_new(((struct fixture *)*state)->svc);
}

static void
test_take_counts_until_the_limit(void **state)
{
  struct rd_throttle *t = new_throttle(state);
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
  struct rd_throttle *t = new_throttle(state);
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
  struct rd_throttle *t = new_throttle(state);
  int retry;
  for (int i = 0; i < RD_THROTTLE_USER_MAX; i++) {
    assert_true(rd_throttle_allow(t, "kefu", "10.0.0.1", T0, &retry));
    rd_throttle_fail(t, "kefu", "10.0.0.1", T0);
  }
  assert_false(rd_throttle_allow(t, "kefu", "10.0.0.2", T0 + 1, &retry));
  assert_true(retry > 0 && retry <= RD_THROTTLE_WINDOW_S);
  assert_true(rd_throttle_allow(t, "admin", "10.0.0.1", T0 + 1, &retry));
  rd_throttle_success(t, "kefu", T0 + 2);
  assert_true(rd_throttle_allow(t, "kefu", "10.0.0.1", T0 + 2, &retry));
  rd_throttle_free(t);
  rd_throttle_free(NULL);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test_setup_teardown(test_take_counts_until_the_limit, setup, teardown),
  cmocka_unit_test_setup_teardown(test_check_does_not_count, setup, teardown),
  cmocka_unit_test_setup_teardown(test_login_policy, setup, teardown),
};

RD_TEST_MAIN("http/throttle", tests)
