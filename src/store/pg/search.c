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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "store/tokens.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/time.h"

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
  struct rd_arena *a;
  const char ***tokens; /* NULL: not wanted */
  size_t *n_tokens, *cap;
};

static int
query_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
  struct phrase *p = ctx;
  (void)flags; (void)start; (void)end;
  if (p->n++)
    rd_buf_puts(p->buf, " <-> ");
  put_lexeme(p->buf, tok, len);
  if (p->tokens) {
    if (*p->n_tokens == *p->cap) {
      size_t cap = *p->cap ? *p->cap * 2 : 16;
      const char **more = rd_arena_alloc(p->a, cap * sizeof *more);
      if (*p->n_tokens)
        memcpy(more, *p->tokens, *p->n_tokens * sizeof *more);
      *p->tokens = more;
      *p->cap = cap;
    }
    (*p->tokens)[(*p->n_tokens)++] = rd_arena_strndup(p->a, tok, (size_t)len);
  }
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
rd_pg_search_query(struct rd_arena *a, const char *q, const char ***tokens,
                   size_t *n_tokens)
{
  struct rd_buf b = {0};
  const char *p = q, *out = NULL;
  int pieces = 0;
  size_t cap = 0, n_ignored;

  if (tokens) {
    *tokens = NULL;
    *n_tokens = 0;
  } else {
    n_tokens = &n_ignored;
  }
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
    struct phrase ph = { &b, 0, a, tokens, n_tokens, &cap };
    rd_tokens(start, (int)(p - start), true, &ph, query_token);
    rd_buf_putc(&b, ')');
  }
  if (pieces)
    out = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return out;
}

/* ---- statistics for choosing a search plan ------------------------------------ */

enum { STATS_TTL_MS = 5 * 60 * 1000 };

struct stat_lexeme {
  char *text;
  double freq;          /* share of rows holding it */
};

struct rd_pg_search_stats {
  pthread_mutex_t lock;
  int64_t loaded_ms;    /* rd_time_mono_ms() of the last read; 0: never */
  struct stat_lexeme *lexemes; /* sorted by text */
  size_t n;
  double rows;          /* reltuples; <= 0: no statistics */
};

static int
by_text(const void *a, const void *b)
{
  return strcmp(((const struct stat_lexeme *)a)->text,
                ((const struct stat_lexeme *)b)->text);
}

static void
stats_clear(struct rd_pg_search_stats *s)
{
  for (size_t i = 0; i < s->n; i++)
    free(s->lexemes[i].text);
  free(s->lexemes);
  s->lexemes = NULL;
  s->n = 0;
  s->rows = -1;
}

/* Reads ANALYZE's most common lexemes of complaints.search with their
 * shares of the rows. Under s->lock. */
static void
stats_load(struct rd_pg_search_stats *s, struct rd_pg_conn *c)
{
  struct rd_pg_args p = {0};
  struct rd_error err = {0};
  PGresult *r = NULL;

  stats_clear(s);
  if (rd_pg_run_text(c,
        "SELECT u.e, u.f, (SELECT reltuples FROM pg_class WHERE oid = 'complaints'::regclass)"
        " FROM pg_stats st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs)"
        " WITH ORDINALITY AS u(e, f, i)"
        " WHERE st.schemaname = current_schema() AND st.tablename = 'complaints'"
        " AND st.attname = 'search' ORDER BY u.i", &p, &r, "search statistics", &err) != RD_OK) {
    /* Without statistics the plan is PostgreSQL's own: slower, never wrong. */
    rd_log_warn("store: search statistics unavailable: %s", err.detail);
    return;
  }
  int n = PQntuples(r);
  s->lexemes = rd_xcalloc((size_t)n + 1, sizeof *s->lexemes);
  for (int i = 0; i < n; i++) {
    double f = strtod(PQgetvalue(r, i, 1), NULL);
    if (PQgetisnull(r, i, 0))
      continue;   /* the numbers after the lexemes' own (pg_stats) */
    s->lexemes[s->n].text = rd_xstrdup(PQgetvalue(r, i, 0));
    s->lexemes[s->n++].freq = f;
  }
  s->rows = n ? strtod(PQgetvalue(r, 0, 2), NULL) : -1;
  qsort(s->lexemes, s->n, sizeof *s->lexemes, by_text);
  PQclear(r);
}

double
rd_pg_search_bound(struct rd_pg *pg, struct rd_pg_conn *c,
                   const char *const *tokens, size_t n)
{
  struct rd_pg_search_stats *s;
  double rarest = 1, bound;

  pthread_mutex_lock(&pg->lock);
  if (!pg->search_stats) {
    pg->search_stats = rd_xcalloc(1, sizeof *pg->search_stats);
    pthread_mutex_init(&pg->search_stats->lock, NULL);
    pg->search_stats->rows = -1;
  }
  s = pg->search_stats;
  pthread_mutex_unlock(&pg->lock);

  pthread_mutex_lock(&s->lock);
  int64_t now = rd_time_mono_ms();
  if (s->loaded_ms == 0 || now - s->loaded_ms > STATS_TTL_MS) {
    stats_load(s, c);
    s->loaded_ms = now;
  }
  if (s->rows <= 0) {
    pthread_mutex_unlock(&s->lock);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    struct stat_lexeme key = { (char *)tokens[i], 0 };
    const struct stat_lexeme *hit = bsearch(&key, s->lexemes, s->n, sizeof key, by_text);
    /* A token ANALYZE did not list is rarer than every listed one, but
     * by how much it cannot say (under 2.5% of a million generated
     * complaints is up to 25,000 rows): taken as rare, so the GIN lookup
     * runs - what a rare phrase needs, and what PostgreSQL did anyway. */
    double f = hit ? hit->freq : 0;
    if (f < rarest)
      rarest = f;
  }
  bound = rarest * s->rows;
  pthread_mutex_unlock(&s->lock);
  return bound;
}

void
rd_pg_search_stats_free(struct rd_pg *pg)
{
  if (!pg->search_stats)
    return;
  stats_clear(pg->search_stats);
  pthread_mutex_destroy(&pg->search_stats->lock);
  free(pg->search_stats);
  pg->search_stats = NULL;
}
