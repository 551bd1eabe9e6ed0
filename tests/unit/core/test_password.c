/* Unit tests of core/password: each rule of the policy refuses what it
 * should, names the field, and lets a sound password through. */
#include "../../testing.h"

#include <string.h>

#include "core/password.h"

static void
refused(const char *username, const char *password, const char *words)
{
  struct rd_error err = {0};
  assert_int_equal(rd_password_check("new_password", username, password, &err), RD_E_INVALID);
  assert_string_equal(err.field, "new_password");
  if (!strstr(err.detail, words))
    fail_msg("'%s' refused with '%s', expected it to say '%s'", password, err.detail, words);
}

static void
allowed(const char *username, const char *password)
{
  struct rd_error err = {0};
  if (rd_password_check("password", username, password, &err) != RD_OK)
    fail_msg("'%s' refused: %s", password, err.detail);
}

static void
test_length(void **state)
{
  refused("li", "Ab3-ab3-a", "10 to 1024 characters");      /* 9 */
  allowed("li", "Ab3-ab3-ab");                              /* 10 */
  allowed("li", "客服中心投诉处理2号");      /* 10 code points, 28 bytes */
  refused("li", "客服中心投诉处理", "10 to 1024 characters");   /* 8 code points, 24 bytes */
  char big[1026];
  memset(big, 'a', sizeof big - 1);
  big[0] = 'B';
  big[1025] = '\0';
  refused("li", big, "10 to 1024 characters");
  big[1024] = '\0';
  allowed("li", big);
  refused("li", NULL, "required");
}

static void
test_kinds(void **state)
{
  refused("li", "abcdefghijkm", "two kinds");
  refused("li", "98765432109876", "two kinds");
  refused("li", "QWERTYUIOPASD", "two kinds");
  allowed("li", "correct horse battery");   /* letters and spaces */
  allowed("li", "lichtenstein7");
  allowed("li", "长城饭店zhoujia");
  refused("li", "客服中心投诉处理系统二号", "two kinds");  /* one kind: not ASCII */
}

static void
test_user_name(void **state)
{
  refused("zhangwei", "my-ZhangWei-2026", "user name");
  refused("admin", "Administrator!2", "user name");
  /* Two letters occur in passwords by chance: not a name worth refusing. */
  allowed("li", "lightning-Rod");
  allowed(NULL, "my-zhangwei-2026");
}

static void
test_common(void **state)
{
  refused("li", "password123", "most common");
  refused("li", "Password2024!", "most common");
  refused("li", "P@ssw0rd!!", "most common");
  refused("li", "1q2w3e4r5t", "most common");
  refused("li", "QwertyUIOP", "most common");
  refused("li", "woaini1314520", "most common");
  refused("li", "!!iloveyou!!", "most common");
  refused("li", "Redress2026", "most common");
  /* A common word inside a longer password is fine: the rest is the
   * strength. */
  allowed("li", "password-of-the-lighthouse");
  allowed("li", "Redress-test-pw-1");
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_length),
  cmocka_unit_test(test_kinds),
  cmocka_unit_test(test_user_name),
  cmocka_unit_test(test_common),
};

RD_TEST_MAIN("core/password", tests)
