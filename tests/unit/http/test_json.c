/* Unit tests of http/json_in and http/json_out: strict parsing (400 for
 * malformed, 422 naming the field for wrong types), presence bits, money,
 * and rendering that parses back with the brief's shapes. */
#include "../../testing.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "http/json_in.h"
#include "http/json_out.h"
#include "util/arena.h"

#define TZ "Asia/Shanghai"

static int
setup(void **state)
{
  *state = rd_arena_new();
  return 0;
}

static int
teardown(void **state)
{
  rd_arena_free(*state);
  return 0;
}

#define BODY(s) s, strlen(s)

static void
test_complaint_full(void **state)
{
  struct rd_complaint c;
  struct rd_error err = {0};
  const char *body =
      "{\"channel\":\"phone\",\"received_at\":\"2026-11-20T17:50:00+08:00\","
      "\"customer\":{\"name\":\"张三\",\"phone\":\"13800138000\",\"email\":null,"
      "\"refs\":{\"plate\":\"京A12345\"}},\"subject\":\"更衣柜损坏导致物品丢失\","
      "\"content\":\"……客户原话……\",\"demands\":\"赔偿并道歉\",\"site_id\":1,"
      "\"category_id\":12,\"severity\":1,\"anger\":4,\"external_ref\":null,"
      "\"tags\":[\"vip\"]}";
  assert_int_equal(rd_json_read_complaint(BODY(body), *state, &c, &err), RD_OK);
  assert_int_equal(c.channel, RD_CHANNEL_PHONE);
  assert_int_equal(c.received_at, 1795168200);
  assert_string_equal(c.customer.name, "张三");
  assert_string_equal(c.customer.phone, "13800138000");
  assert_null(c.customer.email);
  assert_string_equal(c.customer.refs_json, "{\"plate\":\"京A12345\"}");
  assert_string_equal(c.content, "……客户原话……");
  assert_int_equal(c.site_id, 1);
  assert_int_equal(c.category_id, 12);
  assert_int_equal(c.severity, 1);
  assert_int_equal(c.anger, 4);
  assert_null(c.external_ref);
  assert_string_equal(c.tags_json, "[\"vip\"]");
  assert_int_equal(c.satisfied, -1);   /* not asked yet */
}

/* Each case: body, expected status, expected field ("" for none). */
static void
test_complaint_refusals(void **state)
{
  static const char *const cases[][3] = {
    {"", "400", ""},
    {"{\"channel\":", "400", ""},
    {"[1,2]", "400", ""},
    {"{\"channel\":\"phone\",\"channel\":\"web\"}", "400", ""},
    {"{\"content\":\"x\"}", "422", "channel"},
    {"{\"channel\":\"fax\",\"content\":\"x\"}", "422", "channel"},
    {"{\"channel\":7,\"content\":\"x\"}", "422", "channel"},
    {"{\"channel\":\"web\",\"severity\":\"high\"}", "422", "severity"},
    {"{\"channel\":\"web\",\"severity\":1.5}", "422", "severity"},
    {"{\"channel\":\"web\",\"site_id\":0}", "422", "site_id"},
    {"{\"channel\":\"web\",\"content\":5}", "422", "content"},
    {"{\"channel\":\"web\",\"customer\":\"张三\"}", "422", "customer"},
    {"{\"channel\":\"web\",\"customer\":{\"phone\":138}}", "422", "customer.phone"},
    {"{\"channel\":\"web\",\"customer\":{\"refs\":[1]}}", "422", "customer.refs"},
    {"{\"channel\":\"web\",\"received_at\":\"yesterday\"}", "422", "received_at"},
    {"{\"channel\":\"web\",\"tags\":[1]}", "422", "tags"},
    {"{\"channel\":\"web\",\"anger\":99999999999}", "422", "anger"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_complaint c;
    struct rd_error err = {0};
    enum rd_status st = rd_json_read_complaint(BODY(cases[i][0]), *state, &c, &err);
    if (rd_status_http(st) != atoi(cases[i][1]) || strcmp(err.field, cases[i][2]) != 0)
      fail_msg("%s: got %d field '%s' (%s)", cases[i][0], rd_status_http(st),
               err.field, err.detail);
  }
}

static void
test_action_fields_and_money(void **state)
{
  struct rd_action a;
  struct rd_error err = {0};
  int version;
  const char *body = "{\"kind\":\"compensation\",\"description\":\"赔偿\","
                     "\"amount\":200.5,\"version\":7}";
  assert_int_equal(rd_json_read_action(BODY(body), *state, RD_ACT_PROPOSE_PLAN, &a,
                                       &version, &err), RD_OK);
  assert_int_equal(a.kind, RD_ACT_PROPOSE_PLAN);
  assert_int_equal(a.fields, RD_F_KIND | RD_F_DESCRIPTION | RD_F_AMOUNT);
  assert_int_equal(a.plan_kind, RD_PLAN_COMPENSATION);
  assert_int_equal(a.amount_fen, 20050);
  assert_int_equal(version, 7);

  body = "{\"valid\":false,\"reason\":\"不属于本公司\",\"transfer\":{\"to_party\":\"物业\","
         "\"contact_person\":\"王\",\"contact_phone\":\"010-1\",\"contact_address\":\"北京\"},"
         "\"assignee_id\":null}";
  assert_int_equal(rd_json_read_action(BODY(body), *state, RD_ACT_TRIAGE, &a, &version,
                                       &err), RD_OK);
  assert_int_equal(a.fields, RD_F_VALID | RD_F_REASON | RD_F_TRANSFER);
  assert_false(a.valid);
  assert_string_equal(a.transfer.contact_address, "北京");
  assert_int_equal(version, 0);

  assert_int_equal(rd_json_read_action(BODY("{\"into\":15}"), *state, RD_ACT_MERGE, &a,
                                       &version, &err), RD_OK);
  assert_string_equal(a.into, "15");
  assert_int_equal(rd_json_read_action(BODY("{\"into\":\"TS20261120-000001\"}"), *state,
                                       RD_ACT_MERGE, &a, &version, &err), RD_OK);
  assert_string_equal(a.into, "TS20261120-000001");
  assert_int_equal(a.fields, RD_F_INTO);

  /* No body at all is an empty action: the workflow names what is missing. */
  assert_int_equal(rd_json_read_action(NULL, 0, *state, RD_ACT_APPROVE, &a, &version,
                                       &err), RD_OK);
  assert_int_equal(a.fields, 0);
}

static void
test_action_refusals(void **state)
{
  static const char *const cases[][2] = {
    {"{\"amount\":200.005}", "amount"}, {"{\"amount\":-1}", "amount"},
    {"{\"amount\":\"200\"}", "amount"}, {"{\"kind\":\"bribe\"}", "kind"},
    {"{\"valid\":\"yes\"}", "valid"},   {"{\"score\":\"5\"}", "score"},
    {"{\"transfer\":[]}", "transfer"},
    {"{\"transfer\":{\"to_party\":1}}", "transfer.to_party"},
    {"{\"into\":true}", "into"},        {"{\"into\":\"\"}", "into"},
    {"{\"version\":0}", "version"},     {"{\"version\":\"3\"}", "version"},
    {"{\"department_id\":-2}", "department_id"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_action a;
    struct rd_error err = {0};
    int version;
    enum rd_status st = rd_json_read_action(BODY(cases[i][0]), *state,
                                            RD_ACT_PROPOSE_PLAN, &a, &version, &err);
    if (st != RD_E_INVALID || strcmp(err.field, cases[i][1]) != 0)
      fail_msg("%s: got %s field '%s'", cases[i][0], rd_status_name(st), err.field);
  }
}

static void
test_patch(void **state)
{
  struct rd_complaint_patch p;
  struct rd_error err = {0};
  int version;
  const char *body = "{\"subject\":\"新标题\",\"external_ref\":null,\"severity\":3,"
                     "\"tags\":null,\"customer\":{\"email\":\"a@b.cn\",\"refs\":{\"x\":1}},"
                     "\"version\":4}";
  assert_int_equal(rd_json_read_patch(BODY(body), *state, &p, &version, &err), RD_OK);
  assert_int_equal(p.fields, RD_P_SUBJECT | RD_P_EXTERNAL_REF | RD_P_SEVERITY |
                                 RD_P_TAGS | RD_P_CUSTOMER_EMAIL | RD_P_CUSTOMER_REFS);
  assert_string_equal(p.values.subject, "新标题");
  assert_null(p.values.external_ref);
  assert_null(p.values.tags_json);
  assert_int_equal(p.values.severity, 3);
  assert_string_equal(p.values.customer.refs_json, "{\"x\":1}");
  assert_int_equal(version, 4);
  assert_string_equal(p.changes_json, body);

  static const char *const refused[][2] = {
    {"{\"status\":\"closed\"}", "status"},
    {"{\"customer\":{\"phone\":\"1\"}}", "customer.phone"},
    {"{\"received_at\":null}", "received_at"},
    {"{\"restatement_confirmed\":null}", "restatement_confirmed"},
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    struct rd_error e = {0};
    assert_int_equal(rd_json_read_patch(BODY(refused[i][0]), *state, &p, &version, &e),
                     RD_E_INVALID);
    assert_string_equal(e.field, refused[i][1]);
  }
}

/* A key a body does not have is refused by name at every depth, before any
 * other check (a misspelt required key is named as the typo); customer.refs
 * is the client's own object; read-only keys GET shows are accepted. */
static void
test_unknown_keys(void **state)
{
  struct {
    const char *body;
    const char *field;   /* NULL: accepted */
  } cases[] = {
    {"{\"channel\":\"web\",\"content\":\"x\",\"severty\":3}", "severty"},
    {"{\"chanel\":\"web\",\"content\":\"x\"}", "chanel"},
    {"{\"channel\":\"web\",\"customer\":{\"nmae\":\"张\"}}", "customer.nmae"},
    {"{\"channel\":\"web\",\"customer\":{\"name\":\"张\",\"refs\":{\"anything\":1}}}", NULL},
    {"{\"channel\":\"web\",\"id\":5}", "id"},
    {"{\"channel\":\"web\",\"未知\":1}", "未知"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_complaint c;
    struct rd_error err = {0};
    enum rd_status st = rd_json_read_complaint(BODY(cases[i].body), *state, &c, &err);
    if (cases[i].field ? st != RD_E_INVALID || strcmp(err.field, cases[i].field) != 0 ||
                             !strstr(err.detail, "unknown field")
                       : st != RD_OK)
      fail_msg("%s: got %d field '%s' (%s)", cases[i].body, st, err.field, err.detail);
  }

  struct rd_error err = {0};
  struct rd_action a;
  struct rd_complaint_patch p;
  int version;
  assert_int_equal(rd_json_read_action(BODY("{\"valid\":false,\"transfer\":{\"to\":\"x\"}}"),
                                       *state, RD_ACT_TRIAGE, &a, &version, &err),
                   RD_E_INVALID);
  assert_string_equal(err.field, "transfer.to");
  assert_int_equal(rd_json_read_patch(BODY("{\"subjet\":\"x\"}"), *state, &p, &version, &err),
                   RD_E_INVALID);
  assert_string_equal(err.field, "subjet");
  assert_non_null(strstr(err.detail_zh, "未知字段"));

  /* A department as GET shows it may be PUT back; its id changes nothing. */
  struct rd_department d = {.id = 3, .code = "old", .name = "旧", .active = true};
  assert_int_equal(rd_json_read_department(BODY("{\"id\":99,\"code\":\"a\",\"name\":\"b\","
                                                "\"active\":true}"), *state, &d, &err), RD_OK);
  assert_int_equal(d.id, 3);
  assert_int_equal(rd_json_read_department(BODY("{\"nmae\":\"b\"}"), *state, &d, &err),
                   RD_E_INVALID);
  assert_string_equal(err.field, "nmae");

  struct rd_category cat = {.id = 4};
  assert_int_equal(rd_json_read_category(BODY("{\"id\":4,\"level\":2,\"name\":\"x\"}"), *state,
                                         &cat, &err), RD_OK);

  struct rd_sla_policy pol = {.clocks_json = "[]"};
  static const char *const policy_cases[][2] = {
    {"{\"match\":{\"sevrity\":[1]}}", "match.sevrity"},
    {"{\"approval\":{\"allways\":true}}", "approval.allways"},
    {"{\"clocks\":[{\"name\":\"a\",\"targte\":\"1d\"}]}", "clocks[0].targte"},
    {"{\"clocks\":[{\"name\":\"a\",\"escalate\":[{\"on\":\"warn\",\"who\":1}]}]}",
     "clocks[0].escalate[0].who"},
  };
  for (size_t i = 0; i < sizeof policy_cases / sizeof policy_cases[0]; i++) {
    if (rd_json_read_policy(BODY(policy_cases[i][0]), *state, &pol, &err) != RD_E_INVALID ||
        strcmp(err.field, policy_cases[i][1]) != 0)
      fail_msg("%s: got field '%s' (%s)", policy_cases[i][0], err.field, err.detail);
  }

  struct rd_calendar cal = {0};
  assert_int_equal(rd_json_read_calendar(BODY("{\"week\":{\"funday\":[]}}"), *state, &cal,
                                         &err), RD_E_INVALID);
  assert_string_equal(err.field, "week.funday");
  assert_int_equal(rd_json_read_calendar(BODY("{\"id\":1,\"version\":3,"
                                              "\"working_day_minutes\":480}"), *state, &cal,
                                         &err), RD_OK);

  /* The small bodies read by a list of keys. */
  static const char *const keys[] = {"language"};
  const char *language;
  assert_int_equal(rd_json_read_strings(BODY("{\"language\":\"en\",\"lang\":\"en\"}"), false,
                                        *state, keys, &language, 1, &err), RD_E_INVALID);
  assert_string_equal(err.field, "lang");
  const char *user, *password;
  assert_int_equal(rd_json_read_login(BODY("{\"username\":\"a\",\"password\":\"b\","
                                           "\"remember\":true}"), *state, &user, &password,
                                      &err), RD_E_INVALID);
  assert_string_equal(err.field, "remember");

  /* A long key is named cut at a character boundary, so the field stays UTF-8. */
  char body[400];
  snprintf(body, sizeof body, "{\"channel\":\"web\",\"%s\":1}",
           "键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键键");
  assert_int_equal(rd_json_read_complaint(BODY(body), *state, &(struct rd_complaint){0}, &err),
                   RD_E_INVALID);
  assert_true(strlen(err.field) > 0 && strlen(err.field) % 3 == 0);
}

static void
test_org_overlay(void **state)
{
  struct rd_department d = {.id = 3, .code = "old", .name = "旧", .active = true};
  struct rd_error err = {0};
  assert_int_equal(rd_json_read_department(BODY("{\"name\":\"售后服务部\",\"active\":false}"),
                                           *state, &d, &err), RD_OK);
  assert_string_equal(d.code, "old");          /* absent: kept */
  assert_string_equal(d.name, "售后服务部");
  assert_false(d.active);

  struct rd_user u = {.role = RD_ROLE_AGENT};
  const char *password;
  assert_int_equal(rd_json_read_user(BODY("{\"username\":\"li\",\"password\":\"pw\","
                                          "\"role\":\"manager\",\"department_id\":3}"),
                                     *state, &u, &password, &err), RD_OK);
  assert_int_equal(u.role, RD_ROLE_MANAGER);
  assert_string_equal(password, "pw");
  assert_int_equal(u.department_id, 3);
  assert_int_equal(rd_json_read_user(BODY("{\"role\":\"boss\"}"), *state, &u, &password,
                                     &err), RD_E_INVALID);
  assert_string_equal(err.field, "role");
}

static void
test_policy_round_trip(void **state)
{
  struct rd_sla_policy p = {.clocks_json = "[]"};
  struct rd_error err = {0};
  const char *body =
      "{\"name\":\"一般投诉\",\"priority\":10,\"match\":{\"severity\":[1,2],"
      "\"channel\":\"phone\",\"category_id\":null,\"site_id\":4},\"calendar_id\":1,"
      "\"approval\":{\"always\":false,\"severity_at_least\":5,\"amount_over\":500},"
      "\"clocks\":[{\"name\":\"forward\", \"target\":\"30m\"}]}";
  assert_int_equal(rd_json_read_policy(BODY(body), *state, &p, &err), RD_OK);
  assert_int_equal(p.severity_mask, (1u << 1) | (1u << 2));
  assert_int_equal(p.channel_mask, 1u << RD_CHANNEL_PHONE);
  assert_int_equal(p.n_categories, 0);
  assert_int_equal(p.n_sites, 1);
  assert_int_equal(p.site_ids[0], 4);
  assert_int_equal(p.approval.severity_at_least, 5);
  assert_true(p.approval.has_amount_over);
  assert_int_equal(p.approval.amount_over_fen, 50000);
  assert_string_equal(p.clocks_json, "[{\"name\":\"forward\",\"target\":\"30m\"}]");

  struct rd_buf b = {0};
  rd_json_policy(&b, &p);
  json_error_t jerr;
  json_t *out = json_loads(b.data, 0, &jerr);
  assert_non_null(out);
  json_t *match = json_object_get(out, "match");
  assert_int_equal(json_array_size(json_object_get(match, "severity")), 2);
  assert_string_equal(json_string_value(json_array_get(json_object_get(match, "channel"), 0)),
                      "phone");
  assert_true(json_is_null(json_object_get(match, "category_id")));
  assert_true(json_number_value(json_object_get(json_object_get(out, "approval"),
                                                "amount_over")) == 500.0);
  json_decref(out);
  rd_buf_free(&b);

  assert_int_equal(rd_json_read_policy(BODY("{\"match\":{\"severity\":9}}"), *state, &p,
                                       &err), RD_E_INVALID);
  assert_string_equal(err.field, "match.severity");
}

static void
test_render_complaint(void **state)
{
  struct rd_complaint_view v = {0};
  struct rd_complaint *c = &v.c;
  c->id = 1;
  c->number = "TS20261120-000001";
  c->version = 2;
  c->status = RD_STATE_EXECUTING;
  c->channel = RD_CHANNEL_WALK_IN;
  c->received_at = 1795168200;
  c->registered_at = 1795168260;
  c->registered_by = 3;
  c->customer = (struct rd_customer){.id = 5, .name = "张三", .phone = "138****8000",
                                     .refs_json = "{\"plate\":\"京A12345\"}"};
  c->content = "<b>原话</b> \"引号\"";
  c->satisfied = -1;
  c->plan = (struct rd_plan){.present = true, .kind = RD_PLAN_COMPENSATION,
                             .description = "赔偿", .has_amount = true,
                             .amount_fen = 20000, .needs_approval = true};
  v.allowed_actions = (1u << RD_ACT_RESOLVE) | (1u << RD_ACT_WITHDRAW);
  v.pii_masked = true;

  struct rd_buf b = {0};
  rd_json_complaint(&b, &v, TZ);
  assert_non_null(strstr(b.data, "\"amount\":200.00"));
  json_error_t jerr;
  json_t *o = json_loads(b.data, JSON_REJECT_DUPLICATES, &jerr);
  if (!o)
    fail_msg("not JSON: %s in %s", jerr.text, b.data);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "executing");
  assert_string_equal(json_string_value(json_object_get(o, "channel")), "walk_in");
  assert_string_equal(json_string_value(json_object_get(o, "received_at")),
                      "2026-11-20T17:50:00+08:00");
  assert_string_equal(json_string_value(json_object_get(o, "content")),
                      "<b>原话</b> \"引号\"");
  assert_true(json_is_null(json_object_get(o, "department_id")));
  assert_true(json_is_null(json_object_get(o, "severity")));
  assert_true(json_is_null(json_object_get(o, "satisfaction")));
  assert_true(json_is_null(json_object_get(o, "transfer")));
  assert_true(json_is_null(json_object_get(o, "resolved_at")));
  assert_true(json_is_array(json_object_get(o, "tags")));
  assert_true(json_is_array(json_object_get(o, "clocks")));
  assert_true(json_is_true(json_object_get(o, "pii_masked")));
  json_t *plate = json_object_get(json_object_get(json_object_get(o, "customer"), "refs"),
                                  "plate");
  assert_string_equal(json_string_value(plate), "京A12345");
  json_t *plan = json_object_get(o, "plan");
  assert_string_equal(json_string_value(json_object_get(plan, "kind")), "compensation");
  assert_true(json_is_true(json_object_get(plan, "needs_approval")));
  json_t *allowed = json_object_get(o, "allowed_actions");
  assert_int_equal(json_array_size(allowed), 2);
  assert_string_equal(json_string_value(json_array_get(allowed, 0)), "resolve");
  assert_string_equal(json_string_value(json_array_get(allowed, 1)), "withdraw");
  json_decref(o);
  rd_buf_free(&b);
}

static void
test_render_event_list(void **state)
{
  struct rd_event ev[2] = {
    {.id = 7, .complaint_id = 1, .at = 1795168200, .actor_id = 3, .actor_name = "王客服",
     .type = "triage", .from_status = RD_STATE_REGISTERED, .to_status = RD_STATE_ASSIGNED,
     .note = "ok", .data_json = "{\"valid\":true}"},
    {.id = 8, .complaint_id = 1, .at = 1795168300, .actor_id = 0, .type = "note",
     .from_status = -1, .to_status = -1},
  };
  struct rd_buf b = {0};
  rd_json_list_begin(&b);
  for (int i = 0; i < 2; i++)
    rd_json_event(&b, &ev[i], TZ);
  rd_json_list_end(&b, NULL);
  json_error_t jerr;
  json_t *o = json_loads(b.data, 0, &jerr);
  if (!o)
    fail_msg("not JSON: %s in %s", jerr.text, b.data);
  json_t *items = json_object_get(o, "items");
  assert_int_equal(json_array_size(items), 2);
  assert_true(json_is_null(json_object_get(o, "next_cursor")));
  json_t *e0 = json_array_get(items, 0), *e1 = json_array_get(items, 1);
  assert_string_equal(json_string_value(json_object_get(json_object_get(e0, "actor"), "name")),
                      "王客服");
  assert_string_equal(json_string_value(json_object_get(e0, "to_status")), "assigned");
  assert_true(json_is_true(json_object_get(json_object_get(e0, "data"), "valid")));
  assert_true(json_is_null(json_object_get(e1, "from_status")));
  assert_true(json_is_null(json_object_get(e1, "data")));
  assert_true(json_is_null(json_object_get(json_object_get(e1, "actor"), "id")));
  json_decref(o);
  rd_buf_free(&b);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_complaint_full, setup, teardown),
    cmocka_unit_test_setup_teardown(test_complaint_refusals, setup, teardown),
    cmocka_unit_test_setup_teardown(test_action_fields_and_money, setup, teardown),
    cmocka_unit_test_setup_teardown(test_action_refusals, setup, teardown),
    cmocka_unit_test_setup_teardown(test_patch, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
    cmocka_unit_test_setup_teardown(test_org_overlay, setup, teardown),
    cmocka_unit_test_setup_teardown(test_policy_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown(test_render_complaint, setup, teardown),
    cmocka_unit_test_setup_teardown(test_render_event_list, setup, teardown),
};

RD_TEST_MAIN("http/json", tests)
