/* store/sqlite/list.c - the complaint list: filters, full-text search, sort
 * orders and keyset (cursor) pagination on SQLite.
 *
 * The WHERE clause depends on which filters are set, so the SQL text is
 * built per call from fixed fragments (user values are always bound, never
 * spliced; only integers and vocabulary names from masks are inlined) and the
 * prepared statement is cached per connection by its text. Every order ends
 * in the id, so a cursor - the last row's sort key and id - resumes exactly.
 * The filter is checked first, as on PostgreSQL (store/list_filter.c).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/cursor.h"
#include "store/list_filter.h"
#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"

enum { SQL_MAX = 32768, BINDS_MAX = 192 };

/* Search plans by how many complaints match the text (counted up to
 * FTS_MANY): few - fetch the matches and sort them; many - walk the
 * ordering index and keep rows in the (materialised) match set; very many -
 * walk the index and probe the search index per row, stopping at the page. */
enum { FTS_FEW = 1000, FTS_MANY = 50000, OVERDUE_FEW = 5000 };

/* How each sort orders rows (its cursor letter: store/list_filter.c). */
static const struct {
  const char *after;   /* keyset condition: rows after (key, id) = (?, ?) */
  const char *order;    /* by result aliases (k_*): also valid for UNION ALL */
} sorts[] = {
  [RD_SORT_RECEIVED_DESC] = { "(c.received_at, c.id) < (?, ?)",
                              "k_received DESC, k_id DESC" },
  [RD_SORT_RECEIVED_ASC]  = { "(c.received_at, c.id) > (?, ?)",
                              "k_received ASC, k_id ASC" },
  [RD_SORT_DUE]           = { "(c.due_key, c.id) > (?, ?)",
                              "k_due ASC, k_id ASC" },
};
_Static_assert(sizeof sorts / sizeof *sorts == RD_LIST_SORTS, "SQL for every sort order");

struct bind {
  bool is_text;
  int64_t i;
  const char *t;
};

struct query {
  char sql[SQL_MAX];
  size_t len;
  bool overflow;
  struct bind binds[BINDS_MAX];
  int n_binds;
  bool where_started;
};

static void
add(struct query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add(struct query *q, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (q->overflow)
    return;
  va_start(ap, fmt);
  n = vsnprintf(q->sql + q->len, sizeof q->sql - q->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof q->sql - q->len)
    q->overflow = true;
  else
    q->len += (size_t)n;
}

/* Starts the next condition of the shared WHERE part (joined by AND). */
static void
cond(struct query *q)
{
  if (q->where_started)
    add(q, " AND ");
  q->where_started = true;
}

static void
bind_int(struct query *q, int64_t v)
{
  if (q->n_binds < BINDS_MAX)
    q->binds[q->n_binds++] = (struct bind){ .i = v };
  else
    q->overflow = true;
}

static void
bind_text(struct query *q, const char *t)
{
  if (q->n_binds < BINDS_MAX)
    q->binds[q->n_binds++] = (struct bind){ .is_text = true, .t = t };
  else
    q->overflow = true;
}

/* ---- the search expression --------------------------------------------------- */

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

/* Turns the user's text into an FTS5 expression: each whitespace-separated
 * piece becomes one quoted phrase (quotes doubled), ANDed - so no user text
 * is ever read as FTS5 syntax. Pieces that give no token are dropped;
 * NULL when nothing remains. */
static char *
match_expression(struct rd_arena *a, const char *q)
{
  size_t qlen = strlen(q);
  char *out = rd_arena_alloc(a, qlen * 2 + qlen / 2 * 7 + 8);
  size_t o = 0;
  const char *p = q;

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
    if (rd_sqlite_tokenizer_count(start, (int)(p - start)) == 0)
      continue;
    if (o) {
      memcpy(out + o, " AND ", 5);
      o += 5;
    }
    out[o++] = '"';
    for (const char *c = start; c < p; c++) {
      if (*c == '"')
        out[o++] = '"';
      out[o++] = *c;
    }
    out[o++] = '"';
  }
  out[o] = '\0';
  return o ? out : NULL;
}

/* ---- the query ----------------------------------------------------------------- */

static void
add_int_set(struct query *q, const char *col, unsigned mask, int count)
{
  const char *sep = "";
  cond(q);
  add(q, "%s IN (", col);
  for (int v = 0; v < count; v++)
    if (mask & (1u << v)) {
      add(q, "%s%d", sep, v);
      sep = ",";
    }
  add(q, ")");
}

static const char fts_driven[] =
  "c.id IN (SELECT rowid FROM search.complaints_fts WHERE complaints_fts MATCH ?)";
static const char fts_scan[] = /* unary + keeps the id from driving the plan */
  "+c.id IN (SELECT rowid FROM search.complaints_fts WHERE complaints_fts MATCH ?)";
static const char fts_probe[] =
  "EXISTS (SELECT 1 FROM search.complaints_fts WHERE complaints_fts MATCH ?"
  " AND rowid = c.id)";

/* Picks the search clause for expr on c; *none when nothing matches. */
static enum rd_status
fts_clause(struct rd_sqlite_conn *c, const char *expr, const char **clause,
           bool *none, struct rd_error *err)
{
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_FTS_COUNT, err);
  int64_t count;
  int src;

  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 2, FTS_MANY);
  src = sqlite3_step(s);
  count = sqlite3_column_int64(s, 0);
  rd_sqlite_done(s);
  if (src != SQLITE_ROW)
    return rd_sqlite_fail(c->db, src, "search", err);
  *none = count == 0;
  *clause = count < FTS_FEW ? fts_driven : count < FTS_MANY ? fts_scan : fts_probe;
  return RD_OK;
}

/* Whether fewer than OVERDUE_FEW open complaints are past due at now. */
static enum rd_status
overdue_few(struct rd_sqlite_conn *c, int64_t now, bool *few,
            struct rd_error *err)
{
  sqlite3_stmt *s = rd_sqlite_stmt(c, SQ_OVERDUE_COUNT, err);
  int src;

  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  sqlite3_bind_int64(s, 1, now);
  sqlite3_bind_int(s, 2, OVERDUE_FEW);
  src = sqlite3_step(s);
  *few = sqlite3_column_int64(s, 0) < OVERDUE_FEW;
  rd_sqlite_done(s);
  if (src != SQLITE_ROW)
    return rd_sqlite_fail(c->db, src, "overdue count", err);
  return RD_OK;
}

enum rd_status
rd_sqlite_complaint_list(struct rd_store *st,
                         const struct rd_complaint_filter *f,
                         struct rd_arena *a, struct rd_complaint_page *out,
                         struct rd_error *err)
{
  struct query *w = rd_arena_alloc(a, sizeof *w); /* shared conditions */
  struct query *q = rd_arena_alloc(a, sizeof *q); /* the statement */
  struct rd_sqlite_conn *c = NULL;
  sqlite3_stmt *s;
  struct rd_list_filter lf;
  int limit;
  const char *expr = NULL;
  enum rd_status rc = RD_OK;
  int src;
  size_t n = 0;

  memset(out, 0, sizeof *out);
  w->len = q->len = 0;
  w->n_binds = q->n_binds = 0;
  w->overflow = q->overflow = false;
  w->where_started = q->where_started = false;
  w->sql[0] = q->sql[0] = '\0';

  if (f->q)
    expr = match_expression(a, f->q);
  rc = rd_list_filter_check(f, expr != NULL, &lf, err);
  if (rc != RD_OK)
    return rc;
  limit = lf.limit;

  if (lf.severity_mask)
    add_int_set(w, "c.severity", lf.severity_mask, 6);
  if (lf.channel_mask) {
    const char *sep = "";
    cond(w);
    add(w, "c.channel IN (");
    for (int v = 0; v < RD_CHANNEL_COUNT; v++)
      if (lf.channel_mask & (1u << v)) {
        add(w, "%s'%s'", sep, rd_channel_name((enum rd_channel)v));
        sep = ",";
      }
    add(w, ")");
  }
  static const struct {
    size_t offset;       /* of an int64_t filter field; 0 = not set */
    const char *cond;
  } id_filters[] = {
    { offsetof(struct rd_complaint_filter, department_id),       "c.department_id = ?" },
    { offsetof(struct rd_complaint_filter, scope_department_id), "c.department_id = ?" },
    { offsetof(struct rd_complaint_filter, category_id),         "c.category_id = ?" },
    { offsetof(struct rd_complaint_filter, site_id),             "c.site_id = ?" },
    { offsetof(struct rd_complaint_filter, assignee_id),         "c.assignee_id = ?" },
    { offsetof(struct rd_complaint_filter, customer_id),         "c.customer_id = ?" },
  };
  for (size_t i = 0; i < sizeof id_filters / sizeof *id_filters; i++) {
    int64_t v;
    memcpy(&v, (const char *)f + id_filters[i].offset, sizeof v);
    if (v == 0)
      continue;
    cond(w);
    add(w, "%s", id_filters[i].cond);
    bind_int(w, v);
  }
  if (f->customer_phone) {
    cond(w);
    add(w, "c.customer_id = (SELECT id FROM customers WHERE phone = ?)"
           " AND c.anonymised_at IS NULL");
    bind_text(w, f->customer_phone);
  }
  if (f->received_from) {
    cond(w);
    add(w, "c.received_at >= ?");
    bind_int(w, f->received_from);
  }
  if (f->received_to) {
    cond(w);
    add(w, "c.received_at < ?");
    bind_int(w, f->received_to);
  }
  if (lf.has_cursor) {
    cond(w);
    add(w, "%s", sorts[lf.sort].after);
    bind_int(w, lf.cursor_key);
    bind_int(w, lf.cursor_id);
  }

  rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  if (f->overdue) {
    /* due_key is "never" for closed complaints and those without one. Few
     * overdue: let the due index drive and sort them; many (or sorting by
     * due anyway): filter while walking the order's index. */
    bool few = false;
    if (f->sort != RD_SORT_DUE) {
      rc = overdue_few(c, f->now, &few, err);
      if (rc != RD_OK)
        goto out;
    }
    cond(w);
    add(w, few ? "c.id IN (SELECT id FROM complaints WHERE due_key < ?)"
               : "c.due_key < ?");
    bind_int(w, f->now);
  }
  if (expr) {
    const char *clause = fts_driven;
    bool none = false;
    rc = rd_sqlite_search_wait(st->impl, c, err);
    if (rc != RD_OK)
      goto out;
    rc = fts_clause(c, expr, &clause, &none, err);
    if (rc != RD_OK || none) /* nothing matches: an empty page */
      goto out;
    cond(w);
    add(w, "%s", clause);
    bind_text(w, expr);
  }

  /* Several states: one arm per state, merged in order by SQLite (MERGE
   * UNION ALL), so each arm walks its (status, key) index and the page
   * stops early instead of sorting every matching row. */
  for (int v = 0, arms = 0; v < RD_STATE_COUNT; v++) {
    if (lf.status_mask == 0 && v > 0)
      break; /* no state filter: a single arm */
    if (lf.status_mask && !(lf.status_mask & (1u << v)))
      continue;
    if (arms++)
      add(q, " UNION ALL ");
    add(q, "SELECT %s, c.id AS k_id, c.received_at AS k_received,"
           " c.due_key AS k_due FROM complaints c"
           " JOIN customers cu ON cu.id = c.customer_id", rd_sqlite_complaint_cols);
    if (lf.status_mask)
      add(q, " WHERE c.status = %d%s%s", v, w->len ? " AND " : "", w->sql);
    else if (w->len)
      add(q, " WHERE %s", w->sql);
    for (int i = 0; i < w->n_binds; i++) {
      if (q->n_binds >= BINDS_MAX)
        q->overflow = true;
      else
        q->binds[q->n_binds++] = w->binds[i];
    }
  }
  add(q, " ORDER BY %s LIMIT ?", sorts[lf.sort].order);
  bind_int(q, limit + 1); /* one more tells whether there is a next page */
  if (q->overflow || w->overflow) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "list query too long");
    goto out;
  }

  s = rd_sqlite_stmt_text(c, q->sql, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  for (int i = 0; i < q->n_binds; i++) {
    if (q->binds[i].is_text)
      sqlite3_bind_text(s, i + 1, q->binds[i].t, -1, SQLITE_STATIC);
    else
      sqlite3_bind_int64(s, i + 1, q->binds[i].i);
  }
  out->items = rd_arena_alloc(a, sizeof *out->items * (size_t)(limit + 1));
  while (n < (size_t)limit + 1 && (src = sqlite3_step(s)) == SQLITE_ROW)
    rd_sqlite_complaint_read(s, 0, a, &out->items[n++]);
  if (n < (size_t)limit + 1 && src != SQLITE_DONE)
    rc = rd_sqlite_fail(c->db, src, "complaint list", err);
  rd_sqlite_done(s);
out:
  rd_sqlite_reader_release(st, c);
  if (rc != RD_OK) {
    memset(out, 0, sizeof *out);
    return rc;
  }
  if (n > (size_t)limit) {
    const struct rd_complaint *last = &out->items[limit - 1];
    int64_t key = f->sort == RD_SORT_DUE ? rd_sqlite_due_key(last)
                                         : last->received_at;
    out->next_cursor = rd_cursor_encode(a, lf.letter, key, last->id);
    n = (size_t)limit;
  }
  out->n = n;
  return RD_OK;
}
