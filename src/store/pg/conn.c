/* store/pg/conn.c - PostgreSQL connections: the pool, prepared statements,
 * parameters, results and error mapping.
 *
 * A connection is used by one thread at a time (taken from the pool). Its
 * statements are prepared on first use under their enum name ("s<N>") and
 * kept for the connection's life; a connection that broke is closed when it
 * comes back to the pool, so its replacement prepares afresh.
 */
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"
#include "util/mem.h"

enum { POOL_DEFAULT = 8, POOL_MAX = 256 };

/* A phrase search's first window (store/pg/list.c); the limit only keeps a
 * typo from meaning "every row". */
enum { SEARCH_WINDOW_DEFAULT = 2000, SEARCH_WINDOW_MAX = 1000000 };

/* How long the server lets a session sit idle inside a transaction before
 * it ends it (see conn_open): no transaction of ours waits that long
 * between two statements. */
#define LEASE "60s"

/* ---- the uri ---------------------------------------------------------------- */

/* Our own uri parameters, which libpq would refuse: each is taken out of
 * the query string before libpq sees the rest. */
static const struct {
  const char *key;
  size_t offset;                /* of an int in struct rd_pg_uri_options */
  long min, max;
} own_params[] = {
  { "pool_size",     offsetof(struct rd_pg_uri_options, pool_size),     1, POOL_MAX },
  { "search_window", offsetof(struct rd_pg_uri_options, search_window), 1, SEARCH_WINDOW_MAX },
};

enum rd_status
rd_pg_parse_uri(const char *uri, char **conninfo,
                struct rd_pg_uri_options *opt, struct rd_error *err)
{
  char *s = rd_xstrdup(uri);
  char *q = strchr(s, '?');

  opt->pool_size = POOL_DEFAULT;
  opt->search_window = SEARCH_WINDOW_DEFAULT;
  *conninfo = NULL;
  for (size_t i = 0; i < sizeof own_params / sizeof *own_params; i++) {
    size_t klen = strlen(own_params[i].key);
    for (char *p = q; p != NULL; p = strchr(p + 1, '&')) {
      char *start = p + 1, *end, *num_end;
      long v;
      if (strncmp(start, own_params[i].key, klen) != 0 || start[klen] != '=')
        continue;
      end = strchr(start, '&');
      v = strtol(start + klen + 1, &num_end, 10);
      if (num_end == start + klen + 1 || (*num_end && *num_end != '&') ||
          v < own_params[i].min || v > own_params[i].max) {
        free(s);
        return rd_error_set(err, RD_E_INVALID, "db", "%s must be a number from %ld to %ld",
                            own_params[i].key, own_params[i].min, own_params[i].max);
      }
      *(int *)((char *)opt + own_params[i].offset) = (int)v;
      if (end)
        memmove(start, end + 1, strlen(end + 1) + 1);
      else
        *p = '\0'; /* it was last: drop its '?' or '&' too */
      if (p == q && !end)
        q = NULL; /* the query string is gone */
      break;
    }
  }
  *conninfo = s;
  return RD_OK;
}

/* ---- the pool ----------------------------------------------------------------- */

enum rd_status
rd_pg_conn_open(struct rd_pg *pg, struct rd_pg_conn **out, struct rd_error *err)
{
  struct rd_pg_conn *c = rd_xcalloc(1, sizeof *c);
  PGresult *r = NULL;
  enum rd_status rc = RD_OK;

  *out = NULL;
  c->pg = PQconnectdb(pg->conninfo);
  if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "db", "cannot connect: %s",
                      c->pg ? PQerrorMessage(c->pg) : "out of memory");
    goto out;
  }
  /* Instants are integers and texts are UTF-8 both ways, whatever the
   * server's defaults; the quiet level keeps NOTICEs out of the log. The
   * lease: a session left idle inside a transaction for LEASE (a node
   * frozen or cut off mid-sweep) is ended by the server, which rolls its
   * work back and frees its row locks for the other nodes; a value the
   * uri (options=-c idle_in_transaction_session_timeout=…), the role or
   * the database sets is kept. */
  r = PQexec(c->pg, "SET client_encoding = 'UTF8'; SET client_min_messages = warning;"
                    " SELECT set_config('idle_in_transaction_session_timeout', '" LEASE "',"
                    " false) WHERE current_setting('idle_in_transaction_session_timeout') = '0';"
                    " SET TIME ZONE 'UTC'");
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "db", "cannot set up: %s",
                      PQerrorMessage(c->pg));
    goto out;
  }
out:
  PQclear(r);
  if (rc != RD_OK) {
    rd_pg_conn_close(c);
    return rc;
  }
  *out = c;
  return RD_OK;
}

void
rd_pg_conn_close(struct rd_pg_conn *c)
{
  if (c == NULL)
    return;
  for (int i = 0; i < RD_PG_TEXT_CACHE; i++)
    free(c->texts[i].sql);
  PQfinish(c->pg);
  free(c);
}

enum rd_status
rd_pg_acquire(struct rd_pg *pg, struct rd_pg_conn **out, struct rd_error *err)
{
  struct rd_pg_conn *c = NULL;
  enum rd_status rc;

  *out = NULL;
  pthread_mutex_lock(&pg->lock);
  for (;;) {
    while (pg->idle) {
      c = pg->idle;
      pg->idle = c->next_idle;
      c->next_idle = NULL;
      if (PQstatus(c->pg) == CONNECTION_OK)
        break;
      rd_pg_conn_close(c); /* broke while idle: replace it */
      c = NULL;
      pg->open--;
    }
    if (c || pg->open < pg->pool_max)
      break;
    pthread_cond_wait(&pg->cond, &pg->lock);
  }
  if (c == NULL)
    pg->open++; /* our slot while we connect outside the lock */
  pthread_mutex_unlock(&pg->lock);
  if (c) {
    *out = c;
    return RD_OK;
  }
  rc = rd_pg_conn_open(pg, &c, err);
  if (rc != RD_OK) {
    pthread_mutex_lock(&pg->lock);
    pg->open--;
    pthread_cond_signal(&pg->cond);
    pthread_mutex_unlock(&pg->lock);
    return rc;
  }
  *out = c;
  return RD_OK;
}

void
rd_pg_release(struct rd_pg *pg, struct rd_pg_conn *c)
{
  if (c == NULL)
    return;
  pthread_mutex_lock(&pg->lock);
  if (PQstatus(c->pg) != CONNECTION_OK ||
      PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
    /* Lost, or left inside a transaction by a failure: never hand it out. */
    rd_pg_conn_close(c);
    pg->open--;
  } else {
    c->next_idle = pg->idle;
    pg->idle = c;
  }
  pthread_cond_signal(&pg->cond);
  pthread_mutex_unlock(&pg->lock);
}

/* ---- parameters ------------------------------------------------------------------ */

static int
next_arg(struct rd_pg_args *p)
{
  assert(p->n < RD_PG_MAX_PARAMS);
  p->fmt[p->n] = 0;
  p->len[p->n] = 0;
  return p->n++;
}

void
rd_pg_arg_text(struct rd_pg_args *p, const char *s)
{
  p->val[next_arg(p)] = s;
}

void
rd_pg_arg_int(struct rd_pg_args *p, int64_t v)
{
  int i = next_arg(p);
  snprintf(p->num[i], sizeof p->num[i], "%" PRId64, v);
  p->val[i] = p->num[i];
}

void
rd_pg_arg_id(struct rd_pg_args *p, int64_t v)
{
  if (v == 0)
    p->val[next_arg(p)] = NULL;
  else
    rd_pg_arg_int(p, v);
}

void
rd_pg_arg_bool(struct rd_pg_args *p, bool v)
{
  p->val[next_arg(p)] = v ? "t" : "f";
}

void
rd_pg_arg_bytes(struct rd_pg_args *p, const void *data, size_t len)
{
  int i = next_arg(p);
  assert(len <= INT32_MAX);
  p->val[i] = len ? data : "";
  p->len[i] = (int)len;
  p->fmt[i] = 1;
}

/* ---- statements and errors ------------------------------------------------------ */

/* Which request field a unique violation is about, by constraint name. */
static const struct {
  const char *constraint;
  const char *field;
} unique_fields[] = {
  { "categories_sibling_name",    "name" },
  { "users_username",             "username" },
  { "departments_code",           "code" },
  { "sites_code",                 "code" },
  { "customers_phone",            "customer.phone" },
  { "complaints_number",          "number" },
  { "idempotency_keys_pkey",      "idempotency_key" },
  { "api_tokens_token_sha256",    "token" },
  { "sessions_pkey",              "token" },
};

/* Maps a failed result (r may be NULL: no result at all) to a status. */
static enum rd_status
fail(struct rd_pg_conn *c, PGresult *r, const char *what, struct rd_error *err)
{
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
  const char *cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;

  c->retry = false;
  if (PQstatus(c->pg) != CONNECTION_OK || state == NULL ||
      strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
    return rd_error_set(err, RD_E_UNAVAILABLE, "", "database %s: connection lost: %s",
                        what, msg);
  if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
    c->retry = true;
    return rd_error_set(err, RD_E_UNAVAILABLE, "", "database %s: %s", what, msg);
  }
  if (strcmp(state, "23505") == 0) {
    for (size_t i = 0; cons && i < sizeof unique_fields / sizeof *unique_fields; i++)
      if (strcmp(cons, unique_fields[i].constraint) == 0)
        return rd_error_set(err, RD_E_DUPLICATE, unique_fields[i].field,
                            "already taken");
    return rd_error_set(err, RD_E_DUPLICATE, "", "already exists");
  }
  if (strcmp(state, "23503") == 0)
    return rd_error_set(err, RD_E_INVALID, "",
                        "refers to a record that does not exist");
  if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
    return rd_error_set(err, RD_E_INVALID, "", "%s: %s", what, msg);
  if (strncmp(state, "53", 2) == 0 || strcmp(state, "55P03") == 0 ||
      strcmp(state, "57014") == 0)
    return rd_error_set(err, RD_E_UNAVAILABLE, "", "database %s: %s", what, msg);
  return rd_error_set(err, RD_E_INTERNAL, "", "database %s: %s", what, msg);
}

enum rd_status
rd_pg_run(struct rd_pg_conn *c, enum rd_pg_stmt id, const struct rd_pg_args *p,
          PGresult **res, const char *what, struct rd_error *err)
{
  static const struct rd_pg_args none;
  char name[16];
  PGresult *r = NULL;
  enum rd_status rc = RD_OK;

  *res = NULL;
  if (p == NULL)
    p = &none;
  snprintf(name, sizeof name, "s%d", (int)id);
  if (!c->prepared[id]) {
    r = PQprepare(c->pg, name, rd_pg_sql(id), 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      rc = fail(c, r, what, err);
      goto out;
    }
    PQclear(r);
    c->prepared[id] = true;
  }
  r = PQexecPrepared(c->pg, name, p->n, p->val, p->len, p->fmt, 0);
  switch (PQresultStatus(r)) {
  case PGRES_TUPLES_OK:
  case PGRES_COMMAND_OK:
    *res = r;
    return RD_OK;
  default:
    rc = fail(c, r, what, err);
  }
out:
  PQclear(r);
  return rc;
}

/* FNV-1a: the text cache key. */
static uint64_t
hash_text(const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

enum rd_status
rd_pg_run_text(struct rd_pg_conn *c, const char *sql, const struct rd_pg_args *p,
               PGresult **res, const char *what, struct rd_error *err)
{
  uint64_t h = hash_text(sql);
  int slot = -1, free_slot = -1;
  char name[16];
  PGresult *r = NULL;
  enum rd_status rc = RD_OK;

  *res = NULL;
  for (int i = 0; i < RD_PG_TEXT_CACHE && slot < 0; i++) {
    if (c->texts[i].sql == NULL) {
      if (free_slot < 0)
        free_slot = i;
    } else if (c->texts[i].hash == h && strcmp(c->texts[i].sql, sql) == 0) {
      slot = i;
    }
  }
  if (slot < 0) {
    slot = free_slot;
    if (slot < 0) { /* full: evict round-robin; shapes in use are few */
      slot = (int)(c->text_evict++ % RD_PG_TEXT_CACHE);
      snprintf(name, sizeof name, "DEALLOCATE t%d", slot);
      if ((rc = rd_pg_exec(c, name, what, err)) != RD_OK)
        return rc;
      free(c->texts[slot].sql);
      c->texts[slot].sql = NULL;
    }
    snprintf(name, sizeof name, "t%d", slot);
    r = PQprepare(c->pg, name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      rc = fail(c, r, what, err);
      goto out;
    }
    PQclear(r);
    r = NULL;
    c->texts[slot].hash = h;
    c->texts[slot].sql = rd_xstrdup(sql);
  }
  snprintf(name, sizeof name, "t%d", slot);
  r = PQexecPrepared(c->pg, name, p ? p->n : 0, p ? p->val : NULL,
                     p ? p->len : NULL, p ? p->fmt : NULL, 0);
  if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK) {
    *res = r;
    return RD_OK;
  }
  rc = fail(c, r, what, err);
out:
  PQclear(r);
  return rc;
}

/* Runs a statement that returns one id (INSERT ... RETURNING id). */
enum rd_status
rd_pg_returning(struct rd_pg_conn *c, enum rd_pg_stmt id,
              const struct rd_pg_args *p, int64_t *out, const char *what,
              struct rd_error *err)
{
  PGresult *r;
  enum rd_status rc = rd_pg_run(c, id, p, &r, what, err);

  if (rc != RD_OK)
    return rc;
  if (PQntuples(r) != 1)
    rc = rd_error_set(err, RD_E_INTERNAL, "", "%s returned no id", what);
  else
    *out = rd_pg_int(r, 0, 0);
  PQclear(r);
  return rc;
}

/* Runs a statement whose result is not needed. */
enum rd_status
rd_pg_done(struct rd_pg_conn *c, enum rd_pg_stmt id, const struct rd_pg_args *p,
         int64_t *changes, const char *what, struct rd_error *err)
{
  PGresult *r;
  enum rd_status rc = rd_pg_run(c, id, p, &r, what, err);

  if (rc != RD_OK)
    return rc;
  if (changes)
    *changes = rd_pg_changes(r);
  PQclear(r);
  return RD_OK;
}

enum rd_status
rd_pg_exec(struct rd_pg_conn *c, const char *sql, const char *what,
           struct rd_error *err)
{
  PGresult *r = PQexec(c->pg, sql);
  enum rd_status rc = RD_OK;

  if (PQresultStatus(r) != PGRES_COMMAND_OK &&
      PQresultStatus(r) != PGRES_TUPLES_OK)
    rc = fail(c, r, what, err);
  PQclear(r);
  return rc;
}

int64_t
rd_pg_changes(PGresult *r)
{
  const char *s = PQcmdTuples(r);
  return s && *s ? strtoll(s, NULL, 10) : 0;
}

/* ---- reading ---------------------------------------------------------------------- */

int64_t
rd_pg_int(PGresult *r, int row, int col)
{
  return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool
rd_pg_bool(PGresult *r, int row, int col)
{
  return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

const char *
rd_pg_text(PGresult *r, int row, int col, struct rd_arena *a)
{
  if (PQgetisnull(r, row, col))
    return NULL;
  return rd_arena_strndup(a, PQgetvalue(r, row, col),
                          (size_t)PQgetlength(r, row, col));
}

enum rd_status
rd_pg_one(struct rd_pg_conn *c, enum rd_pg_stmt id, const struct rd_pg_args *p,
          rd_pg_row_fn row, struct rd_arena *a, void *out, const char *what,
          struct rd_error *err)
{
  PGresult *r;
  enum rd_status rc = rd_pg_run(c, id, p, &r, what, err);

  if (rc != RD_OK)
    return rc;
  if (PQntuples(r) == 0)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such %s", what);
  else
    row(r, 0, a, out);
  PQclear(r);
  return rc;
}

enum rd_status
rd_pg_all(struct rd_pg_conn *c, enum rd_pg_stmt id, const struct rd_pg_args *p,
          rd_pg_row_fn row, size_t size, struct rd_arena *a, void **out,
          size_t *n, struct rd_error *err)
{
  PGresult *r;
  enum rd_status rc = rd_pg_run(c, id, p, &r, "list", err);
  int rows;
  char *arr;

  *out = NULL;
  *n = 0;
  if (rc != RD_OK)
    return rc;
  rows = PQntuples(r);
  arr = rd_arena_zalloc(a, size * (size_t)(rows ? rows : 1));
  for (int i = 0; i < rows; i++)
    row(r, i, a, arr + size * (size_t)i);
  PQclear(r);
  *out = arr;
  *n = (size_t)rows;
  return RD_OK;
}

enum rd_status
rd_pg_read_one(struct rd_store *st, enum rd_pg_stmt id,
               const struct rd_pg_args *p, rd_pg_row_fn row, struct rd_arena *a,
               void *out, const char *what, struct rd_error *err)
{
  struct rd_pg_conn *c;
  enum rd_status rc = rd_pg_acquire(st->impl, &c, err);

  if (rc != RD_OK)
    return rc;
  rc = rd_pg_one(c, id, p, row, a, out, what, err);
  rd_pg_release(st->impl, c);
  return rc;
}

enum rd_status
rd_pg_read_all(struct rd_store *st, enum rd_pg_stmt id,
               const struct rd_pg_args *p, rd_pg_row_fn row, size_t size,
               struct rd_arena *a, void **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_conn *c;
  enum rd_status rc = rd_pg_acquire(st->impl, &c, err);

  if (rc != RD_OK)
    return rc;
  rc = rd_pg_all(c, id, p, row, size, a, out, n, err);
  rd_pg_release(st->impl, c);
  return rc;
}
