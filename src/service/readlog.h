/* service/readlog.h - the audit rows of staff reads, written in batches.
 *
 * A read of personal data must be recorded, but a durable write of its own
 * per read (a transaction and a disk flush before answering) cost more than
 * the read itself. So a read queues its row here and answers; one thread
 * appends what is queued in one transaction per batch (up to READLOG_BATCH
 * rows, or whatever came within READLOG_LINGER_MS). When the queue is full
 * (the database down or slow) a read waits a bounded time and then fails
 * rather than go unrecorded. The price: a crash loses the rows of reads
 * answered in the last batch interval (docs/audit.md). Closing drains the
 * queue before the store may close.
 */
#ifndef RD_SERVICE_READLOG_H
#define RD_SERVICE_READLOG_H

#include "store/store.h"
#include "util/status.h"

struct rd_readlog;

/* A queue that appends to st (borrowed; it must outlive the queue). The
 * thread starts with the first row, so processes that never record a read
 * (the CLI) never start it. */
struct rd_readlog *rd_readlog_new(struct rd_store *st);

/* Queues a copy of e (seq and hashes are the chain's to set). Waits up to a
 * few seconds for room when the queue is full; RD_E_UNAVAILABLE then, or
 * when the thread cannot start: the caller must not answer the read. */
enum rd_status rd_readlog_add(struct rd_readlog *q,
                              const struct rd_audit_entry *e,
                              struct rd_error *err);

/* Waits until every row queued before the call is committed (bounded like
 * rd_readlog_add: RD_E_UNAVAILABLE when the writes keep failing). */
enum rd_status rd_readlog_flush(struct rd_readlog *q, struct rd_error *err);

/* Drains the queue (retrying a failing store for a few seconds; rows still
 * unwritten then are counted in the log as lost), stops the thread, frees
 * the queue. Accepts NULL. */
void rd_readlog_free(struct rd_readlog *q);

#endif
