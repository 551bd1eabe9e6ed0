/* tests/unit/service/test_readlog.c - the batching appender of staff reads'
 * audit rows (service/readlog.c) against a real SQLite store: rows queued
 * from several threads are all written, in order per thread, by a flush;
 * closing drains what is still queued; the chain they form verifies.
 */
#include "../../testing.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/readlog.h"
#include "store/store.h"
#include "util/arena.h"

enum { THREADS = 4, EACH = 300 };   /* 1,200 rows: more than two batches */

struct fx {
  char dir[64];
  char path[96];
  struct rd_store *st;
};

static int
setup(void **state)
{
  struct fx *f = calloc(1, sizeof *f);
  struct rd_error err = {0};
  snprintf(f->dir, sizeof f->dir, "/tmp/rd_readlog_XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
  if (rd_store_open(f->path, &f->st, &err) || rd_store_migrate(f->st, NULL, &err)) {
    fprintf(stderr, "setup: %s\n", err.detail);
    return -1;
  }
  *state = f;
  return 0;
}

static int
teardown(void **state)
{
  struct fx *f = *state;
  char path[128];
  rd_store_close(f->st);
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s%s", f->path, suffixes[i]);
    unlink(path);
  }
  rmdir(f->dir);
  free(f);
  return 0;
}

struct reader {
  struct rd_readlog *q;
  int64_t user_id;
  int failures;
};

static void *
reader_main(void *arg)
{
  struct reader *r = arg;
  for (int i = 0; i < EACH; i++) {
    struct rd_error err = {0};
    char addr[32];
    snprintf(addr, sizeof addr, "198.51.100.%d", (int)r->user_id);
    struct rd_audit_entry e = {
      .at = 1795000000 + i, .actor = "user", .user_id = r->user_id,
      .client_addr = addr, .action = "complaint.read", .object_kind = "complaint",
      .object_id = i + 1,
    };
    if (rd_readlog_add(r->q, &e, &err) != RD_OK)
      r->failures++;
  }
  return NULL;
}

static int64_t
verified_rows(struct rd_store *st)
{
  struct rd_audit_report rep;
  struct rd_error err = {0};
  assert_int_equal(rd_store_audit_verify(st, &rep, &err), RD_OK);
  assert_null(rep.problem);
  assert_int_equal(rep.pending, 0);
  return rep.verified;
}

static void
test_flush_writes_every_queued_row(void **state)
{
  struct fx *f = *state;
  struct rd_readlog *q = rd_readlog_new(f->st);
  struct reader r[THREADS];
  pthread_t tid[THREADS];
  struct rd_error err = {0};

  for (int i = 0; i < THREADS; i++) {
    r[i] = (struct reader){.q = q, .user_id = i + 1};
    assert_int_equal(pthread_create(&tid[i], NULL, reader_main, &r[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(tid[i], NULL);
    assert_int_equal(r[i].failures, 0);
  }
  assert_int_equal(rd_readlog_flush(q, &err), RD_OK);
  assert_int_equal(verified_rows(f->st), THREADS * EACH);

  /* Each reader's rows keep its order, with what it gave (copied: the
   * caller's strings are gone by the time the batch is written). */
  struct rd_arena *a = rd_arena_new();
  struct rd_audit_page page;
  struct rd_audit_filter fl = {.limit = 500, .user_id = 3};
  int64_t last_object = EACH + 1;
  int seen = 0;
  for (;;) {
    assert_int_equal(rd_store_audit_list(f->st, &fl, a, &page, &err), RD_OK);
    for (size_t i = 0; i < page.n; i++, seen++) {
      assert_true(page.items[i].object_id < last_object);   /* newest first */
      last_object = page.items[i].object_id;
      assert_string_equal(page.items[i].client_addr, "198.51.100.3");
      assert_string_equal(page.items[i].action, "complaint.read");
      assert_string_equal(page.items[i].detail_json, "{}");
    }
    if (!page.next_cursor)
      break;
    fl.cursor = page.next_cursor;
  }
  assert_int_equal(seen, EACH);
  rd_arena_free(a);

  /* An entry without an action is refused at once, not queued. */
  struct rd_audit_entry bad = {.at = 1, .actor = "user", .user_id = 1};
  assert_int_equal(rd_readlog_add(q, &bad, &err), RD_E_INVALID);
  rd_readlog_free(q);
  assert_int_equal(verified_rows(f->st), THREADS * EACH);
}

static void
test_free_drains_the_queue(void **state)
{
  struct fx *f = *state;
  struct rd_readlog *q = rd_readlog_new(f->st);
  struct rd_error err = {0};

  for (int i = 0; i < 7; i++) {
    struct rd_audit_entry e = {.at = 1795000000, .actor = "user", .user_id = 9,
                               .action = "complaint.list",
                               .detail_json = "{\"returned\":0,\"ids\":[]}"};
    assert_int_equal(rd_readlog_add(q, &e, &err), RD_OK);
  }
  rd_readlog_free(q);   /* no flush: closing writes them */
  assert_int_equal(verified_rows(f->st), 7);

  /* A queue that never saw a row starts no thread and frees cleanly. */
  rd_readlog_free(rd_readlog_new(f->st));
  rd_readlog_free(NULL);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test_setup_teardown(test_flush_writes_every_queued_row, setup, teardown),
  cmocka_unit_test_setup_teardown(test_free_drains_the_queue, setup, teardown),
};

RD_TEST_MAIN("readlog", tests)
