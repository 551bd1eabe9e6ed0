/* store/pg/audit.c - the audit log's rows (0004_audit.sql) on PostgreSQL.
 *
 * An append first locks the head row (PQ_AUDIT_HEAD ... FOR UPDATE): the
 * lock orders appends from every connection and node into one chain and is
 * held to the end of the transaction, so callers append last. The chain
 * itself (hashes, verification) is store/audit.c's. */
#include <stdio.h>
#include <string.h>

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
rd_pg_tx_audit_head(struct rd_tx *tx, int64_t *seq,
                    char hash[RD_AUDIT_HASH_HEX], struct rd_error *err)
{
  struct rd_pg_args p = {0};
  struct head_row h;
  enum rd_status rc = rd_pg_one(rd_pg_tx_conn(tx), PQ_AUDIT_HEAD, &p, head_row,
                                NULL, &h, "audit head", err);
  if (rc == RD_OK) {
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
  rd_pg_arg_int(&p, e->seq);
  rd_pg_arg_int(&p, e->at);
  rd_pg_arg_text(&p, e->actor);
  rd_pg_arg_id(&p, e->user_id);
  rd_pg_arg_text(&p, e->client_addr);
  rd_pg_arg_text(&p, e->action);
  rd_pg_arg_text(&p, e->object_kind);
  rd_pg_arg_id(&p, e->object_id);
  rd_pg_arg_text(&p, e->detail_json);
  rd_pg_arg_text(&p, e->prev_hash);
  rd_pg_arg_text(&p, e->hash);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_AUDIT_INSERT, &p, NULL, "audit log",
                    err);
}

static void
audit_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_audit_entry *e = out;
  e->seq = rd_pg_int(r, row, 0);
  e->at = rd_pg_int(r, row, 1);
  e->actor = rd_pg_text(r, row, 2, a);
  e->user_id = rd_pg_int(r, row, 3);
  e->client_addr = rd_pg_text(r, row, 4, a);
  e->action = rd_pg_text(r, row, 5, a);
  e->object_kind = rd_pg_text(r, row, 6, a);
  e->object_id = rd_pg_int(r, row, 7);
  e->detail_json = rd_pg_text(r, row, 8, a);
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
