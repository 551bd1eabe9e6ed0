/* store/sqlite/search.c - the full-text index, in its own database beside
 * the store's (<db>-search), kept up to date by its own thread.
 *
 * Why apart: FTS5 indexing of Chinese text (a bigram and a unigram per
 * character, tokenizer.c) cost more than the rest of a registration, and in
 * the store's database it ran inside the single writer's transaction that
 * every durable write waits for. Here it runs after the commit, on another
 * connection and another database file, so it never holds the writer.
 *
 * How it follows: every new complaint, and every change of indexed text,
 * takes the next complaints.search_seq (0003_search_apart.sql). The indexer
 * copies the rows numbered above the last number it holds into its FTS5
 * table and records the new last number, in one transaction of the search
 * database: after a crash it resumes where that transaction left it. The
 * search database is derived data: if it is missing or of another layout it
 * is rebuilt from the store, in the background.
 *
 * Reading: each pooled reader attaches the search database as "search".
 * A search first waits until the index holds every change committed before
 * it began (normally a few milliseconds), so a complaint is findable as
 * soon as its registration has been answered.
 *
 * The indexer runs at a lower CPU priority (nice): under a burst of
 * registrations the requests keep the processor and the index catches up
 * when the burst ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite/sqlite_int.h"
#include "util/log.h"
#include "util/mem.h"

/* Bump when the search database's tables change: an older file is rebuilt. */
enum { SEARCH_LAYOUT = 1 };

/* Rows per indexing transaction: big enough that FTS5 writes few segments,
 * small enough that a waiting search sees progress quickly. */
enum { BATCH = 512 };

/* How long a search waits for the index to catch up before it answers
 * "unavailable, try again". */
enum { WAIT_MS = 10000 };

/* The indexer's nice value relative to the server's. */
enum { INDEXER_NICE = 10 };

struct rd_sqlite_search {
  struct rd_sqlite *store;
  char *path;
  sqlite3 *db; /* the indexer's: the search database, the store's as "src" */
  int64_t cache_noted; /* db's part of the store's cache_bytes */
  sqlite3_stmt *next_hi, *copy, *mark;

  pthread_t thread;
  bool started;
  pthread_mutex_t lock;
  pthread_cond_t kick;     /* the indexer waits for work */
  pthread_cond_t progress; /* searches wait for the indexer */
  bool ready;              /* the store's schema has search_seq */
  char store_id[40];       /* the store's search.store_id setting */
  bool checked;            /* the index was checked against store_id */
  bool dirty;              /* something may be committed and not indexed */
  bool closing;
  int64_t indexed;         /* the last search_seq the index holds */
};

static const char layout_sql[] =
  "DROP TABLE IF EXISTS complaints_fts;"
  "DROP TABLE IF EXISTS search_state;"
  /* The text is kept here too (a plain FTS5 table, not external content):
   * the store's rows can change before the indexer reads them, and FTS5
   * needs the old text to take a row out of the index. */
  "CREATE VIRTUAL TABLE complaints_fts USING fts5 ("
  " subject, content, demands, number, cust_name, cust_phone,"
  " tokenize = 'redress');"
  "CREATE TABLE search_state ("
  " id INTEGER PRIMARY KEY CHECK (id = 1),"
  " store_id TEXT NOT NULL,"
  " indexed_seq INTEGER NOT NULL);"
  "INSERT INTO search_state (id, store_id, indexed_seq) VALUES (1, '', 0);";

/* How many of the next BATCH changes after ?1 there are, and the last one's
 * number. */
static const char next_hi_sql[] =
  "SELECT count(*), max(search_seq) FROM (SELECT search_seq FROM src.complaints"
  " WHERE search_seq > ?1 ORDER BY search_seq LIMIT ?2)";
/* OR REPLACE: a changed complaint's old entry goes, its new one comes. */
static const char copy_sql[] =
  "INSERT OR REPLACE INTO complaints_fts"
  " (rowid, subject, content, demands, number, cust_name, cust_phone)"
  " SELECT id, subject, content, demands, number, cust_name, cust_phone"
  " FROM src.complaints WHERE search_seq > ?1 AND search_seq <= ?2";
static const char mark_sql[] = "UPDATE search_state SET indexed_seq = ?1";

static enum rd_status
fail(sqlite3 *db, const char *what, struct rd_error *err)
{
  return rd_error_set(err, RD_E_UNAVAILABLE, "", "search index: %s: %s", what,
                      db ? sqlite3_errmsg(db) : "out of memory");
}

static enum rd_status
exec(sqlite3 *db, const char *sql, const char *what, struct rd_error *err)
{
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail(db, what, err);
  return RD_OK;
}

/* One integer from sql on db (0 for NULL); false on error. */
static bool
scalar(sqlite3 *db, const char *sql, int64_t *out)
{
  sqlite3_stmt *st = NULL;
  bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW;
  *out = ok ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return ok;
}

/* Opens the search database (building its tables if it has none or an
 * older layout) and attaches the store's. */
static enum rd_status
open_index(struct rd_sqlite_search *x, const char *store_path,
           struct rd_error *err)
{
  int64_t layout = 0;
  sqlite3_stmt *st = NULL;
  enum rd_status rc;

  if (sqlite3_open_v2(x->path, &x->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    return fail(x->db, x->path, err);
  sqlite3_busy_timeout(x->db, 10000);
  if (rd_sqlite_tokenizer_register(x->db) != SQLITE_OK)
    return fail(x->db, "tokenizer", err);
  /* NORMAL: a power loss may lose the last batches, which are re-indexed
   * from the store (the mark is in the same transaction). */
  if ((rc = exec(x->db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                 "PRAGMA cache_size = -32768;", "set up", err)))
    return rc;
  if (!scalar(x->db, "PRAGMA user_version", &layout))
    return fail(x->db, "layout", err);
  if (layout != SEARCH_LAYOUT) {
    char version_sql[48];
    snprintf(version_sql, sizeof version_sql, "PRAGMA user_version = %d",
             SEARCH_LAYOUT);
    if (layout != 0)
      rd_log_info("store: search index layout %lld is not %d: rebuilding",
                  (long long)layout, SEARCH_LAYOUT);
    if ((rc = exec(x->db, "BEGIN IMMEDIATE", "begin", err)))
      return rc;
    if ((rc = exec(x->db, layout_sql, "create", err)) ||
        (rc = exec(x->db, version_sql, "create", err)) ||
        (rc = exec(x->db, "COMMIT", "create", err))) {
      sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
  }
  if (!scalar(x->db, "SELECT indexed_seq FROM search_state", &x->indexed))
    return fail(x->db, "state", err);

  if (sqlite3_prepare_v2(x->db, "ATTACH ?1 AS src", -1, &st, NULL) != SQLITE_OK)
    return fail(x->db, "attach", err);
  sqlite3_bind_text(st, 1, store_path, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) {
    sqlite3_finalize(st);
    return fail(x->db, "attach", err);
  }
  sqlite3_finalize(st);
  return RD_OK;
}

/* Empties the index if it was built from another store (or none): the store
 * was created again, or restored, beside an old search database. Runs on
 * the indexer thread, which owns x->db. -1 on error, 0 when the index is
 * the store's, 1 when it was emptied. */
static int
check_store(struct rd_sqlite_search *x, const char *store_id)
{
  sqlite3_stmt *st = NULL;
  bool same;

  if (sqlite3_prepare_v2(x->db, "SELECT store_id = ?1 FROM search_state", -1,
                         &st, NULL) != SQLITE_OK)
    return false;
  sqlite3_bind_text(st, 1, store_id, -1, SQLITE_STATIC);
  same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (same)
    return 0;
  if (sqlite3_prepare_v2(x->db, "UPDATE search_state SET store_id = ?1,"
                         " indexed_seq = 0", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, store_id, -1, SQLITE_STATIC);
  if (sqlite3_exec(x->db, "BEGIN IMMEDIATE; DELETE FROM complaints_fts",
                   NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE ||
      sqlite3_exec(x->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    if (!sqlite3_get_autocommit(x->db))
      sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
  }
  sqlite3_finalize(st);
  return 1;
}

static bool
prepare_steps(struct rd_sqlite_search *x)
{
  return sqlite3_prepare_v3(x->db, next_hi_sql, -1, SQLITE_PREPARE_PERSISTENT,
                            &x->next_hi, NULL) == SQLITE_OK &&
         sqlite3_prepare_v3(x->db, copy_sql, -1, SQLITE_PREPARE_PERSISTENT,
                            &x->copy, NULL) == SQLITE_OK &&
         sqlite3_prepare_v3(x->db, mark_sql, -1, SQLITE_PREPARE_PERSISTENT,
                            &x->mark, NULL) == SQLITE_OK;
}

/* Indexes the next batch of changes after x->indexed in one transaction.
 * Returns how many changes it took (BATCH: there may be more), -1 on error;
 * *hi is the new last number. */
static int
index_batch(struct rd_sqlite_search *x, int64_t from, int64_t *hi)
{
  int n, src;

  if ((x->next_hi == NULL || x->copy == NULL || x->mark == NULL) &&
      !prepare_steps(x))
    return -1;
  /* DEFERRED, not IMMEDIATE: IMMEDIATE would take the write lock of every
   * attached database, the store's too, and stall its writer. Deferred, the
   * store is only read and the write lock is the search database's alone
   * (no one else writes it). */
  if (sqlite3_exec(x->db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_int64(x->next_hi, 1, from);
  sqlite3_bind_int(x->next_hi, 2, BATCH);
  src = sqlite3_step(x->next_hi);
  if (src != SQLITE_ROW)
    goto fail;
  n = sqlite3_column_int(x->next_hi, 0);
  *hi = sqlite3_column_int64(x->next_hi, 1);
  sqlite3_reset(x->next_hi);
  if (n == 0) {
    sqlite3_exec(x->db, "COMMIT", NULL, NULL, NULL);
    return 0;
  }

  sqlite3_bind_int64(x->copy, 1, from);
  sqlite3_bind_int64(x->copy, 2, *hi);
  src = sqlite3_step(x->copy);
  sqlite3_reset(x->copy);
  if (src != SQLITE_DONE)
    goto fail;
  sqlite3_bind_int64(x->mark, 1, *hi);
  src = sqlite3_step(x->mark);
  sqlite3_reset(x->mark);
  if (src != SQLITE_DONE)
    goto fail;
  if (sqlite3_exec(x->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  return n;
fail:
  sqlite3_reset(x->next_hi);
  if (!sqlite3_get_autocommit(x->db))
    sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
  return -1;
}

static void *
indexer_main(void *arg)
{
  struct rd_sqlite_search *x = arg;
  bool failing = false;

  /* Linux: a thread's nice value is its own. Not allowed: run as is. */
  (void)setpriority(PRIO_PROCESS, (id_t)gettid(), INDEXER_NICE);

  pthread_mutex_lock(&x->lock);
  for (;;) {
    while (!x->closing && !(x->ready && x->dirty))
      pthread_cond_wait(&x->kick, &x->lock);
    if (x->closing)
      break;
    x->dirty = false;
    if (!x->checked) {
      char store_id[sizeof x->store_id];
      int checked;
      memcpy(store_id, x->store_id, sizeof store_id);
      pthread_mutex_unlock(&x->lock);
      checked = check_store(x, store_id);
      pthread_mutex_lock(&x->lock);
      if (checked < 0) {
        rd_log_error("store: cannot check the search index: %s",
                     sqlite3_errmsg(x->db));
        continue; /* x->checked stays false: tried again on the next kick */
      }
      if (checked > 0) {
        rd_log_info("store: the search index was another store's: rebuilding");
        x->indexed = 0;
      }
      x->checked = strcmp(store_id, x->store_id) == 0;
      pthread_cond_broadcast(&x->progress);
    }
    for (;;) {
      int64_t from = x->indexed, hi = from;
      int n;

      pthread_mutex_unlock(&x->lock);
      n = index_batch(x, from, &hi);
      rd_sqlite_note_cache(x->store, RD_SQLITE_CACHE_INDEXER, x->db, &x->cache_noted);
      pthread_mutex_lock(&x->lock);
      if (n < 0) {
        struct timespec until;
        if (!failing)
          rd_log_error("store: search indexing failed (retrying): %s",
                       sqlite3_errmsg(x->db));
        failing = true;
        x->dirty = true;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&x->kick, &x->lock, &until);
        break;
      }
      if (failing)
        rd_log_info("store: search indexing works again");
      failing = false;
      if (n > 0) {
        x->indexed = hi;
        pthread_cond_broadcast(&x->progress);
      }
      if (n < BATCH || x->closing)
        break;
    }
  }
  pthread_mutex_unlock(&x->lock);
  return NULL;
}

/* ---- entries ------------------------------------------------------------------- */

enum rd_status
rd_sqlite_search_open(struct rd_sqlite *s, struct rd_error *err)
{
  struct rd_sqlite_search *x = rd_xcalloc(1, sizeof *x);
  size_t len = strlen(s->path);
  enum rd_status rc;

  x->store = s;
  x->path = rd_xmalloc(len + sizeof "-search");
  memcpy(x->path, s->path, len);
  memcpy(x->path + len, "-search", sizeof "-search");
  pthread_mutex_init(&x->lock, NULL);
  pthread_cond_init(&x->kick, NULL);
  pthread_cond_init(&x->progress, NULL);
  x->dirty = true; /* catch up with whatever the store holds */
  s->search = x;

  if ((rc = open_index(x, s->path, err)))
    return rc;
  if (pthread_create(&x->thread, NULL, indexer_main, x) != 0)
    return rd_error_set(err, RD_E_INTERNAL, "", "cannot start the search indexer");
  x->started = true;
  return RD_OK;
}

void
rd_sqlite_search_close(struct rd_sqlite *s)
{
  struct rd_sqlite_search *x = s->search;

  if (x == NULL)
    return;
  if (x->started) {
    pthread_mutex_lock(&x->lock);
    x->closing = true;
    pthread_cond_signal(&x->kick);
    pthread_cond_broadcast(&x->progress);
    pthread_mutex_unlock(&x->lock);
    pthread_join(x->thread, NULL);
  }
  sqlite3_finalize(x->next_hi);
  sqlite3_finalize(x->copy);
  sqlite3_finalize(x->mark);
  sqlite3_close_v2(x->db);
  pthread_mutex_destroy(&x->lock);
  pthread_cond_destroy(&x->kick);
  pthread_cond_destroy(&x->progress);
  free(x->path);
  free(x);
  s->search = NULL;
}

void
rd_sqlite_search_schema_check(struct rd_sqlite *s, struct rd_sqlite_conn *w)
{
  struct rd_sqlite_search *x = s->search;
  const unsigned char *id = NULL;
  sqlite3_stmt *st = NULL;
  int64_t has = 0;

  if (x == NULL)
    return;
  scalar(w->db, "SELECT count(*) FROM pragma_table_info('complaints')"
                " WHERE name = 'search_seq'", &has);
  if (has && sqlite3_prepare_v2(w->db, "SELECT value FROM settings"
                                " WHERE key = 'search.store_id'", -1, &st,
                                NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    id = sqlite3_column_text(st, 0);
  pthread_mutex_lock(&x->lock);
  x->ready = id != NULL;
  if (id && strcmp((const char *)id, x->store_id) != 0) {
    snprintf(x->store_id, sizeof x->store_id, "%s", (const char *)id);
    x->checked = false;
  }
  sqlite3_finalize(st);
  x->dirty = true;
  pthread_cond_signal(&x->kick);
  pthread_mutex_unlock(&x->lock);
}

void
rd_sqlite_search_kick(struct rd_sqlite *s)
{
  struct rd_sqlite_search *x = s->search;

  pthread_mutex_lock(&x->lock);
  x->dirty = true;
  pthread_cond_signal(&x->kick);
  pthread_mutex_unlock(&x->lock);
}

enum rd_status
rd_sqlite_search_attach(struct rd_sqlite *s, struct rd_sqlite_conn *c,
                        struct rd_error *err)
{
  sqlite3_stmt *st = NULL;
  int src;

  if (sqlite3_prepare_v2(c->db, "ATTACH ?1 AS search", -1, &st, NULL) != SQLITE_OK)
    return fail(c->db, "attach", err);
  sqlite3_bind_text(st, 1, s->search->path, -1, SQLITE_STATIC);
  src = sqlite3_step(st);
  sqlite3_finalize(st);
  if (src != SQLITE_DONE)
    return fail(c->db, "attach", err);
  return RD_OK;
}

enum rd_status
rd_sqlite_search_wait(struct rd_sqlite *s, struct rd_sqlite_conn *c,
                      struct rd_error *err)
{
  struct rd_sqlite_search *x = s->search;
  struct timespec until;
  int64_t target;
  enum rd_status rc = RD_OK;

  /* The newest committed change, as this reader sees the store now. */
  if (!scalar(c->db, "SELECT coalesce(max(search_seq), 0) FROM complaints",
              &target))
    return fail(c->db, "catch-up", err);
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += WAIT_MS / 1000;
  until.tv_nsec += (long)(WAIT_MS % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&x->lock);
  if (x->indexed < target || !x->checked) {
    x->dirty = true;
    pthread_cond_signal(&x->kick);
  }
  /* Until checked, x->indexed may count another store's rows. */
  while ((x->indexed < target || !x->checked) && !x->closing) {
    if (pthread_cond_timedwait(&x->progress, &x->lock, &until) == ETIMEDOUT)
      break;
  }
  if (x->indexed < target || !x->checked)
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "q",
                      "the search index is %lld changes behind; try again shortly",
                      (long long)(target - x->indexed));
  pthread_mutex_unlock(&x->lock);
  return rc;
}
