/* Unit tests of util/arena: alignment, independence of allocations, large
 * requests, the string helpers, accounting, reset and free. Run under ASan,
 * these also catch any allocation that overlaps another or its block. */
#include "../../testing.h"

#include <stdint.h>
#include <string.h>

#include "util/arena.h"

static void
test_alignment_and_independence(void **state)
{
  struct rd_arena *a = rd_arena_new();
  unsigned char *prev = NULL;
  size_t prev_n = 0;
  for (size_t n = 1; n < 700; n += 7) {
    unsigned char *p = rd_arena_alloc(a, n);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, (int)(n & 0xff), n); /* ASan flags a write past the block */
    if (prev) {
      /* The previous allocation kept its bytes. */
      for (size_t i = 0; i < prev_n; i++)
        assert_int_equal(prev[i], (unsigned char)(prev_n & 0xff));
    }
    prev = p;
    prev_n = n;
  }
  rd_arena_free(a);
}

static void
test_many_small_span_blocks(void **state)
{
  struct rd_arena *a = rd_arena_new();
  enum { COUNT = 5000 };
  static int *ptrs[COUNT];
  for (int i = 0; i < COUNT; i++) {
    ptrs[i] = rd_arena_alloc(a, sizeof(int) * 4); /* 80 KB in all: several blocks */
    ptrs[i][0] = i;
    ptrs[i][3] = -i;
  }
  for (int i = 0; i < COUNT; i++) {
    assert_int_equal(ptrs[i][0], i);
    assert_int_equal(ptrs[i][3], -i);
  }
  rd_arena_free(a);
}

static void
test_large_requests(void **state)
{
  struct rd_arena *a = rd_arena_new();
  char *small1 = rd_arena_strdup(a, "before");
  size_t big_n = 1 << 20;
  unsigned char *big = rd_arena_alloc(a, big_n);
  memset(big, 0xab, big_n);
  char *small2 = rd_arena_strdup(a, "after");
  unsigned char *big2 = rd_arena_zalloc(a, 100000);
  for (size_t i = 0; i < 100000; i++)
    assert_int_equal(big2[i], 0);
  assert_int_equal(big[0], 0xab);
  assert_int_equal(big[big_n - 1], 0xab);
  assert_string_equal(small1, "before");
  assert_string_equal(small2, "after");
  rd_arena_free(a);
}

static void
test_strings(void **state)
{
  struct rd_arena *a = rd_arena_new();
  const char *src = "张三 😀 \"quoted\"";
  char *d = rd_arena_strdup(a, src);
  assert_string_equal(d, src);
  assert_ptr_not_equal(d, src);
  assert_null(rd_arena_strdup(a, NULL));

  char *n = rd_arena_strndup(a, "abcdef", 3);
  assert_string_equal(n, "abc");
  char *z = rd_arena_strndup(a, "abc", 0);
  assert_string_equal(z, "");

  char *f = rd_arena_sprintf(a, "%s-%06d", "TS20261120", 42);
  assert_string_equal(f, "TS20261120-000042");
  char big[10000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  char *g = rd_arena_sprintf(a, "<%s>", big);
  assert_int_equal(strlen(g), sizeof big + 1);
  assert_int_equal(g[0], '<');
  assert_int_equal(g[sizeof big], '>');
  rd_arena_free(a);
}

static void
test_used_and_reset(void **state)
{
  struct rd_arena *a = rd_arena_new();
  assert_int_equal(rd_arena_used(a), 0);
  rd_arena_alloc(a, 10);
  size_t after_one = rd_arena_used(a);
  assert_true(after_one >= 10);
  rd_arena_alloc(a, 100000);
  assert_true(rd_arena_used(a) >= after_one + 100000);
  for (int i = 0; i < 100; i++)
    rd_arena_alloc(a, 1000);

  rd_arena_reset(a);
  assert_int_equal(rd_arena_used(a), 0);
  /* Usable after a reset, again and again (ASan would see stale blocks). */
  for (int round = 0; round < 3; round++) {
    char *s = rd_arena_sprintf(a, "round %d", round);
    assert_non_null(s);
    for (int i = 0; i < 50; i++)
      memset(rd_arena_alloc(a, 1000), i, 1000);
    assert_true(rd_arena_used(a) >= 50000);
    rd_arena_reset(a);
  }
  rd_arena_free(a);
  rd_arena_free(NULL); /* accepted */
}

static void
test_zero_size(void **state)
{
  struct rd_arena *a = rd_arena_new();
  void *p = rd_arena_alloc(a, 0), *q = rd_arena_alloc(a, 0);
  assert_non_null(p);
  assert_non_null(q);
  assert_ptr_not_equal(p, q);
  rd_arena_free(a);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_alignment_and_independence),
  cmocka_unit_test(test_many_small_span_blocks),
  cmocka_unit_test(test_large_requests),
  cmocka_unit_test(test_strings),
  cmocka_unit_test(test_used_and_reset),
  cmocka_unit_test(test_zero_size),
};

RD_TEST_MAIN("util/arena", tests)
