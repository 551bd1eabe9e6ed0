/* core/approval.h - when a plan needs the approver's decision.
 *
 * The rule comes from the matching SLA policy's `approval` object; with no
 * matching policy RD_APPROVAL_DEFAULT applies (severity >= 5 or any amount).
 */
#ifndef RD_CORE_APPROVAL_H
#define RD_CORE_APPROVAL_H

#include <stdbool.h>
#include <stdint.h>

struct rd_approval_rule {
  bool always;
  int severity_at_least;     /* 0 = no severity rule */
  bool has_amount_over;
  int64_t amount_over_fen;   /* a plan with amount > this needs approval */
};

/* severity >= 5, or any amount above 0. */
extern const struct rd_approval_rule RD_APPROVAL_DEFAULT;

/* Whether a plan with this severity and (optional) amount needs approval. */
bool rd_approval_needed(const struct rd_approval_rule *rule, int severity,
                        bool has_amount, int64_t amount_fen);

#endif
