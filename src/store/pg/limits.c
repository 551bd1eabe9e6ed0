/* store/pg/limits.c - rate-limit counters (0003_limits.sql) on PostgreSQL.
 *
 * A take is one INSERT ... ON CONFLICT DO UPDATE ... RETURNING: PostgreSQL
 * locks the key's row for the update, so takes from any number of nodes at
 * once are counted one after another and never let more than max through. */
#include "store/pg/pg_int.h"

enum rd_status
rd_pg_tx_limit_take(struct rd_tx *tx, const char *key, int max, int window_s,
                    int64_t now, int64_t *hits, int64_t *expires_at,
                    struct rd_error *err)
{
  struct rd_pg_args p = {0};
  PGresult *r = NULL;
  rd_pg_arg_text(&p, key);
  rd_pg_arg_int(&p, max);
  rd_pg_arg_int(&p, now);
  rd_pg_arg_int(&p, window_s);
  enum rd_status rc = rd_pg_run(rd_pg_tx_conn(tx), PQ_LIMIT_TAKE, &p, &r,
                                "rate limit", err);
  if (rc != RD_OK)
    return rc;
  if (PQntuples(r) == 1) {
    *hits = rd_pg_int(r, 0, 0);
    *expires_at = rd_pg_int(r, 0, 1);
  } else {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "%s returned no row", "rate limit");
  }
  PQclear(r);
  return rc;
}

enum rd_status
rd_pg_tx_limit_clear(struct rd_tx *tx, const char *key, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_text(&p, key);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_LIMIT_CLEAR, &p, NULL, "rate limit",
                    err);
}

enum rd_status
rd_pg_tx_limit_sweep(struct rd_tx *tx, int64_t now, int64_t *removed,
                     struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, now);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_LIMIT_SWEEP, &p, removed,
                    "rate limit", err);
}

struct limit_row {
  int64_t hits, expires_at;
};

static void
limit_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct limit_row *l = out;
  (void)a;
  l->hits = rd_pg_int(r, row, 0);
  l->expires_at = rd_pg_int(r, row, 1);
}

enum rd_status
rd_pg_limit_get(struct rd_store *st, const char *key, bool *found,
                int64_t *hits, int64_t *expires_at, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  struct limit_row l;
  struct rd_error miss = {0};
  rd_pg_arg_text(&p, key);
  enum rd_status rc = rd_pg_read_one(st, PQ_LIMIT_GET, &p, limit_row, NULL, &l,
                                     "rate limit", &miss);
  *found = rc == RD_OK;
  if (rc == RD_E_NOT_FOUND)
    return RD_OK;
  if (rc != RD_OK) {
    if (err)
      *err = miss;
    return rc;
  }
  *hits = l.hits;
  *expires_at = l.expires_at;
  return RD_OK;
}
