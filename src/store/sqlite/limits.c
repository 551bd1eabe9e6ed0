/* store/sqlite/limits.c - rate-limit counters (0012_limits.sql) on SQLite.
 *
 * Writes run on the one writer connection, so a take is atomic already;
 * it is still the one upsert statement PostgreSQL runs, so both backends
 * count the same way. */
#include "store/sqlite/sqlite_int.h"

enum rd_status
rd_sqlite_tx_limit_take(struct rd_tx *tx, const char *key, int max,
                        int window_s, int64_t now, int64_t *hits,
                        int64_t *expires_at, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc = RD_OK;

  STMT_OR_FAIL(s, c, SQ_LIMIT_TAKE, err);
  rd_sqlite_bind_text(s, 1, key);
  sqlite3_bind_int(s, 2, max);
  sqlite3_bind_int64(s, 3, now);
  sqlite3_bind_int(s, 4, window_s);
  int src = sqlite3_step(s);
  if (src == SQLITE_ROW) {
    *hits = sqlite3_column_int64(s, 0);
    *expires_at = sqlite3_column_int64(s, 1);
  } else {
    rc = rd_sqlite_fail(c->db, src, "rate limit", err);
  }
  rd_sqlite_done(s);
  return rc;
}

enum rd_status
rd_sqlite_tx_limit_clear(struct rd_tx *tx, const char *key, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  STMT_OR_FAIL(s, c, SQ_LIMIT_CLEAR, err);
  rd_sqlite_bind_text(s, 1, key);
  return rd_sqlite_step_done(c, s, "rate limit", err);
}

enum rd_status
rd_sqlite_tx_limit_sweep(struct rd_tx *tx, int64_t now, int64_t *removed,
                         struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc;
  STMT_OR_FAIL(s, c, SQ_LIMIT_SWEEP, err);
  sqlite3_bind_int64(s, 1, now);
  if ((rc = rd_sqlite_step_done(c, s, "rate limit", err)) != RD_OK)
    return rc;
  if (removed)
    *removed = sqlite3_changes(c->db);
  return RD_OK;
}

struct limit_row {
  int64_t hits, expires_at;
};

static void
limit_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct limit_row *r = out;
  (void)a;
  r->hits = sqlite3_column_int64(s, 0);
  r->expires_at = sqlite3_column_int64(s, 1);
}

enum rd_status
rd_sqlite_limit_get(struct rd_store *st, const char *key, bool *found,
                    int64_t *hits, int64_t *expires_at, struct rd_error *err)
{
  struct limit_row r;
  struct rd_error miss = {0};
  enum rd_status rc = rd_sqlite_read_one(st, SQ_LIMIT_GET, 0, key, limit_row,
                                         NULL, &r, "rate limit", &miss);
  *found = rc == RD_OK;
  if (rc == RD_E_NOT_FOUND)
    return RD_OK;
  if (rc != RD_OK) {
    if (err)
      *err = miss;
    return rc;
  }
  *hits = r.hits;
  *expires_at = r.expires_at;
  return RD_OK;
}
