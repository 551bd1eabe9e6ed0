/* Unit tests of core/workflow: every legal move, illegal states and roles
 * (which must leave the complaint untouched), required fields and the
 * approval rule. */
#include "../../testing.h"

#include <string.h>

#include "core/workflow.h"

enum { NOW = 1763600000 };

static struct rd_complaint
complaint_in(enum rd_state s)
{
  struct rd_complaint c = {0};
  c.id = 42;
  c.version = 3;
  c.status = s;
  c.channel = RD_CHANNEL_PHONE;
  c.content = "更衣柜被撬";
  c.severity = 1;
  c.department_id = 2;
  c.satisfied = -1;
  return c;
}

static enum rd_status
apply(struct rd_complaint *c, struct rd_action *a, enum rd_role role,
      struct rd_transition *t, struct rd_error *err)
{
  return rd_workflow_apply(c, a, role, &RD_APPROVAL_DEFAULT, NOW, t, err);
}

static void
test_triage_valid_assigns(void **state)
{
  struct rd_complaint c = complaint_in(RD_STATE_REGISTERED);
  struct rd_action a = {.kind = RD_ACT_TRIAGE, .valid = true, .category_id = 7,
                        .severity = 3, .department_id = 5, .assignee_id = 9,
                        .fields = RD_F_VALID | RD_F_CATEGORY | RD_F_SEVERITY |
                                  RD_F_DEPARTMENT | RD_F_ASSIGNEE};
  struct rd_transition t;
  struct rd_error err = {0};
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_ASSIGNED);
  assert_int_equal(t.from, RD_STATE_REGISTERED);
  assert_int_equal(t.to, RD_STATE_ASSIGNED);
  assert_int_equal(c.validity, RD_VALIDITY_VALID);
  assert_int_equal(c.category_id, 7);
  assert_int_equal(c.severity, 3);
  assert_int_equal(c.department_id, 5);
  assert_int_equal(c.assignee_id, 9);
  assert_int_equal(c.version, 3); /* the store owns the version */
}

static void
test_triage_invalid_transfers(void **state)
{
  struct rd_complaint c = complaint_in(RD_STATE_REGISTERED);
  struct rd_action a = {.kind = RD_ACT_TRIAGE, .valid = false, .reason = "场馆资产方负责",
                        .transfer = {"物业公司", "李经理", "010-1234", "北京市朝阳区"},
                        .fields = RD_F_VALID | RD_F_REASON | RD_F_TRANSFER};
  struct rd_error err = {0};
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_TRANSFERRED);
  assert_int_equal(c.validity, RD_VALIDITY_INVALID);
  assert_string_equal(c.transfer.to_party, "物业公司");
  assert_string_equal(c.invalid_reason, "场馆资产方负责");
}

static void
test_triage_invalid_needs_each_slip_field(void **state)
{
  const char *fields[] = {"transfer.to_party", "transfer.contact_person",
                          "transfer.contact_phone", "transfer.contact_address"};
  for (int i = 0; i < 4; i++) {
    struct rd_complaint c = complaint_in(RD_STATE_REGISTERED), before = c;
    struct rd_action a = {.kind = RD_ACT_TRIAGE, .reason = "无效",
                          .transfer = {"物业", "李", "010", "地址"},
                          .fields = RD_F_VALID | RD_F_REASON | RD_F_TRANSFER};
    const char **slot[] = {&a.transfer.to_party, &a.transfer.contact_person,
                           &a.transfer.contact_phone, &a.transfer.contact_address};
    *slot[i] = NULL;
    struct rd_error err = {0};
    assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_E_INVALID);
    assert_string_equal(err.field, fields[i]);
    assert_memory_equal(&c, &before, sizeof c);
  }
}

static void
test_triage_valid_needs_fields(void **state)
{
  const struct { unsigned drop; const char *field; } cases[] = {
      {RD_F_CATEGORY, "category_id"}, {RD_F_SEVERITY, "severity"},
      {RD_F_DEPARTMENT, "department_id"}, {RD_F_VALID, "valid"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_complaint c = complaint_in(RD_STATE_REGISTERED), before = c;
    struct rd_action a = {.kind = RD_ACT_TRIAGE, .valid = true, .category_id = 1,
                          .severity = 1, .department_id = 1,
                          .fields = (RD_F_VALID | RD_F_CATEGORY | RD_F_SEVERITY |
                                     RD_F_DEPARTMENT) & ~cases[i].drop};
    struct rd_error err = {0};
    assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_E_INVALID);
    assert_string_equal(err.field, cases[i].field);
    assert_memory_equal(&c, &before, sizeof c);
  }
  struct rd_complaint c = complaint_in(RD_STATE_REGISTERED);
  struct rd_action a = {.kind = RD_ACT_TRIAGE, .valid = true, .category_id = 1,
                        .severity = 6, .department_id = 1,
                        .fields = RD_F_VALID | RD_F_CATEGORY | RD_F_SEVERITY | RD_F_DEPARTMENT};
  struct rd_error err = {0};
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "severity");
}

/* One legal move per table row that has a fixed destination. */
struct move {
  enum rd_state from;
  struct rd_action act;
  enum rd_role role;
  enum rd_state to;
};

static void
test_every_fixed_move(void **state)
{
  const struct move moves[] = {
      {RD_STATE_TRANSFERRED, {.kind = RD_ACT_EXPLAIN, .note = "已告知客户联系方式", .fields = RD_F_NOTE}, RD_ROLE_AGENT, RD_STATE_CLOSED},
      {RD_STATE_ASSIGNED, {.kind = RD_ACT_ASSIGN, .department_id = 3, .fields = RD_F_DEPARTMENT}, RD_ROLE_AGENT, RD_STATE_ASSIGNED},
      {RD_STATE_IN_PROGRESS, {.kind = RD_ACT_ASSIGN, .department_id = 3, .assignee_id = 8, .fields = RD_F_DEPARTMENT | RD_F_ASSIGNEE}, RD_ROLE_MANAGER, RD_STATE_ASSIGNED},
      {RD_STATE_ASSIGNED, {.kind = RD_ACT_CONTACT, .method = "phone", .fields = RD_F_METHOD}, RD_ROLE_HANDLER, RD_STATE_IN_PROGRESS},
      {RD_STATE_IN_PROGRESS, {.kind = RD_ACT_PROGRESS, .note = "调查中", .fields = RD_F_NOTE}, RD_ROLE_HANDLER, RD_STATE_IN_PROGRESS},
      {RD_STATE_EXECUTING, {.kind = RD_ACT_PROGRESS, .note = "维修中", .fields = RD_F_NOTE}, RD_ROLE_MANAGER, RD_STATE_EXECUTING},
      {RD_STATE_PENDING_APPROVAL, {.kind = RD_ACT_APPROVE}, RD_ROLE_APPROVER, RD_STATE_EXECUTING},
      {RD_STATE_PENDING_APPROVAL, {.kind = RD_ACT_REJECT, .reason = "不符合原则", .fields = RD_F_REASON}, RD_ROLE_APPROVER, RD_STATE_IN_PROGRESS},
      {RD_STATE_EXECUTING, {.kind = RD_ACT_RESOLVE, .result = "已赔付", .fields = RD_F_RESULT}, RD_ROLE_HANDLER, RD_STATE_RESOLVED},
      {RD_STATE_RESOLVED, {.kind = RD_ACT_CLOSE, .reason = "三次未接通", .fields = RD_F_REASON}, RD_ROLE_AGENT, RD_STATE_CLOSED},
  };
  for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
    struct rd_complaint c = complaint_in(moves[i].from);
    struct rd_error err = {0};
    struct rd_transition t;
    assert_int_equal(apply(&c, (struct rd_action *)&moves[i].act, moves[i].role, &t, &err), RD_OK);
    assert_int_equal(c.status, moves[i].to);
    assert_int_equal(t.from, moves[i].from);
    assert_int_equal(t.to, moves[i].to);
  }
}

static void
test_side_effects(void **state)
{
  struct rd_error err = {0};
  struct rd_complaint c = complaint_in(RD_STATE_ASSIGNED);
  struct rd_action contact = {.kind = RD_ACT_CONTACT, .method = "visit", .fields = RD_F_METHOD};
  assert_int_equal(apply(&c, &contact, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  assert_int_equal(c.first_contact_at, NOW);

  c = complaint_in(RD_STATE_EXECUTING);
  struct rd_action resolve = {.kind = RD_ACT_RESOLVE, .result = "ok", .fields = RD_F_RESULT};
  assert_int_equal(apply(&c, &resolve, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  assert_int_equal(c.resolved_at, NOW);

  c = complaint_in(RD_STATE_RESOLVED);
  struct rd_action close = {.kind = RD_ACT_CLOSE, .reason = "联系不上", .fields = RD_F_REASON};
  assert_int_equal(apply(&c, &close, RD_ROLE_AGENT, NULL, &err), RD_OK);
  assert_int_equal(c.closed_at, NOW);
  assert_string_equal(c.close_reason, "联系不上");

  c = complaint_in(RD_STATE_IN_PROGRESS);
  struct rd_action assign = {.kind = RD_ACT_ASSIGN, .department_id = 6, .fields = RD_F_DEPARTMENT};
  c.assignee_id = 77;
  assert_int_equal(apply(&c, &assign, RD_ROLE_AGENT, NULL, &err), RD_OK);
  assert_int_equal(c.department_id, 6);
  assert_int_equal(c.assignee_id, 0);
}

static void
test_withdraw_and_merge_from_every_open_state(void **state)
{
  for (int s = 0; s < RD_STATE_COUNT; s++) {
    struct rd_error err = {0};
    struct rd_complaint c = complaint_in((enum rd_state)s), before = c;
    struct rd_action w = {.kind = RD_ACT_WITHDRAW, .reason = "客户撤诉", .fields = RD_F_REASON};
    enum rd_status rc = apply(&c, &w, RD_ROLE_AGENT, NULL, &err);
    if (rd_state_is_open((enum rd_state)s)) {
      assert_int_equal(rc, RD_OK);
      assert_int_equal(c.status, RD_STATE_WITHDRAWN);
      assert_int_equal(c.closed_at, NOW);
    } else {
      assert_int_equal(rc, RD_E_ILLEGAL_STATE);
      assert_memory_equal(&c, &before, sizeof c);
    }

    c = complaint_in((enum rd_state)s);
    struct rd_action m = {.kind = RD_ACT_MERGE, .into = "TS20261120-000001", .into_id = 7, .fields = RD_F_INTO};
    rc = apply(&c, &m, RD_ROLE_MANAGER, NULL, &err);
    if (rd_state_is_open((enum rd_state)s)) {
      assert_int_equal(rc, RD_OK);
      assert_int_equal(c.status, RD_STATE_MERGED);
      assert_int_equal(c.merged_into, 7);
    } else {
      assert_int_equal(rc, RD_E_ILLEGAL_STATE);
    }
  }
}

static void
test_merge_into_itself_refused(void **state)
{
  struct rd_complaint c = complaint_in(RD_STATE_ASSIGNED), before = c;
  struct rd_action m = {.kind = RD_ACT_MERGE, .into = "42", .into_id = 42, .fields = RD_F_INTO};
  struct rd_error err = {0};
  assert_int_equal(apply(&c, &m, RD_ROLE_AGENT, NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "into");
  assert_memory_equal(&c, &before, sizeof c);
}

static struct rd_action
plan(enum rd_plan_kind kind, bool has_amount, int64_t fen)
{
  struct rd_action a = {.kind = RD_ACT_PROPOSE_PLAN, .plan_kind = kind,
                        .description = "赔偿维修费", .amount_fen = fen,
                        .fields = RD_F_KIND | RD_F_DESCRIPTION | (has_amount ? RD_F_AMOUNT : 0)};
  return a;
}

static void
test_plan_approval_rule(void **state)
{
  struct rd_error err = {0};
  struct rd_transition t;
  /* Default rule: any amount needs approval, an apology does not. */
  struct rd_complaint c = complaint_in(RD_STATE_IN_PROGRESS);
  struct rd_action a = plan(RD_PLAN_APOLOGY, false, 0);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_EXECUTING);
  assert_false(t.needed_approval);
  assert_true(c.plan.present);

  c = complaint_in(RD_STATE_IN_PROGRESS);
  a = plan(RD_PLAN_COMPENSATION, true, 1);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_PENDING_APPROVAL);
  assert_true(c.plan.needs_approval);

  /* Default rule: severity 5 always needs approval. */
  c = complaint_in(RD_STATE_IN_PROGRESS);
  c.severity = 5;
  a = plan(RD_PLAN_APOLOGY, false, 0);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_PENDING_APPROVAL);

  /* A policy: always. */
  struct rd_approval_rule always = {.always = true};
  c = complaint_in(RD_STATE_IN_PROGRESS);
  a = plan(RD_PLAN_EXPLANATION, false, 0);
  assert_int_equal(rd_workflow_apply(&c, &a, RD_ROLE_HANDLER, &always, NOW, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_PENDING_APPROVAL);

  /* A policy: amount over 500 yuan. */
  struct rd_approval_rule over500 = {.has_amount_over = true, .amount_over_fen = 50000};
  c = complaint_in(RD_STATE_IN_PROGRESS);
  a = plan(RD_PLAN_REFUND, true, 50000);
  assert_int_equal(rd_workflow_apply(&c, &a, RD_ROLE_HANDLER, &over500, NOW, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_EXECUTING);
  c = complaint_in(RD_STATE_IN_PROGRESS);
  a = plan(RD_PLAN_REFUND, true, 50001);
  assert_int_equal(rd_workflow_apply(&c, &a, RD_ROLE_HANDLER, &over500, NOW, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_PENDING_APPROVAL);

  /* A policy: severity at least 3. */
  struct rd_approval_rule sev3 = {.severity_at_least = 3};
  c = complaint_in(RD_STATE_IN_PROGRESS);
  c.severity = 3;
  a = plan(RD_PLAN_REPAIR, false, 0);
  assert_int_equal(rd_workflow_apply(&c, &a, RD_ROLE_HANDLER, &sev3, NOW, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_PENDING_APPROVAL);
}

static void
test_plan_fields(void **state)
{
  struct rd_error err = {0};
  struct rd_complaint c = complaint_in(RD_STATE_IN_PROGRESS), before = c;
  struct rd_action a = plan(RD_PLAN_COMPENSATION, false, 0);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "amount");
  assert_memory_equal(&c, &before, sizeof c);

  a = plan(RD_PLAN_REFUND, true, -5);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "amount");

  a = plan(RD_PLAN_REPAIR, false, 0);
  a.fields &= ~RD_F_DESCRIPTION;
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "description");

  a = plan(RD_PLAN_REPAIR, false, 0);
  a.fields &= ~RD_F_KIND;
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_E_INVALID);
  assert_string_equal(err.field, "kind");
}

static void
test_follow_up_outcomes(void **state)
{
  struct rd_error err = {0};
  struct rd_transition t;
  struct rd_complaint c = complaint_in(RD_STATE_RESOLVED);
  struct rd_action a = {.kind = RD_ACT_FOLLOW_UP, .method = "phone", .reached = true,
                        .satisfied = true, .score = 5,
                        .fields = RD_F_METHOD | RD_F_REACHED | RD_F_SATISFIED | RD_F_SCORE};
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_CLOSED);
  assert_int_equal(c.satisfaction_score, 5);
  assert_int_equal(c.satisfied, 1);
  assert_int_equal(c.closed_at, NOW);

  c = complaint_in(RD_STATE_RESOLVED);
  c.plan.present = true;
  c.resolved_at = NOW - 100;
  a.satisfied = false;
  a.score = 2;
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_IN_PROGRESS);
  assert_true(t.reopened);
  assert_int_equal(c.reopen_count, 1);
  assert_false(c.plan.present);
  assert_int_equal(c.resolved_at, 0);

  c = complaint_in(RD_STATE_RESOLVED);
  struct rd_action miss = {.kind = RD_ACT_FOLLOW_UP, .method = "phone", .reached = false,
                           .fields = RD_F_METHOD | RD_F_REACHED};
  assert_int_equal(apply(&c, &miss, RD_ROLE_AGENT, &t, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_RESOLVED);
  assert_int_equal(c.followup_attempts, 1);

  c = complaint_in(RD_STATE_RESOLVED);
  struct rd_complaint before = c;
  struct rd_action no_sat = {.kind = RD_ACT_FOLLOW_UP, .method = "phone", .reached = true,
                             .fields = RD_F_METHOD | RD_F_REACHED};
  assert_int_equal(apply(&c, &no_sat, RD_ROLE_AGENT, &t, &err), RD_E_INVALID);
  assert_string_equal(err.field, "satisfied");
  assert_memory_equal(&c, &before, sizeof c);

  struct rd_action bad_score = a;
  bad_score.score = 9;
  assert_int_equal(apply(&c, &bad_score, RD_ROLE_AGENT, &t, &err), RD_E_INVALID);
  assert_string_equal(err.field, "score");

  struct rd_action bad_method = a;
  bad_method.method = "telepathy";
  assert_int_equal(apply(&c, &bad_method, RD_ROLE_AGENT, &t, &err), RD_E_INVALID);
  assert_string_equal(err.field, "method");
  assert_memory_equal(&c, &before, sizeof c);
}

/* Every action from every state it is not listed for is refused unchanged. */
static void
test_illegal_states_change_nothing(void **state)
{
  const struct { enum rd_action_kind act; unsigned legal; } legal[] = {
      {RD_ACT_TRIAGE, 1u << RD_STATE_REGISTERED},
      {RD_ACT_EXPLAIN, 1u << RD_STATE_TRANSFERRED},
      {RD_ACT_ASSIGN, (1u << RD_STATE_ASSIGNED) | (1u << RD_STATE_IN_PROGRESS)},
      {RD_ACT_CONTACT, 1u << RD_STATE_ASSIGNED},
      {RD_ACT_PROGRESS, (1u << RD_STATE_IN_PROGRESS) | (1u << RD_STATE_EXECUTING)},
      {RD_ACT_PROPOSE_PLAN, 1u << RD_STATE_IN_PROGRESS},
      {RD_ACT_APPROVE, 1u << RD_STATE_PENDING_APPROVAL},
      {RD_ACT_REJECT, 1u << RD_STATE_PENDING_APPROVAL},
      {RD_ACT_RESOLVE, 1u << RD_STATE_EXECUTING},
      {RD_ACT_FOLLOW_UP, 1u << RD_STATE_RESOLVED},
      {RD_ACT_CLOSE, 1u << RD_STATE_RESOLVED},
  };
  int refused = 0;
  for (size_t i = 0; i < sizeof legal / sizeof legal[0]; i++) {
    for (int s = 0; s < RD_STATE_COUNT; s++) {
      if (legal[i].legal & (1u << s))
        continue;
      struct rd_complaint c = complaint_in((enum rd_state)s), before = c;
      struct rd_action a = {.kind = legal[i].act, .fields = ~0u, .valid = true,
                            .category_id = 1, .severity = 1, .department_id = 1,
                            .note = "x", .reason = "x", .method = "phone",
                            .description = "x", .result = "x", .reached = true,
                            .satisfied = true, .score = 3};
      struct rd_error err = {0};
      assert_int_equal(apply(&c, &a, RD_ROLE_ADMIN, NULL, &err), RD_E_ILLEGAL_STATE);
      assert_memory_equal(&c, &before, sizeof c);
      refused++;
    }
  }
  assert_true(refused > 80);
}

static void
test_wrong_roles_change_nothing(void **state)
{
  const struct { enum rd_state s; struct rd_action a; enum rd_role role; } cases[] = {
      {RD_STATE_REGISTERED, {.kind = RD_ACT_TRIAGE, .valid = true, .fields = RD_F_VALID}, RD_ROLE_HANDLER},
      {RD_STATE_PENDING_APPROVAL, {.kind = RD_ACT_APPROVE}, RD_ROLE_AGENT},
      {RD_STATE_PENDING_APPROVAL, {.kind = RD_ACT_APPROVE}, RD_ROLE_MANAGER},
      {RD_STATE_PENDING_APPROVAL, {.kind = RD_ACT_REJECT, .reason = "x", .fields = RD_F_REASON}, RD_ROLE_HANDLER},
      {RD_STATE_ASSIGNED, {.kind = RD_ACT_CONTACT, .method = "phone", .fields = RD_F_METHOD}, RD_ROLE_AGENT},
      {RD_STATE_RESOLVED, {.kind = RD_ACT_FOLLOW_UP, .method = "phone", .fields = RD_F_METHOD | RD_F_REACHED}, RD_ROLE_HANDLER},
      {RD_STATE_ASSIGNED, {.kind = RD_ACT_WITHDRAW, .reason = "x", .fields = RD_F_REASON}, RD_ROLE_AUDITOR},
      {RD_STATE_ASSIGNED, {.kind = RD_ACT_MERGE, .into_id = 1, .fields = RD_F_INTO}, RD_ROLE_ANALYST},
      {RD_STATE_ASSIGNED, {.kind = RD_ACT_ASSIGN, .department_id = 1, .fields = RD_F_DEPARTMENT}, RD_ROLE_HANDLER},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rd_complaint c = complaint_in(cases[i].s), before = c;
    struct rd_error err = {0};
    assert_int_equal(apply(&c, (struct rd_action *)&cases[i].a, cases[i].role, NULL, &err),
                     RD_E_FORBIDDEN);
    assert_memory_equal(&c, &before, sizeof c);
  }
}

static void
test_allowed_mask(void **state)
{
  unsigned agent_registered = rd_workflow_allowed(RD_STATE_REGISTERED, RD_ROLE_AGENT);
  assert_int_equal(agent_registered, (1u << RD_ACT_TRIAGE) | (1u << RD_ACT_WITHDRAW) |
                                         (1u << RD_ACT_MERGE));
  assert_int_equal(rd_workflow_allowed(RD_STATE_PENDING_APPROVAL, RD_ROLE_APPROVER),
                   (1u << RD_ACT_APPROVE) | (1u << RD_ACT_REJECT));
  assert_int_equal(rd_workflow_allowed(RD_STATE_ASSIGNED, RD_ROLE_AUDITOR), 0);
  assert_int_equal(rd_workflow_allowed(RD_STATE_CLOSED, RD_ROLE_ADMIN), 0);
  unsigned handler_ip = rd_workflow_allowed(RD_STATE_IN_PROGRESS, RD_ROLE_HANDLER);
  assert_true(handler_ip & (1u << RD_ACT_PROPOSE_PLAN));
  assert_true(handler_ip & (1u << RD_ACT_PROGRESS));
  assert_false(handler_ip & (1u << RD_ACT_ASSIGN));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_triage_valid_assigns),
    cmocka_unit_test(test_triage_invalid_transfers),
    cmocka_unit_test(test_triage_invalid_needs_each_slip_field),
    cmocka_unit_test(test_triage_valid_needs_fields),
    cmocka_unit_test(test_every_fixed_move),
    cmocka_unit_test(test_side_effects),
    cmocka_unit_test(test_withdraw_and_merge_from_every_open_state),
    cmocka_unit_test(test_merge_into_itself_refused),
    cmocka_unit_test(test_plan_approval_rule),
    cmocka_unit_test(test_plan_fields),
    cmocka_unit_test(test_follow_up_outcomes),
    cmocka_unit_test(test_illegal_states_change_nothing),
    cmocka_unit_test(test_wrong_roles_change_nothing),
    cmocka_unit_test(test_allowed_mask),
};

RD_TEST_MAIN("core/workflow", tests)
