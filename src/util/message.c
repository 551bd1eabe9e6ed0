/* util/message.c - lookups in the generated Chinese catalog (binary search)
 * and formatting a translation, with its quoted API names translated too. */
#include "util/message.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

static const char *
find(const struct rd_message *rows, size_t n, const char *en)
{
  if (!en)
    return NULL;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(en, rows[mid].en);
    if (c == 0)
      return rows[mid].zh;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

const char *
rd_message_zh(const char *en)
{
  return find(rd_messages_zh, rd_messages_zh_count, en);
}

const char *
rd_term_zh(const char *term)
{
  return find(rd_terms_zh, rd_terms_zh_count, term);
}

const char *
rd_message(const char *en, enum rd_lang lang)
{
  const char *zh = lang == RD_LANG_ZH ? rd_message_zh(en) : NULL;
  return zh ? zh : en;
}

const char *
rd_lang_tag(enum rd_lang lang)
{
  return lang == RD_LANG_EN ? "en" : "zh-CN";
}

/* ---- formatting ---------------------------------------------------------- */

/* Output so far: out[0..len) of cap bytes; full once len reaches cap - 1. */
struct sink {
  char *out;
  size_t cap, len;
};

static void
put(struct sink *k, const char *s, size_t n)
{
  size_t room = k->cap - 1 - k->len;
  if (n > room)
    n = room;
  memcpy(k->out + k->len, s, n);
  k->len += n;
  k->out[k->len] = '\0';
}

/* Appends what snprintf(spec, ...) writes; a macro because the argument's
 * type varies with the conversion. */
#define PUT_ARG(k, spec, T, ap)                                             \
  do {                                                                      \
    T v_ = va_arg(ap, T);                                                   \
    size_t room_ = (k)->cap - (k)->len;                                     \
    int n_ = snprintf((k)->out + (k)->len, room_, spec, v_);                \
    if (n_ > 0)                                                             \
      (k)->len += (size_t)n_ < room_ ? (size_t)n_ : room_ - 1;             \
  } while (0)

/* Appends the decimal value v to spec at *at (bounded by end). */
static bool
spec_int(char *spec, size_t *at, size_t end, int v)
{
  int n = snprintf(spec + *at, end - *at, "%d", v);
  if (n < 0 || (size_t)n >= end - *at)
    return false;
  *at += (size_t)n;
  return true;
}

/* Formats one conversion starting at *pp (just past '%'); false when it is
 * not one this knows, and formatting must stop. */
static bool
convert(struct sink *k, const char **pp, va_list *ap)
{
  char spec[40] = "%";
  size_t at = 1, end = sizeof spec - 4;  /* room for length and conversion */
  bool term = false;
  const char *p = *pp;

  for (; *p && strchr("-+ #0'", *p); p++) {
    if (*p == '#')
      term = true;  /* kept below for conversions other than s */
    else if (at < end)
      spec[at++] = *p;
  }
  if (*p == '*') {
    if (!spec_int(spec, &at, end, va_arg(*ap, int)))
      return false;
    p++;
  }
  for (; *p >= '0' && *p <= '9'; p++)
    if (at < end)
      spec[at++] = *p;
  if (*p == '.') {
    p++;
    if (*p == '*') {
      int prec = va_arg(*ap, int);
      p++;
      if (prec >= 0 && (at >= end || (spec[at++] = '.', !spec_int(spec, &at, end, prec))))
        return false;
    } else {
      if (at < end)
        spec[at++] = '.';
      for (; *p >= '0' && *p <= '9'; p++)
        if (at < end)
          spec[at++] = *p;
    }
  }
  char len[3] = "";
  if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l')) {
    len[0] = p[0], len[1] = p[1];
    p += 2;
  } else if (*p && strchr("hlLjzt", *p)) {
    len[0] = *p++;
  }
  char conv = *p;
  if (!conv || !strchr("diouxXeEfFgGaAcsp", conv) || at >= end)
    return false;
  if (term && conv != 's') {
    memmove(spec + 2, spec + 1, at - 1);  /* "#" is printf's own flag here */
    spec[1] = '#';
    at++;
  }
  for (const char *l = len; *l; l++)
    spec[at++] = *l;
  spec[at++] = conv;
  spec[at] = '\0';
  *pp = p + 1;

  switch (conv) {
  case 'd': case 'i':
    if (!strcmp(len, "ll")) PUT_ARG(k, spec, long long, *ap);
    else if (!strcmp(len, "l")) PUT_ARG(k, spec, long, *ap);
    else if (!strcmp(len, "j")) PUT_ARG(k, spec, intmax_t, *ap);
    else if (!strcmp(len, "z")) PUT_ARG(k, spec, ssize_t, *ap);
    else if (!strcmp(len, "t")) PUT_ARG(k, spec, ptrdiff_t, *ap);
    else PUT_ARG(k, spec, int, *ap);  /* hh, h: promoted to int */
    return true;
  case 'o': case 'u': case 'x': case 'X':
    if (!strcmp(len, "ll")) PUT_ARG(k, spec, unsigned long long, *ap);
    else if (!strcmp(len, "l")) PUT_ARG(k, spec, unsigned long, *ap);
    else if (!strcmp(len, "j")) PUT_ARG(k, spec, uintmax_t, *ap);
    else if (!strcmp(len, "z")) PUT_ARG(k, spec, size_t, *ap);
    else if (!strcmp(len, "t")) PUT_ARG(k, spec, ptrdiff_t, *ap);
    else PUT_ARG(k, spec, unsigned, *ap);
    return true;
  case 'c':
    if (!strcmp(len, "l")) PUT_ARG(k, spec, wint_t, *ap);
    else PUT_ARG(k, spec, int, *ap);
    return true;
  case 'p':
    PUT_ARG(k, spec, void *, *ap);
    return true;
  case 's':
    if (!strcmp(len, "l")) {
      PUT_ARG(k, spec, const wchar_t *, *ap);
    } else if (term) {
      const char *s = va_arg(*ap, const char *);
      const char *zh = rd_term_zh(s);
      size_t room = k->cap - k->len;
      int n = snprintf(k->out + k->len, room, spec, zh ? zh : s ? s : "(null)");
      if (n > 0)
        k->len += (size_t)n < room ? (size_t)n : room - 1;
    } else {
      PUT_ARG(k, spec, const char *, *ap);
    }
    return true;
  default:  /* floating point */
    if (!strcmp(len, "L")) PUT_ARG(k, spec, long double, *ap);
    else PUT_ARG(k, spec, double, *ap);
    return true;
  }
}

void
rd_message_vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
  struct sink k = {out, cap, 0};
  va_list args;
  va_copy(args, ap);
  out[0] = '\0';
  for (const char *p = fmt; *p && k.len < cap - 1;) {
    const char *pct = strchr(p, '%');
    size_t n = pct ? (size_t)(pct - p) : strlen(p);
    put(&k, p, n);
    p += n;
    if (!pct)
      break;
    if (pct[1] == '%') {
      put(&k, "%", 1);
      p = pct + 2;
      continue;
    }
    p = pct + 1;
    if (!convert(&k, &p, &args))
      break;
  }
  va_end(args);
  /* Cut short: drop a partial UTF-8 character at the end. */
  if (k.len == cap - 1 && k.len > 0) {
    size_t i = k.len;
    while (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0x80)
      i--;
    if (i > 0 && ((unsigned char)out[i - 1] & 0x80)) {
      unsigned char lead = (unsigned char)out[i - 1];
      size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (k.len - (i - 1) < want)
        out[i - 1] = '\0';
    }
  }
}
