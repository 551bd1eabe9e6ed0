/* Unit tests of http/client_addr: X-Forwarded-For believed only from the
 * trusted proxies, read from the right, and never past a broken entry. */
#include "../../testing.h"

#include "http/client_addr.h"

#include <string.h>

static void
addr_of(const char *peer, const char *xff, const char *trusted, const char *want)
{
  struct rd_trusted_proxies t;
  char bad[64], out[RD_ADDR_TEXT_MAX];
  assert_true(rd_trusted_proxies_parse(trusted, &t, bad, sizeof bad));
  rd_client_addr(peer, xff, &t, out, sizeof out);
  assert_string_equal(out, want);
}

static void
test_no_proxy_trusted_ignores_the_header(void **state)
{
  addr_of("127.0.0.1", "203.0.113.5", NULL, "127.0.0.1");
  addr_of("198.51.100.7", "203.0.113.5", "127.0.0.1", "198.51.100.7");  /* not from the proxy */
}

static void
test_the_proxy_names_the_client(void **state)
{
  addr_of("127.0.0.1", "203.0.113.5", "127.0.0.1", "203.0.113.5");
  addr_of("127.0.0.1", " 203.0.113.5 ", "127.0.0.1", "203.0.113.5");
  addr_of("127.0.0.1", NULL, "127.0.0.1", "127.0.0.1");
}

static void
test_entries_the_client_wrote_prove_nothing(void **state)
{
  /* The client sent "1.1.1.1" itself; nginx appended what it saw. */
  addr_of("127.0.0.1", "1.1.1.1, 203.0.113.5", "127.0.0.1", "203.0.113.5");
  /* Two proxies in a row: the load balancer's entry is skipped. */
  addr_of("10.0.0.2", "1.1.1.1, 203.0.113.5, 10.0.0.1", "10.0.0.1,10.0.0.2", "203.0.113.5");
  /* Only proxies: the peer stands. */
  addr_of("10.0.0.2", "10.0.0.1", "10.0.0.1,10.0.0.2", "10.0.0.2");
}

static void
test_a_broken_entry_ends_the_walk(void **state)
{
  addr_of("127.0.0.1", "203.0.113.5, not-an-address", "127.0.0.1", "127.0.0.1");
  addr_of("127.0.0.1", "", "127.0.0.1", "127.0.0.1");
  addr_of("127.0.0.1", "203.0.113.5,", "127.0.0.1", "127.0.0.1");
}

static void
test_ipv6_in_canonical_form(void **state)
{
  addr_of("::1", "2001:DB8:0:0::1", "::1", "2001:db8::1");
  addr_of("::1", "2001:db8::1", "0:0:0:0:0:0:0:1", "2001:db8::1");
}

static void
test_the_list_is_checked(void **state)
{
  struct rd_trusted_proxies t;
  char bad[64];
  assert_true(rd_trusted_proxies_parse("", &t, bad, sizeof bad));
  assert_int_equal(t.n, 0);
  assert_true(rd_trusted_proxies_parse("127.0.0.1, ::1", &t, bad, sizeof bad));
  assert_int_equal(t.n, 2);
  assert_false(rd_trusted_proxies_parse("127.0.0.1,nginx", &t, bad, sizeof bad));
  assert_string_equal(bad, "nginx");
  assert_int_equal(t.n, 0);
  assert_false(rd_trusted_proxies_parse("10.0.0.0/8", &t, bad, sizeof bad));
  assert_false(rd_trusted_proxies_parse("127.0.0.1,,::1", &t, bad, sizeof bad));
  char many[RD_TRUSTED_PROXIES_MAX * 12 + 16] = "";
  for (int i = 0; i <= RD_TRUSTED_PROXIES_MAX; i++)
    snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.0.%d", i ? "," : "", i + 1);
  assert_false(rd_trusted_proxies_parse(many, &t, bad, sizeof bad));
}

static void
test_tls_only_on_a_trusted_proxys_word(void **state)
{
  struct rd_trusted_proxies t;
  char bad[64];
  assert_true(rd_trusted_proxies_parse("127.0.0.1", &t, bad, sizeof bad));
  assert_true(rd_forwarded_tls("127.0.0.1", "https", &t));
  assert_true(rd_forwarded_tls("127.0.0.1", "HTTPS", &t));
  assert_true(rd_forwarded_tls("127.0.0.1", "http, https", &t));   /* the nearest hop's */
  assert_false(rd_forwarded_tls("127.0.0.1", "https, http", &t));
  assert_false(rd_forwarded_tls("127.0.0.1", "http", &t));
  assert_false(rd_forwarded_tls("127.0.0.1", "httpsx", &t));
  assert_false(rd_forwarded_tls("127.0.0.1", NULL, &t));
  assert_false(rd_forwarded_tls("198.51.100.7", "https", &t));     /* not the proxy */
  assert_false(rd_forwarded_tls("127.0.0.1", "https", NULL));
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_tls_only_on_a_trusted_proxys_word),
  cmocka_unit_test(test_no_proxy_trusted_ignores_the_header),
  cmocka_unit_test(test_the_proxy_names_the_client),
  cmocka_unit_test(test_entries_the_client_wrote_prove_nothing),
  cmocka_unit_test(test_a_broken_entry_ends_the_walk),
  cmocka_unit_test(test_ipv6_in_canonical_form),
  cmocka_unit_test(test_the_list_is_checked),
};

RD_TEST_MAIN("http/client_addr", tests)
