/* tests/store/test_store.c - the storage port's contract, run against the
 * SQLite backend on a temporary database file (a fresh one per test) and,
 * when REDRESS_TEST_PG_URI names a PostgreSQL server (scripts/check.sh
 * starts a throwaway one with tests/pg/cluster.sh), again against the
 * PostgreSQL backend on a fresh database per test.
 *
 * Written against store.h only, except where a test must prove something
 * the port cannot show (the append-only trigger, one blob per content): those
 * open the database directly (sqlite3, or libpq on PostgreSQL).
 *
 * Tests that cannot run on PostgreSQL are listed in pg_skipped[] below with
 * the reason, and printed as skipped with their count.
 */
#include "../testing.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "util/arena.h"

enum { T0 = 1795000000 }; /* 2026-11-18, an arbitrary "now" */

/* Which backend the running group tests; the server's uri when PostgreSQL. */
static bool on_pg;
static const char *pg_base_uri;

struct fx {
  char dir[64];
  char path[96];          /* SQLite: the file */
  char uri[256];          /* what rd_store_open gets: path or postgresql:// */
  char pg_db[64];         /* PostgreSQL: this test's database */
  struct rd_store *st;
  struct rd_arena *a;
  int64_t dept[2];
  int64_t cat;
};

/* ---- fixtures ---------------------------------------------------------------- */

static enum rd_status
org_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct fx *f = ctx;
  struct rd_department d1 = { .code = "after_sales", .name = "售后服务部", .active = true };
  struct rd_department d2 = { .code = "sales", .name = "销售部", .active = true };
  struct rd_category cat = { .level = 1, .name = "服务态度", .active = true };
  enum rd_status rc;

  if ((rc = rd_tx_department_save(tx, &d1, err)) != RD_OK ||
      (rc = rd_tx_department_save(tx, &d2, err)) != RD_OK ||
      (rc = rd_tx_category_save(tx, &cat, err)) != RD_OK)
    return rc;
  f->dept[0] = d1.id;
  f->dept[1] = d2.id;
  f->cat = cat.id;
  return RD_OK;
}

/* Runs one statement on the PostgreSQL server as the test's superuser, on
 * database db of the base uri's server (NULL: the base uri's own); returns
 * the first column of the first row as a number (0 when none), -1 on error
 * and then *msg (when not NULL) gets the server's message. */
static int64_t
pg_sql(const char *db_uri, const char *sql, char *msg, size_t msg_len)
{
  PGconn *c = PQconnectdb(db_uri ? db_uri : pg_base_uri);
  PGresult *r = NULL;
  int64_t n = -1;

  if (PQstatus(c) != CONNECTION_OK) {
    if (msg)
      snprintf(msg, msg_len, "%s", PQerrorMessage(c));
    goto out;
  }
  r = PQexec(c, sql);
  if (PQresultStatus(r) == PGRES_TUPLES_OK)
    n = PQntuples(r) > 0 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
  else if (PQresultStatus(r) == PGRES_COMMAND_OK)
    n = 0;
  else if (msg)
    snprintf(msg, msg_len, "%s", PQresultErrorMessage(r));
out:
  PQclear(r);
  PQfinish(c);
  return n;
}

/* The base uri with its database name replaced by db. */
static void
pg_uri_for(char *out, size_t len, const char *db)
{
  const char *slash = strrchr(pg_base_uri, '/');
  snprintf(out, len, "%.*s/%s", (int)(slash - pg_base_uri), pg_base_uri, db);
}

/* A fresh store location for one test: a file, or a new database. */
static int
fresh_location(struct fx *f)
{
  static int seq;
  char sql[128], msg[256] = "";

  if (!on_pg) {
    snprintf(f->dir, sizeof f->dir, "/tmp/rd_store_XXXXXX");
    if (mkdtemp(f->dir) == NULL)
      return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    snprintf(f->uri, sizeof f->uri, "%s", f->path);
    return 0;
  }
  snprintf(f->pg_db, sizeof f->pg_db, "rd_test_%d_%d", (int)getpid(), ++seq);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->pg_db);
  if (pg_sql(NULL, sql, msg, sizeof msg) < 0) {
    fprintf(stderr, "setup: %s: %s\n", sql, msg);
    return -1;
  }
  pg_uri_for(f->uri, sizeof f->uri, f->pg_db);
  return 0;
}

static int
setup(void **state)
{
  struct fx *f = calloc(1, sizeof *f);
  struct rd_error err = {0};
  int applied = -1;

  if (fresh_location(f) != 0)
    return -1;
  if (rd_store_open(f->uri, &f->st, &err) != RD_OK ||
      rd_store_migrate(f->st, &applied, &err) != RD_OK || applied < 1) {
    fprintf(stderr, "setup: %s\n", err.detail);
    return -1;
  }
  if (rd_store_write(f->st, org_fn, f, &err) != RD_OK) {
    fprintf(stderr, "setup org: %s\n", err.detail);
    return -1;
  }
  f->a = rd_arena_new();
  *state = f;
  return 0;
}

static int
teardown(void **state)
{
  struct fx *f = *state;
  char cmd[160];

  rd_store_close(f->st);
  rd_arena_free(f->a);
  if (on_pg) {
    char msg[256] = "";
    snprintf(cmd, sizeof cmd, "DROP DATABASE %s WITH (FORCE)", f->pg_db);
    if (pg_sql(NULL, cmd, msg, sizeof msg) < 0) {
      fprintf(stderr, "teardown: %s: %s\n", cmd, msg);
      return -1;
    }
  } else {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
      return -1;
  }
  free(f);
  return 0;
}

/* ---- making complaints --------------------------------------------------------- */

struct mk {
  struct rd_complaint c;
  const char *prefix;
  struct rd_arena *a;
  bool fail;            /* insert, then fail: everything must roll back */
};

static enum rd_status
mk_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct mk *m = ctx;
  struct rd_event ev = { .at = m->c.registered_at, .type = "registered",
                         .from_status = -1, .to_status = RD_STATE_REGISTERED };
  enum rd_status rc;

  if ((rc = rd_tx_next_number(tx, m->prefix, m->a, &m->c.number, err)) != RD_OK ||
      (rc = rd_tx_customer_upsert(tx, &m->c.customer, m->c.registered_at, err)) != RD_OK ||
      (rc = rd_tx_complaint_insert(tx, &m->c, err)) != RD_OK)
    return rc;
  ev.complaint_id = m->c.id;
  if ((rc = rd_tx_event_append(tx, &ev, err)) != RD_OK)
    return rc;
  if (m->fail)
    return rd_error_set(err, RD_E_INVALID, "content", "failing on purpose");
  return RD_OK;
}

static void
mk_init(struct mk *m, struct rd_arena *a, const char *content, int64_t received)
{
  memset(m, 0, sizeof *m);
  m->a = a;
  m->prefix = "TS20261118";
  m->c.status = RD_STATE_REGISTERED;
  m->c.channel = RD_CHANNEL_PHONE;
  m->c.received_at = received;
  m->c.registered_at = received + 60;
  m->c.content = content;
  m->c.customer.name = "张三";
  m->c.satisfied = -1;
}

/* Creates one complaint; returns its id. */
static int64_t
mk(struct fx *f, struct mk *m)
{
  struct rd_error err = {0};
  enum rd_status rc = rd_store_write(f->st, mk_fn, m, &err);
  if (rc != RD_OK)
    fprintf(stderr, "mk: %s %s\n", err.field, err.detail);
  assert_int_equal(rc, RD_OK);
  assert_true(m->c.id > 0);
  return m->c.id;
}

static int64_t
mk_text(struct fx *f, const char *content, int64_t received)
{
  struct mk m;
  mk_init(&m, f->a, content, received);
  return mk(f, &m);
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void
test_migrate_twice_is_noop(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  int applied = -1, version = -1;

  assert_int_equal(rd_store_schema_version(f->st, &version, &err), RD_OK);
  assert_true(version >= 1);
  assert_int_equal(rd_store_migrate(f->st, &applied, &err), RD_OK);
  assert_int_equal(applied, 0);
  assert_int_equal(rd_store_migrate(f->st, NULL, &err), RD_OK);
  assert_int_equal(rd_store_ping(f->st, &err), RD_OK);

  /* Reopening an existing database: still no-op, data intact. */
  rd_store_close(f->st);
  assert_int_equal(rd_store_open(f->uri, &f->st, &err), RD_OK);
  assert_int_equal(rd_store_migrate(f->st, &applied, &err), RD_OK);
  assert_int_equal(applied, 0);
  struct rd_department d;
  assert_int_equal(rd_store_department_get(f->st, f->dept[0], f->a, &d, &err), RD_OK);
  assert_string_equal(d.code, "after_sales");
}

/* A database that cannot be reached is unavailable (HTTP 503), a uri that
 * makes no sense invalid, whichever backend it names. */
static void
test_open_errors(void **state)
{
  struct rd_store *st = NULL;
  struct rd_error err = {0};
  assert_int_equal(rd_store_open("postgresql://redress@127.0.0.1:1/redress",
                                 &st, &err), RD_E_UNAVAILABLE);
  assert_null(st);
  assert_int_equal(rd_store_open("postgresql://127.0.0.1:1/x?pool_size=0",
                                 &st, &err), RD_E_INVALID);
  assert_string_equal(err.field, "db");
  assert_int_equal(rd_store_open("postgres://127.0.0.1:1/x?sslmode=disable&pool_size=x",
                                 &st, &err), RD_E_INVALID);
  assert_null(st);
  assert_int_equal(rd_store_open("postgresql://127.0.0.1:1/x?search_window=0",
                                 &st, &err), RD_E_INVALID);
  assert_non_null(strstr(err.detail, "search_window"));
  assert_int_equal(rd_store_open("postgresql://127.0.0.1:1/x?pool_size=2&search_window=",
                                 &st, &err), RD_E_INVALID);
  assert_null(st);
  assert_int_equal(rd_store_open("/nonexistent-dir/x/y.db", &st, &err),
                   RD_E_UNAVAILABLE);
}

/* ---- complaints ----------------------------------------------------------------- */

struct upd {
  struct rd_complaint *c;
  int64_t now;
};

static enum rd_status
upd_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct upd *u = ctx;
  return rd_tx_complaint_update(tx, u->c, u->now, err);
}

static void
test_insert_get_update_conflict(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_complaint got, v2, stale;
  struct mk m;

  mk_init(&m, f->a, "更衣柜损坏导致物品丢失，客户原话。", T0);
  m.c.subject = "更衣柜损坏";
  m.c.demands = "赔偿并道歉";
  m.c.channel = RD_CHANNEL_REGULATOR;
  m.c.external_ref = "12315-0001";
  m.c.customer.phone = "13800138000";
  m.c.customer.email = "zs@example.com";
  m.c.customer.refs_json = "{\"plate\":\"京A12345\"}";
  m.c.anger = 4;
  m.c.severity = 3;
  m.c.category_id = f->cat;
  m.c.department_id = f->dept[0];
  m.c.tags_json = "[\"vip\"]";
  m.c.due_at = T0 + 3600;
  mk(f, &m);
  assert_string_equal(m.c.number, "TS20261118-000001");
  assert_int_equal(m.c.version, 1);
  assert_int_equal(m.c.updated_at, m.c.registered_at);

  assert_int_equal(rd_store_complaint_get(f->st, m.c.id, f->a, &got, &err), RD_OK);
  assert_string_equal(got.number, m.c.number);
  assert_int_equal(got.version, 1);
  assert_int_equal(got.status, RD_STATE_REGISTERED);
  assert_int_equal(got.channel, RD_CHANNEL_REGULATOR);
  assert_string_equal(got.external_ref, "12315-0001");
  assert_string_equal(got.subject, "更衣柜损坏");
  assert_string_equal(got.content, m.c.content);
  assert_string_equal(got.demands, "赔偿并道歉");
  assert_null(got.restatement);
  assert_int_equal(got.anger, 4);
  assert_int_equal(got.severity, 3);
  assert_int_equal(got.category_id, f->cat);
  assert_int_equal(got.department_id, f->dept[0]);
  assert_int_equal(got.site_id, 0);
  assert_int_equal(got.validity, RD_VALIDITY_UNKNOWN);
  assert_int_equal(got.satisfied, -1);
  assert_false(got.plan.present);
  assert_int_equal(got.due_at, T0 + 3600);
  assert_int_equal(got.received_at, T0);
  assert_string_equal(got.tags_json, "[\"vip\"]");
  assert_int_equal(got.customer.id, m.c.customer.id);
  assert_string_equal(got.customer.name, "张三");
  assert_string_equal(got.customer.phone, "13800138000");
  assert_string_equal(got.customer.email, "zs@example.com");
  assert_string_equal(got.customer.refs_json, "{\"plate\":\"京A12345\"}");

  assert_int_equal(rd_store_complaint_get_by_number(f->st, "TS20261118-000001",
                                                    f->a, &got, &err), RD_OK);
  assert_int_equal(got.id, m.c.id);
  assert_int_equal(rd_store_complaint_get(f->st, 9999, f->a, &got, &err),
                   RD_E_NOT_FOUND);
  assert_int_equal(rd_store_complaint_get_by_number(f->st, "TS0-1", f->a, &got, &err),
                   RD_E_NOT_FOUND);

  /* A valid update: every mutable field is written. */
  assert_int_equal(rd_store_complaint_get(f->st, m.c.id, f->a, &v2, &err), RD_OK);
  stale = v2;
  v2.status = RD_STATE_IN_PROGRESS;
  v2.validity = RD_VALIDITY_VALID;
  v2.plan = (struct rd_plan){ .present = true, .kind = RD_PLAN_COMPENSATION,
                              .description = "赔偿200元", .has_amount = true,
                              .amount_fen = 20000, .needs_approval = true };
  v2.transfer.to_party = "物业公司";
  v2.restatement = "客户要求赔偿";
  v2.restatement_confirmed = true;
  v2.confirmed_at = T0 + 100;
  v2.assignee_id = 0;
  v2.first_contact_at = T0 + 200;
  v2.satisfaction_score = 4;
  v2.satisfied = 1;
  struct upd u = { &v2, T0 + 500 };
  assert_int_equal(rd_store_write(f->st, upd_fn, &u, &err), RD_OK);
  assert_int_equal(v2.version, 2);
  assert_int_equal(v2.updated_at, T0 + 500);

  assert_int_equal(rd_store_complaint_get(f->st, m.c.id, f->a, &got, &err), RD_OK);
  assert_int_equal(got.version, 2);
  assert_int_equal(got.updated_at, T0 + 500);
  assert_int_equal(got.status, RD_STATE_IN_PROGRESS);
  assert_int_equal(got.validity, RD_VALIDITY_VALID);
  assert_true(got.plan.present);
  assert_int_equal(got.plan.kind, RD_PLAN_COMPENSATION);
  assert_string_equal(got.plan.description, "赔偿200元");
  assert_true(got.plan.has_amount);
  assert_int_equal(got.plan.amount_fen, 20000);
  assert_true(got.plan.needs_approval);
  assert_string_equal(got.transfer.to_party, "物业公司");
  assert_null(got.transfer.contact_person);
  assert_string_equal(got.restatement, "客户要求赔偿");
  assert_true(got.restatement_confirmed);
  assert_int_equal(got.confirmed_at, T0 + 100);
  assert_int_equal(got.first_contact_at, T0 + 200);
  assert_int_equal(got.satisfaction_score, 4);
  assert_int_equal(got.satisfied, 1);

  /* A stale version: RD_E_CONFLICT and nothing written. */
  stale.status = RD_STATE_WITHDRAWN;
  stale.close_reason = "stale write";
  u.c = &stale;
  err = (struct rd_error){0};
  assert_int_equal(rd_store_write(f->st, upd_fn, &u, &err), RD_E_CONFLICT);
  assert_int_equal(err.code, RD_E_CONFLICT);
  assert_int_equal(stale.version, 1);
  assert_int_equal(rd_store_complaint_get(f->st, m.c.id, f->a, &got, &err), RD_OK);
  assert_int_equal(got.version, 2);
  assert_int_equal(got.status, RD_STATE_IN_PROGRESS);
  assert_null(got.close_reason);

  /* A missing record is not a conflict. */
  stale.id = 424242;
  assert_int_equal(rd_store_write(f->st, upd_fn, &u, &err), RD_E_NOT_FOUND);
}

static void
test_failed_write_leaves_nothing(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_complaint got;
  struct mk m;

  mk_init(&m, f->a, "will be rolled back", T0);
  m.fail = true;
  assert_int_equal(rd_store_write(f->st, mk_fn, &m, &err), RD_E_INVALID);
  assert_string_equal(err.field, "content");
  assert_true(m.c.id > 0);
  assert_int_equal(rd_store_complaint_get(f->st, m.c.id, f->a, &got, &err),
                   RD_E_NOT_FOUND);
  /* Its number went nowhere: SQLite rolled it back with the rest, so the
   * next one takes the slot; PostgreSQL took it outside the transaction
   * (store.h), so the next one skips it. Either way the next is the first
   * or second of the day, and no complaint holds the first twice. */
  int64_t id = mk_text(f, "kept", T0);
  assert_int_equal(rd_store_complaint_get(f->st, id, f->a, &got, &err), RD_OK);
  assert_true(strcmp(got.number, "TS20261118-000001") == 0 ||
              strcmp(got.number, "TS20261118-000002") == 0);
}

/* ---- the timeline ---------------------------------------------------------------- */

struct ev_ctx {
  int64_t complaint_id, user_id;
};

static enum rd_status
ev_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct ev_ctx *e = ctx;
  struct rd_user u = { .username = "wang", .display_name = "王客服",
                       .role = RD_ROLE_AGENT, .active = true,
                       .password_hash = "$argon2id$x", .created_at = T0 };
  struct rd_event ev = { .complaint_id = e->complaint_id, .at = T0 + 10,
                         .type = "triage", .from_status = RD_STATE_REGISTERED,
                         .to_status = RD_STATE_ASSIGNED, .note = "分派",
                         .data_json = "{\"valid\":true}" };
  enum rd_status rc = rd_tx_user_save(tx, &u, err);
  if (rc != RD_OK)
    return rc;
  e->user_id = u.id;
  ev.actor_id = u.id;
  return rd_tx_event_append(tx, &ev, err);
}

static void
test_events_append_only(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct ev_ctx e = { .complaint_id = mk_text(f, "timeline", T0) };
  struct rd_event *evs;
  size_t n;
  sqlite3 *db;
  char *msg = NULL;
  char pmsg[256] = "";

  assert_int_equal(rd_store_write(f->st, ev_fn, &e, &err), RD_OK);
  assert_int_equal(rd_store_event_list(f->st, e.complaint_id, f->a, &evs, &n, &err),
                   RD_OK);
  assert_int_equal(n, 2);
  assert_string_equal(evs[0].type, "registered");
  assert_int_equal(evs[0].from_status, -1);
  assert_int_equal(evs[0].actor_id, 0);
  assert_null(evs[0].actor_name);
  assert_string_equal(evs[1].type, "triage");
  assert_int_equal(evs[1].from_status, RD_STATE_REGISTERED);
  assert_int_equal(evs[1].to_status, RD_STATE_ASSIGNED);
  assert_int_equal(evs[1].actor_id, e.user_id);
  assert_string_equal(evs[1].actor_name, "王客服");
  assert_string_equal(evs[1].note, "分派");
  assert_string_equal(evs[1].data_json, "{\"valid\":true}");
  assert_true(evs[0].id < evs[1].id);

  /* The database itself refuses to change or delete the timeline. */
  if (on_pg) {
    assert_int_equal(pg_sql(f->uri, "UPDATE complaint_events SET note = 'x'",
                            pmsg, sizeof pmsg), -1);
    assert_non_null(strstr(pmsg, "append-only"));
    assert_int_equal(pg_sql(f->uri, "DELETE FROM complaint_events", pmsg,
                            sizeof pmsg), -1);
    assert_int_equal(pg_sql(f->uri, "TRUNCATE complaint_events CASCADE", pmsg,
                            sizeof pmsg), -1);
    goto check;
  }
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  assert_int_not_equal(sqlite3_exec(db, "UPDATE complaint_events SET note = 'x'",
                                    NULL, NULL, &msg), SQLITE_OK);
  assert_non_null(strstr(msg, "append-only"));
  sqlite3_free(msg);
  msg = NULL;
  assert_int_not_equal(sqlite3_exec(db, "DELETE FROM complaint_events", NULL,
                                    NULL, &msg), SQLITE_OK);
  sqlite3_free(msg);
  sqlite3_close(db);
check:
  assert_int_equal(rd_store_event_list(f->st, e.complaint_id, f->a, &evs, &n, &err),
                   RD_OK);
  assert_int_equal(n, 2);
  assert_string_equal(evs[1].note, "分派");
}

/* ---- numbers ---------------------------------------------------------------------- */

struct num_ctx {
  const char *prefix;
  struct rd_arena *a;
  const char *out[4];
};

static enum rd_status
num_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct num_ctx *nc = ctx;
  for (int i = 0; i < 4; i++) {
    enum rd_status rc = rd_tx_next_number(tx, nc->prefix, nc->a, &nc->out[i], err);
    if (rc != RD_OK)
      return rc;
  }
  return RD_OK;
}

struct num_thread {
  struct rd_store *st;
  const char *got[40];
  struct rd_arena *a;
  int failures;
};

static void *
num_thread_main(void *arg)
{
  struct num_thread *t = arg;
  for (int i = 0; i < 10; i++) {
    struct num_ctx nc = { .prefix = "TS20261119", .a = t->a };
    struct rd_error err = {0};
    if (rd_store_write(t->st, num_fn, &nc, &err) != RD_OK)
      t->failures++;
    memcpy(&t->got[i * 4], nc.out, sizeof nc.out);
  }
  return NULL;
}

static int
cmp_str(const void *x, const void *y)
{
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void
test_numbers_sequential_unique(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct num_ctx nc = { .prefix = "TS20261118", .a = f->a };
  enum { THREADS = 6 };
  struct num_thread th[THREADS];
  pthread_t tid[THREADS];
  const char *all[THREADS * 40];

  assert_int_equal(rd_store_write(f->st, num_fn, &nc, &err), RD_OK);
  assert_string_equal(nc.out[0], "TS20261118-000001");
  assert_string_equal(nc.out[3], "TS20261118-000004");
  assert_int_equal(rd_store_write(f->st, num_fn, &nc, &err), RD_OK);
  assert_string_equal(nc.out[0], "TS20261118-000005");
  nc.prefix = "TS20261120"; /* another day starts again at 1 */
  assert_int_equal(rd_store_write(f->st, num_fn, &nc, &err), RD_OK);
  assert_string_equal(nc.out[0], "TS20261120-000001");

  for (int i = 0; i < THREADS; i++) {
    th[i] = (struct num_thread){ .st = f->st, .a = rd_arena_new() };
    assert_int_equal(pthread_create(&tid[i], NULL, num_thread_main, &th[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(tid[i], NULL);
    assert_int_equal(th[i].failures, 0);
    memcpy(&all[i * 40], th[i].got, sizeof th[i].got);
  }
  qsort(all, THREADS * 40, sizeof *all, cmp_str);
  for (int i = 0; i < THREADS * 40; i++) {
    char want[32];
    snprintf(want, sizeof want, "TS20261119-%06d", i + 1);
    assert_string_equal(all[i], want); /* 1..240, each exactly once */
  }
  for (int i = 0; i < THREADS; i++)
    rd_arena_free(th[i].a);
}

/* ---- customers ------------------------------------------------------------------------ */

struct cu_ctx {
  struct rd_customer cu;
};

static enum rd_status
cu_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct cu_ctx *c = ctx;
  return rd_tx_customer_upsert(tx, &c->cu, T0, err);
}

static void
test_customer_upsert_by_phone(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct cu_ctx a = { { .name = "张三", .phone = "13800138000", .email = "a@b.cn" } };
  struct cu_ctx b = { { .name = "张三丰", .phone = "13800138000" } };
  struct cu_ctx c = { { .name = "李四" } };
  struct cu_ctx d = { { .name = "李四" } };
  struct rd_customer got;

  assert_int_equal(rd_store_write(f->st, cu_fn, &a, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, cu_fn, &b, &err), RD_OK);
  assert_true(a.cu.id > 0);
  assert_int_equal(b.cu.id, a.cu.id);
  assert_int_equal(rd_store_customer_by_phone(f->st, "13800138000", f->a, &got, &err),
                   RD_OK);
  assert_int_equal(got.id, a.cu.id);
  assert_string_equal(got.name, "张三丰");      /* refreshed */
  assert_string_equal(got.email, "a@b.cn");     /* not given: kept */

  assert_int_equal(rd_store_write(f->st, cu_fn, &c, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, cu_fn, &d, &err), RD_OK);
  assert_true(c.cu.id != a.cu.id);
  assert_true(d.cu.id != c.cu.id);              /* no phone: no identity */
  assert_int_equal(rd_store_customer_get(f->st, c.cu.id, f->a, &got, &err), RD_OK);
  assert_string_equal(got.name, "李四");
  assert_null(got.phone);
  assert_int_equal(rd_store_customer_by_phone(f->st, "000", f->a, &got, &err),
                   RD_E_NOT_FOUND);
}

/* ---- idempotency --------------------------------------------------------------------- */

struct idem_ctx {
  int64_t complaint_id;
  bool found;
  struct rd_idempotency got;
  bool put;
};

static enum rd_status
idem_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct idem_ctx *ic = ctx;
  enum rd_status rc = rd_tx_idempotency_get(tx, 7, "key-1", &ic->got, &ic->found, err);
  if (rc != RD_OK || !ic->put)
    return rc;
  struct rd_idempotency rec = { .complaint_id = ic->complaint_id, .created_at = T0 };
  memset(rec.body_sha256, 'a', 64);
  return rd_tx_idempotency_put(tx, 7, "key-1", &rec, err);
}

static void
test_idempotency_put_get(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct idem_ctx ic = { .complaint_id = mk_text(f, "idem", T0) };

  assert_int_equal(rd_store_write(f->st, idem_fn, &ic, &err), RD_OK);
  assert_false(ic.found);
  ic.put = true;
  assert_int_equal(rd_store_write(f->st, idem_fn, &ic, &err), RD_OK);
  ic.put = false;
  assert_int_equal(rd_store_write(f->st, idem_fn, &ic, &err), RD_OK);
  assert_true(ic.found);
  assert_int_equal(ic.got.complaint_id, ic.complaint_id);
  assert_int_equal(ic.got.created_at, T0);
  assert_int_equal(strlen(ic.got.body_sha256), 64);
  assert_int_equal(ic.got.body_sha256[0], 'a');
  ic.put = true; /* the same key twice is refused */
  assert_int_equal(rd_store_write(f->st, idem_fn, &ic, &err), RD_E_DUPLICATE);
}

/* ---- attachments ----------------------------------------------------------------------- */

struct att_ctx {
  struct rd_attachment att;
  const char *data;
};

static enum rd_status
att_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct att_ctx *ac = ctx;
  return rd_tx_attachment_add(tx, &ac->att, ac->data, strlen(ac->data), err);
}

/* The number the query sql returns, read straight from the database. */
static int64_t
count_rows(struct fx *f, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *s;
  int64_t n = -1;
  if (on_pg)
    return pg_sql(f->uri, sql, NULL, 0);
  if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
    if (sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

static void
test_attachments_dedupe(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  int64_t cid = mk_text(f, "photos", T0);
  struct att_ctx a1 = { { .complaint_id = cid, .content_type = "image/jpeg",
                          .filename = "locker.jpg", .uploaded_at = T0 },
                        "the same bytes" };
  struct att_ctx a2 = a1;
  struct att_ctx a3 = { { .complaint_id = cid, .content_type = "text/plain",
                          .filename = "x.txt", .uploaded_at = T0 }, "other" };
  struct rd_attachment *list, got;
  const void *data;
  size_t n, len;

  a2.att.filename = "copy.jpg";
  assert_int_equal(rd_store_write(f->st, att_fn, &a1, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, att_fn, &a2, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, att_fn, &a3, &err), RD_OK);
  assert_string_equal(a1.att.sha256, a2.att.sha256);
  /* SHA-256("the same bytes"), computed by the store */
  assert_int_equal(strlen(a1.att.sha256), 64);
  assert_string_not_equal(a1.att.sha256, a3.att.sha256);
  assert_int_equal(a1.att.size, 14);
  assert_int_equal(count_rows(f, "SELECT count(*) FROM blobs"), 2);
  assert_int_equal(count_rows(f, "SELECT count(*) FROM attachments"), 3);

  assert_int_equal(rd_store_attachment_list(f->st, cid, f->a, &list, &n, &err), RD_OK);
  assert_int_equal(n, 3);
  assert_string_equal(list[1].filename, "copy.jpg");
  assert_string_equal(list[1].sha256, a1.att.sha256);
  assert_int_equal(rd_store_attachment_get(f->st, a3.att.id, f->a, &got, &err), RD_OK);
  assert_string_equal(got.content_type, "text/plain");
  assert_int_equal(rd_store_blob_get(f->st, a1.att.sha256, f->a, &data, &len, &err),
                   RD_OK);
  assert_int_equal(len, 14);
  assert_memory_equal(data, "the same bytes", 14);
  assert_int_equal(rd_store_blob_get(f->st, "00", f->a, &data, &len, &err),
                   RD_E_NOT_FOUND);
}

/* ---- lists ------------------------------------------------------------------------------ */

/* Ids of a full listing, following cursors page by page. */
static size_t
list_all(struct fx *f, struct rd_complaint_filter flt, int64_t *ids, size_t max,
         size_t *pages)
{
  size_t n = 0;
  struct rd_error err = {0};
  *pages = 0;
  for (;;) {
    struct rd_complaint_page page;
    enum rd_status rc = rd_store_complaint_list(f->st, &flt, f->a, &page, &err);
    if (rc != RD_OK)
      fprintf(stderr, "list: %s\n", err.detail);
    assert_int_equal(rc, RD_OK);
    (*pages)++;
    for (size_t i = 0; i < page.n && n < max; i++)
      ids[n++] = page.items[i].id;
    if (page.next_cursor == NULL)
      break;
    assert_true(page.n == (size_t)flt.limit);
    flt.cursor = page.next_cursor;
  }
  return n;
}

static void
test_list_filters_and_scope(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_complaint_page page;
  int64_t ids[64];
  size_t pages;

  /* 24 complaints: department alternates, severity 1-3, channel phone/web */
  for (int i = 0; i < 24; i++) {
    struct mk m;
    mk_init(&m, f->a, "list item", T0 + i * 100);
    m.c.department_id = f->dept[i % 2];
    m.c.severity = 1 + i % 3;
    m.c.channel = i % 4 == 0 ? RD_CHANNEL_WEB : RD_CHANNEL_PHONE;
    m.c.status = i < 6 ? RD_STATE_CLOSED : RD_STATE_ASSIGNED;
    m.c.customer.phone = i % 6 == 0 ? "13900000000" : NULL;
    mk(f, &m);
  }

  struct rd_complaint_filter flt = { .limit = 100 };
  assert_int_equal(list_all(f, flt, ids, 64, &pages), 24);
  /* default order: newest first */
  for (int i = 1; i < 24; i++)
    assert_true(ids[i] < ids[i - 1]);

  flt = (struct rd_complaint_filter){ .limit = 100, .department_id = f->dept[1] };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 12);
  for (size_t i = 0; i < page.n; i++)
    assert_int_equal(page.items[i].department_id, f->dept[1]);

  flt = (struct rd_complaint_filter){ .limit = 100, .scope_department_id = f->dept[0],
                                      .department_id = f->dept[1] };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 0); /* the scope wins over the filter */

  flt = (struct rd_complaint_filter){ .limit = 100, .scope_department_id = f->dept[0],
                                      .severity_mask = 1u << 2,
                                      .status_mask = 1u << RD_STATE_ASSIGNED };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  for (size_t i = 0; i < page.n; i++) {
    assert_int_equal(page.items[i].department_id, f->dept[0]);
    assert_int_equal(page.items[i].severity, 2);
    assert_int_equal(page.items[i].status, RD_STATE_ASSIGNED);
  }
  /* i in 6..23, even, i%3==1: 10, 16, 22 */
  assert_int_equal(page.n, 3);

  flt = (struct rd_complaint_filter){ .limit = 100, .channel_mask = 1u << RD_CHANNEL_WEB };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 6);

  flt = (struct rd_complaint_filter){ .limit = 100, .customer_phone = "13900000000" };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 4);
  assert_string_equal(page.items[0].customer.phone, "13900000000");

  flt = (struct rd_complaint_filter){ .limit = 100, .received_from = T0 + 500,
                                      .received_to = T0 + 1000 };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 5);

  /* Several states (one UNION ALL arm each): still one order, pages exact. */
  unsigned two = (1u << RD_STATE_CLOSED) | (1u << RD_STATE_ASSIGNED);
  for (int s = 0; s < 3; s++) {
    enum rd_sort sort = s == 0 ? RD_SORT_DUE : s == 1 ? RD_SORT_RECEIVED_DESC
                                                      : RD_SORT_RECEIVED_ASC;
    flt = (struct rd_complaint_filter){ .limit = 5, .status_mask = two, .sort = sort,
                                        .department_id = f->dept[0] };
    assert_int_equal(list_all(f, flt, ids, 64, &pages), 12);
    for (int i = 1; i < 12; i++)
      assert_true(sort == RD_SORT_RECEIVED_DESC ? ids[i] < ids[i - 1] : ids[i] > ids[i - 1]);
  }

  flt = (struct rd_complaint_filter){ .limit = 100, .status_mask = 1u << RD_STATE_CLOSED,
                                      .sort = RD_SORT_RECEIVED_ASC };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 6);
  assert_true(page.items[0].received_at < page.items[5].received_at);
}

static void
test_sort_due_and_cursor_pages(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_complaint_page page;
  enum { N = 23 };
  int64_t made[N], ids[64];
  size_t pages;

  /* due_at: some open with deadlines (several equal), some without, some closed */
  for (int i = 0; i < N; i++) {
    struct mk m;
    mk_init(&m, f->a, "queue", T0 + i);
    if (i % 5 != 4)
      m.c.due_at = T0 + 10000 - (i % 7) * 1000;
    if (i % 6 == 5)
      m.c.status = RD_STATE_CLOSED;
    made[i] = mk(f, &m);
  }
  (void)made;

  struct rd_complaint_filter flt = { .limit = 100, .sort = RD_SORT_DUE };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, N);
  bool in_tail = false;
  for (size_t i = 0; i < page.n; i++) {
    const struct rd_complaint *c = &page.items[i];
    bool queued = c->due_at && c->status != RD_STATE_CLOSED;
    if (!queued)
      in_tail = true;
    else
      assert_false(in_tail); /* open with a deadline all come first */
    if (i == 0)
      continue;
    const struct rd_complaint *p = &page.items[i - 1];
    bool pq = p->due_at && p->status != RD_STATE_CLOSED;
    if (queued && pq)
      assert_true(p->due_at < c->due_at || (p->due_at == c->due_at && p->id < c->id));
    if (!queued && !pq)
      assert_true(p->id < c->id);
  }

  /* Pages of 4 in each order cover every row exactly once, in the same order. */
  for (int s = 0; s < 3; s++) {
    enum rd_sort sort = s == 0 ? RD_SORT_DUE : s == 1 ? RD_SORT_RECEIVED_DESC
                                                      : RD_SORT_RECEIVED_ASC;
    struct rd_complaint_filter one = { .limit = 100, .sort = sort };
    struct rd_complaint_page full;
    assert_int_equal(rd_store_complaint_list(f->st, &one, f->a, &full, &err), RD_OK);
    flt = (struct rd_complaint_filter){ .limit = 4, .sort = sort };
    assert_int_equal(list_all(f, flt, ids, 64, &pages), N);
    assert_int_equal(pages, (N + 3) / 4);
    for (int i = 0; i < N; i++)
      assert_int_equal(ids[i], full.items[i].id);
  }

  /* Overdue: open, with a deadline before now. */
  flt = (struct rd_complaint_filter){ .limit = 100, .overdue = true, .now = T0 + 7500 };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_true(page.n > 0);
  for (size_t i = 0; i < page.n; i++) {
    assert_true(page.items[i].due_at > 0 && page.items[i].due_at < T0 + 7500);
    assert_int_not_equal(page.items[i].status, RD_STATE_CLOSED);
  }

  /* Cursors that do not parse, or belong to another order, are refused. */
  const char *bad[] = { "garbage!", "", "ZDoxOjI", "cjoxOjI=", "%%%" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    flt = (struct rd_complaint_filter){ .limit = 4, .cursor = bad[i] };
    enum rd_status rc = rd_store_complaint_list(f->st, &flt, f->a, &page, &err);
    if (bad[i][0] == '\0') {
      assert_int_equal(rc, RD_OK); /* empty = first page */
    } else {
      assert_int_equal(rc, RD_E_INVALID);
      assert_string_equal(err.field, "cursor");
    }
  }
  flt = (struct rd_complaint_filter){ .limit = 4, .sort = RD_SORT_DUE };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_non_null(page.next_cursor);
  flt = (struct rd_complaint_filter){ .limit = 4, .cursor = page.next_cursor };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err),
                   RD_E_INVALID);
}

/* ---- full-text search ----------------------------------------------------------------- */

static size_t
search(struct fx *f, const char *q, int64_t *ids, size_t max)
{
  struct rd_complaint_filter flt = { .limit = 100, .q = q };
  struct rd_complaint_page page;
  struct rd_error err = {0};
  enum rd_status rc = rd_store_complaint_list(f->st, &flt, f->a, &page, &err);
  if (rc != RD_OK)
    fprintf(stderr, "search %s: %s\n", q, err.detail);
  assert_int_equal(rc, RD_OK);
  for (size_t i = 0; i < page.n && i < max; i++)
    ids[i] = page.items[i].id;
  return page.n;
}

/* Exactly `want` (0-terminated list of ids, any order). */
static void
expect_hits(struct fx *f, const char *q, const int64_t *want)
{
  int64_t got[64];
  size_t n = search(f, q, got, 64), nw = 0;
  while (want[nw])
    nw++;
  if (n != nw)
    fprintf(stderr, "query %s: %zu hits, expected %zu\n", q, n, nw);
  assert_int_equal(n, nw);
  for (size_t i = 0; i < nw; i++) {
    bool seen = false;
    for (size_t j = 0; j < n; j++)
      seen = seen || got[j] == want[i];
    if (!seen)
      fprintf(stderr, "query %s: missing %lld\n", q, (long long)want[i]);
    assert_true(seen);
  }
}

static void
test_fts_chinese_numbers_latin(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_complaint_page page;
  struct mk m;

  mk_init(&m, f->a, "更衣柜损坏导致物品丢失，要求赔偿。", T0);
  m.c.subject = "更衣柜";
  int64_t locker = mk(f, &m);

  mk_init(&m, f->a, "订单 A1234 未发货，客户要求退款", T0 + 1);
  m.c.customer.name = "李四";
  m.c.customer.phone = "13912345678";
  int64_t refund = mk(f, &m);

  mk_init(&m, f->a, "Staff were rude at the counter; 服务态度差", T0 + 2);
  m.c.demands = "道歉";
  int64_t rude = mk(f, &m);

  mk_init(&m, f->a, "更换轮胎后仍然漏气", T0 + 3); /* 更 but not 更衣 */
  int64_t tyre = mk(f, &m);

  /* one character */
  expect_hits(f, "柜", (int64_t[]){ locker, 0 });
  expect_hits(f, "更", (int64_t[]){ locker, tyre, 0 });
  expect_hits(f, "款", (int64_t[]){ refund, 0 });
  expect_hits(f, "鱼", (int64_t[]){ 0 });
  /* two characters */
  expect_hits(f, "更衣", (int64_t[]){ locker, 0 });
  expect_hits(f, "退款", (int64_t[]){ refund, 0 });
  expect_hits(f, "衣柜", (int64_t[]){ locker, 0 });
  expect_hits(f, "柜更", (int64_t[]){ 0 });
  expect_hits(f, "赔偿", (int64_t[]){ locker, 0 });
  /* longer: a phrase of bigrams, order matters */
  expect_hits(f, "物品丢失", (int64_t[]){ locker, 0 });
  expect_hits(f, "丢失物品", (int64_t[]){ 0 });
  expect_hits(f, "要求", (int64_t[]){ locker, refund, 0 });
  /* several words: AND */
  expect_hits(f, "要求 退款", (int64_t[]){ refund, 0 });
  expect_hits(f, "更衣　退款", (int64_t[]){ 0 }); /* ideographic space */
  /* Latin words and numbers, case-insensitive, fullwidth folded */
  expect_hits(f, "a1234", (int64_t[]){ refund, 0 });
  expect_hits(f, "Ａ１２３４", (int64_t[]){ refund, 0 });
  expect_hits(f, "RUDE", (int64_t[]){ rude, 0 });
  expect_hits(f, "rude counter", (int64_t[]){ rude, 0 });
  expect_hits(f, "ru", (int64_t[]){ 0 }); /* words are whole words */
  /* mixed: a Chinese run followed by more text in one piece */
  expect_hits(f, "差", (int64_t[]){ rude, 0 });
  expect_hits(f, "counter;服务", (int64_t[]){ rude, 0 });
  expect_hits(f, "态度差", (int64_t[]){ rude, 0 });
  /* demands, customer name and phone, number */
  expect_hits(f, "道歉", (int64_t[]){ rude, 0 });
  expect_hits(f, "李四", (int64_t[]){ refund, 0 });
  expect_hits(f, "13912345678", (int64_t[]){ refund, 0 });
  expect_hits(f, "TS20261118-000001", (int64_t[]){ locker, 0 });

  /* SQL and FTS5 metacharacters are just text */
  const char *nasty[] = {
    "'; DROP TABLE complaints; --", "\"", "\"\"", "a\"b", "NEAR(柜 更)", "柜*",
    "OR", "AND NOT", "(", "subject:柜", "^柜", "-", "a'b\"c", "{subject}: x",
  };
  for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++) {
    struct rd_complaint_filter flt = { .limit = 10, .q = nasty[i] };
    enum rd_status rc = rd_store_complaint_list(f->st, &flt, f->a, &page, &err);
    if (rc != RD_OK) { /* only "nothing to search for" is acceptable */
      assert_int_equal(rc, RD_E_INVALID);
      assert_string_equal(err.field, "q");
    }
  }
  expect_hits(f, "柜*", (int64_t[]){ locker, 0 });
  expect_hits(f, "subject:柜", (int64_t[]){ 0 }); /* subject + 柜 as a phrase */

  /* A query with no searchable text */
  struct rd_complaint_filter flt = { .limit = 10, .q = " ，。!! " };
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_E_INVALID);
  assert_string_equal(err.field, "q");

  /* The index follows updates */
  struct rd_complaint c;
  assert_int_equal(rd_store_complaint_get(f->st, tyre, f->a, &c, &err), RD_OK);
  c.content = "轮胎已更换，问题解决";
  struct upd u = { &c, T0 + 50 };
  assert_int_equal(rd_store_write(f->st, upd_fn, &u, &err), RD_OK);
  expect_hits(f, "漏气", (int64_t[]){ 0 });
  expect_hits(f, "解决", (int64_t[]){ tyre, 0 });
}

/* Closes and reopens the fixture's store. */
static void
reopen(struct fx *f)
{
  struct rd_error err = {0};
  rd_store_close(f->st);
  f->st = NULL;
  assert_int_equal(rd_store_open(f->uri, &f->st, &err), RD_OK);
}

/* The search index is a database of its own beside the store (<db>-search),
 * derived from it: it resumes after a restart, and is rebuilt when it is
 * missing or of another layout, without losing a match. */
static void
test_search_index_resumes_and_rebuilds(void **state)
{
  struct fx *f = *state;
  char side[128], cmd[448];
  struct mk m;
  sqlite3 *db;

  mk_init(&m, f->a, "泳池更衣室地面湿滑摔倒", T0);
  int64_t slip = mk(f, &m);
  mk_init(&m, f->a, "快递延误三天未送达", T0 + 1);
  int64_t late = mk(f, &m);
  expect_hits(f, "湿滑", (int64_t[]){ slip, 0 });

  snprintf(side, sizeof side, "%s-search", f->path);
  assert_int_equal(access(side, F_OK), 0);

  /* Restart: what was indexed is still there, what follows is added. */
  reopen(f);
  mk_init(&m, f->a, "柜台人员态度冷淡", T0 + 2);
  int64_t cold = mk(f, &m);
  expect_hits(f, "延误", (int64_t[]){ late, 0 });
  expect_hits(f, "冷淡", (int64_t[]){ cold, 0 });

  /* Lost: rebuilt from the store. */
  rd_store_close(f->st);
  f->st = NULL;
  snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", side, side, side);
  assert_int_equal(system(cmd), 0);
  reopen(f);
  expect_hits(f, "湿滑", (int64_t[]){ slip, 0 });
  expect_hits(f, "送达", (int64_t[]){ late, 0 });
  expect_hits(f, "态度", (int64_t[]){ cold, 0 });

  /* Another layout (an older or newer binary's): rebuilt. */
  rd_store_close(f->st);
  f->st = NULL;
  assert_int_equal(sqlite3_open(side, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "DELETE FROM search_state;"
                                    "PRAGMA user_version = 999", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  reopen(f);
  expect_hits(f, "摔倒", (int64_t[]){ slip, 0 });
  expect_hits(f, "快递", (int64_t[]){ late, 0 });

  /* The store created again beside the old index: its rows are not taken
   * for the new store's. */
  struct rd_error err = {0};
  int applied = 0;
  rd_store_close(f->st);
  f->st = NULL;
  snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", f->path, f->path,
           f->path);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(rd_store_open(f->path, &f->st, &err), RD_OK);
  assert_int_equal(rd_store_migrate(f->st, &applied, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, org_fn, f, &err), RD_OK);
  mk_init(&m, f->a, "新库的第一条投诉：停车场收费不合理", T0 + 3);
  int64_t parking = mk(f, &m);
  expect_hits(f, "湿滑", (int64_t[]){ 0 });
  expect_hits(f, "收费", (int64_t[]){ parking, 0 });
  expect_hits(f, "投诉", (int64_t[]){ parking, 0 });
}

static enum rd_status
calendar_save_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  return rd_tx_calendar_save(tx, ctx, T0, err);
}

/* A calendar round-trips with its hours and dates; a save replaces them
 * whole and moves the version; saving an unknown id is RD_E_NOT_FOUND. */
static void
test_calendars(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_calendar c = { .name = "总部", .timezone = "Asia/Shanghai" }, got;
  struct rd_day_hours day = { 2, { { 540, 720 }, { 810, 1080 } } };
  int32_t hol[] = { 20727, 20728, 20729 }, work[] = { 20736 }, hol2[] = { 21000 };

  for (int d = 0; d < 5; d++)
    c.week[d] = day;
  c.workday_hours = day;
  c.holidays = hol;
  c.n_holidays = 3;
  c.workdays = work;
  c.n_workdays = 1;
  assert_int_equal(rd_store_write(f->st, calendar_save_fn, &c, &err), RD_OK);
  assert_true(c.id > 0);
  assert_int_equal(c.version, 1);

  assert_int_equal(rd_store_calendar_get(f->st, c.id, f->a, &got, &err), RD_OK);
  assert_string_equal(got.name, "总部");
  assert_string_equal(got.timezone, "Asia/Shanghai");
  for (int d = 0; d < 7; d++) {
    assert_int_equal(got.week[d].n, d < 5 ? 2 : 0);
    if (d < 5)
      assert_memory_equal(got.week[d].iv, day.iv, 2 * sizeof day.iv[0]);
  }
  assert_int_equal(got.workday_hours.n, 2);
  assert_int_equal(got.n_holidays, 3);
  assert_memory_equal(got.holidays, hol, sizeof hol);
  assert_int_equal(got.n_workdays, 1);
  assert_int_equal(got.workdays[0], work[0]);

  c.name = "总部(改)";
  c.week[4].n = 1; /* Friday mornings only */
  c.holidays = hol2;
  c.n_holidays = 1;
  c.n_workdays = 0;
  assert_int_equal(rd_store_write(f->st, calendar_save_fn, &c, &err), RD_OK);
  assert_int_equal(c.version, 2);
  assert_int_equal(rd_store_calendar_get(f->st, c.id, f->a, &got, &err), RD_OK);
  assert_string_equal(got.name, "总部(改)");
  assert_int_equal(got.week[4].n, 1);
  assert_int_equal(got.n_holidays, 1);
  assert_int_equal(got.holidays[0], 21000);
  assert_int_equal(got.n_workdays, 0);
  assert_int_equal(got.version, 2);

  struct rd_calendar *all;
  size_t n;
  assert_int_equal(rd_store_calendar_list(f->st, f->a, &all, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  assert_int_equal(all[0].id, c.id);
  assert_int_equal(all[0].week[0].n, 2);

  struct rd_calendar ghost = c;
  ghost.id = 999999;
  assert_int_equal(rd_store_write(f->st, calendar_save_fn, &ghost, &err), RD_E_NOT_FOUND);
  assert_int_equal(rd_store_calendar_get(f->st, 999999, f->a, &got, &err), RD_E_NOT_FOUND);
}

struct bulk {
  struct rd_arena *a;
  int n;
};

static enum rd_status
bulk_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct bulk *b = ctx;
  for (int i = 0; i < b->n; i++) {
    struct mk m;
    /* received_at out of id order, with ties */
    mk_init(&m, b->a, i % 2 ? "批量导入的投诉" : "批量 other", T0 + (i * 37) % 500);
    m.c.status = i % 3 ? RD_STATE_ASSIGNED : RD_STATE_CLOSED;
    enum rd_status rc = mk_fn(tx, &m, err);
    if (rc != RD_OK)
      return rc;
  }
  return RD_OK;
}

/* Enough matches for the "walk the index, keep matches" search plan. */
static void
test_fts_many_matches_in_order(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct bulk b = { f->a, 1500 };
  int64_t *ids = calloc(2000, sizeof *ids);
  size_t pages;

  assert_int_equal(rd_store_write(f->st, bulk_fn, &b, &err), RD_OK);
  struct rd_complaint_filter flt = { .limit = 200, .q = "批量" };
  assert_int_equal(list_all(f, flt, ids, 2000, &pages), 1500);
  assert_int_equal(pages, 8);
  /* every complaint once, newest first (received_at, then id) */
  struct rd_complaint prev = {0}, cur;
  for (int i = 0; i < 1500; i++) {
    assert_int_equal(rd_store_complaint_get(f->st, ids[i], f->a, &cur, &err), RD_OK);
    if (i) {
      assert_true(prev.received_at > cur.received_at ||
                  (prev.received_at == cur.received_at && prev.id > cur.id));
    }
    prev = cur;
  }
  flt = (struct rd_complaint_filter){ .limit = 500, .q = "批量 导入",
                                      .status_mask = 1u << RD_STATE_CLOSED |
                                                     1u << RD_STATE_ASSIGNED,
                                      .sort = RD_SORT_RECEIVED_ASC };
  assert_int_equal(list_all(f, flt, ids, 2000, &pages), 750);
  free(ids);
}

/* ---- group commit ---------------------------------------------------------------------- */

struct gc_thread {
  struct fx *f;
  int index;
  int ok, failed_as_asked, wrong;
  int64_t ids[20];
  bool asked_fail[20];
};

static void *
gc_main(void *arg)
{
  struct gc_thread *t = arg;
  struct rd_arena *a = rd_arena_new();
  for (int i = 0; i < 20; i++) {
    struct mk m;
    struct rd_error err = {0};
    mk_init(&m, a, "concurrent", T0 + t->index * 100 + i);
    m.fail = (t->index * 20 + i) % 7 == 3;
    t->asked_fail[i] = m.fail;
    enum rd_status rc = rd_store_write(t->f->st, mk_fn, &m, &err);
    t->ids[i] = m.c.id;
    if (rc == RD_OK && !m.fail)
      t->ok++;
    else if (rc == RD_E_INVALID && m.fail)
      t->failed_as_asked++;
    else
      t->wrong++;
  }
  rd_arena_free(a);
  return NULL;
}

static void
test_group_commit_isolated_failures(void **state)
{
  struct fx *f = *state;
  enum { THREADS = 12 };
  struct gc_thread th[THREADS];
  pthread_t tid[THREADS];
  struct rd_error err = {0};
  int ok = 0, failed = 0;

  for (int i = 0; i < THREADS; i++) {
    th[i] = (struct gc_thread){ .f = f, .index = i };
    assert_int_equal(pthread_create(&tid[i], NULL, gc_main, &th[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(tid[i], NULL);
    assert_int_equal(th[i].wrong, 0);
    ok += th[i].ok;
    failed += th[i].failed_as_asked;
  }
  assert_int_equal(ok + failed, THREADS * 20);
  assert_true(failed > 0);
  /* Every success is there under its own id; the rows counted are exactly
   * the successes, so no failed one left a trace (its id may be reused). */
  for (int i = 0; i < THREADS; i++)
    for (int j = 0; j < 20; j++) {
      struct rd_complaint c;
      if (th[i].asked_fail[j])
        continue;
      assert_int_equal(rd_store_complaint_get(f->st, th[i].ids[j], f->a, &c, &err),
                       RD_OK);
      assert_int_equal(c.received_at, T0 + i * 100 + j);
    }
  assert_int_equal(count_rows(f, "SELECT count(*) FROM complaints"), ok);
  assert_int_equal(count_rows(f, "SELECT count(*) FROM complaint_events"), ok);
  assert_int_equal(count_rows(f,
                              "SELECT count(DISTINCT number) FROM complaints"), ok);
}

/* ---- reports ---------------------------------------------------------------------------- */

static void
test_report_counts(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_report_row *rows;
  size_t n;

  /* dept0: 3 (one closed, resolved after 100 s and 300 s); dept1: 2; none: 1 */
  struct { int dept; enum rd_state st; int64_t resolved_after; int satisfied; int reopen; } spec[] = {
    { 0, RD_STATE_CLOSED,      100, 1, 0 },
    { 0, RD_STATE_RESOLVED,    300, -1, 1 },
    { 0, RD_STATE_ASSIGNED,      0, -1, 0 },
    { 1, RD_STATE_WITHDRAWN,     0, -1, 0 },
    { 1, RD_STATE_IN_PROGRESS,   0, 0, 1 },
    { -1, RD_STATE_REGISTERED,   0, -1, 0 },
  };
  for (size_t i = 0; i < sizeof spec / sizeof *spec; i++) {
    struct mk m;
    mk_init(&m, f->a, "report", T0 + (int64_t)i);
    m.c.department_id = spec[i].dept >= 0 ? f->dept[spec[i].dept] : 0;
    m.c.status = spec[i].st;
    m.c.resolved_at = spec[i].resolved_after ? T0 + (int64_t)i + spec[i].resolved_after : 0;
    m.c.satisfied = spec[i].satisfied;
    m.c.reopen_count = spec[i].reopen;
    mk(f, &m);
  }
  mk_text(f, "outside the range", T0 + 3000000); /* 2026-12-23 */

  struct rd_report_query q = { .from = T0, .to = T0 + 1000, .group_by = RD_GROUP_DEPARTMENT };
  assert_int_equal(rd_store_report_summary(f->st, &q, f->a, &rows, &n, &err), RD_OK);
  assert_int_equal(n, 4); /* none, after_sales, sales, total */
  assert_string_equal(rows[0].key, "");
  assert_int_equal(rows[0].total, 1);
  assert_string_equal(rows[1].key, "after_sales");
  assert_string_equal(rows[1].label, "售后服务部");
  assert_int_equal(rows[1].total, 3);
  assert_int_equal(rows[1].closed, 1);
  assert_int_equal(rows[1].open, 2);
  assert_int_equal(rows[1].resolved, 2);
  assert_int_equal(rows[1].followed_up, 1);
  assert_int_equal(rows[1].satisfied, 1);
  assert_int_equal(rows[1].reopened, 1);
  assert_true(rows[1].handling_median_s == 200.0);
  assert_true(rows[1].handling_p90_s == 300.0);
  assert_string_equal(rows[2].key, "sales");
  assert_int_equal(rows[2].total, 2);
  assert_int_equal(rows[2].closed, 1);
  assert_int_equal(rows[2].followed_up, 1);
  assert_int_equal(rows[2].satisfied, 0);
  assert_string_equal(rows[3].key, "total");
  assert_int_equal(rows[3].total, 6);
  assert_int_equal(rows[3].closed, 2);
  assert_int_equal(rows[3].reopened, 2);
  assert_true(rows[3].handling_median_s == 200.0);

  q.scope_department_id = f->dept[1];
  assert_int_equal(rd_store_report_summary(f->st, &q, f->a, &rows, &n, &err), RD_OK);
  assert_int_equal(n, 2);
  assert_int_equal(rows[1].total, 2);

  q = (struct rd_report_query){ .group_by = RD_GROUP_MONTH, .tz_offset_s = 8 * 3600 };
  assert_int_equal(rd_store_report_summary(f->st, &q, f->a, &rows, &n, &err), RD_OK);
  assert_int_equal(n, 3); /* 2026-11 and 2026-12, total */
  assert_string_equal(rows[0].key, "2026-11");
  assert_int_equal(rows[0].total, 6);
  assert_string_equal(rows[1].key, "2026-12");
  assert_int_equal(rows[1].total, 1);
  assert_int_equal(rows[2].total, 7);

  q = (struct rd_report_query){ .group_by = RD_GROUP_CHANNEL };
  assert_int_equal(rd_store_report_summary(f->st, &q, f->a, &rows, &n, &err), RD_OK);
  assert_int_equal(n, 2);
  assert_string_equal(rows[0].key, "phone");

  int64_t counts[RD_STATE_COUNT];
  assert_int_equal(rd_store_count_by_status(f->st, counts, &err), RD_OK);
  assert_int_equal(counts[RD_STATE_REGISTERED], 2);
  assert_int_equal(counts[RD_STATE_CLOSED], 1);
  assert_int_equal(counts[RD_STATE_MERGED], 0);
}

/* ---- organisation, sessions, tokens, settings -------------------------------------------- */

struct org2 {
  int step;
  struct rd_department d;
  struct rd_category c1, c2;
  struct rd_user u;
  struct rd_sla_policy p;
  struct rd_api_token t;
  struct rd_site s;
};

static enum rd_status
org2_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct org2 *o = ctx;
  struct rd_session sess = { .user_id = 0, .csrf_token = "csrf", .created_at = T0,
                             .expires_at = T0 + 100 };
  enum rd_status rc;

  switch (o->step) {
  case 0:
    if ((rc = rd_tx_site_save(tx, &o->s, err)) != RD_OK ||
        (rc = rd_tx_user_save(tx, &o->u, err)) != RD_OK ||
        (rc = rd_tx_policy_save(tx, &o->p, err)) != RD_OK ||
        (rc = rd_tx_category_save(tx, &o->c1, err)) != RD_OK)
      return rc;
    o->t.user_id = o->u.id;
    if ((rc = rd_tx_token_save(tx, &o->t, err)) != RD_OK)
      return rc;
    memset(sess.token_sha256, 'b', 64);
    sess.user_id = o->u.id;
    if ((rc = rd_tx_session_put(tx, &sess, err)) != RD_OK)
      return rc;
    return rd_tx_setting_put(tx, "timezone", "Asia/Shanghai", err);
  case 1:
    return rd_tx_department_save(tx, &o->d, err);   /* duplicate code */
  case 2:
    o->c2.parent_id = o->c1.parent_id;
    return rd_tx_category_save(tx, &o->c2, err);    /* duplicate sibling name */
  default:
    return rd_tx_session_purge(tx, T0 + 200, err);
  }
}

/* Two users with two sessions each, then step 1 touches, step 2 ends all
 * sessions of user[0] but keep, step 3 all of user[1]'s. */
struct sess_ctx {
  int step;
  struct rd_user u[2];
  char keep[65];
};

static void
session_hash(char out[65], char c, int i)
{
  memset(out, c, 64);
  out[63] = (char)('0' + i);
  out[64] = '\0';
}

static enum rd_status
sessions_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct sess_ctx *x = ctx;
  enum rd_status rc = RD_OK;
  char sha[65];
  switch (x->step) {
  case 0:
    for (int k = 0; k < 2 && rc == RD_OK; k++) {
      if ((rc = rd_tx_user_save(tx, &x->u[k], err)) != RD_OK)
        return rc;
      for (int i = 0; i < 2 && rc == RD_OK; i++) {
        struct rd_session s = { .user_id = x->u[k].id, .csrf_token = "csrf",
                                .created_at = T0, .expires_at = T0 + 3600 };
        session_hash(s.token_sha256, k ? 'e' : 'd', i);
        rc = rd_tx_session_put(tx, &s, err);
      }
    }
    return rc;
  case 1:
    session_hash(sha, 'd', 0);
    if ((rc = rd_tx_session_touch(tx, sha, T0 + 90, err)) != RD_OK)
      return rc;
    session_hash(sha, 'd', 1);
    if ((rc = rd_tx_session_touch(tx, sha, T0 + 90, err)) != RD_OK ||
        (rc = rd_tx_session_touch(tx, sha, T0 + 30, err)) != RD_OK)   /* never back */
      return rc;
    return rd_tx_session_touch(tx, "no-such-session", T0 + 90, err);
  case 2:
    return rd_tx_session_delete_user(tx, x->u[0].id, x->keep, err);
  default:
    return rd_tx_session_delete_user(tx, x->u[1].id, NULL, err);
  }
}

static void
test_sessions_touch_and_end_by_user(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_session s;
  char sha[65];
  struct sess_ctx x = {
    .u = { { .username = "s_one", .display_name = "甲", .role = RD_ROLE_AGENT,
             .locale = "zh-CN", .active = true, .password_hash = "h", .created_at = T0 },
           { .username = "s_two", .display_name = "乙", .role = RD_ROLE_AGENT,
             .locale = "zh-CN", .active = true, .password_hash = "h", .created_at = T0 } },
  };
  assert_int_equal(rd_store_write(f->st, sessions_fn, &x, &err), RD_OK);
  session_hash(sha, 'd', 0);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  assert_int_equal(s.last_seen_at, T0);   /* a new session was last used when made */
  assert_int_equal(s.expires_at, T0 + 3600);

  x.step = 1;
  assert_int_equal(rd_store_write(f->st, sessions_fn, &x, &err), RD_OK);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  assert_int_equal(s.last_seen_at, T0 + 90);
  session_hash(sha, 'd', 1);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  assert_int_equal(s.last_seen_at, T0 + 90);
  session_hash(sha, 'e', 0);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  assert_int_equal(s.last_seen_at, T0);   /* untouched */

  x.step = 2;
  session_hash(x.keep, 'd', 1);
  assert_int_equal(rd_store_write(f->st, sessions_fn, &x, &err), RD_OK);
  session_hash(sha, 'd', 0);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_E_NOT_FOUND);
  session_hash(sha, 'd', 1);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  for (int i = 0; i < 2; i++) {   /* another user's stay */
    session_hash(sha, 'e', i);
    assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  }

  x.step = 3;
  assert_int_equal(rd_store_write(f->st, sessions_fn, &x, &err), RD_OK);
  for (int i = 0; i < 2; i++) {
    session_hash(sha, 'e', i);
    assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_E_NOT_FOUND);
  }
  session_hash(sha, 'd', 1);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, sessions_fn, &x, &err), RD_OK);   /* none left: fine */
}

static void
test_org_sessions_tokens_settings(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct org2 o = {
    .d = { .code = "sales", .name = "重复", .active = true },
    .c1 = { .parent_id = f->cat, .level = 2, .name = "态度差", .active = true },
    .c2 = { .level = 2, .name = "态度差", .active = true },
    .u = { .username = "li", .display_name = "李经理", .role = RD_ROLE_MANAGER,
           .department_id = f->dept[0], .locale = "zh-CN", .active = true,
           .password_hash = "$argon2id$v=19$hash", .created_at = T0 },
    .p = { .name = "一般投诉", .priority = 10, .severity_mask = (1u << 1) | (1u << 2),
           .channel_mask = (1u << RD_CHANNEL_PHONE) | (1u << RD_CHANNEL_WEB),
           .n_categories = 2, .category_ids = { 3, 12 },
           .approval = { .severity_at_least = 5, .has_amount_over = true,
                         .amount_over_fen = 50000 },
           .clocks_json = "[{\"name\":\"resolve\",\"target\":\"3d\"}]" },
    .t = { .name = "ci", .created_at = T0 },
    .s = { .code = "bj01", .name = "北京一店", .calendar_id = 0, .active = true },
  };
  memset(o.t.token_sha256, 'c', 64);

  assert_int_equal(rd_store_write(f->st, org2_fn, &o, &err), RD_OK);
  o.step = 1;
  assert_int_equal(rd_store_write(f->st, org2_fn, &o, &err), RD_E_DUPLICATE);
  assert_string_equal(err.field, "code");
  o.step = 2;
  assert_int_equal(rd_store_write(f->st, org2_fn, &o, &err), RD_E_DUPLICATE);
  assert_string_equal(err.field, "name");

  struct rd_user u;
  assert_int_equal(rd_store_user_by_name(f->st, "li", f->a, &u, &err), RD_OK);
  assert_int_equal(u.id, o.u.id);
  assert_int_equal(u.role, RD_ROLE_MANAGER);
  assert_string_equal(u.display_name, "李经理");
  assert_string_equal(u.password_hash, "$argon2id$v=19$hash");
  assert_int_equal(u.department_id, f->dept[0]);

  struct rd_sla_policy *ps;
  size_t n;
  assert_int_equal(rd_store_policy_list(f->st, f->a, &ps, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  assert_string_equal(ps[0].name, "一般投诉");
  assert_int_equal(ps[0].severity_mask, (1u << 1) | (1u << 2));
  assert_int_equal(ps[0].channel_mask, (1u << RD_CHANNEL_PHONE) | (1u << RD_CHANNEL_WEB));
  assert_int_equal(ps[0].n_categories, 2);
  assert_int_equal(ps[0].category_ids[1], 12);
  assert_int_equal(ps[0].n_sites, 0);
  assert_true(ps[0].approval.has_amount_over);
  assert_int_equal(ps[0].approval.amount_over_fen, 50000);
  assert_string_equal(ps[0].clocks_json, o.p.clocks_json);

  struct rd_category *cats;
  assert_int_equal(rd_store_category_list(f->st, f->a, &cats, &n, &err), RD_OK);
  assert_int_equal(n, 2);
  assert_int_equal(cats[1].parent_id, f->cat);
  assert_int_equal(cats[1].level, 2);

  struct rd_site *sites;
  assert_int_equal(rd_store_site_list(f->st, f->a, &sites, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  assert_string_equal(sites[0].name, "北京一店");

  char sha[65];
  memset(sha, 'b', 64);
  sha[64] = '\0';
  struct rd_session s;
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_OK);
  assert_int_equal(s.user_id, o.u.id);
  assert_string_equal(s.csrf_token, "csrf");
  o.step = 3;
  assert_int_equal(rd_store_write(f->st, org2_fn, &o, &err), RD_OK);
  assert_int_equal(rd_store_session_get(f->st, sha, f->a, &s, &err), RD_E_NOT_FOUND);

  memset(sha, 'c', 64);
  struct rd_api_token t, *ts;
  assert_int_equal(rd_store_token_get(f->st, sha, f->a, &t, &err), RD_OK);
  assert_int_equal(t.user_id, o.u.id);
  assert_false(t.revoked);
  assert_int_equal(rd_store_token_list(f->st, o.u.id, f->a, &ts, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  struct rd_api_token by_id;
  assert_int_equal(rd_store_token_by_id(f->st, t.id, f->a, &by_id, &err), RD_OK);
  assert_string_equal(by_id.token_sha256, sha);
  assert_int_equal(rd_store_token_by_id(f->st, t.id + 100, f->a, &by_id, &err), RD_E_NOT_FOUND);

  const char *v = "x";
  assert_int_equal(rd_store_setting_get(f->st, "timezone", f->a, &v, &err), RD_OK);
  assert_string_equal(v, "Asia/Shanghai");
  assert_int_equal(rd_store_setting_get(f->st, "nope", f->a, &v, &err), RD_OK);
  assert_null(v);

  struct rd_department d;
  assert_int_equal(rd_store_department_by_code(f->st, "sales", f->a, &d, &err), RD_OK);
  assert_string_equal(d.name, "销售部");
  assert_int_equal(rd_store_department_get(f->st, 999, f->a, &d, &err), RD_E_NOT_FOUND);
}

struct locale_set {
  int64_t user_id;
  const char *locale;
};

static enum rd_status
locale_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct locale_set *l = ctx;
  return rd_tx_user_set_locale(tx, l->user_id, l->locale, err);
}

/* A user's own language changes that field alone; only the two catalogs'
 * names are stored (0011's triggers); an unknown user is not found. */
static void
test_user_set_locale(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct org2 o = {
    .u = { .username = "zhao", .display_name = "赵", .role = RD_ROLE_AGENT,
           .locale = "zh-CN", .active = true, .password_hash = "$argon2id$h",
           .created_at = T0 },
    .s = { .code = "sh01", .name = "上海店", .active = true },
    .p = { .name = "p", .priority = 1, .clocks_json = "[]" },
    .c1 = { .level = 1, .name = "c", .active = true },
    .t = { .name = "t", .created_at = T0 },
  };
  memset(o.t.token_sha256, 'd', 64);
  assert_int_equal(rd_store_write(f->st, org2_fn, &o, &err), RD_OK);

  struct locale_set l = { o.u.id, "en" };
  struct rd_user u;
  assert_int_equal(rd_store_write(f->st, locale_fn, &l, &err), RD_OK);
  assert_int_equal(rd_store_user_get(f->st, o.u.id, f->a, &u, &err), RD_OK);
  assert_string_equal(u.locale, "en");
  assert_string_equal(u.display_name, "赵");
  assert_string_equal(u.password_hash, "$argon2id$h");

  l.locale = "fr";
  assert_int_equal(rd_store_write(f->st, locale_fn, &l, &err), RD_E_INVALID);
  assert_int_equal(rd_store_user_get(f->st, o.u.id, f->a, &u, &err), RD_OK);
  assert_string_equal(u.locale, "en");

  l.user_id = 999999;
  l.locale = "zh-CN";
  assert_int_equal(rd_store_write(f->st, locale_fn, &l, &err), RD_E_NOT_FOUND);
}

struct password_set {
  int64_t user_id;
  const char *old_hash, *new_hash;
};

static enum rd_status
password_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct password_set *p = ctx;
  return rd_tx_user_set_password(tx, p->user_id, p->old_hash, p->new_hash, err);
}

static enum rd_status
user_save_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  return rd_tx_user_save(tx, ctx, err);
}

/* A password change writes the hash alone, and only over the hash it was
 * checked against and while the account is active: not over another change
 * or an admin's disabling made meanwhile. */
static void
test_user_set_password(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct org2 o = {
    .u = { .username = "qian", .display_name = "钱", .role = RD_ROLE_HANDLER,
           .locale = "en", .active = true, .password_hash = "$argon2id$old",
           .created_at = T0 },
    .s = { .code = "sh02", .name = "上海二店", .active = true },
    .p = { .name = "p2", .priority = 2, .clocks_json = "[]" },
    .c1 = { .level = 1, .name = "c2", .active = true },
    .t = { .name = "t2", .created_at = T0 },
  };
  memset(o.t.token_sha256, 'e', 64);
  assert_int_equal(rd_store_write(f->st, org2_fn, &o, &err), RD_OK);

  struct password_set p = { o.u.id, "$argon2id$old", "$argon2id$new" };
  struct rd_user u;
  assert_int_equal(rd_store_write(f->st, password_fn, &p, &err), RD_OK);
  assert_int_equal(rd_store_user_get(f->st, o.u.id, f->a, &u, &err), RD_OK);
  assert_string_equal(u.password_hash, "$argon2id$new");
  assert_string_equal(u.display_name, "钱");
  assert_string_equal(u.locale, "en");
  assert_int_equal(u.role, RD_ROLE_HANDLER);
  assert_true(u.active);

  /* Checked against a hash that is no longer the user's. */
  p.new_hash = "$argon2id$third";
  assert_int_equal(rd_store_write(f->st, password_fn, &p, &err), RD_E_CONFLICT);
  assert_int_equal(rd_store_user_get(f->st, o.u.id, f->a, &u, &err), RD_OK);
  assert_string_equal(u.password_hash, "$argon2id$new");

  /* Disabled meanwhile: the change does not bring a password back. */
  u.active = false;
  u.password_hash = NULL;
  assert_int_equal(rd_store_write(f->st, user_save_fn, &u, &err), RD_OK);
  p.old_hash = "$argon2id$new";
  assert_int_equal(rd_store_write(f->st, password_fn, &p, &err), RD_E_CONFLICT);
  assert_int_equal(rd_store_user_get(f->st, o.u.id, f->a, &u, &err), RD_OK);
  assert_string_equal(u.password_hash, "$argon2id$new");
  assert_false(u.active);

  p.user_id = 999999;
  assert_int_equal(rd_store_write(f->st, password_fn, &p, &err), RD_E_CONFLICT);
}

/* ---- the portal's tokens ---------------------------------------------------------- */

struct ptok_ctx {
  struct rd_portal_token t;
  const char *get;               /* hash to read back, or NULL */
  struct rd_portal_token got;
  int64_t use;                   /* token id to spend, or 0 */
  struct rd_arena *a;
};

static enum rd_status
ptok_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct ptok_ctx *x = ctx;
  if (x->use)
    return rd_tx_portal_token_use(tx, x->use, T0 + 5, err);
  if (x->get)
    return rd_tx_portal_token_get(tx, x->get, x->a, &x->got, err);
  return rd_tx_portal_token_issue(tx, &x->t, err);
}

static void
test_portal_tokens(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  int64_t cid = mk_text(f, "portal", T0);
  struct ptok_ctx first = {.a = f->a, .t = {.complaint_id = cid, .purpose = RD_PORTAL_UPLOAD,
                                            .created_at = T0, .expires_at = T0 + 3600,
                                            .uses_left = 2}};
  memset(first.t.token_sha256, 'a', 64);
  assert_int_equal(rd_store_write(f->st, ptok_fn, &first, &err), RD_OK);
  assert_true(first.t.id > 0);

  struct rd_portal_token got;
  assert_int_equal(rd_store_portal_token_get(f->st, first.t.token_sha256, f->a, &got, &err), RD_OK);
  assert_int_equal(got.complaint_id, cid);
  assert_int_equal(got.purpose, RD_PORTAL_UPLOAD);
  assert_int_equal(got.uses_left, 2);
  assert_int_equal(got.expires_at, T0 + 3600);
  assert_int_equal(got.revoked_at, 0);
  assert_int_equal(got.created_by, 0);
  assert_int_equal(rd_store_portal_token_get(f->st, "bb", f->a, &got, &err), RD_E_NOT_FOUND);

  /* Two uses, then none. */
  struct ptok_ctx use = {.a = f->a, .use = first.t.id};
  assert_int_equal(rd_store_write(f->st, ptok_fn, &use, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, ptok_fn, &use, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, ptok_fn, &use, &err), RD_E_CONFLICT);
  assert_int_equal(rd_store_portal_token_get(f->st, first.t.token_sha256, f->a, &got, &err), RD_OK);
  assert_int_equal(got.uses_left, 0);
  assert_int_equal(got.used_at, T0 + 5);

  /* A new survey token leaves the upload one alone; a new upload one revokes it. */
  struct ptok_ctx survey = {.a = f->a, .t = {.complaint_id = cid, .purpose = RD_PORTAL_SURVEY,
                                             .created_at = T0 + 10, .created_by = 0,
                                             .expires_at = T0 + 99, .uses_left = 1,
                                             .bound_at = T0 + 7}};
  memset(survey.t.token_sha256, 'c', 64);
  assert_int_equal(rd_store_write(f->st, ptok_fn, &survey, &err), RD_OK);
  struct ptok_ctx second = first;
  second.t.created_at = T0 + 20;
  memset(second.t.token_sha256, 'd', 64);
  assert_int_equal(rd_store_write(f->st, ptok_fn, &second, &err), RD_OK);
  struct ptok_ctx read = {.a = f->a, .get = first.t.token_sha256};
  assert_int_equal(rd_store_write(f->st, ptok_fn, &read, &err), RD_OK);
  assert_int_equal(read.got.revoked_at, T0 + 20);
  read.get = survey.t.token_sha256;
  assert_int_equal(rd_store_write(f->st, ptok_fn, &read, &err), RD_OK);
  assert_int_equal(read.got.revoked_at, 0);
  assert_int_equal(read.got.purpose, RD_PORTAL_SURVEY);
  assert_int_equal(read.got.bound_at, T0 + 7);
  /* A revoked token cannot be spent. */
  struct ptok_ctx stale = {.a = f->a, .use = first.t.id};
  assert_int_equal(rd_store_write(f->st, ptok_fn, &stale, &err), RD_E_CONFLICT);
  /* The same secret twice is refused. */
  assert_int_equal(rd_store_write(f->st, ptok_fn, &second, &err), RD_E_DUPLICATE);
}

/* ---- rate limits ------------------------------------------------------------------ */

static bool
take(struct fx *f, const char *key, int max, int window_s, int64_t now, int *retry)
{
  struct rd_error err = {0};
  bool ok = false;
  assert_int_equal(rd_store_limit_take(f->st, key, max, window_s, now, &ok, retry, &err),
                   RD_OK);
  return ok;
}

static bool
check(struct fx *f, const char *key, int max, int64_t now, int *retry)
{
  struct rd_error err = {0};
  bool ok = false;
  assert_int_equal(rd_store_limit_check(f->st, key, max, now, &ok, retry, &err), RD_OK);
  return ok;
}

/* What http/throttle relies on: a take counts up to max and then refuses,
 * naming the end of the window; a window restarts once passed; a check
 * never counts; a count counts past max; clear forgets; keys are separate
 * and cut to RD_LIMIT_KEY_MAX - 1 bytes. */
static void
test_limits_take_check_count_clear(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  int retry = -1;

  for (int i = 0; i < 3; i++) {
    assert_true(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + i, &retry));
    assert_int_equal(retry, 0);
  }
  assert_false(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + 10, &retry));
  assert_int_equal(retry, 590);                       /* the window began at T0 */
  assert_false(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + 599, &retry));
  assert_int_equal(retry, 1);                         /* refusals do not extend it */
  assert_true(take(f, "portal.lookup:5.6.7.8", 3, 600, T0 + 10, &retry));
  /* The window has passed: a new one starts with this take. */
  assert_true(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + 600, &retry));
  assert_true(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + 601, &retry));
  assert_true(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + 602, &retry));
  assert_false(take(f, "portal.lookup:1.2.3.4", 3, 600, T0 + 603, &retry));
  assert_int_equal(retry, 597);

  /* Check does not count; count counts past any max. */
  for (int i = 0; i < 10; i++)
    assert_true(check(f, "u:kefu", 2, T0, &retry));
  assert_false(check(f, "portal.lookup:1.2.3.4", 3, T0 + 603, &retry));
  assert_int_equal(retry, 597);
  for (int i = 0; i < 5; i++)
    assert_int_equal(rd_store_limit_count(f->st, "u:kefu", 60, T0 + i, &err), RD_OK);
  assert_false(check(f, "u:kefu", 2, T0 + 5, &retry));
  assert_int_equal(retry, 55);
  assert_false(check(f, "u:kefu", 5, T0 + 5, &retry));
  assert_true(check(f, "u:kefu", 6, T0 + 5, &retry));
  assert_true(check(f, "u:kefu", 2, T0 + 60, &retry)); /* window over */
  assert_int_equal(retry, 0);
  assert_int_equal(rd_store_limit_count(f->st, "u:kefu", 60, T0 + 61, &err), RD_OK);
  assert_true(check(f, "u:kefu", 2, T0 + 61, &retry)); /* one in the new window */

  /* Clear forgets one key only. */
  assert_int_equal(rd_store_limit_count(f->st, "u:kefu", 60, T0 + 62, &err), RD_OK);
  assert_false(check(f, "u:kefu", 2, T0 + 62, &retry));
  assert_int_equal(rd_store_limit_clear(f->st, "u:kefu", &err), RD_OK);
  assert_true(check(f, "u:kefu", 2, T0 + 62, &retry));
  assert_int_equal(rd_store_limit_clear(f->st, "u:nobody", &err), RD_OK);
  assert_false(check(f, "portal.lookup:1.2.3.4", 3, T0 + 603, &retry));

  /* Keys longer than the limit are cut: the same prefix is the same key. */
  char k1[200], k2[200];
  memset(k1, 'x', sizeof k1 - 1); k1[sizeof k1 - 1] = '\0';
  memcpy(k2, k1, sizeof k2); k2[150] = 'y';
  assert_true(take(f, k1, 1, 60, T0, &retry));
  assert_false(take(f, k2, 1, 60, T0, &retry));
}

/* Windows that have ended are swept; live ones stay and keep counting. */
static void
test_limits_sweep(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  int retry;
  int64_t removed = -1;

  assert_true(take(f, "a", 5, 60, T0, &retry));        /* ends T0 + 60 */
  assert_true(take(f, "b", 5, 600, T0, &retry));       /* ends T0 + 600 */
  /* c ends T0 + 60 too */
  assert_int_equal(rd_store_limit_count(f->st, "c", 50, T0 + 10, &err), RD_OK);
  assert_int_equal(count_rows(f, "SELECT count(*) FROM rate_limits"), 3);
  assert_int_equal(rd_store_limit_sweep(f->st, T0 + 59, &removed, &err), RD_OK);
  assert_int_equal(removed, 0);
  assert_int_equal(rd_store_limit_sweep(f->st, T0 + 60, &removed, &err), RD_OK);
  assert_int_equal(removed, 2);                        /* a and c */
  assert_int_equal(count_rows(f, "SELECT count(*) FROM rate_limits"), 1);
  for (int i = 0; i < 4; i++)
    assert_true(take(f, "b", 5, 600, T0 + 61, &retry));
  assert_false(take(f, "b", 5, 600, T0 + 62, &retry)); /* b kept its five */
  assert_int_equal(rd_store_limit_sweep(f->st, T0 + 600, NULL, &err), RD_OK);
  assert_int_equal(count_rows(f, "SELECT count(*) FROM rate_limits"), 0);
}

struct take_thread {
  struct rd_store *st;
  const char *key;
  int max, tries;
  int allowed, failures;
};

static void *
take_thread_main(void *arg)
{
  struct take_thread *t = arg;
  for (int i = 0; i < t->tries; i++) {
    struct rd_error err = {0};
    bool ok = false;
    int retry;
    if (rd_store_limit_take(t->st, t->key, t->max, 600, T0 + i, &ok, &retry, &err) != RD_OK)
      t->failures++;
    else if (ok)
      t->allowed++;
  }
  return NULL;
}

/* Takes from several threads at once (several connections on PostgreSQL,
 * the one writer on SQLite) let exactly max through, never more. */
static void
test_limits_concurrent_takes(void **state)
{
  enum { THREADS = 6, TRIES = 20, MAX = 25 };
  struct fx *f = *state;
  struct take_thread th[THREADS];
  pthread_t tid[THREADS];
  int allowed = 0;

  for (int i = 0; i < THREADS; i++) {
    th[i] = (struct take_thread){.st = f->st, .key = "portal.submit:10.0.0.9",
                                 .max = MAX, .tries = TRIES};
    assert_int_equal(pthread_create(&tid[i], NULL, take_thread_main, &th[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(tid[i], NULL);
    assert_int_equal(th[i].failures, 0);
    allowed += th[i].allowed;
  }
  assert_int_equal(allowed, MAX);
}

/* ---- PostgreSQL only -------------------------------------------------------------------- */

/* Terminates this test's database sessions from outside, as a server
 * restart or a network cut would. */
static void
pg_kill_sessions(struct fx *f)
{
  char sql[200];
  snprintf(sql, sizeof sql,
           "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
           " WHERE datname = '%s' AND pid <> pg_backend_pid()", f->pg_db);
  assert_true(pg_sql(NULL, sql, NULL, 0) >= 1);
  usleep(50 * 1000); /* let the terminations land */
}

/* A connection the server dropped costs the read that hits it
 * RD_E_UNAVAILABLE (HTTP 503), never a crash; the pool replaces it, and a
 * write that finds it dead before sending anything is simply retried. */
static void
test_pg_connection_lost(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_department d;
  struct rd_complaint got;

  assert_int_equal(rd_store_ping(f->st, &err), RD_OK);
  pg_kill_sessions(f);
  assert_int_equal(rd_store_department_get(f->st, f->dept[0], f->a, &d, &err),
                   RD_E_UNAVAILABLE);
  assert_int_equal(err.code, RD_E_UNAVAILABLE);
  assert_int_equal(rd_store_department_get(f->st, f->dept[0], f->a, &d, &err),
                   RD_OK);
  assert_string_equal(d.code, "after_sales");

  pg_kill_sessions(f);
  int64_t id = mk_text(f, "written across a lost connection", T0);
  assert_int_equal(rd_store_complaint_get(f->st, id, f->a, &got, &err), RD_OK);
  assert_string_equal(got.number, "TS20261118-000001");
}

/* Complaint numbers stay unique when several processes (nodes) create at
 * once: each child opens its own store on the same database. */
static void
test_pg_numbers_across_processes(void **state)
{
  enum { PROCS = 3, EACH = 15 };
  struct fx *f = *state;
  pid_t pids[PROCS];

  for (int i = 0; i < PROCS; i++) {
    pids[i] = fork();
    assert_true(pids[i] >= 0);
    if (pids[i] == 0) {
      struct rd_store *st = NULL;
      struct rd_error err = {0};
      struct rd_arena *a = rd_arena_new();
      int failures = 0;
      if (rd_store_open(f->uri, &st, &err) != RD_OK)
        _exit(100);
      for (int j = 0; j < EACH; j++) {
        struct mk m;
        mk_init(&m, a, "concurrent", T0 + i * 100 + j);
        if (rd_store_write(st, mk_fn, &m, &err) != RD_OK)
          failures++;
      }
      rd_store_close(st);
      rd_arena_free(a);
      _exit(failures);
    }
  }
  for (int i = 0; i < PROCS; i++) {
    int status = -1;
    assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  assert_int_equal(count_rows(f, "SELECT count(*) FROM complaints"), PROCS * EACH);
  assert_int_equal(count_rows(f, "SELECT count(DISTINCT number) FROM complaints"),
                   PROCS * EACH);
  /* Nothing failed, so nothing was given back: no gaps either. */
  assert_int_equal(count_rows(f, "SELECT last FROM number_sequences"
                                 " WHERE day_prefix = 'TS20261118'"), PROCS * EACH);
}

/* Nodes share a limit: several processes, each with its own store (and
 * pool) on one database, taking on one key at once let exactly max through. */
static void
test_pg_limits_across_processes(void **state)
{
  enum { PROCS = 3, EACH = 15, MAX = 20 };
  struct fx *f = *state;
  pid_t pids[PROCS];
  int allowed = 0;

  for (int i = 0; i < PROCS; i++) {
    pids[i] = fork();
    assert_true(pids[i] >= 0);
    if (pids[i] == 0) {
      struct rd_store *st = NULL;
      struct rd_error err = {0};
      int ok_n = 0;
      if (rd_store_open(f->uri, &st, &err) != RD_OK)
        _exit(100);
      for (int j = 0; j < EACH; j++) {
        bool ok = false;
        int retry;
        if (rd_store_limit_take(st, "ip:198.51.100.7", MAX, 600, T0 + j, &ok, &retry,
                                &err) != RD_OK)
          _exit(101);
        ok_n += ok;
      }
      rd_store_close(st);
      _exit(ok_n);
    }
  }
  for (int i = 0; i < PROCS; i++) {
    int status = -1;
    assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
    assert_true(WIFEXITED(status));
    assert_true(WEXITSTATUS(status) <= EACH);
    allowed += WEXITSTATUS(status);
  }
  assert_int_equal(allowed, MAX);
}

/* A phrase search that many rows may match looks among the newest rows
 * first (store/pg/list.c, run_windowed): with windows of 3, then 30, then
 * the GIN lookup, every
 * page must be the one a single query over the whole list gives. The
 * phrase is in one complaint of eleven, with received_at ties, so some
 * pages are found in the first window, some in the second and some only
 * in the whole list. */
struct windowed_bulk {
  struct rd_arena *a;
  int64_t dept[2];
};

static enum rd_status
windowed_bulk_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  static const enum rd_state states[] = { RD_STATE_ASSIGNED, RD_STATE_CLOSED,
                                          RD_STATE_IN_PROGRESS };
  struct windowed_bulk *b = ctx;
  for (int i = 0; i < 300; i++) {
    struct mk m;
    const char *text = i % 11 == 0 ? "客户反映退款迟迟未到账" :
                       i % 4 == 0  ? "退款已到账 迟迟 未" : "门店服务态度";
    mk_init(&m, b->a, text, T0 + (i * 37) % 500);
    m.c.status = states[i % 3];
    m.c.department_id = b->dept[i % 2];
    m.c.due_at = i % 5 ? T0 + 1000 + (i * 53) % 700 : 0;
    enum rd_status rc = mk_fn(tx, &m, err);
    if (rc != RD_OK)
      return rc;
  }
  return RD_OK;
}

static void
test_pg_search_windows(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct windowed_bulk b = { f->a, { f->dept[0], f->dept[1] } };
  struct rd_store *small = NULL, *whole = NULL;
  char uri[600];
  const char *queries[] = { "退款迟迟未", "退款 到账", "迟迟 未到账", "迟迟 到账" };
  /* From windowed_bulk_fn: one in 11 holds the phrase; one in 4 (less one
   * in 44) holds 退款, 到账 and 迟迟 but not the phrase. */
  const size_t expected[] = { 28, 96, 28, 96 };
  const unsigned open_states = 1u << RD_STATE_ASSIGNED | 1u << RD_STATE_IN_PROGRESS;
  const struct rd_complaint_filter shapes[] = {
    { .limit = 1 },
    { .limit = 2, .sort = RD_SORT_RECEIVED_ASC },
    { .limit = 5, .status_mask = open_states },
    { .limit = 3, .sort = RD_SORT_DUE, .status_mask = open_states },
    { .limit = 50, .department_id = 0 },
    { .limit = 4, .department_id = -1 }, /* replaced by dept[1] below */
    { .limit = 2, .status_mask = 1u << RD_STATE_CLOSED, .sort = RD_SORT_RECEIVED_ASC },
  };
  size_t compared = 0;

  assert_int_equal(rd_store_write(f->st, windowed_bulk_fn, &b, &err), RD_OK);
  /* The windows are taken only when the statistics say many rows may
   * match; autovacuum may not have analysed the table yet. */
  char msg[256] = "";
  if (pg_sql(f->uri, "ANALYZE complaints", msg, sizeof msg) < 0)
    fail_msg("ANALYZE: %s", msg);
  /* Both of our own parameters, which libpq must never see. */
  snprintf(uri, sizeof uri, "%s?pool_size=2&search_window=3", f->uri);
  assert_int_equal(rd_store_open(uri, &small, &err), RD_OK);
  /* A window larger than the list: one query over everything. */
  snprintf(uri, sizeof uri, "%s?search_window=1000000", f->uri);
  assert_int_equal(rd_store_open(uri, &whole, &err), RD_OK);

  for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
      struct rd_complaint_filter a = shapes[si], w;
      if (a.department_id == -1)
        a.department_id = f->dept[1];
      a.q = queries[qi];
      w = a;
      size_t total = 0;
      for (int page = 0; page < 200; page++) {
        struct rd_complaint_page pa, pw;
        assert_int_equal(rd_store_complaint_list(small, &a, f->a, &pa, &err), RD_OK);
        assert_int_equal(rd_store_complaint_list(whole, &w, f->a, &pw, &err), RD_OK);
        assert_int_equal(pa.n, pw.n);
        for (size_t i = 0; i < pa.n; i++)
          assert_int_equal(pa.items[i].id, pw.items[i].id);
        total += pa.n;
        assert_int_equal(pa.next_cursor == NULL, pw.next_cursor == NULL);
        if (pa.next_cursor == NULL)
          break;
        assert_string_equal(pa.next_cursor, pw.next_cursor);
        a.cursor = pa.next_cursor;
        w.cursor = pw.next_cursor;
      }
      assert_true(total > 0); /* every query and shape finds something */
      if (si == 0)
        assert_int_equal(total, expected[qi]);
      compared += total;
    }
  assert_true(compared > 300);
  /* A phrase nothing holds, and filters nothing meets: empty, not an error. */
  struct rd_complaint_filter none = { .q = "从未出现的短语" };
  struct rd_complaint_page pg;
  assert_int_equal(rd_store_complaint_list(small, &none, f->a, &pg, &err), RD_OK);
  assert_int_equal(pg.n, 0);
  none = (struct rd_complaint_filter){ .q = "退款迟迟未", .category_id = 999999 };
  assert_int_equal(rd_store_complaint_list(small, &none, f->a, &pg, &err), RD_OK);
  assert_int_equal(pg.n, 0);
  assert_null(pg.next_cursor);
  rd_store_close(small);
  rd_store_close(whole);
}

/* ---- the audit log ------------------------------------------------------------- */

struct audit_op {
  struct rd_audit_entry e;
  bool fail;            /* append, then fail: the row must roll back */
};

static enum rd_status
audit_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct audit_op *op = ctx;
  enum rd_status rc = rd_tx_audit_append(tx, &op->e, err);
  if (rc == RD_OK && op->fail)
    return rd_error_set(err, RD_E_INVALID, "x", "failing on purpose");
  return rc;
}

/* Appends one row in its own transaction and links it into the chain (on
 * PostgreSQL a row is inserted unchained; SQLite chains it at once and has
 * nothing to link); returns its seq. */
static int64_t
audit_add(struct fx *f, int64_t user_id, const char *action, const char *kind,
          int64_t id, const char *addr, int64_t at)
{
  struct rd_error err = {0};
  struct audit_op op = {.e = {
    .at = at, .actor = user_id ? "user" : "system", .user_id = user_id,
    .client_addr = addr, .action = action, .object_kind = kind, .object_id = id,
    .detail_json = "{\"fields\":[\"subject\"]}",
  }};
  int64_t linked = -1;
  assert_int_equal(rd_store_write(f->st, audit_fn, &op, &err), RD_OK);
  assert_int_equal(op.e.seq == 0, on_pg);   /* unchained until linked on PG */
  assert_int_equal(rd_store_audit_chain(f->st, true, &linked, &err), RD_OK);
  assert_int_equal(linked, on_pg ? 1 : 0);
  if (!on_pg)
    return op.e.seq;
  struct rd_audit_page page;
  struct rd_audit_filter q = {.limit = 1};
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 1);
  assert_string_equal(page.items[0].action, action);
  return page.items[0].seq;
}

static void
audit_verify_ok(struct fx *f, int64_t rows)
{
  struct rd_audit_report r;
  struct rd_error err = {0};
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.bad_seq, 0);
  assert_null(r.problem);
  assert_int_equal(r.verified, rows);
  assert_int_equal(r.head_seq, rows);
  assert_int_equal(r.pending, 0);
}

/* Runs sql on the test's database directly (as someone with file or
 * superuser access would); returns 0 or -1 with the message in msg. */
static int
raw_sql(struct fx *f, const char *sql, char *msg, size_t len)
{
  if (on_pg)
    return pg_sql(f->uri, sql, msg, len);
  sqlite3 *db;
  char *m = NULL;
  int rc;
  if (sqlite3_open(f->path, &db) != SQLITE_OK)
    return -1;
  sqlite3_busy_timeout(db, 5000);
  rc = sqlite3_exec(db, sql, NULL, NULL, &m);
  snprintf(msg, len, "%s", m ? m : "");
  sqlite3_free(m);
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : -1;
}

static void
test_audit_append_chain_and_pages(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_audit_page page;
  struct rd_audit_filter q = {.limit = 10};

  audit_verify_ok(f, 0);   /* an empty log verifies */
  assert_int_equal(audit_add(f, 7, "complaint.create", "complaint", 1, "203.0.113.5", T0), 1);
  /* A transaction that fails takes its row with it: no gap. */
  struct audit_op bad = {.e = {.at = T0, .actor = "user", .user_id = 7,
                               .action = "complaint.edit"}, .fail = true};
  assert_int_equal(rd_store_write(f->st, audit_fn, &bad, &err), RD_E_INVALID);
  assert_int_equal(audit_add(f, 7, "complaint.read", "complaint", 1, "203.0.113.5", T0 + 1), 2);
  assert_int_equal(audit_add(f, 8, "complaint.action.approve", "complaint", 2, "::1", T0 + 2), 3);
  assert_int_equal(audit_add(f, 0, "escalation.fire", "complaint", 1, NULL, T0 + 3), 4);
  assert_int_equal(audit_add(f, 8, "user.create", "user", 9, "::1", T0 + 4), 5);
  /* An entry without an action is refused and writes nothing. */
  struct audit_op none = {.e = {.at = T0, .actor = "user"}};
  assert_int_equal(rd_store_write(f->st, audit_fn, &none, &err), RD_E_INVALID);
  audit_verify_ok(f, 5);

  /* Newest first; each row's prev_hash is the row before's hash. */
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 5);
  assert_null(page.next_cursor);
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(page.items[i].seq, 5 - (int64_t)i);
  for (size_t i = 0; i + 1 < 5; i++)
    assert_string_equal(page.items[i].prev_hash, page.items[i + 1].hash);
  assert_string_equal(page.items[4].prev_hash,
                      "0000000000000000000000000000000000000000000000000000000000000000");
  char again[RD_AUDIT_HASH_HEX];
  rd_audit_entry_hash(&page.items[2], again);
  assert_string_equal(again, page.items[2].hash);
  assert_string_equal(page.items[2].action, "complaint.action.approve");
  assert_string_equal(page.items[2].client_addr, "::1");
  assert_int_equal(page.items[2].user_id, 8);
  assert_string_equal(page.items[2].detail_json, "{\"fields\":[\"subject\"]}");
  assert_null(page.items[1].client_addr);     /* the system's */
  assert_string_equal(page.items[1].actor, "system");
  assert_int_equal(page.items[1].user_id, 0);

  /* Filters: user, object, action exact and by prefix, time. */
  q = (struct rd_audit_filter){.limit = 10, .user_id = 7};
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 2);
  q = (struct rd_audit_filter){.limit = 10, .object_kind = "complaint", .object_id = 1};
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 3);
  q = (struct rd_audit_filter){.limit = 10, .action = "complaint."};
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 3);
  q = (struct rd_audit_filter){.limit = 10, .action = "complaint.read"};
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 1);
  q = (struct rd_audit_filter){.limit = 10, .action = "complaint"};   /* not a prefix */
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 0);
  q = (struct rd_audit_filter){.limit = 10, .from = T0 + 1, .to = T0 + 3};
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 2);
  assert_int_equal(page.items[0].seq, 3);

  /* Pages of two by cursor: 5 4 | 3 2 | 1. */
  q = (struct rd_audit_filter){.limit = 2};
  int64_t seen[5];
  size_t k = 0;
  for (int p = 0; p < 3; p++) {
    assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
    for (size_t i = 0; i < page.n; i++)
      seen[k++] = page.items[i].seq;
    q.cursor = page.next_cursor;
    assert_true(p == 2 ? page.next_cursor == NULL : page.next_cursor != NULL);
  }
  assert_int_equal(k, 5);
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(seen[i], 5 - (int64_t)i);
  q.cursor = "bm90LWEtY3Vyc29y";
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_E_INVALID);
  assert_string_equal(err.field, "cursor");
}

/* The database refuses to change the log; whoever gets past that (drops the
 * triggers) is caught by the chain: an edited row, a deleted one, a cut tail. */
static void
test_audit_append_only_and_tamper(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_audit_report r;
  char msg[256] = "";

  for (int i = 1; i <= 6; i++)
    audit_add(f, 7, "complaint.read", "complaint", i, "198.51.100.1", T0 + i);
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET detail = '{}' WHERE seq = 2",
                           msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "append-only"));
  assert_int_equal(raw_sql(f, "DELETE FROM audit_log WHERE seq = 6", msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "append-only"));
  /* Nor can a row join anywhere but at the end, nor the head move alone. */
  assert_int_equal(raw_sql(f, "INSERT INTO audit_log (seq, at, actor, action, detail,"
                              " prev_hash, hash) VALUES (9, 0, 'system', 'x', '{}', 'a', 'b')",
                           msg, sizeof msg), -1);
  assert_int_equal(raw_sql(f, "UPDATE audit_head SET seq = 3", msg, sizeof msg), -1);
  if (on_pg)
    assert_int_equal(raw_sql(f, "TRUNCATE audit_log", msg, sizeof msg), -1);
  audit_verify_ok(f, 6);

  /* An attacker with the file (or a superuser) switches the guards off. */
  const char *off = on_pg
      ? "ALTER TABLE audit_log DISABLE TRIGGER USER;"
        " ALTER TABLE audit_head DISABLE TRIGGER USER"
      : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        " DROP TRIGGER audit_head_forward";
  assert_int_equal(raw_sql(f, off, msg, sizeof msg), 0);

  /* Edited: the hash no longer matches at that seq. */
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET client_addr = '10.0.0.1' WHERE seq = 3",
                           msg, sizeof msg), 0);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.bad_seq, 3);
  assert_int_equal(r.verified, 2);
  assert_non_null(strstr(r.problem, "edited"));
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET client_addr = '198.51.100.1' WHERE seq = 3",
                           msg, sizeof msg), 0);
  audit_verify_ok(f, 6);

  /* Cut from the end: the head says there was more. */
  assert_int_equal(raw_sql(f, "DELETE FROM audit_log WHERE seq = 6", msg, sizeof msg), 0);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.bad_seq, 6);
  assert_int_equal(r.verified, 5);

  /* Deleted in the middle: a gap at its seq. */
  assert_int_equal(raw_sql(f, "DELETE FROM audit_log WHERE seq = 4", msg, sizeof msg), 0);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.bad_seq, 4);
  assert_int_equal(r.verified, 3);
  assert_non_null(strstr(r.problem, "deleted"));

  /* Renumbered to hide the gap: the prev_hash gives it away. */
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET seq = seq - 1 WHERE seq = 5",
                           msg, sizeof msg), 0);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.bad_seq, 4);
}

struct batch_op {
  struct rd_audit_entry e[3];
};

static enum rd_status
batch_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct batch_op *op = ctx;
  return rd_tx_audit_append_batch(tx, op->e, 3, err);
}

/* A batch (the read appender's; one statement on PostgreSQL) keeps its
 * order and every value as given: quotes, backslashes, non-ASCII, NULLs. */
static void
test_audit_append_batch(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_audit_page page;
  struct rd_audit_filter q = {.limit = 10};
  struct batch_op op = {.e = {
    {.at = T0, .actor = "user", .user_id = 3, .client_addr = "203.0.113.9",
     .action = "complaint.read", .object_kind = "complaint", .object_id = 11},
    {.at = T0 + 1, .actor = "user", .user_id = 3, .action = "complaint.list",
     .detail_json = "{\"returned\":2,\"ids\":[11,12],\"q\":\"\\\"引号\\\\\"}"},
    {.at = T0 + 2, .actor = "user", .user_id = 4, .client_addr = "::1",
     .action = "customer.lookup", .object_kind = "customer", .object_id = 5},
  }};
  assert_int_equal(rd_store_write(f->st, batch_fn, &op, &err), RD_OK);
  assert_int_equal(rd_store_audit_chain(f->st, true, NULL, &err), RD_OK);
  audit_verify_ok(f, 3);
  assert_int_equal(rd_store_audit_list(f->st, &q, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 3);
  assert_string_equal(page.items[2].action, "complaint.read");
  assert_string_equal(page.items[2].client_addr, "203.0.113.9");
  assert_int_equal(page.items[2].object_id, 11);
  assert_string_equal(page.items[2].detail_json, "{}");
  assert_string_equal(page.items[1].action, "complaint.list");
  assert_null(page.items[1].client_addr);
  assert_null(page.items[1].object_kind);
  assert_int_equal(page.items[1].object_id, 0);
  assert_string_equal(page.items[1].detail_json, op.e[1].detail_json);
  assert_string_equal(page.items[0].action, "customer.lookup");
  assert_int_equal(page.items[0].user_id, 4);
  /* One without an action fails the whole batch: nothing written. */
  op.e[1].action = NULL;
  assert_int_equal(rd_store_write(f->st, batch_fn, &op, &err), RD_E_INVALID);
  assert_int_equal(rd_store_audit_chain(f->st, true, NULL, &err), RD_OK);
  audit_verify_ok(f, 3);
}

struct audit_thread {
  struct rd_store *st;
  int64_t user_id;
  int n, failures;
};

static void *
audit_thread_main(void *arg)
{
  struct audit_thread *t = arg;
  for (int i = 0; i < t->n; i++) {
    struct rd_error err = {0};
    struct audit_op op = {.e = {.at = T0 + i, .actor = "user", .user_id = t->user_id,
                                .action = "complaint.read", .object_kind = "complaint",
                                .object_id = i + 1}};
    if (rd_store_write(t->st, audit_fn, &op, &err) != RD_OK)
      t->failures++;
    /* Chainers race too (PostgreSQL): one links, the others skip. */
    if (i % 5 == 4 && rd_store_audit_chain(t->st, false, NULL, &err) != RD_OK)
      t->failures++;
  }
  return NULL;
}

/* Appends from several threads at once (on PostgreSQL: several connections
 * inserting unchained rows while their chainers race for the head row)
 * still form one gap-free chain. */
static void
test_audit_concurrent_appends(void **state)
{
  enum { THREADS = 4, EACH = 25 };
  struct fx *f = *state;
  struct audit_thread th[THREADS];
  pthread_t tid[THREADS];

  for (int i = 0; i < THREADS; i++) {
    th[i] = (struct audit_thread){.st = f->st, .user_id = i + 1, .n = EACH};
    assert_int_equal(pthread_create(&tid[i], NULL, audit_thread_main, &th[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(tid[i], NULL);
    assert_int_equal(th[i].failures, 0);
  }
  struct rd_error err = {0};
  assert_int_equal(rd_store_audit_chain(f->st, true, NULL, &err), RD_OK);
  audit_verify_ok(f, THREADS * EACH);
}

/* PostgreSQL's chainer (0005_audit_chainer): a row is inserted unchained,
 * verify counts it as pending; the triggers let nothing change but the
 * one-time linking of an unchained row at the end of the chain, and a
 * linking by hand with a made-up hash is what verify then names. */
static void
test_pg_audit_chainer_rules(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_audit_report r;
  char msg[256] = "";

  for (int i = 1; i <= 3; i++)
    assert_int_equal(audit_add(f, 7, "complaint.read", "complaint", i, "198.51.100.1", T0 + i), i);
  struct audit_op op = {.e = {.at = T0 + 9, .actor = "user", .user_id = 7,
                              .action = "complaint.edit", .object_kind = "complaint",
                              .object_id = 1}};
  assert_int_equal(rd_store_write(f->st, audit_fn, &op, &err), RD_OK);
  assert_int_equal(op.e.seq, 0);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_null(r.problem);
  assert_int_equal(r.verified, 3);
  assert_int_equal(r.pending, 1);

  /* The unchained row: its other columns cannot change, not even while
   * linking it; it links only at the end, with the head's hash before it. */
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET detail = '{}' WHERE seq IS NULL",
                           msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "append-only"));
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET seq = 4, prev_hash = (SELECT hash FROM"
                              " audit_head), hash = repeat('0', 64), client_addr = '10.0.0.1'"
                              " WHERE seq IS NULL", msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "chain columns only"));
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET seq = 7, prev_hash = (SELECT hash FROM"
                              " audit_head), hash = repeat('0', 64) WHERE seq IS NULL",
                           msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "end of the chain"));
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET seq = 4, prev_hash = repeat('1', 64),"
                              " hash = repeat('0', 64) WHERE seq IS NULL", msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "prev_hash"));
  assert_int_equal(raw_sql(f, "DELETE FROM audit_log WHERE seq IS NULL", msg, sizeof msg), -1);
  /* A chained row never changes, chain columns included. */
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL"
                              " WHERE seq = 3", msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "append-only"));
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET hash = repeat('0', 64) WHERE seq = 3",
                           msg, sizeof msg), -1);
  /* Rows are inserted unchained, and the head moves only with linked rows. */
  assert_int_equal(raw_sql(f, "INSERT INTO audit_log (at, actor, action, detail, seq,"
                              " prev_hash, hash) VALUES (0, 'system', 'x', '{}', 4,"
                              " repeat('0', 64), repeat('0', 64))", msg, sizeof msg), -1);
  assert_int_equal(raw_sql(f, "UPDATE audit_head SET seq = seq + 1", msg, sizeof msg), -1);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.pending, 1);

  /* The chainer links it. */
  int64_t linked = 0;
  assert_int_equal(rd_store_audit_chain(f->st, true, &linked, &err), RD_OK);
  assert_int_equal(linked, 1);
  audit_verify_ok(f, 4);

  /* Linked by hand at the right place but with a made-up hash: the
   * database cannot tell, verify can. */
  assert_int_equal(rd_store_write(f->st, audit_fn, &op, &err), RD_OK);
  assert_int_equal(raw_sql(f, "UPDATE audit_log SET seq = 5, prev_hash = (SELECT hash FROM"
                              " audit_head), hash = repeat('0', 64) WHERE seq IS NULL",
                           msg, sizeof msg), 0);
  assert_int_equal(rd_store_audit_verify(f->st, &r, &err), RD_OK);
  assert_int_equal(r.bad_seq, 5);
  assert_non_null(strstr(r.problem, "edited"));
}

static const struct CMUnitTest pg_only_tests[] = {
  cmocka_unit_test_setup_teardown(test_pg_audit_chainer_rules, setup, teardown),
  cmocka_unit_test_setup_teardown(test_pg_connection_lost, setup, teardown),
  cmocka_unit_test_setup_teardown(test_pg_numbers_across_processes, setup, teardown),
  cmocka_unit_test_setup_teardown(test_pg_limits_across_processes, setup, teardown),
  cmocka_unit_test_setup_teardown(test_pg_search_windows, setup, teardown),
};

/* ---- retention (0014_retention / pg 0006_retention) ------------------------- */

struct close_ctx {
  int64_t id;
  enum rd_state to;
  int64_t at;
  struct rd_arena *a;
};

static enum rd_status
close_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct close_ctx *x = ctx;
  struct rd_complaint c;
  enum rd_status rc = rd_tx_complaint_get(tx, x->id, x->a, &c, err);
  if (rc != RD_OK)
    return rc;
  c.status = x->to;
  c.closed_at = x->at;
  c.satisfied = 1;
  c.satisfaction_score = 5;
  c.close_reason = "客户满意，张三说谢谢";
  return rd_tx_complaint_update(tx, &c, x->at, err);
}

struct extra_ctx {
  int64_t id;
};

/* A note with personal text, an escalation event (clock.*), whose data holds
 * no personal data and stays. */
static enum rd_status
extra_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct extra_ctx *x = ctx;
  struct rd_event note = { .complaint_id = x->id, .at = T0 + 20, .type = "note",
                           .from_status = -1, .to_status = -1,
                           .note = "客户手机13912345678，住在幸福小区" };
  struct rd_event esc = { .complaint_id = x->id, .at = T0 + 30, .type = "clock.breach",
                          .from_status = -1, .to_status = -1,
                          .data_json = "{\"clock\":\"resolve\"}" };
  enum rd_status rc = rd_tx_event_append(tx, &note, err);
  return rc != RD_OK ? rc : rd_tx_event_append(tx, &esc, err);
}

struct anon_ctx {
  const int64_t *ids;
  size_t n;
  int64_t now;
  bool done[4];
};

static enum rd_status
anon_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct anon_ctx *x = ctx;
  for (size_t i = 0; i < x->n; i++) {
    enum rd_status rc = rd_tx_complaint_anonymise(tx, x->ids[i], x->now, &x->done[i], err);
    if (rc != RD_OK)
      return rc;
  }
  return RD_OK;
}

static void
test_retention_anonymise(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct rd_complaint got;
  struct rd_customer cu;
  struct mk m;
  int64_t *ids;
  size_t n;

  /* old: closed, its customer shares a phone with open, a newer complaint */
  mk_init(&m, f->a, "秘密投诉内容，更衣柜被撬", T0);
  m.c.subject = "隐私主题";
  m.c.demands = "赔偿两千元";
  m.c.external_ref = "12315-7777";
  m.c.customer.name = "李四";
  m.c.customer.phone = "13912345678";
  m.c.customer.email = "lisi@example.com";
  m.c.customer.refs_json = "{\"plate\":\"京A12345\"}";
  m.c.category_id = f->cat;
  m.c.department_id = f->dept[0];
  m.c.severity = 3;
  int64_t old = mk(f, &m);
  int64_t shared_customer = m.c.customer.id;
  mk_init(&m, f->a, "第二次投诉仍在处理", T0 + 1);
  m.c.customer.name = "李四";
  m.c.customer.phone = "13912345678";
  int64_t open = mk(f, &m);
  assert_int_equal(m.c.customer.id, shared_customer);
  /* alone: closed (withdrawn), its customer has nothing else */
  mk_init(&m, f->a, "独自的投诉撤回了", T0 + 2);
  m.c.customer.name = "王五";
  m.c.customer.phone = "13700001111";
  int64_t alone = mk(f, &m);
  int64_t alone_customer = m.c.customer.id;
  const char *alone_number = m.c.number;

  struct extra_ctx ex = { old };
  assert_int_equal(rd_store_write(f->st, extra_fn, &ex, &err), RD_OK);
  struct att_ctx shared = { { .complaint_id = old, .content_type = "image/jpeg",
                              .filename = "李四的柜子.jpg", .uploaded_at = T0 }, "shared bytes" };
  struct att_ctx shared2 = shared;
  shared2.att.complaint_id = open;
  struct att_ctx own = { { .complaint_id = alone, .content_type = "image/jpeg",
                           .filename = "王五.jpg", .uploaded_at = T0 }, "own bytes" };
  assert_int_equal(rd_store_write(f->st, att_fn, &shared, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, att_fn, &shared2, &err), RD_OK);
  assert_int_equal(rd_store_write(f->st, att_fn, &own, &err), RD_OK);

  struct close_ctx cl = { old, RD_STATE_CLOSED, T0 + 100, f->a };
  assert_int_equal(rd_store_write(f->st, close_fn, &cl, &err), RD_OK);
  cl = (struct close_ctx){ alone, RD_STATE_WITHDRAWN, T0 + 100, f->a };
  assert_int_equal(rd_store_write(f->st, close_fn, &cl, &err), RD_OK);

  /* Due: the closed ones only, closed before the cut-off, after after_id. */
  assert_int_equal(rd_store_retention_due(f->st, T0 + 100, 0, 10, f->a, &ids, &n, &err), RD_OK);
  assert_int_equal(n, 0);
  assert_int_equal(rd_store_retention_due(f->st, T0 + 101, 0, 10, f->a, &ids, &n, &err), RD_OK);
  assert_int_equal(n, 2);
  assert_int_equal(ids[0], old);
  assert_int_equal(ids[1], alone);
  assert_int_equal(rd_store_retention_due(f->st, T0 + 101, old, 10, f->a, &ids, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  assert_int_equal(rd_store_retention_due(f->st, T0 + 101, 0, 1, f->a, &ids, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  expect_hits(f, "秘密", (int64_t[]){ old, 0 });

  /* An open complaint is not anonymised, even when asked. */
  int64_t three[3] = { old, alone, open };
  struct anon_ctx an = { three, 3, T0 + 500, {0} };
  assert_int_equal(rd_store_write(f->st, anon_fn, &an, &err), RD_OK);
  assert_true(an.done[0] && an.done[1]);
  assert_false(an.done[2]);

  assert_int_equal(rd_store_complaint_get(f->st, old, f->a, &got, &err), RD_OK);
  assert_int_equal(got.anonymised_at, T0 + 500);
  assert_int_equal(got.version, 3);
  assert_string_equal(got.content, "");
  assert_null(got.subject);
  assert_null(got.demands);
  assert_null(got.external_ref);
  assert_null(got.close_reason);
  assert_null(got.customer.name);
  assert_null(got.customer.phone);
  assert_null(got.customer.email);
  assert_null(got.customer.refs_json);
  /* what statistics read stays */
  assert_int_equal(got.customer.id, shared_customer);
  assert_int_equal(got.status, RD_STATE_CLOSED);
  assert_int_equal(got.closed_at, T0 + 100);
  assert_int_equal(got.received_at, T0);
  assert_int_equal(got.category_id, f->cat);
  assert_int_equal(got.department_id, f->dept[0]);
  assert_int_equal(got.severity, 3);
  assert_int_equal(got.satisfied, 1);
  assert_int_equal(got.satisfaction_score, 5);
  assert_int_equal(got.channel, RD_CHANNEL_PHONE);

  /* The newer complaint keeps its customer; the lone one's is cleared. */
  assert_int_equal(rd_store_complaint_get(f->st, open, f->a, &got, &err), RD_OK);
  assert_int_equal(got.anonymised_at, 0);
  assert_string_equal(got.customer.phone, "13912345678");
  assert_string_equal(got.customer.name, "李四");
  assert_int_equal(rd_store_customer_get(f->st, shared_customer, f->a, &cu, &err), RD_OK);
  assert_string_equal(cu.phone, "13912345678");
  assert_int_equal(rd_store_customer_get(f->st, alone_customer, f->a, &cu, &err), RD_OK);
  assert_null(cu.name);
  assert_null(cu.phone);
  assert_int_equal(rd_store_customer_by_phone(f->st, "13700001111", f->a, &cu, &err),
                   RD_E_NOT_FOUND);

  /* The timeline keeps its shape; texts go, escalation data stays. */
  struct rd_event *evs;
  assert_int_equal(rd_store_event_list(f->st, old, f->a, &evs, &n, &err), RD_OK);
  assert_int_equal(n, 3);
  assert_string_equal(evs[0].type, "registered");
  assert_string_equal(evs[1].type, "note");
  assert_null(evs[1].note);
  assert_int_equal(evs[1].at, T0 + 20);
  assert_string_equal(evs[2].type, "clock.breach");
  assert_string_equal(evs[2].data_json, "{\"clock\":\"resolve\"}");
  /* and stays append-only otherwise */
  const char *redo = "UPDATE complaint_events SET note = 'x' WHERE type = 'note'";
  if (on_pg) {
    char pmsg[256] = "";
    assert_int_equal(pg_sql(f->uri, redo, pmsg, sizeof pmsg), -1);
    assert_non_null(strstr(pmsg, "append-only"));
  } else {
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_not_equal(sqlite3_exec(db, redo, NULL, NULL, &msg), SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    sqlite3_close(db);
  }

  /* Attachments: names go; bytes go unless a live complaint has them. */
  struct rd_attachment *list;
  const void *data;
  size_t len;
  assert_int_equal(rd_store_attachment_list(f->st, old, f->a, &list, &n, &err), RD_OK);
  assert_int_equal(n, 1);
  assert_null(list[0].filename);
  assert_int_equal(list[0].size, 12);
  assert_int_equal(rd_store_blob_get(f->st, shared.att.sha256, f->a, &data, &len, &err), RD_OK);
  assert_int_equal(len, 12);
  assert_int_equal(rd_store_blob_get(f->st, own.att.sha256, f->a, &data, &len, &err), RD_OK);
  assert_int_equal(len, 0);

  /* Search: the text and the customer are gone, the number stays. */
  expect_hits(f, "秘密", (int64_t[]){ 0 });
  expect_hits(f, "李四", (int64_t[]){ open, 0 });
  expect_hits(f, "13700001111", (int64_t[]){ 0 });
  expect_hits(f, alone_number, (int64_t[]){ alone, 0 });
  /* By phone: only what is not anonymised. */
  struct rd_complaint_filter flt = { .customer_phone = "13912345678", .limit = 10 };
  struct rd_complaint_page page;
  assert_int_equal(rd_store_complaint_list(f->st, &flt, f->a, &page, &err), RD_OK);
  assert_int_equal(page.n, 1);
  assert_int_equal(page.items[0].id, open);

  /* Idempotent: nothing due, nothing done a second time. */
  assert_int_equal(rd_store_retention_due(f->st, T0 + 1000, 0, 10, f->a, &ids, &n, &err), RD_OK);
  assert_int_equal(n, 0);
  an = (struct anon_ctx){ three, 3, T0 + 600, {0} };
  assert_int_equal(rd_store_write(f->st, anon_fn, &an, &err), RD_OK);
  assert_false(an.done[0] || an.done[1] || an.done[2]);
  assert_int_equal(rd_store_complaint_get(f->st, old, f->a, &got, &err), RD_OK);
  assert_int_equal(got.anonymised_at, T0 + 500);
  assert_int_equal(got.version, 3);
}

struct claim_ctx {
  int64_t now;
  bool claimed;
};

static enum rd_status
claim_fn(struct rd_tx *tx, void *ctx, struct rd_error *err)
{
  struct claim_ctx *x = ctx;
  return rd_tx_job_claim(tx, "retention", x->now, x->now + 86400, &x->claimed, err);
}

static void
test_job_claim_once_a_period(void **state)
{
  struct fx *f = *state;
  struct rd_error err = {0};
  struct claim_ctx c = { T0, false };

  assert_int_equal(rd_store_write(f->st, claim_fn, &c, &err), RD_OK);
  assert_true(c.claimed);             /* the first run ever */
  c = (struct claim_ctx){ T0 + 3600, true };
  assert_int_equal(rd_store_write(f->st, claim_fn, &c, &err), RD_OK);
  assert_false(c.claimed);            /* taken for this day */
  c = (struct claim_ctx){ T0 + 86400, false };
  assert_int_equal(rd_store_write(f->st, claim_fn, &c, &err), RD_OK);
  assert_true(c.claimed);             /* the next day's */
  c = (struct claim_ctx){ T0 + 86401, true };
  assert_int_equal(rd_store_write(f->st, claim_fn, &c, &err), RD_OK);
  assert_false(c.claimed);
  assert_int_equal(count_rows(f, "SELECT count(*) FROM scheduled_jobs"), 1);
}

static const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  T(test_migrate_twice_is_noop),
  T(test_user_set_locale),
  T(test_user_set_password),
  T(test_open_errors),
  T(test_insert_get_update_conflict),
  T(test_failed_write_leaves_nothing),
  T(test_events_append_only),
  T(test_numbers_sequential_unique),
  T(test_customer_upsert_by_phone),
  T(test_idempotency_put_get),
  T(test_attachments_dedupe),
  T(test_list_filters_and_scope),
  T(test_sort_due_and_cursor_pages),
  T(test_fts_chinese_numbers_latin),
  T(test_fts_many_matches_in_order),
  T(test_search_index_resumes_and_rebuilds),
  T(test_calendars),
  T(test_group_commit_isolated_failures),
  T(test_report_counts),
  T(test_org_sessions_tokens_settings),
  T(test_sessions_touch_and_end_by_user),
  T(test_portal_tokens),
  T(test_limits_take_check_count_clear),
  T(test_limits_sweep),
  T(test_limits_concurrent_takes),
  T(test_audit_append_chain_and_pages),
  T(test_audit_append_only_and_tamper),
  T(test_audit_concurrent_appends),
  T(test_audit_append_batch),
  T(test_retention_anonymise),
  T(test_job_claim_once_a_period),
#undef T
};

/* Tests that run on SQLite only, and why; every run prints them and their
 * count. A test of something PostgreSQL does not have yet goes here until
 * it does, so a gap is visible, never silent. */
static const struct {
  const char *test;
  const char *missing;
} pg_skipped[] = {
  /* Not a gap: SQLite's index lives in a database of its own that can lag
   * and be rebuilt; PostgreSQL's is written in the complaint's transaction. */
  { "test_search_index_resumes_and_rebuilds","SQLite's separate search database (none on PostgreSQL)" },
};

static const char *
pg_skip_reason(const char *name)
{
  for (size_t i = 0; i < sizeof pg_skipped / sizeof *pg_skipped; i++)
    if (strcmp(pg_skipped[i].test, name) == 0)
      return pg_skipped[i].missing;
  return NULL;
}

/* Runs the suite on SQLite, then on PostgreSQL when a server is given, and
 * prints the one RESULT line scripts/check.sh adds up. */
int
main(void)
{
  enum { N = sizeof tests / sizeof tests[0],
         N_PG_ONLY = sizeof pg_only_tests / sizeof pg_only_tests[0] };
  struct CMUnitTest pg_tests[N + N_PG_ONLY];
  size_t passed, n_pg = 0, skipped = 0;
  int failed, f;

  failed = cmocka_run_group_tests_name("store (sqlite)", tests, NULL, NULL);
  passed = N - (size_t)failed;
  pg_base_uri = getenv("REDRESS_TEST_PG_URI");
  if (pg_base_uri && pg_base_uri[0]) {
    on_pg = true;
    for (size_t i = 0; i < N; i++) {
      const char *why = pg_skip_reason(tests[i].name);
      if (why) {
        printf("[ SKIPPED  ] %s on PostgreSQL: %s\n", tests[i].name, why);
        skipped++;
      } else {
        pg_tests[n_pg++] = tests[i];
      }
    }
    for (size_t i = 0; i < N_PG_ONLY; i++)
      pg_tests[n_pg++] = pg_only_tests[i];
    f = _cmocka_run_group_tests("store (postgresql)", pg_tests, n_pg, NULL, NULL);
    failed += f;
    passed += n_pg - (size_t)f;
    printf("PostgreSQL: %zu of %d store tests skipped (listed in pg_skipped[])\n",
           skipped, (int)N);
  } else {
    printf("PostgreSQL: not tested (REDRESS_TEST_PG_URI is not set)\n");
  }
  printf("RESULT store passed=%zu failed=%d\n", passed, failed);
  return failed ? 1 : 0;
}
