/* core/policy.h - SLA policies and choosing the one that applies.
 *
 * A policy matches by severity / channel / category / site (each empty = any);
 * the first match by ascending priority (then id) applies. Clocks are kept as
 * JSON text here and run from the working-time issue on.
 */
#ifndef RD_CORE_POLICY_H
#define RD_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/approval.h"
#include "core/complaint.h"

enum { RD_POLICY_MATCH_MAX = 32 };

struct rd_sla_policy {
  int64_t id;
  const char *name;
  int priority;
  unsigned severity_mask;   /* bit n = severity n (1-5); 0 = any */
  unsigned channel_mask;    /* bit per rd_channel; 0 = any */
  size_t n_categories;      /* 0 = any */
  int64_t category_ids[RD_POLICY_MATCH_MAX];
  size_t n_sites;           /* 0 = any */
  int64_t site_ids[RD_POLICY_MATCH_MAX];
  int64_t calendar_id;      /* 0 = none */
  struct rd_approval_rule approval;
  const char *clocks_json;  /* JSON array as given, "[]" when none */
};

/* Whether p's match fits c. */
bool rd_policy_matches(const struct rd_sla_policy *p, const struct rd_complaint *c);

/* The applicable policy among n (any order), or NULL when none matches. */
const struct rd_sla_policy *rd_policy_select(const struct rd_sla_policy *p,
                                             size_t n,
                                             const struct rd_complaint *c);

/* The approval rule for c: the selected policy's, else RD_APPROVAL_DEFAULT. */
const struct rd_approval_rule *rd_policy_approval(const struct rd_sla_policy *p,
                                                  size_t n,
                                                  const struct rd_complaint *c);

#endif
