/* store/sqlite/audit.c - the audit log's rows (0013_audit.sql) on SQLite.
 *
 * Appends run on the one writer connection, so they are ordered already;
 * the chain itself (hashes, verification) is store/audit.c's. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"
#include "util/buf.h"

static void
copy_hash(char out[RD_AUDIT_HASH_HEX], const unsigned char *text)
{
  snprintf(out, RD_AUDIT_HASH_HEX, "%s", text ? (const char *)text : "");
}

enum rd_status
rd_sqlite_tx_audit_head(struct rd_tx *tx, bool wait, bool *got, int64_t *seq,
                        char hash[RD_AUDIT_HASH_HEX], struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  enum rd_status rc = RD_OK;

  (void)wait;   /* the single writer holds everything already */
  *got = true;
  STMT_OR_FAIL(s, c, SQ_AUDIT_HEAD, err);
  int src = sqlite3_step(s);
  if (src == SQLITE_ROW) {
    *seq = sqlite3_column_int64(s, 0);
    copy_hash(hash, sqlite3_column_text(s, 1));
  } else if (src == SQLITE_DONE) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "the audit log has no head row");
  } else {
    rc = rd_sqlite_fail(c->db, src, "audit head", err);
  }
  rd_sqlite_done(s);
  return rc;
}

enum rd_status
rd_sqlite_tx_audit_insert(struct rd_tx *tx, const struct rd_audit_entry *e,
                          struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;

  STMT_OR_FAIL(s, c, SQ_AUDIT_INSERT, err);
  sqlite3_bind_int64(s, 1, e->seq);
  sqlite3_bind_int64(s, 2, e->at);
  rd_sqlite_bind_text(s, 3, e->actor);
  rd_sqlite_bind_id(s, 4, e->user_id);
  rd_sqlite_bind_text(s, 5, e->client_addr);
  rd_sqlite_bind_text(s, 6, e->action);
  rd_sqlite_bind_text(s, 7, e->object_kind);
  rd_sqlite_bind_id(s, 8, e->object_id);
  rd_sqlite_bind_text(s, 9, e->detail_json);
  rd_sqlite_bind_text(s, 10, e->prev_hash);
  rd_sqlite_bind_text(s, 11, e->hash);
  return rd_sqlite_step_done(c, s, "audit log", err);
}

enum rd_status
rd_sqlite_tx_audit_insert_batch(struct rd_tx *tx, const struct rd_audit_entry *e,
                                size_t n, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  struct rd_buf b = {0};
  sqlite3_stmt *s;
  enum rd_status rc;

  STMT_OR_FAIL(s, c, SQ_AUDIT_INSERT_BATCH, err);
  rd_audit_rows_json(&b, e, n, true);
  sqlite3_bind_text(s, 1, b.data, (int)b.len, SQLITE_TRANSIENT);
  rd_buf_free(&b);
  rc = rd_sqlite_step_done(c, s, "audit log", err);
  if (rc == RD_OK && sqlite3_changes(c->db) != (int)n)
    rc = rd_error_set(err, RD_E_INTERNAL, "", "the audit log took %lld of %zu rows",
                      (long long)sqlite3_changes(c->db), n);
  return rc;
}

static void
audit_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct rd_audit_entry *e = out;
  e->seq = sqlite3_column_int64(s, 0);
  e->at = sqlite3_column_int64(s, 1);
  e->actor = rd_sqlite_col_text(s, 2, a);
  e->user_id = sqlite3_column_int64(s, 3);
  e->client_addr = rd_sqlite_col_text(s, 4, a);
  e->action = rd_sqlite_col_text(s, 5, a);
  e->object_kind = rd_sqlite_col_text(s, 6, a);
  e->object_id = sqlite3_column_int64(s, 7);
  e->detail_json = rd_sqlite_col_text(s, 8, a);
  copy_hash(e->prev_hash, sqlite3_column_text(s, 9));
  copy_hash(e->hash, sqlite3_column_text(s, 10));
}

/* Every row of the bound statement s on reader c, into an arena array. */
static enum rd_status
collect(struct rd_sqlite_conn *c, sqlite3_stmt *s, struct rd_arena *a,
        struct rd_audit_entry **out, size_t *n, struct rd_error *err)
{
  size_t cap = 16, k = 0;
  struct rd_audit_entry *rows = rd_arena_alloc(a, cap * sizeof *rows);
  enum rd_status rc = RD_OK;
  int src;

  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) {
      struct rd_audit_entry *bigger = rd_arena_alloc(a, 2 * cap * sizeof *rows);
      memcpy(bigger, rows, k * sizeof *rows);
      rows = bigger;
      cap *= 2;
    }
    memset(&rows[k], 0, sizeof rows[k]);
    audit_row(s, a, &rows[k++]);
  }
  if (src != SQLITE_DONE)
    rc = rd_sqlite_fail(c->db, src, "audit log", err);
  rd_sqlite_done(s);
  *out = rc == RD_OK ? rows : NULL;
  *n = rc == RD_OK ? k : 0;
  return rc;
}

enum rd_status
rd_sqlite_audit_page(struct rd_store *st, const struct rd_audit_filter *f,
                     int64_t before_seq, int limit, struct rd_arena *a,
                     struct rd_audit_entry **out, size_t *n,
                     struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  enum rd_status rc;

  if ((rc = rd_sqlite_reader_acquire(st, &c, err)))
    return rc;
  if ((s = rd_sqlite_stmt(c, SQ_AUDIT_PAGE, err)) == NULL) {
    rd_sqlite_reader_release(st, c);
    return err ? err->code : RD_E_INTERNAL;
  }
  sqlite3_bind_int64(s, 1, before_seq);
  rd_sqlite_bind_id(s, 2, f->user_id);
  rd_sqlite_bind_text(s, 3, f->object_kind);
  rd_sqlite_bind_id(s, 4, f->object_id);
  rd_sqlite_bind_text(s, 5, f->action);
  rd_sqlite_bind_id(s, 6, f->from);
  rd_sqlite_bind_id(s, 7, f->to);
  sqlite3_bind_int(s, 8, limit);
  rc = collect(c, s, a, out, n, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_audit_range(struct rd_store *st, int64_t after_seq, int limit,
                      struct rd_arena *a, struct rd_audit_entry **out,
                      size_t *n, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  enum rd_status rc;

  if ((rc = rd_sqlite_reader_acquire(st, &c, err)))
    return rc;
  if ((s = rd_sqlite_stmt(c, SQ_AUDIT_RANGE, err)) == NULL) {
    rd_sqlite_reader_release(st, c);
    return err ? err->code : RD_E_INTERNAL;
  }
  sqlite3_bind_int64(s, 1, after_seq);
  sqlite3_bind_int(s, 2, limit);
  rc = collect(c, s, a, out, n, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

struct head_row {
  int64_t seq;
  char hash[RD_AUDIT_HASH_HEX];
};

static void
head_row(sqlite3_stmt *s, struct rd_arena *a, void *out)
{
  struct head_row *h = out;
  (void)a;
  h->seq = sqlite3_column_int64(s, 0);
  copy_hash(h->hash, sqlite3_column_text(s, 1));
}

enum rd_status
rd_sqlite_audit_head(struct rd_store *st, int64_t *seq,
                     char hash[RD_AUDIT_HASH_HEX], struct rd_error *err)
{
  struct head_row h;
  enum rd_status rc = rd_sqlite_read_one(st, SQ_AUDIT_HEAD, RD_SQLITE_NO_KEY,
                                         NULL, head_row, NULL, &h,
                                         "audit head", err);
  if (rc == RD_OK) {
    *seq = h.seq;
    memcpy(hash, h.hash, RD_AUDIT_HASH_HEX);
  }
  return rc;
}
