/* Unit tests of the vocabularies (core/complaint.c, core/action.c, core/org.c):
 * every name round-trips, unknown names and values are refused, and the
 * predicates on states, plan kinds and roles say what SPEC §2 and §4 say. */
#include "../../testing.h"

#include <string.h>

#include "core/action.h"
#include "core/complaint.h"
#include "core/org.h"

/* Every vocabulary as its X-macro table spells it, so a new entry is tested
 * without touching this file. */
#define RD_X(c, n) {c, n},
static const struct { int value; const char *name; } states[] = {RD_STATE_TABLE(RD_X)};
static const struct { int value; const char *name; } channels[] = {RD_CHANNEL_TABLE(RD_X)};
static const struct { int value; const char *name; } roles[] = {RD_ROLE_TABLE(RD_X)};
static const struct { int value; const char *name; } plans[] = {RD_PLAN_TABLE(RD_X)};
static const struct { int value; const char *name; } actions[] = {RD_ACTION_TABLE(RD_X)};
#undef RD_X

#define N(t) (sizeof(t) / sizeof((t)[0]))

static void
test_states_round_trip(void **state)
{
  assert_int_equal(N(states), RD_STATE_COUNT);
  for (size_t i = 0; i < N(states); i++) {
    enum rd_state s = (enum rd_state)-1;
    assert_int_equal(states[i].value, (int)i); /* the order is stored data */
    assert_string_equal(rd_state_name((enum rd_state)states[i].value), states[i].name);
    assert_true(rd_state_parse(states[i].name, &s));
    assert_int_equal(s, states[i].value);
  }
  assert_string_equal(rd_state_name(RD_STATE_PENDING_APPROVAL), "pending_approval");
  assert_null(rd_state_name(RD_STATE_COUNT));
  assert_null(rd_state_name((enum rd_state)-1));
}

static void
test_channels_round_trip(void **state)
{
  assert_int_equal(N(channels), RD_CHANNEL_COUNT);
  for (size_t i = 0; i < N(channels); i++) {
    enum rd_channel c = (enum rd_channel)-1;
    assert_string_equal(rd_channel_name((enum rd_channel)channels[i].value), channels[i].name);
    assert_true(rd_channel_parse(channels[i].name, &c));
    assert_int_equal(c, channels[i].value);
  }
  assert_string_equal(rd_channel_name(RD_CHANNEL_WALK_IN), "walk_in");
  assert_null(rd_channel_name(RD_CHANNEL_COUNT));
}

static void
test_roles_round_trip(void **state)
{
  assert_int_equal(N(roles), RD_ROLE_COUNT);
  for (size_t i = 0; i < N(roles); i++) {
    enum rd_role r = (enum rd_role)-1;
    assert_string_equal(rd_role_name((enum rd_role)roles[i].value), roles[i].name);
    assert_true(rd_role_parse(roles[i].name, &r));
    assert_int_equal(r, roles[i].value);
  }
  assert_null(rd_role_name(RD_ROLE_COUNT));
}

static void
test_plan_kinds_round_trip(void **state)
{
  assert_int_equal(N(plans), RD_PLAN_COUNT);
  for (size_t i = 0; i < N(plans); i++) {
    enum rd_plan_kind k = (enum rd_plan_kind)-1;
    assert_string_equal(rd_plan_kind_name((enum rd_plan_kind)plans[i].value), plans[i].name);
    assert_true(rd_plan_kind_parse(plans[i].name, &k));
    assert_int_equal(k, plans[i].value);
  }
  assert_null(rd_plan_kind_name(RD_PLAN_COUNT));
}

static void
test_actions_round_trip(void **state)
{
  assert_int_equal(N(actions), RD_ACT_COUNT);
  for (size_t i = 0; i < N(actions); i++) {
    enum rd_action_kind k = (enum rd_action_kind)-1;
    assert_string_equal(rd_action_name((enum rd_action_kind)actions[i].value), actions[i].name);
    assert_true(rd_action_parse(actions[i].name, &k));
    assert_int_equal(k, actions[i].value);
  }
  assert_string_equal(rd_action_name(RD_ACT_FOLLOW_UP), "follow_up");
  assert_null(rd_action_name(RD_ACT_COUNT));
}

static void
test_validity_names(void **state)
{
  assert_string_equal(rd_validity_name(RD_VALIDITY_UNKNOWN), "unknown");
  assert_string_equal(rd_validity_name(RD_VALIDITY_VALID), "valid");
  assert_string_equal(rd_validity_name(RD_VALIDITY_INVALID), "invalid");
  assert_null(rd_validity_name((enum rd_validity)3));
}

/* Unknown, differently cased, padded and NULL names are refused and leave
 * *out alone. */
static void
test_unknown_names_refused(void **state)
{
  const char *bad[] = {"", "Registered", "registered ", "closed\n", "open",
                       "REGISTERED", "regist", "registeredx", NULL};
  for (size_t i = 0; i < N(bad); i++) {
    enum rd_state s = RD_STATE_MERGED;
    enum rd_channel c = RD_CHANNEL_API;
    enum rd_role r = RD_ROLE_AUDITOR;
    enum rd_plan_kind k = RD_PLAN_OTHER;
    enum rd_action_kind a = RD_ACT_MERGE;
    assert_false(rd_state_parse(bad[i], &s));
    assert_false(rd_channel_parse(bad[i], &c));
    assert_false(rd_role_parse(bad[i], &r));
    assert_false(rd_plan_kind_parse(bad[i], &k));
    assert_false(rd_action_parse(bad[i], &a));
    assert_int_equal(s, RD_STATE_MERGED);
    assert_int_equal(c, RD_CHANNEL_API);
    assert_int_equal(r, RD_ROLE_AUDITOR);
    assert_int_equal(k, RD_PLAN_OTHER);
    assert_int_equal(a, RD_ACT_MERGE);
  }
  /* A name of one vocabulary is not a name of another. */
  enum rd_role r = RD_ROLE_AGENT;
  assert_false(rd_role_parse("phone", &r));
  enum rd_action_kind a = RD_ACT_TRIAGE;
  assert_false(rd_action_parse("closed", &a));
}

static void
test_open_states(void **state)
{
  const enum rd_state open[] = {RD_STATE_REGISTERED, RD_STATE_ASSIGNED,
                                RD_STATE_IN_PROGRESS, RD_STATE_PENDING_APPROVAL,
                                RD_STATE_EXECUTING, RD_STATE_RESOLVED,
                                RD_STATE_TRANSFERRED};
  unsigned mask = 0;
  for (size_t i = 0; i < N(open); i++) {
    assert_true(rd_state_is_open(open[i]));
    mask |= 1u << open[i];
  }
  assert_false(rd_state_is_open(RD_STATE_CLOSED));
  assert_false(rd_state_is_open(RD_STATE_WITHDRAWN));
  assert_false(rd_state_is_open(RD_STATE_MERGED));
  assert_false(rd_state_is_open(RD_STATE_COUNT));
  assert_false(rd_state_is_open((enum rd_state)-1));
  assert_int_equal(rd_state_open_mask(), mask);
  for (int s = 0; s < RD_STATE_COUNT; s++)
    assert_int_equal(rd_state_is_open((enum rd_state)s),
                     (rd_state_open_mask() >> s) & 1u);
}

static void
test_money_kinds(void **state)
{
  for (int k = 0; k < RD_PLAN_COUNT; k++)
    assert_int_equal(rd_plan_kind_is_money((enum rd_plan_kind)k),
                     k == RD_PLAN_REFUND || k == RD_PLAN_COMPENSATION);
}

static void
test_role_predicates(void **state)
{
  const struct { enum rd_role r; bool pii, departmental; } want[] = {
    {RD_ROLE_AGENT, true, false},    {RD_ROLE_HANDLER, true, true},
    {RD_ROLE_MANAGER, true, true},   {RD_ROLE_APPROVER, true, false},
    {RD_ROLE_ANALYST, false, false}, {RD_ROLE_ADMIN, true, false},
    {RD_ROLE_AUDITOR, false, false},
  };
  assert_int_equal(N(want), RD_ROLE_COUNT);
  for (size_t i = 0; i < N(want); i++) {
    assert_int_equal(rd_role_sees_pii(want[i].r), want[i].pii);
    assert_int_equal(rd_role_is_departmental(want[i].r), want[i].departmental);
  }
}

static void
test_contact_methods(void **state)
{
  assert_true(rd_action_method_valid("phone"));
  assert_true(rd_action_method_valid("visit"));
  assert_true(rd_action_method_valid("email"));
  assert_false(rd_action_method_valid("Phone"));
  assert_false(rd_action_method_valid("sms"));
  assert_false(rd_action_method_valid(""));
  assert_false(rd_action_method_valid(NULL));
}

static void
test_org_codes_and_usernames(void **state)
{
  char long_code[34], long_user[66];
  memset(long_code, 'a', 33);
  long_code[33] = '\0';
  memset(long_user, 'u', 65);
  long_user[65] = '\0';

  assert_true(rd_org_code_valid("after_sales"));
  assert_true(rd_org_code_valid("bj-01"));
  assert_true(rd_org_code_valid("x"));
  assert_true(rd_org_code_valid(long_code + 1)); /* exactly 32 */
  assert_false(rd_org_code_valid(long_code));    /* 33 */
  assert_false(rd_org_code_valid(""));
  assert_false(rd_org_code_valid(NULL));
  assert_false(rd_org_code_valid("AfterSales"));
  assert_false(rd_org_code_valid("after sales"));
  assert_false(rd_org_code_valid("售后"));
  assert_false(rd_org_code_valid("a.b"));

  assert_true(rd_org_username_valid("Li.Wei-2_x"));
  assert_true(rd_org_username_valid(long_user + 1)); /* exactly 64 */
  assert_false(rd_org_username_valid(long_user));    /* 65 */
  assert_false(rd_org_username_valid(""));
  assert_false(rd_org_username_valid(NULL));
  assert_false(rd_org_username_valid("li wei"));
  assert_false(rd_org_username_valid("li@example.com"));
  assert_false(rd_org_username_valid("李伟"));
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_states_round_trip),
  cmocka_unit_test(test_channels_round_trip),
  cmocka_unit_test(test_roles_round_trip),
  cmocka_unit_test(test_plan_kinds_round_trip),
  cmocka_unit_test(test_actions_round_trip),
  cmocka_unit_test(test_validity_names),
  cmocka_unit_test(test_unknown_names_refused),
  cmocka_unit_test(test_open_states),
  cmocka_unit_test(test_money_kinds),
  cmocka_unit_test(test_role_predicates),
  cmocka_unit_test(test_contact_methods),
  cmocka_unit_test(test_org_codes_and_usernames),
};

RD_TEST_MAIN("core/vocab", tests)
