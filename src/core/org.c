/* core/org.c - what makes a code or a username well formed. */
#include "core/org.h"

#include <string.h>

/* Whether s is 1..max bytes of [a-z0-9], [A-Z] when upper_ok, and the
 * characters of extra. ASCII only: codes and usernames appear in URLs,
 * logs and config files. */
static bool
made_of(const char *s, size_t max, const char *extra, bool upper_ok)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (upper_ok && c >= 'A' && c <= 'Z') || (c && strchr(extra, c));
    if (!ok)
      return false;
  }
  return true;
}

bool
rd_org_code_valid(const char *code)
{
  return made_of(code, 32, "_-", false);
}

bool
rd_org_username_valid(const char *name)
{
  return made_of(name, 64, "_.-", true);
}
