/* core/org.h - the organisation: departments, sites, the category tree, users.
 *
 * Pure data; strings are borrowed from whoever filled the struct.
 */
#ifndef RD_CORE_ORG_H
#define RD_CORE_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/complaint.h"

enum { RD_CATEGORY_MAX_LEVEL = 4 };

struct rd_department {
  int64_t id;
  const char *code;  /* [a-z0-9_]{1,32}, unique */
  const char *name;
  bool active;
};

struct rd_site {
  int64_t id;
  const char *code;
  const char *name;
  int64_t calendar_id; /* 0 = the default calendar */
  bool active;
};

struct rd_category {
  int64_t id;
  int64_t parent_id;   /* 0 = a root (level 1) */
  int level;           /* 1-4, from the parent chain */
  const char *name;
  bool active;
};

struct rd_user {
  int64_t id;
  const char *username;      /* [A-Za-z0-9_.-]{1,64}, unique */
  const char *display_name;
  enum rd_role role;
  int64_t department_id;     /* 0 = none */
  const char *locale;        /* "zh-CN" (default) or "en" */
  bool active;
  const char *password_hash; /* argon2id string; never rendered */
  int64_t created_at;
};

/* Whether code is a valid department/site code: [a-z0-9_-], 1-32 chars. */
bool rd_org_code_valid(const char *code);

/* Whether name is a valid username: [A-Za-z0-9_.-], 1-64 chars. */
bool rd_org_username_valid(const char *name);

#endif
