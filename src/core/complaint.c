/* core/complaint.c - names of the vocabularies and what each value implies. */
#include "core/complaint.h"

#include <string.h>

static const char *const state_names[] = {
#define RD_X(c, n) n,
    RD_STATE_TABLE(RD_X)
#undef RD_X
};
static const char *const channel_names[] = {
#define RD_X(c, n) n,
    RD_CHANNEL_TABLE(RD_X)
#undef RD_X
};
static const char *const role_names[] = {
#define RD_X(c, n) n,
    RD_ROLE_TABLE(RD_X)
#undef RD_X
};
static const char *const plan_names[] = {
#define RD_X(c, n) n,
    RD_PLAN_TABLE(RD_X)
#undef RD_X
};

/* Index of name in names[0..n), or -1. */
static int
find_name(const char *const *names, int n, const char *name)
{
  if (!name)
    return -1;
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

const char *
rd_state_name(enum rd_state s)
{
  return (unsigned)s < RD_STATE_COUNT ? state_names[s] : NULL;
}

bool
rd_state_parse(const char *name, enum rd_state *out)
{
  int i = find_name(state_names, RD_STATE_COUNT, name);
  if (i < 0)
    return false;
  *out = (enum rd_state)i;
  return true;
}

const char *
rd_channel_name(enum rd_channel c)
{
  return (unsigned)c < RD_CHANNEL_COUNT ? channel_names[c] : NULL;
}

bool
rd_channel_parse(const char *name, enum rd_channel *out)
{
  int i = find_name(channel_names, RD_CHANNEL_COUNT, name);
  if (i < 0)
    return false;
  *out = (enum rd_channel)i;
  return true;
}

const char *
rd_role_name(enum rd_role r)
{
  return (unsigned)r < RD_ROLE_COUNT ? role_names[r] : NULL;
}

bool
rd_role_parse(const char *name, enum rd_role *out)
{
  int i = find_name(role_names, RD_ROLE_COUNT, name);
  if (i < 0)
    return false;
  *out = (enum rd_role)i;
  return true;
}

const char *
rd_plan_kind_name(enum rd_plan_kind k)
{
  return (unsigned)k < RD_PLAN_COUNT ? plan_names[k] : NULL;
}

bool
rd_plan_kind_parse(const char *name, enum rd_plan_kind *out)
{
  int i = find_name(plan_names, RD_PLAN_COUNT, name);
  if (i < 0)
    return false;
  *out = (enum rd_plan_kind)i;
  return true;
}

const char *
rd_validity_name(enum rd_validity v)
{
  static const char *const names[] = {
    [RD_VALIDITY_UNKNOWN] = "unknown",
    [RD_VALIDITY_VALID] = "valid",
    [RD_VALIDITY_INVALID] = "invalid",
  };
  return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : NULL;
}

bool
rd_state_is_open(enum rd_state s)
{
  return (unsigned)s < RD_STATE_COUNT && (rd_state_open_mask() & (1u << s));
}

unsigned
rd_state_open_mask(void)
{
  /* Everything but the three terminal states (SPEC §2). */
  return (1u << RD_STATE_REGISTERED) | (1u << RD_STATE_ASSIGNED) |
         (1u << RD_STATE_IN_PROGRESS) | (1u << RD_STATE_PENDING_APPROVAL) |
         (1u << RD_STATE_EXECUTING) | (1u << RD_STATE_RESOLVED) |
         (1u << RD_STATE_TRANSFERRED);
}

bool
rd_plan_kind_is_money(enum rd_plan_kind k)
{
  return k == RD_PLAN_REFUND || k == RD_PLAN_COMPENSATION;
}

bool
rd_role_sees_pii(enum rd_role r)
{
  /* Analysts work on aggregates and auditors only inspect: neither needs to
   * call the customer (SPEC §4). */
  return r != RD_ROLE_ANALYST && r != RD_ROLE_AUDITOR;
}

bool
rd_role_is_departmental(enum rd_role r)
{
  return r == RD_ROLE_HANDLER || r == RD_ROLE_MANAGER;
}
