/* core/action.c - names of the workflow actions, their fields and contact
 * methods. */
#include "core/action.h"

#include <string.h>

static const char *const action_names[] = {
#define RD_X(c, n) n,
    RD_ACTION_TABLE(RD_X)
#undef RD_X
};

const char *
rd_action_name(enum rd_action_kind k)
{
  return (unsigned)k < RD_ACT_COUNT ? action_names[k] : NULL;
}

bool
rd_action_parse(const char *name, enum rd_action_kind *out)
{
  if (!name)
    return false;
  for (int i = 0; i < RD_ACT_COUNT; i++) {
    if (strcmp(action_names[i], name) == 0) {
      *out = (enum rd_action_kind)i;
      return true;
    }
  }
  return false;
}

/* In bit order. */
static const char *const field_names[] = {
  "valid", "category_id", "severity", "department_id", "assignee_id",
  "reason", "transfer", "note", "method", "kind", "description", "amount",
  "result", "reached", "satisfied", "score", "comment", "into",
};
_Static_assert(sizeof field_names / sizeof field_names[0] == 18,
               "one name per RD_F_* bit, up to RD_F_INTO");

const char *
rd_action_field_name(unsigned bits)
{
  for (unsigned bit = 0; bit < sizeof field_names / sizeof field_names[0]; bit++)
    if (bits & (1u << bit))
      return field_names[bit];
  return NULL;
}

bool
rd_action_method_valid(const char *method)
{
  static const char *const methods[] = {"phone", "visit", "email"};
  if (!method)
    return false;
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
    if (strcmp(methods[i], method) == 0)
      return true;
  return false;
}
