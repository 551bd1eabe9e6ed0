/* store/sqlite/conn.c - SQLite connections: PRAGMAs, prepared statements,
 * error mapping and the read pool.
 *
 * A connection is used by one thread at a time (the writer thread, or the
 * reader that took it from the pool), so connections are opened NOMUTEX.
 * Statements are prepared on first use and kept for the connection's life.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"
#include "util/mem.h"

/* Applied to every connection. synchronous=FULL: in WAL mode every COMMIT
 * fsyncs the WAL, so an acknowledged write survives power loss (NORMAL
 * would only sync at checkpoints). mmap_size: reads of the file within the
 * window come from the kernel's page cache, one copy for every connection;
 * a page beyond it is copied into the reading connection's own cache. With
 * a window of 256 MiB a soak's database of 1.8 GB had the read pool's caches
 * grow from 3 to 11 MB (BENCHMARKS.md, Soak), toward their bound of 16 MiB
 * each. 2 GiB is the most Debian's SQLite maps (SQLITE_MAX_MMAP_SIZE
 * 0x7fff0000); address space, not memory, on a 64-bit machine. */
static const char *const common_pragmas =
  "PRAGMA foreign_keys = ON;"
  "PRAGMA synchronous = FULL;"
  "PRAGMA temp_store = MEMORY;"
  "PRAGMA mmap_size = 2147418112;";

/* Only the writer sets the journal mode (persistent in the file) and gets a
 * bigger page cache: its pages are the hot end of every index. */
static const char *const writer_pragmas =
  "PRAGMA journal_mode = WAL;"
  "PRAGMA cache_size = -65536;"
  "PRAGMA journal_size_limit = 67108864;";

static const char *const reader_pragmas =
  "PRAGMA cache_size = -16384;";

enum { BUSY_TIMEOUT_MS = 10000 };

enum rd_status
rd_sqlite_conn_open(const char *path, bool writer, struct rd_sqlite_conn **out,
                    struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_xcalloc(1, sizeof *c);
  int flags = SQLITE_OPEN_NOMUTEX |
              (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                      : SQLITE_OPEN_READONLY);
  char *msg = NULL;
  enum rd_status rc = RD_OK;
  int src;

  *out = NULL;
  src = sqlite3_open_v2(path, &c->db, flags, NULL);
  if (src != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "db", "cannot open %s: %s", path,
                      c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(src));
    goto out;
  }
  sqlite3_extended_result_codes(c->db, 1);
  sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
  if (sqlite3_exec(c->db, common_pragmas, NULL, NULL, &msg) != SQLITE_OK ||
      sqlite3_exec(c->db, writer ? writer_pragmas : reader_pragmas, NULL, NULL,
                   &msg) != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "db", "cannot set up %s: %s", path,
                      msg ? msg : "?");
    goto out;
  }
  if (rd_sqlite_tokenizer_register(c->db) != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "cannot register the tokenizer");
    goto out;
  }
out:
  sqlite3_free(msg);
  if (rc != RD_OK) {
    rd_sqlite_conn_close(c);
    return rc;
  }
  *out = c;
  return RD_OK;
}

void
rd_sqlite_conn_close(struct rd_sqlite_conn *c)
{
  if (c == NULL)
    return;
  for (int i = 0; i < SQ_STMT_COUNT; i++)
    sqlite3_finalize(c->stmt[i]);
  for (int i = 0; i < RD_SQLITE_LIST_CACHE; i++) {
    sqlite3_finalize(c->lists[i].st);
    free(c->lists[i].sql);
  }
  sqlite3_close_v2(c->db);
  free(c);
}

static sqlite3_stmt *
prepare(struct rd_sqlite_conn *c, const char *sql, struct rd_error *err)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                              NULL);
  if (rc != SQLITE_OK) {
    rd_sqlite_fail(c->db, rc, "prepare", err);
    return NULL;
  }
  return st;
}

sqlite3_stmt *
rd_sqlite_stmt(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id,
               struct rd_error *err)
{
  if (c->stmt[id] == NULL)
    c->stmt[id] = prepare(c, rd_sqlite_sql[id], err);
  else
    sqlite3_reset(c->stmt[id]); /* cheap; guards against a missed done() */
  return c->stmt[id];
}

/* FNV-1a: the list cache key. */
static uint64_t
hash_text(const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

sqlite3_stmt *
rd_sqlite_stmt_text(struct rd_sqlite_conn *c, const char *sql,
                    struct rd_error *err)
{
  uint64_t h = hash_text(sql);
  int slot = -1;
  sqlite3_stmt *st;

  for (int i = 0; i < RD_SQLITE_LIST_CACHE; i++) {
    if (c->lists[i].st == NULL) {
      if (slot < 0)
        slot = i;
      continue;
    }
    if (c->lists[i].hash == h && strcmp(c->lists[i].sql, sql) == 0) {
      sqlite3_reset(c->lists[i].st);
      return c->lists[i].st;
    }
  }
  st = prepare(c, sql, err);
  if (st == NULL)
    return NULL;
  if (slot < 0) { /* full: evict round-robin; shapes in use are few */
    slot = (int)(c->list_evict++ % RD_SQLITE_LIST_CACHE);
    sqlite3_finalize(c->lists[slot].st);
    free(c->lists[slot].sql);
  }
  c->lists[slot].hash = h;
  c->lists[slot].sql = rd_xstrdup(sql);
  c->lists[slot].st = st;
  return st;
}

void
rd_sqlite_done(sqlite3_stmt *st)
{
  if (st == NULL)
    return;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}

/* Which request field a UNIQUE violation is about, by index or column. */
static const struct {
  const char *needle;
  const char *field;
} unique_fields[] = {
  { "categories_sibling_name", "name" },
  { "users.username",          "username" },
  { "departments.code",        "code" },
  { "sites.code",              "code" },
  { "customers_phone",         "customer.phone" },
  { "customers.phone",         "customer.phone" },
  { "complaints.number",       "number" },
  { "idempotency_keys",        "idempotency_key" },
  { "api_tokens.token_sha256", "token" },
  { "sessions.token_sha256",   "token" },
};

enum rd_status
rd_sqlite_fail(sqlite3 *db, int rc, const char *what, struct rd_error *err)
{
  const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

  switch (rc & 0xff) {
  case SQLITE_CONSTRAINT:
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      for (size_t i = 0; i < sizeof unique_fields / sizeof *unique_fields; i++)
        if (strstr(msg, unique_fields[i].needle))
          return rd_error_set(err, RD_E_DUPLICATE, unique_fields[i].field,
                              "already taken");
      return rd_error_set(err, RD_E_DUPLICATE, "", "already exists");
    }
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
      return rd_error_set(err, RD_E_INVALID, "",
                          "refers to a record that does not exist");
    return rd_error_set(err, RD_E_INVALID, "", "%s: %s", what, msg);
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
  case SQLITE_PROTOCOL:
    return rd_error_set(err, RD_E_UNAVAILABLE, "", "database %s: %s", what, msg);
  default:
    return rd_error_set(err, RD_E_INTERNAL, "", "database %s: %s", what, msg);
  }
}

enum rd_status
rd_sqlite_exec(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id,
               struct rd_error *err)
{
  sqlite3_stmt *st = rd_sqlite_stmt(c, id, err);
  int rc;

  if (st == NULL)
    return err ? err->code : RD_E_INTERNAL;
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return rd_sqlite_fail(c->db, rc, "exec", err);
  return RD_OK;
}

int
rd_sqlite_bind_text(sqlite3_stmt *st, int i, const char *s)
{
  return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
           : sqlite3_bind_null(st, i);
}

int
rd_sqlite_bind_id(sqlite3_stmt *st, int i, int64_t v)
{
  return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

const char *
rd_sqlite_col_text(sqlite3_stmt *st, int i, struct rd_arena *a)
{
  const unsigned char *t = sqlite3_column_text(st, i);
  if (t == NULL)
    return NULL;
  return rd_arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

/* ---- what the page caches hold -------------------------------------------- */

void
rd_sqlite_note_cache(struct rd_sqlite *s, enum rd_sqlite_cache_holder holder,
                     sqlite3 *db, int64_t *noted)
{
  int used = 0, peak = 0;

  /* CACHE_USED counts pages with their headers, and needs no MEMSTATUS. */
  if (sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &used, &peak, 0) !=
      SQLITE_OK)
    return;
  __atomic_add_fetch(&s->cache_bytes[holder], (int64_t)used - *noted,
                     __ATOMIC_RELAXED);
  *noted = used;
}

size_t
rd_sqlite_caches(struct rd_store *st, struct rd_store_cache *out, size_t max)
{
  static const char *const holders[RD_SQLITE_CACHE_HOLDERS] = {
    [RD_SQLITE_CACHE_WRITER] = "writer",
    [RD_SQLITE_CACHE_READERS] = "readers",
    [RD_SQLITE_CACHE_INDEXER] = "indexer",
  };
  struct rd_sqlite *s = st->impl;
  size_t n = 0;
  for (; n < max && n < RD_SQLITE_CACHE_HOLDERS; n++)
    out[n] = (struct rd_store_cache){
      holders[n], __atomic_load_n(&s->cache_bytes[n], __ATOMIC_RELAXED)};
  return n;
}

/* ---- the read pool -------------------------------------------------------- */

enum rd_status
rd_sqlite_reader_acquire(struct rd_store *st, struct rd_sqlite_conn **out,
                         struct rd_error *err)
{
  struct rd_sqlite *s = st->impl;
  struct rd_sqlite_conn *c = NULL;
  enum rd_status rc;

  pthread_mutex_lock(&s->plock);
  for (;;) {
    if (s->idle) {
      c = s->idle;
      s->idle = c->next_idle;
      pthread_mutex_unlock(&s->plock);
      *out = c;
      return RD_OK;
    }
    if (s->readers_open < s->readers_max)
      break;
    pthread_cond_wait(&s->pcond, &s->plock);
  }
  s->readers_open++; /* reserve the slot, open outside the lock */
  pthread_mutex_unlock(&s->plock);

  rc = rd_sqlite_conn_open(s->path, false, &c, err);
  if (rc == RD_OK && (rc = rd_sqlite_search_attach(s, c, err)) != RD_OK) {
    rd_sqlite_conn_close(c);
    c = NULL;
  }
  if (rc != RD_OK) {
    pthread_mutex_lock(&s->plock);
    s->readers_open--;
    pthread_cond_signal(&s->pcond);
    pthread_mutex_unlock(&s->plock);
    return rc;
  }
  *out = c;
  return RD_OK;
}

void
rd_sqlite_reader_release(struct rd_store *st, struct rd_sqlite_conn *c)
{
  struct rd_sqlite *s = st->impl;

  if (c == NULL)
    return;
  /* A read left open would pin a WAL snapshot and block checkpoints. */
  if (!sqlite3_get_autocommit(c->db))
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  rd_sqlite_note_cache(s, RD_SQLITE_CACHE_READERS, c->db, &c->cache_noted);
  pthread_mutex_lock(&s->plock);
  c->next_idle = s->idle;
  s->idle = c;
  pthread_cond_signal(&s->pcond);
  pthread_mutex_unlock(&s->plock);
}

/* ---- generic reads ------------------------------------------------------------ */

/* Binds the key of a one-row or filtered read: text when key_t, else key_i
 * (unless it is RD_SQLITE_NO_KEY). */
static void
bind_key(sqlite3_stmt *s, int64_t key_i, const char *key_t)
{
  if (key_t)
    sqlite3_bind_text(s, 1, key_t, -1, SQLITE_STATIC);
  else if (key_i != RD_SQLITE_NO_KEY)
    sqlite3_bind_int64(s, 1, key_i);
}

enum rd_status
rd_sqlite_one(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id, int64_t key_i,
              const char *key_t, rd_sqlite_row_fn fn, struct rd_arena *a,
              void *out, const char *what, struct rd_error *err)
{
  sqlite3_stmt *s = rd_sqlite_stmt(c, id, err);
  enum rd_status rc = RD_OK;
  int src;

  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  bind_key(s, key_i, key_t);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW)
    fn(s, a, out);
  else if (src == SQLITE_DONE)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such %s", what);
  else
    rc = rd_sqlite_fail(c->db, src, what, err);
  rd_sqlite_done(s);
  return rc;
}

enum rd_status
rd_sqlite_all(struct rd_sqlite_conn *c, enum rd_sqlite_stmt id, int64_t key_i,
              rd_sqlite_row_fn fn, size_t size, struct rd_arena *a,
              void **out, size_t *n, struct rd_error *err)
{
  sqlite3_stmt *s = rd_sqlite_stmt(c, id, err);
  char *items = NULL;
  size_t count = 0, cap = 0;
  int src;

  *out = NULL;
  *n = 0;
  if (s == NULL)
    return err ? err->code : RD_E_INTERNAL;
  bind_key(s, key_i, NULL);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    if (count == cap) { /* double; the old block stays in the arena */
      char *bigger;
      cap = cap ? cap * 2 : 16;
      bigger = rd_arena_alloc(a, cap * size);
      if (count)
        memcpy(bigger, items, count * size);
      items = bigger;
    }
    memset(items + count * size, 0, size);
    fn(s, a, items + count * size);
    count++;
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "list", err);
  *out = items;
  *n = count;
  return RD_OK;
}

enum rd_status
rd_sqlite_read_one(struct rd_store *st, enum rd_sqlite_stmt id, int64_t key_i,
                   const char *key_t, rd_sqlite_row_fn fn, struct rd_arena *a,
                   void *out, const char *what, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = rd_sqlite_one(c, id, key_i, key_t, fn, a, out, what, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_read_all(struct rd_store *st, enum rd_sqlite_stmt id, int64_t key_i,
                   rd_sqlite_row_fn fn, size_t size, struct rd_arena *a,
                   void **out, size_t *n, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = rd_sqlite_all(c, id, key_i, fn, size, a, out, n, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_read_rows(struct rd_store *st, enum rd_sqlite_stmt id,
                    const int64_t *ints, size_t n_ints, const char *text,
                    rd_sqlite_row_fn fn, size_t size, struct rd_arena *a,
                    void **out, size_t *n, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  size_t cap = 16, k = 0;
  char *rows;
  enum rd_status rc;
  int src;

  *out = NULL;
  *n = 0;
  if ((rc = rd_sqlite_reader_acquire(st, &c, err)))
    return rc;
  if ((s = rd_sqlite_stmt(c, id, err)) == NULL) {
    rd_sqlite_reader_release(st, c);
    return err ? err->code : RD_E_INTERNAL;
  }
  for (size_t i = 0; i < n_ints; i++)
    sqlite3_bind_int64(s, (int)i + 1, ints[i]);
  if (text)
    sqlite3_bind_text(s, (int)n_ints + 1, text, -1, SQLITE_STATIC);
  rows = rd_arena_alloc(a, cap * size);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) {
      char *bigger = rd_arena_alloc(a, 2 * cap * size);
      memcpy(bigger, rows, k * size);
      rows = bigger;
      cap *= 2;
    }
    memset(rows + k * size, 0, size);
    fn(s, a, rows + k * size);
    k++;
  }
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    rc = rd_sqlite_fail(c->db, src, "read", err);
  rd_sqlite_reader_release(st, c);
  if (rc == RD_OK) {
    *out = rows;
    *n = k;
  }
  return rc;
}

enum rd_status
rd_sqlite_step_done(struct rd_sqlite_conn *c, sqlite3_stmt *s, const char *what,
                    struct rd_error *err)
{
  int src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, what, err);
  return RD_OK;
}
