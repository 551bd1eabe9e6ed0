/* core/workflow.c - the complaint workflow as one table.
 *
 * Each row is a legal move: from which states, which action, to which state,
 * who may take it, which body fields it requires, and what else it changes.
 * Anything not in the table is refused. Three destinations depend on the body
 * or the policy (triage, propose_plan, follow_up); their effect functions set
 * the status, and the table says DECIDED.
 */
#include "core/workflow.h"


#include "core/validate.h"

#define S(x) (1u << RD_STATE_##x)
#define R(x) (1u << RD_ROLE_##x)

#define OPEN_STATES                                                         \
  (S(REGISTERED) | S(ASSIGNED) | S(IN_PROGRESS) | S(PENDING_APPROVAL) |      \
   S(EXECUTING) | S(RESOLVED) | S(TRANSFERRED))

/* Who does what (SPEC §4). The administrator may step in anywhere. */
#define ROLES_INTAKE     (R(AGENT) | R(ADMIN))
#define ROLES_ASSIGN     (R(AGENT) | R(MANAGER) | R(ADMIN))
#define ROLES_DEPARTMENT (R(HANDLER) | R(MANAGER) | R(ADMIN))
#define ROLES_APPROVE    (R(APPROVER) | R(ADMIN))
#define ROLES_WITHDRAW   (R(AGENT) | R(HANDLER) | R(MANAGER) | R(ADMIN))

/* Destinations that are not a fixed state. */
enum { SAME = RD_STATE_COUNT, DECIDED = RD_STATE_COUNT + 1 };

/* What an action changes besides the status; checks what the required-field
 * bits cannot (values, conditional fields). Works on the caller's copy. */
typedef enum rd_status (*effect_fn)(struct rd_complaint *c,
                                    const struct rd_action *a,
                                    const struct rd_approval_rule *rule,
                                    int64_t now, struct rd_transition *t,
                                    struct rd_error *err);

struct transition {
  unsigned from;            /* mask of states */
  enum rd_action_kind action;
  int to;                   /* enum rd_state, SAME or DECIDED */
  unsigned roles;           /* mask of roles */
  unsigned required;        /* RD_F_* that must be present */
  effect_fn effect;         /* NULL = status change only */
};

static enum rd_status effect_triage(struct rd_complaint *, const struct rd_action *,
                                    const struct rd_approval_rule *, int64_t,
                                    struct rd_transition *, struct rd_error *);
static enum rd_status effect_assign(struct rd_complaint *, const struct rd_action *,
                                    const struct rd_approval_rule *, int64_t,
                                    struct rd_transition *, struct rd_error *);
static enum rd_status effect_contact(struct rd_complaint *, const struct rd_action *,
                                     const struct rd_approval_rule *, int64_t,
                                     struct rd_transition *, struct rd_error *);
static enum rd_status effect_text(struct rd_complaint *, const struct rd_action *,
                                  const struct rd_approval_rule *, int64_t,
                                  struct rd_transition *, struct rd_error *);
static enum rd_status effect_plan(struct rd_complaint *, const struct rd_action *,
                                  const struct rd_approval_rule *, int64_t,
                                  struct rd_transition *, struct rd_error *);
static enum rd_status effect_resolve(struct rd_complaint *, const struct rd_action *,
                                     const struct rd_approval_rule *, int64_t,
                                     struct rd_transition *, struct rd_error *);
static enum rd_status effect_follow_up(struct rd_complaint *, const struct rd_action *,
                                       const struct rd_approval_rule *, int64_t,
                                       struct rd_transition *, struct rd_error *);
static enum rd_status effect_close(struct rd_complaint *, const struct rd_action *,
                                   const struct rd_approval_rule *, int64_t,
                                   struct rd_transition *, struct rd_error *);
static enum rd_status effect_merge(struct rd_complaint *, const struct rd_action *,
                                   const struct rd_approval_rule *, int64_t,
                                   struct rd_transition *, struct rd_error *);

static const struct transition transitions[] = {
  /* from                          action               to                     roles             required fields                      effect */
  { S(REGISTERED),                 RD_ACT_TRIAGE,       DECIDED,               ROLES_INTAKE,     RD_F_VALID,                          effect_triage    },
  { S(TRANSFERRED),                RD_ACT_EXPLAIN,      RD_STATE_CLOSED,       ROLES_INTAKE,     RD_F_NOTE,                           effect_close     },
  { S(ASSIGNED) | S(IN_PROGRESS),  RD_ACT_ASSIGN,       RD_STATE_ASSIGNED,     ROLES_ASSIGN,     RD_F_DEPARTMENT,                     effect_assign    },
  { S(ASSIGNED),                   RD_ACT_CONTACT,      RD_STATE_IN_PROGRESS,  ROLES_DEPARTMENT, RD_F_METHOD,                         effect_contact   },
  { S(IN_PROGRESS) | S(EXECUTING), RD_ACT_PROGRESS,     SAME,                  ROLES_DEPARTMENT, RD_F_NOTE,                           effect_text      },
  { S(IN_PROGRESS),                RD_ACT_PROPOSE_PLAN, DECIDED,               ROLES_DEPARTMENT, RD_F_KIND | RD_F_DESCRIPTION,        effect_plan      },
  { S(PENDING_APPROVAL),           RD_ACT_APPROVE,      RD_STATE_EXECUTING,    ROLES_APPROVE,    0,                                   effect_text      },
  { S(PENDING_APPROVAL),           RD_ACT_REJECT,       RD_STATE_IN_PROGRESS,  ROLES_APPROVE,    RD_F_REASON,                         effect_text      },
  { S(EXECUTING),                  RD_ACT_RESOLVE,      RD_STATE_RESOLVED,     ROLES_DEPARTMENT, RD_F_RESULT,                         effect_resolve   },
  { S(RESOLVED),                   RD_ACT_FOLLOW_UP,    DECIDED,               ROLES_INTAKE,     RD_F_METHOD | RD_F_REACHED,          effect_follow_up },
  { S(RESOLVED),                   RD_ACT_CLOSE,        RD_STATE_CLOSED,       ROLES_INTAKE,     RD_F_REASON,                         effect_close     },
  { OPEN_STATES,                   RD_ACT_WITHDRAW,     RD_STATE_WITHDRAWN,    ROLES_WITHDRAW,   RD_F_REASON,                         effect_close     },
  { OPEN_STATES,                   RD_ACT_MERGE,        RD_STATE_MERGED,       ROLES_ASSIGN,     RD_F_INTO,                           effect_merge     },
};

enum { N_TRANSITIONS = sizeof transitions / sizeof transitions[0] };

/* JSON names of the RD_F_* bits, in bit order, for "field is required". */
static const char *const field_names[] = {
  "valid", "category_id", "severity", "department_id", "assignee_id",
  "reason", "transfer", "note", "method", "kind", "description", "amount",
  "result", "reached", "satisfied", "score", "comment", "into",
};

static enum rd_status
require_fields(unsigned present, unsigned required, struct rd_error *err)
{
  unsigned missing = required & ~present;
  for (unsigned bit = 0; missing; bit++, missing >>= 1)
    if (missing & 1u)
      return rd_error_set(err, RD_E_INVALID, field_names[bit], "%s is required",
                          field_names[bit]);
  return RD_OK;
}

/* A required text field: present (bit) and non-empty, within RD_MAX_TEXT. */
static enum rd_status
require_text(const struct rd_action *a, unsigned bit, const char *field,
             const char *value, struct rd_error *err)
{
  if (!(a->fields & bit) || !value || !*value)
    return rd_error_set(err, RD_E_INVALID, field, "%s is required", field);
  return rd_validate_text(field, value, RD_MAX_TEXT, true, err);
}

static enum rd_status
effect_triage(struct rd_complaint *c, const struct rd_action *a,
              const struct rd_approval_rule *rule, int64_t now,
              struct rd_transition *t, struct rd_error *err)
{
  enum rd_status rc;
  if (a->valid) {
    if ((rc = require_fields(a->fields, RD_F_CATEGORY | RD_F_SEVERITY | RD_F_DEPARTMENT, err)))
      return rc;
    if (a->category_id <= 0)
      return rd_error_set(err, RD_E_INVALID, "category_id", "category_id must be a category's id");
    if (a->severity < 1 || a->severity > 5)
      return rd_error_set(err, RD_E_INVALID, "severity", "severity must be 1 to 5");
    if (a->department_id <= 0)
      return rd_error_set(err, RD_E_INVALID, "department_id", "department_id must be a department's id");
    c->validity = RD_VALIDITY_VALID;
    c->category_id = a->category_id;
    c->severity = a->severity;
    c->department_id = a->department_id;
    c->assignee_id = (a->fields & RD_F_ASSIGNEE) ? a->assignee_id : 0;
    c->status = RD_STATE_ASSIGNED;
    return RD_OK;
  }
  /* Invalid: the transfer slip must say where the customer can turn. */
  if ((rc = require_text(a, RD_F_REASON, "reason", a->reason, err)))
    return rc;
  if (!(a->fields & RD_F_TRANSFER))
    return rd_error_set(err, RD_E_INVALID, "transfer", "transfer is required when the complaint is invalid");
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
  c->status = RD_STATE_TRANSFERRED;
  return RD_OK;
}

static enum rd_status
effect_assign(struct rd_complaint *c, const struct rd_action *a,
              const struct rd_approval_rule *rule, int64_t now,
              struct rd_transition *t, struct rd_error *err)
{
  if (a->department_id <= 0)
    return rd_error_set(err, RD_E_INVALID, "department_id", "department_id must be a department's id");
  if ((a->fields & RD_F_ASSIGNEE) && a->assignee_id < 0)
    return rd_error_set(err, RD_E_INVALID, "assignee_id", "assignee_id must be a user's id");
  c->department_id = a->department_id;
  c->assignee_id = (a->fields & RD_F_ASSIGNEE) ? a->assignee_id : 0;
  return RD_OK;
}

static enum rd_status
effect_contact(struct rd_complaint *c, const struct rd_action *a,
               const struct rd_approval_rule *rule, int64_t now,
               struct rd_transition *t, struct rd_error *err)
{
  if (!rd_action_method_valid(a->method))
    return rd_error_set(err, RD_E_INVALID, "method", "method must be phone, visit or email");
  enum rd_status rc = rd_validate_text("note", a->note, RD_MAX_TEXT, false, err);
  if (rc)
    return rc;
  if (!c->first_contact_at)
    c->first_contact_at = now;
  return RD_OK;
}

/* Actions whose body is a text for the timeline: check the required one. */
static enum rd_status
effect_text(struct rd_complaint *c, const struct rd_action *a,
            const struct rd_approval_rule *rule, int64_t now,
            struct rd_transition *t, struct rd_error *err)
{
  switch (a->kind) {
  case RD_ACT_PROGRESS: return require_text(a, RD_F_NOTE, "note", a->note, err);
  case RD_ACT_REJECT: return require_text(a, RD_F_REASON, "reason", a->reason, err);
  default: return rd_validate_text("note", a->note, RD_MAX_TEXT, false, err);
  }
}

static enum rd_status
effect_plan(struct rd_complaint *c, const struct rd_action *a,
            const struct rd_approval_rule *rule, int64_t now,
            struct rd_transition *t, struct rd_error *err)
{
  enum rd_status rc;
  if ((unsigned)a->plan_kind >= RD_PLAN_COUNT)
    return rd_error_set(err, RD_E_INVALID, "kind", "kind is not a known plan kind");
  if ((rc = require_text(a, RD_F_DESCRIPTION, "description", a->description, err)))
    return rc;
  bool has_amount = (a->fields & RD_F_AMOUNT) != 0;
  if (rd_plan_kind_is_money(a->plan_kind) && !has_amount)
    return rd_error_set(err, RD_E_INVALID, "amount", "amount is required for a %s",
                        rd_plan_kind_name(a->plan_kind));
  if (has_amount && a->amount_fen < 0)
    return rd_error_set(err, RD_E_INVALID, "amount", "amount must not be negative");
  bool needed = rd_approval_needed(rule, c->severity, has_amount, a->amount_fen);
  c->plan = (struct rd_plan){
      .present = true,
      .kind = a->plan_kind,
      .description = a->description,
      .has_amount = has_amount,
      .amount_fen = has_amount ? a->amount_fen : 0,
      .needs_approval = needed,
  };
  t->needed_approval = needed;
  c->status = needed ? RD_STATE_PENDING_APPROVAL : RD_STATE_EXECUTING;
  return RD_OK;
}

static enum rd_status
effect_resolve(struct rd_complaint *c, const struct rd_action *a,
               const struct rd_approval_rule *rule, int64_t now,
               struct rd_transition *t, struct rd_error *err)
{
  enum rd_status rc = require_text(a, RD_F_RESULT, "result", a->result, err);
  if (rc)
    return rc;
  c->resolved_at = now;
  return RD_OK;
}

static enum rd_status
effect_follow_up(struct rd_complaint *c, const struct rd_action *a,
                 const struct rd_approval_rule *rule, int64_t now,
                 struct rd_transition *t, struct rd_error *err)
{
  enum rd_status rc;
  if (!rd_action_method_valid(a->method))
    return rd_error_set(err, RD_E_INVALID, "method", "method must be phone, visit or email");
  if ((rc = rd_validate_text("comment", a->comment, RD_MAX_TEXT, false, err)))
    return rc;
  if (!a->reached) {
    /* An attempt that did not reach the customer: counted, nothing else. */
    c->followup_attempts++;
    c->status = RD_STATE_RESOLVED;
    return RD_OK;
  }
  if (!(a->fields & RD_F_SATISFIED))
    return rd_error_set(err, RD_E_INVALID, "satisfied",
                        "satisfied is required when the customer was reached");
  if ((a->fields & RD_F_SCORE) && (a->score < 1 || a->score > 5))
    return rd_error_set(err, RD_E_INVALID, "score", "score must be 1 to 5");
  c->satisfaction_score = (a->fields & RD_F_SCORE) ? a->score : 0;
  c->satisfied = a->satisfied ? 1 : 0;
  if (a->satisfied) {
    c->status = RD_STATE_CLOSED;
    c->closed_at = now;
    c->close_reason = "satisfied";
    return RD_OK;
  }
  /* Not satisfied: a new plan cycle (SPEC §2). */
  c->status = RD_STATE_IN_PROGRESS;
  c->reopen_count++;
  c->plan = (struct rd_plan){0};
  c->resolved_at = 0;
  t->reopened = true;
  return RD_OK;
}

static enum rd_status
effect_close(struct rd_complaint *c, const struct rd_action *a,
             const struct rd_approval_rule *rule, int64_t now,
             struct rd_transition *t, struct rd_error *err)
{
  enum rd_status rc;
  if (a->kind == RD_ACT_EXPLAIN) {
    if ((rc = require_text(a, RD_F_NOTE, "note", a->note, err)))
      return rc;
    c->close_reason = "explained";
  } else {
    if ((rc = require_text(a, RD_F_REASON, "reason", a->reason, err)))
      return rc;
    c->close_reason = a->reason;
  }
  c->closed_at = now;
  return RD_OK;
}

static enum rd_status
effect_merge(struct rd_complaint *c, const struct rd_action *a,
             const struct rd_approval_rule *rule, int64_t now,
             struct rd_transition *t, struct rd_error *err)
{
  if (a->into_id <= 0 || a->into_id == c->id)
    return rd_error_set(err, RD_E_INVALID, "into",
                        "into must name another complaint");
  c->merged_into = a->into_id;
  c->closed_at = now;
  c->close_reason = "merged";
  return RD_OK;
}

enum rd_status
rd_workflow_apply(struct rd_complaint *c, const struct rd_action *act,
                  enum rd_role role, const struct rd_approval_rule *rule,
                  int64_t now, struct rd_transition *out, struct rd_error *err)
{
  const struct transition *row = NULL;
  bool role_may_ever = false;
  const char *name = rd_action_name(act->kind);

  if (!name)
    return rd_error_set(err, RD_E_NOT_FOUND, "action", "unknown action");
  for (size_t i = 0; i < N_TRANSITIONS; i++) {
    if (transitions[i].action != act->kind)
      continue;
    if (transitions[i].roles & (1u << role))
      role_may_ever = true;
    if (transitions[i].from & (1u << c->status))
      row = &transitions[i];
  }
  if (!role_may_ever)
    return rd_error_set(err, RD_E_FORBIDDEN, "", "the role %s may not %s",
                        rd_role_name(role), name);
  if (!row)
    return rd_error_set(err, RD_E_ILLEGAL_STATE, "", "%s is not allowed from %s",
                        name, rd_state_name(c->status));
  if (!(row->roles & (1u << role)))
    return rd_error_set(err, RD_E_FORBIDDEN, "", "the role %s may not %s from %s",
                        rd_role_name(role), name, rd_state_name(c->status));
  enum rd_status rc = require_fields(act->fields, row->required, err);
  if (rc)
    return rc;

  struct rd_complaint next = *c;
  struct rd_transition t = {.from = c->status};
  if (row->to != SAME && row->to != DECIDED)
    next.status = (enum rd_state)row->to;
  if (row->effect && (rc = row->effect(&next, act, rule, now, &t, err)))
    return rc;
  t.to = next.status;
  *c = next;
  if (out)
    *out = t;
  return RD_OK;
}

unsigned
rd_workflow_allowed(enum rd_state s, enum rd_role role)
{
  unsigned mask = 0;
  for (size_t i = 0; i < N_TRANSITIONS; i++)
    if ((transitions[i].from & (1u << s)) && (transitions[i].roles & (1u << role)))
      mask |= 1u << transitions[i].action;
  return mask;
}
