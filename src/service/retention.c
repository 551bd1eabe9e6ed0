/* service/retention.c - the retention policy: closed complaints older than
 * the configured age lose their personal data; their figures stay
 * (docs/retention.md).
 *
 * A run reads the due ids in pages and anonymises each page in one short
 * transaction (at most 500 complaints), so it never holds the store's
 * writer for long; each anonymisation is claimed by a conditional update
 * in the store, so two runs at once (two nodes, or the CLI beside a
 * server) anonymise and audit each complaint once.
 */
#include "service/service_int.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/log.h"

enum { DAY_S = 86400 };

struct anon_ctx {
  const int64_t *ids;
  size_t n;
  int64_t now;
  const char *detail;
  int64_t done;                /* anonymised by this transaction */
};

static enum rd_status
anon_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct anon_ctx *x = arg;
  enum rd_status rc;

  x->done = 0;   /* a retried transaction starts afresh */
  for (size_t i = 0; i < x->n; i++) {
    bool done = false;
    if ((rc = rd_tx_complaint_anonymise(tx, x->ids[i], x->now, &done, err)))
      return rc;
    if (!done)
      continue;   /* another run had it, or it changed meanwhile */
    if ((rc = rd_svc_audit(tx, &RD_PRINCIPAL_SYSTEM, x->now, "complaint.anonymise",
                           "complaint", x->ids[i], x->detail, err)))
      return rc;
    x->done++;
  }
  return RD_OK;
}

enum rd_status
rd_service_retention_run(struct rd_service *svc, int older_than_days,
                         bool dry_run, int batch,
                         struct rd_retention_report *out, struct rd_error *err)
{
  enum rd_status rc = RD_OK;
  int64_t after = 0;

  memset(out, 0, sizeof *out);
  if (older_than_days < 1 || older_than_days > RD_RETENTION_DAYS_MAX)
    return rd_error_set(err, RD_E_INVALID, "older_than_days",
                        "older_than_days must be a whole number of days from 1 to %d",
                        RD_RETENTION_DAYS_MAX);
  if (batch <= 0 || batch > RD_RETENTION_BATCH)
    batch = RD_RETENTION_BATCH;
  int64_t now = rd_service_now(svc);
  out->closed_before = now - (int64_t)older_than_days * DAY_S;
  char detail[64];
  snprintf(detail, sizeof detail, "{\"older_than_days\":%d}", older_than_days);

  for (;;) {
    struct rd_arena *a = rd_arena_new();
    int64_t *ids = NULL;
    size_t n = 0;
    rc = rd_store_retention_due(svc->store, out->closed_before, after, batch, a,
                                &ids, &n, err);
    if (rc == RD_OK && n > 0 && !dry_run) {
      struct anon_ctx x = {.ids = ids, .n = n, .now = now, .detail = detail};
      rc = rd_store_write(svc->store, anon_tx, &x, err);
      if (rc == RD_OK) {
        out->anonymised += x.done;
        out->batches++;
      }
    } else if (rc == RD_OK) {
      out->anonymised += (int64_t)n;
    }
    /* By id, not "the first page again": a complaint the batch could not
     * anonymise (reopened meanwhile) is not read forever. */
    if (n > 0)
      after = ids[n - 1];
    rd_arena_free(a);
    if (rc != RD_OK || n < (size_t)batch)
      break;
  }
  return rc;
}

struct claim_ctx {
  int64_t now;
  bool claimed;
};

/* Today's run: the next one is due a day later, whichever node runs it. */
static enum rd_status
claim_tx(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct claim_ctx *x = arg;
  return rd_tx_job_claim(tx, "retention", x->now, x->now + DAY_S, &x->claimed, err);
}

enum rd_status
rd_service_retention_daily(struct rd_service *svc, int older_than_days,
                           bool *ran, struct rd_retention_report *out,
                           struct rd_error *err)
{
  struct claim_ctx x = { rd_service_now(svc), false };
  enum rd_status rc;

  *ran = false;
  memset(out, 0, sizeof *out);
  if (older_than_days <= 0)
    return RD_OK;
  rc = rd_store_write(svc->store, claim_tx, &x, err);
  if (rc != RD_OK || !x.claimed)
    return rc;
  *ran = true;
  return rd_service_retention_run(svc, older_than_days, false, RD_RETENTION_BATCH,
                                  out, err);
}
