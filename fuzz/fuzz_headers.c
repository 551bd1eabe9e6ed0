/* fuzz/fuzz_headers.c - request headers the server reads itself.
 *
 * The first byte picks the header (modulo 5; the corpus uses 'A' + i),
 * the rest is its value:
 *   A  Accept-Language: rd_http_accept_language / rd_http_pick_language
 *   B  X-Forwarded-For from a trusted proxy: rd_client_addr
 *   C  the --trusted-proxy list: rd_trusted_proxies_parse
 *   D  X-Forwarded-Proto: rd_forwarded_tls
 *   E  Authorization: rd_auth_bearer_token
 * Cookies are split by libmicrohttpd (rd_request_cookie only looks the
 * value up), and the session secret is checked against the store, so the
 * cookie has no parser of ours to fuzz.
 */
#include "fuzz_common.h"

#include <arpa/inet.h>
#include <strings.h>

#include "http/auth.h"
#include "http/client_addr.h"
#include "http/language.h"

/* Whether s is an address in canonical text (what inet_ntop writes). */
static bool
canonical_addr(const char *s)
{
  unsigned char bin[16];
  char again[RD_ADDR_TEXT_MAX];
  int af = strchr(s, ':') ? AF_INET6 : AF_INET;
  return inet_pton(af, s, bin) == 1 && inet_ntop(af, bin, again, sizeof again) &&
         strcmp(again, s) == 0;
}

static void
language(const char *v)
{
  /* Asked twice from either language: a choice is the same both times, no
   * choice leaves *out alone. */
  enum rd_lang from_zh = RD_LANG_ZH, from_en = RD_LANG_EN;
  bool chose = rd_http_accept_language(v, &from_zh);
  FUZZ_CHECK(rd_http_accept_language(v, &from_en) == chose);
  if (chose)
    FUZZ_CHECK(from_zh == from_en);
  else
    FUZZ_CHECK(from_zh == RD_LANG_ZH && from_en == RD_LANG_EN);
  /* An explicit choice wins over the stored locale; no choice falls back
   * to it, and to Chinese when nobody is signed in. */
  enum rd_lang en = rd_http_pick_language(v, "en");
  enum rd_lang zh = rd_http_pick_language(v, "zh-CN");
  if (chose)
    FUZZ_CHECK(en == from_zh && zh == from_zh);
  else
    FUZZ_CHECK(en == RD_LANG_EN && zh == RD_LANG_ZH &&
               rd_http_pick_language(v, NULL) == RD_LANG_ZH);
}

static void
forwarded_for(const char *v)
{
  struct rd_trusted_proxies t;
  char bad[64], out[RD_ADDR_TEXT_MAX];
  FUZZ_CHECK(rd_trusted_proxies_parse("10.0.0.1, ::1", &t, bad, sizeof bad));
  rd_client_addr("10.0.0.1", v, &t, out, sizeof out);
  /* Some address, never a trusted proxy unless it is the peer itself. */
  FUZZ_CHECK(canonical_addr(out));
  FUZZ_CHECK(strcmp(out, "::1") != 0);
  /* From an untrusted peer the header counts for nothing. */
  rd_client_addr("192.0.2.7", v, &t, out, sizeof out);
  FUZZ_CHECK(strcmp(out, "192.0.2.7") == 0);
}

static void
proxies(const char *v)
{
  struct rd_trusted_proxies t;
  char bad[64];
  memset(bad, 'x', sizeof bad);
  if (rd_trusted_proxies_parse(v, &t, bad, sizeof bad)) {
    FUZZ_CHECK(t.n <= RD_TRUSTED_PROXIES_MAX);
    for (size_t i = 0; i < t.n; i++)
      FUZZ_CHECK(canonical_addr(t.addr[i]));
  } else {
    FUZZ_CHECK(t.n == 0);
    FUZZ_CHECK(memchr(bad, '\0', sizeof bad) != NULL);
  }
}

static void
forwarded_proto(const char *v)
{
  struct rd_trusted_proxies t;
  char bad[64];
  FUZZ_CHECK(rd_trusted_proxies_parse("10.0.0.1", &t, bad, sizeof bad));
  bool tls = rd_forwarded_tls("10.0.0.1", v, &t);
  if (tls)
    FUZZ_CHECK(strcasestr(v, "https") != NULL); /* the value is case-insensitive */
  FUZZ_CHECK(!rd_forwarded_tls("192.0.2.7", v, &t));
}

static void
authorization(const char *v)
{
  const char *token = rd_auth_bearer_token(v);
  if (token) {
    FUZZ_CHECK(token > v + 6 && token <= v + strlen(v));
    FUZZ_CHECK(*token != ' ');
    FUZZ_CHECK(strncasecmp(v, "bearer ", 7) == 0);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  static void (*const readers[])(const char *) = {
    language, forwarded_for, proxies, forwarded_proto, authorization,
  };
  struct rd_arena *a = rd_arena_new();
  readers[(size_t)(data[0] - 'A') % 5](fuzz_text(a, data + 1, size - 1));
  rd_arena_free(a);
  return 0;
}
