/* util/buf.h - a growable byte buffer, always NUL-terminated.
 *
 * The buffer owns data; rd_buf_free() releases it. Use it for output whose
 * size is not known in advance (JSON, SQL text, metrics).
 */
#ifndef RD_UTIL_BUF_H
#define RD_UTIL_BUF_H

#include <stddef.h>

struct rd_buf {
  char *data; /* NUL-terminated, or NULL before the first append */
  size_t len, cap;
};

void rd_buf_append(struct rd_buf *b, const void *p, size_t n);
void rd_buf_puts(struct rd_buf *b, const char *s);
void rd_buf_putc(struct rd_buf *b, char c);
void rd_buf_printf(struct rd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
void rd_buf_json_string(struct rd_buf *b, const char *s);
void rd_buf_reset(struct rd_buf *b);
/* Releases data; accepts a zeroed buffer. */
void rd_buf_free(struct rd_buf *b);

#endif
