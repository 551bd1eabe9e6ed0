/* Unit tests of core/workflow.
 *
 * The expected workflow is written out here a second time, from the brief and
 * API.md, independently of the table in workflow.c: every legal move (each
 * from-state x action) with the record it must produce, field by field; the
 * role map; every illegal state; every required field. A refused action must
 * leave the record byte for byte as it was.
 */
#include "../../testing.h"

#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"

enum { NOW = 1795168200 }; /* 2026-11-20T17:50:00+08:00 */

#define N(t) (sizeof(t) / sizeof((t)[0]))
#define S(x) (1u << RD_STATE_##x)
#define R(x) (1u << RD_ROLE_##x)
#define OPEN (S(REGISTERED) | S(ASSIGNED) | S(IN_PROGRESS) | S(PENDING_APPROVAL) | \
              S(EXECUTING) | S(RESOLVED) | S(TRANSFERRED))

/* ---- the expected workflow, from the brief ---------------------------------- */

static const struct {
  unsigned from;   /* states the action is legal from */
  unsigned roles;  /* roles that may take it (admin always may) */
} expected[RD_ACT_COUNT] = {
  [RD_ACT_TRIAGE]       = {S(REGISTERED), R(AGENT)},
  [RD_ACT_EXPLAIN]      = {S(TRANSFERRED), R(AGENT)},
  [RD_ACT_ASSIGN]       = {S(ASSIGNED) | S(IN_PROGRESS), R(AGENT) | R(MANAGER)},
  [RD_ACT_CONTACT]      = {S(ASSIGNED), R(HANDLER) | R(MANAGER)},
  [RD_ACT_PROGRESS]     = {S(IN_PROGRESS) | S(EXECUTING), R(HANDLER) | R(MANAGER)},
  [RD_ACT_PROPOSE_PLAN] = {S(IN_PROGRESS), R(HANDLER) | R(MANAGER)},
  [RD_ACT_APPROVE]      = {S(PENDING_APPROVAL), R(APPROVER)},
  [RD_ACT_REJECT]       = {S(PENDING_APPROVAL), R(APPROVER)},
  [RD_ACT_RESOLVE]      = {S(EXECUTING), R(HANDLER) | R(MANAGER)},
  [RD_ACT_FOLLOW_UP]    = {S(RESOLVED), R(AGENT)},
  [RD_ACT_CLOSE]        = {S(RESOLVED), R(AGENT)},
  [RD_ACT_WITHDRAW]     = {OPEN, R(AGENT) | R(HANDLER) | R(MANAGER)},
  [RD_ACT_MERGE]        = {OPEN, R(AGENT) | R(MANAGER)},
  [RD_ACT_WAIT]         = {S(IN_PROGRESS) | S(EXECUTING), R(AGENT) | R(HANDLER) | R(MANAGER)},
  [RD_ACT_RESUME]       = {S(IN_PROGRESS) | S(EXECUTING), R(AGENT) | R(HANDLER) | R(MANAGER)},
};

static bool
role_may(enum rd_action_kind k, enum rd_role r)
{
  return r == RD_ROLE_ADMIN || (expected[k].roles & (1u << r));
}

/* ---- fixtures ------------------------------------------------------------- */

/* A complaint as it would be in state s, with plausible earlier history.
 * memset first so that padding is zero and whole records compare with memcmp. */
static void
complaint_in(enum rd_state s, struct rd_complaint *c)
{
  memset(c, 0, sizeof *c);
  c->id = 42;
  c->number = "TS20261120-000042";
  c->version = 3;
  c->status = s;
  c->channel = RD_CHANNEL_PHONE;
  c->received_at = NOW - 86400;
  c->registered_at = NOW - 86000;
  c->registered_by = 3;
  c->customer.name = "张三";
  c->customer.phone = "13800138000";
  c->content = "更衣柜被撬，物品丢失";
  c->severity = 2;
  c->category_id = 12;
  c->site_id = 1;
  c->satisfied = -1;
  if (s != RD_STATE_REGISTERED && s != RD_STATE_TRANSFERRED) {
    c->validity = RD_VALIDITY_VALID;
    c->department_id = 2;
    c->assignee_id = 8;
  }
  if (s == RD_STATE_TRANSFERRED) {
    c->validity = RD_VALIDITY_INVALID;
    c->invalid_reason = "资产方负责";
    c->transfer = (struct rd_transfer_slip){"物业", "李", "010-1", "朝阳"};
  }
  if (s == RD_STATE_IN_PROGRESS || s == RD_STATE_PENDING_APPROVAL ||
      s == RD_STATE_EXECUTING || s == RD_STATE_RESOLVED)
    c->first_contact_at = NOW - 80000;
  if (s == RD_STATE_PENDING_APPROVAL || s == RD_STATE_EXECUTING || s == RD_STATE_RESOLVED)
    c->plan = (struct rd_plan){.present = true, .kind = RD_PLAN_COMPENSATION,
                               .description = "赔偿200元", .has_amount = true,
                               .amount_fen = 20000, .needs_approval = true};
  if (s == RD_STATE_RESOLVED)
    c->resolved_at = NOW - 3600;
}

/* A minimal valid body for each action. */
static struct rd_action
body(enum rd_action_kind k)
{
  struct rd_action a;
  memset(&a, 0, sizeof a);
  a.kind = k;
  switch (k) {
  case RD_ACT_TRIAGE:
    a.valid = true; a.category_id = 7; a.severity = 3; a.department_id = 5; a.assignee_id = 9;
    a.fields = RD_F_VALID | RD_F_CATEGORY | RD_F_SEVERITY | RD_F_DEPARTMENT | RD_F_ASSIGNEE;
    break;
  case RD_ACT_EXPLAIN: a.note = "已告知客户物业联系方式"; a.fields = RD_F_NOTE; break;
  case RD_ACT_ASSIGN:
    a.department_id = 6; a.assignee_id = 11; a.fields = RD_F_DEPARTMENT | RD_F_ASSIGNEE;
    break;
  case RD_ACT_CONTACT: a.method = "phone"; a.note = "已致电"; a.fields = RD_F_METHOD | RD_F_NOTE; break;
  case RD_ACT_PROGRESS: a.note = "调取监控中"; a.fields = RD_F_NOTE; break;
  case RD_ACT_PROPOSE_PLAN:
    a.plan_kind = RD_PLAN_APOLOGY; a.description = "书面道歉"; a.fields = RD_F_KIND | RD_F_DESCRIPTION;
    break;
  case RD_ACT_APPROVE: break;
  case RD_ACT_REJECT: a.reason = "不符合原则"; a.fields = RD_F_REASON; break;
  case RD_ACT_RESOLVE: a.result = "已赔付并道歉"; a.fields = RD_F_RESULT; break;
  case RD_ACT_FOLLOW_UP:
    a.method = "phone"; a.reached = true; a.satisfied = true; a.score = 5; a.comment = "满意";
    a.fields = RD_F_METHOD | RD_F_REACHED | RD_F_SATISFIED | RD_F_SCORE | RD_F_COMMENT;
    break;
  case RD_ACT_CLOSE: a.reason = "三次未接通"; a.fields = RD_F_REASON; break;
  case RD_ACT_WITHDRAW: a.reason = "客户撤诉"; a.fields = RD_F_REASON; break;
  case RD_ACT_MERGE: a.into = "TS20261120-000007"; a.into_id = 7; a.fields = RD_F_INTO; break;
  case RD_ACT_WAIT: a.reason = "等待客户提供购买凭证"; a.fields = RD_F_REASON; break;
  case RD_ACT_RESUME: a.note = "客户已提供"; a.fields = RD_F_NOTE; break;
  case RD_ACT_COUNT: break;
  }
  return a;
}

static struct rd_action
invalid_triage(void)
{
  struct rd_action a = body(RD_ACT_TRIAGE);
  a.valid = false;
  a.reason = "属场馆资产方管理";
  a.transfer = (struct rd_transfer_slip){"某物业公司", "王经理", "010-12345678", "北京市朝阳区某路1号"};
  a.fields = RD_F_VALID | RD_F_REASON | RD_F_TRANSFER;
  return a;
}

static enum rd_status
apply(struct rd_complaint *c, const struct rd_action *a, enum rd_role role,
      struct rd_transition *t, struct rd_error *err)
{
  return rd_workflow_apply(c, a, role, &RD_APPROVAL_DEFAULT, NOW, t, err);
}

/* Applies a and asserts it is refused with code (and field, when given)
 * and that the record did not change by a single byte. */
static void
assert_refused(enum rd_state s, const struct rd_action *a, enum rd_role role,
               enum rd_status code, const char *field)
{
  struct rd_complaint c, before;
  struct rd_error err;
  memset(&err, 0, sizeof err);
  complaint_in(s, &c);
  memcpy(&before, &c, sizeof c);
  enum rd_status rc = apply(&c, a, role, NULL, &err);
  if (rc != code)
    fail_msg("%s from %s as %s: got status %d, want %d (%s)", rd_action_name(a->kind),
             rd_state_name(s), rd_role_name(role), rc, code, err.detail);
  assert_int_equal(err.code, code);
  if (field)
    assert_string_equal(err.field, field);
  assert_memory_equal(&c, &before, sizeof c);
}

/* Field by field (struct copies need not preserve padding, so memcmp only
 * serves records that must not have been written at all). Strings are
 * compared by pointer: the record borrows the action's strings. */
static void
assert_same_record(const struct rd_complaint *got, const struct rd_complaint *want)
{
#define SAME(f) assert_true(got->f == want->f)
  SAME(id); SAME(number); SAME(version); SAME(status); SAME(channel);
  SAME(external_ref); SAME(received_at); SAME(registered_at); SAME(registered_by);
  SAME(customer.id); SAME(customer.name); SAME(customer.phone);
  SAME(customer.email); SAME(customer.refs_json);
  SAME(subject); SAME(content); SAME(demands); SAME(restatement);
  SAME(restatement_confirmed); SAME(confirmed_at); SAME(anger);
  SAME(validity); SAME(invalid_reason);
  SAME(transfer.to_party); SAME(transfer.contact_person);
  SAME(transfer.contact_phone); SAME(transfer.contact_address);
  SAME(category_id); SAME(severity); SAME(site_id); SAME(department_id);
  SAME(assignee_id);
  SAME(plan.present); SAME(plan.kind); SAME(plan.description);
  SAME(plan.has_amount); SAME(plan.amount_fen); SAME(plan.needs_approval);
  SAME(reopen_count); SAME(followup_attempts); SAME(satisfaction_score);
  SAME(satisfied); SAME(merged_into); SAME(tags_json);
  SAME(waiting_since); SAME(waiting_reason);
  /* close_reason may be a literal of the core's ("satisfied"): by value. */
  assert_true((got->close_reason == NULL) == (want->close_reason == NULL));
  if (got->close_reason)
    assert_string_equal(got->close_reason, want->close_reason);
  SAME(first_contact_at); SAME(resolved_at); SAME(closed_at); SAME(updated_at);
  SAME(due_at);
#undef SAME
}

/* ---- every legal move, with the record it produces ------------------------- */

/* Sets in e what the move must change; everything else must stay. */
typedef void (*expect_fn)(struct rd_complaint *e, const struct rd_action *a);

static void
expect_nothing(struct rd_complaint *e, const struct rd_action *a)
{
}

static void
expect_triage_valid(struct rd_complaint *e, const struct rd_action *a)
{
  e->validity = RD_VALIDITY_VALID;
  e->category_id = a->category_id;
  e->severity = a->severity;
  e->department_id = a->department_id;
  e->assignee_id = (a->fields & RD_F_ASSIGNEE) ? a->assignee_id : 0;
}

static void
expect_triage_invalid(struct rd_complaint *e, const struct rd_action *a)
{
  e->validity = RD_VALIDITY_INVALID;
  e->invalid_reason = a->reason;
  e->transfer = a->transfer;
}

static void
expect_explain(struct rd_complaint *e, const struct rd_action *a)
{
  e->closed_at = NOW;
  e->close_reason = "explained";
}

static void
expect_assign(struct rd_complaint *e, const struct rd_action *a)
{
  e->department_id = a->department_id;
  e->assignee_id = (a->fields & RD_F_ASSIGNEE) ? a->assignee_id : 0;
}

static void
expect_contact(struct rd_complaint *e, const struct rd_action *a)
{
  if (!e->first_contact_at)
    e->first_contact_at = NOW;
}

static void
expect_plan(struct rd_complaint *e, const struct rd_action *a)
{
  bool has = (a->fields & RD_F_AMOUNT) != 0;
  e->plan = (struct rd_plan){.present = true, .kind = a->plan_kind,
                             .description = a->description, .has_amount = has,
                             .amount_fen = has ? a->amount_fen : 0,
                             .needs_approval = e->status == RD_STATE_PENDING_APPROVAL};
}

static void
expect_plan_resumed(struct rd_complaint *e, const struct rd_action *a)
{
  expect_plan(e, a);
  e->waiting_since = 0;
  e->waiting_reason = NULL;
}

static void
expect_resolve(struct rd_complaint *e, const struct rd_action *a)
{
  e->resolved_at = NOW;
}

static void
expect_satisfied(struct rd_complaint *e, const struct rd_action *a)
{
  e->satisfaction_score = a->score;
  e->satisfied = 1;
  e->closed_at = NOW;
  e->close_reason = "satisfied";
}

static void
expect_unsatisfied(struct rd_complaint *e, const struct rd_action *a)
{
  e->satisfaction_score = a->score;
  e->satisfied = 0;
  e->reopen_count++;
  e->plan = (struct rd_plan){0};
  e->resolved_at = 0;
}

static void
expect_unreached(struct rd_complaint *e, const struct rd_action *a)
{
  e->followup_attempts++;
}

static void
expect_close(struct rd_complaint *e, const struct rd_action *a)
{
  e->closed_at = NOW;
  e->close_reason = a->reason;
}

static void
expect_wait(struct rd_complaint *e, const struct rd_action *a)
{
  e->waiting_since = NOW;
  e->waiting_reason = a->reason;
}

static void
expect_resume(struct rd_complaint *e, const struct rd_action *a)
{
  e->waiting_since = 0;
  e->waiting_reason = NULL;
}

static void
expect_merge(struct rd_complaint *e, const struct rd_action *a)
{
  e->merged_into = a->into_id;
  e->closed_at = NOW;
  e->close_reason = a->reason ? a->reason : "merged";
}

enum variant {
  V_PLAIN, V_TRIAGE_INVALID, V_NO_ASSIGNEE, V_CONTACTED_BEFORE, V_MONEY_PLAN,
  V_UNSATISFIED, V_UNREACHED, V_REASON, V_WAITING,
};

struct legal_move {
  enum rd_state from;
  enum rd_action_kind act;
  enum variant variant;
  enum rd_state to;
  expect_fn expect;
};

static const struct legal_move legal_moves[] = {
  {RD_STATE_REGISTERED,       RD_ACT_TRIAGE,       V_PLAIN,            RD_STATE_ASSIGNED,         expect_triage_valid},
  {RD_STATE_REGISTERED,       RD_ACT_TRIAGE,       V_NO_ASSIGNEE,      RD_STATE_ASSIGNED,         expect_triage_valid},
  {RD_STATE_REGISTERED,       RD_ACT_TRIAGE,       V_TRIAGE_INVALID,   RD_STATE_TRANSFERRED,      expect_triage_invalid},
  {RD_STATE_TRANSFERRED,      RD_ACT_EXPLAIN,      V_PLAIN,            RD_STATE_CLOSED,           expect_explain},
  {RD_STATE_ASSIGNED,         RD_ACT_ASSIGN,       V_PLAIN,            RD_STATE_ASSIGNED,         expect_assign},
  {RD_STATE_IN_PROGRESS,      RD_ACT_ASSIGN,       V_NO_ASSIGNEE,      RD_STATE_ASSIGNED,         expect_assign},
  {RD_STATE_ASSIGNED,         RD_ACT_CONTACT,      V_PLAIN,            RD_STATE_IN_PROGRESS,      expect_contact},
  {RD_STATE_ASSIGNED,         RD_ACT_CONTACT,      V_CONTACTED_BEFORE, RD_STATE_IN_PROGRESS,      expect_contact},
  {RD_STATE_IN_PROGRESS,      RD_ACT_PROGRESS,     V_PLAIN,            RD_STATE_IN_PROGRESS,      expect_nothing},
  {RD_STATE_EXECUTING,        RD_ACT_PROGRESS,     V_PLAIN,            RD_STATE_EXECUTING,        expect_nothing},
  {RD_STATE_IN_PROGRESS,      RD_ACT_PROPOSE_PLAN, V_PLAIN,            RD_STATE_EXECUTING,        expect_plan},
  {RD_STATE_IN_PROGRESS,      RD_ACT_PROPOSE_PLAN, V_MONEY_PLAN,       RD_STATE_PENDING_APPROVAL, expect_plan},
  {RD_STATE_PENDING_APPROVAL, RD_ACT_APPROVE,      V_PLAIN,            RD_STATE_EXECUTING,        expect_nothing},
  {RD_STATE_PENDING_APPROVAL, RD_ACT_REJECT,       V_PLAIN,            RD_STATE_IN_PROGRESS,      expect_nothing},
  {RD_STATE_EXECUTING,        RD_ACT_RESOLVE,      V_PLAIN,            RD_STATE_RESOLVED,         expect_resolve},
  {RD_STATE_RESOLVED,         RD_ACT_FOLLOW_UP,    V_PLAIN,            RD_STATE_CLOSED,           expect_satisfied},
  {RD_STATE_RESOLVED,         RD_ACT_FOLLOW_UP,    V_UNSATISFIED,      RD_STATE_IN_PROGRESS,      expect_unsatisfied},
  {RD_STATE_RESOLVED,         RD_ACT_FOLLOW_UP,    V_UNREACHED,        RD_STATE_RESOLVED,         expect_unreached},
  {RD_STATE_RESOLVED,         RD_ACT_CLOSE,        V_PLAIN,            RD_STATE_CLOSED,           expect_close},
  {RD_STATE_IN_PROGRESS,      RD_ACT_WAIT,         V_PLAIN,            RD_STATE_IN_PROGRESS,      expect_wait},
  {RD_STATE_EXECUTING,        RD_ACT_WAIT,         V_PLAIN,            RD_STATE_EXECUTING,        expect_wait},
  {RD_STATE_IN_PROGRESS,      RD_ACT_RESUME,       V_WAITING,          RD_STATE_IN_PROGRESS,      expect_resume},
  {RD_STATE_EXECUTING,        RD_ACT_RESUME,       V_WAITING,          RD_STATE_EXECUTING,        expect_resume},
  /* waiting, and moving on: the wait ends with the state */
  {RD_STATE_IN_PROGRESS,      RD_ACT_PROPOSE_PLAN, V_WAITING,          RD_STATE_EXECUTING,        expect_plan_resumed},
#define FROM_EVERY_OPEN(act, variant, to, fn)                                         \
  {RD_STATE_REGISTERED, act, variant, to, fn}, {RD_STATE_ASSIGNED, act, variant, to, fn}, \
  {RD_STATE_IN_PROGRESS, act, variant, to, fn}, {RD_STATE_PENDING_APPROVAL, act, variant, to, fn}, \
  {RD_STATE_EXECUTING, act, variant, to, fn}, {RD_STATE_RESOLVED, act, variant, to, fn}, \
  {RD_STATE_TRANSFERRED, act, variant, to, fn}
  FROM_EVERY_OPEN(RD_ACT_WITHDRAW, V_PLAIN, RD_STATE_WITHDRAWN, expect_close),
  FROM_EVERY_OPEN(RD_ACT_MERGE, V_PLAIN, RD_STATE_MERGED, expect_merge),
  FROM_EVERY_OPEN(RD_ACT_MERGE, V_REASON, RD_STATE_MERGED, expect_merge),
#undef FROM_EVERY_OPEN
};

static void
setup_move(const struct legal_move *m, struct rd_complaint *c, struct rd_action *a)
{
  complaint_in(m->from, c);
  *a = m->variant == V_TRIAGE_INVALID ? invalid_triage() : body(m->act);
  switch (m->variant) {
  case V_NO_ASSIGNEE: a->fields &= ~RD_F_ASSIGNEE; a->assignee_id = 0; break;
  case V_CONTACTED_BEFORE: c->first_contact_at = NOW - 99999; break;
  case V_MONEY_PLAN:
    a->plan_kind = RD_PLAN_COMPENSATION; a->amount_fen = 20000; a->fields |= RD_F_AMOUNT;
    break;
  case V_UNSATISFIED: a->satisfied = false; a->score = 2; break;
  case V_UNREACHED:
    a->reached = false; a->satisfied = false; a->score = 0;
    a->fields = RD_F_METHOD | RD_F_REACHED;
    break;
  case V_REASON: a->reason = "重复投诉"; a->fields |= RD_F_REASON; break;
  case V_WAITING: c->waiting_since = NOW - 7200; c->waiting_reason = "等待客户"; break;
  case V_PLAIN: case V_TRIAGE_INVALID: break;
  }
}

/* Each legal move, by every role the brief allows: the new status, the
 * transition report, and the whole record exactly as expected. */
static void
test_every_legal_move(void **state)
{
  int runs = 0;
  for (size_t i = 0; i < N(legal_moves); i++) {
    const struct legal_move *m = &legal_moves[i];
    for (int r = 0; r < RD_ROLE_COUNT; r++) {
      if (!role_may(m->act, (enum rd_role)r))
        continue;
      struct rd_complaint c, want;
      struct rd_action a;
      struct rd_transition t;
      struct rd_error err;
      memset(&err, 0, sizeof err);
      memset(&t, 0xff, sizeof t);
      setup_move(m, &c, &a);
      memcpy(&want, &c, sizeof c);
      enum rd_status rc = apply(&c, &a, (enum rd_role)r, &t, &err);
      if (rc != RD_OK)
        fail_msg("move %zu: %s from %s as %s refused: %s", i, rd_action_name(m->act),
                 rd_state_name(m->from), rd_role_name((enum rd_role)r), err.detail);
      assert_int_equal(c.status, m->to);
      assert_int_equal(t.from, m->from);
      assert_int_equal(t.to, m->to);
      assert_int_equal(t.needed_approval, m->to == RD_STATE_PENDING_APPROVAL);
      assert_int_equal(t.reopened, m->variant == V_UNSATISFIED);
      want.status = m->to;
      m->expect(&want, &a);
      assert_same_record(&c, &want);
      assert_int_equal(c.version, 3); /* the store owns version and updated_at */
      runs++;
    }
  }
  assert_true(runs > 60);
}

/* The moves above are all the legal (state, action) pairs: any row added to
 * the table without a test here fails. */
static void
test_legal_moves_cover_the_table(void **state)
{
  for (int s = 0; s < RD_STATE_COUNT; s++) {
    unsigned listed = 0;
    for (size_t i = 0; i < N(legal_moves); i++)
      if ((int)legal_moves[i].from == s)
        listed |= 1u << legal_moves[i].act;
    assert_int_equal(rd_workflow_allowed((enum rd_state)s, RD_ROLE_ADMIN), listed);
  }
}

/* rd_workflow_allowed() equals the brief's map for every state and role. */
static void
test_allowed_matches_the_brief(void **state)
{
  for (int s = 0; s < RD_STATE_COUNT; s++) {
    for (int r = 0; r < RD_ROLE_COUNT; r++) {
      unsigned want = 0;
      for (int k = 0; k < RD_ACT_COUNT; k++)
        if ((expected[k].from & (1u << s)) && role_may((enum rd_action_kind)k, (enum rd_role)r))
          want |= 1u << k;
      assert_int_equal(rd_workflow_allowed((enum rd_state)s, (enum rd_role)r), want);
    }
  }
}

static void
test_allowed_examples(void **state)
{
  assert_int_equal(rd_workflow_allowed(RD_STATE_REGISTERED, RD_ROLE_AGENT),
                   (1u << RD_ACT_TRIAGE) | (1u << RD_ACT_WITHDRAW) | (1u << RD_ACT_MERGE));
  assert_int_equal(rd_workflow_allowed(RD_STATE_PENDING_APPROVAL, RD_ROLE_APPROVER),
                   (1u << RD_ACT_APPROVE) | (1u << RD_ACT_REJECT));
  assert_int_equal(rd_workflow_allowed(RD_STATE_IN_PROGRESS, RD_ROLE_HANDLER),
                   (1u << RD_ACT_PROGRESS) | (1u << RD_ACT_PROPOSE_PLAN) |
                       (1u << RD_ACT_WITHDRAW) | (1u << RD_ACT_WAIT) |
                       (1u << RD_ACT_RESUME));
  assert_int_equal(rd_workflow_allowed(RD_STATE_IN_PROGRESS, RD_ROLE_MANAGER),
                   (1u << RD_ACT_ASSIGN) | (1u << RD_ACT_PROGRESS) |
                       (1u << RD_ACT_PROPOSE_PLAN) | (1u << RD_ACT_WITHDRAW) |
                       (1u << RD_ACT_MERGE) | (1u << RD_ACT_WAIT) |
                       (1u << RD_ACT_RESUME));
  /* ... of which, on a record, only the hold that applies: wait or resume. */
  struct rd_complaint c;
  complaint_in(RD_STATE_IN_PROGRESS, &c);
  assert_int_equal(rd_workflow_allowed_now(&c, RD_ROLE_HANDLER) & (1u << RD_ACT_RESUME), 0);
  assert_true(rd_workflow_allowed_now(&c, RD_ROLE_HANDLER) & (1u << RD_ACT_WAIT));
  c.waiting_since = NOW;
  assert_int_equal(rd_workflow_allowed_now(&c, RD_ROLE_HANDLER) & (1u << RD_ACT_WAIT), 0);
  assert_true(rd_workflow_allowed_now(&c, RD_ROLE_HANDLER) & (1u << RD_ACT_RESUME));
  /* waiting twice, or resuming without waiting, is refused */
  struct rd_action again = body(RD_ACT_WAIT);
  struct rd_error err = {0};
  assert_int_equal(apply(&c, &again, RD_ROLE_HANDLER, NULL, &err), RD_E_ILLEGAL_STATE);
  c.waiting_since = 0;
  struct rd_action res = body(RD_ACT_RESUME);
  assert_int_equal(apply(&c, &res, RD_ROLE_HANDLER, NULL, &err), RD_E_ILLEGAL_STATE);
  assert_int_equal(rd_workflow_allowed(RD_STATE_RESOLVED, RD_ROLE_AGENT),
                   (1u << RD_ACT_FOLLOW_UP) | (1u << RD_ACT_CLOSE) |
                       (1u << RD_ACT_WITHDRAW) | (1u << RD_ACT_MERGE));
  for (int s = 0; s < RD_STATE_COUNT; s++) {
    assert_int_equal(rd_workflow_allowed((enum rd_state)s, RD_ROLE_AUDITOR), 0);
    assert_int_equal(rd_workflow_allowed((enum rd_state)s, RD_ROLE_ANALYST), 0);
  }
  assert_int_equal(rd_workflow_allowed(RD_STATE_CLOSED, RD_ROLE_ADMIN), 0);
  assert_int_equal(rd_workflow_allowed(RD_STATE_WITHDRAWN, RD_ROLE_ADMIN), 0);
  assert_int_equal(rd_workflow_allowed(RD_STATE_MERGED, RD_ROLE_ADMIN), 0);
  assert_int_equal(rd_workflow_allowed(RD_STATE_COUNT, RD_ROLE_ADMIN), 0);
  assert_int_equal(rd_workflow_allowed(RD_STATE_ASSIGNED, RD_ROLE_COUNT), 0);
  /* withdraw is offered exactly from the open states */
  for (int s = 0; s < RD_STATE_COUNT; s++)
    assert_int_equal((rd_workflow_allowed((enum rd_state)s, RD_ROLE_AGENT) >> RD_ACT_WITHDRAW) & 1u,
                     (rd_state_open_mask() >> s) & 1u);
}

/* ---- refusals ----------------------------------------------------------------- */

/* Every action from every state it is not legal from: 422 illegal-transition,
 * for the administrator and for a role that may take the action elsewhere. */
static void
test_illegal_states_change_nothing(void **state)
{
  int refused = 0;
  for (int k = 0; k < RD_ACT_COUNT; k++) {
    for (int s = 0; s < RD_STATE_COUNT; s++) {
      if (expected[k].from & (1u << s))
        continue;
      struct rd_action a = body((enum rd_action_kind)k);
      assert_refused((enum rd_state)s, &a, RD_ROLE_ADMIN, RD_E_ILLEGAL_STATE, "");
      for (int r = 0; r < RD_ROLE_COUNT; r++)
        if (expected[k].roles & (1u << r))
          assert_refused((enum rd_state)s, &a, (enum rd_role)r, RD_E_ILLEGAL_STATE, "");
      refused++;
    }
  }
  assert_int_equal(refused, RD_ACT_COUNT * RD_STATE_COUNT - 31); /* 31 legal pairs */
}

/* Every legal move by every role the brief does not allow: 403, unchanged. */
static void
test_wrong_roles_change_nothing(void **state)
{
  int refused = 0;
  for (size_t i = 0; i < N(legal_moves); i++) {
    for (int r = 0; r < RD_ROLE_COUNT; r++) {
      if (role_may(legal_moves[i].act, (enum rd_role)r))
        continue;
      struct rd_complaint c;
      struct rd_action a;
      setup_move(&legal_moves[i], &c, &a);
      assert_refused(legal_moves[i].from, &a, (enum rd_role)r, RD_E_FORBIDDEN, "");
      refused++;
    }
  }
  assert_true(refused > 100);
}

/* A role that may never take the action hears 403 even from a state where
 * the action is illegal: the role check comes first. Fields come last. */
static void
test_order_of_checks(void **state)
{
  struct rd_action a = body(RD_ACT_APPROVE);
  assert_refused(RD_STATE_CLOSED, &a, RD_ROLE_AGENT, RD_E_FORBIDDEN, "");
  a = body(RD_ACT_TRIAGE);
  assert_refused(RD_STATE_CLOSED, &a, RD_ROLE_AUDITOR, RD_E_FORBIDDEN, "");
  /* Missing fields in an illegal state: the state is reported. */
  a = body(RD_ACT_RESOLVE);
  a.fields = 0;
  assert_refused(RD_STATE_ASSIGNED, &a, RD_ROLE_HANDLER, RD_E_ILLEGAL_STATE, "");
  /* Missing fields for a forbidden role: the role is reported. */
  assert_refused(RD_STATE_EXECUTING, &a, RD_ROLE_AGENT, RD_E_FORBIDDEN, "");
  assert_refused(RD_STATE_EXECUTING, &a, RD_ROLE_HANDLER, RD_E_INVALID, "result");
}

static void
test_unknown_action_and_role(void **state)
{
  struct rd_action a = body(RD_ACT_TRIAGE);
  a.kind = RD_ACT_COUNT;
  assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_ADMIN, RD_E_NOT_FOUND, "action");
  a = body(RD_ACT_TRIAGE);
  assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_COUNT, RD_E_FORBIDDEN, "");
  assert_refused(RD_STATE_COUNT, &a, RD_ROLE_AGENT, RD_E_ILLEGAL_STATE, "");
}

/* ---- required fields ----------------------------------------------------------- */

struct missing {
  enum rd_state from;
  enum rd_action_kind act;
  bool invalid_triage;
  unsigned drop;        /* RD_F_* removed from the body */
  const char *field;
};

static const struct missing missings[] = {
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, false, RD_F_VALID, "valid"},
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, false, RD_F_CATEGORY, "category_id"},
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, false, RD_F_SEVERITY, "severity"},
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, false, RD_F_DEPARTMENT, "department_id"},
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, true, RD_F_VALID, "valid"},
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, true, RD_F_REASON, "reason"},
  {RD_STATE_REGISTERED, RD_ACT_TRIAGE, true, RD_F_TRANSFER, "transfer"},
  {RD_STATE_TRANSFERRED, RD_ACT_EXPLAIN, false, RD_F_NOTE, "note"},
  {RD_STATE_ASSIGNED, RD_ACT_ASSIGN, false, RD_F_DEPARTMENT, "department_id"},
  {RD_STATE_IN_PROGRESS, RD_ACT_ASSIGN, false, RD_F_DEPARTMENT, "department_id"},
  {RD_STATE_ASSIGNED, RD_ACT_CONTACT, false, RD_F_METHOD, "method"},
  {RD_STATE_IN_PROGRESS, RD_ACT_PROGRESS, false, RD_F_NOTE, "note"},
  {RD_STATE_EXECUTING, RD_ACT_PROGRESS, false, RD_F_NOTE, "note"},
  {RD_STATE_IN_PROGRESS, RD_ACT_PROPOSE_PLAN, false, RD_F_KIND, "kind"},
  {RD_STATE_IN_PROGRESS, RD_ACT_PROPOSE_PLAN, false, RD_F_DESCRIPTION, "description"},
  {RD_STATE_PENDING_APPROVAL, RD_ACT_REJECT, false, RD_F_REASON, "reason"},
  {RD_STATE_EXECUTING, RD_ACT_RESOLVE, false, RD_F_RESULT, "result"},
  {RD_STATE_RESOLVED, RD_ACT_FOLLOW_UP, false, RD_F_METHOD, "method"},
  {RD_STATE_RESOLVED, RD_ACT_FOLLOW_UP, false, RD_F_REACHED, "reached"},
  {RD_STATE_RESOLVED, RD_ACT_FOLLOW_UP, false, RD_F_SATISFIED, "satisfied"},
  {RD_STATE_RESOLVED, RD_ACT_CLOSE, false, RD_F_REASON, "reason"},
  {RD_STATE_ASSIGNED, RD_ACT_WITHDRAW, false, RD_F_REASON, "reason"},
  {RD_STATE_REGISTERED, RD_ACT_MERGE, false, RD_F_INTO, "into"},
};

/* Each required field missing, then present but empty (texts): 422 naming it,
 * record unchanged. */
static void
test_each_required_field(void **state)
{
  for (size_t i = 0; i < N(missings); i++) {
    const struct missing *m = &missings[i];
    struct rd_action a = m->invalid_triage ? invalid_triage() : body(m->act);
    a.fields &= ~m->drop;
    assert_refused(m->from, &a, RD_ROLE_ADMIN, RD_E_INVALID, m->field);
  }
  /* Present but null or empty texts count as missing. */
  const struct { enum rd_state from; enum rd_action_kind act; size_t off; const char *field; } texts[] = {
    {RD_STATE_TRANSFERRED, RD_ACT_EXPLAIN, offsetof(struct rd_action, note), "note"},
    {RD_STATE_IN_PROGRESS, RD_ACT_PROGRESS, offsetof(struct rd_action, note), "note"},
    {RD_STATE_IN_PROGRESS, RD_ACT_PROPOSE_PLAN, offsetof(struct rd_action, description), "description"},
    {RD_STATE_PENDING_APPROVAL, RD_ACT_REJECT, offsetof(struct rd_action, reason), "reason"},
    {RD_STATE_EXECUTING, RD_ACT_RESOLVE, offsetof(struct rd_action, result), "result"},
    {RD_STATE_RESOLVED, RD_ACT_CLOSE, offsetof(struct rd_action, reason), "reason"},
    {RD_STATE_EXECUTING, RD_ACT_WITHDRAW, offsetof(struct rd_action, reason), "reason"},
  };
  for (size_t i = 0; i < N(texts); i++) {
    const char *values[] = {"", NULL};
    for (size_t v = 0; v < N(values); v++) {
      struct rd_action a = body(texts[i].act);
      *(const char **)((char *)&a + texts[i].off) = values[v];
      assert_refused(texts[i].from, &a, RD_ROLE_ADMIN, RD_E_INVALID, texts[i].field);
    }
  }
  struct rd_action a = invalid_triage();
  a.reason = "";
  assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_AGENT, RD_E_INVALID, "reason");
}

static void
test_transfer_slip_lines(void **state)
{
  const char *fields[] = {"transfer.to_party", "transfer.contact_person",
                          "transfer.contact_phone", "transfer.contact_address"};
  char *long_line = malloc(RD_MAX_SHORT * 3 + 4);
  assert_non_null(long_line);
  long_line[0] = '\0';
  for (int i = 0; i <= RD_MAX_SHORT; i++)
    strcat(long_line, "址");
  for (int i = 0; i < 4; i++) {
    const char *bad[] = {NULL, "", long_line};
    for (size_t b = 0; b < N(bad); b++) {
      struct rd_action a = invalid_triage();
      const char **slot[] = {&a.transfer.to_party, &a.transfer.contact_person,
                             &a.transfer.contact_phone, &a.transfer.contact_address};
      *slot[i] = bad[b];
      assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_AGENT, RD_E_INVALID, fields[i]);
    }
  }
  free(long_line);
}

/* Values the bits cannot check. */
static void
test_field_values(void **state)
{
  struct rd_action a;
  const int severities[] = {0, 6, -1};
  for (size_t i = 0; i < N(severities); i++) {
    a = body(RD_ACT_TRIAGE);
    a.severity = severities[i];
    assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_AGENT, RD_E_INVALID, "severity");
  }
  a = body(RD_ACT_TRIAGE);
  a.category_id = 0;
  assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_AGENT, RD_E_INVALID, "category_id");
  a = body(RD_ACT_TRIAGE);
  a.department_id = 0;
  assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_AGENT, RD_E_INVALID, "department_id");
  a = body(RD_ACT_TRIAGE);
  a.assignee_id = -4;
  assert_refused(RD_STATE_REGISTERED, &a, RD_ROLE_AGENT, RD_E_INVALID, "assignee_id");
  a = body(RD_ACT_ASSIGN);
  a.department_id = -1;
  assert_refused(RD_STATE_ASSIGNED, &a, RD_ROLE_MANAGER, RD_E_INVALID, "department_id");

  const char *methods[] = {"sms", "", "PHONE", NULL};
  for (size_t i = 0; i < N(methods); i++) {
    a = body(RD_ACT_CONTACT);
    a.method = methods[i];
    assert_refused(RD_STATE_ASSIGNED, &a, RD_ROLE_HANDLER, RD_E_INVALID, "method");
    a = body(RD_ACT_FOLLOW_UP);
    a.method = methods[i];
    assert_refused(RD_STATE_RESOLVED, &a, RD_ROLE_AGENT, RD_E_INVALID, "method");
  }

  const int scores[] = {0, 6};
  for (size_t i = 0; i < N(scores); i++) {
    a = body(RD_ACT_FOLLOW_UP);
    a.score = scores[i];
    assert_refused(RD_STATE_RESOLVED, &a, RD_ROLE_AGENT, RD_E_INVALID, "score");
  }

  a = body(RD_ACT_PROPOSE_PLAN);
  a.plan_kind = RD_PLAN_REFUND;
  assert_refused(RD_STATE_IN_PROGRESS, &a, RD_ROLE_HANDLER, RD_E_INVALID, "amount");
  a.plan_kind = RD_PLAN_COMPENSATION;
  assert_refused(RD_STATE_IN_PROGRESS, &a, RD_ROLE_HANDLER, RD_E_INVALID, "amount");
  a.fields |= RD_F_AMOUNT;
  a.amount_fen = -1;
  assert_refused(RD_STATE_IN_PROGRESS, &a, RD_ROLE_HANDLER, RD_E_INVALID, "amount");
  a = body(RD_ACT_PROPOSE_PLAN);
  a.plan_kind = RD_PLAN_COUNT;
  assert_refused(RD_STATE_IN_PROGRESS, &a, RD_ROLE_HANDLER, RD_E_INVALID, "kind");

  /* merge needs another complaint, resolved by the service */
  a = body(RD_ACT_MERGE);
  a.into_id = 0;
  assert_refused(RD_STATE_ASSIGNED, &a, RD_ROLE_AGENT, RD_E_INVALID, "into");
  a.into_id = 42; /* itself */
  assert_refused(RD_STATE_ASSIGNED, &a, RD_ROLE_AGENT, RD_E_INVALID, "into");
}

/* Every free text is capped at RD_MAX_TEXT code points, optional ones too. */
static void
test_text_limits(void **state)
{
  char *at_max = malloc(RD_MAX_TEXT * 4 + 1), *over = malloc(RD_MAX_TEXT * 4 + 5);
  assert_non_null(at_max);
  assert_non_null(over);
  at_max[0] = '\0';
  for (int i = 0; i < RD_MAX_TEXT; i++)
    strcat(at_max + (size_t)i * 4, "😀"); /* 4 bytes each: append at the end */
  strcpy(over, at_max);
  strcat(over, "x");

  const struct { enum rd_state from; enum rd_action_kind act; enum rd_role role;
                 size_t off; const char *field; } cases[] = {
    {RD_STATE_TRANSFERRED, RD_ACT_EXPLAIN, RD_ROLE_AGENT, offsetof(struct rd_action, note), "note"},
    {RD_STATE_ASSIGNED, RD_ACT_CONTACT, RD_ROLE_HANDLER, offsetof(struct rd_action, note), "note"},
    {RD_STATE_IN_PROGRESS, RD_ACT_PROGRESS, RD_ROLE_HANDLER, offsetof(struct rd_action, note), "note"},
    {RD_STATE_IN_PROGRESS, RD_ACT_PROPOSE_PLAN, RD_ROLE_HANDLER, offsetof(struct rd_action, description), "description"},
    {RD_STATE_PENDING_APPROVAL, RD_ACT_REJECT, RD_ROLE_APPROVER, offsetof(struct rd_action, reason), "reason"},
    {RD_STATE_EXECUTING, RD_ACT_RESOLVE, RD_ROLE_MANAGER, offsetof(struct rd_action, result), "result"},
    {RD_STATE_RESOLVED, RD_ACT_FOLLOW_UP, RD_ROLE_AGENT, offsetof(struct rd_action, comment), "comment"},
    {RD_STATE_RESOLVED, RD_ACT_CLOSE, RD_ROLE_AGENT, offsetof(struct rd_action, reason), "reason"},
    {RD_STATE_ASSIGNED, RD_ACT_WITHDRAW, RD_ROLE_HANDLER, offsetof(struct rd_action, reason), "reason"},
  };
  for (size_t i = 0; i < N(cases); i++) {
    struct rd_action a = body(cases[i].act);
    *(const char **)((char *)&a + cases[i].off) = over;
    assert_refused(cases[i].from, &a, cases[i].role, RD_E_INVALID, cases[i].field);

    struct rd_complaint c;
    struct rd_error err = {0};
    complaint_in(cases[i].from, &c);
    *(const char **)((char *)&a + cases[i].off) = at_max;
    assert_int_equal(apply(&c, &a, cases[i].role, NULL, &err), RD_OK);
  }
  /* An optional note on approve is capped too. */
  struct rd_action a = body(RD_ACT_APPROVE);
  a.note = over;
  a.fields |= RD_F_NOTE;
  assert_refused(RD_STATE_PENDING_APPROVAL, &a, RD_ROLE_APPROVER, RD_E_INVALID, "note");
  free(at_max);
  free(over);
}

/* ---- the approval rule --------------------------------------------------------- */

static enum rd_state
plan_outcome(const struct rd_approval_rule *rule, int severity,
             enum rd_plan_kind kind, bool has_amount, int64_t fen)
{
  struct rd_complaint c;
  struct rd_action a = body(RD_ACT_PROPOSE_PLAN);
  struct rd_transition t;
  struct rd_error err = {0};
  complaint_in(RD_STATE_IN_PROGRESS, &c);
  c.severity = severity;
  a.plan_kind = kind;
  a.amount_fen = fen;
  if (has_amount)
    a.fields |= RD_F_AMOUNT;
  assert_int_equal(rd_workflow_apply(&c, &a, RD_ROLE_HANDLER, rule, NOW, &t, &err), RD_OK);
  assert_int_equal(c.plan.needs_approval, c.status == RD_STATE_PENDING_APPROVAL);
  assert_int_equal(t.needed_approval, c.plan.needs_approval);
  return c.status;
}

static void
test_approval_rule_decides(void **state)
{
  const enum rd_state P = RD_STATE_PENDING_APPROVAL, E = RD_STATE_EXECUTING;
  /* Default (no policy): severity >= 5 or any amount above 0. */
  assert_int_equal(plan_outcome(&RD_APPROVAL_DEFAULT, 1, RD_PLAN_APOLOGY, false, 0), E);
  assert_int_equal(plan_outcome(&RD_APPROVAL_DEFAULT, 4, RD_PLAN_REPAIR, false, 0), E);
  assert_int_equal(plan_outcome(&RD_APPROVAL_DEFAULT, 5, RD_PLAN_APOLOGY, false, 0), P);
  assert_int_equal(plan_outcome(&RD_APPROVAL_DEFAULT, 1, RD_PLAN_COMPENSATION, true, 1), P);
  assert_int_equal(plan_outcome(&RD_APPROVAL_DEFAULT, 1, RD_PLAN_REFUND, true, 0), E);
  assert_int_equal(plan_outcome(&RD_APPROVAL_DEFAULT, 1, RD_PLAN_OTHER, true, 500), P);
  /* A NULL rule is the default. */
  assert_int_equal(plan_outcome(NULL, 5, RD_PLAN_APOLOGY, false, 0), P);
  assert_int_equal(plan_outcome(NULL, 1, RD_PLAN_APOLOGY, false, 0), E);

  /* always: the swimming venue sends every plan to the manager's office. */
  const struct rd_approval_rule always = {.always = true};
  assert_int_equal(plan_outcome(&always, 1, RD_PLAN_EXPLANATION, false, 0), P);

  /* severity_at_least 3 */
  const struct rd_approval_rule sev3 = {.severity_at_least = 3};
  assert_int_equal(plan_outcome(&sev3, 2, RD_PLAN_COMPENSATION, true, 100000), E);
  assert_int_equal(plan_outcome(&sev3, 3, RD_PLAN_REPAIR, false, 0), P);

  /* amount_over 500 yuan: 500.00 passes, 500.01 needs approval. */
  const struct rd_approval_rule over500 = {.has_amount_over = true, .amount_over_fen = 50000};
  assert_int_equal(plan_outcome(&over500, 5, RD_PLAN_REFUND, true, 50000), E);
  assert_int_equal(plan_outcome(&over500, 1, RD_PLAN_REFUND, true, 50001), P);
  assert_int_equal(plan_outcome(&over500, 1, RD_PLAN_APOLOGY, false, 0), E);

  /* A rule that asks nothing: every plan executes. */
  const struct rd_approval_rule none = {0};
  assert_int_equal(plan_outcome(&none, 5, RD_PLAN_COMPENSATION, true, 99999999), E);
}

/* ---- side effects across moves ------------------------------------------------- */

/* A whole cycle: reject keeps the plan, unsatisfied follow-up reopens and
 * clears it, the second cycle ends satisfied. */
static void
test_full_cycle_with_reopen(void **state)
{
  struct rd_complaint c;
  struct rd_error err = {0};
  struct rd_action a;
  complaint_in(RD_STATE_REGISTERED, &c);

  a = body(RD_ACT_TRIAGE);
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_OK);
  a = body(RD_ACT_CONTACT);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  assert_int_equal(c.first_contact_at, NOW);
  a = body(RD_ACT_PROPOSE_PLAN);
  a.plan_kind = RD_PLAN_COMPENSATION;
  a.amount_fen = 30050;
  a.fields |= RD_F_AMOUNT;
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_PENDING_APPROVAL);
  a = body(RD_ACT_REJECT);
  assert_int_equal(apply(&c, &a, RD_ROLE_APPROVER, NULL, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_IN_PROGRESS);
  assert_true(c.plan.present);
  assert_int_equal(c.plan.amount_fen, 30050);

  a = body(RD_ACT_PROPOSE_PLAN);
  a.plan_kind = RD_PLAN_REPAIR;
  assert_int_equal(apply(&c, &a, RD_ROLE_MANAGER, NULL, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_EXECUTING);
  assert_int_equal(c.plan.kind, RD_PLAN_REPAIR);
  assert_false(c.plan.has_amount);
  a = body(RD_ACT_RESOLVE);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  a = body(RD_ACT_FOLLOW_UP);
  a.satisfied = false;
  a.score = 1;
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_IN_PROGRESS);
  assert_int_equal(c.reopen_count, 1);
  assert_false(c.plan.present);
  assert_int_equal(c.resolved_at, 0);
  assert_int_equal(c.first_contact_at, NOW);

  a = body(RD_ACT_PROPOSE_PLAN);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  a = body(RD_ACT_RESOLVE);
  assert_int_equal(apply(&c, &a, RD_ROLE_HANDLER, NULL, &err), RD_OK);
  a = body(RD_ACT_FOLLOW_UP);
  a.fields = RD_F_METHOD | RD_F_REACHED;
  a.reached = false;
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_OK);
  assert_int_equal(c.followup_attempts, 1);
  assert_int_equal(c.satisfied, 0); /* the earlier answer stays */
  a = body(RD_ACT_FOLLOW_UP);
  a.fields &= ~RD_F_SCORE; /* score is optional */
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, NULL, &err), RD_OK);
  assert_int_equal(c.status, RD_STATE_CLOSED);
  assert_int_equal(c.satisfied, 1);
  assert_int_equal(c.satisfaction_score, 0);
  assert_int_equal(c.reopen_count, 1);
  assert_int_equal(c.closed_at, NOW);
}

static void
test_transition_report_untouched_on_failure(void **state)
{
  struct rd_complaint c;
  struct rd_transition t, before;
  struct rd_error err = {0};
  memset(&t, 0x5a, sizeof t);
  memcpy(&before, &t, sizeof t);
  complaint_in(RD_STATE_CLOSED, &c);
  struct rd_action a = body(RD_ACT_TRIAGE);
  assert_int_equal(apply(&c, &a, RD_ROLE_AGENT, &t, &err), RD_E_ILLEGAL_STATE);
  assert_memory_equal(&t, &before, sizeof t);
  assert_true(strstr(err.detail, "triage") != NULL);
  assert_true(strstr(err.detail, "closed") != NULL);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(test_every_legal_move),
  cmocka_unit_test(test_legal_moves_cover_the_table),
  cmocka_unit_test(test_allowed_matches_the_brief),
  cmocka_unit_test(test_allowed_examples),
  cmocka_unit_test(test_illegal_states_change_nothing),
  cmocka_unit_test(test_wrong_roles_change_nothing),
  cmocka_unit_test(test_order_of_checks),
  cmocka_unit_test(test_unknown_action_and_role),
  cmocka_unit_test(test_each_required_field),
  cmocka_unit_test(test_transfer_slip_lines),
  cmocka_unit_test(test_field_values),
  cmocka_unit_test(test_text_limits),
  cmocka_unit_test(test_approval_rule_decides),
  cmocka_unit_test(test_full_cycle_with_reopen),
  cmocka_unit_test(test_transition_report_untouched_on_failure),
};

RD_TEST_MAIN("core/workflow", tests)
