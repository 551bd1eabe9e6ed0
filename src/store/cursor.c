/* store/cursor.c - list cursors: base64url of "<letter>:<key>:<id>". */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/cursor.h"
#include "util/arena.h"

enum { CURSOR_MAX = 96 };

static const char b64[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
rd_cursor_encode(struct rd_arena *a, char letter, int64_t key, int64_t id)
{
  char raw[64];
  int n = snprintf(raw, sizeof raw, "%c:%" PRId64 ":%" PRId64, letter, key, id);
  char *out = rd_arena_alloc(a, (size_t)n * 4 / 3 + 4);
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;

  for (int i = 0; i < n; i++) {
    acc = (acc << 8) | (unsigned char)raw[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = b64[(acc >> bits) & 63];
    }
  }
  if (bits > 0)
    out[o++] = b64[(acc << (6 - bits)) & 63];
  out[o] = '\0';
  return out;
}

bool
rd_cursor_decode(const char *text, char letter, int64_t *key, int64_t *id)
{
  char raw[CURSOR_MAX];
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  char l, end;
  long long k, i;

  if (strlen(text) >= CURSOR_MAX)
    return false;
  for (const char *p = text; *p; p++) {
    const char *d = strchr(b64, *p);
    if (d == NULL || *p == '\0')
      return false;
    acc = (acc << 6) | (uint32_t)(d - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw[o++] = (char)((acc >> bits) & 0xFF);
    }
  }
  /* Only the canonical spelling, here and below: no character beyond the
   * last byte's, and that character's unused low bits zero (a trailing
   * "y" or a last "R" for "Q" would otherwise decode to the same cursor). */
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)
    return false;
  raw[o] = '\0';
  if (strlen(raw) != o) /* an embedded NUL */
    return false;
  if (sscanf(raw, "%c:%lld:%lld%c", &l, &k, &i, &end) != 3 || l != letter ||
      i <= 0)
    return false;
  /* Re-printing the numbers must give the same text (no "+1", "01"). */
  char again[64];
  snprintf(again, sizeof again, "%c:%lld:%lld", l, k, i);
  if (strcmp(again, raw) != 0)
    return false;
  *key = k;
  *id = i;
  return true;
}
