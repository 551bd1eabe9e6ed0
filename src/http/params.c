/* http/params.c - parsing URL, header and money values; no I/O. */
#include "http/params.h"

#include <arpa/inet.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/complaint.h"
#include "core/validate.h"
#include "util/arena.h"
#include "util/time.h"

/* Decimal digits only, at least one, value <= max. */
static bool
parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
  if (len == 0 || len > 19)
    return false;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > max)
    return false;
  *out = v;
  return true;
}

enum rd_status
rd_http_parse_listen(const char *listen, struct sockaddr_storage *out,
                     socklen_t *out_len, struct rd_error *err)
{
  char host[64];
  const char *colon;
  uint64_t port;

  memset(out, 0, sizeof *out);
  if (!listen || !*listen)
    return rd_error_set(err, RD_E_INVALID, "listen", "listen address is empty");
  if (listen[0] == '[') {
    const char *close = strchr(listen, ']');
    if (!close || close[1] != ':')
      return rd_error_set(err, RD_E_INVALID, "listen",
                          "'%s' is not [IPv6]:port", listen);
    size_t hl = (size_t)(close - listen - 1);
    if (hl == 0 || hl >= sizeof host)
      return rd_error_set(err, RD_E_INVALID, "listen", "bad IPv6 address in '%s'", listen);
    memcpy(host, listen + 1, hl);
    host[hl] = '\0';
    colon = close + 1;
  } else {
    colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host)
      return rd_error_set(err, RD_E_INVALID, "listen",
                          "'%s' is not host:port", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (strchr(host, ':'))
      return rd_error_set(err, RD_E_INVALID, "listen",
                          "write an IPv6 address in brackets: [%s]:port", host);
  }
  if (!parse_uint(colon + 1, strlen(colon + 1), 65535, &port))
    return rd_error_set(err, RD_E_INVALID, "listen", "bad port in '%s'", listen);

  if (listen[0] == '[') {
    struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET6, host, &sa6->sin6_addr) != 1)
      return rd_error_set(err, RD_E_INVALID, "listen", "bad IPv6 address '%s'", host);
    sa6->sin6_family = AF_INET6;
    sa6->sin6_port = htons((uint16_t)port);
    *out_len = sizeof *sa6;
  } else {
    struct sockaddr_in *sa4 = (struct sockaddr_in *)out;
    const char *numeric = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
    if (inet_pton(AF_INET, numeric, &sa4->sin_addr) != 1)
      return rd_error_set(err, RD_E_INVALID, "listen",
                          "host '%s' must be an IPv4 address or localhost", host);
    sa4->sin_family = AF_INET;
    sa4->sin_port = htons((uint16_t)port);
    *out_len = sizeof *sa4;
  }
  return RD_OK;
}

bool
rd_http_parse_id(const char *s, int64_t *out)
{
  uint64_t v;
  if (!s || !parse_uint(s, strlen(s), INT64_MAX, &v) || v == 0)
    return false;
  *out = (int64_t)v;
  return true;
}

bool
rd_http_parse_if_match(const char *v, int *version)
{
  if (!v)
    return false;
  while (*v == ' ')
    v++;
  if (strncmp(v, "W/", 2) == 0)
    v += 2;
  size_t len = strlen(v);
  while (len && v[len - 1] == ' ')
    len--;
  if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
    v++, len -= 2;
  uint64_t n;
  if (!parse_uint(v, len, INT_MAX, &n) || n == 0)
    return false;
  *version = (int)n;
  return true;
}

bool
rd_http_yuan_to_fen(double yuan, int64_t *fen)
{
  if (!isfinite(yuan) || yuan < 0 || yuan > 1e12)
    return false;
  double scaled = yuan * 100.0;
  double rounded = nearbyint(scaled);
  /* Decimal fractions are inexact in binary (0.29 * 100 = 28.999...96):
   * accept what is within rounding noise of a whole number of fen. Reading
   * the number and scaling it are off by at most DBL_EPSILON relatively;
   * a third decimal is 0.1 fen off, far more below 10^12 yuan. (A noise
   * of 1e-6 relative once let 12345.678 through as 12345.68.) */
  if (fabs(scaled - rounded) > 2 * DBL_EPSILON * (rounded > 1 ? rounded : 1))
    return false;
  *fen = (int64_t)rounded;
  return true;
}

enum rd_status
rd_http_parse_instant(const char *text, const char *tz, bool end_of_day,
                      const char *field, int64_t *out, struct rd_error *err)
{
  int y, m, d, used = 0;
  /* Date-shaped text is a date (the next parser says whether a valid one);
   * anything else must be an RFC 3339 time. */
  if (strlen(text) == 10 && sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 &&
      used == 10) {
    /* The date is checked as strictly for an end as for a start (no
     * 2026-02-30, which once slipped through as the end of March 2). */
    enum rd_status rc = rd_time_parse_date(text, tz, out, field, err);
    if (rc != RD_OK || !end_of_day)
      return rc;
    /* The midnight that ends the date; an unknown zone counts as UTC, as
     * it does for the start. */
    int64_t days;
    if ((rc = rd_date_parse(text, &days, field, err)) != RD_OK)
      return rc;
    if (!rd_time_from_local(tz, days, 86400, out))
      *out = (days + 1) * 86400;
    return RD_OK;
  }
  if (rd_time_parse(text, out, field, err) != RD_OK)
    return rd_error_set(err, RD_E_INVALID, field,
                        "%s must be a date (2026-11-20) or an RFC 3339 time", field);
  return RD_OK;
}

bool
rd_http_parse_group_by(const char *s, enum rd_group_by *out)
{
  static const struct { const char *name; enum rd_group_by g; } names[] = {
    {"category", RD_GROUP_CATEGORY}, {"department", RD_GROUP_DEPARTMENT},
    {"site", RD_GROUP_SITE},         {"channel", RD_GROUP_CHANNEL},
    {"severity", RD_GROUP_SEVERITY}, {"month", RD_GROUP_MONTH},
    {"status", RD_GROUP_STATUS},
  };
  for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(s, names[i].name) == 0) {
      *out = names[i].g;
      return true;
    }
  return false;
}

bool
rd_http_utf8_valid(const char *text)
{
  const unsigned char *s = (const unsigned char *)text;
  while (*s) {
    unsigned c = *s;
    size_t n;
    unsigned min, cp;
    if (c < 0x80) {
      s++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t i = 1; i <= n; i++) {
      if ((s[i] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    s += n + 1;
  }
  return true;
}

/* ---- the complaint list's query string ------------------------------------ */

/* One comma-list vocabulary: a word to a bit mask (0 when unknown). */
typedef unsigned (*word_mask_fn)(const char *word);

static unsigned
status_bits(const char *w)
{
  enum rd_state s;
  if (strcmp(w, "open") == 0)
    return rd_state_open_mask();
  return rd_state_parse(w, &s) ? 1u << s : 0;
}

static unsigned
channel_bits(const char *w)
{
  enum rd_channel c;
  return rd_channel_parse(w, &c) ? 1u << c : 0;
}

static unsigned
severity_bits(const char *w)
{
  return w[0] >= '1' && w[0] <= '5' && w[1] == '\0' ? 1u << (w[0] - '0') : 0;
}

/* ORs the bits of each comma-separated word of text into *mask. */
static enum rd_status
parse_list(const char *field, const char *text, word_mask_fn bits,
           struct rd_arena *a, unsigned *mask, struct rd_error *err)
{
  char *copy = rd_arena_strdup(a, text), *save = NULL;
  *mask = 0;
  for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
    while (*w == ' ')
      w++;
    unsigned b = bits(w);
    if (!b)
      return rd_error_set(err, RD_E_INVALID, field, "unknown %s '%s'", field, w);
    *mask |= b;
  }
  if (!*mask)
    return rd_error_set(err, RD_E_INVALID, field, "%s is empty", field);
  return RD_OK;
}

static enum rd_status
parse_id_arg(const char *field, const char *text, int64_t *out,
             struct rd_error *err)
{
  if (!rd_http_parse_id(text, out))
    return rd_error_set(err, RD_E_INVALID, field, "%s must be a positive integer", field);
  return RD_OK;
}

enum rd_status
rd_http_parse_filter(rd_query_fn query, void *ctx, const char *tz,
                     struct rd_arena *a, struct rd_complaint_filter *f,
                     struct rd_error *err)
{
  const char *v;
  memset(f, 0, sizeof *f);
  f->limit = 50;
  f->sort = RD_SORT_RECEIVED_DESC;

  /* Checked first: later messages quote the values back. */
  static const char *const texts[] = {"status", "severity", "channel", "customer_phone",
                                      "q", "from", "to", "sort", "cursor"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if ((v = query(ctx, texts[i])) && !rd_http_utf8_valid(v))
      return rd_error_set(err, RD_E_INVALID, texts[i], "%s is not valid UTF-8", texts[i]);

  static const struct { const char *name; word_mask_fn bits; size_t offset; } lists[] = {
    {"status", status_bits, offsetof(struct rd_complaint_filter, status_mask)},
    {"severity", severity_bits, offsetof(struct rd_complaint_filter, severity_mask)},
    {"channel", channel_bits, offsetof(struct rd_complaint_filter, channel_mask)},
  };
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if ((v = query(ctx, lists[i].name)) && *v &&
        parse_list(lists[i].name, v, lists[i].bits, a,
                   (unsigned *)((char *)f + lists[i].offset), err) != RD_OK)
      return err->code;

  static const struct { const char *name; size_t offset; } ids[] = {
    {"department_id", offsetof(struct rd_complaint_filter, department_id)},
    {"category_id", offsetof(struct rd_complaint_filter, category_id)},
    {"site_id", offsetof(struct rd_complaint_filter, site_id)},
    {"assignee_id", offsetof(struct rd_complaint_filter, assignee_id)},
    /* A customer's complaints without their phone: what the complaint page
     * shows of a repeat customer to roles that see phones masked. */
    {"customer_id", offsetof(struct rd_complaint_filter, customer_id)},
  };
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if ((v = query(ctx, ids[i].name)) && *v &&
        parse_id_arg(ids[i].name, v, (int64_t *)((char *)f + ids[i].offset), err) != RD_OK)
      return err->code;

  if ((v = query(ctx, "overdue")) && *v) {
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
      f->overdue = true;
    else if (strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
      return rd_error_set(err, RD_E_INVALID, "overdue", "overdue must be true or false");
  }
  if ((v = query(ctx, "customer_phone")) && *v)
    f->customer_phone = rd_arena_strdup(a, v);
  if ((v = query(ctx, "q")) && *v) {
    /* A search is a few words; a page of text would only cost the index. */
    if (rd_validate_text("q", v, RD_MAX_SEARCH, false, err) != RD_OK)
      return err->code;
    f->q = rd_arena_strdup(a, v);
  }
  if ((v = query(ctx, "from")) && *v &&
      rd_http_parse_instant(v, tz, false, "from", &f->received_from, err) != RD_OK)
    return err->code;
  if ((v = query(ctx, "to")) && *v &&
      rd_http_parse_instant(v, tz, true, "to", &f->received_to, err) != RD_OK)
    return err->code;

  if ((v = query(ctx, "sort")) && *v) {
    if (strcmp(v, "due") == 0)
      f->sort = RD_SORT_DUE;
    else if (strcmp(v, "-received_at") == 0)
      f->sort = RD_SORT_RECEIVED_DESC;
    else if (strcmp(v, "received_at") == 0)
      f->sort = RD_SORT_RECEIVED_ASC;
    else
      return rd_error_set(err, RD_E_INVALID, "sort",
                          "sort must be due, -received_at or received_at");
  }
  if ((v = query(ctx, "limit")) && *v) {
    uint64_t n;
    if (!parse_uint(v, strlen(v), 500, &n) || n < 1)
      return rd_error_set(err, RD_E_INVALID, "limit", "limit must be 1 to 500");
    f->limit = (int)n;
  }
  if ((v = query(ctx, "cursor")) && *v)
    f->cursor = rd_arena_strdup(a, v);
  return RD_OK;
}
