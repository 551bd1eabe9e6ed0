/* cli/demo.h - the stories the demo loader tells, as data.
 *
 * Private to src/cli. demo_data.c holds the tables (complaints in the words of
 * the seed documents' customers: repairs at a car dealer, lockers, parcels
 * damaged by couriers, returns at the accessory shop, loan fees); demo.c walks
 * them through the workflow. Strings are static; {tokens} are expanded by
 * rd_cli_demo_expand().
 */
#ifndef RD_CLI_DEMO_H
#define RD_CLI_DEMO_H

#include <stddef.h>

#include "core/complaint.h"

struct rd_arena;

/* A valid complaint: what the customer says and how the department settles it. */
struct rd_cli_demo_case {
  const char *department;    /* responsible department code */
  const char *category;      /* category key (cli/org_default.c) */
  int severity;              /* 1-5 before channel adjustments */
  const char *ref;           /* customer identifier kind: "plate", "order", "waybill", "contract", "member" */
  const char *subject;
  const char *content;       /* may use {model} {plate} {ref} {days} */
  const char *demands;
  const char *contact_note;  /* first contact with the customer */
  const char *progress_note; /* investigation, or NULL */
  enum rd_plan_kind plan_kind;
  const char *plan;
  int amount_yuan;           /* 0 = no amount */
  const char *result;
};

/* An invalid complaint: outside our services, so transferred (SPEC §2). */
struct rd_cli_demo_invalid {
  const char *subject;
  const char *content;
  const char *demands;
  const char *reason;
  struct rd_transfer_slip transfer;
  const char *explain;       /* what the customer was told */
};

/* A list of interchangeable phrases. */
struct rd_cli_demo_pool {
  const char *const *items;
  size_t n;
};

extern const struct rd_cli_demo_case RD_CLI_DEMO_CASES[];
extern const size_t RD_CLI_DEMO_CASES_COUNT;
extern const struct rd_cli_demo_invalid RD_CLI_DEMO_INVALID[];
extern const size_t RD_CLI_DEMO_INVALID_COUNT;

extern const struct rd_cli_demo_pool
    RD_CLI_DEMO_SURNAMES,        /* 张, 王, ... */
    RD_CLI_DEMO_GIVEN_NAMES,     /* 伟, 秀英, ... */
    RD_CLI_DEMO_MODELS,          /* car models for {model} */
    RD_CLI_DEMO_SATISFIED,       /* follow-up comments, satisfied */
    RD_CLI_DEMO_UNSATISFIED,     /* follow-up comments, not satisfied */
    RD_CLI_DEMO_WITHDRAW,        /* withdrawal reasons */
    RD_CLI_DEMO_REJECT,          /* the approver's reasons to reject a plan */
    RD_CLI_DEMO_PROGRESS,        /* generic progress reports */
    RD_CLI_DEMO_UNREACHABLE;     /* close reasons after failed follow-ups */

/* One {name} -> value substitution. */
struct rd_cli_demo_var {
  const char *name;          /* without braces: "model" */
  const char *value;
};

/* tmpl with every {name} of vars replaced by its value, in a. Unknown tokens
 * and lone braces are kept as they are. */
char *rd_cli_demo_expand(struct rd_arena *a, const char *tmpl,
                         const struct rd_cli_demo_var *vars, size_t n);

#endif
