/* service/readlog.c - the audit rows of staff reads, written in batches
 * (readlog.h says why). One mutex guards a ring of copied entries; the
 * writer thread takes up to a batch from the front, appends it in one
 * transaction and only then removes it, so a failed write loses nothing
 * and is retried while the queue fills and reads start to wait. */
#include "service/readlog.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/mem.h"

enum {
  READLOG_CAP = 16384,         /* rows queued at most: then reads wait */
  READLOG_BATCH = 1000,        /* rows per transaction at most */
  READLOG_LINGER_MS = 50,      /* how long a batch waits to fill */
  READLOG_WAIT_MS = 3000,      /* how long a read waits for room, then 503 */
  READLOG_RETRY_MS = 200,      /* pause after a failed batch */
  READLOG_DRAIN_MS = 5000,     /* how long closing retries a failing store */
};

struct rd_readlog {
  struct rd_store *st;
  pthread_mutex_t lock;
  pthread_cond_t work;         /* the thread: rows to write, or stop */
  pthread_cond_t progress;     /* readers and flushers: rows were written */
  struct rd_audit_entry *ring; /* READLOG_CAP slots; strings owned */
  size_t head, count;
  uint64_t added, written;     /* rows ever queued / ever committed */
  int flushers;                /* callers waiting in flush: skip lingering */
  bool started, stopping, thread_failed;
  pthread_t thread;
};

static void
deadline_in(struct timespec *ts, long ms)
{
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static bool
passed(const struct timespec *ts)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > ts->tv_sec ||
         (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

static char *
dup_or_null(const char *s)
{
  return s ? rd_xstrdup(s) : NULL;
}

static void
slot_free(struct rd_audit_entry *e)
{
  free((char *)e->actor);
  free((char *)e->client_addr);
  free((char *)e->action);
  free((char *)e->object_kind);
  free((char *)e->detail_json);
  memset(e, 0, sizeof *e);
}

struct batch {
  struct rd_audit_entry *rows, *work;
  size_t n;
};

static enum rd_status
batch_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct batch *b = arg;
  /* Copies: the append sets seq and hashes, and a rerun of the transaction
   * (PostgreSQL retries serialization failures) starts clean. */
  memcpy(b->work, b->rows, b->n * sizeof *b->rows);
  return rd_tx_audit_append_batch(tx, b->work, b->n, err);
}

/* Removes the first n rows (written, or given up on). Under the lock. */
static void
drop_front(struct rd_readlog *q, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    slot_free(&q->ring[q->head]);
    q->head = (q->head + 1) % READLOG_CAP;
  }
  q->count -= n;
  q->written += n;
  pthread_cond_broadcast(&q->progress);
}

static void *
readlog_main(void *arg)
{
  struct rd_readlog *q = arg;
  struct rd_audit_entry *rows = rd_xcalloc(READLOG_BATCH, sizeof *rows);
  struct rd_audit_entry *work = rd_xcalloc(READLOG_BATCH, sizeof *work);
  bool failing = false;
  struct timespec give_up = {0};
  bool give_up_set = false;

  pthread_mutex_lock(&q->lock);
  for (;;) {
    while (q->count == 0 && !q->stopping)
      pthread_cond_wait(&q->work, &q->lock);
    if (q->count == 0)
      break;   /* stopping, and drained */
    /* Let the batch fill a little: one transaction for many reads is the
     * point; nobody waits for it unless the queue is full or a flush asks. */
    struct timespec linger;
    deadline_in(&linger, READLOG_LINGER_MS);
    while (q->count < READLOG_BATCH && !q->stopping && q->flushers == 0 &&
           q->count < READLOG_CAP && !passed(&linger))
      pthread_cond_timedwait(&q->work, &q->lock, &linger);

    size_t n = q->count < READLOG_BATCH ? q->count : READLOG_BATCH;
    for (size_t i = 0; i < n; i++)
      rows[i] = q->ring[(q->head + i) % READLOG_CAP];   /* borrowed: only this thread frees */
    pthread_mutex_unlock(&q->lock);

    struct rd_error err = {0};
    struct batch b = {.rows = rows, .work = work, .n = n};
    enum rd_status rc = rd_store_write(q->st, batch_tx, &b, &err);
    /* On PostgreSQL the rows wait for the chainer, which the scheduler
     * runs every tick (and an auditor's listing before it reads): linking
     * them here too made this thread fall behind under load, and reads
     * then waited for room. */

    pthread_mutex_lock(&q->lock);
    if (rc == RD_OK) {
      if (failing)
        rd_log_info("audit: read rows are written again");
      failing = false;
      give_up_set = false;
      drop_front(q, n);
      continue;
    }
    if (!failing)
      rd_log_error("audit: writing %zu read row%s failed (retrying; reads wait "
                   "when the queue is full): %s", n, n == 1 ? "" : "s", err.detail);
    failing = true;
    if (q->stopping) {
      if (!give_up_set) {
        deadline_in(&give_up, READLOG_DRAIN_MS);
        give_up_set = true;
      } else if (passed(&give_up)) {
        rd_log_error("audit: LOST %zu read row%s at shutdown: the store does not "
                     "take them", q->count, q->count == 1 ? "" : "s");
        drop_front(q, q->count);
        break;
      }
    }
    struct timespec pause;
    deadline_in(&pause, READLOG_RETRY_MS);
    pthread_cond_timedwait(&q->work, &q->lock, &pause);
  }
  pthread_mutex_unlock(&q->lock);
  free(rows);
  free(work);
  return NULL;
}

struct rd_readlog *
rd_readlog_new(struct rd_store *st)
{
  struct rd_readlog *q = rd_xcalloc(1, sizeof *q);
  pthread_condattr_t ca;
  q->st = st;
  q->ring = rd_xcalloc(READLOG_CAP, sizeof *q->ring);
  pthread_mutex_init(&q->lock, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&q->work, &ca);
  pthread_cond_init(&q->progress, &ca);
  pthread_condattr_destroy(&ca);
  return q;
}

enum rd_status
rd_readlog_add(struct rd_readlog *q, const struct rd_audit_entry *e,
               struct rd_error *err)
{
  struct timespec until;
  enum rd_status rc = RD_OK;

  if (!e->actor || !*e->actor || !e->action || !*e->action)
    return rd_error_set(err, RD_E_INVALID, "action",
                        "an audit entry needs an actor and an action");
  pthread_mutex_lock(&q->lock);
  if (!q->started && !q->thread_failed && !q->stopping) {
    if (pthread_create(&q->thread, NULL, readlog_main, q) == 0)
      q->started = true;
    else
      q->thread_failed = true;
  }
  if (!q->started || q->stopping) {
    pthread_mutex_unlock(&q->lock);
    return rd_error_set(err, RD_E_UNAVAILABLE, "",
                        "the audit log cannot record reads now");
  }
  deadline_in(&until, READLOG_WAIT_MS);
  while (q->count == READLOG_CAP && !passed(&until))
    pthread_cond_timedwait(&q->progress, &q->lock, &until);
  if (q->count == READLOG_CAP) {
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "",
                      "the audit log is not keeping up; try again shortly");
  } else {
    struct rd_audit_entry *s = &q->ring[(q->head + q->count) % READLOG_CAP];
    *s = (struct rd_audit_entry){
      .at = e->at,
      .actor = rd_xstrdup(e->actor),
      .user_id = e->user_id,
      .client_addr = dup_or_null(e->client_addr),
      .action = rd_xstrdup(e->action),
      .object_kind = dup_or_null(e->object_kind),
      .object_id = e->object_id,
      .detail_json = dup_or_null(e->detail_json),
    };
    q->count++;
    q->added++;
    /* Wake the thread when there is something new to do, not per row. */
    if (q->count == 1 || q->count == READLOG_BATCH)
      pthread_cond_signal(&q->work);
  }
  pthread_mutex_unlock(&q->lock);
  return rc;
}

enum rd_status
rd_readlog_flush(struct rd_readlog *q, struct rd_error *err)
{
  struct timespec until;
  enum rd_status rc = RD_OK;

  pthread_mutex_lock(&q->lock);
  uint64_t target = q->added;
  q->flushers++;
  pthread_cond_signal(&q->work);
  deadline_in(&until, READLOG_WAIT_MS);
  while (q->written < target && !passed(&until))
    pthread_cond_timedwait(&q->progress, &q->lock, &until);
  if (q->written < target)
    rc = rd_error_set(err, RD_E_UNAVAILABLE, "",
                      "the audit log is not keeping up; try again shortly");
  q->flushers--;
  pthread_mutex_unlock(&q->lock);
  return rc;
}

void
rd_readlog_free(struct rd_readlog *q)
{
  if (!q)
    return;
  pthread_mutex_lock(&q->lock);
  q->stopping = true;
  pthread_cond_signal(&q->work);
  bool started = q->started;
  pthread_mutex_unlock(&q->lock);
  if (started)
    pthread_join(q->thread, NULL);   /* returns once the queue is drained */
  for (size_t i = 0; i < q->count; i++)
    slot_free(&q->ring[(q->head + i) % READLOG_CAP]);
  free(q->ring);
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->work);
  pthread_cond_destroy(&q->progress);
  free(q);
}
