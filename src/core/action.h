/* core/action.h - one workflow action as requested, before it is applied.
 *
 * Filled by the HTTP layer from the request body; `fields` records which keys
 * were present so the workflow can name what is missing. Strings are borrowed.
 */
#ifndef RD_CORE_ACTION_H
#define RD_CORE_ACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/complaint.h"

#define RD_ACTION_TABLE(X)                       \
  X(RD_ACT_TRIAGE,       "triage")               \
  X(RD_ACT_EXPLAIN,      "explain")              \
  X(RD_ACT_ASSIGN,       "assign")               \
  X(RD_ACT_CONTACT,      "contact")              \
  X(RD_ACT_PROGRESS,     "progress")             \
  X(RD_ACT_PROPOSE_PLAN, "propose_plan")         \
  X(RD_ACT_APPROVE,      "approve")              \
  X(RD_ACT_REJECT,       "reject")               \
  X(RD_ACT_RESOLVE,      "resolve")              \
  X(RD_ACT_FOLLOW_UP,    "follow_up")            \
  X(RD_ACT_CLOSE,        "close")                \
  X(RD_ACT_WITHDRAW,     "withdraw")             \
  X(RD_ACT_MERGE,        "merge")                \
  X(RD_ACT_WAIT,         "wait")                 \
  X(RD_ACT_RESUME,       "resume")

enum rd_action_kind {
#define RD_X(c, n) c,
  RD_ACTION_TABLE(RD_X)
#undef RD_X
  RD_ACT_COUNT
};

const char *rd_action_name(enum rd_action_kind k);
bool rd_action_parse(const char *name, enum rd_action_kind *out);

/* Which body fields were present. */
enum rd_action_field {
  RD_F_VALID       = 1u << 0,
  RD_F_CATEGORY    = 1u << 1,
  RD_F_SEVERITY    = 1u << 2,
  RD_F_DEPARTMENT  = 1u << 3,
  RD_F_ASSIGNEE    = 1u << 4,
  RD_F_REASON      = 1u << 5,
  RD_F_TRANSFER    = 1u << 6,  /* the transfer object */
  RD_F_NOTE        = 1u << 7,
  RD_F_METHOD      = 1u << 8,
  RD_F_KIND        = 1u << 9,
  RD_F_DESCRIPTION = 1u << 10,
  RD_F_AMOUNT      = 1u << 11,
  RD_F_RESULT      = 1u << 12,
  RD_F_REACHED     = 1u << 13,
  RD_F_SATISFIED   = 1u << 14,
  RD_F_SCORE       = 1u << 15,
  RD_F_COMMENT     = 1u << 16,
  RD_F_INTO        = 1u << 17,
};

struct rd_action {
  enum rd_action_kind kind;
  unsigned fields;              /* RD_F_* bits present */

  bool valid;                   /* triage */
  int64_t category_id;          /* triage */
  int severity;                 /* triage */
  int64_t department_id;        /* triage, assign */
  int64_t assignee_id;          /* triage, assign */
  struct rd_transfer_slip transfer; /* triage when invalid */

  const char *reason;           /* triage (invalid), reject, close, withdraw */
  const char *note;             /* explain, contact, progress, approve */
  const char *method;           /* contact, follow_up: "phone", "visit", "email";
                                   follow_up also "survey" (the portal's link) */

  enum rd_plan_kind plan_kind;  /* propose_plan */
  const char *description;      /* propose_plan */
  int64_t amount_fen;           /* propose_plan */

  const char *result;           /* resolve */

  bool reached, satisfied;      /* follow_up */
  int score;                    /* follow_up, 1-5 */
  const char *comment;          /* follow_up */

  const char *into;             /* merge: id or number as given */
  int64_t into_id;              /* merge: resolved by the service */
};

/* The JSON name of the field of the lowest RD_F_* bit set in bits; NULL
 * when none is. */
const char *rd_action_field_name(unsigned bits);

/* Whether method is one of "phone", "visit", "email". */
bool rd_action_method_valid(const char *method);

#endif
