/* util/buf.c - growable buffer with doubling capacity. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"

static void
reserve(struct rd_buf *b, size_t extra)
{
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  b->data = rd_xrealloc(b->data, cap);
  b->cap = cap;
}

void
rd_buf_append(struct rd_buf *b, const void *p, size_t n)
{
  reserve(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void
rd_buf_puts(struct rd_buf *b, const char *s)
{
  rd_buf_append(b, s, strlen(s));
}

void
rd_buf_putc(struct rd_buf *b, char c)
{
  rd_buf_append(b, &c, 1);
}

void
rd_buf_printf(struct rd_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0)
    return;
  reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void
rd_buf_json_string(struct rd_buf *b, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  rd_buf_putc(b, '"');
  const unsigned char *p = (const unsigned char *)s;
  const unsigned char *run = p;
  for (; *p; p++) {
    const char *esc = NULL;
    char u[7];
    switch (*p) {
    case '"': esc = "\\\""; break;
    case '\\': esc = "\\\\"; break;
    case '\n': esc = "\\n"; break;
    case '\r': esc = "\\r"; break;
    case '\t': esc = "\\t"; break;
    case '<': esc = "\\u003c"; break; /* keeps JSON inert inside HTML */
    case '>': esc = "\\u003e"; break;
    case '&': esc = "\\u0026"; break;
    default:
      if (*p < 0x20) {
        u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
        u[4] = hex[*p >> 4]; u[5] = hex[*p & 15]; u[6] = '\0';
        esc = u;
      }
    }
    if (esc) {
      rd_buf_append(b, run, (size_t)(p - run));
      rd_buf_puts(b, esc);
      run = p + 1;
    }
  }
  rd_buf_append(b, run, (size_t)(p - run));
  rd_buf_putc(b, '"');
}

void
rd_buf_reset(struct rd_buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void
rd_buf_free(struct rd_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
