/* http/metrics.h - request counters and latency histograms for GET /metrics.
 *
 * Owned by struct rd_http. Recording is lock-free (relaxed atomics): it runs
 * on every request. Rendering reads the counters without stopping writers, so
 * a scrape may see a request counted but not yet timed; Prometheus copes.
 */
#ifndef RD_HTTP_METRICS_H
#define RD_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct rd_metrics;
struct rd_store;

/* Counters for n_routes routes (plus one slot for unmatched requests). */
struct rd_metrics *rd_metrics_new(size_t n_routes);
void rd_metrics_free(struct rd_metrics *m);   /* accepts NULL */

/* Counts one finished request: route index (-1 unmatched), method, status
 * code, duration. */
void rd_metrics_record(struct rd_metrics *m, int route, const char *method,
                       unsigned status, int64_t duration_us);

/* Appends the Prometheus text: redress_http_requests_total{route,method,code},
 * redress_http_request_duration_seconds by route, and (when st answers)
 * redress_complaints{status}. */
void rd_metrics_render(struct rd_metrics *m, struct rd_store *st,
                       struct rd_buf *b);

#endif
