/* store/pg/complaints.c - complaints, their customers, numbers, timeline,
 * idempotency records and attachments on PostgreSQL.
 *
 * The same static functions serve a write transaction (tx->impl) and the
 * reads (a pooled connection); results go to the caller's arena.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"

/* ---- complaints ---------------------------------------------------------- */

int64_t
rd_pg_due_key(const struct rd_complaint *c)
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

#define ARG_I(v)   rd_pg_arg_int(p, (int64_t)(v))
#define ARG_ID(v)  rd_pg_arg_id(p, (v))
#define ARG_T(v)   rd_pg_arg_text(p, (v))
#define ARG_B(v)   rd_pg_arg_bool(p, (v))
#define ARG_CH(v)  rd_pg_arg_text(p, rd_channel_name(v))
#define ARG_VAL(v) rd_pg_arg_text(p, rd_validity_name(v))
#define ARG_PK(v)  rd_pg_arg_text(p, cm->plan.present ? rd_plan_kind_name(v) : NULL)
#define ARG(col, kind, member) ARG_##kind(cm->member);

/* Appends the FIXED (when fixed) and MUTABLE columns, in table order. */
static void
args_complaint(struct rd_pg_args *p, const struct rd_complaint *cm, bool fixed)
{
  if (fixed) {
    RD_PG_COMPLAINT_FIXED(ARG)
  }
  RD_PG_COMPLAINT_MUTABLE(ARG)
}

#define READ_I(m)   out->m = rd_pg_int(r, row, i++)
#define READ_ID(m)  READ_I(m)
#define READ_T(m)   out->m = rd_pg_text(r, row, i++, a)
#define READ_B(m)   out->m = rd_pg_bool(r, row, i++)
#define READ_CH(m)  rd_channel_parse(PQgetvalue(r, row, i++), &out->m)
#define READ_VAL(m) out->m = validity_parse(PQgetvalue(r, row, i++))
#define READ_PK(m)                                                        \
  do {                                                                    \
    if (!PQgetisnull(r, row, i))                                          \
      rd_plan_kind_parse(PQgetvalue(r, row, i), &out->m);                 \
    i++;                                                                  \
  } while (0)
#define READ(col, kind, member) READ_##kind(member);

void
rd_pg_complaint_read(PGresult *r, int row, struct rd_arena *a,
                     struct rd_complaint *out)
{
  int i = 0;

  memset(out, 0, sizeof *out);
  RD_PG_COMPLAINT_FIXED(READ)
  RD_PG_COMPLAINT_MUTABLE(READ)
  out->id = rd_pg_int(r, row, i++);
  out->version = (int)rd_pg_int(r, row, i++);
  out->updated_at = rd_pg_int(r, row, i++);
  out->customer.name = rd_pg_text(r, row, i++, a);
  out->customer.phone = rd_pg_text(r, row, i++, a);
  out->customer.email = rd_pg_text(r, row, i++, a);
  out->customer.refs_json = rd_pg_text(r, row, i++, a);
  out->anonymised_at = rd_pg_int(r, row, i++);
  rd_store_hide_anonymised(out);
}

static void
complaint_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  rd_pg_complaint_read(r, row, a, out);
}

/* One complaint by id or number (whichever key is non-NULL/non-zero). */
/* A missing complaint is said in the same words as on SQLite (the API
 * answers the same text on both stores, in both languages). */
static enum rd_status
say_no_such_complaint(enum rd_status rc, struct rd_error *err)
{
  return rc == RD_E_NOT_FOUND ? rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint") : rc;
}

static enum rd_status
complaint_fetch(struct rd_pg_conn *c, int64_t id, const char *number,
                struct rd_arena *a, struct rd_complaint *out,
                struct rd_error *err)
{
  struct rd_pg_args p = {0};

  if (number)
    rd_pg_arg_text(&p, number);
  else
    rd_pg_arg_int(&p, id);
  return say_no_such_complaint(rd_pg_one(c, number ? PQ_COMPLAINT_GET_BY_NUMBER : PQ_COMPLAINT_GET,
                                         &p, complaint_row, a, out, "complaint", err), err);
}

/* The search document of cp, with its customer's name and phone as stored
 * (the upsert may have kept a name cp does not carry), in a. */
static enum rd_status
search_document(struct rd_pg_conn *c, const struct rd_complaint *cp,
                struct rd_arena *a, const char **doc, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  PGresult *r;
  enum rd_status rc;
  const char *name = NULL, *phone = NULL;

  rd_pg_arg_int(&p, cp->customer.id);
  rc = rd_pg_run(c, PQ_CUSTOMER_GET, &p, &r, "customer", err);
  if (rc != RD_OK)
    return rc;
  if (PQntuples(r) == 1) {
    name = rd_pg_text(r, 0, 1, a);
    phone = rd_pg_text(r, 0, 2, a);
  }
  PQclear(r);
  *doc = rd_pg_search_document(a, cp, name, phone);
  return RD_OK;
}

enum rd_status
rd_pg_tx_complaint_insert(struct rd_tx *tx, struct rd_complaint *cp,
                          struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);
  struct rd_pg_args p = {0};
  struct rd_arena *a;
  const char *doc = NULL;
  enum rd_status rc;
  int64_t id = 0;

  if (cp->number == NULL)
    return rd_error_set(err, RD_E_INVALID, "number", "no complaint number");
  a = rd_arena_new(); /* the document lives until the statement ran */
  rc = search_document(c, cp, a, &doc, err);
  if (rc == RD_OK) {
    args_complaint(&p, cp, true);
    rd_pg_arg_int(&p, cp->registered_at);            /* updated_at */
    rd_pg_arg_int(&p, rd_pg_due_key(cp));
    rd_pg_arg_id(&p, cp->customer.id);               /* cust_name, cust_phone */
    rd_pg_arg_text(&p, doc);
    rc = rd_pg_returning(c, PQ_COMPLAINT_INSERT, &p, &id, "complaint insert", err);
  }
  rd_arena_free(a);
  if (rc != RD_OK)
    return rc;
  cp->id = id;
  cp->version = 1;
  cp->updated_at = cp->registered_at;
  return RD_OK;
}

enum rd_status
rd_pg_tx_complaint_update(struct rd_tx *tx, struct rd_complaint *cp,
                          int64_t now, struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);
  struct rd_pg_args p = {0};
  struct rd_arena *a = rd_arena_new(); /* the document, until the statement ran */
  PGresult *r = NULL;
  const char *doc = NULL;
  enum rd_status rc;
  int64_t changed = 0;

  /* Re-indexed on every update: a status move costs a tokenization, but
   * the index can never lag the text. */
  rc = search_document(c, cp, a, &doc, err);
  if (rc != RD_OK)
    goto out;
  args_complaint(&p, cp, false);
  rd_pg_arg_int(&p, now);
  rd_pg_arg_int(&p, rd_pg_due_key(cp));
  rd_pg_arg_id(&p, cp->customer.id);
  rd_pg_arg_int(&p, cp->id);
  rd_pg_arg_int(&p, cp->version);
  rd_pg_arg_text(&p, doc);
  rc = rd_pg_done(c, PQ_COMPLAINT_UPDATE, &p, &changed, "complaint update", err);
  if (rc != RD_OK)
    goto out;
  if (changed == 0) {
    /* Nothing written: tell a stale version from a missing record. */
    struct rd_pg_args q = {0};
    rd_pg_arg_int(&q, cp->id);
    rc = rd_pg_run(c, PQ_COMPLAINT_VERSION, &q, &r, "complaint version", err);
    if (rc != RD_OK)
      goto out;
    if (PQntuples(r) > 0)
      rc = rd_error_set(err, RD_E_CONFLICT, "version",
                        "the complaint was changed by someone else");
    else
      rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
    goto out;
  }
  cp->version += 1;
  cp->updated_at = now;
out:
  PQclear(r);
  rd_arena_free(a);
  return rc;
}

enum rd_status
rd_pg_tx_complaint_set_due(struct rd_tx *tx, int64_t id, int64_t due_at,
                           struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, id);
  rd_pg_arg_id(&p, due_at);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_COMPLAINT_SET_DUE, &p, NULL,
                  "complaint due", err);
}

enum rd_status
rd_pg_tx_complaint_get(struct rd_tx *tx, int64_t id, struct rd_arena *a,
                       struct rd_complaint *out, struct rd_error *err)
{
  return complaint_fetch(rd_pg_tx_conn(tx), id, NULL, a, out, err);
}

enum rd_status
rd_pg_tx_complaint_get_by_number(struct rd_tx *tx, const char *number,
                                 struct rd_arena *a, struct rd_complaint *out,
                                 struct rd_error *err)
{
  if (number == NULL)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  return complaint_fetch(rd_pg_tx_conn(tx), 0, number, a, out, err);
}

enum rd_status
rd_pg_complaint_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                    struct rd_complaint *out, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, id);
  return say_no_such_complaint(rd_pg_read_one(st, PQ_COMPLAINT_GET, &p, complaint_row, a,
                                              out, "complaint", err), err);
}

enum rd_status
rd_pg_complaint_get_by_number(struct rd_store *st, const char *number,
                              struct rd_arena *a, struct rd_complaint *out,
                              struct rd_error *err)
{
  struct rd_pg_args p = {0};
  if (number == NULL)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such complaint");
  rd_pg_arg_text(&p, number);
  return say_no_such_complaint(rd_pg_read_one(st, PQ_COMPLAINT_GET_BY_NUMBER, &p,
                                              complaint_row, a, out, "complaint", err), err);
}

enum rd_status
rd_pg_count_by_status(struct rd_store *st, int64_t counts[RD_STATE_COUNT],
                      struct rd_error *err)
{
  struct rd_pg_conn *c;
  PGresult *r = NULL;
  enum rd_status rc;

  memset(counts, 0, sizeof(int64_t) * RD_STATE_COUNT);
  rc = rd_pg_acquire(st->impl, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = rd_pg_run(c, PQ_COUNT_BY_STATUS, NULL, &r, "count by status", err);
  if (rc != RD_OK)
    goto out;
  for (int i = 0; i < PQntuples(r); i++) {
    int64_t s = rd_pg_int(r, i, 0);
    if (s >= 0 && s < RD_STATE_COUNT)
      counts[s] = rd_pg_int(r, i, 1);
  }
out:
  PQclear(r);
  rd_pg_release(st->impl, c);
  return rc;
}

/* ---- numbers ----------------------------------------------------------------- */

/* A number is taken on a connection of its own, one statement in its own
 * transaction, not on the registration's: the day's counter row is then
 * locked for that statement only. Taken inside the registration, the lock
 * would be held until its COMMIT, and every registration of the day, on
 * every node, would wait in turn for the one before it to reach the disk
 * (measured: 233 creates/s, one per WAL flush). The price is a gap when the
 * registration then fails; numbers are gap-tolerant, never reused.
 *
 * synchronous_commit is off for it: a number a committed complaint holds
 * cannot come back after a crash, because that complaint's COMMIT flushed
 * the WAL up to itself, and the counter's update lies before it. A number
 * lost with an unflushed counter was held by no committed complaint. */
static enum rd_status
number_conn_ready(struct rd_pg *pg, struct rd_error *err)
{
  PGresult *r;
  enum rd_status rc;

  if (pg->number_conn && PQstatus(pg->number_conn->pg) == CONNECTION_OK)
    return RD_OK;
  rd_pg_conn_close(pg->number_conn);
  pg->number_conn = NULL;
  rc = rd_pg_conn_open(pg, &pg->number_conn, err);
  if (rc != RD_OK)
    return rc;
  r = PQexec(pg->number_conn->pg, "SET synchronous_commit = off");
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "db", "cannot set up: %s",
                      PQerrorMessage(pg->number_conn->pg));
  PQclear(r);
  if (rc != RD_OK) {
    rd_pg_conn_close(pg->number_conn);
    pg->number_conn = NULL;
  }
  return rc;
}

enum rd_status
rd_pg_tx_next_number(struct rd_tx *tx, const char *day_prefix,
                     struct rd_arena *a, const char **number,
                     struct rd_error *err)
{
  struct rd_pg *pg = tx->st->impl;
  struct rd_pg_args p = {0};
  enum rd_status rc;
  int64_t last = 0;

  if (day_prefix == NULL || day_prefix[0] == '\0')
    return rd_error_set(err, RD_E_INVALID, "number_prefix", "empty prefix");
  rd_pg_arg_text(&p, day_prefix);
  pthread_mutex_lock(&pg->number_lock);
  /* A connection that broke since the last number is replaced and the
   * statement run once more: on its own, it is safe to repeat. */
  for (int attempt = 0; attempt < 2; attempt++) {
    rc = number_conn_ready(pg, err);
    if (rc != RD_OK)
      break;
    rc = rd_pg_returning(pg->number_conn, PQ_NUMBER_NEXT, &p, &last,
                         "next number", err);
    if (rc == RD_OK || PQstatus(pg->number_conn->pg) == CONNECTION_OK)
      break;
  }
  pthread_mutex_unlock(&pg->number_lock);
  if (rc != RD_OK)
    return rc;
  *number = rd_arena_sprintf(a, "%s-%06lld", day_prefix, (long long)last);
  return RD_OK;
}

/* ---- customers --------------------------------------------------------------- */

static void
customer_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_customer *cu = out;
  cu->id = rd_pg_int(r, row, 0);
  cu->name = rd_pg_text(r, row, 1, a);
  cu->phone = rd_pg_text(r, row, 2, a);
  cu->email = rd_pg_text(r, row, 3, a);
  cu->refs_json = rd_pg_text(r, row, 4, a);
}

enum rd_status
rd_pg_tx_customer_upsert(struct rd_tx *tx, struct rd_customer *cu, int64_t now,
                         struct rd_error *err)
{
  struct rd_pg_args p = {0};
  bool phone = cu->phone && cu->phone[0];

  /* One statement either way: a phone already known (by this or another
   * node's concurrent transaction) is refreshed with what cu gives. */
  rd_pg_arg_text(&p, cu->name);
  rd_pg_arg_text(&p, phone ? cu->phone : NULL);
  rd_pg_arg_text(&p, cu->email);
  rd_pg_arg_text(&p, cu->refs_json);
  rd_pg_arg_int(&p, now);
  return rd_pg_returning(rd_pg_tx_conn(tx), PQ_CUSTOMER_INSERT, &p, &cu->id,
                       "customer upsert", err);
}

enum rd_status
rd_pg_customer_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                   struct rd_customer *out, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, id);
  return rd_pg_read_one(st, PQ_CUSTOMER_GET, &p, customer_row, a, out,
                        "customer", err);
}

enum rd_status
rd_pg_customer_by_phone(struct rd_store *st, const char *phone,
                        struct rd_arena *a, struct rd_customer *out,
                        struct rd_error *err)
{
  struct rd_pg_args p = {0};
  if (phone == NULL)
    return rd_error_set(err, RD_E_NOT_FOUND, "", "no such customer");
  rd_pg_arg_text(&p, phone);
  return rd_pg_read_one(st, PQ_CUSTOMER_BY_PHONE, &p, customer_row, a, out,
                        "customer", err);
}

/* ---- the timeline ------------------------------------------------------------ */

enum rd_status
rd_pg_tx_event_append(struct rd_tx *tx, struct rd_event *ev,
                      struct rd_error *err)
{
  struct rd_pg_args p = {0};

  if (ev->type == NULL)
    return rd_error_set(err, RD_E_INVALID, "type", "event without a type");
  rd_pg_arg_int(&p, ev->complaint_id);
  rd_pg_arg_int(&p, ev->at);
  rd_pg_arg_id(&p, ev->actor_id);
  rd_pg_arg_text(&p, ev->type);
  if (ev->from_status >= 0)
    rd_pg_arg_int(&p, ev->from_status);
  else
    rd_pg_arg_text(&p, NULL);
  if (ev->to_status >= 0)
    rd_pg_arg_int(&p, ev->to_status);
  else
    rd_pg_arg_text(&p, NULL);
  rd_pg_arg_text(&p, ev->note);
  rd_pg_arg_text(&p, ev->data_json);
  return rd_pg_returning(rd_pg_tx_conn(tx), PQ_EVENT_INSERT, &p, &ev->id,
                       "event append", err);
}

static void
event_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_event *e = out;
  e->id = rd_pg_int(r, row, 0);
  e->complaint_id = rd_pg_int(r, row, 1);
  e->at = rd_pg_int(r, row, 2);
  e->actor_id = rd_pg_int(r, row, 3);
  e->actor_name = rd_pg_text(r, row, 4, a);
  e->type = rd_pg_text(r, row, 5, a);
  e->from_status = PQgetisnull(r, row, 6) ? -1 : (int)rd_pg_int(r, row, 6);
  e->to_status = PQgetisnull(r, row, 7) ? -1 : (int)rd_pg_int(r, row, 7);
  e->note = rd_pg_text(r, row, 8, a);
  e->data_json = rd_pg_text(r, row, 9, a);
}

enum rd_status
rd_pg_event_list(struct rd_store *st, int64_t complaint_id, struct rd_arena *a,
                 struct rd_event **out, size_t *n, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, complaint_id);
  return rd_pg_read_all(st, PQ_EVENT_LIST, &p, event_row, sizeof **out, a,
                        (void **)out, n, err);
}

/* ---- idempotency ------------------------------------------------------------- */

enum rd_status
rd_pg_tx_idempotency_get(struct rd_tx *tx, int64_t user_id, const char *key,
                         struct rd_idempotency *out, bool *found,
                         struct rd_error *err)
{
  struct rd_pg_args p = {0};
  PGresult *r;
  enum rd_status rc;

  *found = false;
  rd_pg_arg_int(&p, user_id);
  rd_pg_arg_text(&p, key ? key : "");
  rc = rd_pg_run(rd_pg_tx_conn(tx), PQ_IDEM_GET, &p, &r, "idempotency get", err);
  if (rc != RD_OK)
    return rc;
  if (PQntuples(r) > 0) {
    memset(out, 0, sizeof *out);
    out->complaint_id = rd_pg_int(r, 0, 0);
    snprintf(out->body_sha256, sizeof out->body_sha256, "%s", PQgetvalue(r, 0, 1));
    out->created_at = rd_pg_int(r, 0, 2);
    *found = true;
  }
  PQclear(r);
  return RD_OK;
}

enum rd_status
rd_pg_tx_idempotency_put(struct rd_tx *tx, int64_t user_id, const char *key,
                         const struct rd_idempotency *rec, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, user_id);
  rd_pg_arg_text(&p, key ? key : "");
  rd_pg_arg_text(&p, rec->body_sha256);
  rd_pg_arg_int(&p, rec->complaint_id);
  rd_pg_arg_int(&p, rec->created_at);
  return rd_pg_done(rd_pg_tx_conn(tx), PQ_IDEM_PUT, &p, NULL, "idempotency put",
                  err);
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
rd_pg_tx_attachment_add(struct rd_tx *tx, struct rd_attachment *att,
                        const void *data, size_t len, struct rd_error *err)
{
  struct rd_pg_conn *c = rd_pg_tx_conn(tx);
  unsigned char digest[crypto_hash_sha256_BYTES];
  struct rd_pg_args p = {0}, q = {0};
  enum rd_status rc;

  /* The blob's name is always computed here: a caller's digest could lie. */
  crypto_hash_sha256(digest, data, len);
  hex(digest, sizeof digest, att->sha256);
  att->size = (int64_t)len;
  rd_pg_arg_text(&p, att->sha256);
  rd_pg_arg_int(&p, (int64_t)len);
  rd_pg_arg_bytes(&p, data, len);
  rc = rd_pg_done(c, PQ_BLOB_PUT, &p, NULL, "blob put", err);
  if (rc != RD_OK)
    return rc;
  rd_pg_arg_int(&q, att->complaint_id);
  rd_pg_arg_text(&q, att->sha256);
  rd_pg_arg_int(&q, att->size);
  rd_pg_arg_text(&q, att->content_type ? att->content_type
                                       : "application/octet-stream");
  rd_pg_arg_text(&q, att->filename);
  rd_pg_arg_id(&q, att->uploaded_by);
  rd_pg_arg_int(&q, att->uploaded_at);
  return rd_pg_returning(c, PQ_ATTACHMENT_INSERT, &q, &att->id,
                       "attachment insert", err);
}

static void
attachment_row(PGresult *r, int row, struct rd_arena *a, void *out)
{
  struct rd_attachment *x = out;
  memset(x, 0, sizeof *x);
  x->id = rd_pg_int(r, row, 0);
  x->complaint_id = rd_pg_int(r, row, 1);
  snprintf(x->sha256, sizeof x->sha256, "%s", PQgetvalue(r, row, 2));
  x->size = rd_pg_int(r, row, 3);
  x->content_type = rd_pg_text(r, row, 4, a);
  x->filename = rd_pg_text(r, row, 5, a);
  x->uploaded_by = rd_pg_int(r, row, 6);
  x->uploaded_at = rd_pg_int(r, row, 7);
}

enum rd_status
rd_pg_attachment_list(struct rd_store *st, int64_t complaint_id,
                      struct rd_arena *a, struct rd_attachment **out, size_t *n,
                      struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, complaint_id);
  return rd_pg_read_all(st, PQ_ATTACHMENT_LIST, &p, attachment_row,
                        sizeof **out, a, (void **)out, n, err);
}

enum rd_status
rd_pg_attachment_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                     struct rd_attachment *out, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  rd_pg_arg_int(&p, id);
  return rd_pg_read_one(st, PQ_ATTACHMENT_GET, &p, attachment_row, a, out,
                        "attachment", err);
}

enum rd_status
rd_pg_blob_get(struct rd_store *st, const char *sha256, struct rd_arena *a,
               const void **data, size_t *len, struct rd_error *err)
{
  struct rd_pg_args p = {0};
  struct rd_pg_conn *c;
  PGresult *r = NULL;
  unsigned char *raw = NULL;
  size_t n = 0;
  enum rd_status rc;

  *data = NULL;
  *len = 0;
  rc = rd_pg_acquire(st->impl, &c, err);
  if (rc != RD_OK)
    return rc;
  rd_pg_arg_text(&p, sha256 ? sha256 : "");
  rc = rd_pg_run(c, PQ_BLOB_GET, &p, &r, "blob get", err);
  if (rc != RD_OK)
    goto out;
  if (PQntuples(r) == 0) {
    rc = rd_error_set(err, RD_E_NOT_FOUND, "", "no such content");
    goto out;
  }
  /* bytea arrives in text (hex) form; unescape, then copy into the arena. */
  raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
  if (raw == NULL) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "cannot decode blob");
    goto out;
  }
  void *copy = rd_arena_alloc(a, n ? n : 1);
  if (n)
    memcpy(copy, raw, n);
  *data = copy;
  *len = n;
out:
  PQfreemem(raw);
  PQclear(r);
  rd_pg_release(st->impl, c);
  return rc;
}
