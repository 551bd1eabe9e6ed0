/* store/pg/list.c - the complaint list on PostgreSQL: filters, sort orders
 * and keyset (cursor) pagination, row for row the same as SQLite's
 * (store/sqlite/list.c), with the same cursors (store/cursor.c) and the
 * same checks of the filter (store/list_filter.c).
 *
 * The WHERE clause depends on which filters are set, so the SQL text is
 * built per call from fixed fragments: user values are always bound ($n),
 * never spliced; only integers and vocabulary names from masks are inlined.
 * Each distinct text is prepared once per connection under its own name
 * (a small per-connection cache, pg_int.h). Every order ends in the id, so
 * a cursor - the last row's sort key and id - resumes exactly. A filter on
 * several states becomes one UNION ALL arm per state, each ordered and
 * limited by itself, so each reads at most a page from its (status, key,
 * id) index, and the outer ORDER BY merges them. A search for a phrase is
 * looked for among the newest rows first (run_windowed says why).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "store/cursor.h"
#include "store/list_filter.h"
#include "store/pg/pg_int.h"
#include "util/arena.h"

enum { SQL_MAX = 32768 };

/* How each sort orders rows (its cursor letter: store/list_filter.c); the
 * keyset condition takes the two parameters numbered %d and %d. */
struct sort_order {
  const char *after;    /* rows after a key */
  const char *upto;     /* rows up to and including a key (search windows) */
  const char *key;      /* the result alias of the sort key */
  const char *order;    /* by result aliases (k_*): also valid for UNION ALL */
  const char *reverse;
};

static const struct sort_order sorts[] = {
  [RD_SORT_RECEIVED_DESC] = { "(c.received_at, c.id) < ($%d, $%d)",
    "(c.received_at, c.id) >= ($%d, $%d)", "k_received",
    "k_received DESC, k_id DESC", "k_received ASC, k_id ASC" },
  [RD_SORT_RECEIVED_ASC]  = { "(c.received_at, c.id) > ($%d, $%d)",
    "(c.received_at, c.id) <= ($%d, $%d)", "k_received",
    "k_received ASC, k_id ASC", "k_received DESC, k_id DESC" },
  [RD_SORT_DUE]           = { "(c.due_key, c.id) > ($%d, $%d)",
    "(c.due_key, c.id) <= ($%d, $%d)", "k_due",
    "k_due ASC, k_id ASC", "k_due DESC, k_id DESC" },
};
_Static_assert(sizeof sorts / sizeof *sorts == RD_LIST_SORTS, "SQL for every sort order");

/* A phrase search's windows: the first from the uri (search_window), each
 * next this many times larger, then none. */
enum { WINDOW_GROWTH = 10, WINDOW_STEPS = 2 };

struct query {
  char sql[SQL_MAX];
  size_t len;
  bool overflow;
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

/* Appends the statement over the conditions in w: one arm per state of
 * status_mask (none: a single arm), each ordered and limited by itself when
 * there are several (see the top of the file), merged by the outer ORDER
 * BY ... LIMIT $limit_param. keys_only selects only the sort keys. */
static void
add_arms(struct query *q, const struct query *w, unsigned status_mask,
         const struct sort_order *so, bool keys_only, int limit_param)
{
  bool several = status_mask & (status_mask - 1); /* more than one state */
  for (int v = 0, arms = 0; v < RD_STATE_COUNT; v++) {
    if (status_mask == 0 && v > 0)
      break; /* no state filter: a single arm */
    if (status_mask && !(status_mask & (1u << v)))
      continue;
    if (arms++)
      add(q, " UNION ALL ");
    if (keys_only)
      add(q, "(SELECT c.id AS k_id, c.received_at AS k_received,"
             " c.due_key AS k_due FROM complaints c");
    else
      add(q, "(SELECT %s, c.id AS k_id, c.received_at AS k_received,"
             " c.due_key AS k_due FROM complaints c"
             " JOIN customers cu ON cu.id = c.customer_id", rd_pg_complaint_cols);
    if (status_mask)
      add(q, " WHERE c.status = %d%s%s", v, w->len ? " AND " : "", w->sql);
    else if (w->len)
      add(q, " WHERE %s", w->sql);
    if (several)
      add(q, " ORDER BY %s LIMIT $%d", so->order, limit_param);
    add(q, ")");
  }
  add(q, " ORDER BY %s LIMIT $%d", so->order, limit_param);
}

/* One page (limit + 1 rows, the last telling whether a next page exists)
 * of the rows meeting w and p, the search query (may be NULL) and, when
 * upto is given (its key and id), no further in the order than it. With
 * upto, the query is tested row by row (ts_match_vq, the function behind
 * @@, which no index serves): the rows up to the key are read from the
 * order's index, whatever the planner expects of the query. */
static enum rd_status
run_page(struct rd_pg_conn *c, struct rd_arena *a, const struct query *base,
         const struct rd_pg_args *base_args,
         unsigned status_mask, const struct sort_order *so, const char *query,
         const int64_t upto[2], int limit, PGresult **r, struct rd_error *err)
{
  struct query *w = rd_arena_alloc(a, sizeof *w), *q = rd_arena_zalloc(a, sizeof *q);
  struct rd_pg_args *p = rd_arena_alloc(a, sizeof *p);

  *w = *base;
  *p = *base_args;
  if (upto) {
    rd_pg_arg_int(p, upto[0]);
    rd_pg_arg_int(p, upto[1]);
    cond(w);
    add(w, so->upto, p->n - 1, p->n);
  }
  if (query) {
    /* The GIN index finds the rows with every token; positions decide the
     * phrases. */
    rd_pg_arg_text(p, query);
    cond(w);
    add(w, upto ? "ts_match_vq(c.search, $%d::tsquery)" : "c.search @@ $%d::tsquery", p->n);
  }
  rd_pg_arg_int(p, limit + 1);
  add_arms(q, w, status_mask, so, false, p->n);
  if (q->overflow || w->overflow)
    return rd_error_set(err, RD_E_INTERNAL, "", "list query too long");
  return rd_pg_run_text(c, q->sql, p, r, "complaint list", err);
}

/* Whether a search query is several tokens (a phrase, or pieces ANDed):
 * those are what the planner misjudges (below). */
static bool
is_phrase(const char *query)
{
  return strstr(query, "<->") || strstr(query, " & ");
}

/* A phrase search, exactly as run_page would answer it, but looked for
 * first among the newest rows in the list's order when many rows could
 * hold it. PostgreSQL estimates a phrase from its tokens as if they were
 * independent, and a phrase's overlapping bigrams are anything but: it
 * expects a handful of rows, takes every match from the GIN index, reads
 * and checks each, and sorts them - 1.3 s at a million complaints for a
 * phrase 4% of them hold (docs/store.md). So: bound the matches by the
 * rarest token's share (ANALYZE's statistics, search.c). Few, or no
 * statistics yet: the GIN lookup is cheap, let it run. Many: find the key
 * of the window's last row (the first `search_window` rows meeting the
 * other filters, in the list's order), and test the rows up to it one by
 * one. Every row past that key comes after every row in the window, so a
 * full page found there is the answer, as is whatever a window holding the
 * whole list gives; otherwise try a window WINDOW_GROWTH times larger, and
 * after WINDOW_STEPS of them the GIN lookup after all. One read-only
 * snapshot for all of it, so the windows and the answer see the same
 * rows. */
static enum rd_status
run_windowed(struct rd_pg *pg, struct rd_pg_conn *c, struct rd_arena *a, const struct query *w,
             const struct rd_pg_args *p, unsigned status_mask,
             const struct sort_order *so, const char *query,
             const char *const *tokens, size_t n_tokens, int limit,
             PGresult **r, struct rd_error *err)
{
  struct query *probe = rd_arena_zalloc(a, sizeof *probe);
  struct rd_pg_args *pp = rd_arena_alloc(a, sizeof *pp);
  PGresult *k = NULL;
  enum rd_status rc;
  int64_t window = pg->search_window;
  double bound = rd_pg_search_bound(pg, c, tokens, n_tokens);

  *r = NULL;
  rc = rd_pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "search snapshot", err);
  for (int step = 0; rc == RD_OK; step++) {
    int64_t upto[2];
    bool whole;

    if (step == WINDOW_STEPS || bound <= (double)window) {
      rc = run_page(c, a, w, p, status_mask, so, query, NULL, limit, r, err);
      break;
    }
    /* The window's last row and how many rows it has. */
    *pp = *p;
    rd_pg_arg_int(pp, window);
    probe->len = 0;
    probe->overflow = false;
    add(probe, "SELECT %s, k_id, count(*) OVER () FROM (", so->key);
    add_arms(probe, w, status_mask, so, true, pp->n);
    add(probe, ") t ORDER BY %s LIMIT 1", so->reverse);
    if (probe->overflow) {
      rc = rd_error_set(err, RD_E_INTERNAL, "", "list query too long");
      break;
    }
    rc = rd_pg_run_text(c, probe->sql, pp, &k, "search window", err);
    if (rc != RD_OK)
      break;
    if (PQntuples(k) == 0) {
      /* Nothing meets the other filters: an empty page, as run_page's. */
      PQclear(k);
      k = NULL;
      rc = run_page(c, a, w, p, status_mask, so, query, NULL, limit, r, err);
      break;
    }
    upto[0] = rd_pg_int(k, 0, 0);
    upto[1] = rd_pg_int(k, 0, 1);
    whole = rd_pg_int(k, 0, 2) < window;
    PQclear(k);
    k = NULL;
    rc = run_page(c, a, w, p, status_mask, so, query, upto, limit, r, err);
    if (rc != RD_OK || whole || PQntuples(*r) > limit)
      break;
    PQclear(*r);
    *r = NULL;
    window *= WINDOW_GROWTH;
  }
  /* Read-only: ending it either way changes nothing; a failure to end it
   * leaves a broken connection, which the pool replaces. */
  if (rc == RD_OK) {
    rc = rd_pg_exec(c, "COMMIT", "search snapshot", err);
  } else {
    struct rd_error ignored;
    rd_pg_exec(c, "ROLLBACK", "search snapshot", &ignored);
  }
  if (rc != RD_OK) {
    PQclear(*r);
    *r = NULL;
  }
  return rc;
}

enum rd_status
rd_pg_complaint_list(struct rd_store *st, const struct rd_complaint_filter *f,
                     struct rd_arena *a, struct rd_complaint_page *out,
                     struct rd_error *err)
{
  struct query *w = rd_arena_zalloc(a, sizeof *w); /* shared conditions */
  struct rd_pg_args *p = rd_arena_zalloc(a, sizeof *p);
  struct rd_pg_conn *c = NULL;
  PGresult *r = NULL;
  struct rd_list_filter lf;
  int limit;
  const char *query = NULL;
  const char **tokens = NULL;
  size_t n_tokens = 0;
  enum rd_status rc = RD_OK;
  size_t n = 0;

  memset(out, 0, sizeof *out);
  if (f->q)
    query = rd_pg_search_query(a, f->q, &tokens, &n_tokens);
  rc = rd_list_filter_check(f, query != NULL, &lf, err);
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
    const char *cond;    /* with one parameter */
  } id_filters[] = {
    { offsetof(struct rd_complaint_filter, department_id),       "c.department_id = $%d" },
    { offsetof(struct rd_complaint_filter, scope_department_id), "c.department_id = $%d" },
    { offsetof(struct rd_complaint_filter, category_id),         "c.category_id = $%d" },
    { offsetof(struct rd_complaint_filter, site_id),             "c.site_id = $%d" },
    { offsetof(struct rd_complaint_filter, assignee_id),         "c.assignee_id = $%d" },
    { offsetof(struct rd_complaint_filter, customer_id),         "c.customer_id = $%d" },
  };
  for (size_t i = 0; i < sizeof id_filters / sizeof *id_filters; i++) {
    int64_t v;
    memcpy(&v, (const char *)f + id_filters[i].offset, sizeof v);
    if (v == 0)
      continue;
    rd_pg_arg_int(p, v);
    cond(w);
    add(w, id_filters[i].cond, p->n);
  }
  if (f->customer_phone) {
    rd_pg_arg_text(p, f->customer_phone);
    cond(w);
    add(w, "c.customer_id = (SELECT id FROM customers WHERE phone = $%d)"
           " AND c.anonymised_at IS NULL", p->n);
  }
  if (f->received_from) {
    rd_pg_arg_int(p, f->received_from);
    cond(w);
    add(w, "c.received_at >= $%d", p->n);
  }
  if (f->received_to) {
    rd_pg_arg_int(p, f->received_to);
    cond(w);
    add(w, "c.received_at < $%d", p->n);
  }
  if (lf.has_cursor) {
    rd_pg_arg_int(p, lf.cursor_key);
    rd_pg_arg_int(p, lf.cursor_id);
    cond(w);
    add(w, sorts[lf.sort].after, p->n - 1, p->n);
  }
  if (f->overdue) {
    /* due_key is "never" for closed complaints and those without one. */
    rd_pg_arg_int(p, f->now);
    cond(w);
    add(w, "c.due_key < $%d", p->n);
  }

  rc = rd_pg_acquire(st->impl, &c, err);
  if (rc != RD_OK)
    return rc;
  const struct sort_order *so = &sorts[lf.sort];
  if (query && is_phrase(query))
    rc = run_windowed(st->impl, c, a, w, p, lf.status_mask, so, query, tokens,
                      n_tokens, limit, &r, err);
  else
    rc = run_page(c, a, w, p, lf.status_mask, so, query, NULL, limit, &r, err);
  if (rc != RD_OK)
    goto out;
  out->items = rd_arena_alloc(a, sizeof *out->items * (size_t)(limit + 1));
  for (int i = 0; i < PQntuples(r) && n < (size_t)limit + 1; i++)
    rd_pg_complaint_read(r, i, a, &out->items[n++]);
out:
  PQclear(r);
  rd_pg_release(st->impl, c);
  if (rc != RD_OK) {
    memset(out, 0, sizeof *out);
    return rc;
  }
  if (n > (size_t)limit) {
    const struct rd_complaint *last = &out->items[limit - 1];
    int64_t key = f->sort == RD_SORT_DUE ? rd_pg_due_key(last) : last->received_at;
    out->next_cursor = rd_cursor_encode(a, lf.letter, key, last->id);
    n = (size_t)limit;
  }
  out->n = n;
  return RD_OK;
}
