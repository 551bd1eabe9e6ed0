/* core/complaint.h - the complaint record (投诉单) and its vocabularies.
 *
 * Pure data. Every string in these structs is borrowed: it points into the
 * arena (or static storage) of whoever filled the struct, and lives as long as
 * that. Ids are int64 with 0 meaning "none"; instants are UTC Unix seconds
 * with 0 meaning "not yet"; money is in fen (1/100 yuan).
 */
#ifndef RD_CORE_COMPLAINT_H
#define RD_CORE_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Workflow states. The order is part of the stored data: append only. */
#define RD_STATE_TABLE(X)                       \
  X(RD_STATE_REGISTERED,       "registered")    \
  X(RD_STATE_ASSIGNED,         "assigned")      \
  X(RD_STATE_IN_PROGRESS,      "in_progress")   \
  X(RD_STATE_PENDING_APPROVAL, "pending_approval") \
  X(RD_STATE_EXECUTING,        "executing")     \
  X(RD_STATE_RESOLVED,         "resolved")      \
  X(RD_STATE_TRANSFERRED,      "transferred")   \
  X(RD_STATE_CLOSED,           "closed")        \
  X(RD_STATE_WITHDRAWN,        "withdrawn")     \
  X(RD_STATE_MERGED,           "merged")

enum rd_state {
#define RD_X(c, n) c,
  RD_STATE_TABLE(RD_X)
#undef RD_X
  RD_STATE_COUNT
};

#define RD_CHANNEL_TABLE(X)                 \
  X(RD_CHANNEL_PHONE,     "phone")          \
  X(RD_CHANNEL_WALK_IN,   "walk_in")        \
  X(RD_CHANNEL_WEB,       "web")            \
  X(RD_CHANNEL_EMAIL,     "email")          \
  X(RD_CHANNEL_LETTER,    "letter")         \
  X(RD_CHANNEL_SOCIAL,    "social")         \
  X(RD_CHANNEL_REGULATOR, "regulator")      \
  X(RD_CHANNEL_INTERNAL,  "internal")       \
  X(RD_CHANNEL_API,       "api")

enum rd_channel {
#define RD_X(c, n) c,
  RD_CHANNEL_TABLE(RD_X)
#undef RD_X
  RD_CHANNEL_COUNT
};

#define RD_ROLE_TABLE(X)               \
  X(RD_ROLE_AGENT,    "agent")         \
  X(RD_ROLE_HANDLER,  "handler")       \
  X(RD_ROLE_MANAGER,  "manager")       \
  X(RD_ROLE_APPROVER, "approver")      \
  X(RD_ROLE_ANALYST,  "analyst")       \
  X(RD_ROLE_ADMIN,    "admin")         \
  X(RD_ROLE_AUDITOR,  "auditor")

enum rd_role {
#define RD_X(c, n) c,
  RD_ROLE_TABLE(RD_X)
#undef RD_X
  RD_ROLE_COUNT
};

#define RD_PLAN_TABLE(X)                         \
  X(RD_PLAN_APOLOGY,      "apology")             \
  X(RD_PLAN_EXPLANATION,  "explanation")         \
  X(RD_PLAN_REFUND,       "refund")              \
  X(RD_PLAN_REDELIVERY,   "redelivery")          \
  X(RD_PLAN_REPAIR,       "repair")              \
  X(RD_PLAN_REPLACEMENT,  "replacement")         \
  X(RD_PLAN_COMPENSATION, "compensation")        \
  X(RD_PLAN_OTHER,        "other")

enum rd_plan_kind {
#define RD_X(c, n) c,
  RD_PLAN_TABLE(RD_X)
#undef RD_X
  RD_PLAN_COUNT
};

enum rd_validity { RD_VALIDITY_UNKNOWN, RD_VALIDITY_VALID, RD_VALIDITY_INVALID };

/* Name <-> value for each vocabulary. _name returns NULL for an out-of-range
 * value; _parse returns false (leaving *out alone) for an unknown name. */
const char *rd_state_name(enum rd_state s);
bool rd_state_parse(const char *name, enum rd_state *out);
const char *rd_channel_name(enum rd_channel c);
bool rd_channel_parse(const char *name, enum rd_channel *out);
const char *rd_role_name(enum rd_role r);
bool rd_role_parse(const char *name, enum rd_role *out);
const char *rd_plan_kind_name(enum rd_plan_kind k);
bool rd_plan_kind_parse(const char *name, enum rd_plan_kind *out);
const char *rd_validity_name(enum rd_validity v); /* "unknown", "valid", "invalid" */

/* True for states from which work still continues (not closed/withdrawn/merged). */
bool rd_state_is_open(enum rd_state s);

/* Bit mask of the open states (1u << state). */
unsigned rd_state_open_mask(void);

/* Whether a plan kind is about money (refund, compensation): those need `amount`. */
bool rd_plan_kind_is_money(enum rd_plan_kind k);

/* Roles that see customers' phone and identifiers unmasked (SPEC §4). */
bool rd_role_sees_pii(enum rd_role r);

/* Roles limited to their own department's complaints (SPEC §4). */
bool rd_role_is_departmental(enum rd_role r);

struct rd_customer {
  int64_t id;
  const char *name;      /* may be NULL when phone is given */
  const char *phone;     /* may be NULL when name is given */
  const char *email;     /* may be NULL */
  const char *refs_json; /* JSON object of identifiers ({"plate":"京A12345"}), or NULL */
};

/* The transfer slip (客户投诉情况转交单) of an invalid complaint. */
struct rd_transfer_slip {
  const char *to_party, *contact_person, *contact_phone, *contact_address;
};

/* The current plan (处理方案). present is false until one is proposed. */
struct rd_plan {
  bool present;
  enum rd_plan_kind kind;
  const char *description;
  bool has_amount;
  int64_t amount_fen;
  bool needs_approval;
};

struct rd_complaint {
  int64_t id;
  const char *number;          /* TS20261120-000001 */
  int version;                 /* starts at 1, +1 per change */
  enum rd_state status;

  enum rd_channel channel;
  const char *external_ref;    /* e.g. the 12315 case number; NULL = none */
  int64_t received_at;         /* when the customer complained */
  int64_t registered_at;
  int64_t registered_by;       /* user id */

  struct rd_customer customer;

  const char *subject;         /* NULL = none */
  const char *content;         /* the customer's words, verbatim; required */
  const char *demands;         /* 客户诉求 */
  const char *restatement;     /* 复述 */
  bool restatement_confirmed;
  int64_t confirmed_at;
  int anger;                   /* 0 = not recorded, else 1-5 */

  enum rd_validity validity;
  const char *invalid_reason;
  struct rd_transfer_slip transfer;

  int64_t category_id;
  int severity;                /* 0 = not set yet, else 1-5 */
  int64_t site_id, department_id, assignee_id;

  struct rd_plan plan;
  int reopen_count;
  int followup_attempts;
  int satisfaction_score;      /* 0 = none, else 1-5 */
  int satisfied;               /* -1 = not asked, 0 = no, 1 = yes */

  /* Waiting for the customer (等待客户反馈): since when and why; 0 = not.
   * Clocks may pause while it lasts (core/clock.h, pause_in "waiting"). */
  int64_t waiting_since;
  const char *waiting_reason;

  int64_t merged_into;         /* complaint id, 0 = none */
  const char *close_reason;
  const char *tags_json;       /* JSON array of strings, or NULL */

  int64_t first_contact_at, resolved_at, closed_at, updated_at;
  int64_t due_at;              /* soonest open clock deadline, 0 = none */
  /* When the retention policy removed its personal data (0 = not): its
   * customer and free texts are gone, its figures stay (docs/retention.md). */
  int64_t anonymised_at;
};

/* Limits on text fields, in Unicode code points. */
enum {
  RD_MAX_SUBJECT = 200,
  RD_MAX_CONTENT = 20000,
  RD_MAX_TEXT = 4000,          /* demands, restatement, notes, plans, reasons */
  RD_MAX_NAME = 100,
  RD_MAX_PHONE = 32,
  RD_MAX_EMAIL = 254,
  RD_MAX_SHORT = 200,          /* external_ref, transfer slip lines, tags */
  RD_MAX_SEARCH = 200,         /* q, the full-text search of lists */
};

#endif
