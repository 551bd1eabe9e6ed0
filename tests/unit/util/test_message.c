/* Unit tests of util/message and rd_error_set's two languages: the catalog
 * is sorted and found, both details come from the same arguments, a format
 * without a translation leaves the Chinese detail empty, the formatter
 * agrees with snprintf and translates quoted API names ("%#s"), and every
 * name the domain has a term. (It includes core headers for that last
 * check only: util itself does not.) */
#include "../../testing.h"

#include <stdint.h>
#include <string.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/complaint.h"
#include "util/message.h"
#include "util/status.h"

static void
test_catalog_sorted_and_found(void **state)
{
  assert_true(rd_messages_zh_count > 100);
  for (size_t i = 1; i < rd_messages_zh_count; i++)
    assert_true(strcmp(rd_messages_zh[i - 1].en, rd_messages_zh[i].en) < 0);
  for (size_t i = 0; i < rd_messages_zh_count; i++)
    assert_ptr_equal(rd_message_zh(rd_messages_zh[i].en), rd_messages_zh[i].zh);
  assert_null(rd_message_zh("no message is called this"));
  assert_null(rd_message_zh(NULL));
  assert_string_equal(rd_message("Not found", RD_LANG_ZH), "未找到");
  assert_string_equal(rd_message("Not found", RD_LANG_EN), "Not found");
  assert_string_equal(rd_message("untranslated", RD_LANG_ZH), "untranslated");
  assert_string_equal(rd_lang_tag(RD_LANG_ZH), "zh-CN");
  assert_string_equal(rd_lang_tag(RD_LANG_EN), "en");
}

static void
test_error_set_fills_both(void **state)
{
  struct rd_error err = {0};
  assert_int_equal(rd_error_set(&err, RD_E_NOT_FOUND, "category_id",
                                "no category has id %lld", 42LL),
                   RD_E_NOT_FOUND);
  assert_string_equal(err.field, "category_id");
  assert_string_equal(err.detail, "no category has id 42");
  assert_string_equal(err.detail_zh, "没有编号为 42 的投诉类别");

  /* Several arguments of several types, in order. */
  rd_error_set(&err, RD_E_INVALID, "title", "%s is %zu characters long; at most %zu are allowed",
               "title", (size_t)300, (size_t)200);
  assert_string_equal(err.detail, "title is 300 characters long; at most 200 are allowed");
  assert_string_equal(err.detail_zh, "title 长度为 300 个字符，最多允许 200 个");
}

static void
test_untranslated_falls_back(void **state)
{
  struct rd_error err = {0};
  strcpy(err.detail_zh, "stale");
  rd_error_set(&err, RD_E_INVALID, NULL, "a message nobody translated: %d", 7);
  assert_string_equal(err.detail, "a message nobody translated: 7");
  assert_string_equal(err.detail_zh, "");
  assert_string_equal(err.field, "");
}

static void
test_error_text_translates_without_formatting(void **state)
{
  struct rd_error err = {0};
  rd_error_text(&err, RD_E_INVALID, "number", "number cannot be changed");
  assert_string_equal(err.detail, "number cannot be changed");
  assert_string_equal(err.detail_zh, "投诉单号不能修改");
  rd_error_text(&err, RD_E_INVALID, "x", "100% sure, %s stays");
  assert_string_equal(err.detail, "100% sure, %s stays");
  assert_string_equal(err.detail_zh, "");
  assert_int_equal(rd_error_text(NULL, RD_E_INVALID, "x", "y"), RD_E_INVALID);
}

static void
fmt(char *out, size_t cap, const char *f, ...)
{
  va_list ap;
  va_start(ap, f);
  rd_message_vformat(out, cap, f, ap);
  va_end(ap);
}

static void
test_vformat_agrees_with_snprintf(void **state)
{
  char got[256], want[256];
  fmt(got, sizeof got, "%d|%5d|%-4d|%04d|%lld|%zu|%ld|%u|%x|%#x|%c|%%|%.3s|%10s|%g|%jd",
      -7, 42, 3, 9, (long long)-1234567890123LL, (size_t)77, 88L, 4000000000u, 255u, 255u,
      'Z', "abcdef", "右", 0.25, (intmax_t)5);
  snprintf(want, sizeof want, "%d|%5d|%-4d|%04d|%lld|%zu|%ld|%u|%x|%#x|%c|%%|%.3s|%10s|%g|%jd",
           -7, 42, 3, 9, (long long)-1234567890123LL, (size_t)77, 88L, 4000000000u, 255u, 255u,
           'Z', "abcdef", "右", 0.25, (intmax_t)5);
  assert_string_equal(got, want);
  fmt(got, sizeof got, "[%*d] [%.*s] [%-*s]", 6, 12, 2, "xyz", 3, "a");
  assert_string_equal(got, "[    12] [xy] [a  ]");
  fmt(got, sizeof got, "no conversions");
  assert_string_equal(got, "no conversions");
  fmt(got, sizeof got, "stops at %y here", 1);
  assert_string_equal(got, "stops at ");
}

static void
test_vformat_terms(void **state)
{
  char out[256];
  fmt(out, sizeof out, "“%#s”不能在“%#s”状态下执行", "resolve", "registered");
  assert_string_equal(out, "“处理完毕”不能在“已登记”状态下执行");
  fmt(out, sizeof out, "%#s / %s / %#s", "not-a-term", "closed", (const char *)NULL);
  assert_string_equal(out, "not-a-term / closed / (null)");
  assert_string_equal(rd_term_zh("agent"), "客服");
  assert_null(rd_term_zh("nobody"));
}

static void
test_vformat_cuts_at_a_character(void **state)
{
  char out[8];
  fmt(out, sizeof out, "%s", "没有这张");  /* 12 bytes into 7 */
  assert_string_equal(out, "没有");     /* not 6 bytes and a half character */
  fmt(out, sizeof out, "ab%s", "没有");
  assert_string_equal(out, "ab没");
  fmt(out, sizeof out, "abcdefghij");
  assert_string_equal(out, "abcdefg");
  char one[1];
  fmt(one, sizeof one, "%d", 5);
  assert_string_equal(one, "");
}

static void
check_terms(const char *what, const char *(*name)(int), int n)
{
  for (int i = 0; i < n; i++) {
    const char *s = name(i);
    if (s && !rd_term_zh(s))
      fail_msg("the %s %s has no term in src/util/messages/zh-CN.terms.json", what, s);
  }
}
static const char *state_name(int i) { return rd_state_name((enum rd_state)i); }
static const char *action_name(int i) { return rd_action_name((enum rd_action_kind)i); }
static const char *role_name(int i) { return rd_role_name((enum rd_role)i); }
static const char *plan_name(int i) { return rd_plan_kind_name((enum rd_plan_kind)i); }
static const char *channel_name(int i) { return rd_channel_name((enum rd_channel)i); }
static const char *clock_state(int i) { return rd_clock_state_name((enum rd_clock_state)i); }
static const char *ext_state(int i) { return rd_extension_state_name((enum rd_extension_state)i); }
static const char *notify_name(int i) { return rd_notify_name((enum rd_notify)i); }

static void
test_every_domain_name_has_a_term(void **state)
{
  check_terms("state", state_name, RD_STATE_COUNT);
  check_terms("action", action_name, RD_ACT_COUNT);
  check_terms("role", role_name, RD_ROLE_COUNT);
  check_terms("plan kind", plan_name, RD_PLAN_COUNT);
  check_terms("channel", channel_name, RD_CHANNEL_COUNT);
  check_terms("clock state", clock_state, RD_CLOCK_STATE_COUNT);
  check_terms("extension state", ext_state, RD_EXT_REFUSED + 1);
  check_terms("recipient", notify_name, RD_NOTIFY_COUNT);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_vformat_agrees_with_snprintf),
  cmocka_unit_test(test_vformat_terms),
  cmocka_unit_test(test_vformat_cuts_at_a_character),
  cmocka_unit_test(test_every_domain_name_has_a_term),
  cmocka_unit_test(test_catalog_sorted_and_found),
  cmocka_unit_test(test_error_set_fills_both),
  cmocka_unit_test(test_untranslated_falls_back),
  cmocka_unit_test(test_error_text_translates_without_formatting),
};

RD_TEST_MAIN("util/message", tests)
