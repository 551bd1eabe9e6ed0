/* store/audit.c - the audit log's hash chain, the same on every backend.
 *
 * The backends only store and fetch rows (tx_audit_head/insert/unchained/
 * link, audit_page, audit_range, audit_head, audit_pending); what a row's
 * hash covers, how a row joins the chain (as it is inserted on SQLite, by
 * the chainer later on PostgreSQL) and how the chain is checked live here
 * once, so a log written on SQLite and one written on PostgreSQL verify
 * alike.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/cursor.h"
#include "store/store_int.h"
#include "util/arena.h"
#include "util/buf.h"

enum {
  PAGE_MAX = 500,
  VERIFY_BATCH = 1000,       /* rows fetched per step of the walk */
  CHAIN_BATCH = 500,         /* rows linked per chainer transaction */
};

/* The cursor letter of audit pages: key and id are both the last seq. */
#define AUDIT_CURSOR 'a'

static const char genesis[RD_AUDIT_HASH_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* One field of the canonical bytes: "name=<length>:<value>\n". The length
 * makes the encoding unambiguous: no value can pose as the next field. */
static void
put_text(struct rd_buf *b, const char *name, const char *value)
{
  char len[24];
  const char *v = value ? value : "";
  snprintf(len, sizeof len, "=%zu:", strlen(v));
  rd_buf_puts(b, name);
  rd_buf_puts(b, len);
  rd_buf_puts(b, v);
  rd_buf_putc(b, '\n');
}

static void
put_int(struct rd_buf *b, const char *name, int64_t value)
{
  char v[24];
  snprintf(v, sizeof v, "%lld", (long long)value);
  put_text(b, name, v);
}

void
rd_audit_entry_hash(const struct rd_audit_entry *e, char out[RD_AUDIT_HASH_HEX])
{
  struct rd_buf b = {0};
  unsigned char digest[crypto_hash_sha256_BYTES];

  /* Version first, so a later change of what is covered is a new tag. */
  rd_buf_puts(&b, "redress-audit-1\n");
  rd_buf_puts(&b, e->prev_hash);
  rd_buf_putc(&b, '\n');
  put_int(&b, "seq", e->seq);
  put_int(&b, "at", e->at);
  put_text(&b, "actor", e->actor);
  put_int(&b, "user_id", e->user_id);
  put_text(&b, "client_addr", e->client_addr);
  put_text(&b, "action", e->action);
  put_text(&b, "object_kind", e->object_kind);
  put_int(&b, "object_id", e->object_id);
  put_text(&b, "detail", e->detail_json ? e->detail_json : "{}");
  crypto_hash_sha256(digest, (const unsigned char *)b.data, b.len);
  sodium_bin2hex(out, RD_AUDIT_HASH_HEX, digest, sizeof digest);
  rd_buf_free(&b);
}

/* "name":value, for one field of a batch's JSON rows (NULL and 0 ids as null). */
static void
json_text(struct rd_buf *b, const char *name, const char *v)
{
  rd_buf_printf(b, ",\"%s\":", name);
  if (v)
    rd_buf_json_string(b, v);
  else
    rd_buf_puts(b, "null");
}

static void
json_id(struct rd_buf *b, const char *name, int64_t v)
{
  if (v)
    rd_buf_printf(b, ",\"%s\":%lld", name, (long long)v);
  else
    rd_buf_printf(b, ",\"%s\":null", name);
}

void
rd_audit_rows_json(struct rd_buf *b, const struct rd_audit_entry *e, size_t n,
                   bool chained)
{
  rd_buf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    rd_buf_printf(b, "%s{\"at\":%lld", i ? "," : "", (long long)e[i].at);
    json_text(b, "actor", e[i].actor);
    json_id(b, "user_id", e[i].user_id);
    json_text(b, "client_addr", e[i].client_addr);
    json_text(b, "action", e[i].action);
    json_text(b, "object_kind", e[i].object_kind);
    json_id(b, "object_id", e[i].object_id);
    json_text(b, "detail", e[i].detail_json);
    if (chained) {
      rd_buf_printf(b, ",\"seq\":%lld", (long long)e[i].seq);
      json_text(b, "prev_hash", e[i].prev_hash);
      json_text(b, "hash", e[i].hash);
    }
    rd_buf_putc(b, '}');
  }
  rd_buf_putc(b, ']');
}

enum rd_status
rd_tx_audit_append(struct rd_tx *tx, struct rd_audit_entry *e,
                   struct rd_error *err)
{
  enum rd_status rc;
  int64_t head_seq = 0;
  bool got = false;

  if (!e->actor || !*e->actor || !e->action || !*e->action)
    return rd_error_set(err, RD_E_INVALID, "action",
                        "an audit entry needs an actor and an action");
  if (!e->detail_json)
    e->detail_json = "{}";
  if (tx->st->be->audit_chain_later) {
    /* No shared lock to the end of this transaction: the chainer links the
     * row once it is committed (rd_store_audit_chain). */
    e->seq = 0;
    e->prev_hash[0] = e->hash[0] = '\0';
    return tx->st->be->tx_audit_insert(tx, e, err);
  }
  if ((rc = tx->st->be->tx_audit_head(tx, true, &got, &head_seq, e->prev_hash, err)))
    return rc;
  e->seq = head_seq + 1;
  rd_audit_entry_hash(e, e->hash);
  return tx->st->be->tx_audit_insert(tx, e, err);
}

enum rd_status
rd_tx_audit_append_batch(struct rd_tx *tx, struct rd_audit_entry *e, size_t n,
                         struct rd_error *err)
{
  enum rd_status rc;

  if (!tx->st->be->tx_audit_insert_batch) {
    for (size_t i = 0; i < n; i++)
      if ((rc = rd_tx_audit_append(tx, &e[i], err)))
        return rc;
    return RD_OK;
  }
  for (size_t i = 0; i < n; i++) {
    if (!e[i].actor || !*e[i].actor || !e[i].action || !*e[i].action)
      return rd_error_set(err, RD_E_INVALID, "action",
                          "an audit entry needs an actor and an action");
    if (!e[i].detail_json)
      e[i].detail_json = "{}";
    e[i].seq = 0;
    e[i].prev_hash[0] = e[i].hash[0] = '\0';
  }
  if (n == 0)
    return RD_OK;
  if (!tx->st->be->audit_chain_later) {
    /* Chained here, from the head read once, and inserted by one
     * statement: row by row, each INSERT's statement journal inside the
     * write's savepoint made a batch cost grow with its square (SQLite's
     * in-memory sub-journal is walked from its start at every release). */
    int64_t head_seq = 0;
    bool got = false;
    if ((rc = tx->st->be->tx_audit_head(tx, true, &got, &head_seq, e[0].prev_hash, err)))
      return rc;
    for (size_t i = 0; i < n; i++) {
      if (i)
        memcpy(e[i].prev_hash, e[i - 1].hash, RD_AUDIT_HASH_HEX);
      e[i].seq = head_seq + 1 + (int64_t)i;
      rd_audit_entry_hash(&e[i], e[i].hash);
    }
  }
  return tx->st->be->tx_audit_insert_batch(tx, e, n, err);
}

struct chain_step {
  bool wait;
  struct rd_arena *a;
  size_t linked;       /* rows linked by the last run of the transaction */
  bool busy;           /* another chainer holds the head */
};

/* One chainer transaction: lock the head (or find it taken), link the next
 * unchained rows behind it in row_id order. The head lock is held for
 * CHAIN_BATCH hashes and one UPDATE, and no writer ever waits for it. */
static enum rd_status
chain_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct chain_step *c = arg;
  char prev[RD_AUDIT_HASH_HEX];
  int64_t seq = 0;
  struct rd_audit_entry *rows = NULL;
  size_t n = 0;
  bool got = false;
  enum rd_status rc;

  c->linked = 0;
  c->busy = false;
  if ((rc = tx->st->be->tx_audit_head(tx, c->wait, &got, &seq, prev, err)))
    return rc;
  if (!got) {
    c->busy = true;
    return RD_OK;
  }
  if ((rc = tx->st->be->tx_audit_unchained(tx, CHAIN_BATCH, c->a, &rows, &n, err)))
    return rc;
  if (n == 0)
    return RD_OK;
  for (size_t i = 0; i < n; i++) {
    struct rd_audit_entry *e = &rows[i];
    e->seq = ++seq;
    memcpy(e->prev_hash, prev, sizeof prev);
    rd_audit_entry_hash(e, e->hash);
    memcpy(prev, e->hash, sizeof prev);
  }
  if ((rc = tx->st->be->tx_audit_link(tx, rows, n, err)))
    return rc;
  c->linked = n;
  return RD_OK;
}

enum rd_status
rd_store_audit_chain(struct rd_store *st, bool wait, int64_t *linked,
                     struct rd_error *err)
{
  enum rd_status rc = RD_OK;
  int64_t total = 0;

  if (linked)
    *linked = 0;
  if (!st->be->audit_chain_later)
    return RD_OK;
  for (;;) {
    struct chain_step c = {.wait = wait, .a = rd_arena_new()};
    rc = rd_store_write(st, chain_tx, &c, err);
    rd_arena_free(c.a);
    if (rc)
      break;
    total += (int64_t)c.linked;
    if (c.busy || c.linked < CHAIN_BATCH)
      break;
  }
  if (linked)
    *linked = total;
  return rc;
}

enum rd_status
rd_store_audit_list(struct rd_store *st, const struct rd_audit_filter *f,
                    struct rd_arena *a, struct rd_audit_page *out,
                    struct rd_error *err)
{
  int64_t before = INT64_MAX, again;
  int limit = f->limit < 1 ? 1 : f->limit > PAGE_MAX ? PAGE_MAX : f->limit;
  enum rd_status rc;

  memset(out, 0, sizeof *out);
  if (f->cursor && (!rd_cursor_decode(f->cursor, AUDIT_CURSOR, &before, &again) ||
                    again != before || before < 1))
    return rd_error_set(err, RD_E_INVALID, "cursor", "this cursor is not valid here");
  /* One row more than asked tells whether another page follows. */
  if ((rc = st->be->audit_page(st, f, before, limit + 1, a, &out->items,
                               &out->n, err)))
    return rc;
  if (out->n > (size_t)limit) {
    out->n = (size_t)limit;
    int64_t last = out->items[limit - 1].seq;
    out->next_cursor = rd_cursor_encode(a, AUDIT_CURSOR, last, last);
  }
  return RD_OK;
}

/* Marks the report bad at seq for why; returns RD_OK (a finding, not a failure). */
static enum rd_status
found_bad(struct rd_audit_report *out, int64_t seq, const char *why)
{
  out->bad_seq = seq;
  out->problem = why;
  return RD_OK;
}

enum rd_status
rd_store_audit_verify(struct rd_store *st, struct rd_audit_report *out,
                      struct rd_error *err)
{
  char prev[RD_AUDIT_HASH_HEX], expect[RD_AUDIT_HASH_HEX];
  int64_t last = 0;
  enum rd_status rc;

  memset(out, 0, sizeof *out);
  /* The head first: rows appended during the walk lie past it and are left
   * for the next run; the walk stops at the head's seq. */
  if ((rc = st->be->audit_head(st, &out->head_seq, out->head_hash, err)))
    return rc;
  memcpy(prev, genesis, sizeof prev);
  for (;;) {
    struct rd_arena *a = rd_arena_new();
    struct rd_audit_entry *rows;
    size_t n;
    if ((rc = st->be->audit_range(st, last, VERIFY_BATCH, a, &rows, &n, err))) {
      rd_arena_free(a);
      return rc;
    }
    for (size_t i = 0; i < n && !out->problem; i++) {
      struct rd_audit_entry *e = &rows[i];
      if (e->seq > out->head_seq)
        break;
      if (e->seq != last + 1)
        found_bad(out, last + 1, "missing: the row with this seq was deleted");
      else if (strcmp(e->prev_hash, prev) != 0)
        found_bad(out, e->seq, "prev_hash does not match the previous row's hash "
                               "(a row before it was deleted or edited)");
      else {
        rd_audit_entry_hash(e, expect);
        if (strcmp(expect, e->hash) != 0)
          found_bad(out, e->seq, "hash mismatch: the row was edited");
      }
      if (!out->problem) {
        memcpy(prev, e->hash, sizeof prev);
        last = e->seq;
        out->verified++;
      }
    }
    rd_arena_free(a);
    if (out->problem || n < VERIFY_BATCH || last >= out->head_seq)
      break;
  }
  if (st->be->audit_pending &&
      (rc = st->be->audit_pending(st, &out->pending, err)))
    return rc;
  if (out->problem)
    return RD_OK;
  if (last < out->head_seq)
    return found_bad(out, last + 1, "missing: the log ends before its head "
                                    "(rows at the end were deleted)");
  if (strcmp(prev, out->head_hash) != 0)
    return found_bad(out, last, "the head's hash does not match the last row "
                                "(the head or the last row was changed)");
  return RD_OK;
}
