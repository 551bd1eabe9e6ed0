/* Unit tests of util/buf: growth keeps the bytes and the NUL, printf, and
 * rd_buf_json_string's escaping (which jansson must read back as the same
 * string), with UTF-8 Chinese and emoji passed through byte for byte. */
#include "../../testing.h"

#include <jansson.h>
#include <string.h>

#include "util/buf.h"

/* s as a JSON literal, in a fresh buffer the caller frees. */
static struct rd_buf
json_of(const char *s)
{
  struct rd_buf b = {0};
  rd_buf_json_string(&b, s);
  return b;
}

static void
test_append_grows(void **state)
{
  struct rd_buf b = {0};
  assert_null(b.data);
  for (int i = 0; i < 1000; i++)
    rd_buf_puts(&b, "0123456789");
  assert_int_equal(b.len, 10000);
  assert_true(b.cap > b.len);
  assert_int_equal(b.data[b.len], '\0');
  assert_int_equal(strlen(b.data), 10000);
  for (size_t i = 0; i < b.len; i++)
    assert_int_equal(b.data[i], '0' + (char)(i % 10));

  rd_buf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_string_equal(b.data, "");
  rd_buf_putc(&b, 'x');
  rd_buf_append(&b, "y\0z", 3); /* embedded NUL kept, length counts it */
  assert_int_equal(b.len, 4);
  assert_memory_equal(b.data, "xy\0z", 5);
  rd_buf_free(&b);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  rd_buf_free(&b); /* a zeroed buffer is accepted */
}

static void
test_printf(void **state)
{
  struct rd_buf b = {0};
  rd_buf_printf(&b, "%s=%lld;", "id", 42LL);
  rd_buf_printf(&b, "%.2f", 3.5);
  assert_string_equal(b.data, "id=42;3.50");
  char big[5000];
  memset(big, 'q', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  rd_buf_printf(&b, "[%s]", big);
  assert_int_equal(b.len, 10 + sizeof big + 1);
  assert_int_equal(b.data[b.len - 1], ']');
  assert_int_equal(b.data[b.len], '\0');
  rd_buf_free(&b);
}

static void
test_json_escapes(void **state)
{
  const struct { const char *in, *out; } cases[] = {
    {"", "\"\""},
    {"plain", "\"plain\""},
    {"say \"hi\"", "\"say \\\"hi\\\"\""},
    {"back\\slash", "\"back\\\\slash\""},
    {"a\nb\rc\td", "\"a\\nb\\rc\\td\""},
    {"\x01\x1f", "\"\\u0001\\u001f\""},
    {"\b\f", "\"\\u0008\\u000c\""},
    {"</script>&", "\"\\u003c/script\\u003e\\u0026\""},
    {"/ and \x7f", "\"/ and \x7f\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_buf b = json_of(cases[i].in);
    assert_string_equal(b.data, cases[i].out);
    rd_buf_free(&b);
  }
}

static void
test_json_utf8_byte_exact(void **state)
{
  const char *texts[] = {
    "张三投诉：更衣柜被撬",
    "😀👍🏽 emoji with a skin tone",
    "👨‍👩‍👧 family (joined by ZWJ)",
    "混合 mixed ✓ é ß",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    struct rd_buf b = json_of(texts[i]);
    size_t n = strlen(texts[i]);
    assert_int_equal(b.len, n + 2);
    assert_int_equal(b.data[0], '"');
    assert_memory_equal(b.data + 1, texts[i], n);
    assert_int_equal(b.data[n + 1], '"');
    rd_buf_free(&b);
  }
}

/* Whatever goes in comes back out of a strict JSON parser unchanged. */
static void
test_json_round_trip_through_jansson(void **state)
{
  const char *texts[] = {
    "line1\nline2\t\"q\" \\ </b> & 客户 😀", "\x01\x02\x1f ctrl", "",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    struct rd_buf b = {0};
    rd_buf_puts(&b, "[");
    rd_buf_json_string(&b, texts[i]);
    rd_buf_puts(&b, "]");
    json_error_t jerr;
    json_t *v = json_loads(b.data, 0, &jerr);
    if (!v)
      fail_msg("jansson refused %s: %s", b.data, jerr.text);
    assert_string_equal(json_string_value(json_array_get(v, 0)), texts[i]);
    json_decref(v);
    rd_buf_free(&b);
  }
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_append_grows),
  cmocka_unit_test(test_printf),
  cmocka_unit_test(test_json_escapes),
  cmocka_unit_test(test_json_utf8_byte_exact),
  cmocka_unit_test(test_json_round_trip_through_jansson),
};

RD_TEST_MAIN("util/buf", tests)
