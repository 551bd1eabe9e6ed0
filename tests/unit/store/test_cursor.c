/* Unit tests of store/cursor: what rd_cursor_encode issues decodes back,
 * and only that spelling does (found by fuzz/fuzz_cursor.c: a trailing
 * character or non-zero padding bits were once accepted). */
#include "../../testing.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "store/cursor.h"
#include "util/arena.h"

static void
test_round_trip(void **state)
{
  struct rd_arena *a = rd_arena_new();
  static const int64_t cases[][2] = {
    {1795000000, 42}, {-5, 1}, {0, INT64_MAX}, {INT64_MIN, 7},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t key = 0, id = 0;
    char *c = rd_cursor_encode(a, 'r', cases[i][0], cases[i][1]);
    assert_true(rd_cursor_decode(c, 'r', &key, &id));
    assert_int_equal(key, cases[i][0]);
    assert_int_equal(id, cases[i][1]);
    assert_false(rd_cursor_decode(c, 'd', &key, &id)); /* another order's */
  }
  rd_arena_free(a);
}

static void
test_only_the_canonical_spelling(void **state)
{
  struct rd_arena *a = rd_arena_new();
  int64_t key, id;
  /* "r:1795000000:45": 15 bytes, 20 characters, no padding bits. */
  char *c = rd_cursor_encode(a, 'r', 1795000000, 45);
  assert_string_equal(c, "cjoxNzk1MDAwMDAwOjQ1");
  assert_true(rd_cursor_decode(c, 'r', &key, &id));
  /* One character more carries 6 bits, no byte: not what was issued. */
  assert_false(rd_cursor_decode(rd_arena_sprintf(a, "%sy", c), 'r', &key, &id));
  assert_false(rd_cursor_decode(rd_arena_sprintf(a, "%sA", c), 'r', &key, &id));

  /* "r:1:2" is 5 bytes: 7 characters, the last with 2 unused bits. */
  c = rd_cursor_encode(a, 'r', 1, 2);
  assert_string_equal(c, "cjoxOjI");
  assert_true(rd_cursor_decode(c, 'r', &key, &id));
  assert_int_equal(key, 1);
  assert_int_equal(id, 2);
  assert_false(rd_cursor_decode("cjoxOjJ", 'r', &key, &id)); /* unused bits set */
  assert_false(rd_cursor_decode("cjoxOjL", 'r', &key, &id));

  /* Numbers spelled another way, ids not positive, garbage. */
  assert_false(rd_cursor_decode(rd_cursor_encode(a, 'r', 1, 0), 'r', &key, &id));
  assert_false(rd_cursor_decode("cjowMTox", 'r', &key, &id)); /* "r:01:1" */
  assert_false(rd_cursor_decode("", 'r', &key, &id));
  assert_false(rd_cursor_decode("cjox=", 'r', &key, &id));
  rd_arena_free(a);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_round_trip),
  cmocka_unit_test(test_only_the_canonical_spelling),
};

RD_TEST_MAIN("store/cursor", tests)
