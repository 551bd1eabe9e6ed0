/* core/policy.c - matching a complaint to the first SLA policy that fits. */
#include "core/policy.h"

static bool
id_in(const int64_t *ids, size_t n, int64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (ids[i] == id)
      return true;
  return false;
}

bool
rd_policy_matches(const struct rd_sla_policy *p, const struct rd_complaint *c)
{
  /* An unset severity (0) matches only a policy that does not ask. */
  if (p->severity_mask &&
      (c->severity < 1 || c->severity > 5 || !(p->severity_mask & (1u << c->severity))))
    return false;
  if (p->channel_mask && ((unsigned)c->channel >= RD_CHANNEL_COUNT ||
                          !(p->channel_mask & (1u << c->channel))))
    return false;
  if (p->n_categories && !id_in(p->category_ids, p->n_categories, c->category_id))
    return false;
  if (p->n_sites && !id_in(p->site_ids, p->n_sites, c->site_id))
    return false;
  return true;
}

const struct rd_sla_policy *
rd_policy_select(const struct rd_sla_policy *p, size_t n,
                 const struct rd_complaint *c)
{
  const struct rd_sla_policy *best = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!rd_policy_matches(&p[i], c))
      continue;
    /* Lowest priority wins; the id breaks ties so the choice never depends
     * on the order the store returned the rows in. */
    if (!best || p[i].priority < best->priority ||
        (p[i].priority == best->priority && p[i].id < best->id))
      best = &p[i];
  }
  return best;
}

const struct rd_approval_rule *
rd_policy_approval(const struct rd_sla_policy *p, size_t n,
                   const struct rd_complaint *c)
{
  const struct rd_sla_policy *sel = rd_policy_select(p, n, c);
  return sel ? &sel->approval : &RD_APPROVAL_DEFAULT;
}
