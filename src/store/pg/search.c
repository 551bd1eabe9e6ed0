/* store/pg/search.c - full-text search on PostgreSQL: a complaint's text as
 * a tsvector of the shared search tokens (store/tokens.c), and a user's
 * query as a tsquery of phrases over the same tokens (0002_search.sql).
 *
 * The tsvector and tsquery are built here as text and bound as parameters
 * (cast in SQL), never spliced: the user's text only ever appears quoted
 * inside a lexeme, with quotes and backslashes escaped. Positions follow
 * FTS5's: each token takes the next position except a colocated unigram,
 * and the fields are kept a position apart so no phrase spans two of them.
 * tsvector positions stop at 16383: a phrase beyond that in a very long
 * text may be missed (single tokens are still found).
 */
#include <string.h>

#include "store/pg/pg_int.h"
#include "store/tokens.h"
#include "util/arena.h"
#include "util/buf.h"

enum { POS_MAX = 16383 };

/* Appends tok as a quoted lexeme: ' doubled, \ escaped. */
static void
put_lexeme(struct rd_buf *b, const char *tok, int len)
{
  rd_buf_putc(b, '\'');
  for (int i = 0; i < len; i++) {
    if (tok[i] == '\'' || tok[i] == '\\')
      rd_buf_putc(b, tok[i] == '\'' ? '\'' : '\\');
    rd_buf_putc(b, tok[i]);
  }
  rd_buf_putc(b, '\'');
}

struct doc {
  struct rd_buf buf;
  int pos;            /* of the last token */
};

static int
doc_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
  struct doc *d = ctx;
  (void)start; (void)end;
  if (!(flags & RD_TOKEN_COLOCATED) || d->pos == 0)
    d->pos++;
  if (d->buf.len)
    rd_buf_putc(&d->buf, ' ');
  put_lexeme(&d->buf, tok, len);
  rd_buf_printf(&d->buf, ":%d", d->pos < POS_MAX ? d->pos : POS_MAX);
  return 0;
}

const char *
rd_pg_search_document(struct rd_arena *a, const struct rd_complaint *c,
                      const char *cust_name, const char *cust_phone)
{
  const char *fields[] = { c->subject, c->content, c->demands, c->number,
                           cust_name, cust_phone };
  struct doc d = { {0}, 0 };
  const char *out;

  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    if (fields[i] == NULL)
      continue;
    rd_tokens(fields[i], (int)strlen(fields[i]), false, &d, doc_token);
    d.pos++; /* a gap: no phrase across two fields */
  }
  out = rd_arena_strdup(a, d.buf.len ? d.buf.data : "");
  rd_buf_free(&d.buf);
  return out;
}

/* ---- queries ---------------------------------------------------------------- */

struct phrase {
  struct rd_buf *buf;
  int n;              /* tokens in this phrase */
};

static int
query_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
  struct phrase *p = ctx;
  (void)flags; (void)start; (void)end;
  if (p->n++)
    rd_buf_puts(p->buf, " <-> ");
  put_lexeme(p->buf, tok, len);
  return 0;
}

static bool
is_space(const char *p, int *len)
{
  unsigned char c = (unsigned char)*p;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    *len = 1;
    return true;
  }
  if (c == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80) {
    *len = 3; /* U+3000 IDEOGRAPHIC SPACE */
    return true;
  }
  return false;
}

const char *
rd_pg_search_query(struct rd_arena *a, const char *q)
{
  struct rd_buf b = {0};
  const char *p = q, *out = NULL;
  int pieces = 0;

  /* Each whitespace-separated piece is one phrase; the phrases are ANDed.
   * Pieces that give no token are dropped, as on SQLite. */
  while (*p) {
    const char *start;
    int sl;
    while (*p && is_space(p, &sl))
      p += sl;
    start = p;
    while (*p && !is_space(p, &sl))
      p++;
    if (p == start)
      break;
    if (rd_tokens_count(start, (int)(p - start)) == 0)
      continue;
    if (pieces++)
      rd_buf_puts(&b, " & ");
    rd_buf_putc(&b, '(');
    struct phrase ph = { &b, 0 };
    rd_tokens(start, (int)(p - start), true, &ph, query_token);
    rd_buf_putc(&b, ')');
  }
  if (pieces)
    out = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return out;
}
