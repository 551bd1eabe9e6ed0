/* Unit tests of http/language: reading Accept-Language (q-values, wildcard,
 * ties, malformed elements) and the order of header, user and default. */
#include "../../testing.h"

#include <stdbool.h>

#include "http/language.h"

/* 'z', 'e', or '-' when the header makes no choice. */
static char
choice(const char *header)
{
  enum rd_lang lang = RD_LANG_ZH;
  if (!rd_http_accept_language(header, &lang))
    return '-';
  return lang == RD_LANG_EN ? 'e' : 'z';
}

static void
test_plain_tags(void **state)
{
  assert_int_equal(choice("en"), 'e');
  assert_int_equal(choice("zh-CN"), 'z');
  assert_int_equal(choice("zh"), 'z');
  assert_int_equal(choice("en-US"), 'e');
  assert_int_equal(choice("EN-gb"), 'e');
  assert_int_equal(choice("zh-Hans-CN"), 'z');
  assert_int_equal(choice("zh-TW"), 'z');  /* closer to zh-CN than English is */
}

static void
test_q_values_decide(void **state)
{
  assert_int_equal(choice("en-US,en;q=0.9,zh-CN;q=0.8"), 'e');
  assert_int_equal(choice("zh-CN,zh;q=0.9,en;q=0.8"), 'z');
  assert_int_equal(choice("zh;q=0.5, en;q=0.7"), 'e');    /* order does not matter */
  assert_int_equal(choice("en;q=0.1,zh;q=0.2"), 'z');
  assert_int_equal(choice("en;q=1.000, zh;q=0.999"), 'e');
  assert_int_equal(choice("en ; q=0.3 , zh ; Q=0.4"), 'z'); /* spaces, case of q */
  assert_int_equal(choice("fr, en;q=0.5"), 'e');          /* English over nothing */
  assert_int_equal(choice("fr, zh;q=0.1"), 'z');
  assert_int_equal(choice("en;q=0, zh;q=0.1"), 'z');      /* q=0: not acceptable */
}

static void
test_ties_go_to_the_first_listed(void **state)
{
  assert_int_equal(choice("en, zh"), 'e');
  assert_int_equal(choice("zh, en"), 'z');
  assert_int_equal(choice("en;q=0.5, zh;q=0.5"), 'e');
  assert_int_equal(choice("en-GB;q=0.4, en;q=0.8, zh;q=0.8"), 'e'); /* its best q */
}

static void
test_wildcard(void **state)
{
  assert_int_equal(choice("*"), '-');                     /* anything: no choice */
  assert_int_equal(choice("zh;q=0.5, *"), 'e');           /* English through "*" */
  assert_int_equal(choice("en;q=0.5, *;q=0.4"), 'e');
  assert_int_equal(choice("en;q=0.3, *;q=0.4"), 'z');
  assert_int_equal(choice("en, *"), 'e');                 /* listed beats "*" */
  assert_int_equal(choice("*;q=0.5, zh;q=0.5"), 'z');
}

static void
test_no_choice(void **state)
{
  assert_int_equal(choice(NULL), '-');
  assert_int_equal(choice(""), '-');
  assert_int_equal(choice("   "), '-');
  assert_int_equal(choice("fr-FR, de;q=0.8"), '-');
  assert_int_equal(choice("en;q=0, zh;q=0"), '-');
  assert_int_equal(choice(",,,"), '-');
}

static void
test_malformed_elements_are_skipped(void **state)
{
  assert_int_equal(choice("en;q=2, zh;q=0.1"), 'z');       /* q above 1 */
  assert_int_equal(choice("en;q=0.1234, zh;q=0.1"), 'z');  /* four decimals */
  assert_int_equal(choice("en;q=x"), '-');
  assert_int_equal(choice("en;q=, zh"), 'z');
  assert_int_equal(choice("e n, zh;q=0.2"), 'z');          /* a space inside */
  assert_int_equal(choice("en-, zh;q=0.2"), 'z');
  assert_int_equal(choice("englishlanguage, zh;q=0.2"), 'z'); /* over 8 letters */
  assert_int_equal(choice("1en, zh;q=0.2"), 'z');
  assert_int_equal(choice("eng"), '-');                    /* not en */
  assert_int_equal(choice("zhx-CN"), '-');
  assert_int_equal(choice("en;level=1;q=0.5, zh;q=0.4"), 'e'); /* other params */
}

static void
test_pick_language_order(void **state)
{
  /* The header when it chooses ... */
  assert_int_equal(rd_http_pick_language("en", "zh-CN"), RD_LANG_EN);
  assert_int_equal(rd_http_pick_language("zh-CN", "en"), RD_LANG_ZH);
  /* ... then the signed-in user's language ... */
  assert_int_equal(rd_http_pick_language(NULL, "en"), RD_LANG_EN);
  assert_int_equal(rd_http_pick_language("fr", "en"), RD_LANG_EN);
  assert_int_equal(rd_http_pick_language("*", "en"), RD_LANG_EN);
  assert_int_equal(rd_http_pick_language(NULL, "zh-CN"), RD_LANG_ZH);
  /* ... then Chinese. */
  assert_int_equal(rd_http_pick_language(NULL, NULL), RD_LANG_ZH);
  assert_int_equal(rd_http_pick_language("fr", NULL), RD_LANG_ZH);
  assert_int_equal(rd_http_pick_language("", "xx"), RD_LANG_ZH);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_plain_tags),
  cmocka_unit_test(test_q_values_decide),
  cmocka_unit_test(test_ties_go_to_the_first_listed),
  cmocka_unit_test(test_wildcard),
  cmocka_unit_test(test_no_choice),
  cmocka_unit_test(test_malformed_elements_are_skipped),
  cmocka_unit_test(test_pick_language_order),
};

RD_TEST_MAIN("http/language", tests)
