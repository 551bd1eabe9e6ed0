/* cli/password.c - the administrator's and demo users' passwords: generated
 * with libsodium's CSPRNG, or read from a file so scripts can choose them.
 */
#include "cli/cli.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/password.h"

/* No 0/O/o, 1/l/I/i: a password read off a terminal must type back. */
const char RD_CLI_PASSWORD_ALPHABET[] =
    "abcdefghjkmnpqrstuvwxyz"
    "ABCDEFGHJKLMNPQRSTUVWXYZ"
    "23456789";

bool
rd_cli_password_generate(char *out, size_t len)
{
  if (sodium_init() < 0)
    return false;
  const uint32_t n = (uint32_t)(sizeof RD_CLI_PASSWORD_ALPHABET - 1);
  /* The policy (core/password.h) refuses one of a kind of characters, or
   * one that holds "admin"; at 16 characters a draw rarely does, and the
   * next draw is fine. */
  do {
    for (size_t i = 0; i < len; i++)
      out[i] = RD_CLI_PASSWORD_ALPHABET[randombytes_uniform(n)];
    out[len] = '\0';
  } while (len >= RD_PASSWORD_MIN_CHARS && len <= RD_PASSWORD_MAX_BYTES &&
           rd_password_check("password", "admin", out, NULL) != RD_OK);
  return true;
}

static bool
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

char *
rd_cli_trim(char *s)
{
  size_t len = strlen(s);
  while (len > 0 && is_space(s[len - 1]))
    s[--len] = '\0';
  size_t start = 0;
  while (is_space(s[start]))
    start++;
  if (start)
    memmove(s, s + start, len - start + 1);
  return s;
}

enum rd_status
rd_cli_password_read(const char *path, char *out, size_t out_len,
                     struct rd_error *err)
{
  enum rd_status st = RD_OK;
  char line[RD_CLI_PASSWORD_MAX + 2];
  FILE *f = fopen(path, "r");
  if (!f)
    return rd_error_set(err, RD_E_UNAVAILABLE, "password-file", "%s: %s", path,
                        strerror(errno));
  if (!fgets(line, sizeof line, f)) {
    st = rd_error_set(err, RD_E_INVALID, "password-file", "%s is empty", path);
    goto out;
  }
  /* A first line longer than the buffer would silently be cut; refuse it. */
  if (!strchr(line, '\n') && !feof(f)) {
    st = rd_error_set(err, RD_E_INVALID, "password-file",
                      "%s: the password is longer than %d characters", path,
                      RD_CLI_PASSWORD_MAX);
    goto out;
  }
  rd_cli_trim(line);
  size_t len = strlen(line);
  if (len < RD_CLI_PASSWORD_MIN) {
    st = rd_error_set(err, RD_E_INVALID, "password-file",
                      "%s: the password must have at least %d characters", path,
                      RD_CLI_PASSWORD_MIN);
    goto out;
  }
  if (len >= out_len) {
    st = rd_error_set(err, RD_E_INVALID, "password-file",
                      "%s: the password is too long", path);
    goto out;
  }
  memcpy(out, line, len + 1);
out:
  sodium_memzero(line, sizeof line);
  fclose(f);
  return st;
}
