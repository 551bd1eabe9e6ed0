/* store/sqlite/backend.c - the SQLite backend: lifecycle, migrations and the
 * group-committing writer thread; the backend table store.c dispatches to.
 *
 * Writes: callers of rd_store_write() enqueue a job and sleep. The writer
 * thread takes every job queued, opens one BEGIN IMMEDIATE, runs each job in
 * its own SAVEPOINT (a failing job is rolled back to its savepoint alone),
 * COMMITs once - one WAL fsync for the whole batch - and wakes the callers.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/time.h"

/* Readers beyond this wait for a free connection (MHD runs a thread per
 * HTTP connection; each reader has its own page cache). */
enum { READERS_MAX = 32 };

struct rd_sqlite_job {
  rd_store_write_fn fn;
  void *ctx;
  enum rd_status rc;
  struct rd_error err;
  bool done;
  pthread_cond_t done_cond;  /* this caller's own: waking one, not all */
  struct rd_sqlite_job *next;
};

/* Marks every successful job in [from, to) failed: their transaction is gone. */
static void
fail_jobs(struct rd_sqlite_job *from, struct rd_sqlite_job *to,
          const struct rd_error *why)
{
  for (struct rd_sqlite_job *j = from; j != to; j = j->next) {
    if (j->rc != RD_OK)
      continue;
    j->rc = why->code;
    j->err = *why;
  }
}

/* Runs one batch in one transaction. Jobs end with rc/err set. */
static void
run_batch(struct rd_store *st, struct rd_sqlite_job *batch)
{
  struct rd_sqlite *s = st->impl;
  struct rd_sqlite_conn *w = s->writer;
  struct rd_tx tx = { st, w };
  struct rd_sqlite_job *first = batch; /* first job of the open transaction */
  struct rd_error e = {0};
  bool open_tx = false;

  pthread_mutex_lock(&s->wlock);
  for (struct rd_sqlite_job *j = batch; j; j = j->next) {
    if (!open_tx) {
      if (rd_sqlite_exec(w, SQ_BEGIN_IMMEDIATE, &e) != RD_OK) {
        j->rc = e.code;
        j->err = e;
        first = j->next;
        continue;
      }
      open_tx = true;
      first = j;
    }
    if (rd_sqlite_exec(w, SQ_SAVEPOINT, &j->err) != RD_OK) {
      j->rc = j->err.code;
      continue;
    }
    j->rc = j->fn(&tx, j->ctx, &j->err);
    if (j->rc != RD_OK && j->err.code == RD_OK)
      j->err.code = j->rc;

    if (sqlite3_get_autocommit(w->db)) {
      /* SQLite rolled the whole transaction back (I/O error, disk full):
       * the jobs before this one in it are lost too. Start afresh. */
      rd_error_set(&e, RD_E_UNAVAILABLE, "", "transaction aborted: %s",
                   sqlite3_errmsg(w->db));
      if (j->rc == RD_OK) {
        j->rc = e.code;
        j->err = e;
      }
      fail_jobs(first, j, &e);
      open_tx = false;
      continue;
    }
    if (j->rc != RD_OK)
      rd_sqlite_exec(w, SQ_ROLLBACK_TO, &e);
    if (rd_sqlite_exec(w, SQ_RELEASE, &e) != RD_OK && j->rc == RD_OK) {
      j->rc = e.code;
      j->err = e;
    }
  }
  if (open_tx && rd_sqlite_exec(w, SQ_COMMIT, &e) != RD_OK) {
    /* Nothing of the batch is durable: every caller gets the error. */
    rd_log_error("store: commit failed: %s", e.detail);
    if (!sqlite3_get_autocommit(w->db))
      sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
    fail_jobs(first, NULL, &e);
  } else if (open_tx) {
    rd_sqlite_search_kick(s);
  }
  rd_sqlite_note_cache(s, RD_SQLITE_CACHE_WRITER, w->db, &w->cache_noted);
  pthread_mutex_unlock(&s->wlock);
}

static void *
writer_main(void *arg)
{
  struct rd_store *st = arg;
  struct rd_sqlite *s = st->impl;
  struct rd_sqlite_job *batch;

  for (;;) {
    pthread_mutex_lock(&s->qlock);
    while (s->head == NULL && !s->closing)
      pthread_cond_wait(&s->qcond, &s->qlock);
    batch = s->head;
    s->head = s->tail = NULL;
    pthread_mutex_unlock(&s->qlock);
    if (batch == NULL)
      break; /* closing, and the queue is drained */

    run_batch(st, batch);

    pthread_mutex_lock(&s->qlock);
    for (struct rd_sqlite_job *j = batch, *next; j; j = next) {
      next = j->next; /* j lives on its caller's stack: read next first */
      j->done = true;
      pthread_cond_signal(&j->done_cond);
    }
    pthread_mutex_unlock(&s->qlock);
  }
  return NULL;
}

enum rd_status
rd_sqlite_write(struct rd_store *st, rd_store_write_fn fn, void *ctx,
                struct rd_error *err)
{
  struct rd_sqlite *s = st->impl;
  struct rd_sqlite_job job = { .fn = fn, .ctx = ctx };
  enum rd_status rc;

  /* fn calling rd_store_write would wait for itself forever. */
  if (pthread_equal(pthread_self(), s->thread))
    return rd_error_set(err, RD_E_INTERNAL, "",
                        "rd_store_write called inside a write");

  pthread_cond_init(&job.done_cond, NULL);
  pthread_mutex_lock(&s->qlock);
  if (s->closing) {
    pthread_mutex_unlock(&s->qlock);
    pthread_cond_destroy(&job.done_cond);
    return rd_error_set(err, RD_E_UNAVAILABLE, "", "store is closing");
  }
  if (s->tail)
    s->tail->next = &job;
  else
    s->head = &job;
  s->tail = &job;
  pthread_cond_signal(&s->qcond);
  while (!job.done)
    pthread_cond_wait(&job.done_cond, &s->qlock);
  pthread_mutex_unlock(&s->qlock);
  pthread_cond_destroy(&job.done_cond);

  rc = job.rc;
  if (rc != RD_OK && err)
    *err = job.err;
  return rc;
}

/* ---- lifecycle -------------------------------------------------------------- */

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

/* Process-wide settings, before SQLite initialises itself. Memory statistics
 * take one global mutex on every allocation of every connection; nothing here
 * reads them. (If SQLite was already initialised the call is refused and the
 * default stays: slower, not wrong.) */
static void
configure_sqlite(void)
{
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum rd_status
rd_sqlite_open(struct rd_store *st, const char *uri, struct rd_error *err)
{
  struct rd_sqlite *s;
  enum rd_status rc;

  for (int i = 0; i < SQ_STMT_COUNT; i++)
    if (rd_sqlite_sql[i] == NULL)
      return rd_error_set(err, RD_E_INTERNAL, "", "statement %d has no SQL", i);
  if (sodium_init() < 0)
    return rd_error_set(err, RD_E_INTERNAL, "", "libsodium failed to start");
  pthread_once(&config_once, configure_sqlite);

  s = rd_xcalloc(1, sizeof *s);
  s->path = rd_xstrdup(uri);
  s->readers_max = READERS_MAX;
  pthread_mutex_init(&s->wlock, NULL);
  pthread_mutex_init(&s->qlock, NULL);
  pthread_cond_init(&s->qcond, NULL);
  pthread_mutex_init(&s->plock, NULL);
  pthread_cond_init(&s->pcond, NULL);
  st->impl = s;

  rc = rd_sqlite_conn_open(s->path, true, &s->writer, err);
  if (rc != RD_OK)
    goto out;
  rc = rd_sqlite_search_open(s, err);
  if (rc != RD_OK)
    goto out;
  rd_sqlite_search_schema_check(s, s->writer);
  if (pthread_create(&s->thread, NULL, writer_main, st) != 0) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "cannot start the writer thread");
    goto out;
  }
  s->thread_started = true;
out:
  if (rc != RD_OK) {
    rd_sqlite_close(st);
    st->impl = NULL;
  }
  return rc;
}

void
rd_sqlite_close(struct rd_store *st)
{
  struct rd_sqlite *s = st->impl;

  if (s == NULL)
    return;
  if (s->thread_started) {
    pthread_mutex_lock(&s->qlock);
    s->closing = true;
    pthread_cond_signal(&s->qcond);
    pthread_mutex_unlock(&s->qlock);
    pthread_join(s->thread, NULL); /* drains the queue first */
  }
  rd_sqlite_search_close(s);
  while (s->idle) {
    struct rd_sqlite_conn *c = s->idle;
    s->idle = c->next_idle;
    rd_sqlite_conn_close(c);
  }
  rd_sqlite_conn_close(s->writer);
  pthread_mutex_destroy(&s->wlock);
  pthread_mutex_destroy(&s->qlock);
  pthread_cond_destroy(&s->qcond);
  pthread_mutex_destroy(&s->plock);
  pthread_cond_destroy(&s->pcond);
  free(s->path);
  free(s);
  st->impl = NULL;
}

/* ---- migrations ------------------------------------------------------------- */

static const char create_migrations_table[] =
  "CREATE TABLE IF NOT EXISTS schema_migrations ("
  " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
  " applied_at INTEGER NOT NULL)";

/* Highest applied number on c; 0 when the table does not exist yet. */
static enum rd_status
version_on(struct rd_sqlite_conn *c, int *out, struct rd_error *err)
{
  struct rd_error ignored = {0};
  sqlite3_stmt *q = rd_sqlite_stmt(c, SQ_SCHEMA_VERSION, &ignored);
  int rc;

  *out = 0;
  if (q == NULL) /* "no such table": an empty database */
    return RD_OK;
  rc = sqlite3_step(q);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int(q, 0);
  rd_sqlite_done(q);
  if (rc != SQLITE_ROW)
    return rd_sqlite_fail(c->db, rc, "schema version", err);
  return RD_OK;
}

static enum rd_status
apply_migration(struct rd_sqlite_conn *w, const struct rd_sqlite_migration *m,
                struct rd_error *err)
{
  char *msg = NULL;
  sqlite3_stmt *rec;
  enum rd_status rc;
  int src;

  rc = rd_sqlite_exec(w, SQ_BEGIN_IMMEDIATE, err);
  if (rc != RD_OK)
    return rc;
  if (sqlite3_exec(w->db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_INTERNAL, "", "migration %04d_%s: %s",
                      m->number, m->name, msg ? msg : "?");
    goto out;
  }
  rec = rd_sqlite_stmt(w, SQ_MIGRATION_RECORD, err);
  if (rec == NULL) {
    rc = err ? err->code : RD_E_INTERNAL;
    goto out;
  }
  sqlite3_bind_int(rec, 1, m->number);
  sqlite3_bind_text(rec, 2, m->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(rec, 3, rd_time_now());
  src = sqlite3_step(rec);
  rd_sqlite_done(rec);
  if (src != SQLITE_DONE) {
    rc = rd_sqlite_fail(w->db, src, "migration record", err);
    goto out;
  }
  rc = rd_sqlite_exec(w, SQ_COMMIT, err);
out:
  sqlite3_free(msg);
  if (rc != RD_OK && !sqlite3_get_autocommit(w->db))
    sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

enum rd_status
rd_sqlite_migrate(struct rd_store *st, int *applied, struct rd_error *err)
{
  struct rd_sqlite *s = st->impl;
  struct rd_sqlite_conn *w = s->writer;
  enum rd_status rc = RD_OK;
  int current = 0, last = 0, n = 0;
  char *msg = NULL;

  pthread_mutex_lock(&s->wlock);
  if (sqlite3_exec(w->db, create_migrations_table, NULL, NULL, &msg) != SQLITE_OK) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "", "schema_migrations: %s",
                      msg ? msg : "?");
    goto out;
  }
  rc = version_on(w, &current, err);
  if (rc != RD_OK)
    goto out;
  for (size_t i = 0; i < rd_sqlite_migrations_count; i++) {
    const struct rd_sqlite_migration *m = &rd_sqlite_migrations[i];
    if (m->number <= last) {
      rc = rd_error_set(err, RD_E_INTERNAL, "", "migration %d out of order",
                        m->number);
      goto out;
    }
    last = m->number;
    if (m->number <= current)
      continue;
    rc = apply_migration(w, m, err);
    if (rc != RD_OK)
      goto out;
    rd_log_info("store: applied migration %04d_%s", m->number, m->name);
    n++;
  }
out:
  if (n > 0)
    rd_sqlite_search_schema_check(s, w);
  pthread_mutex_unlock(&s->wlock);
  sqlite3_free(msg);
  if (applied)
    *applied = n;
  return rc;
}

enum rd_status
rd_sqlite_migrations_pending(struct rd_store *st, struct rd_arena *a,
                             const char ***names, size_t *n,
                             struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc;
  int current = 0;

  *names = NULL;
  *n = 0;
  rc = rd_sqlite_reader_acquire(st, &c, err);
  if (rc != RD_OK)
    return rc;
  rc = version_on(c, &current, err);
  rd_sqlite_reader_release(st, c);
  if (rc != RD_OK)
    return rc;
  *names = rd_arena_zalloc(a, sizeof **names * (rd_sqlite_migrations_count + 1));
  for (size_t i = 0; i < rd_sqlite_migrations_count; i++)
    if (rd_sqlite_migrations[i].number > current)
      (*names)[(*n)++] = rd_arena_sprintf(a, "%04d_%s",
                                          rd_sqlite_migrations[i].number,
                                          rd_sqlite_migrations[i].name);
  return RD_OK;
}

enum rd_status
rd_sqlite_schema_version(struct rd_store *st, int *out, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);

  *out = 0;
  if (rc != RD_OK)
    return rc;
  rc = version_on(c, out, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

enum rd_status
rd_sqlite_ping(struct rd_store *st, struct rd_error *err)
{
  struct rd_sqlite_conn *c;
  enum rd_status rc = rd_sqlite_reader_acquire(st, &c, err);

  if (rc != RD_OK)
    return rc;
  rc = rd_sqlite_exec(c, SQ_PING, err);
  rd_sqlite_reader_release(st, c);
  return rc;
}

/* ---- the table ---------------------------------------------------------------- */

const struct rd_store_backend rd_store_sqlite_backend = {
  .name = "sqlite",
  .open = rd_sqlite_open,
  .close = rd_sqlite_close,
  .migrate = rd_sqlite_migrate,
  .migrations_pending = rd_sqlite_migrations_pending,
  .schema_version = rd_sqlite_schema_version,
  .ping = rd_sqlite_ping,
  .write = rd_sqlite_write,
  .backup = rd_sqlite_backup,
  .restore = rd_sqlite_restore,

  .tx_next_number = rd_sqlite_tx_next_number,
  .tx_customer_upsert = rd_sqlite_tx_customer_upsert,
  .tx_complaint_insert = rd_sqlite_tx_complaint_insert,
  .tx_complaint_get = rd_sqlite_tx_complaint_get,
  .tx_complaint_get_by_number = rd_sqlite_tx_complaint_get_by_number,
  .tx_complaint_update = rd_sqlite_tx_complaint_update,
  .tx_event_append = rd_sqlite_tx_event_append,
  .tx_idempotency_get = rd_sqlite_tx_idempotency_get,
  .tx_idempotency_put = rd_sqlite_tx_idempotency_put,
  .tx_attachment_add = rd_sqlite_tx_attachment_add,
  .tx_department_save = rd_sqlite_tx_department_save,
  .tx_site_save = rd_sqlite_tx_site_save,
  .tx_category_save = rd_sqlite_tx_category_save,
  .tx_user_save = rd_sqlite_tx_user_save,
  .tx_user_set_locale = rd_sqlite_tx_user_set_locale,
  .tx_user_set_password = rd_sqlite_tx_user_set_password,
  .tx_complaint_set_due = rd_sqlite_tx_complaint_set_due,
  .tx_clocks_of = rd_sqlite_tx_clocks_of,
  .tx_clock_insert = rd_sqlite_tx_clock_insert,
  .tx_clock_update = rd_sqlite_tx_clock_update,
  .tx_clock_steps_add = rd_sqlite_tx_clock_steps_add,
  .tx_clock_steps_drop = rd_sqlite_tx_clock_steps_drop,
  .tx_clock_step_claim = rd_sqlite_tx_clock_step_claim,
  .tx_notification_add = rd_sqlite_tx_notification_add,
  .tx_notification_read = rd_sqlite_tx_notification_read,
  .tx_extension_add = rd_sqlite_tx_extension_add,
  .tx_extension_get = rd_sqlite_tx_extension_get,
  .tx_extension_decide = rd_sqlite_tx_extension_decide,
  .tx_calendar_save = rd_sqlite_tx_calendar_save,
  .tx_policy_save = rd_sqlite_tx_policy_save,
  .tx_category_get = rd_sqlite_tx_category_get,
  .tx_session_put = rd_sqlite_tx_session_put,
  .tx_session_delete = rd_sqlite_tx_session_delete,
  .tx_session_purge = rd_sqlite_tx_session_purge,
  .tx_session_touch = rd_sqlite_tx_session_touch,
  .tx_session_delete_user = rd_sqlite_tx_session_delete_user,
  .tx_token_save = rd_sqlite_tx_token_save,
  .tx_complaint_anonymise = rd_sqlite_tx_complaint_anonymise,
  .tx_job_claim = rd_sqlite_tx_job_claim,
  .retention_due = rd_sqlite_retention_due,
  .tx_setting_put = rd_sqlite_tx_setting_put,
  .tx_portal_token_issue = rd_sqlite_tx_portal_token_issue,
  .tx_portal_token_get = rd_sqlite_tx_portal_token_get,
  .tx_portal_token_use = rd_sqlite_tx_portal_token_use,
  .tx_limit_take = rd_sqlite_tx_limit_take,
  .tx_limit_clear = rd_sqlite_tx_limit_clear,
  .tx_limit_sweep = rd_sqlite_tx_limit_sweep,
  .tx_audit_head = rd_sqlite_tx_audit_head,
  .tx_audit_insert = rd_sqlite_tx_audit_insert,
  .tx_audit_insert_batch = rd_sqlite_tx_audit_insert_batch,

  .complaint_get = rd_sqlite_complaint_get,
  .complaint_get_by_number = rd_sqlite_complaint_get_by_number,
  .complaint_list = rd_sqlite_complaint_list,
  .event_list = rd_sqlite_event_list,
  .attachment_list = rd_sqlite_attachment_list,
  .attachment_get = rd_sqlite_attachment_get,
  .blob_get = rd_sqlite_blob_get,
  .customer_get = rd_sqlite_customer_get,
  .customer_by_phone = rd_sqlite_customer_by_phone,
  .department_get = rd_sqlite_department_get,
  .department_by_code = rd_sqlite_department_by_code,
  .department_list = rd_sqlite_department_list,
  .site_get = rd_sqlite_site_get,
  .site_list = rd_sqlite_site_list,
  .category_get = rd_sqlite_category_get,
  .category_list = rd_sqlite_category_list,
  .user_get = rd_sqlite_user_get,
  .user_by_name = rd_sqlite_user_by_name,
  .user_list = rd_sqlite_user_list,
  .clocks_of = rd_sqlite_clocks_of,
  .steps_due = rd_sqlite_steps_due,
  .extensions_of = rd_sqlite_extensions_of,
  .notifications_of = rd_sqlite_notifications_of,
  .calendar_get = rd_sqlite_calendar_get,
  .calendar_list = rd_sqlite_calendar_list,
  .policy_get = rd_sqlite_policy_get,
  .policy_list = rd_sqlite_policy_list,
  .session_get = rd_sqlite_session_get,
  .token_get = rd_sqlite_token_get,
  .token_by_id = rd_sqlite_token_by_id,
  .token_list = rd_sqlite_token_list,
  .setting_get = rd_sqlite_setting_get,
  .portal_token_get = rd_sqlite_portal_token_get,
  .limit_get = rd_sqlite_limit_get,
  .audit_page = rd_sqlite_audit_page,
  .audit_range = rd_sqlite_audit_range,
  .audit_head = rd_sqlite_audit_head,
  .report_summary = rd_sqlite_report_summary,
  .count_by_status = rd_sqlite_count_by_status,
  .caches = rd_sqlite_caches,
};
