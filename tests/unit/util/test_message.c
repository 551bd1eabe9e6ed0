/* Unit tests of util/message and rd_error_set's two languages: the catalog
 * is sorted and found, both details come from the same arguments, and a
 * format without a translation leaves the Chinese detail empty. */
#include "../../testing.h"

#include <string.h>

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

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_catalog_sorted_and_found),
  cmocka_unit_test(test_error_set_fills_both),
  cmocka_unit_test(test_untranslated_falls_back),
  cmocka_unit_test(test_error_text_translates_without_formatting),
};

RD_TEST_MAIN("util/message", tests)
