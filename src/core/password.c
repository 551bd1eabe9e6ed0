/* core/password.c - the password policy (NIST SP 800-63B in spirit: length
 * first, then refusing what guessers try first), with a two-kinds-of-
 * characters rule on top because users here pick passwords at a counter,
 * not in a password manager. */
#include "core/password.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"

/* What guessing tools try first, lower case: the most common passwords of
 * the public breach lists that are long enough to pass the length rule,
 * the common words those lists put digits or symbols around (checked after
 * stripping them: "Password2024!" is "password"), keyboard walks, and the
 * Chinese favourites in pinyin. Sorted for bsearch. A short built-in list,
 * not a dictionary: the length and kinds rules do the rest. */
static const char *const common[] = {
  "000000000000", "0123456789", "1111111111", "1234567890", "123456789a",
  "123456789q", "123qweasd", "123qweasdzxc", "1q2w3e4r", "1q2w3e4r5t",
  "1q2w3e4r5t6y", "1qaz2wsx", "1qaz2wsx3edc", "1qazxsw2", "a123456789",
  "aa12345678", "aaaaaaaaaa", "abc", "abc123", "abcd", "abcd1234", "abcdefg",
  "abcdefghij", "admin", "administrator", "asdasd", "asdf", "asdfgh",
  "asdfghjkl", "baseball", "changeme", "computer", "default", "dragon",
  "football", "iloveyou", "letmein", "login", "master", "michael", "mima",
  "monkey", "p@ssw0rd", "p@ssword", "pass", "passw0rd", "password",
  "princess", "q1w2e3r4", "q1w2e3r4t5", "qazwsx", "qazwsxedc", "qwe",
  "qweasd", "qweasdzxc", "qwer", "qwerty", "qwertyui", "qwertyuiop",
  "redress", "root", "secret", "shadow", "starwars", "sunshine", "superman",
  "test", "trustno1", "welcome", "whatever", "woaini", "wodemima",
  "zaq12wsx", "zxcvbn", "zxcvbnm",
};

static int
cmp(const void *key, const void *elem)
{
  return strcmp(key, *(const char *const *)elem);
}

static bool
is_common(const char *lower)
{
  return *lower && bsearch(lower, common, sizeof common / sizeof common[0],
                           sizeof common[0], cmp) != NULL;
}

/* Lower-cased ASCII copy of s[0..n) into out (n < size). */
static void
lower_copy(char *out, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)s[i]);
  out[n] = '\0';
}

static bool
is_decoration(char c)
{
  return isdigit((unsigned char)c) || ispunct((unsigned char)c) || c == ' ';
}

/* Whether needle occurs in hay, ignoring ASCII case. */
static bool
contains_nocase(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0)
      return true;
  return false;
}

enum rd_status
rd_password_check(const char *field, const char *username, const char *password,
                  struct rd_error *err)
{
  char lower[RD_PASSWORD_MAX_BYTES + 1];
  size_t len = password ? strlen(password) : 0;
  if (!password)
    return rd_error_set(err, RD_E_INVALID, field, "%s is required", field);
  if (rd_utf8_length(password) < RD_PASSWORD_MIN_CHARS || len > RD_PASSWORD_MAX_BYTES)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be %d to %d characters long", field,
                        RD_PASSWORD_MIN_CHARS, RD_PASSWORD_MAX_BYTES);

  /* Every byte of a non-ASCII character counts as "other": a Chinese
   * passphrase has a kind of its own. */
  bool lo = false, up = false, dig = false, other = false;
  for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
    if (*p >= 'a' && *p <= 'z') lo = true;
    else if (*p >= 'A' && *p <= 'Z') up = true;
    else if (*p >= '0' && *p <= '9') dig = true;
    else other = true;
  }
  if (lo + up + dig + other < RD_PASSWORD_MIN_CLASSES)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must mix at least two kinds of characters "
                        "(lower-case letters, upper-case letters, digits, others)", field);

  if (username && strlen(username) >= RD_PASSWORD_NAME_MIN &&
      contains_nocase(password, username))
    return rd_error_set(err, RD_E_INVALID, field, "%s must not contain the user name",
                        field);

  /* The whole password, then its core without the digits and symbols
   * people put before and after a word. */
  lower_copy(lower, password, len);
  size_t start = 0, end = len;
  while (start < end && is_decoration(lower[start]))
    start++;
  while (end > start && is_decoration(lower[end - 1]))
    end--;
  bool common_core = false;
  if (start < end) {
    char core[RD_PASSWORD_MAX_BYTES + 1];
    memcpy(core, lower + start, end - start);
    core[end - start] = '\0';
    common_core = is_common(core);
  }
  if (is_common(lower) || common_core)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s is one of the most common passwords; choose one harder to guess",
                        field);
  return RD_OK;
}
