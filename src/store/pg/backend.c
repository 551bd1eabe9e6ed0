/* store/pg/backend.c - the PostgreSQL backend: lifecycle, migrations, the
 * write transaction with its retries, and the backend table store.c
 * dispatches to.
 *
 * Writes: each rd_store_write() runs on its own pooled connection in its own
 * READ COMMITTED transaction, on the caller's thread; the server orders
 * concurrent writers (row locks, unique indexes), on this node and others.
 * A transaction that fails with a serialization failure or a deadlock is
 * rolled back and run again, callback and all, a few times. Durability is
 * the server's: COMMIT returns once the WAL is flushed (synchronous_commit).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/pg/pg_int.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/time.h"

/* Runs of a transaction that keeps hitting serialization failures or
 * deadlocks, and the pause before each rerun (doubling: 2, 4, 8... ms). */
enum { WRITE_TRIES = 5, RETRY_BASE_US = 2000 };

/* Any number: one key for "migrating this database" across every node. */
enum { MIGRATE_LOCK_KEY = 0x52445247 };

/* A write running on this thread: rd_store_write inside a callback would
 * take a second connection and could wait for itself on a full pool. */
static _Thread_local bool in_write;

/* ---- lifecycle ------------------------------------------------------------------ */

enum rd_status
rd_pg_open(struct rd_store *st, const char *uri, struct rd_error *err)
{
  struct rd_pg *pg;
  struct rd_pg_conn *c = NULL;
  enum rd_status rc;

  rc = rd_pg_statements_init(err);
  if (rc != RD_OK)
    return rc;
  if (sodium_init() < 0)
    return rd_error_set(err, RD_E_INTERNAL, "", "libsodium failed to start");
  pg = rd_xcalloc(1, sizeof *pg);
  struct rd_pg_uri_options own;
  rc = rd_pg_parse_uri(uri, &pg->conninfo, &own, err);
  if (rc != RD_OK) {
    free(pg);
    return rc;
  }
  pg->pool_max = own.pool_size;
  pg->search_window = own.search_window;
  pthread_mutex_init(&pg->lock, NULL);
  pthread_cond_init(&pg->cond, NULL);
  pthread_mutex_init(&pg->number_lock, NULL);
  st->impl = pg;
  /* Connect once now, so a wrong uri fails at open as a file path does. */
  rc = rd_pg_acquire(pg, &c, err);
  if (rc != RD_OK) {
    rd_pg_close(st);
    return rc;
  }
  rd_pg_release(pg, c);
  return RD_OK;
}

void
rd_pg_close(struct rd_store *st)
{
  struct rd_pg *pg = st->impl;

  if (pg == NULL)
    return;
  /* Every write has returned by contract; close what is idle. */
  while (pg->idle) {
    struct rd_pg_conn *c = pg->idle;
    pg->idle = c->next_idle;
    rd_pg_conn_close(c);
  }
  rd_pg_conn_close(pg->number_conn);
  rd_pg_search_stats_free(pg);
  pthread_mutex_destroy(&pg->number_lock);
  pthread_mutex_destroy(&pg->lock);
  pthread_cond_destroy(&pg->cond);
  free(pg->conninfo);
  free(pg);
  st->impl = NULL;
}

/* ---- writing ---------------------------------------------------------------------- */

/* *began: the transaction was open on the server, so a broken connection
 * from then on (above all during COMMIT) may have committed it. */
static enum rd_status
write_once(struct rd_store *st, struct rd_pg_conn *c, rd_store_write_fn fn,
           void *ctx, bool *began, struct rd_error *err)
{
  struct rd_tx tx = { st, c };
  enum rd_status rc;

  *began = false;
  rc = rd_pg_exec(c, "BEGIN ISOLATION LEVEL READ COMMITTED", "begin", err);
  if (rc != RD_OK)
    return rc;
  *began = true;
  rc = fn(&tx, ctx, err);
  if (rc != RD_OK && err && err->code == RD_OK)
    err->code = rc;
  if (rc == RD_OK)
    return rd_pg_exec(c, "COMMIT", "commit", err);
  /* A lost connection has no transaction left to roll back; the pool
   * drops the connection when it comes back. */
  if (PQstatus(c->pg) == CONNECTION_OK) {
    struct rd_error ignored = {0};
    rd_pg_exec(c, "ROLLBACK", "rollback", &ignored);
  }
  return rc;
}

static enum rd_status
pg_write(struct rd_store *st, rd_store_write_fn fn, void *ctx,
         struct rd_error *err)
{
  struct rd_pg *pg = st->impl;
  enum rd_status rc = RD_OK;

  if (in_write)
    return rd_error_set(err, RD_E_INTERNAL, "",
                        "rd_store_write called inside a write");
  in_write = true;
  for (int attempt = 0; attempt < WRITE_TRIES; attempt++) {
    struct rd_pg_conn *c;
    bool retry, began;

    if (err)
      *err = (struct rd_error){0};
    rc = rd_pg_acquire(pg, &c, err);
    if (rc != RD_OK)
      break;
    c->retry = false;
    rc = write_once(st, c, fn, ctx, &began, err);
    /* A connection found broken at BEGIN (idle too long, a server restart)
     * is worth one fresh try: nothing was sent. Once the transaction had
     * begun, a lost connection may have lost only COMMIT's answer: trying
     * again could register a complaint twice, so the caller hears 503 (and
     * a client retries with its Idempotency-Key). */
    retry = c->retry || (rc == RD_E_UNAVAILABLE && attempt == 0 && !began &&
                         PQstatus(c->pg) != CONNECTION_OK);
    rd_pg_release(pg, c);
    if (rc == RD_OK || !retry)
      break;
    rd_log_info("store: transaction retried (%s)", err ? err->detail : "");
    usleep((useconds_t)(RETRY_BASE_US << attempt));
  }
  in_write = false;
  return rc;
}

/* ---- migrations -------------------------------------------------------------------- */

static const char create_migrations_table[] =
  "CREATE TABLE IF NOT EXISTS schema_migrations ("
  " version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)";

/* Highest applied number on c; 0 when the table does not exist yet. */
static enum rd_status
version_on(struct rd_pg_conn *c, int *out, struct rd_error *err)
{
  PGresult *r = NULL;
  enum rd_status rc;

  *out = 0;
  rc = rd_pg_exec(c, "SELECT 1", "ping", err);
  if (rc != RD_OK)
    return rc;
  /* to_regclass: no error (and no aborted transaction) on a new database */
  r = PQexec(c->pg, "SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "", "schema version: %s",
                      PQerrorMessage(c->pg));
    goto out;
  }
  if (!rd_pg_bool(r, 0, 0))
    goto out;
  PQclear(r);
  r = NULL;
  rc = rd_pg_run(c, PQ_SCHEMA_VERSION, NULL, &r, "schema version", err);
  if (rc == RD_OK)
    *out = (int)rd_pg_int(r, 0, 0);
out:
  PQclear(r);
  return rc;
}

static enum rd_status
check_order(struct rd_error *err)
{
  int last = 0;
  for (size_t i = 0; i < rd_pg_migrations_count; i++) {
    if (rd_pg_migrations[i].number <= last)
      return rd_error_set(err, RD_E_INTERNAL, "", "migration %d out of order",
                          rd_pg_migrations[i].number);
    last = rd_pg_migrations[i].number;
  }
  return RD_OK;
}

static enum rd_status
apply_migration(struct rd_pg_conn *c, const struct rd_pg_migration *m,
                struct rd_error *err)
{
  struct rd_pg_args p = {0};
  PGresult *r = NULL;
  enum rd_status rc;

  r = PQexec(c->pg, m->sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "migration %04d_%s: %s",
                      m->number, m->name, PQresultErrorMessage(r));
    PQclear(r);
    return rc;
  }
  PQclear(r);
  rd_pg_arg_int(&p, m->number);
  rd_pg_arg_text(&p, m->name);
  rd_pg_arg_int(&p, rd_time_now());
  rc = rd_pg_run(c, PQ_MIGRATION_RECORD, &p, &r, "migration record", err);
  PQclear(r);
  return rc;
}

static enum rd_status
pg_migrate(struct rd_store *st, int *applied, struct rd_error *err)
{
  struct rd_pg *pg = st->impl;
  struct rd_pg_conn *c;
  enum rd_status rc;
  int current = 0, n = 0;
  char lock_sql[96];

  if (applied)
    *applied = 0;
  if ((rc = check_order(err)) != RD_OK)
    return rc;
  rc = rd_pg_acquire(pg, &c, err);
  if (rc != RD_OK)
    return rc;
  /* One transaction for everything, under a transaction-level advisory lock:
   * nodes starting together migrate once, the others wait and then find
   * nothing left to do. DDL is transactional here, so a failure leaves the
   * database as it was. */
  snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_xact_lock(%d)",
           MIGRATE_LOCK_KEY);
  if ((rc = rd_pg_exec(c, "BEGIN", "migrate", err)) != RD_OK ||
      (rc = rd_pg_exec(c, lock_sql, "migrate lock", err)) != RD_OK ||
      (rc = rd_pg_exec(c, create_migrations_table, "schema_migrations", err)) != RD_OK ||
      (rc = version_on(c, &current, err)) != RD_OK)
    goto out;
  for (size_t i = 0; i < rd_pg_migrations_count; i++) {
    const struct rd_pg_migration *m = &rd_pg_migrations[i];
    if (m->number <= current)
      continue;
    rc = apply_migration(c, m, err);
    if (rc != RD_OK)
      goto out;
    rd_log_info("store: applied migration %04d_%s", m->number, m->name);
    n++;
  }
  rc = rd_pg_exec(c, "COMMIT", "migrate commit", err);
out:
  if (rc != RD_OK) {
    struct rd_error ignored = {0};
    if (PQstatus(c->pg) == CONNECTION_OK)
      rd_pg_exec(c, "ROLLBACK", "rollback", &ignored);
    n = 0;
  }
  /* Statements prepared before the schema existed would fail: start over. */
  memset(c->prepared, 0, sizeof c->prepared);
  for (int i = 0; i < RD_PG_TEXT_CACHE; i++) {
    free(c->texts[i].sql);
    c->texts[i].sql = NULL;
  }
  rd_pg_exec(c, "DEALLOCATE ALL", "deallocate", &(struct rd_error){0});
  rd_pg_release(pg, c);
  if (applied)
    *applied = n;
  return rc;
}

static enum rd_status
pg_migrations_pending(struct rd_store *st, struct rd_arena *a,
                      const char ***names, size_t *n, struct rd_error *err)
{
  struct rd_pg *pg = st->impl;
  struct rd_pg_conn *c;
  enum rd_status rc;
  int current = 0;

  *names = NULL;
  *n = 0;
  if ((rc = check_order(err)) != RD_OK)
    return rc;
  rc = rd_pg_acquire(pg, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = version_on(c, &current, err);
  rd_pg_release(pg, c);
  if (rc != RD_OK)
    return rc;
  *names = rd_arena_zalloc(a, sizeof **names * (rd_pg_migrations_count + 1));
  for (size_t i = 0; i < rd_pg_migrations_count; i++)
    if (rd_pg_migrations[i].number > current)
      (*names)[(*n)++] = rd_arena_sprintf(a, "%04d_%s", rd_pg_migrations[i].number,
                                          rd_pg_migrations[i].name);
  return RD_OK;
}

static enum rd_status
pg_schema_version(struct rd_store *st, int *out, struct rd_error *err)
{
  struct rd_pg_conn *c;
  enum rd_status rc = rd_pg_acquire(st->impl, &c, err);

  *out = 0;
  if (rc != RD_OK)
    return rc;
  rc = version_on(c, out, err);
  rd_pg_release(st->impl, c);
  return rc;
}

static enum rd_status
pg_ping(struct rd_store *st, struct rd_error *err)
{
  struct rd_pg_conn *c;
  PGresult *r = NULL;
  enum rd_status rc = rd_pg_acquire(st->impl, &c, err);

  if (rc != RD_OK)
    return rc;
  rc = rd_pg_run(c, PQ_PING, NULL, &r, "ping", err);
  PQclear(r);
  rd_pg_release(st->impl, c);
  return rc;
}

/* ---- the table ----------------------------------------------------------------------- */

const struct rd_store_backend rd_store_pg_backend = {
  .name = "postgresql",
  .open = rd_pg_open,
  .close = rd_pg_close,
  .migrate = pg_migrate,
  .migrations_pending = pg_migrations_pending,
  .schema_version = pg_schema_version,
  .ping = pg_ping,
  .write = pg_write,

  .tx_next_number = rd_pg_tx_next_number,
  .tx_customer_upsert = rd_pg_tx_customer_upsert,
  .tx_complaint_insert = rd_pg_tx_complaint_insert,
  .tx_complaint_get = rd_pg_tx_complaint_get,
  .tx_complaint_get_by_number = rd_pg_tx_complaint_get_by_number,
  .tx_complaint_update = rd_pg_tx_complaint_update,
  .tx_event_append = rd_pg_tx_event_append,
  .tx_idempotency_get = rd_pg_tx_idempotency_get,
  .tx_idempotency_put = rd_pg_tx_idempotency_put,
  .tx_attachment_add = rd_pg_tx_attachment_add,
  .tx_department_save = rd_pg_tx_department_save,
  .tx_site_save = rd_pg_tx_site_save,
  .tx_category_save = rd_pg_tx_category_save,
  .tx_user_save = rd_pg_tx_user_save,
  .tx_user_set_locale = rd_pg_tx_user_set_locale,
  .tx_user_set_password = rd_pg_tx_user_set_password,
  .tx_complaint_set_due = rd_pg_tx_complaint_set_due,
  .tx_clocks_of = rd_pg_tx_clocks_of,
  .tx_clock_insert = rd_pg_tx_clock_insert,
  .tx_clock_update = rd_pg_tx_clock_update,
  .tx_clock_steps_add = rd_pg_tx_clock_steps_add,
  .tx_clock_steps_drop = rd_pg_tx_clock_steps_drop,
  .tx_clock_step_claim = rd_pg_tx_clock_step_claim,
  .tx_notification_add = rd_pg_tx_notification_add,
  .tx_notification_read = rd_pg_tx_notification_read,
  .tx_extension_add = rd_pg_tx_extension_add,
  .tx_extension_get = rd_pg_tx_extension_get,
  .tx_extension_decide = rd_pg_tx_extension_decide,
  .tx_calendar_save = rd_pg_tx_calendar_save,
  .tx_policy_save = rd_pg_tx_policy_save,
  .tx_category_get = rd_pg_tx_category_get,
  .tx_session_put = rd_pg_tx_session_put,
  .tx_session_delete = rd_pg_tx_session_delete,
  .tx_session_purge = rd_pg_tx_session_purge,
  .tx_session_touch = rd_pg_tx_session_touch,
  .tx_session_delete_user = rd_pg_tx_session_delete_user,
  .tx_token_save = rd_pg_tx_token_save,
  .tx_complaint_anonymise = rd_pg_tx_complaint_anonymise,
  .tx_job_claim = rd_pg_tx_job_claim,
  .retention_due = rd_pg_retention_due,
  .tx_setting_put = rd_pg_tx_setting_put,
  .tx_portal_token_issue = rd_pg_tx_portal_token_issue,
  .tx_portal_token_get = rd_pg_tx_portal_token_get,
  .tx_portal_token_use = rd_pg_tx_portal_token_use,
  .tx_limit_take = rd_pg_tx_limit_take,
  .tx_limit_clear = rd_pg_tx_limit_clear,
  .tx_limit_sweep = rd_pg_tx_limit_sweep,
  .audit_chain_later = true,
  .tx_audit_head = rd_pg_tx_audit_head,
  .tx_audit_insert = rd_pg_tx_audit_insert,
  .tx_audit_insert_batch = rd_pg_tx_audit_insert_batch,
  .tx_audit_unchained = rd_pg_tx_audit_unchained,
  .tx_audit_link = rd_pg_tx_audit_link,

  .complaint_get = rd_pg_complaint_get,
  .complaint_get_by_number = rd_pg_complaint_get_by_number,
  .complaint_list = rd_pg_complaint_list,
  .event_list = rd_pg_event_list,
  .attachment_list = rd_pg_attachment_list,
  .attachment_get = rd_pg_attachment_get,
  .blob_get = rd_pg_blob_get,
  .customer_get = rd_pg_customer_get,
  .customer_by_phone = rd_pg_customer_by_phone,
  .department_get = rd_pg_department_get,
  .department_by_code = rd_pg_department_by_code,
  .department_list = rd_pg_department_list,
  .site_get = rd_pg_site_get,
  .site_list = rd_pg_site_list,
  .category_get = rd_pg_category_get,
  .category_list = rd_pg_category_list,
  .user_get = rd_pg_user_get,
  .user_by_name = rd_pg_user_by_name,
  .user_list = rd_pg_user_list,
  .clocks_of = rd_pg_clocks_of,
  .steps_due = rd_pg_steps_due,
  .extensions_of = rd_pg_extensions_of,
  .notifications_of = rd_pg_notifications_of,
  .calendar_get = rd_pg_calendar_get,
  .calendar_list = rd_pg_calendar_list,
  .policy_get = rd_pg_policy_get,
  .policy_list = rd_pg_policy_list,
  .session_get = rd_pg_session_get,
  .token_get = rd_pg_token_get,
  .token_by_id = rd_pg_token_by_id,
  .token_list = rd_pg_token_list,
  .setting_get = rd_pg_setting_get,
  .portal_token_get = rd_pg_portal_token_get,
  .limit_get = rd_pg_limit_get,
  .audit_page = rd_pg_audit_page,
  .audit_range = rd_pg_audit_range,
  .audit_head = rd_pg_audit_head,
  .audit_pending = rd_pg_audit_pending,
  .report_summary = rd_pg_report_summary,
  .count_by_status = rd_pg_count_by_status,
};
