/* store/pg/audit.c - the audit log's rows (0004_audit.sql,
 * 0005_audit_chainer.sql) on PostgreSQL.
 *
 * An append inserts its row unchained and locks nothing others wait for;
 * the chainer (store/audit.c) locks the head row, reads the unchained rows
 * and links a batch with one UPDATE. The chain itself (hashes,
 * verification) is store/audit.c's. */
#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

#include "store/pg/pg_int.h"

static void
copy_hash(char out[RD_AUDIT_HASH_HEX], PGresult *r, int row, int col)
{
  snprintf(out, RD_AUDIT_HASH_HEX, "%s", PQgetvalue(r, row, col));
}

struct head_row {
  int64_t seq;
  char hash[RD_AUDIT_HASH_HEX];
};

static void
head_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct head_row *h = out;
  (void)a;
  h->seq = rd_pg_int(r, row, 0);
  copy_hash(h->hash, r, row, 1);
}

enum rd_status
rd_pg_tx_audit_head(struct rd_tx *tx, bool wait, bool *got, int64_t *seq,
                    char hash[RD_AUDIT_HASH_HEX], struct rd_error *err)
{
  struct rd_pg_args p = {0};
  struct head_row h;
  enum rd_status rc = rd_pg_one(rd_pg_tx_conn(tx),
                                wait ? PQ_AUDIT_HEAD : PQ_AUDIT_HEAD_TRY, &p,
                                head_row, NULL, &h, "audit head", err);
  *got = false;
  if (rc == RD_E_NOT_FOUND && !wait) {
    /* SKIP LOCKED found the row taken: another chainer is at work. */
    memset(err, 0, sizeof *err);
    return RD_OK;
  }
  if (rc == RD_OK) {
    *got = true;
    *seq = h.seq;
    memcpy(hash, h.hash, RD_AUDIT_HASH_HEX);
  }
  return rc;
}

enum rd_status
rd_pg_tx_audit_insert(struct rd_tx *tx, const struct rd_audit_entry *e,
                      struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, e->at);
  rd_pg_arg_text(&p, e->actor);
  rd_pg_arg_id(&p, e->user_id);
  rd_pg_arg_text(&p, e->client_addr);
  rd_pg_arg_text(&p, e->action);
  rd_pg_arg_text(&p, e->object_kind);
  rd_pg_arg_id(&p, e->object_id);
  rd_pg_arg_text(&p, e->detail_json);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_AUDIT_INSERT, &p, NULL, "audit log",
                    err);
}

enum rd_status
rd_pg_tx_audit_insert_batch(struct rd_tx *tx, const struct rd_audit_entry *e,
                            size_t n, struct rd_error *err)
{
  struct rd_buf b = {0};
  struct rd_pg_args p = {0};
  int64_t inserted = 0;
  enum rd_status rc;

  rd_audit_rows_json(&b, e, n, false);
  rd_pg_arg_text(&p, b.data);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_AUDIT_INSERT_BATCH, &p, &inserted,
                  "audit log", err);
  rd_buf_free(&b);
  if (rc == RD_OK && inserted != (int64_t)n)
    rc = rd_error_set(err, RD_E_INTERNAL, "",
                      "the audit log took %lld of %zu rows", (long long)inserted, n);
  return rc;
}

/* Columns 1-8 of an audit row, which every query of it selects in this
 * order after its key (row_id or seq) in column 0. */
static void
entry_fields(PGresult *r, int row, struct rd_arena *a, struct rd_audit_entry *e)
{
  e->at = rd_pg_int(r, row, 1);
  e->actor = rd_pg_text(r, row, 2, a);
  e->user_id = rd_pg_int(r, row, 3);
  e->client_addr = rd_pg_text(r, row, 4, a);
  e->action = rd_pg_text(r, row, 5, a);
  e->object_kind = rd_pg_text(r, row, 6, a);
  e->object_id = rd_pg_int(r, row, 7);
  e->detail_json = rd_pg_text(r, row, 8, a);
}

static void
unchained_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_audit_entry *e = out;
  e->row_id = rd_pg_int(r, row, 0);
  entry_fields(r, row, a, e);
}

enum rd_status
rd_pg_tx_audit_unchained(struct rd_tx *tx, int limit, struct rd_arena *a,
                         struct rd_audit_entry **out, size_t *n,
                         struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, limit);
  return rd_pg_all(rd_pg_tx_conn(tx), PQ_AUDIT_UNCHAINED, &p, unchained_row,
                   sizeof **out, a, (void **)out, n, err);
}

enum rd_status
rd_pg_tx_audit_link(struct rd_tx *tx, const struct rd_audit_entry *rows,
                    size_t n, struct rd_error *err)
{
  /* Array literals: ids and seqs are digits, hashes hex, so nothing needs
   * quoting. */
  struct rd_buf ids = {0}, seqs = {0}, prevs = {0}, hashes = {0};
  struct rd_pg_args p = {0};
  int64_t changed = 0;
  enum rd_status rc;
  char num[24];

  rd_buf_putc(&ids, '{');
  rd_buf_putc(&seqs, '{');
  rd_buf_putc(&prevs, '{');
  rd_buf_putc(&hashes, '{');
  for (size_t i = 0; i < n; i++) {
    const char *sep = i ? "," : "";
    snprintf(num, sizeof num, "%s%lld", sep, (long long)rows[i].row_id);
    rd_buf_puts(&ids, num);
    snprintf(num, sizeof num, "%s%lld", sep, (long long)rows[i].seq);
    rd_buf_puts(&seqs, num);
    rd_buf_puts(&prevs, sep);
    rd_buf_puts(&prevs, rows[i].prev_hash);
    rd_buf_puts(&hashes, sep);
    rd_buf_puts(&hashes, rows[i].hash);
  }
  rd_buf_putc(&ids, '}');
  rd_buf_putc(&seqs, '}');
  rd_buf_putc(&prevs, '}');
  rd_buf_putc(&hashes, '}');
  rd_pg_arg_text(&p, ids.data);
  rd_pg_arg_text(&p, seqs.data);
  rd_pg_arg_text(&p, prevs.data);
  rd_pg_arg_text(&p, hashes.data);
  rc = rd_pg_done(rd_pg_tx_conn(tx), PQ_AUDIT_LINK, &p, &changed, "audit chain", err);
  rd_buf_free(&ids);
  rd_buf_free(&seqs);
  rd_buf_free(&prevs);
  rd_buf_free(&hashes);
  if (rc == RD_OK && changed != (int64_t)n)
    rc = rd_error_set(err, RD_E_INTERNAL, "",
                      "the audit chain linked %lld of %zu rows", (long long)changed, n);
  return rc;
}

static void
count_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  (void)a;
  *(int64_t *)out = rd_pg_int(r, row, 0);
}

enum rd_status
rd_pg_audit_pending(struct rd_store *st, int64_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  return rd_pg_read_one(st, PQ_AUDIT_PENDING, &p, count_row, NULL, n,
                        "audit log", err);
}

static void
audit_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_audit_entry *e = out;
  e->seq = rd_pg_int(r, row, 0);
  entry_fields(r, row, a, e);
  copy_hash(e->prev_hash, r, row, 9);
  copy_hash(e->hash, r, row, 10);
}

enum rd_status
rd_pg_audit_page(struct rd_store *st, const struct rd_audit_filter *f,
                 int64_t before_seq, int limit, struct rd_arena *a,
                 struct rd_audit_entry **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, before_seq);
  rd_pg_arg_id(&p, f->user_id);
  rd_pg_arg_text(&p, f->object_kind);
  rd_pg_arg_id(&p, f->object_id);
  rd_pg_arg_text(&p, f->action);
  rd_pg_arg_id(&p, f->from);
  rd_pg_arg_id(&p, f->to);
  rd_pg_arg_int(&p, limit);
  return rd_pg_read_all(st, PQ_AUDIT_PAGE, &p, audit_row, sizeof **out, a,
                        (void **)out, n, err);
}

enum rd_status
rd_pg_audit_range(struct rd_store *st, int64_t after_seq, int limit,
                  struct rd_arena *a, struct rd_audit_entry **out, size_t *n,
                  struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, after_seq);
  rd_pg_arg_int(&p, limit);
  return rd_pg_read_all(st, PQ_AUDIT_RANGE, &p, audit_row, sizeof **out, a,
                        (void **)out, n, err);
}

enum rd_status
rd_pg_audit_head(struct rd_store *st, int64_t *seq,
                 char hash[RD_AUDIT_HASH_HEX], struct rd_error *err)
{
  struct rd_pg_args p = {0};
  struct head_row h;
  enum rd_status rc = rd_pg_read_one(st, PQ_AUDIT_HEAD_READ, &p, head_row, NULL,
                                     &h, "audit head", err);
  if (rc == RD_OK) {
    *seq = h.seq;
    memcpy(hash, h.hash, RD_AUDIT_HASH_HEX);
  }
  return rc;
}
