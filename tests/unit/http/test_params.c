/* Unit tests of http/params and route matching: listen addresses, ids,
 * If-Match, yuan to fen, instants, the complaint list's query string, and
 * which route (or 404/405) a method and path get. */
#include "../../testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "core/complaint.h"
#include "http/params.h"
#include "http/routes.h"
#include "util/arena.h"

static void
test_listen_ipv4(void **state)
{
  struct sockaddr_storage ss;
  socklen_t len;
  struct rd_error err = {0};
  assert_int_equal(rd_http_parse_listen("127.0.0.1:8080", &ss, &len, &err), RD_OK);
  const struct sockaddr_in *sa = (const struct sockaddr_in *)&ss;
  assert_int_equal(sa->sin_family, AF_INET);
  assert_int_equal(ntohs(sa->sin_port), 8080);
  assert_int_equal(ntohl(sa->sin_addr.s_addr), 0x7f000001);
  assert_int_equal(len, sizeof(struct sockaddr_in));

  assert_int_equal(rd_http_parse_listen("localhost:0", &ss, &len, &err), RD_OK);
  assert_int_equal(ntohs(sa->sin_port), 0);
  assert_int_equal(rd_http_parse_listen("0.0.0.0:65535", &ss, &len, &err), RD_OK);
}

static void
test_listen_ipv6(void **state)
{
  struct sockaddr_storage ss;
  socklen_t len;
  struct rd_error err = {0};
  assert_int_equal(rd_http_parse_listen("[::1]:9090", &ss, &len, &err), RD_OK);
  const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)&ss;
  assert_int_equal(sa->sin6_family, AF_INET6);
  assert_int_equal(ntohs(sa->sin6_port), 9090);
  assert_memory_equal(&sa->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback);
  assert_int_equal(len, sizeof(struct sockaddr_in6));
}

static void
test_listen_refused(void **state)
{
  static const char *const bad[] = {
    "", "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
    "127.0.0.1:80x", "::1:8080", "[::1]8080", "[::1:8080", "[nope]:80",
    "example.com:80", "300.1.1.1:80", "127.0.0.1:-1",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sockaddr_storage ss;
    socklen_t len;
    struct rd_error err = {0};
    if (rd_http_parse_listen(bad[i], &ss, &len, &err) != RD_E_INVALID)
      fail_msg("'%s' was accepted", bad[i]);
    assert_string_equal(err.field, "listen");
  }
}

static void
test_ids(void **state)
{
  int64_t id = -1;
  assert_true(rd_http_parse_id("42", &id));
  assert_int_equal(id, 42);
  assert_true(rd_http_parse_id("9223372036854775807", &id));
  assert_false(rd_http_parse_id("0", &id));
  assert_false(rd_http_parse_id("-3", &id));
  assert_false(rd_http_parse_id("", &id));
  assert_false(rd_http_parse_id(NULL, &id));
  assert_false(rd_http_parse_id("12a", &id));
  assert_false(rd_http_parse_id("TS20261120-000001", &id));
  assert_false(rd_http_parse_id("99999999999999999999", &id));
}

static void
test_if_match(void **state)
{
  int v = 0;
  assert_true(rd_http_parse_if_match("\"3\"", &v));
  assert_int_equal(v, 3);
  assert_true(rd_http_parse_if_match("W/\"17\"", &v));
  assert_int_equal(v, 17);
  assert_true(rd_http_parse_if_match("5", &v));
  assert_int_equal(v, 5);
  assert_false(rd_http_parse_if_match("*", &v));
  assert_false(rd_http_parse_if_match("\"\"", &v));
  assert_false(rd_http_parse_if_match("\"0\"", &v));
  assert_false(rd_http_parse_if_match("\"abc\"", &v));
  assert_false(rd_http_parse_if_match(NULL, &v));
}

static void
test_yuan_to_fen(void **state)
{
  int64_t fen = -1;
  assert_true(rd_http_yuan_to_fen(200.0, &fen));
  assert_int_equal(fen, 20000);
  assert_true(rd_http_yuan_to_fen(0.29, &fen));   /* 28.999999999999996 * 100 */
  assert_int_equal(fen, 29);
  assert_true(rd_http_yuan_to_fen(1234.56, &fen));
  assert_int_equal(fen, 123456);
  assert_true(rd_http_yuan_to_fen(0, &fen));
  assert_int_equal(fen, 0);
  assert_true(rd_http_yuan_to_fen(0.1 + 0.2, &fen));
  assert_int_equal(fen, 30);
  assert_false(rd_http_yuan_to_fen(200.005, &fen));
  assert_false(rd_http_yuan_to_fen(0.001, &fen));
  assert_false(rd_http_yuan_to_fen(-1, &fen));
  assert_false(rd_http_yuan_to_fen(1e13, &fen));
  /* A third decimal is refused at any size (fuzz/fuzz_query.c found
   * 12345.678 taken as 12345.68), and the largest amounts stay exact. */
  assert_false(rd_http_yuan_to_fen(12345.678, &fen));
  assert_false(rd_http_yuan_to_fen(10000.005, &fen));
  assert_false(rd_http_yuan_to_fen(99999999.999, &fen));
  assert_false(rd_http_yuan_to_fen(123456789012.001, &fen));
  assert_true(rd_http_yuan_to_fen(999999999999.99, &fen));
  assert_int_equal(fen, 99999999999999);
  assert_true(rd_http_yuan_to_fen(1e12, &fen));
  assert_int_equal(fen, 100000000000000);
  assert_true(rd_http_yuan_to_fen(87654.32, &fen));
  assert_int_equal(fen, 8765432);
}

static void
test_instants(void **state)
{
  int64_t t = 0;
  struct rd_error err = {0};
  assert_int_equal(rd_http_parse_instant("2026-11-20T17:50:00+08:00", "Asia/Shanghai",
                                         false, "from", &t, &err), RD_OK);
  assert_int_equal(t, 1795168200);
  /* A date is local midnight; as an upper bound, the midnight that ends it. */
  assert_int_equal(rd_http_parse_instant("2026-11-20", "Asia/Shanghai", false,
                                         "from", &t, &err), RD_OK);
  assert_int_equal(t, 1795104000);
  assert_int_equal(rd_http_parse_instant("2026-11-30", "Asia/Shanghai", true,
                                         "to", &t, &err), RD_OK);
  assert_int_equal(t, 1796054400);   /* 2026-12-01T00:00+08:00 */
  assert_int_equal(rd_http_parse_instant("2026-12-31", "Asia/Shanghai", true,
                                         "to", &t, &err), RD_OK);
  assert_int_equal(t, 1798732800);   /* 2027-01-01T00:00+08:00 */
  assert_int_equal(rd_http_parse_instant("yesterday", "Asia/Shanghai", false,
                                         "from", &t, &err), RD_E_INVALID);
  assert_string_equal(err.field, "from");
  /* A date that does not exist is refused as an end as it is as a start
   * (fuzz/fuzz_query.c found "to=2026-02-30" taken as the end of March 2). */
  static const char *const bad[] = {"2026-02-30", "2026-04-31", "2025-02-29",
                                    "2026-00-10", "2026-13-01", "2026- 2-28"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    for (int end = 0; end <= 1; end++) {
      memset(&err, 0, sizeof err);
      assert_int_equal(rd_http_parse_instant(bad[i], "Asia/Shanghai", end,
                                             end ? "to" : "from", &t, &err),
                       RD_E_INVALID);
      assert_string_equal(err.field, end ? "to" : "from");
    }
  /* The last date there is ends too, and across a clock change the day
   * is 23 or 25 hours long. */
  int64_t start = 0;
  assert_int_equal(rd_http_parse_instant("9999-12-31", "Asia/Shanghai", true,
                                         "to", &t, &err), RD_OK);
  assert_int_equal(rd_http_parse_instant("2026-03-08", "America/Los_Angeles", false,
                                         "from", &start, &err), RD_OK);
  assert_int_equal(rd_http_parse_instant("2026-03-08", "America/Los_Angeles", true,
                                         "to", &t, &err), RD_OK);
  assert_int_equal(t - start, 23 * 3600);
  assert_int_equal(rd_http_parse_instant("2026-11-01", "America/Los_Angeles", false,
                                         "from", &start, &err), RD_OK);
  assert_int_equal(rd_http_parse_instant("2026-11-01", "America/Los_Angeles", true,
                                         "to", &t, &err), RD_OK);
  assert_int_equal(t - start, 25 * 3600);
}

static void
test_group_by(void **state)
{
  enum rd_group_by g;
  assert_true(rd_http_parse_group_by("month", &g));
  assert_int_equal(g, RD_GROUP_MONTH);
  assert_true(rd_http_parse_group_by("category", &g));
  assert_int_equal(g, RD_GROUP_CATEGORY);
  assert_true(rd_http_parse_group_by("status", &g));
  assert_int_equal(g, RD_GROUP_STATUS);
  assert_false(rd_http_parse_group_by("state", &g));
  assert_false(rd_http_parse_group_by("week", &g));
  assert_false(rd_http_parse_group_by(NULL, &g));
}

static void
test_utf8(void **state)
{
  assert_true(rd_http_utf8_valid(""));
  assert_true(rd_http_utf8_valid("plain"));
  assert_true(rd_http_utf8_valid("投诉照片.jpg"));
  assert_true(rd_http_utf8_valid("\xf0\x9f\x98\x80"));      /* U+1F600 */
  assert_false(rd_http_utf8_valid("\xff"));
  assert_false(rd_http_utf8_valid("\xe6\x8a"));              /* truncated */
  assert_false(rd_http_utf8_valid("\xc0\xaf"));              /* overlong '/' */
  assert_false(rd_http_utf8_valid("\xed\xa0\x80"));          /* surrogate */
  assert_false(rd_http_utf8_valid("\xf4\x90\x80\x80"));      /* > U+10FFFF */
}

/* ---- the list's query string, from a table of name=value pairs --------------- */

struct args {
  const char *const *pairs;   /* name, value, name, value, ..., NULL */
};

static const char *
lookup(void *ctx, const char *name)
{
  const struct args *a = ctx;
  for (size_t i = 0; a->pairs[i]; i += 2)
    if (strcmp(a->pairs[i], name) == 0)
      return a->pairs[i + 1];
  return NULL;
}

static enum rd_status
parse(const char *const *pairs, struct rd_complaint_filter *f,
      struct rd_error *err)
{
  struct args a = {pairs};
  struct rd_arena *arena = rd_arena_new();
  enum rd_status st = rd_http_parse_filter(lookup, &a, "Asia/Shanghai", arena, f, err);
  /* Strings in f point into the arena; the tests below only read numbers
   * and presence after this, except where noted. */
  rd_arena_free(arena);
  return st;
}

static void
test_filter_defaults(void **state)
{
  static const char *const none[] = {NULL};
  struct rd_complaint_filter f;
  struct rd_error err = {0};
  assert_int_equal(parse(none, &f, &err), RD_OK);
  assert_int_equal(f.limit, 50);
  assert_int_equal(f.sort, RD_SORT_RECEIVED_DESC);
  assert_int_equal(f.status_mask, 0);
  assert_null(f.q);
  assert_null(f.cursor);
  assert_false(f.overdue);
}

static void
test_filter_everything(void **state)
{
  static const char *const pairs[] = {
    "status", "registered,closed", "severity", "1,5", "channel", "phone,web",
    "department_id", "3", "category_id", "12", "site_id", "2", "assignee_id", "9",
    "customer_id", "77", "overdue", "true", "customer_phone", "13800138000", "q", "更衣柜",
    "from", "2026-11-01", "to", "2026-11-30", "sort", "due", "limit", "500",
    "cursor", "abc", NULL,
  };
  struct rd_complaint_filter f;
  struct rd_error err = {0};
  assert_int_equal(parse(pairs, &f, &err), RD_OK);
  assert_int_equal(f.status_mask, (1u << RD_STATE_REGISTERED) | (1u << RD_STATE_CLOSED));
  assert_int_equal(f.severity_mask, (1u << 1) | (1u << 5));
  assert_int_equal(f.channel_mask, (1u << RD_CHANNEL_PHONE) | (1u << RD_CHANNEL_WEB));
  assert_int_equal(f.department_id, 3);
  assert_int_equal(f.category_id, 12);
  assert_int_equal(f.site_id, 2);
  assert_int_equal(f.assignee_id, 9);
  assert_int_equal(f.customer_id, 77);
  assert_true(f.overdue);
  assert_non_null(f.customer_phone);
  assert_non_null(f.q);
  assert_int_equal(f.received_from, 1793462400);  /* 2026-11-01T00:00+08:00 */
  assert_int_equal(f.received_to, 1796054400);    /* 2026-12-01T00:00+08:00 */
  assert_int_equal(f.sort, RD_SORT_DUE);
  assert_int_equal(f.limit, 500);
  assert_non_null(f.cursor);
}

static void
test_filter_open_means_open_states(void **state)
{
  static const char *const pairs[] = {"status", "open", NULL};
  struct rd_complaint_filter f;
  struct rd_error err = {0};
  assert_int_equal(parse(pairs, &f, &err), RD_OK);
  assert_int_equal(f.status_mask, rd_state_open_mask());
  assert_false(f.status_mask & (1u << RD_STATE_CLOSED));
}

/* Each bad value is refused naming its own argument. */
static void
test_filter_bad_values(void **state)
{
  static const char *const cases[][3] = {
    {"status", "lost", "status"},     {"status", ",", "status"},
    {"severity", "6", "severity"},    {"severity", "1,x", "severity"},
    {"channel", "fax", "channel"},    {"department_id", "x", "department_id"},
    {"category_id", "0", "category_id"}, {"site_id", "-1", "site_id"},
    {"overdue", "maybe", "overdue"},  {"from", "11/20/2026", "from"},
    {"to", "never", "to"},            {"sort", "severity", "sort"},
    {"limit", "0", "limit"},          {"limit", "501", "limit"},
    {"limit", "ten", "limit"},        {"q", "\xff\xfe", "q"},
    {"customer_id", "0", "customer_id"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *const pairs[] = {cases[i][0], cases[i][1], NULL};
    struct rd_complaint_filter f;
    struct rd_error err = {0};
    if (parse(pairs, &f, &err) != RD_E_INVALID)
      fail_msg("%s=%s was accepted", cases[i][0], cases[i][1]);
    assert_string_equal(err.field, cases[i][2]);
  }
}

/* ---- routing --------------------------------------------------------------------- */

static void
test_route_match(void **state)
{
  struct rd_request req = {0};
  int index;
  const char *allow = NULL;
  size_t n;
  const struct rd_route *routes = rd_routes(&n);
  req.arena = rd_arena_new();

  assert_int_equal(rd_route_match(&req, "POST", "/api/v1/complaints/42/actions/triage",
                                  &index, &allow), RD_ROUTE_FOUND);
  assert_ptr_equal(routes[index].handler, rd_h_complaint_act);
  assert_string_equal(rd_request_param(&req, "id"), "42");
  assert_string_equal(rd_request_param(&req, "action"), "triage");
  assert_null(rd_request_param(&req, "nope"));

  assert_int_equal(rd_route_match(&req, "GET", "/api/v1/complaints/TS20261120-000001",
                                  &index, &allow), RD_ROUTE_FOUND);
  assert_ptr_equal(routes[index].handler, rd_h_complaint_get);
  assert_string_equal(rd_request_param(&req, "id"), "TS20261120-000001");

  assert_int_equal(rd_route_match(&req, "HEAD", "/api/v1/version", &index, &allow),
                   RD_ROUTE_FOUND);
  assert_ptr_equal(routes[index].handler, rd_h_version);

  assert_int_equal(rd_route_match(&req, "DELETE", "/api/v1/complaints/42", &index, &allow),
                   RD_ROUTE_NO_METHOD);
  assert_int_equal(index, -1);
  assert_string_equal(allow, "GET, PATCH, HEAD");

  /* "/" is the web console's page; "/assets/x" one of its files. */
  assert_int_equal(rd_route_match(&req, "GET", "/", &index, &allow), RD_ROUTE_FOUND);
  assert_ptr_equal(routes[index].handler, rd_h_web_index);

  static const char *const unknown[] = {
    "/assets", "/assets/a/b", "/api/v1", "/api/v1/complaints/", "/api/v1/complaints//events",
    "/api/v1/complaints/1/events/2", "/api/v1/complaintsx", "/healthz/",
  };
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    if (rd_route_match(&req, "GET", unknown[i], &index, &allow) != RD_ROUTE_NO_PATH)
      fail_msg("%s matched a route", unknown[i]);
  rd_arena_free(req.arena);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_listen_ipv4),
    cmocka_unit_test(test_listen_ipv6),
    cmocka_unit_test(test_listen_refused),
    cmocka_unit_test(test_ids),
    cmocka_unit_test(test_if_match),
    cmocka_unit_test(test_yuan_to_fen),
    cmocka_unit_test(test_instants),
    cmocka_unit_test(test_group_by),
    cmocka_unit_test(test_utf8),
    cmocka_unit_test(test_filter_defaults),
    cmocka_unit_test(test_filter_everything),
    cmocka_unit_test(test_filter_open_means_open_states),
    cmocka_unit_test(test_filter_bad_values),
    cmocka_unit_test(test_route_match),
};

RD_TEST_MAIN("http/params", tests)
