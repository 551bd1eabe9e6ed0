/* store/store.c - the port's front door: picks a backend by uri, then dispatches.
 *
 * Every rd_store_* / rd_tx_* function is one line through the backend's const
 * table (store_int.h); the behaviour lives in the backends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "util/mem.h"

/* Which backend a uri names: libpq's URI prefixes, else a SQLite file path. */
static const struct {
  const char *prefix;
  const struct rd_store_backend *be;
} backends[] = {
  { "postgresql://", &rd_store_pg_backend },
  { "postgres://",   &rd_store_pg_backend },
};

static const struct rd_store_backend *
backend_for(const char *uri)
{
  for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
    if (strncmp(uri, backends[i].prefix, strlen(backends[i].prefix)) == 0)
      return backends[i].be;
  return &rd_store_sqlite_backend;   /* anything else is a file path */
}

enum rd_status
rd_store_open(const char *uri, struct rd_store **out, struct rd_error *err)
{
  struct rd_store *st;
  enum rd_status rc;

  *out = NULL;
  if (uri == NULL || uri[0] == '\0')
    return rd_error_set(err, RD_E_INVALID, "db", "no database given");
  st = rd_xcalloc(1, sizeof *st);
  st->be = backend_for(uri);
  rc = st->be->open(st, uri, err);
  if (rc != RD_OK) {
    free(st);
    return rc;
  }
  *out = st;
  return RD_OK;
}

void
rd_store_close(struct rd_store *st)
{
  if (st == NULL)
    return;
  st->be->close(st);
  free(st);
}

enum rd_status
rd_store_migrate(struct rd_store *st, int *applied, struct rd_error *err)
{ return st->be->migrate(st, applied, err); }

enum rd_status
rd_store_migrations_pending(struct rd_store *st, struct rd_arena *a,
                            const char ***names, size_t *n, struct rd_error *err)
{ return st->be->migrations_pending(st, a, names, n, err); }

enum rd_status
rd_store_schema_version(struct rd_store *st, int *out, struct rd_error *err)
{ return st->be->schema_version(st, out, err); }

enum rd_status
rd_store_ping(struct rd_store *st, struct rd_error *err)
{ return st->be->ping(st, err); }

enum rd_status
rd_store_write(struct rd_store *st, rd_store_write_fn fn, void *ctx,
               struct rd_error *err)
{ return st->be->write(st, fn, ctx, err); }

/* ---- inside a write transaction ----------------------------------------- */

enum rd_status
rd_tx_next_number(struct rd_tx *tx, const char *day_prefix, struct rd_arena *a,
                  const char **number, struct rd_error *err)
{ return tx->st->be->tx_next_number(tx, day_prefix, a, number, err); }

enum rd_status
rd_tx_customer_upsert(struct rd_tx *tx, struct rd_customer *cu, int64_t now,
                      struct rd_error *err)
{ return tx->st->be->tx_customer_upsert(tx, cu, now, err); }

enum rd_status
rd_tx_complaint_insert(struct rd_tx *tx, struct rd_complaint *c,
                       struct rd_error *err)
{ return tx->st->be->tx_complaint_insert(tx, c, err); }

enum rd_status
rd_tx_complaint_get(struct rd_tx *tx, int64_t id, struct rd_arena *a,
                    struct rd_complaint *out, struct rd_error *err)
{ return tx->st->be->tx_complaint_get(tx, id, a, out, err); }

enum rd_status
rd_tx_complaint_get_by_number(struct rd_tx *tx, const char *number,
                              struct rd_arena *a, struct rd_complaint *out,
                              struct rd_error *err)
{ return tx->st->be->tx_complaint_get_by_number(tx, number, a, out, err); }

enum rd_status
rd_tx_complaint_update(struct rd_tx *tx, struct rd_complaint *c, int64_t now,
                       struct rd_error *err)
{ return tx->st->be->tx_complaint_update(tx, c, now, err); }

enum rd_status
rd_tx_event_append(struct rd_tx *tx, struct rd_event *ev, struct rd_error *err)
{ return tx->st->be->tx_event_append(tx, ev, err); }

enum rd_status
rd_tx_idempotency_get(struct rd_tx *tx, int64_t user_id, const char *key,
                      struct rd_idempotency *out, bool *found,
                      struct rd_error *err)
{ return tx->st->be->tx_idempotency_get(tx, user_id, key, out, found, err); }

enum rd_status
rd_tx_idempotency_put(struct rd_tx *tx, int64_t user_id, const char *key,
                      const struct rd_idempotency *rec, struct rd_error *err)
{ return tx->st->be->tx_idempotency_put(tx, user_id, key, rec, err); }

enum rd_status
rd_tx_attachment_add(struct rd_tx *tx, struct rd_attachment *att,
                     const void *data, size_t len, struct rd_error *err)
{ return tx->st->be->tx_attachment_add(tx, att, data, len, err); }

enum rd_status
rd_tx_department_save(struct rd_tx *tx, struct rd_department *d,
                      struct rd_error *err)
{ return tx->st->be->tx_department_save(tx, d, err); }

enum rd_status
rd_tx_site_save(struct rd_tx *tx, struct rd_site *s, struct rd_error *err)
{ return tx->st->be->tx_site_save(tx, s, err); }

enum rd_status
rd_tx_category_save(struct rd_tx *tx, struct rd_category *c,
                    struct rd_error *err)
{ return tx->st->be->tx_category_save(tx, c, err); }

enum rd_status
rd_tx_user_save(struct rd_tx *tx, struct rd_user *u, struct rd_error *err)
{ return tx->st->be->tx_user_save(tx, u, err); }

enum rd_status
rd_tx_user_set_locale(struct rd_tx *tx, int64_t user_id, const char *locale,
                      struct rd_error *err)
{ return tx->st->be->tx_user_set_locale(tx, user_id, locale, err); }

enum rd_status
rd_tx_user_set_password(struct rd_tx *tx, int64_t user_id, const char *old_hash,
                        const char *new_hash, struct rd_error *err)
{ return tx->st->be->tx_user_set_password(tx, user_id, old_hash, new_hash, err); }

enum rd_status
rd_tx_complaint_set_due(struct rd_tx *tx, int64_t id, int64_t due_at,
                        struct rd_error *err)
{ return tx->st->be->tx_complaint_set_due(tx, id, due_at, err); }

enum rd_status
rd_tx_clocks_of(struct rd_tx *tx, int64_t complaint_id, struct rd_arena *a,
                struct rd_clock **out, size_t *n, struct rd_error *err)
{ return tx->st->be->tx_clocks_of(tx, complaint_id, a, out, n, err); }

enum rd_status
rd_tx_clock_insert(struct rd_tx *tx, struct rd_clock *c, struct rd_error *err)
{ return tx->st->be->tx_clock_insert(tx, c, err); }

enum rd_status
rd_tx_clock_update(struct rd_tx *tx, const struct rd_clock *c,
                   struct rd_error *err)
{ return tx->st->be->tx_clock_update(tx, c, err); }

enum rd_status
rd_tx_clock_steps_add(struct rd_tx *tx, int64_t clock_id,
                      struct rd_clock_step *steps, size_t n,
                      struct rd_error *err)
{ return tx->st->be->tx_clock_steps_add(tx, clock_id, steps, n, err); }

enum rd_status
rd_tx_clock_steps_drop(struct rd_tx *tx, int64_t clock_id, struct rd_error *err)
{ return tx->st->be->tx_clock_steps_drop(tx, clock_id, err); }

enum rd_status
rd_tx_clock_step_claim(struct rd_tx *tx, int64_t step_id, int64_t now,
                       bool *claimed, struct rd_error *err)
{ return tx->st->be->tx_clock_step_claim(tx, step_id, now, claimed, err); }

enum rd_status
rd_tx_notification_add(struct rd_tx *tx, struct rd_notification *n,
                       struct rd_error *err)
{ return tx->st->be->tx_notification_add(tx, n, err); }

enum rd_status
rd_tx_notification_read(struct rd_tx *tx, int64_t user_id, int64_t id,
                        int64_t now, struct rd_error *err)
{ return tx->st->be->tx_notification_read(tx, user_id, id, now, err); }

enum rd_status
rd_tx_extension_add(struct rd_tx *tx, struct rd_clock_extension *x,
                    struct rd_error *err)
{ return tx->st->be->tx_extension_add(tx, x, err); }

enum rd_status
rd_tx_extension_get(struct rd_tx *tx, int64_t complaint_id, int64_t id,
                    struct rd_arena *a, struct rd_clock_extension *out,
                    struct rd_error *err)
{ return tx->st->be->tx_extension_get(tx, complaint_id, id, a, out, err); }

enum rd_status
rd_tx_extension_decide(struct rd_tx *tx, const struct rd_clock_extension *x,
                       struct rd_error *err)
{ return tx->st->be->tx_extension_decide(tx, x, err); }

enum rd_status
rd_tx_calendar_save(struct rd_tx *tx, struct rd_calendar *c, int64_t now,
                    struct rd_error *err)
{ return tx->st->be->tx_calendar_save(tx, c, now, err); }

enum rd_status
rd_tx_policy_save(struct rd_tx *tx, struct rd_sla_policy *p,
                  struct rd_error *err)
{ return tx->st->be->tx_policy_save(tx, p, err); }

enum rd_status
rd_tx_category_get(struct rd_tx *tx, int64_t id, struct rd_arena *a,
                   struct rd_category *out, struct rd_error *err)
{ return tx->st->be->tx_category_get(tx, id, a, out, err); }

enum rd_status
rd_tx_session_put(struct rd_tx *tx, const struct rd_session *s,
                  struct rd_error *err)
{ return tx->st->be->tx_session_put(tx, s, err); }

enum rd_status
rd_tx_session_delete(struct rd_tx *tx, const char *token_sha256,
                     struct rd_error *err)
{ return tx->st->be->tx_session_delete(tx, token_sha256, err); }

enum rd_status
rd_tx_session_purge(struct rd_tx *tx, int64_t now, struct rd_error *err)
{ return tx->st->be->tx_session_purge(tx, now, err); }

enum rd_status
rd_tx_session_touch(struct rd_tx *tx, const char *token_sha256, int64_t now,
                    struct rd_error *err)
{ return tx->st->be->tx_session_touch(tx, token_sha256, now, err); }

enum rd_status
rd_tx_session_delete_user(struct rd_tx *tx, int64_t user_id,
                          const char *keep_sha256, struct rd_error *err)
{ return tx->st->be->tx_session_delete_user(tx, user_id, keep_sha256, err); }

enum rd_status
rd_tx_token_save(struct rd_tx *tx, struct rd_api_token *t, struct rd_error *err)
{ return tx->st->be->tx_token_save(tx, t, err); }

enum rd_status
rd_tx_complaint_anonymise(struct rd_tx *tx, int64_t id, int64_t now, bool *done,
                          struct rd_error *err)
{ return tx->st->be->tx_complaint_anonymise(tx, id, now, done, err); }

enum rd_status
rd_tx_job_claim(struct rd_tx *tx, const char *name, int64_t now, int64_t next_at,
                bool *claimed, struct rd_error *err)
{ return tx->st->be->tx_job_claim(tx, name, now, next_at, claimed, err); }

enum rd_status
rd_store_retention_due(struct rd_store *st, int64_t closed_before,
                       int64_t after_id, int limit, struct rd_arena *a,
                       int64_t **ids, size_t *n, struct rd_error *err)
{ return st->be->retention_due(st, closed_before, after_id, limit, a, ids, n, err); }

enum rd_status
rd_tx_setting_put(struct rd_tx *tx, const char *key, const char *value,
                  struct rd_error *err)
{ return tx->st->be->tx_setting_put(tx, key, value, err); }

/* ---- reading ------------------------------------------------------------ */

enum rd_status
rd_store_complaint_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                       struct rd_complaint *out, struct rd_error *err)
{ return st->be->complaint_get(st, id, a, out, err); }

enum rd_status
rd_store_complaint_get_by_number(struct rd_store *st, const char *number,
                                 struct rd_arena *a, struct rd_complaint *out,
                                 struct rd_error *err)
{ return st->be->complaint_get_by_number(st, number, a, out, err); }

enum rd_status
rd_store_complaint_list(struct rd_store *st, const struct rd_complaint_filter *f,
                        struct rd_arena *a, struct rd_complaint_page *out,
                        struct rd_error *err)
{ return st->be->complaint_list(st, f, a, out, err); }

enum rd_status
rd_store_event_list(struct rd_store *st, int64_t complaint_id,
                    struct rd_arena *a, struct rd_event **out, size_t *n,
                    struct rd_error *err)
{ return st->be->event_list(st, complaint_id, a, out, n, err); }

enum rd_status
rd_store_attachment_list(struct rd_store *st, int64_t complaint_id,
                         struct rd_arena *a, struct rd_attachment **out,
                         size_t *n, struct rd_error *err)
{ return st->be->attachment_list(st, complaint_id, a, out, n, err); }

enum rd_status
rd_store_attachment_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                        struct rd_attachment *out, struct rd_error *err)
{ return st->be->attachment_get(st, id, a, out, err); }

enum rd_status
rd_store_blob_get(struct rd_store *st, const char *sha256, struct rd_arena *a,
                  const void **data, size_t *len, struct rd_error *err)
{ return st->be->blob_get(st, sha256, a, data, len, err); }

enum rd_status
rd_store_customer_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                      struct rd_customer *out, struct rd_error *err)
{ return st->be->customer_get(st, id, a, out, err); }

enum rd_status
rd_store_customer_by_phone(struct rd_store *st, const char *phone,
                           struct rd_arena *a, struct rd_customer *out,
                           struct rd_error *err)
{ return st->be->customer_by_phone(st, phone, a, out, err); }

enum rd_status
rd_store_department_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                        struct rd_department *out, struct rd_error *err)
{ return st->be->department_get(st, id, a, out, err); }

enum rd_status
rd_store_department_by_code(struct rd_store *st, const char *code,
                            struct rd_arena *a, struct rd_department *out,
                            struct rd_error *err)
{ return st->be->department_by_code(st, code, a, out, err); }

enum rd_status
rd_store_department_list(struct rd_store *st, struct rd_arena *a,
                         struct rd_department **out, size_t *n,
                         struct rd_error *err)
{ return st->be->department_list(st, a, out, n, err); }

enum rd_status
rd_store_site_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                  struct rd_site *out, struct rd_error *err)
{ return st->be->site_get(st, id, a, out, err); }

enum rd_status
rd_store_site_list(struct rd_store *st, struct rd_arena *a,
                   struct rd_site **out, size_t *n, struct rd_error *err)
{ return st->be->site_list(st, a, out, n, err); }

enum rd_status
rd_store_category_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                      struct rd_category *out, struct rd_error *err)
{ return st->be->category_get(st, id, a, out, err); }

enum rd_status
rd_store_category_list(struct rd_store *st, struct rd_arena *a,
                       struct rd_category **out, size_t *n,
                       struct rd_error *err)
{ return st->be->category_list(st, a, out, n, err); }

enum rd_status
rd_store_user_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                  struct rd_user *out, struct rd_error *err)
{ return st->be->user_get(st, id, a, out, err); }

enum rd_status
rd_store_user_by_name(struct rd_store *st, const char *username,
                      struct rd_arena *a, struct rd_user *out,
                      struct rd_error *err)
{ return st->be->user_by_name(st, username, a, out, err); }

enum rd_status
rd_store_user_list(struct rd_store *st, struct rd_arena *a,
                   struct rd_user **out, size_t *n, struct rd_error *err)
{ return st->be->user_list(st, a, out, n, err); }

enum rd_status
rd_store_extensions_of(struct rd_store *st, int64_t complaint_id,
                       struct rd_arena *a, struct rd_clock_extension **out,
                       size_t *n, struct rd_error *err)
{ return st->be->extensions_of(st, complaint_id, a, out, n, err); }

enum rd_status
rd_store_steps_due(struct rd_store *st, int64_t now, int limit,
                   struct rd_arena *a, struct rd_due_step **out, size_t *n,
                   struct rd_error *err)
{ return st->be->steps_due(st, now, limit, a, out, n, err); }

enum rd_status
rd_store_notifications_of(struct rd_store *st, int64_t user_id,
                          bool unread_only, int64_t before_id, int limit,
                          struct rd_arena *a, struct rd_notification **out,
                          size_t *n, struct rd_error *err)
{
  return st->be->notifications_of(st, user_id, unread_only, before_id, limit,
                                  a, out, n, err);
}

enum rd_status
rd_store_clocks_of(struct rd_store *st, const int64_t *ids, size_t n,
                   struct rd_arena *a, struct rd_clock **out, size_t *n_out,
                   struct rd_error *err)
{ return st->be->clocks_of(st, ids, n, a, out, n_out, err); }

enum rd_status
rd_store_calendar_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                      struct rd_calendar *out, struct rd_error *err)
{ return st->be->calendar_get(st, id, a, out, err); }

enum rd_status
rd_store_calendar_list(struct rd_store *st, struct rd_arena *a,
                       struct rd_calendar **out, size_t *n, struct rd_error *err)
{ return st->be->calendar_list(st, a, out, n, err); }

enum rd_status
rd_store_policy_get(struct rd_store *st, int64_t id, struct rd_arena *a,
                    struct rd_sla_policy *out, struct rd_error *err)
{ return st->be->policy_get(st, id, a, out, err); }

enum rd_status
rd_store_policy_list(struct rd_store *st, struct rd_arena *a,
                     struct rd_sla_policy **out, size_t *n,
                     struct rd_error *err)
{ return st->be->policy_list(st, a, out, n, err); }

enum rd_status
rd_store_session_get(struct rd_store *st, const char *token_sha256,
                     struct rd_arena *a, struct rd_session *out,
                     struct rd_error *err)
{ return st->be->session_get(st, token_sha256, a, out, err); }

enum rd_status
rd_store_token_get(struct rd_store *st, const char *token_sha256,
                   struct rd_arena *a, struct rd_api_token *out,
                   struct rd_error *err)
{ return st->be->token_get(st, token_sha256, a, out, err); }

enum rd_status
rd_store_token_by_id(struct rd_store *st, int64_t id, struct rd_arena *a,
                     struct rd_api_token *out, struct rd_error *err)
{ return st->be->token_by_id(st, id, a, out, err); }

enum rd_status
rd_store_token_list(struct rd_store *st, int64_t user_id, struct rd_arena *a,
                    struct rd_api_token **out, size_t *n, struct rd_error *err)
{ return st->be->token_list(st, user_id, a, out, n, err); }

enum rd_status
rd_store_setting_get(struct rd_store *st, const char *key, struct rd_arena *a,
                     const char **value, struct rd_error *err)
{ return st->be->setting_get(st, key, a, value, err); }

/* ---- reports ------------------------------------------------------------ */

enum rd_status
rd_store_report_summary(struct rd_store *st, const struct rd_report_query *q,
                        struct rd_arena *a, struct rd_report_row **out,
                        size_t *n, struct rd_error *err)
{ return st->be->report_summary(st, q, a, out, n, err); }

enum rd_status
rd_store_count_by_status(struct rd_store *st, int64_t counts[RD_STATE_COUNT],
                         struct rd_error *err)
{ return st->be->count_by_status(st, counts, err); }

size_t
rd_store_caches(struct rd_store *st, struct rd_store_cache *out, size_t max)
{ return st->be->caches ? st->be->caches(st, out, max) : 0; }

/* ---- the public portal's tokens -------------------------------------------- */

enum rd_status
rd_tx_portal_token_issue(struct rd_tx *tx, struct rd_portal_token *t,
                         struct rd_error *err)
{ return tx->st->be->tx_portal_token_issue(tx, t, err); }

enum rd_status
rd_tx_portal_token_get(struct rd_tx *tx, const char *token_sha256,
                       struct rd_arena *a, struct rd_portal_token *out,
                       struct rd_error *err)
{ return tx->st->be->tx_portal_token_get(tx, token_sha256, a, out, err); }

enum rd_status
rd_tx_portal_token_use(struct rd_tx *tx, int64_t id, int64_t now,
                       struct rd_error *err)
{ return tx->st->be->tx_portal_token_use(tx, id, now, err); }

enum rd_status
rd_store_portal_token_get(struct rd_store *st, const char *token_sha256,
                          struct rd_arena *a, struct rd_portal_token *out,
                          struct rd_error *err)
{ return st->be->portal_token_get(st, token_sha256, a, out, err); }

/* ---- rate limits ----------------------------------------------------------
 * The backends count; what a count means (allowed or not, how long to wait)
 * is decided here once for both. */

/* Above any real limit: a plain count is a take that is never refused. */
enum { LIMIT_UNBOUNDED = 1 << 30 };

struct limit_op {
  char key[RD_LIMIT_KEY_MAX];
  int max, window_s;
  int64_t now;
  int64_t hits, expires_at, removed;
};

static void
limit_key(char *buf, const char *key)
{
  snprintf(buf, RD_LIMIT_KEY_MAX, "%s", key ? key : "");
}

static int
wait_s(int64_t expires_at, int64_t now)
{
  int64_t left = expires_at - now;
  return left < 1 ? 1 : left > INT32_MAX ? INT32_MAX : (int)left;
}

static enum rd_status
limit_take_tx(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct limit_op *op = ctx;
  return tx->st->be->tx_limit_take(tx, op->key, op->max, op->window_s, op->now,
                                   &op->hits, &op->expires_at, err);
}

static enum rd_status
limit_clear_tx(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct limit_op *op = ctx;
  return tx->st->be->tx_limit_clear(tx, op->key, err);
}

static enum rd_status
limit_sweep_tx(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct limit_op *op = ctx;
  return tx->st->be->tx_limit_sweep(tx, op->now, &op->removed, err);
}

enum rd_status
rd_store_limit_take(struct rd_store *st, const char *key, int max, int window_s,
                    int64_t now, bool *allowed, int *retry_after_s,
                    struct rd_error *err)
{
  struct limit_op op = {.max = max, .window_s = window_s, .now = now};
  limit_key(op.key, key);
  enum rd_status rc = rd_store_write(st, limit_take_tx, &op, err);
  if (rc != RD_OK)
    return rc;
  /* Hits stop at max + 1, so more than max means this one was refused. */
  *allowed = op.hits <= max;
  *retry_after_s = *allowed ? 0 : wait_s(op.expires_at, now);
  return RD_OK;
}

enum rd_status
rd_store_limit_count(struct rd_store *st, const char *key, int window_s,
                     int64_t now, struct rd_error *err)
{
  struct limit_op op = {.max = LIMIT_UNBOUNDED, .window_s = window_s, .now = now};
  limit_key(op.key, key);
  return rd_store_write(st, limit_take_tx, &op, err);
}

enum rd_status
rd_store_limit_check(struct rd_store *st, const char *key, int max, int64_t now,
                     bool *allowed, int *retry_after_s, struct rd_error *err)
{
  char k[RD_LIMIT_KEY_MAX];
  bool found = false;
  int64_t hits = 0, expires_at = 0;
  limit_key(k, key);
  enum rd_status rc = st->be->limit_get(st, k, &found, &hits, &expires_at, err);
  if (rc != RD_OK)
    return rc;
  *allowed = !found || expires_at <= now || hits < max;
  *retry_after_s = *allowed ? 0 : wait_s(expires_at, now);
  return RD_OK;
}

enum rd_status
rd_store_limit_clear(struct rd_store *st, const char *key, struct rd_error *err)
{
  struct limit_op op = {0};
  limit_key(op.key, key);
  return rd_store_write(st, limit_clear_tx, &op, err);
}

enum rd_status
rd_store_limit_sweep(struct rd_store *st, int64_t now, int64_t *removed,
                     struct rd_error *err)
{
  struct limit_op op = {.now = now};
  enum rd_status rc = rd_store_write(st, limit_sweep_tx, &op, err);
  if (rc == RD_OK && removed)
    *removed = op.removed;
  return rc;
}

/* ---- backup ------------------------------------------------------------- */

const char *
rd_store_uri_backend(const char *uri)
{
  if (uri == NULL || uri[0] == '\0')
    return NULL;
  return backend_for(uri)->name;
}

enum rd_status
rd_store_backup(const char *uri, const char *dest, bool replace,
                struct rd_store_backup_report *out, struct rd_error *err)
{
  const char *kind = rd_store_uri_backend(uri);

  memset(out, 0, sizeof *out);
  if (kind == NULL)
    return rd_error_set(err, RD_E_INVALID, "db", "no database given");
  if (dest == NULL || dest[0] == '\0')
    return rd_error_set(err, RD_E_INVALID, "to", "no destination given");
  if (strcmp(kind, rd_store_sqlite_backend.name) != 0)
    return rd_error_set(err, RD_E_INVALID, "db",
                        "a %s database has no built-in backup: use pg_dump",
                        kind);
  return rd_store_sqlite_backend.backup(uri, dest, replace, out, err);
}

enum rd_status
rd_store_restore(const char *from, const char *uri,
                 struct rd_store_backup_report *out, struct rd_error *err)
{
  const char *kind = rd_store_uri_backend(uri);

  memset(out, 0, sizeof *out);
  if (kind == NULL)
    return rd_error_set(err, RD_E_INVALID, "db", "no database given");
  if (from == NULL || from[0] == '\0')
    return rd_error_set(err, RD_E_INVALID, "from", "no backup given");
  if (strcmp(kind, rd_store_sqlite_backend.name) != 0)
    return rd_error_set(err, RD_E_INVALID, "db",
                        "a %s database has no built-in restore: use pg_restore",
                        kind);
  return rd_store_sqlite_backend.restore(from, uri, out, err);
}

void
rd_store_hide_anonymised(struct rd_complaint *c)
{
  if (c->anonymised_at == 0)
    return;
  c->customer.name = NULL;
  c->customer.phone = NULL;
  c->customer.email = NULL;
  c->customer.refs_json = NULL;
}
