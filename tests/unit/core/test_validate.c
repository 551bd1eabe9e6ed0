/* Unit tests of core/validate: lengths in code points (Chinese and emoji count
 * as one), phones, emails, and a new complaint's checks, each naming the
 * JSON field at fault. */
#include "../../testing.h"

#include <stdlib.h>
#include <string.h>

#include "core/validate.h"

enum { NOW = 1795168200 }; /* 2026-11-20T17:50:00+08:00 */

/* n copies of the UTF-8 sequence unit, NUL-terminated; caller frees. */
static char *
repeat(const char *unit, size_t n)
{
  size_t len = strlen(unit);
  char *s = malloc(len * n + 1);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * len, unit, len);
  s[len * n] = '\0';
  return s;
}

static void
test_utf8_length(void **state)
{
  assert_int_equal(rd_utf8_length(""), 0);
  assert_int_equal(rd_utf8_length("abc"), 3);
  assert_int_equal(rd_utf8_length("张三"), 2);            /* 3 bytes each */
  assert_int_equal(rd_utf8_length("é"), 1);               /* 2 bytes */
  assert_int_equal(rd_utf8_length("😀"), 1);              /* 4 bytes */
  assert_int_equal(rd_utf8_length("投诉😀ok"), 5);
  assert_int_equal(rd_utf8_length(NULL), 0);
}

static void
test_text_required_and_optional(void **state)
{
  struct rd_error err = {0};
  assert_int_equal(rd_validate_text("subject", NULL, 10, false, &err), RD_OK);
  assert_int_equal(rd_validate_text("subject", "", 10, false, &err), RD_OK);
  assert_int_equal(rd_validate_text("content", NULL, 10, true, &err), RD_E_INVALID);
  assert_int_equal(err.code, RD_E_INVALID);
  assert_string_equal(err.field, "content");
  memset(&err, 0, sizeof err);
  assert_int_equal(rd_validate_text("content", "", 10, true, &err), RD_E_INVALID);
  assert_string_equal(err.field, "content");
  assert_non_null(strstr(err.detail, "content"));
}

/* The limit counts code points, not bytes: max Chinese characters or emoji
 * pass although they are 3-4 times as many bytes; one more fails. */
static void
test_text_limit_in_code_points(void **state)
{
  const char *units[] = {"a", "投", "😀"};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    struct rd_error err = {0};
    char *at_max = repeat(units[i], RD_MAX_SUBJECT);
    char *over = repeat(units[i], RD_MAX_SUBJECT + 1);
    assert_int_equal(rd_validate_text("subject", at_max, RD_MAX_SUBJECT, true, &err), RD_OK);
    assert_int_equal(rd_validate_text("subject", over, RD_MAX_SUBJECT, true, &err),
                     RD_E_INVALID);
    assert_string_equal(err.field, "subject");
    assert_non_null(strstr(err.detail, "201"));
    free(at_max);
    free(over);
  }
}

static void
test_phone(void **state)
{
  const char *good[] = {"13800138000", "+86 138 0013 8000", "(010) 1234-5678", "110"};
  const char *bad[] = {"12", "1a3456", "138-0013-8000 ext", "+-()", "☎13800138000",
                       "123456789012345678901234567890123", "", NULL};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    struct rd_error err = {0};
    assert_int_equal(rd_validate_phone("customer.phone", good[i], &err), RD_OK);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct rd_error err = {0};
    assert_int_equal(rd_validate_phone("customer.phone", bad[i], &err), RD_E_INVALID);
    assert_string_equal(err.field, "customer.phone");
  }
}

static void
test_email(void **state)
{
  const char *good[] = {"a@b.cn", "zhang.san+complaint@example.com.cn"};
  const char *bad[] = {"", "plain", "@example.com", "a@b", "a@@b.cn", "a@b.cn.",
                       "a@.cn", "a b@c.cn", "a@b@c.cn", "<a@b.cn>", NULL};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    struct rd_error err = {0};
    assert_int_equal(rd_validate_email("customer.email", good[i], &err), RD_OK);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct rd_error err = {0};
    assert_int_equal(rd_validate_email("customer.email", bad[i], &err), RD_E_INVALID);
    assert_string_equal(err.field, "customer.email");
  }
  char *local = repeat("a", RD_MAX_EMAIL);
  memcpy(local + RD_MAX_EMAIL - 5, "@b.cn", 6); /* exactly 254 chars */
  struct rd_error err = {0};
  assert_int_equal(strlen(local), RD_MAX_EMAIL);
  assert_int_equal(rd_validate_email("email", local, &err), RD_OK);
  free(local);
  local = repeat("a", RD_MAX_EMAIL + 1);
  memcpy(local + RD_MAX_EMAIL + 1 - 5, "@b.cn", 6); /* 255 */
  assert_int_equal(strlen(local), RD_MAX_EMAIL + 1);
  assert_int_equal(rd_validate_email("email", local, &err), RD_E_INVALID);
  free(local);
}

static struct rd_complaint
good_complaint(void)
{
  struct rd_complaint c = {0};
  c.channel = RD_CHANNEL_PHONE;
  c.received_at = NOW - 600;
  c.customer.name = "张三";
  c.customer.phone = "13800138000";
  c.content = "更衣柜损坏导致物品丢失";
  c.subject = "更衣柜";
  c.severity = 1;
  c.anger = 4;
  return c;
}

static void
test_new_complaint_good(void **state)
{
  struct rd_error err = {0};
  struct rd_complaint c = good_complaint();
  assert_int_equal(rd_validate_new_complaint(&c, NOW, &err), RD_OK);

  /* Phone alone, or name alone, is enough; severity and anger unset pass. */
  c.customer.name = NULL;
  c.severity = 0;
  c.anger = 0;
  assert_int_equal(rd_validate_new_complaint(&c, NOW, &err), RD_OK);
  c = good_complaint();
  c.customer.phone = NULL;
  assert_int_equal(rd_validate_new_complaint(&c, NOW, &err), RD_OK);

  /* Up to five minutes in the future: clocks drift. */
  c = good_complaint();
  c.received_at = NOW + 300;
  assert_int_equal(rd_validate_new_complaint(&c, NOW, &err), RD_OK);
}

/* Each broken field is refused, naming that field. */
static void
test_new_complaint_names_the_field(void **state)
{
  char *long_subject = repeat("投", RD_MAX_SUBJECT + 1);
  char *long_demands = repeat("😀", RD_MAX_TEXT + 1);
  char *long_name = repeat("张", RD_MAX_NAME + 1);
  char *long_ref = repeat("1", RD_MAX_SHORT + 1);
  char *long_content = repeat("字", RD_MAX_CONTENT + 1);
  struct {
    const char *field;
    struct rd_complaint c;
  } cases[12];
  size_t n = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    cases[i].c = good_complaint();
  cases[n].field = "channel";          cases[n++].c.channel = RD_CHANNEL_COUNT;
  cases[n].field = "customer";         cases[n].c.customer.name = NULL; cases[n++].c.customer.phone = "";
  cases[n].field = "customer.name";    cases[n++].c.customer.name = long_name;
  cases[n].field = "customer.phone";   cases[n++].c.customer.phone = "call me";
  cases[n].field = "customer.email";   cases[n++].c.customer.email = "zhang";
  cases[n].field = "content";          cases[n++].c.content = NULL;
  cases[n].field = "content";          cases[n++].c.content = long_content;
  cases[n].field = "subject";          cases[n++].c.subject = long_subject;
  cases[n].field = "demands";          cases[n++].c.demands = long_demands;
  cases[n].field = "external_ref";     cases[n++].c.external_ref = long_ref;
  cases[n].field = "severity";         cases[n++].c.severity = 6;
  cases[n].field = "anger";            cases[n++].c.anger = -1;
  assert_int_equal(n, sizeof cases / sizeof cases[0]);
  for (size_t i = 0; i < n; i++) {
    struct rd_error err = {0};
    assert_int_equal(rd_validate_new_complaint(&cases[i].c, NOW, &err), RD_E_INVALID);
    assert_string_equal(err.field, cases[i].field);
  }

  struct rd_error err = {0};
  struct rd_complaint c = good_complaint();
  c.received_at = 0;
  assert_int_equal(rd_validate_new_complaint(&c, NOW, &err), RD_E_INVALID);
  assert_string_equal(err.field, "received_at");
  c.received_at = NOW + 301;
  assert_int_equal(rd_validate_new_complaint(&c, NOW, &err), RD_E_INVALID);
  assert_string_equal(err.field, "received_at");

  free(long_subject);
  free(long_demands);
  free(long_name);
  free(long_ref);
  free(long_content);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_utf8_length),
  cmocka_unit_test(test_text_required_and_optional),
  cmocka_unit_test(test_text_limit_in_code_points),
  cmocka_unit_test(test_phone),
  cmocka_unit_test(test_email),
  cmocka_unit_test(test_new_complaint_good),
  cmocka_unit_test(test_new_complaint_names_the_field),
};

RD_TEST_MAIN("core/validate", tests)
