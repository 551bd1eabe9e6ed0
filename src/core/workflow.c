/* core/workflow.c - the complaint workflow as one table.
 *
 * Each row of moves[] is a legal move: from which states, which action, to
 * which state, who may take it, which body fields it requires, and what else
 * it changes. Anything not in the table is refused. Three destinations depend
 * on the body or the policy; their rows say DECIDED and name the small
 * function that picks the state (triage, propose_plan, follow_up).
 * docs/workflow.md restates this table: change both together.
 */
#include "core/workflow.h"

#include <string.h>

#include "core/validate.h"

#define S(x) (1u << RD_STATE_##x)
#define R(x) (1u << RD_ROLE_##x)
#define F(x) RD_F_##x

/* withdraw and merge close a complaint from any open state (SPEC §2). Kept
 * equal to rd_state_open_mask() (a test checks it): a static initializer
 * cannot call it. */
#define OPEN                                                                \
  (S(REGISTERED) | S(ASSIGNED) | S(IN_PROGRESS) | S(PENDING_APPROVAL) |      \
   S(EXECUTING) | S(RESOLVED) | S(TRANSFERRED))

/* Who does what (brief, "Roles and the workflow"). The administrator may step
 * in anywhere, so every group includes admin. */
#define AGENT       (R(AGENT) | R(ADMIN))
#define AGENT_MGR   (R(AGENT) | R(MANAGER) | R(ADMIN))
#define DEPARTMENT  (R(HANDLER) | R(MANAGER) | R(ADMIN))
#define APPROVER    (R(APPROVER) | R(ADMIN))
#define ANY_STAFF   (R(AGENT) | R(HANDLER) | R(MANAGER) | R(ADMIN))

/* Destinations that are not one fixed state. */
enum { SAME = RD_STATE_COUNT, DECIDED = RD_STATE_COUNT + 1 };

/* Checks what the required-field bits cannot (values, fields required only in
 * some cases) and changes what the action implies besides the status. Works
 * on the caller's scratch copy, so it may fail half-way without harm. */
typedef enum rd_status (*effect_fn)(struct rd_complaint *c,
                                    const struct rd_action *a,
                                    const struct rd_approval_rule *rule,
                                    int64_t now, struct rd_error *err);

/* Picks the destination of a DECIDED row, after its effect has run. */
typedef enum rd_state (*decide_fn)(const struct rd_complaint *c,
                                   const struct rd_action *a);

struct move {
  unsigned from;              /* mask of states */
  enum rd_action_kind action;
  int to;                     /* enum rd_state, SAME or DECIDED */
  decide_fn decide;           /* set exactly when to == DECIDED */
  unsigned roles;             /* mask of roles */
  unsigned required;          /* RD_F_* that must be present (texts non-empty) */
  effect_fn effect;           /* NULL = the status change only */
};

static enum rd_status triage(struct rd_complaint *, const struct rd_action *,
                             const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status explain(struct rd_complaint *, const struct rd_action *,
                              const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status assign(struct rd_complaint *, const struct rd_action *,
                             const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status contact(struct rd_complaint *, const struct rd_action *,
                              const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status propose(struct rd_complaint *, const struct rd_action *,
                              const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status resolve(struct rd_complaint *, const struct rd_action *,
                              const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status follow_up(struct rd_complaint *, const struct rd_action *,
                                const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status wait_for_customer(struct rd_complaint *, const struct rd_action *,
                                        const struct rd_approval_rule *, int64_t,
                                        struct rd_error *);
static enum rd_status resume(struct rd_complaint *, const struct rd_action *,
                             const struct rd_approval_rule *, int64_t, struct rd_error *);
static enum rd_status close_with_reason(struct rd_complaint *, const struct rd_action *,
                                        const struct rd_approval_rule *, int64_t,
                                        struct rd_error *);
static enum rd_status merge(struct rd_complaint *, const struct rd_action *,
                            const struct rd_approval_rule *, int64_t, struct rd_error *);

static enum rd_state triage_destination(const struct rd_complaint *, const struct rd_action *);
static enum rd_state plan_destination(const struct rd_complaint *, const struct rd_action *);
static enum rd_state follow_up_destination(const struct rd_complaint *, const struct rd_action *);

static const struct move moves[] = {
  /* from                          action               to                                       roles       required                       effect */
  { S(REGISTERED),                 RD_ACT_TRIAGE,       DECIDED, triage_destination,             AGENT,      F(VALID),                      triage            },
  { S(TRANSFERRED),                RD_ACT_EXPLAIN,      RD_STATE_CLOSED, NULL,                   AGENT,      F(NOTE),                       explain           },
  { S(ASSIGNED) | S(IN_PROGRESS),  RD_ACT_ASSIGN,       RD_STATE_ASSIGNED, NULL,                 AGENT_MGR,  F(DEPARTMENT),                 assign            },
  { S(ASSIGNED),                   RD_ACT_CONTACT,      RD_STATE_IN_PROGRESS, NULL,              DEPARTMENT, F(METHOD),                     contact           },
  { S(IN_PROGRESS) | S(EXECUTING), RD_ACT_PROGRESS,     SAME, NULL,                              DEPARTMENT, F(NOTE),                       NULL              },
  { S(IN_PROGRESS),                RD_ACT_PROPOSE_PLAN, DECIDED, plan_destination,               DEPARTMENT, F(KIND) | F(DESCRIPTION),      propose           },
  { S(PENDING_APPROVAL),           RD_ACT_APPROVE,      RD_STATE_EXECUTING, NULL,                APPROVER,   0,                             NULL              },
  { S(PENDING_APPROVAL),           RD_ACT_REJECT,       RD_STATE_IN_PROGRESS, NULL,              APPROVER,   F(REASON),                     NULL              },
  { S(EXECUTING),                  RD_ACT_RESOLVE,      RD_STATE_RESOLVED, NULL,                 DEPARTMENT, F(RESULT),                     resolve           },
  { S(RESOLVED),                   RD_ACT_FOLLOW_UP,    DECIDED, follow_up_destination,          AGENT,      F(METHOD) | F(REACHED),        follow_up         },
  { S(RESOLVED),                   RD_ACT_CLOSE,        RD_STATE_CLOSED, NULL,                   AGENT,      F(REASON),                     close_with_reason },
  { OPEN,                          RD_ACT_WITHDRAW,     RD_STATE_WITHDRAWN, NULL,                ANY_STAFF,  F(REASON),                     close_with_reason },
  { OPEN,                          RD_ACT_MERGE,        RD_STATE_MERGED, NULL,                   AGENT_MGR,  F(INTO),                       merge             },
  { S(IN_PROGRESS) | S(EXECUTING), RD_ACT_WAIT,         SAME, NULL,                              ANY_STAFF,  F(REASON),                     wait_for_customer },
  { S(IN_PROGRESS) | S(EXECUTING), RD_ACT_RESUME,       SAME, NULL,                              ANY_STAFF,  0,                             resume            },
};

enum { N_MOVES = sizeof moves / sizeof moves[0] };

/* What an action may carry besides what its row requires: fields its effect
 * reads when given, or that the timeline keeps as its note
 * (service/actions.c). Triage's depend on `valid`, so the effect asks for
 * them. */
static const unsigned optional_fields[RD_ACT_COUNT] = {
  [RD_ACT_TRIAGE]       = F(CATEGORY) | F(SEVERITY) | F(DEPARTMENT) | F(ASSIGNEE) |
                          F(REASON) | F(TRANSFER),
  [RD_ACT_ASSIGN]       = F(ASSIGNEE) | F(NOTE),
  [RD_ACT_CONTACT]      = F(NOTE),
  [RD_ACT_PROPOSE_PLAN] = F(AMOUNT),
  [RD_ACT_APPROVE]      = F(NOTE),
  [RD_ACT_FOLLOW_UP]    = F(SATISFIED) | F(SCORE) | F(COMMENT),
  [RD_ACT_MERGE]        = F(REASON),
  [RD_ACT_RESUME]       = F(NOTE),
};

/* The free-text fields of an action, each limited to RD_MAX_TEXT code points.
 * A required text that is null or empty counts as missing. */
static const struct {
  unsigned bit;
  const char *name;
  size_t offset;
} texts[] = {
  {RD_F_REASON,      "reason",      offsetof(struct rd_action, reason)},
  {RD_F_NOTE,        "note",        offsetof(struct rd_action, note)},
  {RD_F_DESCRIPTION, "description", offsetof(struct rd_action, description)},
  {RD_F_RESULT,      "result",      offsetof(struct rd_action, result)},
  {RD_F_COMMENT,     "comment",     offsetof(struct rd_action, comment)},
};

static const char *
text_of(const struct rd_action *a, size_t offset)
{
  return *(const char *const *)((const char *)a + offset);
}

/* Each bit of `required` present in a's body, texts non-empty; every text
 * present within RD_MAX_TEXT. Names the first field at fault. */
static enum rd_status
check_fields(const struct rd_action *a, unsigned required, struct rd_error *err)
{
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    const char *s = text_of(a, texts[i].offset);
    if ((required & texts[i].bit) && (a->fields & texts[i].bit) && (!s || !*s))
      return rd_error_set(err, RD_E_INVALID, texts[i].name, "%s must not be empty",
                          texts[i].name);
  }
  unsigned missing = required & ~a->fields;
  for (unsigned bit = 0; missing; bit++, missing >>= 1)
    if (missing & 1u)
      return rd_error_set(err, RD_E_INVALID, rd_action_field_name(1u << bit),
                          "%s is required", rd_action_field_name(1u << bit));
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    enum rd_status rc;
    if ((a->fields & texts[i].bit) &&
        (rc = rd_validate_text(texts[i].name, text_of(a, texts[i].offset),
                               RD_MAX_TEXT, false, err)))
      return rc;
  }
  return RD_OK;
}

static enum rd_status
check_method(const struct rd_action *a, struct rd_error *err)
{
  if (!rd_action_method_valid(a->method))
    return rd_error_set(err, RD_E_INVALID, "method", "method must be phone, visit or email");
  return RD_OK;
}

/* ---- effects ------------------------------------------------------------ */

static enum rd_status
triage(struct rd_complaint *c, const struct rd_action *a,
       const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  enum rd_status rc;
  if (a->valid) {
    if ((rc = check_fields(a, F(CATEGORY) | F(SEVERITY) | F(DEPARTMENT), err)))
      return rc;
    if (a->category_id <= 0)
      return rd_error_set(err, RD_E_INVALID, "category_id", "category_id must be a category's id");
    if (a->severity < 1 || a->severity > 5)
      return rd_error_set(err, RD_E_INVALID, "severity", "severity must be 1 to 5");
    if (a->department_id <= 0)
      return rd_error_set(err, RD_E_INVALID, "department_id", "department_id must be a department's id");
    if ((a->fields & F(ASSIGNEE)) && a->assignee_id < 0)
      return rd_error_set(err, RD_E_INVALID, "assignee_id", "assignee_id must be a user's id");
    c->validity = RD_VALIDITY_VALID;
    c->category_id = a->category_id;
    c->severity = a->severity;
    c->department_id = a->department_id;
    c->assignee_id = (a->fields & F(ASSIGNEE)) ? a->assignee_id : 0;
    return RD_OK;
  }
  /* Invalid: the transfer slip must tell the customer where to turn. */
  if ((rc = check_fields(a, F(REASON) | F(TRANSFER), err)))
    return rc;
  const struct { const char *field, *value; } slip[] = {
    {"transfer.to_party", a->transfer.to_party},
    {"transfer.contact_person", a->transfer.contact_person},
    {"transfer.contact_phone", a->transfer.contact_phone},
    {"transfer.contact_address", a->transfer.contact_address},
  };
  for (size_t i = 0; i < sizeof slip / sizeof slip[0]; i++)
    if ((rc = rd_validate_text(slip[i].field, slip[i].value, RD_MAX_SHORT, true, err)))
      return rc;
  c->validity = RD_VALIDITY_INVALID;
  c->invalid_reason = a->reason;
  c->transfer = a->transfer;
  return RD_OK;
}

static enum rd_state
triage_destination(const struct rd_complaint *c, const struct rd_action *a)
{
  return a->valid ? RD_STATE_ASSIGNED : RD_STATE_TRANSFERRED;
}

static enum rd_status
explain(struct rd_complaint *c, const struct rd_action *a,
        const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  /* The note (what the customer was told) goes to the timeline; the record
   * only needs to say why it closed. */
  c->closed_at = now;
  c->close_reason = "explained";
  return RD_OK;
}

static enum rd_status
assign(struct rd_complaint *c, const struct rd_action *a,
       const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  if (a->department_id <= 0)
    return rd_error_set(err, RD_E_INVALID, "department_id", "department_id must be a department's id");
  if ((a->fields & F(ASSIGNEE)) && a->assignee_id < 0)
    return rd_error_set(err, RD_E_INVALID, "assignee_id", "assignee_id must be a user's id");
  c->department_id = a->department_id;
  /* A new department picks its own handler unless one is named. */
  c->assignee_id = (a->fields & F(ASSIGNEE)) ? a->assignee_id : 0;
  return RD_OK;
}

static enum rd_status
contact(struct rd_complaint *c, const struct rd_action *a,
        const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  enum rd_status rc = check_method(a, err);
  if (rc)
    return rc;
  /* The first-contact clock stops once; a reassigned complaint keeps it. */
  if (!c->first_contact_at)
    c->first_contact_at = now;
  return RD_OK;
}

static enum rd_status
propose(struct rd_complaint *c, const struct rd_action *a,
        const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  if ((unsigned)a->plan_kind >= RD_PLAN_COUNT)
    return rd_error_set(err, RD_E_INVALID, "kind", "kind is not a known plan kind");
  bool has_amount = (a->fields & F(AMOUNT)) != 0;
  if (rd_plan_kind_is_money(a->plan_kind) && !has_amount)
    return rd_error_set(err, RD_E_INVALID, "amount", "amount is required for a %s",
                        rd_plan_kind_name(a->plan_kind));
  if (has_amount && a->amount_fen < 0)
    return rd_error_set(err, RD_E_INVALID, "amount", "amount must not be negative");
  c->plan = (struct rd_plan){
    .present = true,
    .kind = a->plan_kind,
    .description = a->description,
    .has_amount = has_amount,
    .amount_fen = has_amount ? a->amount_fen : 0,
    .needs_approval = rd_approval_needed(rule, c->severity, has_amount, a->amount_fen),
  };
  return RD_OK;
}

static enum rd_state
plan_destination(const struct rd_complaint *c, const struct rd_action *a)
{
  return c->plan.needs_approval ? RD_STATE_PENDING_APPROVAL : RD_STATE_EXECUTING;
}

static enum rd_status
resolve(struct rd_complaint *c, const struct rd_action *a,
        const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  c->resolved_at = now;
  return RD_OK;
}

static enum rd_status
follow_up(struct rd_complaint *c, const struct rd_action *a,
          const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  /* The customer's own answer on the portal's survey link is a follow-up
   * too, by method "survey". */
  bool survey = a->method && strcmp(a->method, "survey") == 0;
  enum rd_status rc = survey ? RD_OK : check_method(a, err);
  if (rc)
    return rc;
  if (!a->reached) {
    /* An attempt that did not reach the customer: counted, nothing else
     * (after the configured attempts, `close` ends it with a reason). */
    c->followup_attempts++;
    return RD_OK;
  }
  if ((rc = check_fields(a, F(SATISFIED), err)))
    return rc;
  if ((a->fields & F(SCORE)) && (a->score < 1 || a->score > 5))
    return rd_error_set(err, RD_E_INVALID, "score", "score must be 1 to 5");
  c->satisfaction_score = (a->fields & F(SCORE)) ? a->score : 0;
  c->satisfied = a->satisfied ? 1 : 0;
  if (a->satisfied) {
    c->closed_at = now;
    c->close_reason = "satisfied";
    return RD_OK;
  }
  /* Not satisfied: reopened for a new plan cycle (SPEC §2). */
  c->reopen_count++;
  c->plan = (struct rd_plan){0};
  c->resolved_at = 0;
  return RD_OK;
}

static enum rd_state
follow_up_destination(const struct rd_complaint *c, const struct rd_action *a)
{
  if (!a->reached)
    return RD_STATE_RESOLVED;
  return a->satisfied ? RD_STATE_CLOSED : RD_STATE_IN_PROGRESS;
}

/* wait: the department waits for the customer (documents, a decision);
 * resume: the customer answered. Not a state of the workflow, a hold on
 * the current one, which clocks may pause for. */
static enum rd_status
wait_for_customer(struct rd_complaint *c, const struct rd_action *a,
                  const struct rd_approval_rule *rule, int64_t now,
                  struct rd_error *err)
{
  if (c->waiting_since)
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "",
                        "the complaint is already waiting for the customer");
  c->waiting_since = now;
  c->waiting_reason = a->reason;
  return RD_OK;
}

static enum rd_status
resume(struct rd_complaint *c, const struct rd_action *a,
       const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  if (!c->waiting_since)
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "",
                        "the complaint is not waiting for the customer");
  c->waiting_since = 0;
  c->waiting_reason = NULL;
  return RD_OK;
}

/* close and withdraw: the reason (required by the table) is the record's. */
static enum rd_status
close_with_reason(struct rd_complaint *c, const struct rd_action *a,
                  const struct rd_approval_rule *rule, int64_t now,
                  struct rd_error *err)
{
  c->closed_at = now;
  c->close_reason = a->reason;
  return RD_OK;
}

static enum rd_status
merge(struct rd_complaint *c, const struct rd_action *a,
      const struct rd_approval_rule *rule, int64_t now, struct rd_error *err)
{
  /* The service resolves `into` (id or number) to into_id and checks the
   * target exists; the core only refuses what it can see. */
  if (a->into_id <= 0 || a->into_id == c->id)
    return rd_error_set(err, RD_E_INVALID, "into", "into must name another complaint");
  c->merged_into = a->into_id;
  c->closed_at = now;
  /* The core owns no memory to compose "merged into TS…": merged_into
   * carries the target, close_reason the caller's reason when given. */
  c->close_reason = (a->fields & F(REASON)) && a->reason && *a->reason ? a->reason : "merged";
  return RD_OK;
}

/* ---- the engine --------------------------------------------------------- */

enum rd_status
rd_workflow_apply(struct rd_complaint *c, const struct rd_action *act,
                  enum rd_role role, const struct rd_approval_rule *rule,
                  int64_t now, struct rd_transition *out, struct rd_error *err)
{
  const struct move *row = NULL;
  bool role_may_ever = false;
  const char *name = rd_action_name(act->kind);
  enum rd_status rc;

  if (!name)
    return rd_error_set(err, RD_E_NOT_FOUND, "action", "unknown action");
  if ((unsigned)role >= RD_ROLE_COUNT)
    return rd_error_set(err, RD_E_FORBIDDEN, "", "unknown role");
  for (size_t i = 0; i < N_MOVES; i++) {
    if (moves[i].action != act->kind)
      continue;
    if (moves[i].roles & (1u << role))
      role_may_ever = true;
    if ((unsigned)c->status < RD_STATE_COUNT && (moves[i].from & (1u << c->status)))
      row = &moves[i];
  }
  if (!role_may_ever)
    return rd_error_set(err, RD_E_FORBIDDEN, "", "the role %s may not %s",
                        rd_role_name(role), name);
  if (!row)
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "", "%s is not allowed from %s",
                        name, rd_state_name(c->status) ? rd_state_name(c->status) : "this state");
  if (!(row->roles & (1u << role)))
    return rd_error_set(err, RD_E_FORBIDDEN, "", "the role %s may not %s from %s",
                        rd_role_name(role), name, rd_state_name(c->status));
  if ((rc = check_fields(act, row->required, err)))
    return rc;

  /* Decide on a copy; *c changes only when everything passed. */
  struct rd_complaint next = *c;
  if (row->effect && (rc = row->effect(&next, act, rule ? rule : &RD_APPROVAL_DEFAULT,
                                       now, err)))
    return rc;
  if (row->to == DECIDED)
    next.status = row->decide(&next, act);
  else if (row->to != SAME)
    next.status = (enum rd_state)row->to;
  /* A complaint that moves on is no longer waiting for the customer. */
  if (next.status != c->status) {
    next.waiting_since = 0;
    next.waiting_reason = NULL;
  }

  if (out)
    *out = (struct rd_transition){
      .from = c->status,
      .to = next.status,
      .needed_approval = act->kind == RD_ACT_PROPOSE_PLAN && next.plan.needs_approval,
      .reopened = act->kind == RD_ACT_FOLLOW_UP && next.status == RD_STATE_IN_PROGRESS,
    };
  *c = next;
  return RD_OK;
}

unsigned
rd_workflow_allowed_now(const struct rd_complaint *c, enum rd_role role)
{
  unsigned mask = rd_workflow_allowed(c->status, role);
  /* Either waiting or not: one of the two holds, never both. */
  mask &= ~(1u << (c->waiting_since ? RD_ACT_WAIT : RD_ACT_RESUME));
  return mask;
}

unsigned
rd_workflow_allowed(enum rd_state s, enum rd_role role)
{
  unsigned mask = 0;
  if ((unsigned)s >= RD_STATE_COUNT || (unsigned)role >= RD_ROLE_COUNT)
    return 0;
  for (size_t i = 0; i < N_MOVES; i++)
    if ((moves[i].from & (1u << s)) && (moves[i].roles & (1u << role)))
      mask |= 1u << moves[i].action;
  return mask;
}

unsigned
rd_workflow_fields(enum rd_action_kind k)
{
  if ((unsigned)k >= RD_ACT_COUNT)
    return 0;
  for (size_t i = 0; i < N_MOVES; i++)
    if (moves[i].action == k)
      return moves[i].required | optional_fields[k];
  return 0;
}
