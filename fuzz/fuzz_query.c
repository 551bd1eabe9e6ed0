/* fuzz/fuzz_query.c - query strings and the values read from them.
 *
 * Input: a query string "a=b&c=d" (decoded as libmicrohttpd decodes it:
 * '+' is a space, %XX a byte; the first of repeated names counts). It
 * goes through the complaint list's parser (rd_http_parse_filter) and
 * every value through the smaller readers the handlers use: ids (path
 * parameters, limit, cursor of notifications, user_id), If-Match versions,
 * instants, report groupings, and amounts of money (yuan to fen, as a
 * JSON number's text). Invariants: an id that parses prints back
 * as the same text (but for leading zeros), a text is a valid "from"
 * exactly when it is a valid "to" (a date's "to" 23-25 hours later), a filter that parses has its limit in 1..500 and only
 * bits of known states, severities and channels.
 */
#include "fuzz_common.h"

#include <inttypes.h>

#include "core/complaint.h"

enum { ARGS_MAX = 32 };

struct query {
  size_t n;
  const char *name[ARGS_MAX], *value[ARGS_MAX];
};

static int
hex(int c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes s in place: '+' to space, %XX to its byte (a malformed escape
 * stays as it is). */
static char *
unescape(char *s)
{
  char *o = s;
  for (const char *p = s; *p; p++) {
    if (*p == '+') {
      *o++ = ' ';
    } else if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
      *o++ = (char)(hex(p[1]) * 16 + hex(p[2]));
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return s;
}

static void
split(char *text, struct query *q)
{
  q->n = 0;
  for (char *arg = text; arg && q->n < ARGS_MAX;) {
    char *amp = strchr(arg, '&');
    if (amp)
      *amp = '\0';
    char *eq = strchr(arg, '=');
    if (eq)
      *eq = '\0';
    q->name[q->n] = unescape(arg);
    q->value[q->n] = eq ? unescape(eq + 1) : "";
    q->n++;
    arg = amp ? amp + 1 : NULL;
  }
}

static const char *
lookup(void *ctx, const char *name)
{
  const struct query *q = ctx;
  for (size_t i = 0; i < q->n; i++)
    if (strcmp(q->name[i], name) == 0)
      return q->value[i];
  return NULL;
}

/* Money arrives as a JSON number of yuan (a plan's amount, a policy's
 * amount_over), which jansson reads with strtod. For a plain decimal of at
 * most 15 significant digits (a double tells those apart): rd_http_yuan_to_fen takes
 * it exactly when it has at most 2 decimals (trailing zeros aside) and is
 * at most 10^12, and then gives its fen exactly. */
static void
check_money(const char *v)
{
  size_t n_int = strspn(v, "0123456789"), n_frac = 0;
  if (n_int == 0 || n_int > 13)
    return;
  if (v[n_int] == '.') {
    n_frac = strspn(v + n_int + 1, "0123456789");
    if (n_frac == 0 || n_frac > 6 || v[n_int + 1 + n_frac] != '\0')
      return;
  } else if (v[n_int] != '\0') {
    return;
  }
  int64_t whole = 0, cents = 0;
  for (size_t i = 0; i < n_int; i++)
    whole = whole * 10 + (v[i] - '0');
  size_t decimals = n_frac;
  while (decimals > 0 && v[n_int + decimals] == '0')
    decimals--;
  for (size_t i = 0; i < 2; i++)
    cents = cents * 10 + (i < n_frac ? v[n_int + 1 + i] - '0' : 0);
  /* Up to 15 significant digits, which a double tells apart (DBL_DIG). */
  size_t lead = strspn(v, "0");
  size_t significant = (lead < n_int ? n_int - lead : 0) + decimals;
  bool in_range = significant <= 15 &&
                  (whole < 1000000000000 || (whole == 1000000000000 && decimals == 0));

  int64_t fen = -1;
  bool ok = rd_http_yuan_to_fen(strtod(v, NULL), &fen);
  if (!in_range)
    return;
  if (ok != (decimals <= 2))
    fprintf(stderr, "amount %s: %s\n", v, ok ? "taken" : "refused");
  FUZZ_CHECK(ok == (decimals <= 2));
  if (ok)
    FUZZ_CHECK(fen == whole * 100 + cents);
}

static void
check_value(const char *v, const char *tz)
{
  check_money(v);
  struct rd_error err = {0};
  int64_t id, t;
  int version;
  enum rd_group_by g;

  if (rd_http_parse_id(v, &id)) {
    char again[24];
    FUZZ_CHECK(id > 0);
    /* Digits only: the number prints back as the text, up to leading
     * zeros (ids in paths and arguments accept "007" as 7). */
    snprintf(again, sizeof again, "%" PRId64, id);
    FUZZ_CHECK(strcmp(again, v + strspn(v, "0")) == 0);
  }
  if (rd_http_parse_if_match(v, &version))
    FUZZ_CHECK(version > 0);
  /* The same text is a valid "from" exactly when it is a valid "to"; a
   * date's end is the next local midnight (23 to 25 hours later where the
   * clocks change), an instant's end is itself. */
  int64_t start = 0, end = 0;
  enum rd_status rc_start = rd_http_parse_instant(v, tz, false, "from", &start, &err);
  fuzz_check_outcome(rc_start, &err);
  enum rd_status rc_end = rd_http_parse_instant(v, tz, true, "to", &end, &err);
  fuzz_check_outcome(rc_end, &err);
  FUZZ_CHECK(rc_start == RD_OK || rc_start == RD_E_INVALID);
  FUZZ_CHECK(rc_start == rc_end);
  if (rc_start == RD_OK) {
    if (strlen(v) == 10)
      FUZZ_CHECK(end - start >= 23 * 3600 && end - start <= 25 * 3600);
    else
      FUZZ_CHECK(end == start);
  }
  (void)t;
  (void)rd_http_parse_group_by(v, &g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_error err = {0};
  struct query q;
  struct rd_complaint_filter f;
  /* Both a zone without daylight saving and one with. */
  const char *tz = size % 2 ? "Asia/Shanghai" : "America/Los_Angeles";

  split(fuzz_text(a, data, size), &q);
  enum rd_status rc = rd_http_parse_filter(lookup, &q, tz, a, &f, &err);
  fuzz_check_outcome(rc, &err);
  if (rc == RD_OK) {
    FUZZ_CHECK(f.limit >= 1 && f.limit <= 500);
    FUZZ_CHECK((f.status_mask & ~((1u << RD_STATE_COUNT) - 1)) == 0);
    FUZZ_CHECK((f.severity_mask & ~0x3Eu) == 0);
    FUZZ_CHECK((f.channel_mask & ~((1u << RD_CHANNEL_COUNT) - 1)) == 0);
    FUZZ_CHECK(f.department_id >= 0 && f.category_id >= 0 && f.site_id >= 0 &&
               f.assignee_id >= 0 && f.customer_id >= 0);
  } else {
    FUZZ_CHECK(rc == RD_E_INVALID);
  }
  for (size_t i = 0; i < q.n; i++)
    check_value(q.value[i], tz);
  rd_arena_free(a);
  return 0;
}
