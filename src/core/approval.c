/* core/approval.c - the approval rule of SLA policies (always / severity / amount). */
#include "core/approval.h"

const struct rd_approval_rule RD_APPROVAL_DEFAULT = {
    .always = false,
    .severity_at_least = 5,
    .has_amount_over = true,
    .amount_over_fen = 0,
};

bool
rd_approval_needed(const struct rd_approval_rule *rule, int severity,
                   bool has_amount, int64_t amount_fen)
{
  if (!rule)
    rule = &RD_APPROVAL_DEFAULT;
  if (rule->always)
    return true;
  if (rule->severity_at_least > 0 && severity >= rule->severity_at_least)
    return true;
  if (rule->has_amount_over && has_amount && amount_fen > rule->amount_over_fen)
    return true;
  return false;
}
