/* http/language.c - Accept-Language and the choice of a reply's language. */
#include "http/language.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static bool
is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static const char *
skip_ows(const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

/* A qvalue (0, 0.5, 1.000) in thousandths; -1 when it is not one. */
static int
parse_q(const char *p, const char *end)
{
  if (p == end || (*p != '0' && *p != '1'))
    return -1;
  int q = (*p - '0') * 1000;
  p++;
  if (p < end && *p == '.') {
    p++;
    int scale = 100, digits = 0;
    for (; p < end && is_digit(*p); p++, digits++) {
      if (digits == 3)
        return -1;
      q += (*p - '0') * scale;
      scale /= 10;
    }
  }
  return p == end && q <= 1000 ? q : -1;
}

/* Whether [p, end) is a language range: "*", or 1-8 letters then "-" parts
 * of 1-8 letters or digits. */
static bool
valid_range(const char *p, const char *end)
{
  if (end - p == 1 && *p == '*')
    return true;
  size_t part = 0;
  bool first = true;
  for (; p < end; p++) {
    if (*p == '-') {
      if (part == 0)
        return false;
      part = 0;
      first = false;
    } else if (is_alpha(*p) || (!first && is_digit(*p))) {
      if (++part > 8)
        return false;
    } else {
      return false;
    }
  }
  return part > 0;
}

/* Whether range [p, end) has the primary subtag lang ("zh", "en"). */
static bool
has_primary(const char *p, const char *end, const char *lang)
{
  size_t n = strlen(lang);
  return (size_t)(end - p) >= n && strncasecmp(p, lang, n) == 0 &&
         ((size_t)(end - p) == n || p[n] == '-');
}

bool
rd_http_accept_language(const char *header, enum rd_lang *out)
{
  /* Best q for each language, -1 while unmentioned; the position it was
   * first listed at breaks ties; the wildcard's q covers the unmentioned. */
  int q_zh = -1, q_en = -1, q_any = -1;
  int at_zh = 0, at_en = 0, n = 0;
  if (!header)
    return false;
  const char *p = header;
  while (*p) {
    const char *elem_end = strchr(p, ',');
    if (!elem_end)
      elem_end = p + strlen(p);
    const char *r = skip_ows(p, elem_end);
    const char *r_end = r;
    while (r_end < elem_end && *r_end != ';' && *r_end != ' ' && *r_end != '\t')
      r_end++;
    int q = 1000;
    /* Parameters: only q counts; a bad q drops the element. */
    const char *s = skip_ows(r_end, elem_end);
    while (q >= 0 && s < elem_end && *s == ';') {
      s = skip_ows(s + 1, elem_end);
      const char *v_end = s;
      while (v_end < elem_end && *v_end != ';')
        v_end++;
      const char *t = v_end;
      while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
        t--;
      if (t - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=')
        q = parse_q(s + 2, t);
      s = v_end;
    }
    if (q >= 0 && r < r_end && s == elem_end && valid_range(r, r_end)) {
      n++;
      if (r_end - r == 1 && *r == '*') {
        if (q > q_any)
          q_any = q;
      } else if (has_primary(r, r_end, "zh")) {
        if (q_zh < 0)
          at_zh = n;
        if (q > q_zh)
          q_zh = q;
      } else if (has_primary(r, r_end, "en")) {
        if (q_en < 0)
          at_en = n;
        if (q > q_en)
          q_en = q;
      }
    }
    p = *elem_end ? elem_end + 1 : elem_end;
  }

  if (q_zh < 0 && q_en < 0)
    return false;  /* only other languages, or only "*": no choice made */
  int zh = q_zh >= 0 ? q_zh : (q_any > 0 ? q_any : 0);
  int en = q_en >= 0 ? q_en : (q_any > 0 ? q_any : 0);
  if (zh == 0 && en == 0)
    return false;
  if (zh != en) {
    *out = en > zh ? RD_LANG_EN : RD_LANG_ZH;
    return true;
  }
  /* Equal: the one listed first (a wildcard's share counts as unlisted). */
  if (q_zh >= 0 && q_en >= 0)
    *out = at_en < at_zh ? RD_LANG_EN : RD_LANG_ZH;
  else
    *out = q_en >= 0 ? RD_LANG_EN : RD_LANG_ZH;
  return true;
}

enum rd_lang
rd_http_pick_language(const char *accept_language, const char *user_locale)
{
  enum rd_lang lang;
  if (rd_http_accept_language(accept_language, &lang))
    return lang;
  if (user_locale && (strcasecmp(user_locale, "en") == 0 ||
                      strncasecmp(user_locale, "en-", 3) == 0))
    return RD_LANG_EN;
  return RD_LANG_ZH;
}
