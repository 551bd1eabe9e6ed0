/* store/sqlite/complaints.c - complaints, their customers, numbers, timeline,
 * idempotency records and attachments on SQLite.
 *
 * The same static functions serve the writer (inside rd_store_write, through
 * tx->impl) and the readers (a pooled connection); results go to the
 * caller's arena. The search index follows complaints through search_seq
 * (search.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"


/* ---- complaints ---------------------------------------------------------- */

int64_t
rd_sqlite_due_key(const struct rd_complaint *c)
{
  return c->due_at && rd_state_is_open(c->status) ? c->due_at : INT64_MAX;
}

static enum rd_validity
validity_parse(const char *s)
{
  for (int v = RD_VALIDITY_UNKNOWN; v <= RD_VALIDITY_INVALID; v++)
    if (s && strcmp(s, rd_validity_name((enum rd_validity)v)) == 0)
      return (enum rd_validity)v;
  return RD_VALIDITY_UNKNOWN;
}

#define BIND_I(v)   sqlite3_bind_int64(s, i++, (int64_t)(v))
#define BIND_ID(v)  rd_sqlite_bind_id(s, i++, (v))
#define BIND_T(v)   rd_sqlite_bind_text(s, i++, (v))
#define BIND_B(v)   sqlite3_bind_int(s, i++, (v) ? 1 : 0)
#define BIND_CH(v)  rd_sqlite_bind_text(s, i++, rd_channel_name(v))
#define BIND_VAL(v) rd_sqlite_bind_text(s, i++, rd_validity_name(v))
#define BIND_PK(v)  rd_sqlite_bind_text(s, i++, cm->plan.present ? rd_plan_kind_name(v) : NULL)
#define BIND(col, kind, member) BIND_##kind(cm->member);

/* Binds the FIXED (when fixed) and MUTABLE columns from ?1 on; returns the
 * next parameter index. */
static int
bind_complaint(sqlite3_stmt *s, const struct rd_complaint *cm, bool fixed)
{
  int i = 1;
  if (fixed) {
    RD_SQLITE_COMPLAINT_FIXED(BIND)
  }
  RD_SQLITE_COMPLAINT_MUTABLE(BIND)
  return i;
}

#define READ_I(m)   out->m = sqlite3_column_int64(s, i++)
#define READ_ID(m)  READ_I(m)
#define READ_T(m)   out->m = rd_sqlite_col_text(s, i++, a)
#define READ_B(m)   out->m = sqlite3_column_int(s, i++) != 0
#define READ_CH(m)  rd_channel_parse((const char *)sqlite3_column_text(s, i++), &out->m)
#define READ_VAL(m) out->m = validity_parse((const char *)sqlite3_column_text(s, i++))
#define READ_PK(m)                                                        \
  do {                                                                    \
    const char *k_ = (const char *)sqlite3_column_text(s, i++);           \
    if (k_)                                                               \
      rd_plan_kind_parse(k_, &out->m);                                    \
  } while (0)
#define READ(col, kind, member) READ_##kind(member);

enum rd_status
rd_sqlite_complaint_read(sqlite3_stmt *s, int col, struct rd_arena *a,
                         struct rd_complaint *out)
{
  int i = col;

  memset(out, 0, sizeof *out);
  RD_SQLITE_COMPLAINT_FIXED(READ)
  RD_SQLITE_COMPLAINT_MUTABLE(READ)
  out->id = sqlite3_column_int64(s, i++);
  out->version = sqlite3_column_int(s, i++);
  out->updated_at = sqlite3_column_int64(s, i++);
  out->customer.name = rd_sqlite_col_text(s, i++, a);
  out->customer.phone = rd_sqlite_col_text(s, i++, a);
  out->customer.email = rd_sqlite_col_text(s, i++, a);
  out->customer.refs_json = rd_sqlite_col_text(s, i++, a);
  out->anonymised_at = sqlite3_column_int64(s, i++);
  rd_store_hide_anonymised(out);
  return RD_OK;
}

/* One complaint by id or number (whichever key is non-NULL/non-zero). */
static enum rd_status
complaint_fetch(struct rd_sqlite_conn *c, int64_t id, const char *number,
                struct rd_arena *a, struct rd_complaint *out,
                struct rd_error *err)
{
  sqlite3_stmt *s;
  enum rd_status rc = RD_OK;
  int src;

  STMT_OR_FAIL(s, c, number ? SQ_COMPLAINT_GET_BY_NUMBER : SQ_COMPLAINT_GET, err);
  if (number)
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64(s, 1, id);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW)
    rd_sqlite_complaint_read(s, 0, a, out);
  else if (src == SQLITE_DONE)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  else
    rc = rd_sqlite_fail(c->db, src, "complaint get", err);
  rd_sqlite_done(s);
  return rc;
}

enum rd_status
rd_sqlite_tx_complaint_insert(struct rd_tx *tx, struct rd_complaint *cp,
                              struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int i, src;

  if (cp->number == NULL)
    return rd_error_set(err, RD_E_INVALID, "number", "no complaint number");
  STMT_OR_FAIL(s, c, SQ_COMPLAINT_INSERT, err);
  i = bind_complaint(s, cp, true);
  sqlite3_bind_int64(s, i++, cp->registered_at);         /* updated_at */
  sqlite3_bind_int64(s, i++, rd_sqlite_due_key(cp));
  rd_sqlite_bind_id(s, i++, cp->customer.id);            /* cust_name */
  rd_sqlite_bind_id(s, i++, cp->customer.id);            /* cust_phone */
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "complaint insert", err);
  cp->id = sqlite3_last_insert_rowid(c->db);
  cp->version = 1;
  cp->updated_at = cp->registered_at;
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_complaint_update(struct rd_tx *tx, struct rd_complaint *cp,
                              int64_t now, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int i, src;

  STMT_OR_FAIL(s, c, SQ_COMPLAINT_UPDATE, err);
  i = bind_complaint(s, cp, false);
  sqlite3_bind_int64(s, i++, now);
  sqlite3_bind_int64(s, i++, rd_sqlite_due_key(cp));
  rd_sqlite_bind_id(s, i++, cp->customer.id);
  rd_sqlite_bind_id(s, i++, cp->customer.id);
  sqlite3_bind_int64(s, i++, cp->id);
  sqlite3_bind_int(s, i++, cp->version);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "complaint update", err);
  if (sqlite3_changes(c->db) == 0) {
    /* Nothing written: tell a stale version from a missing record. */
    STMT_OR_FAIL(s, c, SQ_COMPLAINT_VERSION, err);
    sqlite3_bind_int64(s, 1, cp->id);
    src = sqlite3_step(s);
    rd_sqlite_done(s);
    if (src == SQLITE_ROW)
      return rd_error_set(err, RD_E_CONFLICT, "version",
                          "the complaint was changed by someone else");
    if (src == SQLITE_DONE)
      return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
    return rd_sqlite_fail(c->db, src, "complaint version", err);
  }
  cp->version += 1;
  cp->updated_at = now;
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_complaint_get(struct rd_tx *tx, int64_t id, struct rd_arena *a,
                           struct rd_complaint *out, struct rd_error *err)
{
  return complaint_fetch(rd_sqlite_tx_conn(tx), id, NULL, a, out, err);
}

enum rd_status
rd_sqlite_tx_complaint_get_by_number(struct rd_tx *tx, const char *number,
                                     struct rd_arena *a,
                                     struct rd_complaint *out,
                                     struct rd_error *err)
{
  if (number == NULL)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  return complaint_fetch(rd_sqlite_tx_conn(tx), 0, number, a, out, err);
}

enum rd_status
rd_sqlite_complaint_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                        struct rd_complaint *out, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = complaint_fetch(c, id, NULL, a, out, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_complaint_get_by_number(struct rd_store *st, const char *number,
                                  struct rd_arena *a, struct rd_complaint *out,
                                  struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc;

  if (number == NULL)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = complaint_fetch(c, 0, number, a, out, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

/* ---- numbers ----------------------------------------------------------------- */

enum rd_status
rd_sqlite_tx_next_number(struct rd_tx *tx, const char *day_prefix,
                         struct rd_arena *a, const char **number,
                         struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int64_t last;
  int src;

  if (day_prefix == NULL || day_prefix[0] == '\0')
    return rd_error_set(err, RD_E_INVALID, "number_prefix", "empty prefix");
  STMT_OR_FAIL(s, c, SQ_NUMBER_NEXT, err);
  sqlite3_bind_text(s, 1, day_prefix, -1, SQLITE_STATIC);
  src = sqlite3_step(s);
  last = sqlite3_column_int64(s, 0);
  if (src == SQLITE_ROW)
    src = sqlite3_step(s); /* finish the statement so the write completes */
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "next number", err);
  *number = rd_arena_sprintf(a, "%s-%06lld", day_prefix, (long long)last);
  return RD_OK;
}

/* ---- customers --------------------------------------------------------------- */

static void
customer_read(sqlite3_stmt *s, struct rd_arena *a, struct rd_customer *out)
{
  out->id = sqlite3_column_int64(s, 0);
  out->name = rd_sqlite_col_text(s, 1, a);
  out->phone = rd_sqlite_col_text(s, 2, a);
  out->email = rd_sqlite_col_text(s, 3, a);
  out->refs_json = rd_sqlite_col_text(s, 4, a);
}

enum rd_status
rd_sqlite_tx_customer_upsert(struct rd_tx *tx, struct rd_customer *cu,
                             int64_t now, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int64_t id = 0;
  int src;

  if (cu->phone && cu->phone[0]) {
    STMT_OR_FAIL(s, c, SQ_CUSTOMER_BY_PHONE, err);
    sqlite3_bind_text(s, 1, cu->phone, -1, SQLITE_STATIC);
    src = sqlite3_step(s);
    if (src == SQLITE_ROW)
      id = sqlite3_column_int64(s, 0);
    rd_sqlite_done(s);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
      return rd_sqlite_fail(c->db, src, "customer lookup", err);
  }
  if (id) {
    STMT_OR_FAIL(s, c, SQ_CUSTOMER_REFRESH, err);
    rd_sqlite_bind_text(s, 1, cu->name);
    rd_sqlite_bind_text(s, 2, cu->email);
    rd_sqlite_bind_text(s, 3, cu->refs_json);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, id);
  } else {
    STMT_OR_FAIL(s, c, SQ_CUSTOMER_INSERT, err);
    rd_sqlite_bind_text(s, 1, cu->name);
    rd_sqlite_bind_text(s, 2, cu->phone && cu->phone[0] ? cu->phone : NULL);
    rd_sqlite_bind_text(s, 3, cu->email);
    rd_sqlite_bind_text(s, 4, cu->refs_json);
    sqlite3_bind_int64(s, 5, now);
  }
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "customer upsert", err);
  cu->id = id ? id : sqlite3_last_insert_rowid(c->db);
  return RD_OK;
}

static enum rd_status
customer_fetch(struct rd_sqlite_conn *c, int64_t id, const char *phone,
               struct rd_arena *a, struct rd_customer *out,
               struct rd_error *err)
{
  sqlite3_stmt *s;
  enum rd_status rc = RD_OK;
  int src;

  STMT_OR_FAIL(s, c, phone ? SQ_CUSTOMER_BY_PHONE : SQ_CUSTOMER_GET, err);
  if (phone)
    sqlite3_bind_text(s, 1, phone, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64(s, 1, id);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW)
    customer_read(s, a, out);
  else if (src == SQLITE_DONE)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such customer");
  else
    rc = rd_sqlite_fail(c->db, src, "customer get", err);
  rd_sqlite_done(s);
  return rc;
}

enum rd_status
rd_sqlite_customer_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                       struct rd_customer *out, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = customer_fetch(c, id, NULL, a, out, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_customer_by_phone(struct rd_store *st, const char *phone,
                            struct rd_arena *a, struct rd_customer *out,
                            struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc;

  if (phone == NULL)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such customer");
  rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = customer_fetch(c, 0, phone, a, out, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

/* ---- the timeline ------------------------------------------------------------ */

enum rd_status
rd_sqlite_tx_event_append(struct rd_tx *tx, struct rd_event *ev,
                          struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int src;

  if (ev->type == NULL)
    return rd_error_set(err, RD_E_INVALID, "type", "event without a type");
  STMT_OR_FAIL(s, c, SQ_EVENT_INSERT, err);
  sqlite3_bind_int64(s, 1, ev->complaint_id);
  sqlite3_bind_int64(s, 2, ev->at);
  rd_sqlite_bind_id(s, 3, ev->actor_id);
  sqlite3_bind_text(s, 4, ev->type, -1, SQLITE_STATIC);
  if (ev->from_status >= 0)
    sqlite3_bind_int(s, 5, ev->from_status);
  if (ev->to_status >= 0)
    sqlite3_bind_int(s, 6, ev->to_status);
  rd_sqlite_bind_text(s, 7, ev->note);
  rd_sqlite_bind_text(s, 8, ev->data_json);
  src = sqlite3_step(s);
  rd_sqlite_done(s); /* also clears 5 and 6 back to NULL for the next use */
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "event append", err);
  ev->id = sqlite3_last_insert_rowid(c->db);
  return RD_OK;
}

/* Grows an arena array by doubling (the old block stays in the arena). */
static void *
grow(struct rd_arena *a, void *items, size_t n, size_t *cap, size_t size)
{
  void *bigger;
  if (n < *cap)
    return items;
  *cap = *cap ? *cap * 2 : 16;
  bigger = rd_arena_alloc(a, *cap * size);
  if (n)
    memcpy(bigger, items, n * size);
  return bigger;
}

enum rd_status
rd_sqlite_event_list(struct rd_store *st, int64_t complaint_id,
                     struct rd_arena *a, struct rd_event **out, size_t *n,
                     struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  struct rd_event *items = NULL;
  size_t count = 0, cap = 0;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  int src;

  *out = NULL;
  *n = 0;
  if (rc != RD_OK)
    return rc;
  s = rd_sqlite_stmt(c, SQ_EVENT_LIST, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  sqlite3_bind_int64(s, 1, complaint_id);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    struct rd_event *e;
    items = grow(a, items, count, &cap, sizeof *items);
    e = &items[count++];
    e->id = sqlite3_column_int64(s, 0);
    e->complaint_id = sqlite3_column_int64(s, 1);
    e->at = sqlite3_column_int64(s, 2);
    e->actor_id = sqlite3_column_int64(s, 3);
    e->actor_name = rd_sqlite_col_text(s, 4, a);
    e->type = rd_sqlite_col_text(s, 5, a);
    e->from_status = sqlite3_column_type(s, 6) == SQLITE_NULL
                         ? -1 : sqlite3_column_int(s, 6);
    e->to_status = sqlite3_column_type(s, 7) == SQLITE_NULL
                       ? -1 : sqlite3_column_int(s, 7);
    e->note = rd_sqlite_col_text(s, 8, a);
    e->data_json = rd_sqlite_col_text(s, 9, a);
  }
  if (src != SQLITE_DONE)
    rc = rd_sqlite_fail(c->db, src, "event list", err);
  rd_sqlite_done(s);
out:
  rd_sqlite_reader_release(st, c);
  if (rc == RD_OK) {
    *out = items;
    *n = count;
  }
  return rc;
}

/* ---- idempotency ------------------------------------------------------------- */

enum rd_status
rd_sqlite_tx_idempotency_get(struct rd_tx *tx, int64_t user_id,
                             const char *key, struct rd_idempotency *out,
                             bool *found, struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int src;

  *found = false;
  STMT_OR_FAIL(s, c, SQ_IDEM_GET, err);
  sqlite3_bind_int64(s, 1, user_id);
  sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW) {
    const char *sha = (const char *)sqlite3_column_text(s, 1);
    memset(out, 0, sizeof *out);
    out->complaint_id = sqlite3_column_int64(s, 0);
    snprintf(out->body_sha256, sizeof out->body_sha256, "%s", sha ? sha : "");
    out->created_at = sqlite3_column_int64(s, 2);
    *found = true;
  }
  rd_sqlite_done(s);
  if (src != SQLITE_ROW && src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "idempotency get", err);
  return RD_OK;
}

enum rd_status
rd_sqlite_tx_idempotency_put(struct rd_tx *tx, int64_t user_id,
                             const char *key, const struct rd_idempotency *rec,
                             struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  sqlite3_stmt *s;
  int src;

  STMT_OR_FAIL(s, c, SQ_IDEM_PUT, err);
  sqlite3_bind_int64(s, 1, user_id);
  sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, rec->body_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, rec->complaint_id);
  sqlite3_bind_int64(s, 5, rec->created_at);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "idempotency put", err);
  return RD_OK;
}

/* ---- attachments ------------------------------------------------------------- */

static void
hex(const unsigned char *in, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

enum rd_status
rd_sqlite_tx_attachment_add(struct rd_tx *tx, struct rd_attachment *att,
                            const void *data, size_t len,
                            struct rd_error *err)
{
  struct rd_sqlite_conn *c = rd_sqlite_tx_conn(tx);
  unsigned char digest[crypto_hash_sha256_BYTES];
  sqlite3_stmt *s;
  int src;

  /* The blob's name is always computed here: a caller's digest could lie. */
  crypto_hash_sha256(digest, data, len);
  hex(digest, sizeof digest, att->sha256);
  att->size = (int64_t)len;

  STMT_OR_FAIL(s, c, SQ_BLOB_PUT, err);
  sqlite3_bind_text(s, 1, att->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (int64_t)len);
  sqlite3_bind_blob64(s, 3, len ? data : "", len, SQLITE_STATIC);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "blob put", err);

  STMT_OR_FAIL(s, c, SQ_ATTACHMENT_INSERT, err);
  sqlite3_bind_int64(s, 1, att->complaint_id);
  sqlite3_bind_text(s, 2, att->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, att->size);
  sqlite3_bind_text(s, 4, att->content_type ? att->content_type
                                            : "application/octet-stream",
                    -1, SQLITE_STATIC);
  rd_sqlite_bind_text(s, 5, att->filename);
  rd_sqlite_bind_id(s, 6, att->uploaded_by);
  sqlite3_bind_int64(s, 7, att->uploaded_at);
  src = sqlite3_step(s);
  rd_sqlite_done(s);
  if (src != SQLITE_DONE)
    return rd_sqlite_fail(c->db, src, "attachment insert", err);
  att->id = sqlite3_last_insert_rowid(c->db);
  return RD_OK;
}

static void
attachment_read(sqlite3_stmt *s, struct rd_arena *a, struct rd_attachment *out)
{
  const char *sha = (const char *)sqlite3_column_text(s, 2);
  memset(out, 0, sizeof *out);
  out->id = sqlite3_column_int64(s, 0);
  out->complaint_id = sqlite3_column_int64(s, 1);
  snprintf(out->sha256, sizeof out->sha256, "%s", sha ? sha : "");
  out->size = sqlite3_column_int64(s, 3);
  out->content_type = rd_sqlite_col_text(s, 4, a);
  out->filename = rd_sqlite_col_text(s, 5, a);
  out->uploaded_by = sqlite3_column_int64(s, 6);
  out->uploaded_at = sqlite3_column_int64(s, 7);
}

enum rd_status
rd_sqlite_attachment_list(struct rd_store *st, int64_t complaint_id,
                          struct rd_arena *a, struct rd_attachment **out,
                          size_t *n, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  struct rd_attachment *items = NULL;
  size_t count = 0, cap = 0;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  int src;

  *out = NULL;
  *n = 0;
  if (rc != RD_OK)
    return rc;
  s = rd_sqlite_stmt(c, SQ_ATTACHMENT_LIST, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  sqlite3_bind_int64(s, 1, complaint_id);
  while ((src = sqlite3_step(s)) == SQLITE_ROW) {
    items = grow(a, items, count, &cap, sizeof *items);
    attachment_read(s, a, &items[count++]);
  }
  if (src != SQLITE_DONE)
    rc = rd_sqlite_fail(c->db, src, "attachment list", err);
  rd_sqlite_done(s);
out:
  rd_sqlite_reader_release(st, c);
  if (rc == RD_OK) {
    *out = items;
    *n = count;
  }
  return rc;
}

enum rd_status
rd_sqlite_attachment_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                         struct rd_attachment *out, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  int src;

  if (rc != RD_OK)
    return rc;
  s = rd_sqlite_stmt(c, SQ_ATTACHMENT_GET, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  sqlite3_bind_int64(s, 1, id);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW)
    attachment_read(s, a, out);
  else if (src == SQLITE_DONE)
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such attachment");
  else
    rc = rd_sqlite_fail(c->db, src, "attachment get", err);
  rd_sqlite_done(s);
out:
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_blob_get(struct rd_store *st, const char *sha256, struct rd_arena *a,
                   const void **data, size_t *len, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  sqlite3_stmt *s;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);
  int src;

  *data = NULL;
  *len = 0;
  if (rc != RD_OK)
    return rc;
  s = rd_sqlite_stmt(c, SQ_BLOB_GET, err);
  if (s == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  sqlite3_bind_text(s, 1, sha256 ? sha256 : "", -1, SQLITE_STATIC);
  src = sqlite3_step(s);
  if (src == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    void *copy = rd_arena_alloc(a, n ? n : 1);
    if (n)
      memcpy(copy, sqlite3_column_blob(s, 0), n);
    *data = copy;
    *len = n;
  } else if (src == SQLITE_DONE) {
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such content");
  } else {
    rc = rd_sqlite_fail(c->db, src, "blob get", err);
  }
  rd_sqlite_done(s);
out:
  rd_sqlite_reader_release(st, c);
  return rc;
}
