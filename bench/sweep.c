/* bench/sweep.c - what one escalation sweep costs when many clocks run.
 *
 * `sweep --db FILE --runs N [--due D] [--per-complaint P]` takes a database
 * set up by `redress init --demo`, registers N / P complaints through the
 * service, gives them N running clock runs in all (P each) with one pending
 * escalation step each, D of which are due now (the rest in the future), and
 * then measures:
 *   1. the scheduler's query for due steps, run as the store runs it: the
 *      rows it returns, the virtual-machine steps SQLite took (a measure of
 *      the rows it visited), and its time;
 *   2. complete sweeps through the service (rd_service_sweep: claim, notify,
 *      timeline) until nothing is due: steps fired and time.
 * The runs and steps are written with plain SQL in large transactions:
 * writing millions of them through workflow steps would take hours and
 * measure something else. The complaints are real registrations.
 *
 * Prints one line "SWEEP runs=N due=D returned=R vm_steps=V query_ms=Q
 * fired=F sweep_ms=S".
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/service.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/time.h"

/* The scheduler's query (store/sqlite/statements.c, SQ_STEPS_DUE). */
static const char due_sql[] =
  "SELECT s.id, s.clock_id, s.step, s.on_kind, s.notify, s.fire_at,"
  " c.id, c.complaint_id, c.name, c.run, c.policy_id, c.calendar_id, c.state,"
  " c.started_at, c.due_at, c.opens_at, c.warn_at, c.stopped_at, c.department_id"
  " FROM clock_steps s JOIN complaint_clocks c ON c.id = s.clock_id"
  " WHERE s.state = 0 AND s.fire_at <= ?1 ORDER BY s.fire_at, s.id LIMIT ?2";

static double
ms_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int
die(const char *what, const char *detail)
{
  fprintf(stderr, "sweep: %s: %s\n", what, detail);
  return 1;
}

/* Registers n complaints; their ids into ids. */
static int
register_complaints(struct rd_service *svc, int64_t n, int64_t *ids)
{
  struct rd_arena *a = rd_arena_new();
  for (int64_t i = 0; i < n; i++) {
    struct rd_complaint in = {0};
    struct rd_complaint_view v;
    struct rd_error err = {0};
    char phone[32];
    snprintf(phone, sizeof phone, "139%08" PRId64, i);
    in.channel = RD_CHANNEL_PHONE;
    in.customer.name = "基准客户";
    in.customer.phone = phone;
    in.content = "时限扫描基准投诉";
    if (rd_service_complaint_register(svc, &RD_PRINCIPAL_SYSTEM, &in, NULL, NULL, a,
                                      &v, NULL, &err) != RD_OK)
      return die("register", err.detail);
    ids[i] = v.c.id;
    rd_arena_reset(a);
  }
  rd_arena_free(a);
  return 0;
}

/* P runs per complaint with one pending step each; the first `due` steps
 * fire now, the others in a year. */
static int
write_runs(const char *db, const int64_t *ids, int64_t n_complaints, int per,
           int64_t due, int64_t now)
{
  sqlite3 *h;
  sqlite3_stmt *run = NULL, *step = NULL;
  int64_t k = 0;
  char *msg = NULL;

  if (sqlite3_open(db, &h) != SQLITE_OK)
    return die("open", sqlite3_errmsg(h));
  sqlite3_exec(h, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;", NULL, NULL, NULL);
  if (sqlite3_prepare_v2(h, "INSERT INTO complaint_clocks (complaint_id, name, run,"
                         " state, started_at, due_at) VALUES (?1, 'bench', ?2, 0, ?3, ?4)",
                         -1, &run, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(h, "INSERT INTO clock_steps (clock_id, step, on_kind, notify,"
                         " fire_at) VALUES (?1, 0, 1, 2, ?2)", -1, &step, NULL) != SQLITE_OK)
    return die("prepare", sqlite3_errmsg(h));
  for (int64_t c = 0; c < n_complaints; c++) {
    if (c % 10000 == 0 && sqlite3_exec(h, c ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL,
                                       &msg) != SQLITE_OK)
      return die("begin", msg);
    for (int r = 1; r <= per; r++, k++) {
      int64_t fire = k < due ? now - 60 : now + 365 * 86400;
      sqlite3_bind_int64(run, 1, ids[c]);
      sqlite3_bind_int(run, 2, r);
      sqlite3_bind_int64(run, 3, now - 3600);
      sqlite3_bind_int64(run, 4, fire);
      if (sqlite3_step(run) != SQLITE_DONE)
        return die("insert run", sqlite3_errmsg(h));
      sqlite3_reset(run);
      sqlite3_bind_int64(step, 1, sqlite3_last_insert_rowid(h));
      sqlite3_bind_int64(step, 2, fire);
      if (sqlite3_step(step) != SQLITE_DONE)
        return die("insert step", sqlite3_errmsg(h));
      sqlite3_reset(step);
    }
  }
  if (sqlite3_exec(h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
    return die("commit", msg);
  sqlite3_finalize(run);
  sqlite3_finalize(step);
  sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close(h);
  return 0;
}

/* The due query as the scheduler runs it: rows, VM steps, time. */
static int
measure_query(const char *db, int64_t now, int limit, int *rows, int *vm_steps,
              double *ms)
{
  sqlite3 *h;
  sqlite3_stmt *q;
  struct timespec t0;

  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(h, due_sql, -1, &q, NULL) != SQLITE_OK)
    return die("query", sqlite3_errmsg(h));
  /* Warm the page cache as a serving process has it. */
  for (int pass = 0; pass < 2; pass++) {
    sqlite3_reset(q);
    sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
    sqlite3_bind_int64(q, 1, now);
    sqlite3_bind_int(q, 2, limit);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW)
      (*rows)++;
    *ms = ms_since(&t0);
    *vm_steps = sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 0);
  }
  sqlite3_finalize(q);
  sqlite3_close(h);
  return 0;
}

int
main(int argc, char **argv)
{
  const char *db = NULL;
  int64_t runs = 1000000, due = 1000, per = 100;
  struct rd_store *st = NULL;
  struct rd_service *svc;
  struct rd_error err = {0};
  int applied;

  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--db"))
      db = argv[i + 1];
    else if (!strcmp(argv[i], "--runs"))
      runs = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--due"))
      due = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--per-complaint"))
      per = strtoll(argv[i + 1], NULL, 10);
  }
  if (!db || runs <= 0 || due < 0 || due > runs || per <= 0)
    return die("usage", "sweep --db FILE --runs N [--due D] [--per-complaint P]");

  int64_t n_complaints = (runs + per - 1) / per;
  int64_t *ids = calloc((size_t)n_complaints, sizeof *ids);
  int64_t now = rd_time_now();
  if (rd_store_open(db, &st, &err) != RD_OK || rd_store_migrate(st, &applied, &err) != RD_OK)
    return die("store", err.detail);
  svc = rd_service_new(st, NULL);
  /* The demo's complaints left steps due: fire them first, uncounted. */
  for (size_t fired = 1; fired > 0;)
    if (rd_service_sweep(svc, 500, &fired, &err) != RD_OK)
      return die("sweep", err.detail);
  fprintf(stderr, "sweep: registering %" PRId64 " complaints\n", n_complaints);
  if (register_complaints(svc, n_complaints, ids))
    return 1;
  rd_service_free(svc);
  rd_store_close(st);

  fprintf(stderr, "sweep: writing %" PRId64 " running clocks, %" PRId64 " due now\n",
          n_complaints * per, due);
  if (write_runs(db, ids, n_complaints, (int)per, due, now))
    return 1;

  int rows = 0, vm = 0;
  double qms = 0;
  /* One query for all that is due (the scheduler asks 500 at a time). */
  if (measure_query(db, rd_time_now(), (int)(due > 0 ? due : 1), &rows, &vm, &qms))
    return 1;

  if (rd_store_open(db, &st, &err) != RD_OK)
    return die("store", err.detail);
  svc = rd_service_new(st, NULL);
  size_t fired = 0, total = 0;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    if (rd_service_sweep(svc, 500, &fired, &err) != RD_OK)
      return die("sweep", err.detail);
    total += fired;
  } while (fired > 0);
  double sms = ms_since(&t0);
  rd_service_free(svc);
  rd_store_close(st);
  free(ids);

  printf("SWEEP runs=%" PRId64 " due=%" PRId64 " returned=%d vm_steps=%d query_ms=%.2f"
         " fired=%zu sweep_ms=%.1f\n", n_complaints * per, due, rows, vm, qms, total, sms);
  return 0;
}
