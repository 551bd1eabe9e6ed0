/* core/workflow.h - which actions a complaint allows, and what they need.
 *
 * Pure: no I/O, no clock. rd_workflow_apply() either changes *c and returns
 * RD_OK, or leaves *c untouched and says why in err. The whole workflow is one
 * table in workflow.c: (from states, action) -> (to, required fields, roles).
 */
#ifndef RD_CORE_WORKFLOW_H
#define RD_CORE_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/action.h"
#include "core/approval.h"
#include "core/complaint.h"
#include "util/status.h"

/* What a successful apply did, for the timeline. */
struct rd_transition {
  enum rd_state from, to;
  bool needed_approval;  /* propose_plan: the rule asked for approval */
  bool reopened;         /* follow_up: unsatisfied, back to in_progress */
};

/* Applies act to c as `role` at `now`, using `rule` to decide whether a plan
 * needs approval. Checks, in this order: the role may take this action at all
 * (else RD_E_FORBIDDEN), the action is legal from c->status (else
 * RD_E_ILLEGAL_STATE), the role may take it from this state (RD_E_FORBIDDEN),
 * required fields are present and valid (RD_E_INVALID naming the field).
 * On success updates status and the fields the action sets, but not version
 * or updated_at (the store owns those). Merge needs act->into_id set. */
enum rd_status rd_workflow_apply(struct rd_complaint *c,
                                 const struct rd_action *act,
                                 enum rd_role role,
                                 const struct rd_approval_rule *rule,
                                 int64_t now, struct rd_transition *out,
                                 struct rd_error *err);

/* The actions role may take on c now: rd_workflow_allowed for its state,
 * less wait while it waits for the customer, less resume while it does not. */
unsigned rd_workflow_allowed_now(const struct rd_complaint *c, enum rd_role role);

/* Bit mask (1u << action) of the actions `role` may take from state s, for
 * clients that show only what is allowed. */
unsigned rd_workflow_allowed(enum rd_state s, enum rd_role role);

/* The RD_F_* fields action k takes: those its row requires and those its
 * effect or its timeline note may use. A body carrying any other field is
 * refused before it is stored (it would sit in the timeline's copy of the
 * request while doing nothing). 0 for an unknown action. */
unsigned rd_workflow_fields(enum rd_action_kind k);

#endif
